"""Candidate edges of many requests at once: the batch path of the hard constraints
and the score.

:func:`matching.engine.suggest.evaluate` judges one request against the volunteers
near it with a few dozen numpy operations; for a batch of 10,000 requests that is
10,000 times the fixed cost of those operations (3.8 s of the 12.7 s batch run in
``benchmarks/README.md``), while the arrays involved hold only a few thousand
volunteers each. :func:`candidate_edges` does the same work over (request,
volunteer) *pairs* of many requests at once:

1. the pairs come from :meth:`~matching.engine.spatial.VolunteerPool.reach_ranges`
   (every request's box per reach bucket, in the group of its rarest skill; no
   Python loop over requests);
2. pairs are judged in chunks of at most ``max_pairs`` (memory stays bounded
   whatever the number of requests): every hard constraint, the exact distance, the
   availability of every requested window, then the score parts;
3. each request's candidates come out in volunteer id order, as CSR arrays.

The result is exactly that of ``evaluate(request, pool, count=False)`` for each
request: the same candidates, the same distances (the same floating-point
operations in the same order) and the same score units. ``tests/matching/engine/
test_edges.py`` checks that, table-driven and on random pools.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from common.geo import EARTH_RADIUS_KM

from .scoring import (
    PART_NAMES,
    candidate_from_parts,
    combine,
    distance_reference_km,
    margin_fraction,
    parts_from_facts,
    request_priority,
    to_score_int,
)
from .spatial import VolunteerPool, half_hour_bits
from .types import Proposal, RequestData, Weights

__all__ = ["DEFAULT_MAX_PAIRS", "CandidateEdges", "candidate_edges"]

# Pairs judged per chunk: about 100 bytes each at the peak, so ~100 MB.
DEFAULT_MAX_PAIRS = 1 << 20
_NO_NEIGHBOURHOOD = -2  # a request without one (the pool uses -1 for volunteers without one)


@dataclass
class CandidateEdges:
    """Every candidate of every request: request ``i`` (position in the requests given)
    has the edges ``offsets[i]:offsets[i + 1]``, in ascending volunteer id. Per edge:
    the pool row, the volunteer id, the distance and the score units, exactly as
    :func:`~matching.engine.suggest.evaluate` gives them."""

    offsets: np.ndarray
    rows: np.ndarray
    ids: np.ndarray
    distance_km: np.ndarray
    score_units: np.ndarray
    _pairs: _Pairs | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rows)

    def request_of_edge(self) -> np.ndarray:
        """The request position of every edge."""
        return np.repeat(np.arange(len(self.offsets) - 1, dtype=np.int64), np.diff(self.offsets))

    def parts(self, edges: np.ndarray) -> dict[str, np.ndarray]:
        """The score parts of the given edges (positions), column-wise: what
        :func:`~matching.engine.scoring.score_pair` gives for each pair."""
        if self._pairs is None:
            raise ValueError("these edges do not know their requests (made by candidate_edges only)")
        edges = np.asarray(edges, dtype=np.int64)
        q = np.searchsorted(self.offsets, edges, side="right") - 1
        v = self.rows[edges]
        availability, _ok = self._pairs.availability(q, v)
        return self._pairs.parts(q, v, self.distance_km[edges], availability)


def _mask(pool: VolunteerPool, kind: str, codes) -> tuple[np.ndarray, bool]:
    return pool.bits_for(kind, codes)


class _Requests:
    """The requests as columns (one row per request), with what the pairs need."""

    def __init__(self, requests: Sequence[RequestData], pool: VolunteerPool, today: datetime.date, now) -> None:
        n = len(requests)
        self.n = n
        self.lat = np.fromiter((r.point.lat for r in requests), dtype=np.float64, count=n)
        self.lon = np.fromiter((r.point.lon for r in requests), dtype=np.float64, count=n)
        # What the one-request path computes with math.* on the request's point.
        lat1 = [math.radians(r.point.lat) for r in requests]
        self.lat1 = np.asarray(lat1, dtype=np.float64)
        self.cos_lat1 = np.asarray([math.cos(x) for x in lat1], dtype=np.float64)
        self.radius = np.fromiter(
            (
                pool.max_radius_km if r.max_distance_km is None else min(r.max_distance_km, pool.max_radius_km)
                for r in requests
            ),
            dtype=np.float64,
            count=n,
        )
        self.max_km = np.fromiter(
            (math.inf if r.max_distance_km is None else r.max_distance_km for r in requests), dtype=np.float64, count=n
        )
        self.organisation = np.fromiter((r.organisation_id for r in requests), dtype=np.int64, count=n)
        self.shared = [(i, r.shared_organisation_ids) for i, r in enumerate(requests) if r.shared_organisation_ids]
        self.first_day = np.fromiter((r.first_day(today).toordinal() for r in requests), dtype=np.int64, count=n)
        self.needs_vog = np.fromiter((r.needs_vog for r in requests), dtype=bool, count=n)
        self.last_day = np.fromiter((r.last_day(today).toordinal() for r in requests), dtype=np.int64, count=n)
        self.excluded = [(i, r.excluded_volunteer_ids) for i, r in enumerate(requests) if r.excluded_volunteer_ids]

        # Skills: the full mask (checked on every pair) and the rarest skill (the index group).
        skill_count = [0] * len(pool.skill_vocab)
        for j in range(len(pool.skill_vocab)):
            word = pool.skill_bits[:, j >> 6]
            skill_count[j] = int(np.count_nonzero((word >> np.uint64(j & 63)) & np.uint64(1)))
        words = pool.skill_bits.shape[1]
        self.skill_mask = np.zeros((n, words), dtype=np.uint64)
        self.skill = np.full(n, -1, dtype=np.int64)
        for i, r in enumerate(requests):
            if not r.required_skills:
                continue
            mask, known = _mask(pool, "skill", r.required_skills)
            if not known:  # a skill nobody in the pool has: no candidates
                self.skill[i] = -2
                continue
            self.skill_mask[i] = mask
            bits = [pool._skill_bit[c] for c in r.required_skills]
            self.skill[i] = min(bits, key=lambda j: (skill_count[j], j))
        self.any_skills = bool((self.skill >= 0).any())

        # Windows, padded to the most windows of any request.
        most = max((len(r.windows) for r in requests), default=0)
        self.n_windows = np.fromiter((len(r.windows) for r in requests), dtype=np.int64, count=n)
        shape = (n, max(most, 1))
        self.w_day = np.zeros(shape, dtype=np.int64)
        self.w_start = np.zeros(shape, dtype=np.int64)
        self.w_end = np.zeros(shape, dtype=np.int64)
        self.w_seconds = np.zeros(shape, dtype=np.int64)
        self.w_date = np.full(shape, -1, dtype=np.int64)
        for i, r in enumerate(requests):
            for k, w in enumerate(r.windows):
                self.w_day[i, k] = w.weekday
                self.w_start[i, k] = w.start_s
                self.w_end[i, k] = w.end_s
                self.w_seconds[i, k] = w.seconds
                if w.date is not None:
                    self.w_date[i, k] = w.date.toordinal()
        self.most_windows = most
        self.w_bits = half_hour_bits(self.w_start, np.maximum(self.w_end, self.w_start + 1))
        # Column-wise copies: a pair gathers from one contiguous column per window.
        self.w_cols = [
            (self.w_day[:, k].copy(), self.w_bits[:, k].copy(), self.w_start[:, k].copy(), self.w_end[:, k].copy())
            for k in range(most)
        ]

        # Score facts of the request side.
        household_number = {key: h for h, key in enumerate(pool.households)}
        self.household = np.fromiter(
            (household_number.get(r.household_key, -1) if r.household_key is not None else -1 for r in requests),
            dtype=np.int64,
            count=n,
        )
        lang_words = pool.lang_bits.shape[1]
        self.lang_mask = np.zeros((n, lang_words), dtype=np.uint64)
        self.has_languages = np.fromiter((bool(r.languages) for r in requests), dtype=bool, count=n)
        for i, r in enumerate(requests):
            if r.languages:
                self.lang_mask[i] = _mask(pool, "lang", r.languages)[0]
        # recurring: 1 = weekly, 0 = one-off, -1 = no time given
        self.recurring = np.fromiter(
            (-1 if r.is_recurring is None else int(r.is_recurring) for r in requests), dtype=np.int64, count=n
        )
        group_words = pool.group_bits.shape[1]
        self.group_mask = np.zeros((n, group_words), dtype=np.uint64)
        self.has_group = np.fromiter((r.target_group is not None for r in requests), dtype=bool, count=n)
        for i, r in enumerate(requests):
            if r.target_group is not None:
                self.group_mask[i] = _mask(pool, "group", [r.target_group])[0]
        self.neighbourhood = np.fromiter(
            (_NO_NEIGHBOURHOOD if r.neighbourhood_id is None else r.neighbourhood_id for r in requests),
            dtype=np.int64,
            count=n,
        )
        self.distance_ref = np.fromiter((distance_reference_km(r) for r in requests), dtype=np.float64, count=n)
        self.priority = np.fromiter(
            (
                request_priority(urgency=r.urgency, created_at=r.created_at, burden_high=r.burden_high, now=now)
                for r in requests
            ),
            dtype=np.float64,
            count=n,
        )


def _pair_keys(pairs: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """Sorted ``(first << 32) | second`` keys of (int, array of ints) pairs."""
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    keys = [(np.int64(a) << np.int64(32)) | np.asarray(b, dtype=np.int64) for a, b in pairs]
    return np.unique(np.concatenate(keys))


def _bits_all(bits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per pair: every bit of ``mask`` is set in ``bits`` (both (pairs, words))."""
    if bits.shape[1] == 1:
        return (bits[:, 0] & mask[:, 0]) == mask[:, 0]
    return ((bits & mask) == mask).all(axis=1)


