"""What the privacy app keeps itself: an organisation's retention periods, the warnings
sent to accounts that are no longer used, and the record of rights exercised."""

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


class RightsEvent(models.Model):
    """Who downloaded or erased whose data, when and why.

    A row holds no personal data of the person it is about: the kind of record and its
    number (after erasure that record is anonymous, or gone), the organisation, the
    actor (a broker, or the person themselves; empty once their account is gone) and a
    reason code (never free text, so that nothing personal is written into it)."""

    class Action(models.TextChoices):
        EXPORT = "export", _("gegevens gedownload")
        ERASE = "erase", _("gegevens gewist")

    class SubjectKind(models.TextChoices):
        ACCOUNT = "account", _("account")
        VOLUNTEER = "volunteer", _("vrijwilliger")
        MANTELZORGER = "mantelzorger", _("mantelzorger")
        REQUEST = "request", _("hulpvraag")

    class Reason(models.TextChoices):
        OWN = "own", _("door de persoon zelf")
        PHONE = "phone", _("gevraagd aan de telefoon")
        IN_PERSON = "in_person", _("gevraagd in een gesprek")
        LETTER = "letter", _("gevraagd per brief of e-mail")
        REPRESENTATIVE = "representative", _("gevraagd door een wettelijk vertegenwoordiger")

    action = models.CharField(_("wat"), max_length=10, choices=Action.choices)
    subject_kind = models.CharField(_("over"), max_length=20, choices=SubjectKind.choices)
    # The number of the record it was about (anonymous after erasure); empty for an account.
    subject_ref = models.PositiveIntegerField(_("nummer"), null=True, blank=True)
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(_("namens de persoon"), default=False)
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    at = models.DateTimeField(_("wanneer"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_kind", "subject_ref", "action"], name="rights_subject")]
        verbose_name = _("privacyverzoek")
        verbose_name_plural = _("privacyverzoeken")

    def __str__(self) -> str:
        return f"{self.action} {self.subject_kind} {self.subject_ref or ''} {self.at:%Y-%m-%d %H:%M}"
