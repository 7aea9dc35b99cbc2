"""What the reports count: the figures and their definitions, the raw numbers per
neighbourhood and month (one pass over the database), and the month's numbers per
staff member for the workload table.

Counting only: showing (suppression of small numbers, the report, the exports) is in
``reports.figures``; storing the counted months in ``reports.store``. The definitions
of every figure are in the docstring of ``reports.figures``.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityDate, ActivitySlot, SignUp
from caregivers.models import BurdenCheckIn, CareSignal, HelpRequest, RequestEvent
from matches.models import Evaluation, HoursEntry, Match, MatchEvent
from neighbourhoods.models import Municipality, Organisation
from partners.models import Response, Vacancy
from reports.months import Month, months_between
from volunteers.models import Volunteer, VolunteerDeparture

ANSWER_DAYS = (7, 30)
PROVISIONAL_DAYS = 30
KINDS = [value for value, _label in HelpRequest.Kind.choices]
# The ladder's steps, in order: yourself, your network, volunteers and the neighbourhood,
# then professional care or the municipality.
LADDER_STEPS = [value for value, _label in HelpRequest.LadderStep.choices]
SCORES = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4  # "tevreden": 4 or 5 on the scale of 1-5
SIDES = ("volunteer", "requester")

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
CLOSE_REASONS = [value for value, _label in CareSignal.CloseReason.choices]
CLOSE_LABELS = dict(CareSignal.CloseReason.choices)
# A burden change is a whole number from -10 to 10; the raw numbers keep how many carers
# had each change ("burden_delta_<n>"), so medians add up over neighbourhoods.
BURDEN_DELTA = "burden_delta_"

_FIGURES_BEFORE_THE_LADDER: tuple[Figure, ...] = (
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
        "burden_pairs",
        _("mantelzorgers gemeten voor en na respijtzorg"),
        "count",
        "help",
        _(
            "Mantelzorgers met een belasting-check vóór de start van hun respijtzorg en één na het einde, "
            "geteld in de maand van de check erna."
        ),
    ),
    Figure(
        "burden_change_median",
        _("verandering in belasting na respijtzorg (mediaan)"),
        "score",
        "help",
        _(
            "Per mantelzorger de check na het einde van de respijtzorg min de laatste check vóór de start "
            "(0-10, de middelste). Onder nul: de zorg voelt minder zwaar."
        ),
        base="burden_pairs",
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

LADDER_LABELS = {
    HelpRequest.LadderStep.OWN_STRENGTH: (
        _("opgelost met eigen kracht"),
        _("Vragen die in de maand zijn afgesloten omdat de persoon het zelf kon, zonder vrijwilliger."),
    ),
    HelpRequest.LadderStep.OWN_NETWORK: (
        _("opgelost met eigen netwerk"),
        _("Vragen die in de maand zijn afgesloten omdat familie, buren of vrienden helpen, zonder vrijwilliger."),
    ),
    HelpRequest.LadderStep.VOLUNTEER: (
        _("opgelost met vrijwilliger"),
        _("Vragen die in de maand zijn afgesloten na de hulp van een vrijwilliger (na de evaluatie)."),
    ),
    HelpRequest.LadderStep.REFERRAL: (
        _("doorverwezen (professionele hulp of gemeente)"),
        _("Vragen die in de maand zijn doorverwezen en sindsdien niet opnieuw zijn opgepakt."),
    ),
}
LADDER_CODES = tuple(f"solved_{step}" for step in LADDER_STEPS)

FIGURES: tuple[Figure, ...] = (
    *_FIGURES_BEFORE_THE_LADDER,
    Figure(
        "requests_solved",
        _("vragen afgerond"),
        "count",
        "ladder",
        _("Vragen die in de maand zijn afgesloten of doorverwezen, met de trede waarop ze zijn opgelost."),
    ),
    *(
        Figure(f"solved_{step}", LADDER_LABELS[step][0], "count", "ladder", LADDER_LABELS[step][1])
        for step in LADDER_STEPS
    ),
    Figure(
        "goals_reached",
        _("doel bereikt"),
        "count",
        "ladder",
        _("Vragen die in de maand zijn afgesloten en waarbij het doel van de persoon bereikt is (ja)."),
    ),
    Figure(
        "goals_partly",
        _("doel deels bereikt"),
        "count",
        "ladder",
        _("Vragen die in de maand zijn afgesloten en waarbij het doel deels bereikt is."),
    ),
    Figure(
        "goals_reached_pct",
        _("doel bereikt (deel)"),
        "pct",
        "ladder",
        _("Van de vragen die in de maand zijn afgesloten met een doel: het deel waarbij het doel bereikt is (ja)."),
        base="goals_recorded",
    ),
    Figure(
        "satisfaction_volunteer_median",
        _("tevredenheid vrijwilligers (1-5, mediaan)"),
        "score",
        "satisfaction",
        _("Van de koppelingen die in de maand zijn afgerond: het middelste cijfer (1-5) dat de vrijwilligers gaven."),
        base="satisfaction_volunteer_n",
    ),
    Figure(
        "satisfaction_volunteer_pct",
        _("vrijwilligers tevreden (4 of 5)"),
        "pct",
        "satisfaction",
        _("Van de koppelingen die in de maand zijn afgerond: het deel waarbij de vrijwilliger een 4 of 5 gaf."),
        base="satisfaction_volunteer_n",
    ),
    Figure(
        "satisfaction_requester_median",
        _("tevredenheid hulpvragers (1-5, mediaan)"),
        "score",
        "satisfaction",
        _("Van de koppelingen die in de maand zijn afgerond: het middelste cijfer (1-5) dat de hulpvragers gaven."),
        base="satisfaction_requester_n",
    ),
    Figure(
        "satisfaction_requester_pct",
        _("hulpvragers tevreden (4 of 5)"),
        "pct",
        "satisfaction",
        _("Van de koppelingen die in de maand zijn afgerond: het deel waarbij de hulpvrager een 4 of 5 gaf."),
        base="satisfaction_requester_n",
    ),
)
FIGURES += (
    Figure(
        "signals_received", _("signalen ontvangen"), "count", "signals", _("Signalen die in de maand binnenkwamen.")
    ),
    Figure(
        "signals_open",
        _("nog niet afgehandeld"),
        "count",
        "signals",
        _("Signalen van de maand waar nog niemand contact over had."),
    ),
    Figure(
        "signals_request",
        _("hulpvraag van gemaakt"),
        "count",
        "signals",
        _("Signalen van de maand die een hulpvraag werden."),
    ),
    *(
        Figure(
            f"signals_closed_{reason}",
            CLOSE_LABELS[reason],
            "count",
            "signals",
            _("Signalen van de maand die zijn afgesloten om deze reden."),
        )
        for reason in CLOSE_REASONS
    ),
)
# Partners' vacancies (issue #16), by the vacancy's neighbourhood; work from home has none,
# so it counts in the organisation's totals and in no municipality.
FIGURES += (
    Figure(
        "vacancies_posted",
        _("vacatures geplaatst"),
        "count",
        "partners",
        _("Vacatures van partners die in de maand online kwamen."),
    ),
    Figure(
        "vacancies_filled",
        _("vacatures vervuld"),
        "count",
        "partners",
        _("Van de vacatures van de maand: die waarvoor alle plaatsen een vrijwilliger hebben."),
    ),
    Figure(
        "vacancy_responses",
        _("reacties op vacatures"),
        "count",
        "partners",
        _("Reacties van vrijwilligers die in de maand binnenkwamen."),
    ),
    Figure(
        "vacancy_responses_accepted",
        _("reacties aangenomen"),
        "count",
        "partners",
        _("Reacties die de partner in de maand heeft aangenomen."),
    ),
)
# Collective activities (issue #16), by the activity's neighbourhood (activities.Activity).
FIGURES += (
    Figure(
        "activities_held",
        _("activiteiten gehouden"),
        "count",
        "activities",
        _("Activiteiten die in de maand minstens één keer zijn gehouden (tot en met vandaag, niet afgelast)."),
    ),
    Figure(
        "activity_participants",
        _("deelnemers aan activiteiten"),
        "count",
        "activities",
        _("Aanmeldingen met een plaats bij een activiteit die in de maand is gehouden."),
    ),
    Figure(
        "activity_waiting",
        _("op een wachtlijst"),
        "count",
        "activities",
        _("Aanmeldingen die in de maand op de wachtlijst van een activiteit stonden."),
    ),
)
SIGNAL_OUTCOME_CODES = ("signals_open", "signals_request", *(f"signals_closed_{r}" for r in CLOSE_REASONS))
FIGURE_BY_CODE = {f.code: f for f in FIGURES}
COUNT_CODES = tuple(f.code for f in FIGURES if f.kind == "count")
KIND_CODES = tuple(f"requests_{kind}" for kind in KINDS)
GROUPS: tuple[tuple[str, Promise], ...] = (
    ("requests", _("Nieuwe hulpvragen")),
    ("answers", _("Hoe snel kwam er hulp?")),
    ("help", _("Hulp in de maand")),
    ("volunteers", _("Vrijwilligers")),
    ("results", _("Resultaat")),
    ("signals", _("Signalen: iemand kan steun gebruiken")),
    ("ladder", _("Waar is de vraag opgelost?")),
    ("satisfaction", _("Tevredenheid")),
    ("partners", _("Vacatures van partners")),
    ("activities", _("Activiteiten")),
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
        if code in _COUNT_CODE_SET:
            return self.counts.get(code, 0)
        return _DERIVED[code](self)

    def values(self) -> dict[str, int | float | Decimal | None]:
        """Every figure of ``FIGURES`` at once (as :meth:`value` of each code): a report
        table needs them all, for every row of every month."""
        c = self.counts
        result: dict[str, int | float | Decimal | None] = {code: c.get(code, 0) for code in COUNT_CODES}
        for code, compute in _DERIVED.items():
            result[code] = compute(self)
        return result

    def scores(self, side: str) -> list[int]:
        """The satisfaction scores of one side, from their counts per score (sorted)."""
        return [score for score in SCORES for _i in range(self.counts.get(f"satisfaction_{side}_{score}", 0))]

    def base(self, figure: Figure) -> int:
        if figure.base == "matched":
            return len(self.days_to_match)
        for side in SIDES:
            if figure.base == f"satisfaction_{side}_n":
                return sum(self.counts.get(f"satisfaction_{side}_{score}", 0) for score in SCORES)
        return self.counts.get(figure.base, 0)


def _satisfaction_median(side: str):
    def compute(raw: Raw) -> float | None:
        scores = raw.scores(side)
        return statistics.median(scores) if scores else None

    return compute


def _satisfaction_pct(side: str):
    def compute(raw: Raw) -> float | None:
        scores = raw.scores(side)
        return _pct(sum(1 for score in scores if score >= SATISFIED_FROM), len(scores))

    return compute


# How each figure that is not a plain count follows from the raw numbers.
_DERIVED: dict[str, Callable[[Raw], int | float | Decimal | None]] = {
    "answered_7d_pct": lambda r: _pct(r.counts.get("answered_7d", 0), r.counts.get("requests_new", 0)),
    "answered_30d_pct": lambda r: _pct(r.counts.get("answered_30d", 0), r.counts.get("requests_new", 0)),
    "median_days_to_match": lambda r: round(statistics.median(r.days_to_match), 1) if r.days_to_match else None,
    "respite_hours": lambda r: r.respite_hours if r.counts.get("respite_households") else None,
    "burden_avg": lambda r: round(r.burden_sum / r.burden_checkins, 1) if r.burden_checkins else None,
    "burden_high_pct": lambda r: _pct(r.counts.get("burden_high_people", 0), r.counts.get("burden_people", 0)),
    "goal_reached_pct": lambda r: _pct(r.counts.get("goal_yes", 0), r.counts.get("matches_ended", 0)),
    "burden_change_median": lambda r: burden_change_median(r.counts),
    "goals_reached_pct": lambda r: _pct(r.counts.get("goals_reached", 0), r.counts.get("goals_recorded", 0)),
    **{f"satisfaction_{side}_median": _satisfaction_median(side) for side in SIDES},
    **{f"satisfaction_{side}_pct": _satisfaction_pct(side) for side in SIDES},
}
_COUNT_CODE_SET = frozenset(COUNT_CODES)
# Every figure is either a count or derived, never both and never neither.
assert set(_DERIVED) | _COUNT_CODE_SET == {f.code for f in FIGURES} and not set(_DERIVED) & _COUNT_CODE_SET


def burden_change_median(counts: dict[str, int]) -> float | None:
    """The median of the burden changes kept as a histogram in ``counts``."""
    changes: list[int] = []
    for key, n in counts.items():
        if key.startswith(BURDEN_DELTA) and n:
            changes.extend([int(key.removeprefix(BURDEN_DELTA))] * n)
    return round(statistics.median(changes), 1) if changes else None


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
    neighbourhood id), in a fixed number of queries (23), whatever the number of
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

    # Signals received in the month, and what became of them so far.
    signals = (
        CareSignal.objects.filter(_in_months("created_at", months), scope.q("neighbourhood"), organisation=org)
        .annotate(m=_bucket("created_at", months))
        .values_list("m", "neighbourhood", "status", "close_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, area, status, reason, n in signals:
        raw = cell(m, area)
        raw.counts["signals_received"] += n
        if status == CareSignal.Status.CLOSED:
            raw.counts[f"signals_closed_{reason}"] += n
        else:
            raw.counts[f"signals_{status}"] += n

    # Burden before and after respite: per carer, the last check-in before a respite
    # match started and the first one after it ended, in the month of the one after.
    for m, area, change in burden_pairs(scope=scope, months=months):
        raw = cell(m, area)
        raw.counts["burden_pairs"] += 1
        raw.counts[f"{BURDEN_DELTA}{change}"] += 1
    # Satisfaction of both sides (1-5) in the evaluations of those matches, as counts per
    # score: they add up over neighbourhoods, and the median is taken from them.
    for side in SIDES:
        field_name = f"evaluation__{side}_satisfaction"
        scores = (
            Match.objects.filter(
                _in_months("ended_at", months),
                scope.q("request__neighbourhood"),
                organisation=org,
                status=Match.Status.ENDED,
                **{f"{field_name}__isnull": False},
            )
            .annotate(m=_bucket("ended_at", months))
            .values_list("m", "request__neighbourhood", field_name)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for m, area, score, n in scores:
            if score in SCORES:
                cell(m, area).counts[f"satisfaction_{side}_{score}"] += n

    # Where requests were solved on the ladder, and whether the goal was reached: the
    # requests that reached their final step (closed or referred) in the month and are
    # still there. A referral that was reopened counts again where it ends.
    solved = (
        HelpRequest.objects.filter(
            _in_months("status_changed_at", months),
            scope.q("neighbourhood"),
            organisation=org,
            status__in=(HelpRequest.Status.CLOSED, HelpRequest.Status.REFERRED),
        )
        .exclude(ladder_step="")
        .annotate(m=_bucket("status_changed_at", months))
        .values_list("m", "neighbourhood", "ladder_step", "goal_reached")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, area, step, goal, n in solved:
        if step not in LADDER_STEPS:
            continue
        raw = cell(m, area)
        raw.counts["requests_solved"] += n
        raw.counts[f"solved_{step}"] += n
        if goal:
            raw.counts["goals_recorded"] += n
            if goal == HelpRequest.GoalReached.YES:
                raw.counts["goals_reached"] += n
            elif goal == HelpRequest.GoalReached.PARTLY:
                raw.counts["goals_partly"] += n

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

    # Partners' vacancies that came online in the month, and of those the ones whose
    # places are all taken (as partners.selectors.vacancy_figures counts them).
    accepted = (
        Response.objects.filter(vacancy=OuterRef("pk"), status=Response.Status.ACCEPTED)
        .order_by()
        .values("vacancy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    posted = (
        Vacancy.objects.filter(_in_months("published_at", months), scope.q("neighbourhood"), partner__organisation=org)
        .annotate(m=_bucket("published_at", months), taken=Subquery(accepted, output_field=IntegerField()))
        .values_list("m", "neighbourhood", "places", "taken")
    )
    for m, area, places, taken in posted:
        raw = cell(m, area)
        raw.counts["vacancies_posted"] += 1
        if (taken or 0) >= places:
            raw.counts["vacancies_filled"] += 1
    # Responses that came in, and those accepted, in the month.
    for code, path, only in (
        ("vacancy_responses", "created_at", Q()),
        ("vacancy_responses_accepted", "decided_at", Q(status=Response.Status.ACCEPTED)),
    ):
        rows = (
            Response.objects.filter(
                only,
                _in_months(path, months),
                scope.q("vacancy__neighbourhood"),
                vacancy__partner__organisation=org,
            )
            .annotate(m=_bucket(path, months))
            .values_list("m", "vacancy__neighbourhood")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for m, area, n in rows:
            cell(m, area).counts[code] += n

    _activity_figures(scope=scope, months=months, cell=cell)
    return table


def _overlaps(start, end, month: Month) -> bool:
    """A stretch from ``start`` (set) to ``end`` (None: still going) touches ``month``."""
    return start is not None and start < month.end and (end is None or end >= month.start)


def _activity_figures(*, scope: Scope, months: Sequence[Month], cell) -> None:
    """Activities held, participants with a place at them and people on a waiting list,
    per month and the activity's neighbourhood (three queries). An activity is held in a
    month when one of its dates, or a weekday of its weekly times between its start and
    its last day, falls in the month, up to today."""
    today = timezone.localdate()
    activities = {
        pk: (area, schedule, timezone.localdate(created), until)
        for pk, area, schedule, created, until in Activity.objects.filter(
            scope.q("neighbourhood"),
            organisation=scope.organisation,
            status=Activity.Status.OPEN,
            created_at__lt=months[-1].end,
            until__gte=months[0].first_day,
        ).values_list("pk", "neighbourhood", "schedule", "created_at", "until")
    }
    if not activities:
        return
    held: set[tuple[int, int]] = set()  # (month index, activity)
    for pk, day in ActivityDate.objects.filter(
        _in_months("date", months, dates=True), activity_id__in=activities, date__lte=today
    ).values_list("activity_id", "date"):
        held.add((_month_index(day, months), pk))
    weekdays: dict[int, set[int]] = defaultdict(set)
    for pk, weekday in ActivitySlot.objects.filter(activity_id__in=activities).values_list("activity_id", "weekday"):
        weekdays[pk].add(weekday)
    for pk, (_area, schedule, created, until) in activities.items():
        if schedule != Activity.Schedule.WEEKLY or not weekdays[pk]:
            continue
        for i, month in enumerate(months):
            first = max(month.first_day, created)
            last = min(month.next().first_day - datetime.timedelta(days=1), until, today)
            days = (last - first).days + 1
            if days > 0 and any(
                (first + datetime.timedelta(days=n)).weekday() in weekdays[pk] for n in range(min(days, 7))
            ):
                held.add((i, pk))
    for i, pk in held:
        cell(i, activities[pk][0]).counts["activities_held"] += 1
    signups = SignUp.objects.filter(activity_id__in=activities).filter(
        Q(confirmed_at__lt=months[-1].end, role=SignUp.Role.PARTICIPANT) | Q(waiting_since__lt=months[-1].end)
    )
    for pk, role, confirmed, ended, waiting_since, waiting_until in signups.values_list(
        "activity_id", "role", "confirmed_at", "ended_at", "waiting_since", "waiting_until"
    ):
        area = activities[pk][0]
        for i, month in enumerate(months):
            if role == SignUp.Role.PARTICIPANT and (i, pk) in held and _overlaps(confirmed, ended, month):
                cell(i, area).counts["activity_participants"] += 1
            if _overlaps(waiting_since, waiting_until, month):
                cell(i, area).counts["activity_waiting"] += 1


def _month_index(day: datetime.date, months: Sequence[Month]) -> int:
    return next(i for i, month in enumerate(months) if month.first_day <= day < month.next().first_day)


def burden_pairs(*, scope: Scope, months: Sequence[Month]) -> list[tuple[int, int | None, int]]:
    """(month index, carer's neighbourhood, change) per carer and month: for each respite
    match that ended, the carer's last check-in before it started and the first after it
    ended; the pair counts in the month of the check-in after. A carer with several such
    pairs in one month counts once (the match that ended last). One query."""
    checkins = BurdenCheckIn.objects.filter(mantelzorger=OuterRef("request__mantelzorger"))
    before = checkins.filter(created_at__lt=OuterRef("activated_at")).order_by("-created_at", "-pk")
    after = checkins.filter(created_at__gt=OuterRef("ended_at")).order_by("created_at", "pk")
    rows = (
        Match.objects.filter(
            scope.q("request__mantelzorger__neighbourhood"),
            organisation=scope.organisation,
            status=Match.Status.ENDED,
            request__kind=HelpRequest.Kind.RESPITE,
            request__mantelzorger__isnull=False,
            activated_at__isnull=False,
            ended_at__lt=months[-1].end,
        )
        .annotate(
            before_score=Subquery(before.values("score")[:1], output_field=IntegerField()),
            after_score=Subquery(after.values("score")[:1], output_field=IntegerField()),
            after_at=Subquery(after.values("created_at")[:1], output_field=DateTimeField()),
        )
        .filter(before_score__isnull=False, after_at__gte=months[0].start, after_at__lt=months[-1].end)
        .values_list(
            "request__mantelzorger",
            "request__mantelzorger__neighbourhood",
            "ended_at",
            "after_at",
            "before_score",
            "after_score",
        )
        .order_by("ended_at", "pk")
    )
    per_carer: dict[tuple[int, int], tuple[int | None, int]] = {}
    for carer, area, _ended, after_at, before_score, after_score in rows:
        m = next(i for i, month in enumerate(months) if month.start <= after_at < month.end)
        per_carer[(carer, m)] = (area, after_score - before_score)  # ordered by end: the last wins
    return [(m, area, change) for (_carer, m), (area, change) in per_carer.items()]


# --- The workload per staff member ------------------------------------------------------------

MONTH_COLUMNS = ("steps", "intakes", "proposals", "started", "referrals", "hours_approved")
# Month -> user id -> column -> number (only what is not 0).
MonthCounts = dict[Month, dict[int, dict[str, int]]]


def workload_month_counts(
    *, organisation: Organisation, months: Sequence[Month], staff: Sequence[int] | None = None
) -> MonthCounts:
    """The numbers per month of everyone who took a step (``MONTH_COLUMNS``) for
    consecutive ``months``, in five grouped queries; ``staff``: only these users. These
    numbers belong to the month the step was taken in, so they do not change once the
    month is over."""
    table: MonthCounts = {m: defaultdict(lambda: defaultdict(int)) for m in months}
    who = (lambda path: Q(**{f"{path}__in": staff})) if staff is not None else (lambda path: ~Q(**{path: None}))

    def add(m: int, user_id: int, column: str, n: int) -> None:
        if n:
            table[months[m]][user_id][column] += n

    events = (
        RequestEvent.objects.filter(_in_months("at", months), who("by"), request__organisation=organisation)
        .annotate(m=_bucket("at", months))
        .values_list("m", "by")
        .annotate(
            n=Count("pk"),
            intakes=Count("pk", filter=Q(to_status=HelpRequest.Status.INTAKE)),
            referrals=Count("request", distinct=True, filter=Q(to_status=HelpRequest.Status.REFERRED)),
        )
        .order_by()
    )
    for m, user_id, n, intakes, referrals in events:
        add(m, user_id, "steps", n)
        add(m, user_id, "intakes", intakes)
        add(m, user_id, "referrals", referrals)
    match_events = (
        MatchEvent.objects.filter(_in_months("at", months), who("by"), match__organisation=organisation)
        .annotate(m=_bucket("at", months))
        .values_list("m", "by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, user_id, n in match_events:
        add(m, user_id, "steps", n)
    for path, column in (("created_at", "proposals"), ("activated_at", "started")):
        matches = (
            Match.objects.filter(_in_months(path, months), who("proposed_by"), organisation=organisation)
            .annotate(m=_bucket(path, months))
            .values_list("m", "proposed_by")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for m, user_id, n in matches:
            add(m, user_id, column, n)
    approved = (
        HoursEntry.objects.filter(
            _in_months("approved_at", months), who("approved_by"), match__organisation=organisation
        )
        .annotate(m=_bucket("approved_at", months))
        .values_list("m", "approved_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, user_id, n in approved:
        add(m, user_id, "hours_approved", n)
    return {m: {user: dict(values) for user, values in users.items()} for m, users in table.items()}
