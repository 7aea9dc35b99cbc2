"""Batch assignment: optimal against brute force, deterministic, never behind greedy."""

import datetime as dt
import itertools
import math
import random
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.geo import EARTH_RADIUS_KM, Point, haversine_km
from common.slots import parse_slot, parse_slots
from matching.engine import RequestData, VolunteerData, VolunteerPool, Weights, assign, greedy_assign
from matching.engine.batch import dominated_edges, solve_assignment
from matching.engine.constraints import first_rejection
from matching.engine.greedy import request_priorities
from matching.engine.scoring import score_pair

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)
TODAY = NOW.date()
HOME = Point(51.98, 5.91)


def north(km: float) -> Point:
    return Point(HOME.lat + math.degrees(km / EARTH_RADIUS_KM), HOME.lon)


def vol(id, km, **kw) -> VolunteerData:
    base = {
        "id": id,
        "organisation_id": 1,
        "point": north(km),
        "max_distance_km": 10.0,
        "slots": parse_slots("tue 09:00-18:00"),
    }
    base.update(kw)
    return VolunteerData(**base)


def req(id, km, **kw) -> RequestData:
    base = {
        "id": id,
        "organisation_id": 1,
        "point": north(km),
        "created_at": NOW - dt.timedelta(days=2),
        "weekly_slots": parse_slots("tue 13:00-17:00"),
    }
    base.update(kw)
    return RequestData(**base)


# --- Brute force -------------------------------------------------------------------


def brute_force(requests, volunteers, weights=None):
    """(matched, priority units, score units) of the best assignment, by enumeration."""
    weights = weights or Weights()
    priorities = request_priorities(requests, NOW)
    options = []
    for r in requests:
        edges = [None]
        for v in volunteers:
            d = haversine_km(v.point, r.point)
            if first_rejection(v, r, today=TODAY, distance_km=d) is None:
                edges.append((v.id, score_pair(v, r, distance_km=d, weights=weights, now=NOW)[0]))
        options.append(edges)
    free = {v.id: v.free_capacity for v in volunteers}
    best = (0, 0, 0)
    for combo in itertools.product(*options):
        used: dict[int, int] = {}
        for edge in combo:
            if edge is not None:
                used[edge[0]] = used.get(edge[0], 0) + 1
        if any(n > free[vid] for vid, n in used.items()):
            continue
        matched = [(r, e) for r, e in zip(requests, combo, strict=True) if e is not None]
        value = (len(matched), sum(priorities[r.id] for r, _ in matched), sum(e[1] for _, e in matched))
        best = max(best, value)
    return best


def check_valid(result, requests, volunteers):
    """Every proposal passes the hard constraints; capacities and one-per-request hold."""
    by_id = {v.id: v for v in volunteers}
    reqs = {r.id: r for r in requests}
    assert len({p.request_id for p in result.proposals}) == len(result.proposals)
    load: dict[int, int] = {}
    for p in result.proposals:
        v, r = by_id[p.volunteer_id], reqs[p.request_id]
        assert first_rejection(v, r, today=TODAY) is None
        assert p.candidate.volunteer_id == v.id
        load[v.id] = load.get(v.id, 0) + 1
    assert all(n <= by_id[vid].free_capacity for vid, n in load.items())
    assert sorted(result.unmatched + [p.request_id for p in result.proposals]) == sorted(reqs)
    assert result.stats["matched"] == len(result.proposals)


# --- Random small instances ------------------------------------------------------------

AVAILABILITY = ["tue 09:00-18:00", "tue 13:00-17:00", "tue 14:00-16:00", "thu 09:00-12:00", "tue 09:00-12:00"]
REQUEST_SLOTS = ["tue 13:00-17:00", "tue 14:00-16:00", "thu 10:00-11:00"]


