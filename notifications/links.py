"""Absolute links for e-mails, which are built outside a web request (in services
and periodic tasks), and the one-click unsubscribe token.

The token is signed and dated (Django's signing) and names an opaque random id
(:class:`notifications.models.MailLinkKey`) and the category, never the address.
It works for ``NOTIFICATION_UNSUBSCRIBE_MAX_AGE_DAYS`` (365) days.
"""

from __future__ import annotations

import contextlib
import datetime
import secrets
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core import signing
from django.urls import reverse

from notifications.models import MailLinkKey

# The first links (until issue #13) carried the address under this salt; they are
# recognised only to say that they expired.
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_SALT_V2 = "notifications.unsubscribe.v2"


# The address of the web request being served (set by config.middleware.SiteUrlMiddleware),
# so that a mail queued while serving it links back to the host and port people use.
_request_base: ContextVar[str | None] = ContextVar("request_base", default=None)


@contextlib.contextmanager
def request_base(base: str | None) -> Iterator[None]:
    """Within this block, links without an explicit ``base`` use ``base``."""
    token = _request_base.set(base.rstrip("/") if base else None)
    try:
        yield
    finally:
        _request_base.reset(token)


def site_url(base: str | None = None) -> str:
    """``SITE_URL`` when set; else ``base``, or the address of the web request being
    served; in production the first allowed host over HTTPS; locally the development
    server on ``LOCAL_PORT`` (the ``PORT`` that ``scripts/run`` serves on)."""
    configured = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if base:
        return base.rstrip("/")
    current = _request_base.get()
    if current:
        return current
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    if getattr(settings, "PRODUCTION", False) and hosts:
        return f"https://{hosts[0]}"
    return f"http://127.0.0.1:{getattr(settings, 'LOCAL_PORT', 8000)}"


def absolute(path: str, base: str | None = None) -> str:
    return site_url(base) + path


def _link_key(email: str) -> str:
    """The opaque id of ``email`` for unsubscribe links, made on first use."""
    email = (email or "").strip().lower()
    found = MailLinkKey.objects.filter(email=email).values_list("key", flat=True).first()
    if found:
        return found
    row, _created = MailLinkKey.objects.get_or_create(email=email, defaults={"key": secrets.token_urlsafe(16)})
    return row.key


def unsubscribe_token(email: str, category: str) -> str:
    """A signed, dated token naming an opaque id and a category, never the address."""
    return signing.dumps({"k": _link_key(email), "c": category}, salt=UNSUBSCRIBE_SALT_V2, compress=True)


class UnsubscribeLinkExpired(Exception):
    """The link is older than ``NOTIFICATION_UNSUBSCRIBE_MAX_AGE_DAYS``, or of the old
    kind that carried the address itself: the person changes their choice after login."""


def unsubscribe_read(token: str) -> tuple[str, str] | None:
    """(email, category) from a token; ``None`` when it was tampered with or names
    an id that no longer exists (erased). Raises :class:`UnsubscribeLinkExpired`."""
    max_age = datetime.timedelta(days=getattr(settings, "NOTIFICATION_UNSUBSCRIBE_MAX_AGE_DAYS", 365))
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT_V2, max_age=max_age)
    except signing.SignatureExpired as error:
        raise UnsubscribeLinkExpired from error
    except signing.BadSignature:
        if _is_old_link(token):
            raise UnsubscribeLinkExpired from None
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("c"), str):
        return None
    email = MailLinkKey.objects.filter(key=data["k"]).values_list("email", flat=True).first()
    if email is None:
        return None
    return email, data["c"]


def _is_old_link(token: str) -> bool:
    """A genuine link of the first kind (the address in readable base64, no expiry)."""
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    return True


def unsubscribe_url(email: str, category: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(email, category)}))
