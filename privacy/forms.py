"""The organisation's retention periods, as an admin sets them; erasure and the broker's
export and erasure for someone offline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RightsEvent
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


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Uw wachtwoord"),
        help_text=_("Zo weten we zeker dat u het zelf bent."),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vul uw wachtwoord in.")},
    )
    confirm = forms.BooleanField(
        label=_("Ja, wis al mijn gegevens en mijn account"),
        error_messages={"required": _("Zet een vinkje als u het zeker weet.")},
    )


BROKER_REASONS = [(value, label) for value, label in RightsEvent.Reason.choices if value != RightsEvent.Reason.OWN]


class BrokerExportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Hoe vroeg de persoon erom?"),
        choices=BROKER_REASONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies hoe de persoon erom vroeg."),
            "invalid_choice": _("Kies een reden uit de lijst."),
        },
    )


class BrokerEraseForm(BrokerExportForm):
    confirm = forms.BooleanField(
        label=_("Ja, wis de gegevens van deze persoon"),
        error_messages={"required": _("Zet een vinkje als u het zeker weet.")},
    )