@st.composite
def instances(draw, max_requests=5, max_volunteers=4):
    n_vol = draw(st.integers(1, max_volunteers))
    n_req = draw(st.integers(1, max_requests))
    vol_ids = draw(st.lists(st.integers(1, 60), min_size=n_vol, max_size=n_vol, unique=True))
    req_ids = draw(st.lists(st.integers(1, 60), min_size=n_req, max_size=n_req, unique=True))
    volunteers = []
    for vid in vol_ids:
        cap = draw(st.integers(1, 2))
        volunteers.append(
            vol(
                vid,
                draw(st.floats(-3, 3)),
                max_distance_km=draw(st.sampled_from([1.5, 3.0, 6.0])),
                max_active_matches=cap,
                open_matches=draw(st.sampled_from([0, 0, 0, 1])) if cap == 2 else 0,
                skills=draw(st.frozensets(st.sampled_from(["a", "b"]))),
                slots=tuple(
                    parse_slot(t) for t in draw(st.lists(st.sampled_from(AVAILABILITY), min_size=1, max_size=2))
                ),
                languages=draw(st.frozensets(st.sampled_from(["nl", "tr"]), min_size=1)),
                households_helped=draw(st.frozensets(st.sampled_from(["h1", "h2"]), max_size=1)),
                neighbourhood_id=draw(st.sampled_from([None, 1, 2])),
            )
        )
    requests = []
    for rid in req_ids:
        requests.append(
            req(
                rid,
                draw(st.floats(-3, 3)),
                max_distance_km=draw(st.sampled_from([None, 2.0, 4.0])),
                created_at=NOW - dt.timedelta(days=draw(st.integers(0, 60))),
                urgency=draw(st.sampled_from(["low", "normal", "high"])),
                burden_high=draw(st.booleans()),
                required_skills=draw(st.frozensets(st.sampled_from(["a", "b"]), max_size=1)),
                weekly_slots=parse_slots(draw(st.sampled_from(REQUEST_SLOTS))),
                languages=draw(st.frozensets(st.sampled_from(["nl", "tr"]), max_size=1)),
                household_key=draw(st.sampled_from([None, "h1", "h2"])),
                neighbourhood_id=draw(st.sampled_from([None, 1])),
                excluded_volunteer_ids=draw(st.frozensets(st.sampled_from(vol_ids), max_size=1)),
            )
        )
    return requests, volunteers


@settings(max_examples=100, deadline=None, database=None)
@given(instances())
def test_assign_equals_the_brute_force_optimum(instance):
    requests, volunteers = instance
    result = assign(requests, volunteers, now=NOW, today=TODAY)
    check_valid(result, requests, volunteers)
    matched, priority, score = brute_force(requests, volunteers)
    assert result.stats["matched"] == matched
    assert result.stats["priority_units"] == priority
    # Scores agree to the unit; one unit per pair may differ by float rounding of the distance.
    assert abs(result.stats["score_units"] - score) <= matched
    assert result.stats["score_resolution"] == 1


@settings(max_examples=100, deadline=None, database=None)
@given(instances(max_requests=6, max_volunteers=5), st.integers(0, 2**32 - 1), st.sampled_from([None, 1, 2]))
def test_deterministic_in_any_input_order_and_never_behind_greedy(instance, seed, k):
    requests, volunteers = instance
    first = assign(requests, volunteers, now=NOW, today=TODAY, max_edges_per_request=k)
    rng = random.Random(seed)
    shuffled_r, shuffled_v = requests[:], volunteers[:]
    rng.shuffle(shuffled_r)
    rng.shuffle(shuffled_v)
    again = assign(shuffled_r, shuffled_v, now=NOW, today=TODAY, max_edges_per_request=k)
    assert again == first
    assert assign(requests, VolunteerPool.from_volunteers(shuffled_v), now=NOW, max_edges_per_request=k) == first

    greedy = greedy_assign(shuffled_r, shuffled_v, now=NOW, today=TODAY)
    check_valid(greedy, requests, volunteers)
    assert greedy == greedy_assign(requests, volunteers, now=NOW, today=TODAY)
    assert first.stats["greedy_matched"] == greedy.stats["matched"]
    assert first.stats["greedy_score_units"] == greedy.stats["score_units"]
    assert first.stats["matched"] >= greedy.stats["matched"]
    if (first.stats["matched"], first.stats["priority_units"]) == (
        greedy.stats["matched"],
        greedy.stats["priority_units"],
    ):
        assert first.stats["score_units"] >= greedy.stats["score_units"]
    else:
        assert (first.stats["matched"], first.stats["priority_units"]) > (
            greedy.stats["matched"],
            greedy.stats["priority_units"],
        )


