"""Writes of the API app: personal access tokens (made, revoked, touched)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from common.errors import DomainError
from neighbourhoods.models import Organisation

TOKEN_PREFIX = "bm_"
MAX_DAYS = 366
# last_used_at is written at most this often per token: not one UPDATE per call.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_create(*, organisation: Organisation, name: str, scopes: list[str], days: int, by) -> NewToken:
    """A new token of ``organisation`` with ``scopes``, valid for ``days`` days."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Geef de koppeling een naam."), field="name")
    known = set(ApiToken.Scope.values)
    if not scopes or not set(scopes) <= known:
        raise DomainError(_("Kies ten minste één recht."), field="scopes")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("Een sleutel is 1 tot %(max)s dagen geldig.") % {"max": MAX_DAYS}, field="days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name[:100],
        prefix=secret[:10],
        token_hash=token_hash(secret),
        scopes=sorted(set(scopes)),
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke ``token`` (once; a revoked token stays in the list). False if it already was."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now()))


def token_touch(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Note that ``token`` was used, at most once per :data:`TOUCH_EVERY`."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