def _bits_any(bits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if bits.shape[1] == 1:
        return (bits[:, 0] & mask[:, 0]) != 0
    return ((bits & mask) != 0).any(axis=1)


class _Pairs:
    """The static look-ups of the pool that every chunk needs."""

    def __init__(self, pool: VolunteerPool, req: _Requests, weights: Weights) -> None:
        self.pool = pool
        self.req = req
        self.weights = weights
        self.usable = pool.active & (pool.open_matches < pool.max_active)
        self.excluded = _pair_keys([(i, pool.rows_of(ids)) for i, ids in req.excluded])
        self.shared = _pair_keys([(i, np.fromiter(orgs, dtype=np.int64)) for i, orgs in req.shared])
        self.unavailable = _pair_keys(list(pool.unavailable.items()))
        self.helped = _pair_keys([(h, rows) for h, rows in enumerate(pool.households.values())])
        self.days = pool.day_slots() if req.most_windows else None

    def judge(self, q: np.ndarray, v: np.ndarray):
        """Keep the (request, row) pairs that pass every hard constraint; return them
        with their distance and score units. Cheap and selective checks first: the
        outcome does not depend on the order, the work does."""
        pool, req = self.pool, self.req
        ok = self.usable[v]
        ok &= pool.paused_ord[v] < req.first_day[q]
        ok &= ~req.needs_vog[q] | (pool.vog_ord[v] >= req.last_day[q])
        if self.days is not None:
            # Necessary for availability: each window's half hours are touched that day.
            n_windows = req.n_windows[q]
            for k, (day, bits, _start, _end) in enumerate(req.w_cols):
                touched = self.days.touched[v * 7 + day[q]]
                ok &= (n_windows <= k) | ((bits[q] & ~touched) == 0)
        q, v = q[ok], v[ok]
        org = pool.organisation_id[v]
        ok = org == req.organisation[q]
        if len(self.shared):
            ok |= np.isin((q << 32) | org, self.shared)
        if len(self.excluded):
            ok &= ~np.isin((q << 32) | v, self.excluded)
        if req.any_skills:
            ok &= _bits_all(pool.skill_bits[v], req.skill_mask[q])
        q, v = q[ok], v[ok]

        # Distance, operation for operation VolunteerPool.distances().
        dlat = pool.lat_rad[v] - req.lat1[q]
        dlon = np.radians(pool.lon[v] - req.lon[q])
        h = np.sin(dlat / 2) ** 2 + req.cos_lat1[q] * pool.cos_lat[v] * np.sin(dlon / 2) ** 2
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        ok = (dist <= pool.max_km[v]) & (dist <= req.max_km[q])
        q, v, dist = q[ok], v[ok], dist[ok]

        availability, ok = self.availability(q, v)
        q, v, dist, availability = q[ok], v[ok], dist[ok], availability[ok]
        units = to_score_int(combine(self.parts(q, v, dist, availability), self.weights))
        return q, v, dist, units

    def availability(self, q: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The availability part of each pair and whether every window is covered
        (in window order, as ``evaluate`` sums the margins)."""
        n_windows = self.req.n_windows[q]
        ok = np.ones(len(q), dtype=bool)
        margin = np.zeros(len(q))
        for k in range(self.req.most_windows):
            at = np.flatnonzero(n_windows > k)
            covered, spare = self._window(q[at], v[at], k)
            ok[at] &= covered
            margin[at] += np.where(covered, margin_fraction(spare), 0.0)
        return np.where(n_windows > 0, margin / np.maximum(n_windows, 1), 1.0), ok

    def _window(self, q: np.ndarray, v: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Whether window ``k`` of each pair's request is covered, and the spare seconds."""
        pool, req = self.pool, self.req
        covered = np.zeros(len(q), dtype=bool)
        spare = np.zeros(len(q), dtype=np.int64)
        if self.days is None or len(pool.slot_start) == 0 or len(q) == 0:
            return covered, spare
        day, _bits, start, end = req.w_cols[k]
        start, end = start[q], end[q]
        at = v * 7 + day[q]
        first = self.days.offsets[at]
        count = self.days.offsets[at + 1] - first
        todo = np.flatnonzero(count > 0)
        for j in range(self.days.most):
            if j:
                todo = todo[count[todo] > j]
            pos = first[todo] + j
            s, e = pool.slot_start[pos], pool.slot_end[pos]
            hit = (s <= start[todo]) & (e >= end[todo])
            found = todo[hit]
            covered[found] = True
            spare[found] = (e[hit] - s[hit]).astype(np.int64) - (end[found] - start[found])
        if len(self.unavailable):
            dated = req.w_date[q, k]
            off = (dated >= 0) & np.isin((dated << 32) | v, self.unavailable)
            covered &= ~off
        return covered, spare

    def parts(self, q: np.ndarray, v: np.ndarray, dist: np.ndarray, availability: np.ndarray) -> dict:
        """The score parts of feasible pairs (the formula of ``parts_from_facts``)."""
        pool, req = self.pool, self.req
        if len(self.helped):
            hh = req.household[q]
            helped = (hh >= 0) & np.isin((hh << 32) | v, self.helped)
        else:
            helped = np.zeros(len(q), dtype=bool)
        language_fit = ~req.has_languages[q] | _bits_any(pool.lang_bits[v], req.lang_mask[q])
        recurring = req.recurring[q]
        kind = np.where(recurring < 0, True, np.where(recurring == 1, pool.wants_recurring[v], pool.wants_one_off[v]))
        chosen = _bits_any(pool.group_bits[v], req.group_mask[q])
        group = np.where(~req.has_group[q] | chosen, 1.0, np.where(pool.has_groups[v], 0.0, 0.5))
        return parts_from_facts(
            distance_km=dist,
            distance_ref=req.distance_ref[q],
            availability=availability,
            helped=helped,
            language_fit=language_fit,
            kind_fit=kind,
            group_fit=group,
            same_neighbourhood=pool.neighbourhood[v] == req.neighbourhood[q],
            open_matches=pool.open_matches[v],
            max_matches=pool.max_active[v],
            priority=req.priority[q],
        )


def _chunks(query: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_requests: int, max_pairs: int):
    """Split the ranges (sorted by request) into runs of whole requests with at most
    ``max_pairs`` pairs (a single bigger request is a run of its own)."""
    per_request = np.bincount(query, weights=hi - lo, minlength=n_requests).astype(np.int64)
    ends = np.cumsum(per_request)
    range_start = np.searchsorted(query, np.arange(n_requests + 1), side="left")
    first, done = 0, 0
    while first < n_requests:
        last = int(np.searchsorted(ends, done + max_pairs, side="right"))
        last = max(last, first + 1)
        a, b = range_start[first], range_start[last]
        if b > a:
            yield lo[a:b], hi[a:b], query[a:b]
        done = int(ends[last - 1])
        first = last


def candidate_edges(
    requests: Sequence[RequestData],
    pool: VolunteerPool,
    *,
    today: datetime.date,
    now: datetime.datetime,
    weights: Weights,
    max_pairs: int = DEFAULT_MAX_PAIRS,
) -> CandidateEdges:
    """Every candidate of every request (see the module docstring), in the order of
    ``requests``. ``max_pairs`` bounds the (request, volunteer) pairs held at once."""
    if max_pairs < 1:
        raise ValueError("max_pairs must be >= 1")
    req = _Requests(requests, pool, today, now)
    pairs = _Pairs(pool, req, weights)
    index = pool.reach_index()
    query, lo, hi = pool.reach_ranges(req.lat, req.lon, req.radius, req.skill)
    parts: list[tuple[np.ndarray, ...]] = []
    for c_lo, c_hi, c_query in _chunks(query, lo, hi, req.n, max_pairs):
        length = c_hi - c_lo
        total = int(length.sum())
        at = np.repeat(c_lo - (np.cumsum(length) - length), length) + np.arange(total)
        q, v, dist, units = pairs.judge(np.repeat(c_query, length), index.rows[at])
        order = np.lexsort((pool.ids[v], q))
        parts.append((q[order], v[order], dist[order], units[order]))
    if parts:
        q = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts])
        dist = np.concatenate([p[2] for p in parts])
        units = np.concatenate([p[3] for p in parts])
    else:
        q = rows = units = np.zeros(0, dtype=np.int64)
        dist = np.zeros(0)
    offsets = np.zeros(req.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(q, minlength=req.n), out=offsets[1:])
    return CandidateEdges(
        offsets=offsets, rows=rows, ids=pool.ids[rows], distance_km=dist, score_units=units, _pairs=pairs
    )


