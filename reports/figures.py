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

Months are calendar months in Europe/Amsterdam (``reports.months``). A
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
``burden_pairs``, ``burden_change_median``
    Burden before and after respite, paired per carer (by where the carer lives): for
    each respite match that ended, the carer's last check-in before the match started
    and the first check-in after it ended; a carer without both is left out. The pair
    counts in the month of the check-in after (a carer once per month: the match that
    ended last); the change is after minus before (-10 to 10, below zero is lighter),
    kept per value in the raw numbers so the median adds up over neighbourhoods.

Signals (someone noticed that a person may need support), counted in the month they
came in, by the neighbourhood of the person:

``signals_received``
    Signals received in the month.
``signals_open``, ``signals_request``, ``signals_closed_<reason>``
    What became of them so far: not handled yet, turned into a request, or closed
    with a reason (no need, own network helps, does not want help, unreachable,
    referred, other). They add up to ``signals_received``, so secondary suppression
    treats them as a line with that total.

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

Where the question was solved (the ladder: yourself, your network, volunteers and the
neighbourhood, professional care or the municipality), counted in the month the request
reached its final step (``status_changed_at`` of a request that is closed or referred now):

``requests_solved``
    Requests closed or referred in the month with the step they were solved on
    (``HelpRequest.ladder_step``); the four below add up to it.
``solved_own_strength``, ``solved_own_network``
    Closed by a broker as solved with the person's own strength or own network, without
    a volunteer (``caregivers.intake.request_close_solved``).
``solved_volunteer``
    Closed after a match's evaluation (``matches.lifecycle.match_end``, "vraag afsluiten").
``solved_referral``
    Referred to professional care or the municipality and not reopened since (a reopened
    request counts again in the month it reaches its final step).
``goals_reached``, ``goals_partly``, ``goals_reached_pct``
    Of those requests: the goal reached ("ja"), partly reached, and the share reached
    among those with a recorded goal (referrals record none).

Satisfaction of both sides, from the evaluations of the matches ended in the month (the
same matches as ``matches_ended``; a side that gave no score is left out):

``satisfaction_volunteer_median``, ``satisfaction_requester_median``
    The median score (1-5) of the volunteers, and of the requesters.
``satisfaction_volunteer_pct``, ``satisfaction_requester_pct``
    The share that gave a 4 or 5. Stored as counts per score
    (``satisfaction_<side>_<1-5>``), which add up over neighbourhoods.

Small numbers
=============

With ``suppress=True`` (everything a municipality sees, and the monthly CSV):

* a count of people from 1 to 9 is shown as ``<10`` (zero stays 0);
* a percentage, median, average or number of hours that rests on fewer than 10
  people (requests, households, mantelzorgers, evaluations) is not shown either (``<10`` in
  the exports, "te weinig" on the page);
* *secondary suppression*: where a row or column adds up to a total that is
  shown (the municipality's total per column; a neighbourhood's new requests as
  the sum of its kinds; its requests solved as the sum of the ladder's steps), a
  single hidden number could be found by subtraction.
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
the database (``reports.store``: counted once a month is final, every
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neighbourhoods.models import Municipality, Neighbourhood, Organisation
from reports.counting import (
    COUNT_CODES,
    FIGURES,
    KIND_CODES,
    LADDER_CODES,
    PROVISIONAL_DAYS,
    SIGNAL_OUTCOME_CODES,
    Figure,
    Raw,
    Scope,
    figures_in,
    raw_figures,
)
from reports.months import Month, months_between
from reports.store import stored_raw_by_month

SMALL_CELL = 10
SMALL = "<10"  # a count of 1-9 people, or a figure resting on fewer than 10 people
HIDDEN = "x"  # hidden so that a small number elsewhere cannot be worked out


# --- Raw numbers of whole months: counted now, or as stored --------------------------------------


def raw_by_month(
    *, scope: Scope, months: Sequence[Month], now: datetime.datetime, use_stored: bool
) -> tuple[dict[Month, dict[int | None, Raw]], datetime.datetime]:
    """For each month: neighbourhood id -> raw numbers, and when they were counted. With
    ``use_stored`` from the stored figures (``reports.store.stored_raw_by_month``);
    otherwise counted now, in one go."""
    months = sorted(months)
    if use_stored:
        return stored_raw_by_month(scope=scope, months=months, now=now)
    span = months_between(months[0], months[-1])
    table = raw_figures(scope=scope, months=span)
    computed: dict[Month, dict[int | None, Raw]] = {m: {} for m in span}
    for (i, area), raw in table.items():
        computed[span[i]][area] = raw
    return {m: computed[m] for m in months}, now


# --- Cells as shown, with small numbers hidden ------------------------------------------------


def is_small(count: int) -> bool:
    """A count of 1-9 people: never shown as such outside the organisation (the rule)."""
    return 0 < count < SMALL_CELL


def count_text(count: int) -> str:
    """A count of people as a municipality may see it: ``"<10"`` for 1-9."""
    return SMALL if is_small(count) else str(count)


@dataclass(slots=True)
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
    values = raw.values()
    return {f.code: Cell(f, values[f.code]) for f in FIGURES}


def _primary(row: Row) -> None:
    for cell in row.cells.values():
        figure = cell.figure
        if figure.kind == "count":
            if is_small(cell.value or 0):
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
        # What became of the month's signals adds up to the signals received.
        lines.append(([row.cells[code] for code in SIGNAL_OUTCOME_CODES], row.cells["signals_received"]))
        # The ladder's steps add up to the requests solved.
        lines.append(([row.cells[code] for code in LADDER_CODES], row.cells["requests_solved"]))
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
    raw numbers from the stored figures (pages; see ``reports.store``)."""
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
    "HIDDEN",
    "SMALL",
    "SMALL_CELL",
    "Area",
    "Cell",
    "MonthTable",
    "Report",
    "Row",
    "report_as_json",
    "report_build",
    "report_rows",
    "reportable_municipalities",
    "suppress_table",
]
