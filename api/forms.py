"""The admin's form for a new API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, WebhookSubscription
from api.services import MAX_DAYS
from api.webhooks import target_url_check
from common.errors import DomainError


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de koppeling"),
        max_length=100,
        help_text=_("Bijvoorbeeld: dashboard van de gemeente."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Wat mag de koppeling?"),
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(
        label=_("Geldig (dagen)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=90,
        help_text=_("Daarna werkt de sleutel niet meer. U kunt hem eerder intrekken."),
    )


class WebhookForm(forms.Form):
    target_url = forms.CharField(
        label=_("Adres van de ontvanger"),
        max_length=500,
        help_text=_("Een adres op internet dat met https:// begint."),
    )
    events = forms.MultipleChoiceField(
        label=_("Bij welke gebeurtenissen?"),
        choices=WebhookSubscription.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_target_url(self):
        # The service checks again; here so that every error shows at once.
        try:
            return target_url_check(self.cleaned_data["target_url"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
