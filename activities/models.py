"""Collective activities of a centre (issue #16): a group respite afternoon, a
neighbourhood meal, a walking group, a transport pool. Organised by the centre, possibly
for one of its partners (then shown with the partner), on one or more dates or every
week, at a place, with places for participants and for volunteers.

A :class:`SignUp` is one person's place or place in line. The waiting list is ordered:
first come, first served, or (the broker's choice) carers with a high burden first. When
a place frees, the next in line is offered it for :data:`OFFER_HOURS` hours; while an
offer is open the place stays held for them. A sign-up is personal data (export,
erasure in ``privacy``); the row without the person stays for the figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Located, WeeklySlot

OFFER_HOURS = 48


class Activity(Located):
    class Kind(models.TextChoices):
        RESPITE_GROUP = "respite_group", _("respijtmiddag in een groep")
        MEAL = "meal", _("buurtmaaltijd")
        WALKING = "walking", _("wandelgroep")
        TRANSPORT = "transport", _("vervoer samen")
        OTHER = "other", _("andere activiteit")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("iedereen")
        CARERS = "carers", _("mantelzorgers")
        OLDER = "older", _("ouderen")
        LONELY = "lonely", _("mensen die zich alleen voelen")

    class Schedule(models.TextChoices):
        DATES = "dates", _("op één of meer datums")
        WEEKLY = "weekly", _("elke week")

    class WaitingOrder(models.TextChoices):
        FIRST_COME = "first_come", _("wie het eerst komt")
        BURDEN_FIRST = "burden_first", _("zwaar belaste mantelzorgers eerst")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CANCELLED = "cancelled", _("afgelast")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="activities", verbose_name=_("centrale")
    )
    # Organised for a partner: shown with the partner. Model relations by name are not
    # imports; the partner app lies below.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("partner"),
    )
    title = models.CharField(_("titel"), max_length=120)
    description = models.TextField(_("omschrijving"), max_length=4000)
    kind = models.CharField(_("soort activiteit"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    audience = models.CharField(_("voor wie"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    schedule = models.CharField(_("wanneer"), max_length=10, choices=Schedule.choices, default=Schedule.DATES)
    until = models.DateField(_("loopt tot en met"))
    participant_places = models.PositiveSmallIntegerField(
        _("plaatsen voor deelnemers"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    volunteer_places = models.PositiveSmallIntegerField(
        _("plaatsen voor vrijwilligers"), default=0, validators=[MaxValueValidator(100)]
    )
    waiting_order = models.CharField(
        _("volgorde van de wachtlijst"), max_length=20, choices=WaitingOrder.choices, default=WaitingOrder.FIRST_COME
    )
    status = models.CharField(_("stand van zaken"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The demand signal it answers (neighbourhood, skill, weekday 0-6, part of the day):
    # which waiting requests the broker can invite.
    demand_neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demand_skill = models.ForeignKey(
        "neighbourhoods.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    demand_weekday = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(6)])
    demand_part = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant_places__gte=1), name="activity_participant_places_at_least_one"
            ),
        ]
        indexes = [models.Index(fields=["status", "until"])]
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    def __str__(self) -> str:
        return self.title

    def is_over(self, today: datetime.date | None = None) -> bool:
        return self.until < (today or timezone.localdate())


class ActivityDate(models.Model):
    """One date of an activity (wall-clock, Europe/Amsterdam)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("datum"))
    start = models.TimeField(_("van"))
    end = models.TimeField(_("tot"))

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="activity_date_end_after_start"),
            models.UniqueConstraint(fields=["activity", "date", "start"], name="unique_activity_date"),
        ]
        verbose_name = _("datum van een activiteit")
        verbose_name_plural = _("datums van activiteiten")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.start:%H:%M}-{self.end:%H:%M}"


class ActivitySlot(WeeklySlot):
    """When a weekly activity takes place."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="slots")

    class Meta(WeeklySlot.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="activity_slot_end_after_start"),
        ]
        verbose_name = _("vaste tijd van een activiteit")
        verbose_name_plural = _("vaste tijden van activiteiten")


class SignUp(models.Model):
    """One person at an activity: a participant (a carer, someone who needs a hand) or a
    helping volunteer. ``position`` orders the waiting list (first come)."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("deelnemer")
        HELPER = "helper", _("vrijwilliger")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("heeft een plaats")
        WAITING = "waiting", _("op de wachtlijst")
        OFFERED = "offered", _("plaats aangeboden")
        CANCELLED = "cancelled", _("afgemeld")
        DECLINED = "declined", _("aanbod afgewezen")
        EXPIRED = "expired", _("aanbod verlopen")

    # Holding a place: counted against the capacity.
    HOLDING = (Status.CONFIRMED, Status.OFFERED)
    # Still in: a second sign-up of the same person is refused.
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITING)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    role = models.CharField(_("als"), max_length=12, choices=Role.choices)
    # Who it is: the account, and the profile the priority reads. All empty once the
    # person's data are erased: the row still counts in the figures.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_signups"
    )
    mantelzorger = models.ForeignKey(
        "caregivers.Mantelzorger", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_signups"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_signups"
    )
    status = models.CharField(_("stand van zaken"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # On the waiting list from .. to (the figures count who waited in a month).
    waiting_since = models.DateTimeField(null=True, blank=True)
    waiting_until = models.DateTimeField(null=True, blank=True)
    # The open offer: a hash of the link's secret (the secret itself only in the mail).
    offer_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=models.Q(user__isnull=False, status__in=["confirmed", "offered", "waiting"]),
                name="one_active_signup_per_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="signup_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "role", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]
        verbose_name = _("aanmelding voor een activiteit")
        verbose_name_plural = _("aanmeldingen voor activiteiten")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.get_role_display()} – {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        for person in (self.mantelzorger, self.volunteer, self.user):
            if person is not None:
                return str(person)
        return "–"