def test_tight_supply_greedy_strands_a_request_and_the_flow_does_not():
    # The urgent request 1 can use Vera (0.5 km) or Wim (2 km); request 2 only Vera.
    # Greedy gives request 1 its nearest, Vera, and request 2 gets nobody.
    vera, wim = vol(1, 0.5), vol(2, -2.0)
    r1 = req(1, 0.0, urgency="high", max_distance_km=5.0)
    r2 = req(2, 1.0, urgency="low", max_distance_km=1.0)
    greedy = greedy_assign([r1, r2], [vera, wim], now=NOW)
    assert [(p.request_id, p.volunteer_id) for p in greedy.proposals] == [(1, 1)]
    assert greedy.unmatched == [2]
    best = assign([r1, r2], [vera, wim], now=NOW)
    assert [(p.request_id, p.volunteer_id) for p in best.proposals] == [(1, 2), (2, 1)]
    assert best.unmatched == []
    assert best.stats["matched"] == 2 and best.stats["greedy_matched"] == 1


def test_more_matches_beat_priority_and_priority_beats_score():
    # One volunteer, two requests: the urgent one wins although the other scores higher.
    v = vol(1, 0.0, households_helped={"hh"})
    urgent = req(1, 3.0, urgency="high")
    familiar = req(2, 0.0, urgency="low", household_key="hh")
    result = assign([urgent, familiar], [v], now=NOW)
    assert [(p.request_id, p.volunteer_id) for p in result.proposals] == [(1, 1)]
    # Add a volunteer only the urgent request can use: now both are matched, which
    # beats giving the urgent request the nearer volunteer.
    far = vol(2, 6.0, max_distance_km=4.0)
    result = assign([urgent, familiar], [v, far], now=NOW)
    assert sorted((p.request_id, p.volunteer_id) for p in result.proposals) == [(1, 2), (2, 1)]


def test_capacity_two_serves_two_and_open_matches_count():
    busy = vol(1, 0.0, max_active_matches=3, open_matches=1)
    requests = [req(i, 0.1 * i) for i in range(1, 5)]
    result = assign(requests, [busy], now=NOW)
    assert len(result.proposals) == 2 and len(result.unmatched) == 2
    assert result.stats["priority_units"] == sum(sorted(request_priorities(requests, NOW).values())[-2:])


def test_max_edges_per_request_bounds_the_graph_but_keeps_the_greedy_pick():
    volunteers = [vol(i, 0.2 * i) for i in range(1, 21)]
    requests = [req(100 + i, 0.0) for i in range(5)]
    full = assign(requests, volunteers, now=NOW)
    bounded = assign(requests, volunteers, now=NOW, max_edges_per_request=2)
    assert full.stats["edges"] == 100
    assert bounded.stats["edges"] <= 5 * 3
    assert bounded.stats["matched"] == full.stats["matched"] == 5
    with pytest.raises(ValueError):
        assign(requests, volunteers, now=NOW, max_edges_per_request=0)
    with pytest.raises(ValueError):
        assign(requests + [requests[0]], volunteers, now=NOW)  # duplicate id


def test_empty_inputs():
    assert assign([], [vol(1, 0)], now=NOW).proposals == []
    result = assign([req(1, 0.0)], [], now=NOW)
    assert result.proposals == [] and result.unmatched == [1]


def test_result_has_the_match_batch_json_shape():
    result = assign([req(1, 0.0), req(2, 9.0, max_distance_km=1.0)], [vol(7, 1.0)], now=NOW)
    data = result.as_dict(organisation="org-a", request_key={1: "R-001", 2: "R-002"}, volunteer_key={7: "V-7"})
    assert data["organisation"] == "org-a"
    assert data["unmatched"] == ["R-002"]
    (proposal,) = data["proposals"]
    assert proposal["request"] == "R-001" and proposal["volunteer"] == "V-7"
    assert set(proposal) == {"request", "volunteer", "score", "distance_km", "reasons"}
    assert proposal["reasons"][0] == {"code": "distance", "km": 1.0}
    assert data["stats"]["matched"] == 1


def test_huge_priorities_coarsen_scores_but_keep_the_first_two_tiers_exact():
    # Two requests, two volunteers, request 0 can use both, request 1 only volunteer 0.
    req_of_edge = np.array([0, 0, 1])
    vol_of_edge = np.array([0, 1, 0])
    scores = np.array([10_000, 0, 10_000])
    priorities = np.array([10**17, 3 * 10**17])
    chosen, resolution = solve_assignment(req_of_edge, vol_of_edge, scores, priorities, np.array([1, 1]))
    assert resolution > 1
    assert chosen.tolist() == [False, True, True]


