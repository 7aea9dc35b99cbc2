"""What the privacy app keeps itself: an organisation's retention periods and the
warnings sent to accounts that are no longer used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionSettings(models.Model):
    """An organisation's retention periods, in months, per ``privacy.schedule.PERIODS``
    key. A missing key (or no row at all) means the schedule's default; values are
    checked against the bounds by ``privacy.retention.retention_settings_update``."""

    organisation = models.OneToOneField(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="retention_settings"
    )
    months = models.JSONField(_("bewaartermijnen (maanden)"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bewaartermijnen")
        verbose_name_plural = _("bewaartermijnen")

    def __str__(self) -> str:
        return str(self.organisation)


class InactivityWarning(models.Model):
    """The e-mail that told an unused account it will be removed. The account goes
    ``privacy.schedule.ACCOUNT_WARNING_DAYS`` later unless its owner logs in (a login
    after ``warned_at`` makes the warning void)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warned_at = models.DateTimeField(_("gewaarschuwd op"))

    class Meta:
        verbose_name = _("waarschuwing ongebruikt account")
        verbose_name_plural = _("waarschuwingen ongebruikte accounts")

    def __str__(self) -> str:
        return f"{self.user_id} {self.warned_at:%Y-%m-%d}"
