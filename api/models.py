"""Personal access tokens of the API: one per integration of an organisation.

The secret is shown once, when it is made; only its SHA-256 is stored (a token is a
long random string, so a plain hash is enough: there is nothing to guess from it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ_REPORTS = "read:reports", _("cijfers lezen (met kleine aantallen verborgen)")
        READ_PUBLIC = "read:public", _("openbare gegevens lezen")
        WRITE_SIGNALS = "write:signals", _("signalen doorgeven")
        BROKER = "broker", _("makelaarswerk: vrijwilligers, hulpvragen en koppelingen")

    organisation = models.ForeignKey("neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("naam van de koppeling"), max_length=100)
    # The first characters of the secret, to recognise a token in the list and in logs.
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("rechten"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("geldig tot"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class WebhookSubscription(models.Model):
    """An organisation's webhook: events of its matches and signals are POSTed, signed,
    to ``target_url`` (``api.webhooks``). The secret signs every delivery; it is shown to
    the admin once, when the subscription is made, and kept here to sign with."""

    class Event(models.TextChoices):
        MATCH_PROPOSED = "match.proposed", _("koppeling voorgesteld")
        MATCH_ACCEPTED = "match.accepted", _("vrijwilliger zegt ja")
        MATCH_ACTIVE = "match.active", _("hulp is begonnen")
        MATCH_ENDED = "match.ended", _("hulp is afgerond")
        SIGNAL_CREATED = "signal.created", _("nieuw signaal")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    target_url = models.URLField(_("adres"), max_length=500)
    events = models.JSONField(_("gebeurtenissen"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("staat aan"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "is_active"])]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.target_url

    @property
    def event_labels(self) -> list[str]:
        labels = dict(self.Event.choices)
        return [str(labels.get(code, code)) for code in self.events]

    @property
    def secret_hint(self) -> str:
        """The first characters of the secret, to recognise it (never the whole)."""
        return self.secret[:10]


class WebhookDelivery(models.Model):
    """One event for one subscription: written in the transaction of the change it tells
    about, sent after the commit and retried with backoff (``api.webhooks``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        DELIVERED = "delivered", _("afgeleverd")
        FAILED = "failed", _("mislukt")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=WebhookSubscription.Event.choices)
    # Ids only (api.webhooks.match_payload, signal_payload): never names or care data.
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next try is due; while a worker holds the delivery, the end of its claim.
    next_attempt_at = models.DateTimeField()
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("webhook-aflevering")
        verbose_name_plural = _("webhook-afleveringen")

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"
