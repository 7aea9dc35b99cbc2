"""Single-use links in the proposal e-mail: only a hash of each secret is stored.
Creating them lives here so that the mails and the lifecycle can both use it;
checking and using a link is a step of the lifecycle (``matches.lifecycle``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from matches.models import Match, MatchLinkToken

LINK_DAYS = 7


def link_hash(secret: str) -> str:
    """The stored form of a link secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def match_link_create(*, match: Match, purpose: str, days: int = LINK_DAYS) -> str:
    """A new single-use link secret for ``match`` (accept or decline), valid ``days``
    days. Only its SHA-256 hash is stored; the secret goes into the e-mail."""
    if purpose not in MatchLinkToken.Purpose.values:
        raise DomainError(_("Onbekend soort link."))
    if not 1 <= int(days) <= 60:
        raise DomainError(_("Een link is 1 tot 60 dagen geldig."))
    secret = secrets.token_urlsafe(32)
    MatchLinkToken.objects.create(
        match=match,
        purpose=purpose,
        token_hash=link_hash(secret),
        expires_at=timezone.now() + datetime.timedelta(days=int(days)),
    )
    return secret