def proposals_for(
    reqs: Sequence[RequestData],
    pool: VolunteerPool,
    edges: CandidateEdges,
    chosen: np.ndarray,
    *,
    now: datetime.datetime,
) -> list[Proposal]:
    """A :class:`Proposal` with parts and reasons for each chosen edge (positions in
    ``edges``, whose requests are ``reqs`` in that order), in edge order. The parts of
    all of them come from one column-wise pass; only the reasons are per pair."""
    chosen = np.asarray(chosen, dtype=np.int64)
    if len(chosen) == 0:
        return []
    parts = {name: values.tolist() for name, values in edges.parts(chosen).items()}
    request = (np.searchsorted(edges.offsets, chosen, side="right") - 1).tolist()
    volunteers = pool.volunteers(edges.rows[chosen])
    distance = edges.distance_km[chosen].tolist()
    units = edges.score_units[chosen].tolist()
    proposals = []
    for i, (q, v) in enumerate(zip(request, volunteers, strict=True)):
        r = reqs[q]
        pair_parts = {name: parts[name][i] for name in PART_NAMES}
        candidate = candidate_from_parts(v, r, distance_km=distance[i], parts=pair_parts, score_units=units[i], now=now)
        proposals.append(Proposal(r.id, v.id, candidate))
    return proposals
