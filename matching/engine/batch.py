"""Batch assignment: all ready requests at once, optimally, as a min-cost flow.

Objective (DESIGN.md, ``match_batch``), lexicographic:

1. the largest number of matched requests;
2. among those, the largest sum of request priority units
   (:func:`~caregivers.priority.priority_int`: urgency, waiting time, carer burden);
3. then the largest total score units (:func:`~matching.engine.scoring.to_score_int`).

Graph: source -> request (capacity 1) -> volunteer (capacity 1, one arc per candidate
edge) -> sink (capacity = the volunteer's free places). Supply = number of requests
at the source. Arcs only exist for pairs that pass every hard constraint.

Costs and why they give exactly that order
------------------------------------------
For the arc request i -> volunteer j: ``cost = -(BIG * p_i + s_ij)`` with ``p_i >= 0``
the priority units of i, ``s_ij >= 0`` the score units of the pair, and
``BIG = sum over requests i of max_j s_ij + 1``.

* Tier 1 is not in the costs at all: OR-Tools' ``solve_max_flow_with_min_cost``
  first fixes the maximum flow value and then finds the cheapest flow of that value.
  A flow of value F is a set of F matched requests, so F is the maximum matched count.
* Every integral flow of value F has cost ``-(BIG * P + S)`` with P the sum of p_i of
  the matched requests and S the sum of their s_ij. As each request is matched at
  most once, ``0 <= S <= sum_i max_j s_ij < BIG``. Take two such flows A and B with
  ``P_A > P_B``; the P are integers, so ``P_A >= P_B + 1`` and
  ``BIG * P_A + S_A >= BIG * P_B + BIG > BIG * P_B + S_B``: A is cheaper whatever the
  scores. With ``P_A == P_B`` the cost compares S alone. So the cheapest maximum flow
  maximises P first and S second: tiers 2 and 3.
* The min-cost-flow polytope with integer capacities has integral optima, so each
  request gets at most one volunteer and each volunteer at most its free places.

Overflow: OR-Tools refuses (``BAD_COST_RANGE``) when ``max|cost| * (nodes + 1)``
passes int64. With 10k requests (``BIG <= 10^8 + 1``), priority <= 1000 and 10^5
nodes that product is about 10^16, far below 9.2 * 10^18. For bigger graphs the
score units are coarsened by a factor (recorded in ``stats["score_resolution"]``)
until it fits; tiers 1 and 2 stay exact, tier 3 then ranks on coarser scores.

Candidate graph: by default every feasible pair (from
:func:`~matching.engine.edges.candidate_edges`, all requests at once).
``max_edges_per_request=K`` keeps each request's K best-scored candidates (ties:
lower volunteer id) to bound memory on very large pools; the result is then optimal
on that smaller graph. (Since the reduction below, the cap no longer buys speed on
the benchmark data.) The greedy nearest-first pick of every request is always
added to the graph as well (the greedy pass is run alongside, in priority order),
so the batch never matches fewer requests than greedy, and when it matches as many
with the same priority sum its total score is at least greedy's.

Reduction (exact): before the solve, :func:`dominated_edges` leaves out edges that no
optimal assignment needs. Call a volunteer *roomy* when their free places are at
least the number of their edges: they can take every request they are a candidate
for at once, so they never compete. If request i has an edge to a roomy volunteer
u, every optimal assignment gives i a volunteer scoring at least ``s_iu``: were i
unmatched, adding (i, u) would match one more request (u has a place, as (i, u) is
not used); were i given v with ``s_iv < s_iu``, moving i to u would keep the count
and the priority and raise the score. So i's edges scoring below ``s_iu`` can go
without changing the optimum, and every optimum of the smaller graph is one of the
full graph. Leaving edges out lowers other volunteers' edge counts and makes more of
them roomy; the rule is applied again until nothing changes (each round is exact on
its own). On the benchmark data (10,000 requests x 100,000 volunteers) 668,000
candidate edges become about 24,000 and the solve takes a tenth of the time; the
result is still optimal on the full candidate graph. It holds as well for coarsened
scores (moving i to u then changes the coarse score by >= 0, so an optimum that
avoids the left-out edges still exists).

Determinism: requests are numbered by id, volunteers by id, arcs in (request id,
volunteer id) order, so the same input, in any order, builds the same graph and
the solver returns the same flow. Which of several equally good assignments is
returned is the solver's choice on that fixed graph.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

from .edges import CandidateEdges, candidate_edges, proposals_for
from .greedy import greedy_order, greedy_picks, request_priorities, sorted_requests
from .scoring import SCORE_SCALE
from .spatial import VolunteerPool
from .suggest import as_pool, resolve_today
from .types import BatchResult, RequestData, VolunteerData, Weights

__all__ = ["assign", "best_edges", "dominated_edges", "proposals_for", "solve_assignment"]

_INT64_SAFE = 1 << 62


def solve_assignment(
    req_of_edge: np.ndarray,
    vol_of_edge: np.ndarray,
    score_units: np.ndarray,
    priority_units: np.ndarray,
    capacity: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Solve the lexicographic assignment on a given edge list.

    ``req_of_edge`` / ``vol_of_edge``: request and volunteer numbers (0..R-1, 0..V-1)
    per edge, sorted by (request, volunteer) for determinism; ``score_units`` >= 0 per
    edge; ``priority_units`` >= 0 per request; ``capacity`` >= 1 per volunteer.
    Returns a boolean mask of the chosen edges and the score resolution used (1 =
    exact). See the module docstring for the costs.
    """
    n_req, n_vol, n_edges = len(priority_units), len(capacity), len(req_of_edge)
    if n_edges == 0:
        return np.zeros(0, dtype=bool), 1
    source, sink = 0, n_req + n_vol + 1
    nodes = n_req + n_vol + 2
    req_node = 1 + np.arange(n_req, dtype=np.int64)
    vol_node = 1 + n_req + np.arange(n_vol, dtype=np.int64)
    tails = np.concatenate([np.full(n_req, source), req_node[req_of_edge], vol_node]).astype(np.int32)
    heads = np.concatenate([req_node, vol_node[vol_of_edge], np.full(n_vol, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(n_req), np.ones(n_edges), capacity]).astype(np.int64)
    priority_units = np.asarray(priority_units, dtype=np.int64)
    p_max = int(priority_units.max()) if n_req else 0

    resolution = 1
    while True:
        s = np.asarray(score_units, dtype=np.int64) // resolution
        best = np.zeros(n_req, dtype=np.int64)
        np.maximum.at(best, req_of_edge, s)
        big = int(best.sum()) + 1
        max_cost = big * p_max + int(s.max())
        if max_cost * (nodes + 1) < _INT64_SAFE and max_cost * n_req < _INT64_SAFE:
            break
        if big == 1:  # scores already irrelevant; priorities alone overflow
            raise OverflowError("too many requests for exact priority costs")
        resolution *= 2
    costs = np.concatenate(
        [np.zeros(n_req, dtype=np.int64), -(big * priority_units[req_of_edge] + s), np.zeros(n_vol, dtype=np.int64)]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(source, n_req)
    flow.set_node_supply(sink, -n_req)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    edge_arcs = np.arange(n_req, n_req + n_edges)
    return flow.flows(edge_arcs) > 0, resolution


def dominated_edges(
    req_of_edge: np.ndarray, vol_of_edge: np.ndarray, score_units: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Mask of the edges no optimal assignment needs (see "Reduction" in the module
    docstring): repeatedly, a request's edges that score below its best edge to a
    roomy volunteer (free places >= edges). ``vol_of_edge`` numbers index
    ``capacity``; ``score_units`` are the exact (not coarsened) scores."""
    n_edges = len(req_of_edge)
    dropped = np.zeros(n_edges, dtype=bool)
    if n_edges == 0:
        return dropped
    n_req = int(req_of_edge.max()) + 1
    alive = np.arange(n_edges)
    req, vol, score = req_of_edge, vol_of_edge, score_units
    while True:
        roomy = capacity >= np.bincount(vol, minlength=len(capacity))
        best = np.full(n_req, -1, dtype=np.int64)
        at = roomy[vol]
        np.maximum.at(best, req[at], score[at])
        drop = score < best[req]  # no roomy edge: best is -1, nothing drops
        if not drop.any():
            break
        dropped[alive[drop]] = True
        keep = ~drop
        alive, req, vol, score = alive[keep], req[keep], vol[keep], score[keep]
    return dropped


def best_edges(edges: CandidateEdges, k: int) -> np.ndarray:
    """Mask of each request's ``k`` best-scored edges (ties: lower volunteer id), as
    :func:`~matching.engine.suggest.top_order` picks them from one evaluation."""
    request = edges.request_of_edge()
    order = np.lexsort((edges.ids, -edges.score_units, request))
    rank = np.arange(len(order)) - edges.offsets[request[order]]
    keep = np.zeros(len(order), dtype=bool)
    keep[order[rank < k]] = True
    return keep


def assign(
    requests: Iterable[RequestData],
    volunteers: VolunteerPool | Sequence[VolunteerData],
    *,
    weights: Weights | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime,
    max_edges_per_request: int | None = None,
) -> BatchResult:
    """Assign volunteers to ``requests`` optimally (see the module docstring).

    ``volunteers``: a prebuilt :class:`VolunteerPool` or a list of
    :class:`VolunteerData`. ``max_edges_per_request``: None for every feasible pair,
    else K >= 1 best-scored candidates per request (plus the greedy pick).
    ``stats`` also reports the greedy pass on the same input, for comparison.
    """
    if max_edges_per_request is not None and (
        isinstance(max_edges_per_request, bool)
        or not isinstance(max_edges_per_request, int)
        or max_edges_per_request < 1
    ):
        raise ValueError("max_edges_per_request must be None or a whole number >= 1")
    t0 = time.perf_counter()
    weights = weights or Weights()
    today = resolve_today(today, now)
    pool = as_pool(volunteers)
    reqs = sorted_requests(requests)
    priorities = request_priorities(reqs, now)
    number = {r.id: i for i, r in enumerate(reqs)}

    # Every feasible pair of every request, then the greedy pass over them (requests
    # in priority order, each its nearest volunteer with a place left).
    edges = candidate_edges(reqs, pool, today=today, now=now, weights=weights)
    free = np.maximum(pool.max_active - pool.open_matches, 0)
    picks = greedy_picks(edges, [number[r.id] for r in greedy_order(reqs, priorities)], free)
    greedy = np.flatnonzero(picks >= 0)
    if max_edges_per_request is None:
        keep = np.ones(len(edges), dtype=bool)
    else:
        keep = best_edges(edges, max_edges_per_request)
        keep[picks[greedy]] = True
    t1 = time.perf_counter()

    # The graph: the kept edges, in (request number, volunteer id) order, without
    # those no optimum needs.
    graph = np.flatnonzero(keep)
    request_of_edge = edges.request_of_edge()
    reduced = dominated_edges(request_of_edge[graph], edges.rows[graph], edges.score_units[graph], free)
    kept = graph[~reduced]
    req_of_edge = request_of_edge[kept]
    row_of_edge = edges.rows[kept]
    score_of_edge = edges.score_units[kept]
    # Compact numbering, by id, of the requests and volunteers that have edges.
    used_req, req_compact = np.unique(req_of_edge, return_inverse=True)
    _, first_edge, vol_compact = np.unique(edges.ids[kept], return_index=True, return_inverse=True)
    used_rows = row_of_edge[first_edge]
    prio_by_number = np.array([priorities[r.id] for r in reqs], dtype=np.int64)
    chosen, resolution = solve_assignment(
        req_compact, vol_compact, score_of_edge, prio_by_number[used_req], free[used_rows]
    )
    t2 = time.perf_counter()

    proposals = proposals_for(reqs, pool, edges, kept[chosen], now=now)
    matched = {p.request_id for p in proposals}
    score_units = int(score_of_edge[chosen].sum())
    greedy_score = int(edges.score_units[picks[greedy]].sum())
    stats = {
        "method": "min_cost_flow",
        "requests": len(reqs),
        "volunteers": len(pool),
        "requests_with_candidates": len(used_req),
        "volunteers_in_graph": len(np.unique(edges.rows[graph])),
        "solver_volunteers": len(used_rows),
        "feasible_pairs": len(edges),
        "edges": len(graph),
        "solver_edges": len(kept),
        "max_edges_per_request": max_edges_per_request,
        "matched": len(proposals),
        "unmatched": len(reqs) - len(proposals),
        "priority_units": sum(priorities[rid] for rid in matched),
        "score_units": score_units,
        "total_score": score_units / SCORE_SCALE,
        "score_resolution": resolution,
        "greedy_matched": len(greedy),
        "greedy_priority_units": int(prio_by_number[greedy].sum()),
        "greedy_score_units": greedy_score,
        "greedy_total_score": greedy_score / SCORE_SCALE,
    }
    t3 = time.perf_counter()
    return BatchResult(
        proposals=proposals,
        unmatched=[r.id for r in reqs if r.id not in matched],
        stats=stats,
        timings={"candidates_s": t1 - t0, "solve_s": t2 - t1, "proposals_s": t3 - t2, "total_s": t3 - t0},
    )
