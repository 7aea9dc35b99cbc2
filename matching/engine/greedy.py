"""The greedy nearest-first baseline, to compare the optimal batch against.

Requests go in priority order (:func:`caregivers.priority.priority_key`: higher
:func:`~caregivers.priority.request_priority` first, then the one waiting longest, then
the lower id; the broker's queue sorts the same way); each takes the nearest
volunteer who passes every hard constraint and still has a free place (ties: lower
volunteer id). This is what a broker working down a queue does by hand. It can
strand a later request whose only candidate an earlier one took, although that
earlier request had other options: :func:`matching.engine.batch.assign` does not.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence

import numpy as np

from caregivers.priority import priority_int, priority_key, request_priority

from .edges import CandidateEdges, candidate_edges, proposals_for
from .scoring import SCORE_SCALE
from .spatial import VolunteerPool
from .suggest import Evaluation, as_pool, resolve_today
from .types import BatchResult, RequestData, VolunteerData, Weights

__all__ = [
    "greedy_assign",
    "greedy_order",
    "greedy_picks",
    "pick_nearest",
    "request_priorities",
    "sorted_requests",
]


def sorted_requests(requests: Iterable[RequestData]) -> list[RequestData]:
    """Requests by id; duplicate ids are an error."""
    reqs = sorted(requests, key=lambda r: r.id)
    for a, b in zip(reqs, reqs[1:], strict=False):
        if a.id == b.id:
            raise ValueError(f"request id {a.id} appears twice")
    return reqs


def request_priorities(requests: Iterable[RequestData], now: datetime.datetime) -> dict[int, int]:
    """Priority units per request id (what the batch objective sums)."""
    return {
        r.id: priority_int(
            request_priority(urgency=r.urgency, created_at=r.created_at, burden_high=r.burden_high, now=now)
        )
        for r in requests
    }


def greedy_order(requests: Sequence[RequestData], priorities: dict[int, int]) -> list[RequestData]:
    """Highest priority first, then the oldest, then the lowest id (:func:`priority_key`)."""
    return sorted(requests, key=lambda r: priority_key(units=priorities[r.id], created_at=r.created_at, pk=r.id))


def pick_nearest(ev: Evaluation, remaining: np.ndarray) -> int | None:
    """Position in ``ev`` of the nearest candidate with a free place (ties: lowest id)."""
    free = np.flatnonzero(remaining[ev.rows] > 0)
    if len(free) == 0:
        return None
    d = ev.distance_km[free]
    nearest = free[d == d.min()]
    return int(nearest[0])  # evaluations are in id order, so the first is the lowest id


def greedy_picks(edges: CandidateEdges, order: Sequence[int], free: np.ndarray) -> np.ndarray:
    """The greedy pass over precomputed candidate edges: requests (positions in
    ``edges``) in ``order``, each taking its nearest candidate with a free place (ties:
    lowest id), as :func:`pick_nearest` does with one evaluation per request. Returns
    the chosen edge of every request, -1 for none. ``free``: places per pool row."""
    n = len(edges.offsets) - 1
    picks = np.full(n, -1, dtype=np.int64)
    if len(edges) == 0:
        return picks
    # Each request's edges nearest first, then by id: the first with a place is the pick.
    nearest = np.lexsort((edges.ids, edges.distance_km, edges.request_of_edge()))
    rows = edges.rows[nearest].tolist()
    offsets = edges.offsets.tolist()
    remaining = np.asarray(free).tolist()
    for i in order:
        for k in range(offsets[i], offsets[i + 1]):
            row = rows[k]
            if remaining[row] > 0:
                remaining[row] -= 1
                picks[i] = nearest[k]
                break
    return picks


def greedy_assign(
    requests: Iterable[RequestData],
    volunteers: VolunteerPool | Sequence[VolunteerData],
    *,
    weights: Weights | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime,
) -> BatchResult:
    """Assign greedily, nearest first; same result shape and stats as ``assign``."""
    started = time.perf_counter()
    weights = weights or Weights()
    today = resolve_today(today, now)
    pool = as_pool(volunteers)
    reqs = sorted_requests(requests)
    priorities = request_priorities(reqs, now)
    edges = candidate_edges(reqs, pool, today=today, now=now, weights=weights)
    number = {r.id: i for i, r in enumerate(reqs)}
    order = [number[r.id] for r in greedy_order(reqs, priorities)]
    picks = greedy_picks(edges, order, np.maximum(pool.max_active - pool.open_matches, 0))
    chosen = np.flatnonzero(picks >= 0)
    proposals = proposals_for(reqs, pool, edges, picks[chosen], now=now)
    score_units = int(edges.score_units[picks[chosen]].sum())
    matched = [reqs[i].id for i in chosen.tolist()]
    return BatchResult(
        proposals=proposals,
        unmatched=[r.id for r in reqs if picks[number[r.id]] < 0],
        stats={
            "method": "greedy",
            "requests": len(reqs),
            "volunteers": len(pool),
            "matched": len(matched),
            "unmatched": len(reqs) - len(matched),
            "priority_units": sum(priorities[rid] for rid in matched),
            "score_units": score_units,
            "total_score": score_units / SCORE_SCALE,
        },
        timings={"total_s": time.perf_counter() - started},
    )
