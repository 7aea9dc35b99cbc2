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
