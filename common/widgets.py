"""A ``<select>`` that prints exactly what Django's prints, without a template per option.

Django renders a select through ``select.html``, which includes ``select_option.html``
and ``attrs.html`` for every option: about a tenth of a millisecond an option. The
broker queue shows some 90 options (its filters and the bulk form) on every view, a
sixth of the page's time (issue #12), so its selects use :class:`Select`, which builds
the same HTML in Python. ``tests/common/test_widgets.py`` holds it to Django's output.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

# The context Django's form renderer renders its widget templates in (autoescape on).
_CONTEXT = Context()


def _value(value) -> str:
    """``{{ value }}`` in a widget template."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays unescaped, as in a template)."""
    text = stringformat(value, "s")
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_value(name)}" if value is True else f' {_value(name)}="{_formatted(value)}"')
    return "".join(parts)


class Select(forms.Select):
    """``forms.Select``, rendered in Python. It keeps the class name ``Select``: the
    field's ``widget_type`` (the CSS class ``field--select``) is made from it.

    Only for Django's own templates and renderer; anything else (another template, or
    a renderer that could override the templates) renders as Django does."""

    def render(self, name, value, attrs=None, renderer=None):
        if (
            self.template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
            or not (renderer is None or type(renderer) is DjangoTemplates)
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{_value(group_name)}">')
            for option in options:
                html.append(
                    f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_value(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>\n")
        return mark_safe("".join(html).strip())  # noqa: S308 - every value was escaped as the templates do
