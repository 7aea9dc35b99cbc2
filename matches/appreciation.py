"""Appreciation for volunteers (issue #15, item 4): the yearly overview of a volunteer's
approved hours and matches, which the volunteer's page and the PDF certificate
(``matches.certificate``) show, and the thank-you mails at milestones.

A year counts for a volunteer when they had approved hours dated in it, or a match that
ran (was active) at some moment of it. Years are calendar years, Europe/Amsterdam.

Milestones (:func:`milestones_send`, from the periodic reminders of ``matches.mails``):
the first match that ended, 100 approved hours, one year since the first match started.
Each is recorded once per volunteer (:class:`matches.models.VolunteerMilestone`, unique),
in the transaction that queues the thank-you, so a second run (or two at once) sends
nothing more; the outbox key is the same milestone once more. Only volunteers still
active are thanked. A milestone reached more than :data:`MILESTONE_FRESH_DAYS` before it
is noticed (when this started running, or hours approved long after) is recorded without
a mail: a thank-you months late is no thank-you. The mail respects the volunteer's
preferences for news about their matches (``updates``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation

from matches.models import HoursEntry, Match, VolunteerMilestone
from neighbourhoods.models import Organisation
from volunteers.models import Volunteer

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Status = Match.Status

# The years a page or a certificate can be asked for; anything else in the address is a 404.
FIRST_YEAR = 2000


def _today() -> datetime.date:
    return timezone.now().astimezone(AMSTERDAM).date()


def _local_year(moment: datetime.datetime) -> int:
    return moment.astimezone(AMSTERDAM).year


def hours_text(value: Decimal) -> str:
    """``Decimal("12.50")`` -> ``"12,5"`` (Dutch decimal comma, no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def year_is_possible(year: int, *, today: datetime.date | None = None) -> bool:
    """Whether ``year`` can be asked for at all (not in the future, not before the platform)."""
    today = today or _today()
    return FIRST_YEAR <= year <= today.year


def _ran_matches(volunteer: Volunteer):
    """The volunteer's matches that ever started (active now or ended after running)."""
    return Match.objects.filter(
        volunteer=volunteer, activated_at__isnull=False, status__in=(Status.ACTIVE, Status.ENDED)
    )


def _match_years(match: Match, *, today: datetime.date) -> range:
    start = _local_year(match.activated_at)
    end = _local_year(match.ended_at) if match.status == Status.ENDED and match.ended_at else today.year
    return range(start, max(start, end) + 1)


def volunteer_activity_years(*, volunteer: Volunteer, today: datetime.date | None = None) -> list[int]:
    """The years with activity, newest first (two queries)."""
    today = today or _today()
    years = {
        moment.year
        for moment in HoursEntry.objects.filter(match__volunteer=volunteer, approved_at__isnull=False)
        .dates("date", "year")
        .order_by()
    }
    for match in _ran_matches(volunteer).only("pk", "status", "activated_at", "ended_at"):
        years.update(_match_years(match, today=today))
    return sorted((y for y in years if year_is_possible(y, today=today)), reverse=True)


@dataclass
class YearOverview:
    """One volunteer's year: what the page and the certificate show."""

    volunteer: Volunteer
    organisation: Organisation
    year: int
    hours: Decimal = Decimal("0")
    matches_active: int = 0
    matches_ended: int = 0
    kinds: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.volunteer.first_name} {self.volunteer.last_name}".strip()

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    @property
    def matches_total(self) -> int:
        return self.matches_active + self.matches_ended

    @property
    def is_empty(self) -> bool:
        return not self.hours and not self.matches_total


def volunteer_year_overview(*, volunteer: Volunteer, year: int, today: datetime.date | None = None) -> YearOverview:
    """Approved hours dated in ``year``, the matches that ran in it (ended in it, or still
    running at its end) and the kinds of help of those matches. Constant queries."""
    today = today or _today()
    overview = YearOverview(volunteer=volunteer, organisation=volunteer.organisation, year=year)
    total = HoursEntry.objects.filter(match__volunteer=volunteer, approved_at__isnull=False, date__year=year).aggregate(
        total=Sum("hours")
    )["total"]
    overview.hours = total or Decimal("0")
    kinds: dict[str, str] = {}
    matches = (
        _ran_matches(volunteer)
        .select_related("request")
        .only("pk", "status", "activated_at", "ended_at", "request__kind")
    )
    for match in matches.order_by("activated_at", "pk"):
        if year not in _match_years(match, today=today):
            continue
        ended_in_year = match.status == Status.ENDED and match.ended_at and _local_year(match.ended_at) == year
        if ended_in_year:
            overview.matches_ended += 1
        else:
            overview.matches_active += 1
        kinds.setdefault(match.request.kind, str(match.request.get_kind_display()))
    overview.kinds = sorted(kinds.values())
    return overview


# --- Milestones -------------------------------------------------------------------------

Milestone = VolunteerMilestone.Kind

