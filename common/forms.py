"""Form fields that answer hostile input with a form error, never a 500.

Django's model choice fields pass a typed id straight to the database; an id beyond
a 64-bit integer (``skills=99999999999999999999``) then raises ``OverflowError`` on
SQLite instead of "not one of the choices". These fields refuse such ids first."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

_BIGINT = 2**63


def out_of_range(value) -> bool:
    """Whether ``value`` is a whole number no database id can be."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number: the field's own check answers
    return not -_BIGINT <= number < _BIGINT


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value or ():
            if out_of_range(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(item)[:40]}
                )
        return super()._check_values(value)
