"""Account pages of our own, next to allauth's."""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import remove_webauthn
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def webauthn_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """allauth's "remove security key" with the rule its TOTP page already applies
    (``TwoStepAdapter.can_delete_authenticator``): staff keep at least one second step."""
    if request.method == "POST" and request.user.is_authenticated:
        key = Authenticator.objects.filter(pk=pk, user=request.user, type=Authenticator.Type.WEBAUTHN).first()
        adapter = get_adapter()
        if key is not None and not adapter.can_delete_authenticator(key):
            messages.error(request, adapter.error_messages["cannot_delete_authenticator"])
            return HttpResponseRedirect(reverse("mfa_list_webauthn"))
    return remove_webauthn(request, pk=pk)
