"""Matches between a volunteer and a help request, their recorded history, and the batch
runs that propose them.

The tables keep the names they had when these models lived in the ``matching`` app
(``db_table``): moving the models to this app changed no table and lost no row."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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

    class DeclineReason(models.TextChoices):
        NO_TIME = "no_time", _("geen tijd op dat moment")
        TOO_FAR = "too_far", _("te ver weg")
        NOT_MY_THING = "not_my_thing", _("past niet bij wat ik wil doen")
        NO_CLICK = "no_click", _("geen klik na de kennismaking")
        NO_LONGER_NEEDED = "no_longer_needed", _("hulp is niet meer nodig")
        OTHER = "other", _("anders")

    # States that take a place of the volunteer's capacity.
    OPEN_STATES = (Status.PROPOSED, Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE)

    organisation = models.ForeignKey("neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="matches")
    request = models.ForeignKey("caregivers.HelpRequest", on_delete=models.CASCADE, related_name="matches")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(_("stand van zaken"), max_length=30, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(_("score"), null=True, blank=True)
    distance_km = models.FloatField(_("afstand (km)"), null=True, blank=True)
    # Why the engine proposed this volunteer: codes with parameters, e.g.
    # [{"code": "distance", "km": 0.8}], rendered at display time by matches.reasons.
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the proposal came from a batch run (reviewed by a broker before anyone is told).
    batch = models.ForeignKey(
        "matches.BatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )
    # Lifecycle details (each change is also a MatchEvent).
    intro_meeting_at = models.DateTimeField(_("kennismaking op"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("vrijwilliger zei ja op"), null=True, blank=True)
    activated_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("gestopt op"), null=True, blank=True)
    # The broker's last check-in with both sides (after 2 weeks, then every 3 months).
    last_checkin_at = models.DateTimeField(_("laatste check-in"), null=True, blank=True)
    decline_reason = models.CharField(_("reden"), max_length=30, choices=DeclineReason.choices, blank=True)
    declined_by_side = models.CharField(
        _("afgewezen door"),
        max_length=20,
        choices=[("volunteer", _("vrijwilliger")), ("requester", _("hulpvrager")), ("broker", _("makelaar"))],
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "matching_match"
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
    # The computed result as in the match_batch --json contract (proposals, unmatched, stats),
    # with reasons as codes (matches.reasons), not sentences, and "unmatched_reasons".
    result = models.JSONField(_("uitkomst"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "matching_batchrun"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("koppelronde")
        verbose_name_plural = _("koppelrondes")

    def __str__(self) -> str:
        return f"{self.organisation} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class BatchRejection(models.Model):
    """A pair a broker rejected in a koppelronde: like a declined proposal, the pair is
    never proposed again (``matching.loaders`` excludes it). Ids only, nothing else
    about the people; it goes when the request or the volunteer goes."""

    batch = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="rejections")
    request = models.ForeignKey("caregivers.HelpRequest", on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="+")
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afgewezen voorstel uit een koppelronde")
        verbose_name_plural = _("afgewezen voorstellen uit koppelrondes")
        constraints = [models.UniqueConstraint(fields=["request", "volunteer"], name="batch_rejection_pair_once")]

    def __str__(self) -> str:
        return f"{self.request_id} x {self.volunteer_id} ({self.batch_id})"


class MatchEvent(StatusEvent):
    """One transition of a match: who, when, from which state to which, and why."""

    class Code(models.TextChoices):
        """What the system says about a step; the label is shown in the reader's language."""

        REQUEST_WITHDRAWN = "request_withdrawn", _("De hulpvraag is ingetrokken.")
        REQUEST_SOLVED = "request_solved", _("De vraag is opgelost zonder vrijwilliger.")
        OTHER_VOLUNTEER = "other_volunteer", _("Er helpt al een andere vrijwilliger bij deze vraag.")
        ACCEPTED_BY_MAIL = "accepted_by_mail", _("Ja gezegd via de link in de e-mail.")
        ACCEPTED_FOR_VOLUNTEER = "accepted_for_volunteer", _("Ja van de vrijwilliger, vastgelegd door de makelaar.")
        FROM_BATCH = "from_batch", _("voorgesteld uit een koppelronde")
        DECLINED = "declined", _("%(side)s. Reden: %(reason)s.")
        ENDED = "ended", _("Afgerond. Doel bereikt: %(goal)s. Verder: %(step)s.")
        VOLUNTEER_STOPPED = "volunteer_stopped", _("De vrijwilliger is gestopt.")
        REQUESTER_STOPPED = "requester_stopped", _("De hulpvrager is gestopt.")

    # Who said no (``params["side"]`` of a declined step).
    DECLINED_BY = {
        "volunteer": _("Afgewezen door de vrijwilliger"),
        "requester": _("Afgewezen door de hulpvrager"),
        "broker": _("Afgewezen, vastgelegd door de makelaar"),
    }
    NOTES = dict(Code.choices)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")

    def code_params(self) -> dict:
        params = super().code_params()
        labels = {
            "side": self.DECLINED_BY,
            "reason": dict(Match.DeclineReason.choices),
            "goal": dict(Evaluation.Goal.choices),
            "step": dict(Evaluation.Next.choices),
        }
        for name, known in labels.items():
            if name in params:
                params[name] = str(known.get(params[name], params[name]))
        return params

    class Meta(StatusEvent.Meta):
        db_table = "matching_matchevent"


