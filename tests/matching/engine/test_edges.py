"""Candidate edges of many requests at once (the batch path) against one evaluation per
request (the suggestion path): the same candidates, distances, score units and parts,
table-driven for every rule and on random pools; plus the reach index, the half-hour
bit sets, the greedy pass and the top-K cut over precomputed edges."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.geo import EARTH_RADIUS_KM, Point
from common.slots import Slot, parse_slot, parse_slots
from matching.engine import DateWindow, RequestData, VolunteerData, VolunteerPool, Weights
from matching.engine.batch import best_edges
from matching.engine.edges import candidate_edges
from matching.engine.greedy import greedy_order, greedy_picks, pick_nearest, request_priorities
from matching.engine.scoring import PART_NAMES, score_pair
from matching.engine.spatial import REACH_BUCKETS_KM, half_hour_bits
from matching.engine.suggest import evaluate, top_order

AMS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)  # a Tuesday
TODAY = NOW.date()
HOME = Point(51.98, 5.91)
WEIGHTS = Weights()


def north(km: float) -> Point:
    return Point(HOME.lat + math.degrees(km / EARTH_RADIUS_KM), HOME.lon)


def vol(id, km=1.0, **kw) -> VolunteerData:
    base = {
        "id": id,
        "organisation_id": 1,
        "point": north(km),
        "max_distance_km": 10.0,
        "slots": "tue 12:00-18:00",
        "skills": {"shopping"},
        "vog_valid_until": TODAY + dt.timedelta(days=30),
    }
    base.update(kw)
    if isinstance(base["slots"], str):
        base["slots"] = tuple(parse_slots(base["slots"]))
    return VolunteerData(**base)


def req(id=1, **kw) -> RequestData:
    base = {
        "id": id,
        "organisation_id": 1,
        "point": HOME,
        "created_at": NOW - dt.timedelta(days=3),
        "weekly_slots": "tue 13:00-17:00",
        "required_skills": {"shopping"},
        "max_distance_km": 5.0,
    }
    base.update(kw)
    if isinstance(base["weekly_slots"], str):
        base["weekly_slots"] = tuple(parse_slots(base["weekly_slots"]))
    return RequestData(**base)


def per_request(requests, pool):
    return [evaluate(r, pool, today=TODAY, now=NOW, weights=WEIGHTS, count=False) for r in requests]


def assert_same_as_per_request(requests, pool, *, max_pairs=1 << 20):
    """candidate_edges gives, request by request, exactly what evaluate gives."""
    edges = candidate_edges(requests, pool, today=TODAY, now=NOW, weights=WEIGHTS, max_pairs=max_pairs)
    assert len(edges.offsets) == len(requests) + 1
    for i, ev in enumerate(per_request(requests, pool)):
        a, b = edges.offsets[i], edges.offsets[i + 1]
        assert edges.rows[a:b].tolist() == ev.rows.tolist(), f"request {requests[i].id}"
        assert edges.ids[a:b].tolist() == ev.ids.tolist()
        assert edges.distance_km[a:b].tolist() == ev.distance_km.tolist()  # bit for bit
        assert edges.score_units[a:b].tolist() == ev.score_units.tolist()
    return edges


# --- One rule at a time --------------------------------------------------------------

CASES = [
    # (what, volunteer, request, is a candidate)
    ("plain", {}, {}, True),
    ("other organisation", {"organisation_id": 2}, {}, False),
    ("shared region", {"organisation_id": 2}, {"shared_organisation_ids": {2}}, True),
    ("too far for the request", {"point": north(6.0)}, {}, False),
    ("no request maximum: the volunteer's counts", {"point": north(9.0)}, {"max_distance_km": None}, True),
    ("too far for the volunteer", {"point": north(4.0), "max_distance_km": 3.0}, {}, False),
    ("travels exactly far enough", {"point": north(3.0), "max_distance_km": 3.5}, {}, True),
    ("inactive", {"active": False}, {}, False),
    ("paused until today", {"paused_until": TODAY}, {}, False),
    ("paused until yesterday", {"paused_until": TODAY - dt.timedelta(days=1)}, {}, True),
    (
        "paused, but back before the date",
        {"paused_until": TODAY + dt.timedelta(days=3), "slots": "sat 09:00-17:00"},
        {"weekly_slots": (), "dates": [(dt.date(2026, 3, 7), dt.time(10), dt.time(12))]},
        True,
    ),
    ("excluded before", {}, {"excluded_volunteer_ids": {1}}, False),
    ("missing one of two skills", {}, {"required_skills": {"shopping", "transport"}}, False),
    ("has both skills", {"skills": {"shopping", "transport"}}, {"required_skills": {"shopping", "transport"}}, True),
    ("a skill nobody has", {}, {"required_skills": {"juggling"}}, False),
    ("no skill asked", {"skills": set()}, {"required_skills": set()}, True),
    ("VOG needed and valid", {}, {"needs_vog": True}, True),
    ("VOG needed, none", {"vog_valid_until": None}, {"needs_vog": True}, False),
    (
        "VOG ends before the date",
        {"vog_valid_until": dt.date(2026, 3, 6), "slots": "sat 09:00-17:00"},
        {"weekly_slots": (), "dates": [(dt.date(2026, 3, 7), dt.time(10), dt.time(12))], "needs_vog": True},
        False,
    ),
    ("slot on another day", {"slots": "wed 12:00-18:00"}, {}, False),
    ("slot too short", {"slots": "tue 13:00-16:30"}, {}, False),
    ("touching slots count as one", {"slots": "tue 12:00-15:00; tue 15:00-18:00"}, {}, True),
    ("a gap between slots", {"slots": "tue 12:00-14:59; tue 15:00-18:00"}, {}, False),
    ("off the half hour, covered", {"slots": "tue 13:10-16:00"}, {"weekly_slots": "tue 13:10-15:50"}, True),
    ("off the half hour, a minute short", {"slots": "tue 13:11-16:00"}, {"weekly_slots": "tue 13:10-15:50"}, False),
    ("late evening to midnight", {"slots": "tue 20:00-24:00"}, {"weekly_slots": "tue 23:30-24:00"}, True),
    (
        "both of two windows",
        {"slots": "tue 12:00-18:00; thu 09:00-12:00"},
        {"weekly_slots": "tue 13:00-17:00; thu 10:00-11:00"},
        True,
    ),
    ("only one of two windows", {}, {"weekly_slots": "tue 13:00-17:00; thu 10:00-11:00"}, False),
    ("no time asked", {}, {"weekly_slots": ()}, True),
    (
        "date on a holiday",
        {"slots": "sat 09:00-17:00", "unavailable_dates": {dt.date(2026, 3, 7)}},
        {"weekly_slots": (), "dates": [(dt.date(2026, 3, 7), dt.time(10), dt.time(12))]},
        False,
    ),
    (
        "holiday on another date",
        {"slots": "sat 09:00-17:00", "unavailable_dates": {dt.date(2026, 3, 14)}},
        {"weekly_slots": (), "dates": [(dt.date(2026, 3, 7), dt.time(10), dt.time(12))]},
        True,
    ),
    ("full", {"max_active_matches": 1, "open_matches": 1}, {}, False),
    ("one place left", {"max_active_matches": 2, "open_matches": 1}, {}, True),
]


@pytest.mark.parametrize(("what", "volunteer_kw", "request_kw", "candidate"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_as_one_evaluation_per_request_does(what, volunteer_kw, request_kw, candidate):
    # The volunteer under test (id 1) among others that always qualify, and a second
    # request that is always fine: the rule must hit only its own pair.
    pool = VolunteerPool.from_volunteers([vol(1, **volunteer_kw), vol(2, 0.5), vol(3, 2.0, max_active_matches=2)])
    requests = [req(1, **request_kw), req(2)]
    edges = assert_same_as_per_request(requests, pool)
    first = edges.ids[edges.offsets[0] : edges.offsets[1]].tolist()
    assert (1 in first) is candidate, what


@pytest.mark.parametrize(
    ("request_kw", "part", "value"),
    [
        ({"household_key": "hh"}, "continuity", 1.0),
        ({"household_key": "other"}, "continuity", 0.0),
        ({"languages": {"tr"}}, "language", 1.0),
        ({"languages": {"ar"}}, "language", 0.0),
        ({"languages": set()}, "language", 1.0),
        ({"target_group": "elderly"}, "preferences", 1.0),
        ({"target_group": "children"}, "preferences", 0.5),
        ({"neighbourhood_id": 7}, "neighbourhood", 1.0),
        ({"neighbourhood_id": 8}, "neighbourhood", 0.0),
        ({"weekly_slots": "tue 12:00-14:00"}, "availability", 1.0),
        ({"weekly_slots": "tue 12:00-17:00"}, "availability", 0.5),
        ({"max_distance_km": None}, "distance", 0.9),
        ({"urgency": "high", "burden_high": True}, "priority", 0.5 + 0.3 * 3 / 56 + 0.2),
    ],
)
def test_score_parts_of_the_edges_equal_score_pair(request_kw, part, value):
    v = vol(
        1,
        households_helped={"hh"},
        languages={"nl", "tr"},
        target_groups={"elderly"},
        neighbourhood_id=7,
        slots="tue 12:00-18:00",
    )
    others = [vol(2, 2.0, target_groups={"dementia"}), vol(3, 3.0, wants_recurring=False)]
    pool = VolunteerPool.from_volunteers([v, *others])
    r = req(**request_kw)
    edges = assert_same_as_per_request([r], pool)
    parts = edges.parts(np.arange(len(edges)))
    for e in range(len(edges)):
        row = int(edges.rows[e])
        units, expected = score_pair(
            pool.volunteer(row), r, distance_km=float(edges.distance_km[e]), weights=WEIGHTS, now=NOW
        )
        assert units == edges.score_units[e]
        assert {name: float(parts[name][e]) for name in PART_NAMES} == expected
    first = int(np.flatnonzero(edges.ids == 1)[0])
    assert float(parts[part][first]) == pytest.approx(value)


def test_chunks_of_any_size_give_the_same_edges():
    volunteers = [vol(i, 0.3 * (i % 20) - 3.0, max_distance_km=float(2 + i % 9)) for i in range(1, 81)]
    requests = [req(100 + j, point=north(0.5 * j - 2.0), max_distance_km=[None, 2.0, 6.0][j % 3]) for j in range(9)]
    pool = VolunteerPool.from_volunteers(volunteers)
    full = assert_same_as_per_request(requests, pool)
    for max_pairs in (1, 7, 50):  # smaller than one request's pairs, a few requests, many
        edges = assert_same_as_per_request(requests, pool, max_pairs=max_pairs)
        assert edges.ids.tolist() == full.ids.tolist()
    with pytest.raises(ValueError):
        candidate_edges(requests, pool, today=TODAY, now=NOW, weights=WEIGHTS, max_pairs=0)


def test_no_requests_or_no_volunteers():
    pool = VolunteerPool.from_volunteers([vol(1)])
    edges = candidate_edges([], pool, today=TODAY, now=NOW, weights=WEIGHTS)
    assert edges.offsets.tolist() == [0] and len(edges) == 0
    empty = VolunteerPool.from_volunteers([])
    edges = candidate_edges([req(1), req(2)], empty, today=TODAY, now=NOW, weights=WEIGHTS)
    assert edges.offsets.tolist() == [0, 0, 0]


# --- Random pools ------------------------------------------------------------------------

AVAILABILITY = [
    "tue 09:00-18:00",
    "tue 13:00-17:00",
    "tue 14:00-16:00",
    "tue 13:00-15:00",
    "tue 15:00-16:30",
    "thu 09:00-12:00",
    "tue 09:00-12:00",
    "sat 10:00-14:10",
    "sat 08:15-11:45",
    "sun 20:00-24:00",
]
REQUEST_SLOTS = ["tue 13:00-17:00", "tue 14:00-16:00", "thu 10:00-11:00", "tue 15:10-16:20", "sun 23:00-24:00", ""]
SKILLS = ["a", "b", "c"]


@st.composite
def pools_and_requests(draw):
    n_vol = draw(st.integers(0, 40))
    volunteers = []
    for vid in range(1, n_vol + 1):
        cap = draw(st.integers(0, 3))
        volunteers.append(
            vol(
                vid * 3,
                draw(st.floats(-12, 12)),
                point=Point(HOME.lat + draw(st.floats(-0.12, 0.12)), HOME.lon + draw(st.floats(-0.18, 0.18))),
                organisation_id=draw(st.sampled_from([1, 1, 1, 2, 3])),
                max_distance_km=draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 15.0, 40.0])),
                max_active_matches=cap,
                open_matches=draw(st.integers(0, cap)) if cap else 0,
                active=draw(st.booleans()) or draw(st.booleans()),
                paused_until=draw(st.sampled_from([None, None, TODAY, TODAY + dt.timedelta(days=5)])),
                vog_valid_until=draw(
                    st.sampled_from([None, TODAY, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=99)])
                ),
                skills=draw(st.frozensets(st.sampled_from(SKILLS))),
                slots=tuple(
                    parse_slot(t) for t in draw(st.lists(st.sampled_from(AVAILABILITY), max_size=3, unique=True))
                ),
                languages=draw(st.frozensets(st.sampled_from(["nl", "tr", "en"]), min_size=1)),
                target_groups=draw(st.frozensets(st.sampled_from(["elderly", "children"]))),
                wants_one_off=draw(st.booleans()),
                wants_recurring=draw(st.booleans()),
                households_helped=draw(st.frozensets(st.sampled_from(["h1", "h2"]), max_size=1)),
                neighbourhood_id=draw(st.sampled_from([None, 1, 2])),
                unavailable_dates=draw(st.frozensets(st.sampled_from([dt.date(2026, 3, 7), dt.date(2026, 3, 8)]))),
            )
        )
    vol_ids = [v.id for v in volunteers] or [1]
    requests = []
    for rid in range(1, draw(st.integers(1, 12)) + 1):
        slots = draw(st.sampled_from(REQUEST_SLOTS))
        dates = draw(
            st.lists(
                st.sampled_from(
                    [
                        DateWindow(dt.date(2026, 3, 7), dt.time(10), dt.time(12)),
                        DateWindow(dt.date(2026, 3, 8), dt.time(21), dt.time(23, 30)),
                        DateWindow(dt.date(2026, 3, 10), dt.time(13), dt.time(14)),
                    ]
                ),
                max_size=2,
                unique=True,
            )
        )
        requests.append(
            req(
                rid,
                point=Point(HOME.lat + draw(st.floats(-0.1, 0.1)), HOME.lon + draw(st.floats(-0.15, 0.15))),
                organisation_id=draw(st.sampled_from([1, 1, 2])),
                shared_organisation_ids=draw(st.frozensets(st.sampled_from([2, 3]), max_size=1)),
                max_distance_km=draw(st.sampled_from([None, 0.0, 1.0, 4.0, 10.0])),
                created_at=NOW - dt.timedelta(days=draw(st.integers(0, 90))),
                urgency=draw(st.sampled_from(["low", "normal", "high"])),
                burden_high=draw(st.booleans()),
                required_skills=draw(st.frozensets(st.sampled_from([*SKILLS, "zz"]), max_size=2)),
                needs_vog=draw(st.booleans()),
                weekly_slots=parse_slots(slots) if slots else (),
                dates=dates,
                languages=draw(st.frozensets(st.sampled_from(["nl", "tr", "ar"]), max_size=1)),
                target_group=draw(st.sampled_from([None, "elderly", "children", "unknown"])),
                household_key=draw(st.sampled_from([None, "h1", "h2", "h3"])),
                neighbourhood_id=draw(st.sampled_from([None, 1, 2])),
                excluded_volunteer_ids=draw(st.frozensets(st.sampled_from(vol_ids), max_size=2)),
                recurring=draw(st.sampled_from([None, True, False])),
            )
        )
    return volunteers, requests, draw(st.sampled_from([0.5, 2.0, 7.0])), draw(st.sampled_from([1, 13, 1 << 20]))


@settings(max_examples=100, deadline=None, database=None)
@given(pools_and_requests())
def test_random_pools_give_the_same_edges_and_parts_as_one_evaluation_per_request(case):
    volunteers, requests, cell_km, max_pairs = case
    pool = VolunteerPool.from_volunteers(volunteers, cell_km=cell_km)
    edges = assert_same_as_per_request(requests, pool, max_pairs=max_pairs)
    parts = edges.parts(np.arange(len(edges)))
    request_of = edges.request_of_edge()
    for e in range(len(edges)):
        r = requests[int(request_of[e])]
        units, expected = score_pair(
            pool.volunteer(int(edges.rows[e])), r, distance_km=float(edges.distance_km[e]), weights=WEIGHTS, now=NOW
        )
        assert units == edges.score_units[e]
        assert {name: float(parts[name][e]) for name in PART_NAMES} == expected


@settings(max_examples=60, deadline=None, database=None)
@given(pools_and_requests(), st.integers(1, 4))
def test_greedy_pass_and_top_k_over_edges_equal_the_per_request_versions(case, k):
    volunteers, requests, cell_km, _ = case
    pool = VolunteerPool.from_volunteers(volunteers, cell_km=cell_km)
    requests = sorted(requests, key=lambda r: r.id)
    edges = candidate_edges(requests, pool, today=TODAY, now=NOW, weights=WEIGHTS)
    evaluations = per_request(requests, pool)
    priorities = request_priorities(requests, NOW)
    order = greedy_order(requests, priorities)
    free = np.maximum(pool.max_active - pool.open_matches, 0)
    # The reference: one evaluation per request, pick_nearest on the places left.
    remaining = free.copy()
    expected = {}
    for r in order:
        i = requests.index(r)
        pick = pick_nearest(evaluations[i], remaining)
        if pick is not None:
            remaining[evaluations[i].rows[pick]] -= 1
            expected[i] = int(evaluations[i].ids[pick])
    picks = greedy_picks(edges, [requests.index(r) for r in order], free)
    assert {i: int(edges.ids[e]) for i, e in enumerate(picks.tolist()) if e >= 0} == expected

    keep = best_edges(edges, k)
    for i, ev in enumerate(evaluations):
        a, b = edges.offsets[i], edges.offsets[i + 1]
        assert sorted(edges.ids[a:b][keep[a:b]].tolist()) == sorted(ev.ids[top_order(ev, k)].tolist())


# --- The index and the bit sets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "bits"),
    [
        ("00:00", "00:30", [0]),
        ("00:30", "01:00", [1]),
        ("13:10", "15:50", list(range(26, 32))),
        ("13:00", "17:00", list(range(26, 34))),
        ("23:30", "24:00", [47]),
        ("00:00", "24:00", list(range(48))),
        ("09:15", "09:20", [18]),
    ],
)
def test_half_hour_bits(start, end, bits):
    def secs(text):
        h, m = text.split(":")
        return int(h) * 3600 + int(m) * 60

    value = int(half_hour_bits(np.array([secs(start)]), np.array([secs(end)]))[0])
    assert [b for b in range(64) if value >> b & 1] == bits


def test_day_bits_of_the_pool_cover_every_slot():
    pool = VolunteerPool.from_volunteers(
        [
            vol(1, slots="tue 09:00-10:15; tue 10:15-11:00; fri 23:00-24:00"),
            vol(2, slots=""),
            vol(3, slots="mon 08:40-09:10"),
        ]
    )
    days = pool.day_slots()
    row = {int(pool.ids[i]): i for i in range(len(pool))}
    assert int(days.touched[row[1] * 7 + 1]) == sum(1 << b for b in range(18, 22))  # 09:00-11:00, merged
    assert int(days.touched[row[1] * 7 + 4]) == (1 << 46) | (1 << 47)
    assert int(days.touched[row[3] * 7 + 0]) == (1 << 17) | (1 << 18)
    assert not days.touched[row[2] * 7 : row[2] * 7 + 7].any()
    assert days.most == 1


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-0.3, 0.3),
            st.floats(-0.45, 0.45),
            st.sampled_from([0.5, 1.0, 2.5, 5.0, 9.0, 15.0, 33.0, 150.0]),
            st.frozensets(st.sampled_from(SKILLS)),
        ),
        max_size=120,
    ),
    st.lists(st.tuples(st.floats(-0.3, 0.3), st.floats(-0.45, 0.45), st.floats(0, 60), st.integers(-2, 2)), max_size=8),
    st.sampled_from([0.7, 2.0, 10.0]),
)
def test_reach_ranges_hold_everyone_who_could_qualify_once(people, queries, cell_km):
    volunteers = [
        vol(i + 1, point=Point(HOME.lat + dlat, HOME.lon + dlon), max_distance_km=km, skills=skills)
        for i, (dlat, dlon, km, skills) in enumerate(people)
    ]
    pool = VolunteerPool.from_volunteers(volunteers, cell_km=cell_km)
    index = pool.reach_index()
    lat = np.array([HOME.lat + q[0] for q in queries])
    lon = np.array([HOME.lon + q[1] for q in queries])
    radius = np.array([q[2] for q in queries])
    skill = np.array([min(q[3], len(pool.skill_vocab) - 1) if q[3] >= 0 else q[3] for q in queries], dtype=np.int64)
    query, lo, hi = pool.reach_ranges(lat, lon, radius, skill)
    assert query.tolist() == sorted(query.tolist())
    for q in range(len(queries)):
        found = [int(r) for a, b in zip(lo[query == q], hi[query == q], strict=True) for r in index.rows[a:b]]
        assert len(found) == len(set(found))  # nobody twice
        if skill[q] == -2:
            assert found == []
            continue
        rows, dist = pool.within(Point(lat[q], lon[q]), radius[q])
        should = {
            int(r)
            for r, d in zip(rows, dist, strict=True)
            if d <= pool.max_km[r] and (skill[q] == -1 or pool.skill_vocab[skill[q]] in pool.volunteer(int(r)).skills)
        }
        assert should <= set(found)


def test_reach_buckets_use_the_largest_distance_of_their_members():
    pool = VolunteerPool.from_volunteers(
        [vol(1, max_distance_km=4.5), vol(2, max_distance_km=4.2), vol(3, max_distance_km=12.0)]
    )
    index = pool.reach_index()
    assert index.reach_km.tolist() == [4.5, 12.0]  # buckets 4-5 km and 10-12 km of REACH_BUCKETS_KM
    assert 5.0 in REACH_BUCKETS_KM and 12.0 in REACH_BUCKETS_KM


def test_volunteers_of_many_rows_equal_the_volunteer_data_they_came_from():
    volunteers = [
        vol(5, skills={"a", "b"}, languages={"nl", "tr"}, slots="tue 09:00-12:00; sat 10:00-11:30"),
        vol(3, skills=set(), vog_valid_until=None, paused_until=TODAY, neighbourhood_id=4, households_helped={"h"}),
        vol(
            9, unavailable_dates={dt.date(2026, 3, 7)}, target_groups={"elderly"}, max_active_matches=3, open_matches=2
        ),
    ]
    pool = VolunteerPool.from_volunteers(volunteers)
    pool._volunteers = None  # as a pool built from database columns
    rows = [pool.row_of(v.id) for v in volunteers]
    assert pool.volunteers(rows + rows[:1]) == volunteers + volunteers[:1]
    assert pool.volunteer(rows[1]) == volunteers[1]
    assert pool.volunteers([]) == []


def test_volunteers_have_merged_slots():
    pool = VolunteerPool.from_volunteers([vol(1, slots="tue 09:00-12:00; tue 12:00-13:00")])
    pool._volunteers = None
    (v,) = pool.volunteers([0])
    assert v.slots == (Slot(1, dt.time(9), dt.time(13)),)
