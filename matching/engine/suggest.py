"""Suggestions: the top-N candidates for one request, with reasons, and why others fell out.

:func:`evaluate` is the column-wise core shared with batch and greedy: one radius
query on the pool's grid, then the hard constraints as numpy filters in the order
of :data:`matching.engine.constraints.CONSTRAINTS` (each volunteer counted under the
first one it breaks), then the score parts for the survivors. It applies exactly the
rules of :mod:`~matching.engine.constraints` and :mod:`~matching.engine.scoring`
(the tests compare both paths pair by pair). Reasons are built only for the
candidates actually shown, with the single-pair code.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from common.slots import DAYS

from .scoring import (
    candidate_for,
    combine,
    distance_reference_km,
    margin_fraction,
    parts_from_facts,
    request_priority,
    to_score_int,
)
from .spatial import VolunteerPool
from .types import Candidate, Reason, Rejection, RequestData, VolunteerData, Weights, Window

__all__ = ["MAX_LIMIT", "Evaluation", "SuggestResult", "evaluate", "resolve_today", "as_pool", "suggest", "summary"]

MAX_LIMIT = 100
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def resolve_today(today: datetime.date | None, now: datetime.datetime) -> datetime.date:
    """``today`` if given, else the Amsterdam calendar date of ``now`` (which must be aware)."""
    if not isinstance(now, datetime.datetime) or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return today if today is not None else now.astimezone(AMSTERDAM).date()


def as_pool(volunteers: VolunteerPool | Iterable[VolunteerData]) -> VolunteerPool:
    return volunteers if isinstance(volunteers, VolunteerPool) else VolunteerPool.from_volunteers(volunteers)


@dataclass
class Evaluation:
    """All volunteers that pass every hard constraint for one request (pool rows and
    their ids, in ascending id order), their distance and score units, and the
    counts of the rest."""

    request: RequestData
    radius_km: float
    nearby: int  # in the query area and of a matching organisation
    rows: np.ndarray
    ids: np.ndarray
    distance_km: np.ndarray
    score_units: np.ndarray
    rejections: dict[Rejection, int] = field(default_factory=dict)
    not_available_by_window: dict[Window, int] = field(default_factory=dict)


def _empty(request: RequestData, radius: float) -> Evaluation:
    return Evaluation(
        request,
        radius,
        0,
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        np.zeros(0),
        np.zeros(0, np.int64),
        dict.fromkeys(Rejection, 0),
    )


def _cheap_checks(r: RequestData, pool: VolunteerPool, rows: np.ndarray, today: datetime.date) -> dict:
    """Masks (True = passes) of the constraints that need no distance, in checking order."""
    org = pool.organisation_id[rows]
    same_org = org == r.organisation_id
    if r.shared_organisation_ids:
        same_org |= np.isin(org, np.fromiter(r.shared_organisation_ids, dtype=np.int64))
    checks = {
        Rejection.ORGANISATION: same_org,
        Rejection.INACTIVE: pool.active[rows],
        Rejection.PAUSED: pool.paused_ord[rows] < r.first_day(today).toordinal(),
    }
    if r.excluded_volunteer_ids:
        checks[Rejection.EXCLUDED] = ~np.isin(rows, pool.rows_of(r.excluded_volunteer_ids))
    if r.required_skills:
        mask, known = pool.bits_for("skill", r.required_skills)
        if known:
            checks[Rejection.SKILLS] = ((pool.skill_bits[rows] & mask) == mask).all(axis=1)
        else:  # a skill nobody in the pool has
            checks[Rejection.SKILLS] = np.zeros(len(rows), dtype=bool)
    if r.needs_vog:
        checks[Rejection.VOG] = pool.vog_ord[rows] >= r.last_day(today).toordinal()
    return checks


def evaluate(
    request: RequestData,
    pool: VolunteerPool,
    *,
    today: datetime.date,
    now: datetime.datetime,
    weights: Weights,
    explain: bool = False,
    count: bool = True,
) -> Evaluation:
    """Hard constraints and score for every volunteer near ``request`` (column-wise).

    The query radius is min(request maximum, largest volunteer maximum): a candidate
    must be within both, so nobody outside it can qualify. With ``explain`` (for
    the broker's summary) it is the request's maximum when it has one, so volunteers
    within it who find it too far to travel are counted too. Cost O(h + k) for the
    query plus O(k) numpy work, k = volunteers in the query box.

    ``count=False`` (batch runs) skips the rejection counts and applies the cheap
    integer filters before the trigonometry, on the whole box: same candidates, less
    work. ``rejections`` and ``nearby`` are then left at 0.
    """
    r = request
    if r.max_distance_km is None:
        radius = pool.max_radius_km
    elif explain:
        radius = r.max_distance_km
    else:
        radius = min(r.max_distance_km, pool.max_radius_km)
    counts = dict.fromkeys(Rejection, 0)
    nearby = 0
    if count:
        rows, dist = pool.within(r.point, radius, ordered=False)
        if len(rows) == 0:
            return _empty(r, radius)
        cheap = _cheap_checks(r, pool, rows, today)
        checks = [(Rejection.ORGANISATION, cheap.pop(Rejection.ORGANISATION))]
        if r.max_distance_km is not None:
            checks.append((Rejection.TOO_FAR_FOR_REQUEST, dist <= r.max_distance_km))
        checks.append((Rejection.TOO_FAR_FOR_VOLUNTEER, dist <= pool.max_km[rows]))
        checks.extend(cheap.items())
        # Each volunteer is counted under the first constraint it breaks.
        alive = np.ones(len(rows), dtype=bool)
        for code, ok in checks:
            before = int(np.count_nonzero(alive))
            alive &= ok
            counts[code] = before - int(np.count_nonzero(alive))
            if code in (Rejection.ORGANISATION, Rejection.TOO_FAR_FOR_REQUEST):
                nearby = int(np.count_nonzero(alive))
        rows, dist = rows[alive], dist[alive]
    else:
        rows = pool.box_positions(r.point, radius)
        alive = pool.open_matches[rows] < pool.max_active[rows]
        for ok in _cheap_checks(r, pool, rows, today).values():
            alive &= ok
        rows = rows[alive]
        dist = pool.distances(r.point, rows)
        alive = dist <= pool.max_km[rows]
        if r.max_distance_km is not None:
            alive &= dist <= r.max_distance_km
        rows, dist = rows[alive], dist[alive]

    # Availability: gather each remaining volunteer's merged slots (CSR) and test
    # every requested window; remember the first window that fails, for the summary.
    not_available: dict[Window, int] = {}
    if r.windows:
        a, b = pool.slot_off[rows], pool.slot_off[rows + 1]
        cnt = b - a
        total = int(cnt.sum())
        owner = np.repeat(np.arange(len(rows)), cnt)
        k = np.repeat(a - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
        wd, st, en = pool.slot_wd[k], pool.slot_start[k], pool.slot_end[k]
        ok = np.ones(len(rows), dtype=bool)
        first_fail = np.full(len(rows), -1)
        margin = np.zeros(len(rows))
        for i, w in enumerate(r.windows):
            hit = (wd == w.weekday) & (st <= w.start_s) & (en >= w.end_s)
            covered = np.zeros(len(rows), dtype=bool)
            covered[owner[hit]] = True  # merged slots are disjoint: at most one hit each
            spare = np.zeros(len(rows))
            spare[owner[hit]] = (en[hit] - st[hit]) - w.seconds
            if w.date is not None and w.date.toordinal() in pool.unavailable:
                covered &= ~np.isin(rows, pool.unavailable[w.date.toordinal()])
            first_fail[ok & ~covered] = i
            ok &= covered
            margin += np.where(covered, margin_fraction(spare), 0.0)
        failed = first_fail[~ok]
        for i, c in zip(*np.unique(failed, return_counts=True), strict=True):
            not_available[r.windows[int(i)]] = int(c)
        availability = margin / len(r.windows)
    else:
        ok = np.ones(len(rows), dtype=bool)
        availability = np.ones(len(rows))
    available = int(np.count_nonzero(ok))
    ok &= pool.open_matches[rows] < pool.max_active[rows]
    if count:
        counts[Rejection.NOT_AVAILABLE] = len(rows) - available
        counts[Rejection.CAPACITY] = available - int(np.count_nonzero(ok))
    else:
        not_available = {}
    # The candidates in id order, so that ties resolve by id downstream.
    keep = np.flatnonzero(ok)
    keep = keep[np.argsort(pool.ids[rows[keep]], kind="stable")]
    rows, dist, availability = rows[keep], dist[keep], availability[keep]

    if r.household_key is not None and r.household_key in pool.households:
        helped = np.isin(rows, pool.households[r.household_key])
    else:
        helped = np.zeros(len(rows), dtype=bool)
    if r.languages:
        mask, _ = pool.bits_for("lang", r.languages)
        language_fit = ((pool.lang_bits[rows] & mask) != 0).any(axis=1)
    else:
        language_fit = np.ones(len(rows), dtype=bool)
    recurring = r.is_recurring
    if recurring is None:
        kind = np.ones(len(rows))
    else:
        kind = (pool.wants_recurring if recurring else pool.wants_one_off)[rows]
    if r.target_group is None:
        group = np.ones(len(rows))
    else:
        mask, _ = pool.bits_for("group", [r.target_group])
        chosen = ((pool.group_bits[rows] & mask) != 0).any(axis=1)
        group = np.where(chosen, 1.0, np.where(pool.has_groups[rows], 0.0, 0.5))
    same = (
        pool.neighbourhood[rows] == r.neighbourhood_id
        if r.neighbourhood_id is not None
        else np.zeros(len(rows), dtype=bool)
    )
    parts = parts_from_facts(
        distance_km=dist,
        distance_ref=distance_reference_km(r),
        availability=availability,
        helped=helped,
        language_fit=language_fit,
        kind_fit=kind,
        group_fit=group,
        same_neighbourhood=same,
        open_matches=pool.open_matches[rows],
        max_matches=pool.max_active[rows],
        priority=request_priority(urgency=r.urgency, created_at=r.created_at, burden_high=r.burden_high, now=now),
    )
    return Evaluation(
        request=r,
        radius_km=radius,
        nearby=nearby,
        rows=rows,
        ids=pool.ids[rows],
        distance_km=dist,
        score_units=to_score_int(combine(parts, weights)),
        rejections=counts,
        not_available_by_window=not_available,
    )


def top_order(ev: Evaluation, limit: int | None) -> np.ndarray:
    """Positions in ``ev`` of the best ``limit`` candidates: score descending, then id."""
    n = len(ev.rows)
    if limit is not None and limit < n:
        # Cut at the limit-th best score, keeping every tie at the cut, then sort.
        cut = np.partition(ev.score_units, n - limit)[n - limit]
        pos = np.flatnonzero(ev.score_units >= cut)
    else:
        pos = np.arange(n)
    order = pos[np.lexsort((ev.ids[pos], -ev.score_units[pos]))]
    return order if limit is None else order[:limit]


@dataclass
class SuggestResult:
    """Ranked candidates (score descending, then volunteer id), the number of
    volunteers that fell out per :class:`Rejection` code (non-zero only, checking
    order), and a short summary for the broker (:func:`summary`: reasons as codes)."""

    candidates: list[Candidate]
    rejections: dict[str, int]
    summary: list[Reason]
    nearby: int = 0
    eligible: int = 0
    radius_km: float = 0.0
    not_available_by_window: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "candidates": [c.as_dict() for c in self.candidates],
            "rejections": dict(self.rejections),
            "summary": [dict(line) for line in self.summary],
            "nearby": self.nearby,
            "eligible": self.eligible,
            "radius_km": self.radius_km,
        }


def _hhmm(t: datetime.time) -> str:
    return f"{t:%H:%M}"


def summary(ev: Evaluation) -> list[Reason]:
    """Why others fell out, as codes with parameters (``matches.reasons`` renders them:
    "12 vrijwilligers in de buurt (binnen 5,0 km)", "9 niet beschikbaar op dinsdag",
    "3 passen bij deze vraag")."""
    km = round(float(ev.radius_km), 1)
    if ev.nearby == 0:
        return [{"code": "none_nearby", "km": km}]
    lines: list[Reason] = [{"code": "nearby", "count": int(ev.nearby), "km": km}]
    for code in Rejection:
        count = ev.rejections.get(code, 0)
        if not count or code is Rejection.ORGANISATION:
            continue
        if code is Rejection.NOT_AVAILABLE:
            windows = ev.request.windows
            for window, c in ev.not_available_by_window.items():
                line: Reason = {"code": "not_available_on", "count": int(c), "day": DAYS[window.weekday]}
                if window.date is not None:
                    line["date"] = window.date.isoformat()
                # Two windows on one day: say which one.
                if sum((w.weekday, w.date) == (window.weekday, window.date) for w in windows) > 1:
                    line["time"] = [_hhmm(window.start), _hhmm(window.end)]
                lines.append(line)
        else:
            lines.append({"code": "rejected", "rule": str(code), "count": int(count)})
    eligible = len(ev.rows)
    if eligible == 0:
        lines.append({"code": "none_eligible"})
    else:
        lines.append({"code": "eligible", "count": eligible})
    return lines


def suggest(
    request: RequestData,
    volunteers: VolunteerPool | Sequence[VolunteerData],
    *,
    limit: int = 10,
    weights: Weights | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime,
) -> SuggestResult:
    """The best ``limit`` (1..100) candidates for ``request``, with reasons.

    ``volunteers`` is a prebuilt :class:`VolunteerPool` (keep one per organisation
    in memory: building it is the expensive part) or a list of
    :class:`VolunteerData` (a pool is built on the fly). ``today`` defaults to
    ``now``'s date in Europe/Amsterdam. Raises ``ValueError`` for a bad limit.
    """
    if isinstance(limit, bool) or not isinstance(limit, int | np.integer) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    weights = weights or Weights()
    today = resolve_today(today, now)
    pool = as_pool(volunteers)
    ev = evaluate(request, pool, today=today, now=now, weights=weights, explain=True)
    candidates = [
        candidate_for(
            pool.volunteer(int(ev.rows[i])),
            request,
            distance_km=float(ev.distance_km[i]),
            weights=weights,
            now=now,
            score_units=int(ev.score_units[i]),
        )
        for i in top_order(ev, int(limit))
    ]
    return SuggestResult(
        candidates=candidates,
        rejections={str(code): count for code, count in ev.rejections.items() if count},
        summary=summary(ev),
        nearby=ev.nearby,
        eligible=len(ev.rows),
        radius_km=ev.radius_km,
        not_available_by_window={w.label(): c for w, c in ev.not_available_by_window.items()},
    )
