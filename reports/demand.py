"""Signals of unmet demand: where requests wait and too few volunteers are free,
per neighbourhood, skill, weekday and part of the day, *now*.

Definitions:

* **waiting**: open requests (``new``, ``intake``, ``ready``) of the
  organisation in the neighbourhood that need the skill. A request that needs two
  skills counts for both. By time: a request counts on each weekday and part of the
  day where one of its weekly slots *starts* (``tue 14:00-16:00`` is Tuesday
  afternoon), and for one-off help on the weekday of each of its dates from today
  on.
* **available**: volunteers of the organisation who live in the neighbourhood,
  are active and not paused today, have room for another match (open matches below
  their maximum) and offer the skill. By time: a volunteer counts on each part of
  the day their weekly availability overlaps.
* **gap**: waiting minus available. Rows are ordered by how long the oldest
  request of the row has waited (longest first), then by the gap.
* Parts of the day (wall-clock Europe/Amsterdam): morning until 12:00, afternoon
  12:00-18:00, evening from 18:00.

This is a signal, not the matching engine: distance, VOG and exact times decide
a match; these counts tell the centre where to recruit.

Municipality viewers see counts of 1-9 as ``<10`` (``suppress=True``); the longest
wait is only shown for rows of 10 or more requests then.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregivers.models import HelpRequest
from common.slots import DAY_NAMES
from matches.models import Match
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Organisation, Skill
from reports.figures import SMALL, SMALL_CELL
from reports.months import AMSTERDAM
from volunteers.models import Volunteer

OPEN_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY)
NOON = datetime.time(12, 0)
SIX_PM = datetime.time(18, 0)
PARTS = ("morning", "afternoon", "evening")
PART_LABELS = {"morning": _("ochtend"), "afternoon": _("middag"), "evening": _("avond")}
# "dinsdagmiddag": Dutch writes the weekday and the part as one word.
HOTSPOTS = 10


class GapLevel:
    """How a neighbourhood stands, for the map (colour plus a symbol and a word)."""

    NONE = "none"  # nobody waiting
    OK = "ok"  # at least as many free volunteers as waiting requests
    TIGHT = "tight"  # more requests than volunteers, at most twice as many
    SHORT = "short"  # more than twice as many requests as volunteers (or none free)

    ORDER = (NONE, OK, TIGHT, SHORT)
    LABELS = {
        NONE: _("niemand wacht"),
        OK: _("genoeg vrijwilligers"),
        TIGHT: _("krap"),
        SHORT: _("tekort"),
    }
    SYMBOLS = {NONE: "–", OK: "✓", TIGHT: "!", SHORT: "!!"}


def gap_level(waiting: int, available: int) -> str:
    if waiting == 0:
        return GapLevel.NONE
    if available >= waiting:
        return GapLevel.OK
    if waiting <= 2 * available:
        return GapLevel.TIGHT
    return GapLevel.SHORT


def _shown(value: int, suppress: bool) -> int | str:
    return SMALL if suppress and 0 < value < SMALL_CELL else value


@dataclass
class SkillRow:
    neighbourhood: str
    municipality: str
    skill: str
    waiting: int
    available: int
    oldest: datetime.datetime | None
    now: datetime.datetime = field(repr=False)
    suppress: bool = field(repr=False, default=True)
    # The ids behind the names: the link that makes an activity from this signal.
    neighbourhood_id: int | None = field(repr=False, default=None)
    skill_id: int | None = field(repr=False, default=None)

    @property
    def gap(self) -> int:
        return self.waiting - self.available

    @property
    def level(self) -> str:
        return gap_level(self.waiting, self.available)

    @property
    def longest_wait_days(self) -> int | None:
        if self.oldest is None or (self.suppress and self.waiting < SMALL_CELL):
            return None
        return max(0, (self.now - self.oldest).days)

    @property
    def waiting_shown(self) -> int | str:
        return _shown(self.waiting, self.suppress)

    @property
    def available_shown(self) -> int | str:
        return _shown(self.available, self.suppress)

    @property
    def gap_shown(self) -> int | str | None:
        if self.suppress and (0 < self.waiting < SMALL_CELL or 0 < self.available < SMALL_CELL):
            return None
        return self.gap


@dataclass
class Hotspot(SkillRow):
    weekday: int = 0
    part: str = "morning"

    @property
    def activity_query(self) -> str:
        """The demand signal as the query string of ``activities_centre:new``."""
        from urllib.parse import urlencode

        values = {"neighbourhood": self.neighbourhood_id, "skill": self.skill_id, "weekday": self.weekday}
        values = {key: value for key, value in values.items() if value is not None}
        return urlencode({**values, "part": self.part})

    @property
    def when(self) -> str:
        # Dutch writes one word ("dinsdagmiddag"); other languages may put a space between.
        return _("%(day)s%(part)s") % {"day": DAY_NAMES[self.weekday], "part": PART_LABELS[self.part]}


@dataclass
class AreaGap:
    neighbourhood: Neighbourhood
    waiting: int
    available: int
    suppress: bool = True

    @property
    def level(self) -> str:
        return gap_level(self.waiting, self.available)

    @property
    def level_label(self) -> str:
        return str(GapLevel.LABELS[self.level])

    @property
    def symbol(self) -> str:
        return GapLevel.SYMBOLS[self.level]

    @property
    def waiting_shown(self) -> int | str:
        return _shown(self.waiting, self.suppress)

    @property
    def available_shown(self) -> int | str:
        return _shown(self.available, self.suppress)


@dataclass
class Demand:
    organisation: Organisation
    municipality: Municipality | None
    now: datetime.datetime
    suppress: bool
    rows: list[SkillRow]
    hotspots: list[Hotspot]
    areas: list[AreaGap]

    @property
    def waiting_total(self) -> int:
        return sum(a.waiting for a in self.areas)

    @property
    def available_total(self) -> int:
        return sum(a.available for a in self.areas)


def _free_volunteers(organisation: Organisation, municipality: Municipality | None, today: datetime.date):
    # Full: open matches up to the volunteer's maximum. One grouped subquery, not one per
    # volunteer: PostgreSQL took 90 ms for the 20,000 volunteers of a large centre, now 30.
    full = (
        Match.objects.filter(volunteer__organisation=organisation, status__in=Match.OPEN_STATES)
        .values("volunteer")
        .annotate(n=Count("pk"))
        .filter(n__gte=F("volunteer__max_active_matches"))
        .values("volunteer")
    )
    qs = (
        Volunteer.objects.filter(organisation=organisation, is_active=True, max_active_matches__gt=0)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        .exclude(pk__in=full)
    )
    if municipality is not None:
        qs = qs.filter(neighbourhood__municipality=municipality)
    return qs


def _open_requests(organisation: Organisation, municipality: Municipality | None):
    qs = HelpRequest.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
    if municipality is not None:
        qs = qs.filter(neighbourhood__municipality=municipality)
    return qs


def _part(path: str) -> Case:
    return Case(
        When(**{f"{path}__lt": NOON}, then=Value(0)),
        When(**{f"{path}__lt": SIX_PM}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _skill_labels(ids: set[int | None]) -> dict[int | None, str]:
    labels: dict[int | None, str] = {None: str(_("geen vaardigheid gekozen"))}
    for skill in Skill.objects.filter(pk__in=[i for i in ids if i is not None]):
        labels[skill.pk] = (
            str(DEFAULT_SKILLS[skill.code])
            if skill.organisation_id is None and skill.code in DEFAULT_SKILLS
            else skill.label
        )
    return labels


def area_gaps(
    *,
    organisation: Organisation,
    municipality: Municipality | None = None,
    suppress: bool = True,
    now: datetime.datetime | None = None,
    use_cache: bool = False,
) -> list[AreaGap]:
    """Every neighbourhood of the municipality (or of the organisation's area) with
    its waiting requests and free volunteers, now: what the map shows (3 queries).
    ``use_cache``: the pages keep the answer as long as the figures of recent months
    (``REPORTS_CACHE_RECENT_SECONDS``, 5 minutes)."""
    seconds = int(getattr(settings, "REPORTS_CACHE_RECENT_SECONDS", 300)) if use_cache else 0
    key = f"reports:gaps:{organisation.pk}:{municipality.pk if municipality else 'all'}:{int(suppress)}"
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found
    gaps = _area_gaps(organisation=organisation, municipality=municipality, suppress=suppress, now=now)
    if seconds > 0:
        cache.set(key, gaps, seconds)
    return gaps


def _area_gaps(
    *, organisation: Organisation, municipality: Municipality | None, suppress: bool, now: datetime.datetime | None
) -> list[AreaGap]:
    now = now or timezone.now()
    today = now.astimezone(AMSTERDAM).date()
    volunteers = _free_volunteers(organisation, municipality, today)
    # The open requests of the whole organisation (only the municipality's neighbourhoods
    # get a row below), counted here: found by the (organisation, status) index, a few
    # thousand at most. Grouped in SQL, or joined to the municipality, SQLite reads every
    # request of the year through the neighbourhood index instead (60 ms, not 5).
    waiting_by_area = Counter(
        _open_requests(organisation, None)
        .exclude(neighbourhood=None)
        .values_list("neighbourhood", flat=True)
        .order_by()
    )
    free_by_area = dict(
        volunteers.exclude(neighbourhood=None).values_list("neighbourhood").annotate(n=Count("pk")).order_by()
    )
    if municipality is not None:
        neighbourhoods = Neighbourhood.objects.filter(municipality=municipality)
    else:
        neighbourhoods = Neighbourhood.objects.filter(
            Q(municipality__in=organisation.municipalities.all()) | Q(pk__in=[*waiting_by_area, *free_by_area])
        )
    neighbourhoods = neighbourhoods.select_related("municipality").order_by("municipality__name", "name")
    return [
        AreaGap(n, waiting_by_area.get(n.pk, 0), free_by_area.get(n.pk, 0), suppress=suppress) for n in neighbourhoods
    ]


def demand_signals(
    *,
    organisation: Organisation,
    municipality: Municipality | None = None,
    suppress: bool = True,
    now: datetime.datetime | None = None,
    hotspots: int = HOTSPOTS,
) -> Demand:
    """Waiting requests against free volunteers, now (see the module docstring)."""
    now = now or timezone.now()
    today = now.astimezone(AMSTERDAM).date()
    requests = _open_requests(organisation, municipality)
    volunteers = _free_volunteers(organisation, municipality, today)
    areas = area_gaps(organisation=organisation, municipality=municipality, suppress=suppress, now=now)
    by_id = {a.neighbourhood.pk: a.neighbourhood for a in areas}

    # Per neighbourhood and skill.
    waiting = {
        (area, skill): (n, oldest)
        for area, skill, n, oldest in requests.exclude(neighbourhood=None)
        .values_list("neighbourhood", "skills")
        .annotate(n=Count("pk", distinct=True), oldest=Min("created_at"))
        .order_by()
    }
    free = {
        (area, skill): n
        for area, skill, n in volunteers.exclude(neighbourhood=None)
        .filter(skills__isnull=False)
        .values_list("neighbourhood", "skills")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    labels = _skill_labels({skill for _area, skill in waiting})

    def row(cls, area_id, skill_id, n, oldest, available, **extra):
        area = by_id.get(area_id)
        return cls(
            neighbourhood=area.name if area else "",
            municipality=area.municipality.name if area else "",
            skill=labels.get(skill_id, ""),
            waiting=n,
            available=available,
            oldest=oldest,
            now=now,
            suppress=suppress,
            neighbourhood_id=area_id,
            skill_id=skill_id,
            **extra,
        )

    rows = [
        row(SkillRow, area, skill, n, oldest, free.get((area, skill), 0))
        for (area, skill), (n, oldest) in waiting.items()
        if area in by_id
    ]
    rows.sort(key=lambda r: (r.oldest or now, -r.gap, r.neighbourhood, r.skill))

    # Per weekday and part of the day: weekly slots by their start, future dates by weekday.
    slot_waiting: dict[tuple, list] = defaultdict(lambda: [0, None])
    slot_rows = (
        requests.exclude(neighbourhood=None)
        .filter(slots__isnull=False)
        .annotate(part=_part("slots__start"))
        .values_list("neighbourhood", "skills", "slots__weekday", "part")
        .annotate(n=Count("pk", distinct=True), oldest=Min("created_at"))
        .order_by()
    )
    date_rows = (
        requests.exclude(neighbourhood=None)
        .filter(dates__date__gte=today)
        .annotate(part=_part("dates__start"), weekday=ExtractIsoWeekDay("dates__date"))
        .values_list("neighbourhood", "skills", "weekday", "part")
        .annotate(n=Count("pk", distinct=True), oldest=Min("created_at"))
        .order_by()
    )
    for rows_, shift in ((slot_rows, 0), (date_rows, 1)):
        for area, skill, weekday, part, n, oldest in rows_:
            entry = slot_waiting[(area, skill, weekday - shift, part)]
            entry[0] += n  # a request with a slot and a date on the same day part counts twice: rare
            entry[1] = oldest if entry[1] is None else min(entry[1], oldest)
    slot_free: dict[tuple, int] = {}
    if slot_waiting:
        part_filters = {
            "morning": Q(availability__start__lt=NOON),
            "afternoon": Q(availability__start__lt=SIX_PM, availability__end__gt=NOON),
            "evening": Q(availability__end__gt=SIX_PM),
        }
        skill_ids = {skill for (_a, skill, _w, _p) in slot_waiting if skill is not None}
        area_ids = {area for (area, _s, _w, _p) in slot_waiting}
        for area, skill, weekday, *counts in (
            volunteers.filter(neighbourhood__in=area_ids, skills__in=skill_ids, availability__isnull=False)
            .values_list("neighbourhood", "skills", "availability__weekday")
            .annotate(**{part: Count("pk", distinct=True, filter=q) for part, q in part_filters.items()})
            .order_by()
        ):
            for i, n in enumerate(counts):
                slot_free[(area, skill, weekday, i)] = n
    spots = [
        row(
            Hotspot,
            area,
            skill,
            n,
            oldest,
            slot_free.get((area, skill, weekday, part), 0),
            weekday=weekday,
            part=PARTS[part],
        )
        for (area, skill, weekday, part), (n, oldest) in slot_waiting.items()
        if area in by_id and 0 <= weekday <= 6
    ]
    spots = [s for s in spots if s.gap > 0]
    spots.sort(key=lambda s: (-s.gap, s.oldest or now, s.neighbourhood, s.skill, s.weekday, s.part))
    return Demand(
        organisation=organisation,
        municipality=municipality,
        now=now,
        suppress=suppress,
        rows=rows,
        hotspots=spots[:hotspots],
        areas=areas,
    )