HOURS_MILESTONE = Decimal("100")
# A milestone noticed later than this after it was reached is recorded without a mail.
MILESTONE_FRESH_DAYS = 30


def _one_year_after(moment: datetime.datetime) -> datetime.datetime:
    local = moment.astimezone(AMSTERDAM)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:  # 29 February
        return local.replace(year=local.year + 1, day=28)


def _without(kind: str):
    return ~Exists(VolunteerMilestone.objects.filter(volunteer=OuterRef("pk"), kind=kind))


def milestones_due(
    *, organisation: Organisation, now: datetime.datetime
) -> list[tuple[Volunteer, str, datetime.datetime]]:
    """The milestones the active volunteers of ``organisation`` reached and that are not
    recorded yet: (volunteer, kind, when it was reached). Three queries, plus one per
    volunteer who passed 100 hours (to find the moment)."""
    volunteers = Volunteer.objects.filter(organisation=organisation, is_active=True).select_related("user")
    due: list[tuple[Volunteer, str, datetime.datetime]] = []
    ended = (
        volunteers.filter(_without(Milestone.FIRST_MATCH_ENDED))
        .annotate(first_end=Min("matches__ended_at", filter=_on_matches(status=Status.ENDED)))
        .filter(first_end__isnull=False)
    )
    due += [(v, Milestone.FIRST_MATCH_ENDED, v.first_end) for v in ended.order_by("pk")]
    started = (
        volunteers.filter(_without(Milestone.ONE_YEAR))
        .annotate(
            first_start=Min("matches__activated_at", filter=_on_matches(status__in=(Status.ACTIVE, Status.ENDED)))
        )
        .filter(first_start__isnull=False)
    )
    for volunteer in started.order_by("pk"):
        reached = _one_year_after(volunteer.first_start)
        if reached <= now:
            due.append((volunteer, Milestone.ONE_YEAR, reached))
    hours = (
        volunteers.filter(_without(Milestone.HOURS_100))
        .annotate(approved=Sum("matches__hours__hours", filter=_on_matches(hours__approved_at__isnull=False)))
        .filter(approved__gte=HOURS_MILESTONE)
    )
    for volunteer in hours.order_by("pk"):
        due.append((volunteer, Milestone.HOURS_100, _hours_reached_at(volunteer) or now))
    return due


def _on_matches(**lookups) -> Q:
    """A filter on the volunteer's matches for an annotation (``matches__<lookup>``)."""
    return Q(**{f"matches__{name}": value for name, value in lookups.items()})


def _hours_reached_at(volunteer: Volunteer) -> datetime.datetime | None:
    """When the approved hours first added up to 100: the approval that crossed it."""
    total = Decimal("0")
    entries = (
        HoursEntry.objects.filter(match__volunteer=volunteer, approved_at__isnull=False)
        .order_by("approved_at", "pk")
        .values_list("hours", "approved_at")
    )
    for hours, approved_at in entries:
        total += hours
        if total >= HOURS_MILESTONE:
            return approved_at
    return None


def _milestone_mail(*, volunteer: Volunteer, kind: str, organisation: Organisation):
    from notifications.links import absolute
    from notifications.models import Category
    from notifications.services import mail_queue

    user = volunteer.user if volunteer.user_id else None
    email = volunteer.email or (user.email if user else "")
    with translation.override("nl"):
        return mail_queue(
            template="matches/email/milestone_volunteer",
            context={
                "kind": kind,
                "organisation": organisation,
                "volunteer_name": volunteer.first_name,
                "hours": hours_text(HOURS_MILESTONE),
                "overview_url": absolute(reverse("matching_people:year_overview")),
            },
            key=f"volunteer:{volunteer.pk}:milestone:{kind}",
            kind=f"milestone_{kind}",
            category=Category.UPDATES,
            to_email=email,
            user=user,
            organisation=organisation,
        )


def milestones_send(*, organisation: Organisation, now: datetime.datetime | None = None) -> Counter:
    """Record the milestones due (:func:`milestones_due`) and queue a thank-you for the
    fresh ones. Idempotent: a milestone already recorded, also by a run at the same
    moment, is skipped. Returns counts per kind of what was mailed, and ``recorded``."""
    now = now or timezone.now()
    counts: Counter = Counter()
    fresh_after = now - datetime.timedelta(days=MILESTONE_FRESH_DAYS)
    for volunteer, kind, reached_at in milestones_due(organisation=organisation, now=now):
        with transaction.atomic():
            milestone, created = VolunteerMilestone.objects.get_or_create(
                volunteer=volunteer, kind=kind, defaults={"reached_at": reached_at}
            )
            if not created:
                continue
            counts["recorded"] += 1
            if reached_at < fresh_after:
                continue
            if _milestone_mail(volunteer=volunteer, kind=kind, organisation=organisation) is not None:
                milestone.mailed = True
                milestone.save(update_fields=["mailed"])
                counts[kind] += 1
    return counts
