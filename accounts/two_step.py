"""Two-step login (MFA) and session limits for staff (issue #13).

Staff are the people who can open other people's files or the figures about them:
superusers and Django staff (the admin site), and everyone with a staff membership of
an organisation (broker, admin, municipality viewer). For them:

* the second step is required: a TOTP code from an app or a security key / passkey
  (django-allauth's ``mfa`` app, with recovery codes); a staff member without one
  is sent to set it up before any other page opens (``config.middleware.StaffSessionMiddleware``);
* a session ends after 30 minutes without a request and 12 hours after logging in.

Everyone else may turn the second step on from their account page; their sessions
keep Django's lifetime.

accounts is the ground floor and cannot know the apps that hold staff roles: those
register a cheap check with :func:`staff_check` in their ``AppConfig.ready`` (one
indexed query per request, instead of every role source of ``roles_for``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils.translation import gettext_lazy as _

StaffCheck = Callable[[Any], bool]
_staff_checks: list[StaffCheck] = []

# The authenticators that are a second step (recovery codes only stand in for them).
SECOND_STEP_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# Session keys: when this session logged in, and when it was last seen (epoch seconds).
LOGIN_AT_KEY = "staff_login_at"
SEEN_AT_KEY = "staff_seen_at"
# The last-seen stamp is written at most this often, so that a page view does not
# write the session row every time.
SEEN_RESOLUTION_SECONDS = 60


def staff_check(check: StaffCheck) -> StaffCheck:
    """Register ``check(user) -> bool`` (idempotent)."""
    if check not in _staff_checks:
        _staff_checks.append(check)
    return check


def two_step_required(user) -> bool:
    """Whether ``user`` must log in with two steps: the one rule for who counts as staff."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(check(user) for check in _staff_checks)


def has_second_step(user) -> bool:
    """Whether ``user`` has set up an app (TOTP) or a security key."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_STEP_TYPES).exists()


def session_passed_second_step(request, user) -> bool:
    """Whether this session was opened (or confirmed) with the second step, as allauth
    records it: an ``mfa`` entry among the session's authentication records."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def second_step_record(request, user, authenticator: Authenticator, **extra) -> None:
    """Record in the session that ``user`` passed the second step with ``authenticator``,
    in allauth's own format (what its login and re-authentication forms write)."""
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, **extra)


# --- Session limits -----------------------------------------------------------------


def session_stamp_login(session, *, now: float | None = None) -> None:
    """Remember when this session logged in (called on every login)."""
    now = time.time() if now is None else now
    session[LOGIN_AT_KEY] = now
    session[SEEN_AT_KEY] = now


def session_limit_reached(session, *, now: float | None = None) -> str | None:
    """``"idle"`` or ``"too_long"`` when a staff session must end, else None (and the
    last-seen stamp moves on). A session without stamps (made before the limits
    existed, or by a login that bypassed allauth) counts as too long."""
    now = time.time() if now is None else now
    login_at = session.get(LOGIN_AT_KEY)
    seen_at = session.get(SEEN_AT_KEY)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return "too_long"
    if now - login_at > settings.STAFF_SESSION_MAX_SECONDS:
        return "too_long"
    if now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
        return "idle"
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT_KEY] = now
    return None


# --- allauth's MFA adapter ------------------------------------------------------------


class TwoStepAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter with one rule added: staff cannot remove their last
    second step (they would only be sent to set it up again)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Als medewerker heeft u tweestapsverificatie altijd nodig. Voeg eerst een andere manier toe "
            "(een app of een beveiligingssleutel). Daarna kunt u deze weghalen."
        ),
    }

    def get_totp_issuer(self) -> str:
        return "Buurtmakelaar"

    def build_totp_svg(self, url: str) -> str:
        """The QR code as SVG for the page itself (no ``data:`` image, which a strict
        Content-Security-Policy would have to allow): without its XML declaration, and
        named for screen readers."""
        svg = super().build_totp_svg(url)
        svg = svg[svg.index("<svg") :]
        return svg.replace("<svg ", '<svg role="img" aria-label="QR-code" ', 1)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_STEP_TYPES or not two_step_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_STEP_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()
