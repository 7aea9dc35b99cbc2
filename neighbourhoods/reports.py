"""Outcome reports per neighbourhood (or village) and calendar month, for the
municipality that funds the volunteer centre and for the centre itself.

Everything here reads; views, the JSON/CSV exports and the ``report`` command
only call :func:`report_build` (and the signals in ``neighbourhoods.signals``).
The counting happens in the database (GROUP BY with conditional aggregation, one
query per kind of figure for all months and neighbourhoods at once); Python only
adds neighbourhoods up to municipality and organisation totals, takes medians
and hides small numbers.

What the figures mean
=====================

Months are calendar months in Europe/Amsterdam (``neighbourhoods.months``). A
figure belongs to the neighbourhood of the *request* (where the help is given),
except for volunteers (the neighbourhood they live in) and mantelzorgers (where
the mantelzorger lives). Requests and people without a known neighbourhood are
left out of a municipality's report (we cannot tell whose they are) and shown as
"buurt onbekend" in the organisation's overview.

Requests, counted in the month they came in (the "cohort" of the month):

``requests_new``, ``requests_<kind>``
    New help requests, all and per kind (respite, practical, ...), whatever
    happened to them afterwards (also withdrawn ones).
``answered_7d_pct``, ``answered_30d_pct``
    Of the new requests of the month, the share that got an *answer* within 7 and
    within 30 days (7 × 24 hours, 30 × 24 hours after the request came in). An
    answer is the first of: a match with a volunteer that *started* (the match's
    ``activated_at``: the requester agreed after meeting), or a warm referral to
    professional care (the request's first ``referred`` event). A proposal alone is
    no answer; a withdrawn request without a match or referral stays unanswered.
    Until 30 days after the end of the month these shares can still grow: such a
    month is marked *provisional*.
``median_days_to_match``
    Of the new requests of the month that got a match that started (so far), the
    median time from the request to that first start, in days (elapsed time, one
    decimal). Computed in Python from the durations the database returns, so
    SQLite and PostgreSQL give the same answer (the middle value, or the mean of
    the two middle values).

Help during the month:

``matches_active``
    Matches that were running at some moment in the month: started before the end
    of the month and not ended (ended, stopped or cancelled) before its start.
``respite_hours``
    Hours of respite care given in the month: approved hours (a broker checked them)
    on respite requests, by the date they were worked.
``mantelzorgers_reached``
    Mantelzorgers (by where they live) with a request that had a running match in
    the month: they actually got help from a volunteer.
``burden_avg``, ``burden_high_pct``
    The burden check-ins of mantelzorgers in the month (0 = not heavy, 10 = far
    too heavy): the average score, and the share of the mantelzorgers who checked
    in that had a score of 7 or more (``BurdenCheckIn.HIGH_SCORE``). Month after
    month this is the trend of how heavy care feels.
``referrals``
    Requests referred to professional care in the month (a ``referred`` event).

Volunteers (by where they live):

``volunteers_active``
    Volunteers with a running match in the month (see ``matches_active``).
``volunteers_new``
    Volunteers who signed up (or were entered) in the month.
``volunteers_stopped``
    Volunteers who stopped in the month (``Volunteer.stopped_at``, and the
    ``VolunteerDeparture`` rows left by profiles that were deleted).

Results:

``matches_ended``
    Matches ended with an evaluation in the month.
``goal_reached_pct``
    Of those, the share whose evaluation says the goal was reached ("ja"; "partly"
    is not counted as reached).

Small numbers
=============

With ``suppress=True`` (everything a municipality sees, and the monthly CSV):

* a count of people from 1 to 9 is shown as ``<10`` (zero stays 0);
* a percentage, median, average or number of hours that rests on fewer than 10
  people (requests, households, mantelzorgers) is not shown either (``<10`` in
  the exports, "te weinig" on the page);
* *secondary suppression*: where a row or column adds up to a total that is
  shown (the municipality's total per column; a neighbourhood's new requests as
  the sum of its kinds), a single hidden number could be found by subtraction.
  Then the smallest other number of that line is hidden too (shown as ``x``),
  repeated until no line has exactly one unknown;
* months are never added up into a period total, so a hidden number cannot be
  found by comparing a quarter with its months.

What is *not* prevented: comparing figures of different pages made at different
moments (e.g. the same month before and after one late match), and the
percentages of a shown base (they are rounded to whole percents).

Brokers and admins of the organisation see exact numbers on their own pages
(``suppress=False``): they see the people behind them anyway.

Stored figures
==============

The report pages pass ``use_stored=True``: the raw numbers of each month come from
the database (``neighbourhoods.report_store``: counted once a month is final, every
10 minutes while it is open, by a Celery beat task or by the page itself when they
are missing or older than 15 minutes) and the page says when they were counted.
Exports and the ``report`` command always count afresh. Counting twelve months for a
municipality with 30,000 requests a year takes 0.5-0.9 s (``benchmarks/README.md``,
"Reports").

Nothing here reads or returns a name, address, e-mail, phone number or free text:
only ids, neighbourhood and municipality names, codes, dates and numbers.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, FloatField, Func, IntegerField, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from caregivers.models import BurdenCheckIn, HelpRequest, RequestEvent
from matching.models import Evaluation, HoursEntry, Match
from neighbourhoods.models import Municipality, Neighbourhood, Organisation
from neighbourhoods.months import Month, months_between
from volunteers.models import Volunteer, VolunteerDeparture

SMALL_CELL = 10
SMALL = "<10"  # a count of 1-9 people, or a figure resting on fewer than 10 people
HIDDEN = "x"  # hidden so that a small number elsewhere cannot be worked out
ANSWER_DAYS = (7, 30)
PROVISIONAL_DAYS = 30
KINDS = [value for value, _label in HelpRequest.Kind.choices]

# --- The figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One column of a report. ``kind``: ``count`` (people), ``pct``, ``days``,
    ``hours`` or ``score``; ``base`` is the raw count of people a derived figure
    rests on (for suppression)."""

    code: str
    label: Promise | str
    kind: str
    group: str
    help: Promise | str = ""
    base: str = ""


