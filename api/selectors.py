"""Reads of the API app: the token behind a secret, an organisation's tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from api.models import ApiToken, WebhookDelivery, WebhookSubscription
from api.services import TOKEN_PREFIX, token_hash
from neighbourhoods.models import Organisation


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret is ``secret`` (usable or not), else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("organisation", "created_by").filter(token_hash=token_hash(secret)).first()


def organisation_tokens(*, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation).select_related("created_by")


def organisation_webhooks(*, organisation: Organisation) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(organisation=organisation).select_related("created_by")


def organisation_webhook_deliveries(*, organisation: Organisation, limit: int = 100) -> list[WebhookDelivery]:
    """The latest ``limit`` deliveries of the organisation's webhooks, newest first."""
    return list(
        WebhookDelivery.objects.filter(subscription__organisation=organisation)
        .select_related("subscription")
        .order_by("-created_at", "-pk")[:limit]
    )
