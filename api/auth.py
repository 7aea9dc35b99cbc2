"""Who calls: a personal access token (``Authorization: Bearer bm_…``) or the browser's
session. A token acts for its organisation only (``api.access``); its user is the admin
who made it, so that the access log names a person who answers for it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.selectors import token_for_secret
from api.services import token_touch


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Geef precies één sleutel na ‘Bearer’."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Deze sleutel kennen we niet."))
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Deze sleutel kennen we niet."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Deze sleutel is ingetrokken."))
        if not token.is_usable():
            raise exceptions.AuthenticationFailed(_("Deze sleutel is verlopen."))
        token_touch(token=token)
        user = token.created_by if token.created_by is not None else AnonymousUser()
        return (user, token)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (with its CSRF check on writes), as on the web pages."""
