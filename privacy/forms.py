from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RightsEvent


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