# --- The exact reduction of the graph ----------------------------------------------------


def objective(req_of_edge, vol_of_edge, scores, priorities, capacity, chosen):
    """(matched, priority units, score units) of a solution, checking it is feasible."""
    assert np.bincount(req_of_edge[chosen], minlength=len(priorities)).max(initial=0) <= 1
    assert (np.bincount(vol_of_edge[chosen], minlength=len(capacity)) <= capacity).all()
    return int(chosen.sum()), int(priorities[req_of_edge[chosen]].sum()), int(scores[chosen].sum())


@st.composite
def graphs(draw):
    n_req, n_vol = draw(st.integers(1, 14)), draw(st.integers(1, 10))
    pairs = draw(st.lists(st.tuples(st.integers(0, n_req - 1), st.integers(0, n_vol - 1)), max_size=60, unique=True))
    pairs.sort()
    req_of_edge = np.array([p[0] for p in pairs], dtype=np.int64)
    vol_of_edge = np.array([p[1] for p in pairs], dtype=np.int64)
    # Few distinct values: ties in scores and priorities are where mistakes hide.
    scores = np.array(draw(st.lists(st.sampled_from([0, 1, 2, 5, 9]), min_size=len(pairs), max_size=len(pairs))))
    priorities = np.array(draw(st.lists(st.sampled_from([0, 3, 7]), min_size=n_req, max_size=n_req)))
    capacity = np.array(draw(st.lists(st.integers(1, 3), min_size=n_vol, max_size=n_vol)))
    return req_of_edge, vol_of_edge, scores.astype(np.int64), priorities.astype(np.int64), capacity


@settings(max_examples=300, deadline=None, database=None)
@given(graphs())
def test_leaving_out_dominated_edges_keeps_the_optimum(graph):
    req_of_edge, vol_of_edge, scores, priorities, capacity = graph
    full, _ = solve_assignment(req_of_edge, vol_of_edge, scores, priorities, capacity)
    dropped = dominated_edges(req_of_edge, vol_of_edge, scores, capacity)
    keep = ~dropped
    small, _ = solve_assignment(req_of_edge[keep], vol_of_edge[keep], scores[keep], priorities, capacity)
    best = objective(req_of_edge, vol_of_edge, scores, priorities, capacity, full)
    assert objective(req_of_edge[keep], vol_of_edge[keep], scores[keep], priorities, capacity, small) == best
    # Every request keeps its best-scored edge (so BIG and the candidates count stay).
    for i in np.unique(req_of_edge):
        mine = req_of_edge == i
        assert scores[mine & keep].max() == scores[mine].max()


def test_dominated_edges_by_hand():
    # Vera (capacity 2) is a candidate for r0 and r1 only: roomy. r0 scores her 6, so
    # r0's edge to Wim (score 5) can go, not its edge to Xavi (score 7). Wim, now a
    # candidate of r1 alone, becomes roomy in the next round: r1's edge to Vera
    # (score 3 < Wim's 4) goes too.
    vera, wim, xavi = 0, 1, 2
    req_of_edge = np.array([0, 0, 0, 1, 1, 2])
    vol_of_edge = np.array([vera, wim, xavi, vera, wim, xavi])
    scores = np.array([6, 5, 7, 3, 4, 1])
    capacity = np.array([2, 1, 1])
    assert dominated_edges(req_of_edge, vol_of_edge, scores, capacity).tolist() == [0, 1, 0, 1, 0, 0]
    assert dominated_edges(req_of_edge[:0], vol_of_edge[:0], scores[:0], capacity).tolist() == []
    # Nobody roomy: nothing goes.
    assert not dominated_edges(req_of_edge, vol_of_edge, scores, np.array([1, 1, 1])).any()


def test_assign_reports_the_graph_and_what_was_solved():
    volunteers = [vol(i, 0.2 * i, max_active_matches=4) for i in range(1, 11)]  # 4 requests: roomy
    requests = [req(100 + i, 0.1 * i) for i in range(4)]
    result = assign(requests, volunteers, now=NOW)
    assert result.stats["edges"] == result.stats["feasible_pairs"] == 40
    assert result.stats["solver_edges"] < result.stats["edges"]
    assert result.stats["volunteers_in_graph"] == 10
    assert result.stats["matched"] == 4
