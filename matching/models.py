"""Matches between a volunteer and a help request, and their recorded history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import StatusEvent


class Match(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("voorgesteld")
        ACCEPTED_BY_VOLUNTEER = "accepted_by_volunteer", _("vrijwilliger zegt ja")
        ACTIVE = "active", _("loopt")
        ENDED = "ended", _("afgerond")
        DECLINED = "declined", _("afgewezen")
        CANCELLED = "cancelled", _("geannuleerd")

    # States that take a place of the volunteer's capacity.
    OPEN_STATES = (Status.PROPOSED, Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE)

    organisation = models.ForeignKey("neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="matches")
    request = models.ForeignKey("caregivers.HelpRequest", on_delete=models.CASCADE, related_name="matches")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(_("stand van zaken"), max_length=30, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(_("score"), null=True, blank=True)
    distance_km = models.FloatField(_("afstand (km)"), null=True, blank=True)
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the proposal came from a batch run (reviewed by a broker before anyone is told).
    batch = models.ForeignKey("BatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="matches")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open match per pair; history of closed ones may repeat.
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=models.Q(status__in=["proposed", "accepted_by_volunteer", "active"]),
                name="one_open_match_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]
        verbose_name = _("koppeling")
        verbose_name_plural = _("koppelingen")

    def __str__(self) -> str:
        return f"{self.volunteer} ↔ {self.request}"


class BatchRun(models.Model):
    """One batch assignment of all ready requests of an organisation: started by a
    broker (or the match_batch command), computed by a Celery task, reviewed by a broker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    organisation = models.ForeignKey("neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="batch_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("stand van zaken"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    step = models.CharField(_("stap"), max_length=100, blank=True)
    # The computed result as in the match_batch --json contract (proposals, unmatched, stats).
    result = models.JSONField(_("uitkomst"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("koppelronde")
        verbose_name_plural = _("koppelrondes")

    def __str__(self) -> str:
        return f"{self.organisation} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class MatchEvent(StatusEvent):
    """One transition of a match: who, when, from which state to which, and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
