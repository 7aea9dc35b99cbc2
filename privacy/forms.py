"""The organisation's retention periods, as an admin sets them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.schedule import PERIODS


class RetentionSettingsForm(forms.Form):
    """One whole number of months per period, within the schedule's bounds (the
    service checks them again)."""

    def __init__(self, *args, months: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for key, period in PERIODS.items():
            bounds = _("Kies een termijn van %(min)d tot en met %(max)d maanden.") % {
                "min": period.min_months,
                "max": period.max_months,
            }
            self.fields[key] = forms.IntegerField(
                label=period.label,
                min_value=period.min_months,
                max_value=period.max_months,
                initial=months[key],
                help_text=_("In maanden, van %(min)d tot en met %(max)d. Standaard: %(default)d.")
                % {"min": period.min_months, "max": period.max_months, "default": period.default_months},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
                error_messages={
                    "invalid": _("Vul een heel aantal maanden in."),
                    "required": _("Vul een aantal maanden in."),
                    "min_value": bounds,
                    "max_value": bounds,
                },
            )
