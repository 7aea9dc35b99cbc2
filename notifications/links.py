"""Absolute links for e-mails, which are built outside a web request (in services
and periodic tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def site_url(base: str | None = None) -> str:
    """``SITE_URL`` when set; else ``base`` (the address of the current web request);
    in production the first allowed host over HTTPS; locally the development server."""
    configured = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if base:
        return base.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    if getattr(settings, "PRODUCTION", False) and hosts:
        return f"https://{hosts[0]}"
    return "http://127.0.0.1:8000"


def absolute(path: str, base: str | None = None) -> str:
    return site_url(base) + path


def unsubscribe_token(email: str, category: str) -> str:
    return signing.dumps({"e": email.lower(), "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[str, str] | None:
    """(email, category) from a token, or None when it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or not isinstance(data.get("c"), str):
        return None
    return data["e"], data["c"]


def unsubscribe_url(email: str, category: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(email, category)}))
