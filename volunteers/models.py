"""Volunteers: who they are, where, when, what they like to do, and their VOG screening."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Located, WeeklySlot


class Volunteer(Located):
    """A person who offers help. May exist without a login (imported or entered
    by a broker); ``user`` links the profile to an account."""

    organisation = models.ForeignKey("neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="volunteers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer"
    )
    external_id = models.CharField(_("extern nummer"), max_length=64, blank=True)
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    max_distance_km = models.FloatField(
        _("maximale reisafstand (km)"), default=5, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    skills = models.ManyToManyField(
        "neighbourhoods.Skill", blank=True, related_name="volunteers", verbose_name=_("wat ik graag doe")
    )
    max_active_matches = models.PositiveSmallIntegerField(
        _("hoeveel koppelingen tegelijk"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    languages = models.CharField(_("talen (ISO 639-1, ';' ertussen)"), max_length=100, blank=True, default="nl")
    vog_valid_until = models.DateField(_("VOG geldig tot"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    # When the volunteer stopped (is_active became False); the reports count it.
    stopped_at = models.DateTimeField(_("gestopt op"), null=True, blank=True)
    paused_until = models.DateField(_("gepauzeerd tot"), null=True, blank=True)
    wants_one_off = models.BooleanField(_("eenmalige hulp"), default=True)
    wants_recurring = models.BooleanField(_("vaste hulp (elke week)"), default=True)
    target_groups = models.JSONField(_("voor wie"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_volunteer_external_id",
            ),
            models.CheckConstraint(condition=models.Q(max_distance_km__gte=0), name="volunteer_distance_not_negative"),
        ]
        indexes = [models.Index(fields=["organisation", "is_active"])]
        verbose_name = _("vrijwilliger")
        verbose_name_plural = _("vrijwilligers")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The organisation it was loaded with: a move to another organisation must reach
        # the old organisation's volunteer pool too (matching.poolversion reads it).
        instance._loaded_organisation_id = instance.__dict__.get("organisation_id")
        return instance

    def save(self, *args, **kwargs):
        # Keep the stop date in step with ``is_active`` (also for the admin's checkbox).
        if not self.is_active and self.stopped_at is None:
            self.stopped_at = timezone.now()
        elif self.is_active and self.stopped_at is not None:
            self.stopped_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_active" in update_fields:
            kwargs["update_fields"] = {*update_fields, "stopped_at"}
        super().save(*args, **kwargs)
        self._loaded_organisation_id = self.organisation_id

    def is_paused(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.paused_until is not None and self.paused_until >= on

    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(";") if code.strip()]

    def has_valid_vog(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.vog_valid_until is not None and self.vog_valid_until >= on


class VolunteerDeparture(models.Model):
    """What remains of a volunteer who stopped and whose row was deleted (no matches,
    so nothing else needed it): no person, only where and when, so the reports can
    still count new and stopped volunteers per neighbourhood and month."""

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="volunteer_departures"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("aangemeld op"))
    stopped_at = models.DateTimeField(_("gestopt op"))

    class Meta:
        ordering = ["-stopped_at", "-pk"]
        verbose_name = _("gestopte vrijwilliger")
        verbose_name_plural = _("gestopte vrijwilligers")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.stopped_at:%Y-%m-%d}"


TARGET_GROUPS: dict[str, str] = {
    "elderly": _("ouderen"),
    "dementia": _("mensen met dementie"),
    "disability": _("mensen met een beperking"),
    "psychiatric": _("mensen met psychische klachten"),
    "children": _("kinderen en gezinnen"),
    "newcomers": _("nieuwkomers"),
}


class AvailabilitySlot(WeeklySlot):
    """When a volunteer can help, every week (wall-clock, Europe/Amsterdam)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")

    class Meta(WeeklySlot.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="availability_end_after_start"),
            models.UniqueConstraint(fields=["volunteer", "weekday", "start"], name="unique_availability_start"),
        ]
        verbose_name = _("beschikbaarheid")
        verbose_name_plural = _("beschikbaarheid")


class VogCheck(models.Model):
    """A broker's record of a volunteer's VOG (certificate of conduct). We keep
    the status and dates, never the document itself."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("aangevraagd")
        VALID = "valid", _("in orde")
        REFUSED = "refused", _("niet afgegeven")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="vog_checks")
    status = models.CharField(_("stand van zaken"), max_length=20, choices=Status.choices)
    issued_on = models.DateField(_("datum van afgifte"), null=True, blank=True)
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gecontroleerd door"),
    )
    checked_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    note = models.CharField(_("opmerking"), max_length=200, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("VOG-controle")
        verbose_name_plural = _("VOG-controles")

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.get_status_display()}"


class VolunteerThanks(models.Model):
    """The organisation's own thank-you to its volunteers, shown on each volunteer's
    yearly overview and certificate (``matches.appreciation``); without one, a standard
    text with the organisation's name. Kept by the organisation's admin
    (``services.volunteer_thanks_update``). General words, never about a person."""

    organisation = models.OneToOneField(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="volunteer_thanks"
    )
    text = models.TextField(_("bedankje aan de vrijwilligers"), max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bedankje aan de vrijwilligers")
        verbose_name_plural = _("bedankjes aan de vrijwilligers")

    def __str__(self) -> str:
        return f"{self.organisation}"
