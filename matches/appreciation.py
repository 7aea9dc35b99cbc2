"""Appreciation for volunteers (issue #15, item 4): the yearly overview of a volunteer's
approved hours and matches, which the volunteer's page and the PDF certificate
(``matches.certificate``) show, and the thank-you mails at milestones.

A year counts for a volunteer when they had approved hours dated in it, or a match that
ran (was active) at some moment of it. Years are calendar years, Europe/Amsterdam.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from matches.models import HoursEntry, Match
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