class MatchLinkToken(models.Model):
    """A single-use link in an e-mail (accept or decline a proposal). Only a hash
    of the secret is stored; the link expires and works once."""

    class Purpose(models.TextChoices):
        ACCEPT = "accept", _("ja zeggen")
        DECLINE = "decline", _("nee zeggen")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="link_tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "matching_matchlinktoken"
        verbose_name = _("e-maillink")
        verbose_name_plural = _("e-maillinks")

    def __str__(self) -> str:
        return f"{self.match_id} {self.purpose}"


class HoursEntry(models.Model):
    """Hours a volunteer spent on a match; a broker approves them."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="hours")
    date = models.DateField(_("datum"))
    hours = models.DecimalField(
        _("uren"), max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    note = models.CharField(_("opmerking"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "matching_hoursentry"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=24), name="hours_between_0_and_24"),
        ]
        verbose_name = _("uren")
        verbose_name_plural = _("uren")

    def __str__(self) -> str:
        return f"{self.date} {self.hours}"

    @property
    def hours_text(self) -> str:
        """``2.50`` -> ``"2,5"``: the same as the totals (Dutch decimal comma)."""
        return f"{self.hours.normalize():f}".replace(".", ",")


class Evaluation(models.Model):
    """How a match went, recorded when it ends; feeds the municipality's outcome reports."""

    class Goal(models.TextChoices):
        YES = "yes", _("ja")
        PARTLY = "partly", _("gedeeltelijk")
        NO = "no", _("nee")

    class Next(models.TextChoices):
        CLOSE = "close", _("vraag afsluiten")
        REMATCH = "rematch", _("nieuwe vrijwilliger zoeken")
        REFER = "refer", _("doorverwijzen")

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="evaluation")
    goal_reached = models.CharField(_("doel bereikt?"), max_length=10, choices=Goal.choices)
    volunteer_satisfaction = models.PositiveSmallIntegerField(
        _("tevredenheid vrijwilliger (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    requester_satisfaction = models.PositiveSmallIntegerField(
        _("tevredenheid hulpvrager (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    next_step = models.CharField(_("hoe verder?"), max_length=20, choices=Next.choices)
    note = models.TextField(_("toelichting"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "matching_evaluation"
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")

    def __str__(self) -> str:
        return f"{self.match_id}: {self.get_goal_reached_display()}"


class CalendarFeed(models.Model):
    """A private iCal address per person: whoever knows the token sees the
    appointments of that person's active matches. Only the token's SHA-256 (hex) is
    stored (matches.calendar); resetting makes a new token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "matching_calendarfeed"
        verbose_name = _("agenda-koppeling")
        verbose_name_plural = _("agenda-koppelingen")

    def __str__(self) -> str:
        return f"{self.user}"


class VolunteerMilestone(models.Model):
    """A milestone a volunteer reached (``matches.appreciation``): recorded once, so the
    thank-you e-mail about it goes out once, whatever the number of runs. ``mailed``:
    whether a thank-you was queued (not when it was reached long before it was noticed,
    or the volunteer has no address or switched such mail off)."""

    class Kind(models.TextChoices):
        FIRST_MATCH_ENDED = "first_match_ended", _("eerste koppeling afgerond")
        HOURS_100 = "hours_100", _("100 uur geholpen")
        ONE_YEAR = "one_year", _("een jaar vrijwilliger")

    volunteer = models.ForeignKey("volunteers.Volunteer", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("mijlpaal"), max_length=30, choices=Kind.choices)
    reached_at = models.DateTimeField(_("bereikt op"))
    mailed = models.BooleanField(_("bedankt per e-mail"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["volunteer", "kind"], name="volunteer_milestone_once")]
        verbose_name = _("mijlpaal van een vrijwilliger")
        verbose_name_plural = _("mijlpalen van vrijwilligers")

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.kind}"
