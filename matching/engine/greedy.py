"""The greedy nearest-first baseline, to compare the optimal batch against.

Requests go in priority order (higher :func:`~matching.engine.scoring.request_priority`
first, then the one waiting longest, then the lower id); each takes the nearest
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

from .scoring import SCORE_SCALE, candidate_for, priority_int, request_priority
from .spatial import VolunteerPool
from .suggest import Evaluation, as_pool, evaluate, resolve_today
from .types import BatchResult, Proposal, RequestData, VolunteerData, Weights

__all__ = ["greedy_assign", "greedy_order", "pick_nearest", "request_priorities", "sorted_requests"]


def sorted_requests(requests: Iterable[RequestData]) -> list[RequestData]:
    """Requests by id; duplicate ids are an error."""
    reqs = sorted(requests, key=lambda r: r.id)
    for a, b in zip(reqs, reqs[1:], strict=False):
        if a.id == b.id:
            raise ValueError(f"request id {a.id} appears twice")
    return reqs


def request_priorities(requests: Iterable[RequestData], now: datetime.datetime) -> dict[int, int]:
    """Priority units per request id (what the batch objective sums)."""
    return {r.id: priority_int(request_priority(r.urgency, r.created_at, r.burden_high, now)) for r in requests}


def greedy_order(requests: Sequence[RequestData], priorities: dict[int, int]) -> list[RequestData]:
    """Highest priority first, then the oldest, then the lowest id."""
    return sorted(requests, key=lambda r: (-priorities[r.id], r.created_at, r.id))


def pick_nearest(ev: Evaluation, remaining: np.ndarray) -> int | None:
    """Position in ``ev`` of the nearest candidate with a free place (ties: lowest id)."""
    free = np.flatnonzero(remaining[ev.rows] > 0)
    if len(free) == 0:
        return None
    d = ev.distance_km[free]
    nearest = free[d == d.min()]
    return int(nearest[0])  # evaluations are in id order, so the first is the lowest id


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
    remaining = np.maximum(pool.max_active - pool.open_matches, 0)
    chosen: dict[int, tuple[int, float, int]] = {}
    for r in greedy_order(reqs, priorities):
        ev = evaluate(r, pool, today=today, now=now, weights=weights, count=False)
        pos = pick_nearest(ev, remaining)
        if pos is None:
            continue
        row = int(ev.rows[pos])
        remaining[row] -= 1
        chosen[r.id] = (row, float(ev.distance_km[pos]), int(ev.score_units[pos]))
    by_id = {r.id: r for r in reqs}
    proposals = [
        Proposal(
            rid,
            int(pool.ids[row]),
            candidate_for(
                pool.volunteer(row), by_id[rid], distance_km=dist, weights=weights, now=now, score_units=units
            ),
        )
        for rid, (row, dist, units) in sorted(chosen.items())
    ]
    score_units = sum(units for _, _, units in chosen.values())
    return BatchResult(
        proposals=proposals,
        unmatched=[r.id for r in reqs if r.id not in chosen],
        stats={
            "method": "greedy",
            "requests": len(reqs),
            "volunteers": len(pool),
            "matched": len(chosen),
            "unmatched": len(reqs) - len(chosen),
            "priority_units": sum(priorities[rid] for rid in chosen),
            "score_units": score_units,
            "total_score": score_units / SCORE_SCALE,
        },
        timings={"total_s": time.perf_counter() - started},
    )