KIND_LABELS = dict(HelpRequest.Kind.choices)

FIGURES: tuple[Figure, ...] = (
    Figure("requests_new", _("nieuwe hulpvragen"), "count", "requests", _("Vragen die in de maand binnenkwamen.")),
    *(
        Figure(f"requests_{kind}", KIND_LABELS[kind], "count", "requests", _("Nieuwe hulpvragen van deze soort."))
        for kind in KINDS
    ),
    Figure(
        "answered_7d_pct",
        _("binnen 7 dagen geholpen"),
        "pct",
        "answers",
        _("Deel van de nieuwe vragen met binnen 7 dagen een vrijwilliger die begon, of een doorverwijzing."),
        base="requests_new",
    ),
    Figure(
        "answered_30d_pct",
        _("binnen 30 dagen geholpen"),
        "pct",
        "answers",
        _("Deel van de nieuwe vragen met binnen 30 dagen een vrijwilliger die begon, of een doorverwijzing."),
        base="requests_new",
    ),
    Figure(
        "median_days_to_match",
        _("dagen tot een koppeling (mediaan)"),
        "days",
        "answers",
        _("Van de nieuwe vragen met een koppeling: hoeveel dagen het duurde tot de vrijwilliger begon (de middelste)."),
        base="matched",
    ),
    Figure(
        "matches_active",
        _("koppelingen die liepen"),
        "count",
        "help",
        _("Koppelingen tussen vrijwilliger en hulpvrager die in de maand liepen."),
    ),
    Figure(
        "respite_hours",
        _("uren respijtzorg"),
        "hours",
        "help",
        _("Goedgekeurde uren van vrijwilligers bij respijtzorg in de maand."),
        base="respite_households",
    ),
    Figure(
        "mantelzorgers_reached",
        _("mantelzorgers geholpen"),
        "count",
        "help",
        _("Mantelzorgers die in de maand hulp kregen van een vrijwilliger."),
    ),
    Figure(
        "burden_avg",
        _("belasting mantelzorgers (0-10)"),
        "score",
        "help",
        _("Gemiddelde van de metingen 'hoe zwaar voelt de zorg?' in de maand. Lager is beter."),
        base="burden_people",
    ),
    Figure(
        "burden_high_pct",
        _("mantelzorgers met zware belasting"),
        "pct",
        "help",
        _("Deel van de mantelzorgers met een meting van 7 of hoger in de maand."),
        base="burden_people",
    ),
    Figure(
        "referrals",
        _("doorverwezen naar professionele hulp"),
        "count",
        "help",
        _("Vragen die in de maand zijn doorverwezen naar professionele hulp."),
    ),
    Figure(
        "volunteers_active",
        _("vrijwilligers actief"),
        "count",
        "volunteers",
        _("Vrijwilligers die in de maand iemand hielpen."),
    ),
    Figure("volunteers_new", _("vrijwilligers nieuw"), "count", "volunteers", _("Aangemeld in de maand.")),
    Figure("volunteers_stopped", _("vrijwilligers gestopt"), "count", "volunteers", _("Gestopt in de maand.")),
    Figure(
        "matches_ended",
        _("koppelingen afgerond"),
        "count",
        "results",
        _("Koppelingen die in de maand zijn afgerond met een evaluatie."),
    ),
    Figure(
        "goal_reached_pct",
        _("doel bereikt"),
        "pct",
        "results",
        _("Deel van de afgeronde koppelingen waarbij het doel bereikt is."),
        base="matches_ended",
    ),
)
FIGURE_BY_CODE = {f.code: f for f in FIGURES}
COUNT_CODES = tuple(f.code for f in FIGURES if f.kind == "count")
KIND_CODES = tuple(f"requests_{kind}" for kind in KINDS)
GROUPS: tuple[tuple[str, Promise], ...] = (
    ("requests", _("Nieuwe hulpvragen")),
    ("answers", _("Hoe snel kwam er hulp?")),
    ("help", _("Hulp in de maand")),
    ("volunteers", _("Vrijwilligers")),
    ("results", _("Resultaat")),
)


def figures_in(group: str) -> list[Figure]:
    return [f for f in FIGURES if f.group == group]


# --- Raw numbers per neighbourhood and month ------------------------------------------------


@dataclass
class Raw:
    """Exact numbers of one neighbourhood (or a total) in one month. ``days_to_match``
    keeps the durations themselves: medians do not add up."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    days_to_match: list[float] = field(default_factory=list)
    respite_hours: Decimal = Decimal("0")
    burden_sum: int = 0
    burden_checkins: int = 0

    def add(self, other: Raw) -> None:
        for code, value in other.counts.items():
            self.counts[code] += value
        self.days_to_match.extend(other.days_to_match)
        self.respite_hours += other.respite_hours
        self.burden_sum += other.burden_sum
        self.burden_checkins += other.burden_checkins

    def value(self, code: str) -> int | float | Decimal | None:
        """The exact figure (None where there is nothing to divide by)."""
        c = self.counts
        if code in COUNT_CODES:
            return c.get(code, 0)
        if code in ("answered_7d_pct", "answered_30d_pct"):
            return _pct(c.get(code.removesuffix("_pct"), 0), c.get("requests_new", 0))
        if code == "median_days_to_match":
            return round(statistics.median(self.days_to_match), 1) if self.days_to_match else None
        if code == "respite_hours":
            return self.respite_hours if c.get("respite_households") else None
        if code == "burden_avg":
            return round(self.burden_sum / self.burden_checkins, 1) if self.burden_checkins else None
        if code == "burden_high_pct":
            return _pct(c.get("burden_high_people", 0), c.get("burden_people", 0))
        if code == "goal_reached_pct":
            return _pct(c.get("goal_yes", 0), c.get("matches_ended", 0))
        raise KeyError(code)

    def base(self, figure: Figure) -> int:
        if figure.base == "matched":
            return len(self.days_to_match)
        return self.counts.get(figure.base, 0)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class DaysBetween(Func):
    """Elapsed days (a float) from ``start`` to ``end``, both datetimes (or aggregates
    of them). PostgreSQL: seconds of the interval / 86400; SQLite: the difference of
    the Julian day numbers (Django stores UTC text that julianday() reads)."""

    output_field = FloatField()
    arity = 2
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0 AS double precision)"
    arg_joiner = " - "

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra
        )


def _bucket(path: str, months: Sequence[Month], *, dates: bool = False) -> Case:
    """The index of the month ``path`` falls in (the rows are already limited to the
    months' range). A CASE on plain comparisons: cheap on SQLite, where the
    time-zone aware TruncMonth would call Python for every row."""
    whens = []
    for i, month in enumerate(months[1:]):
        bound = month.first_day if dates else month.start
        whens.append(When(**{f"{path}__lt": bound}, then=Value(i)))
    return Case(*whens, default=Value(len(months) - 1), output_field=IntegerField())


def _in_months(path: str, months: Sequence[Month], *, dates: bool = False) -> Q:
    if dates:
        return Q(**{f"{path}__gte": months[0].first_day, f"{path}__lt": months[-1].next().first_day})
    return Q(**{f"{path}__gte": months[0].start, f"{path}__lt": months[-1].end})


def _running_in(month: Month, prefix: str = "") -> Q:
    """A match that started before the month ended and did not end before it began."""
    return Q(**{f"{prefix}activated_at__lt": month.end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": month.start})
    )


@dataclass(frozen=True)
class Scope:
    """Whose figures: an organisation, optionally one municipality of it."""

    organisation: Organisation
    municipality: Municipality | None = None
    neighbourhood_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, organisation: Organisation, municipality: Municipality | None = None) -> Scope:
        ids = tuple(municipality.neighbourhoods.values_list("pk", flat=True)) if municipality is not None else ()
        return cls(organisation, municipality, ids)

    def q(self, path: str) -> Q:
        """Rows whose neighbourhood (the foreign key at ``path``) lies in the municipality.
        A list of ids, not a join to the neighbourhoods: one join less per row."""
        if self.municipality is None:
            return Q()
        return Q(**{f"{path}_id__in": self.neighbourhood_ids or [0]})


RawTable = dict[tuple[int, int | None], Raw]  # (month index, neighbourhood id) -> Raw


def raw_figures(*, scope: Scope, months: Sequence[Month]) -> RawTable:
    """All raw numbers for ``months`` (consecutive, oldest first) per (month index,
    neighbourhood id), in a fixed number of queries (15), whatever the number of
    months or neighbourhoods."""
    if list(months) != months_between(months[0], months[-1]):
        raise ValueError("raw_figures needs consecutive months, oldest first")
    org = scope.organisation
    table: RawTable = defaultdict(Raw)

    def cell(m: int, area: int | None) -> Raw:
        return table[(m, area)]

    # Requests that came in, per kind.
    rows = (
        HelpRequest.objects.filter(_in_months("created_at", months), scope.q("neighbourhood"), organisation=org)
        .annotate(m=_bucket("created_at", months))
        .values_list("m", "neighbourhood", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, area, kind, n in rows:
        raw = cell(m, area)
        raw.counts["requests_new"] += n
        raw.counts[f"requests_{kind}"] += n

    # How fast they got an answer: the first match that started, the first referral.
    cohort = _in_months("request__created_at", months) & scope.q("request__neighbourhood")
    first_start = (
        Match.objects.filter(cohort, organisation=org, activated_at__isnull=False)
        .annotate(m=_bucket("request__created_at", months))
        .values_list("request", "m", "request__neighbourhood")
        .annotate(days=DaysBetween(Min("activated_at"), Min("request__created_at")))
        .order_by()
    )
    first_referral = (
        RequestEvent.objects.filter(
            cohort,
            request__organisation=org,
            to_status=HelpRequest.Status.REFERRED,
            # Never before the request came in: lets the (to_status, at) index do the work.
            at__gte=months[0].start,
        )
        .annotate(m=_bucket("request__created_at", months))
        .values_list("request", "m", "request__neighbourhood")
        .annotate(days=DaysBetween(Min("at"), Min("request__created_at")))
        .order_by()
    )
    answered: dict[int, tuple[int, int | None, float]] = {}
    for request, m, area, days in first_start:
        days = max(0.0, days)
        cell(m, area).days_to_match.append(days)
        answered[request] = (m, area, days)
    for request, m, area, days in first_referral:
        days = max(0.0, days)
        if request not in answered or days < answered[request][2]:
            answered[request] = (m, area, days)
    for m, area, days in answered.values():
        for limit in ANSWER_DAYS:
            if days <= limit:
                cell(m, area).counts[f"answered_{limit}d"] += 1

    # Running matches and the people they involve (one query per way of placing them).
    period = Q(activated_at__lt=months[-1].end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=months[0].start))
    running = Match.objects.filter(period, organisation=org)
    per_month = {f"m{i}": _running_in(month) for i, month in enumerate(months)}
    for code, area_path, counted in (
        ("matches_active", "request__neighbourhood", None),
        ("volunteers_active", "volunteer__neighbourhood", "volunteer"),
        ("mantelzorgers_reached", "request__mantelzorger__neighbourhood", "request__mantelzorger"),
    ):
        qs = running.filter(scope.q(area_path))
        if counted == "request__mantelzorger":
            qs = qs.filter(request__mantelzorger__isnull=False)
        aggregates = {
            key: Count(counted, distinct=True, filter=q) if counted else Count("pk", filter=q)
            for key, q in per_month.items()
        }
        for row in qs.values(area_path).annotate(**aggregates).order_by():
            for i in range(len(months)):
                if row[f"m{i}"]:
                    cell(i, row[area_path]).counts[code] += row[f"m{i}"]

    # Respite hours (approved), by the day they were worked.
    hours = (
        HoursEntry.objects.filter(
            _in_months("date", months, dates=True),
            scope.q("match__request__neighbourhood"),
            match__organisation=org,
            match__request__kind=HelpRequest.Kind.RESPITE,
            approved_at__isnull=False,
        )
        .annotate(m=_bucket("date", months, dates=True))
        .values_list("m", "match__request__neighbourhood")
        .annotate(h=Sum("hours"), households=Count("match__request", distinct=True))
        .order_by()
    )
    for m, area, total, households in hours:
        raw = cell(m, area)
        raw.respite_hours += Decimal(total or 0)
        raw.counts["respite_households"] += households

    # Burden check-ins of the organisation's mantelzorgers.
    checkins = (
        BurdenCheckIn.objects.filter(
            _in_months("created_at", months), scope.q("mantelzorger__neighbourhood"), mantelzorger__organisation=org
        )
        .annotate(m=_bucket("created_at", months))
        .values_list("m", "mantelzorger__neighbourhood")
        .annotate(
            total=Sum("score"),
            n=Count("pk"),
            people=Count("mantelzorger", distinct=True),
            high=Count("mantelzorger", distinct=True, filter=Q(score__gte=BurdenCheckIn.HIGH_SCORE)),
        )
        .order_by()
    )
    for m, area, total, n, people, high in checkins:
        raw = cell(m, area)
        raw.burden_sum += total or 0
        raw.burden_checkins += n
        raw.counts["burden_people"] += people
        raw.counts["burden_high_people"] += high

    # Referrals to professional care.
    referrals = (
        RequestEvent.objects.filter(
            _in_months("at", months),
            scope.q("request__neighbourhood"),
            request__organisation=org,
            to_status=HelpRequest.Status.REFERRED,
        )
        .annotate(m=_bucket("at", months))
        .values_list("m", "request__neighbourhood")
        .annotate(n=Count("request", distinct=True))
        .order_by()
    )
    for m, area, n in referrals:
        cell(m, area).counts["referrals"] += n

    # Matches ended with an evaluation, and whether the goal was reached.
    ended = (
        Match.objects.filter(
            _in_months("ended_at", months),
            scope.q("request__neighbourhood"),
            organisation=org,
            status=Match.Status.ENDED,
            evaluation__isnull=False,
        )
        .annotate(m=_bucket("ended_at", months))
        .values_list("m", "request__neighbourhood")
        .annotate(n=Count("pk"), yes=Count("pk", filter=Q(evaluation__goal_reached=Evaluation.Goal.YES)))
        .order_by()
    )
    for m, area, n, yes in ended:
        raw = cell(m, area)
        raw.counts["matches_ended"] += n
        raw.counts["goal_yes"] += yes

    # Volunteers who joined and stopped (rows still there, and departures of deleted ones).
    for code, model, path in (
        ("volunteers_new", Volunteer, "created_at"),
        ("volunteers_new", VolunteerDeparture, "registered_at"),
        ("volunteers_stopped", Volunteer, "stopped_at"),
        ("volunteers_stopped", VolunteerDeparture, "stopped_at"),
    ):
        rows = (
            model.objects.filter(_in_months(path, months), scope.q("neighbourhood"), organisation=org)
            .annotate(m=_bucket(path, months))
            .values_list("m", "neighbourhood")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for m, area, n in rows:
            cell(m, area).counts[code] += n
    return table


# --- Raw numbers of whole months: counted now, or as stored --------------------------------------


def raw_by_month(
    *, scope: Scope, months: Sequence[Month], now: datetime.datetime, use_stored: bool
) -> tuple[dict[Month, dict[int | None, Raw]], datetime.datetime]:
    """For each month: neighbourhood id -> raw numbers, and when they were counted. With
    ``use_stored`` from the stored figures (``report_store.stored_raw_by_month``);
    otherwise counted now, in one go."""
    months = sorted(months)
    if use_stored:
        from neighbourhoods.report_store import stored_raw_by_month

        return stored_raw_by_month(scope=scope, months=months, now=now)
    span = months_between(months[0], months[-1])
    table = raw_figures(scope=scope, months=span)
    computed: dict[Month, dict[int | None, Raw]] = {m: {} for m in span}
    for (i, area), raw in table.items():
        computed[span[i]][area] = raw
    return {m: computed[m] for m in months}, now


# --- Cells as shown, with small numbers hidden ------------------------------------------------


@dataclass
class Cell:
    """One figure as shown. ``status``: ``shown``; ``small`` (1-9 people, or resting on
    fewer than 10); ``hidden`` (secondary suppression); ``empty`` (nothing to show,
    e.g. a percentage of zero requests)."""

    figure: Figure
    value: int | float | Decimal | None
    status: str = "shown"

    @property
    def shown(self) -> bool:
        return self.status == "shown"

    @property
    def export(self) -> int | float | str | None:
        """The value for CSV and JSON: a number, ``"<10"``, ``"x"`` or None (nothing)."""
        if self.status == "small":
            return SMALL
        if self.status == "hidden":
            return HIDDEN
        if self.value is None:
            return None
        if isinstance(self.value, Decimal):
            return float(self.value)
        return self.value


@dataclass(frozen=True)
class Area:
    """A row of a report: a neighbourhood, a municipality, or a total."""

    key: str  # "n<id>", "m<id>", "unknown", "total"
    name: str
    kind: str = ""  # wijk/buurt/kern for neighbourhoods; "municipality"; "total"; "unknown"
    municipality: str = ""
    id: int | None = None

    @property
    def is_total(self) -> bool:
        return self.kind == "total"


@dataclass
class Row:
    area: Area
    cells: dict[str, Cell]
    raw: Raw = field(repr=False, default_factory=Raw)

    def __getitem__(self, code: str) -> Cell:
        return self.cells[code]

    def in_group(self, group: str) -> list[Cell]:
        return [self.cells[f.code] for f in figures_in(group)]


@dataclass
class MonthTable:
    month: Month
    provisional: bool
    rows: list[Row]
    total: Row

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.total]


def _cells(raw: Raw) -> dict[str, Cell]:
    return {f.code: Cell(f, raw.value(f.code)) for f in FIGURES}


def _primary(row: Row) -> None:
    for cell in row.cells.values():
        figure = cell.figure
        if figure.kind == "count":
            if 0 < (cell.value or 0) < SMALL_CELL:
                cell.status = "small"
        elif cell.value is None:
            cell.status = "empty"
        elif row.raw.base(figure) < SMALL_CELL:
            cell.status = "small"


def _secondary(lines: Iterable[tuple[list[Cell], Cell]]) -> None:
    """Hide more cells until no line (cells that add up to a shown total) has exactly
    one unknown: a lone ``<10`` could otherwise be found by subtraction."""
    lines = list(lines)
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            unknown = [c for c in (*cells, total) if c.status in ("small", "hidden")]
            if len(unknown) != 1:
                continue
            candidates = [c for c in cells if c.status == "shown" and c.value]
            if not candidates:
                candidates = [c for c in cells if c.status == "shown"] or ([total] if total.status == "shown" else [])
            if not candidates:
                continue
            min(candidates, key=lambda c: c.value).status = "hidden"
            changed = True


def suppress_table(rows: list[Row], total: Row) -> None:
    """Primary and secondary suppression of one month's table (rows add up to ``total``)."""
    for row in (*rows, total):
        _primary(row)
    lines: list[tuple[list[Cell], Cell]] = []
    for code in COUNT_CODES:
        lines.append(([row.cells[code] for row in rows], total.cells[code]))
    for row in (*rows, total):
        lines.append(([row.cells[code] for code in KIND_CODES], row.cells["requests_new"]))
    _secondary(lines)


# --- The report ------------------------------------------------------------------------------


@dataclass
class Report:
    organisation: Organisation
    municipality: Municipality | None
    level: str  # "neighbourhood" (one municipality) or "municipality" (the organisation)
    months: list[MonthTable]
    suppressed: bool
    generated_at: datetime.datetime
    # When the figures were counted: the oldest count of the months that can still change
    # (with only final months: the oldest count); ``generated_at`` when counted now.
    computed_at: datetime.datetime

    @property
    def last(self) -> MonthTable:
        return self.months[-1]

    def month(self, month: Month) -> MonthTable:
        return next(t for t in self.months if t.month == month)

    def trend(self, code: str) -> list[tuple[Month, Cell]]:
        """The municipality's (or organisation's) total of ``code``, month by month."""
        return [(t.month, t.total.cells[code]) for t in self.months]


def _areas(scope: Scope, level: str, extra_ids: set[int]) -> tuple[list[Area], dict[int | None, str]]:
    """The rows of the report in order, and for every neighbourhood id the key of its row."""
    if level == "neighbourhood":
        assert scope.municipality is not None
        neighbourhoods = list(scope.municipality.neighbourhoods.order_by("name", "kind"))
        areas = [
            Area(
                key=f"n{n.pk}",
                name=n.name,
                kind=n.kind,
                municipality=scope.municipality.name,
                id=n.pk,
            )
            for n in neighbourhoods
        ]
        return areas, {n.pk: f"n{n.pk}" for n in neighbourhoods}
    municipalities = list(scope.organisation.municipalities.order_by("name"))
    pairs = list(
        Neighbourhood.objects.filter(Q(municipality__in=municipalities) | Q(pk__in=extra_ids)).values_list(
            "pk", "municipality_id", "municipality__name"
        )
    )
    known = {m.pk for m in municipalities}
    others = sorted({(mid, name) for _pk, mid, name in pairs if mid not in known}, key=lambda p: p[1])
    areas = [Area(key=f"m{m.pk}", name=m.name, kind="municipality", id=m.pk) for m in municipalities]
    areas += [Area(key=f"m{mid}", name=name, kind="municipality", id=mid) for mid, name in others]
    key_of: dict[int | None, str] = {pk: f"m{mid}" for pk, mid, _name in pairs}
    areas.append(Area(key="unknown", name=str(_("buurt onbekend")), kind="unknown"))
    key_of[None] = "unknown"
    return areas, key_of


def report_build(
    *,
    organisation: Organisation,
    months: Sequence[Month],
    municipality: Municipality | None = None,
    suppress: bool = True,
    now: datetime.datetime | None = None,
    use_stored: bool = False,
) -> Report:
    """The report of ``municipality`` (rows per neighbourhood) or, without one, of the
    whole organisation (rows per municipality, plus requests without a known
    neighbourhood), for each of ``months`` (oldest first). ``use_stored``: take the
    raw numbers from the stored figures (pages; see ``neighbourhoods.report_store``)."""
    if not months:
        raise ValueError("months must not be empty")
    months = sorted(months)
    now = now or timezone.now()
    level = "neighbourhood" if municipality is not None else "municipality"
    scope = Scope.of(organisation, municipality)
    raw, computed_at = raw_by_month(scope=scope, months=months, now=now, use_stored=use_stored)
    extra_ids = {area for per_area in raw.values() for area in per_area if area is not None}
    areas, key_of = _areas(scope, level, extra_ids)
    tables = []
    for month in months:
        per_area: dict[str, Raw] = {a.key: Raw() for a in areas}
        for area_id, values in raw[month].items():
            key = key_of.get(area_id)
            if key is not None:
                per_area[key].add(values)
        total_raw = Raw()
        for values in per_area.values():
            total_raw.add(values)
        rows = [
            Row(area, _cells(per_area[area.key]), per_area[area.key])
            for area in areas
            # The "unknown" row only where there is something in it.
            if area.kind != "unknown" or per_area[area.key].counts or per_area[area.key].days_to_match
        ]
        total_area = Area(
            key="total",
            name=municipality.name if municipality else organisation.name,
            kind="total",
        )
        total = Row(total_area, _cells(total_raw), total_raw)
        if suppress:
            suppress_table(rows, total)
        else:
            for row in (*rows, total):
                for cell in row.cells.values():
                    if cell.value is None:
                        cell.status = "empty"
        provisional = now < month.end + datetime.timedelta(days=PROVISIONAL_DAYS)
        tables.append(MonthTable(month, provisional, rows, total))
    return Report(
        organisation=organisation,
        municipality=municipality,
        level=level,
        months=tables,
        suppressed=suppress,
        generated_at=now,
        computed_at=computed_at,
    )


# --- Export shapes ---------------------------------------------------------------------------

EXPORT_COLUMNS = ("month", "municipality", "area", "area_kind", *(f.code for f in FIGURES), "provisional")


def report_rows(report: Report) -> Iterable[dict[str, Any]]:
    """One flat dict per month and row (the total last), for CSV: the columns of
    ``EXPORT_COLUMNS``."""
    for table in report.months:
        for row in table.all_rows:
            area = row.area
            if report.municipality is not None:
                municipality, name = report.municipality.name, "" if area.is_total else area.name
            else:
                municipality, name = (area.name if area.kind == "municipality" else ""), ""
            yield {
                "month": str(table.month),
                "municipality": municipality,
                "area": name,
                "area_kind": area.kind,
                **{code: cell.export for code, cell in row.cells.items()},
                "provisional": table.provisional,
            }


def report_as_json(report: Report) -> dict[str, Any]:
    """The same figures as the CSV, nested per month (for the JSON endpoint)."""

    def row_json(row: Row) -> dict[str, Any]:
        area = row.area
        return {
            "area": area.name,
            "area_kind": area.kind,
            **({"municipality": area.municipality} if area.municipality else {}),
            "figures": {code: cell.export for code, cell in row.cells.items()},
        }

    return {
        "organisation": report.organisation.slug,
        "municipality": report.municipality.name if report.municipality else None,
        "level": report.level,
        "period": {"from": str(report.months[0].month), "to": str(report.months[-1].month)},
        "generated_at": report.generated_at.isoformat(),
        "time_zone": "Europe/Amsterdam",
        "suppression": ({"threshold": SMALL_CELL, "small": SMALL, "hidden": HIDDEN} if report.suppressed else None),
        "figures": {f.code: {"label": str(f.label), "kind": f.kind, "definition": str(f.help)} for f in FIGURES},
        "months": [
            {
                "month": str(table.month),
                "provisional": table.provisional,
                "areas": [row_json(row) for row in table.rows],
                "total": row_json(table.total),
            }
            for table in report.months
        ],
    }


def reportable_municipalities(*, organisation: Organisation, memberships: QuerySet | None = None) -> list[Municipality]:
    """The municipalities whose reports a user may see: with ``memberships`` (a
    municipality viewer's rows), only those; otherwise (brokers, admins) all of
    the organisation's working area."""
    if memberships is not None:
        ids = [m.municipality_id for m in memberships]
        return list(Municipality.objects.filter(pk__in=ids, organisations=organisation).order_by("name"))
    return list(organisation.municipalities.order_by("name"))


__all__ = [
    "ANSWER_DAYS",
    "FIGURES",
    "GROUPS",
    "HIDDEN",
    "SMALL",
    "SMALL_CELL",
    "Area",
    "Cell",
    "DaysBetween",
    "Figure",
    "MonthTable",
    "Raw",
    "Report",
    "Row",
    "Scope",
    "figures_in",
    "raw_figures",
    "report_as_json",
    "report_build",
    "report_rows",
    "reportable_municipalities",
    "suppress_table",
]
