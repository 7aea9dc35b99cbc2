"""The soft score: parts, weights, reasons as codes, the request priority part, and agreement
of the single-pair and column-wise paths."""

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching.engine
from caregivers.priority import request_priority
from common.geo import EARTH_RADIUS_KM, Point, haversine_km
from common.slots import parse_slot, parse_slots
from matching.engine import RequestData, VolunteerData, VolunteerPool, Weights
from matching.engine.constraints import first_rejection
from matching.engine.scoring import (
    PART_NAMES,
    candidate_for,
    reasons_for,
    score_pair,
)
from matching.engine.suggest import evaluate

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)
TODAY = NOW.date()
HOME = Point(51.98, 5.91)


def north(km: float) -> Point:
    return Point(HOME.lat + math.degrees(km / EARTH_RADIUS_KM), HOME.lon)


def vol(**kw) -> VolunteerData:
    base = {
        "id": 1,
        "organisation_id": 1,
        "point": north(3.2),
        "max_distance_km": 10.0,
        "slots": tuple(parse_slots("tue 13:00-17:00")),
        "vog_valid_until": dt.date(2027, 1, 1),
    }
    base.update(kw)
    if isinstance(base["slots"], str):
        base["slots"] = tuple(parse_slots(base["slots"]))
    return VolunteerData(**base)


def req(**kw) -> RequestData:
    base = {
        "id": 10,
        "organisation_id": 1,
        "point": HOME,
        "created_at": NOW - dt.timedelta(days=2),
        "weekly_slots": tuple(parse_slots("tue 14:00-16:00")),
    }
    base.update(kw)
    if isinstance(base["weekly_slots"], str):
        base["weekly_slots"] = tuple(parse_slots(base["weekly_slots"]))
    return RequestData(**base)


def candidate(v, r, weights=None):
    return candidate_for(v, r, distance_km=haversine_km(v.point, r.point), weights=weights or Weights(), now=NOW)


@pytest.mark.parametrize(("km", "shown"), [(3.24, 3.2), (0.04, 0.0), (12.96, 13.0), (7, 7.0), (np.float64(2.25), 2.2)])
def test_the_distance_is_kept_as_shown_with_one_decimal(km, shown):
    reasons = reasons_for(vol(), req(), distance_km=km, parts={}, now=NOW)
    assert reasons[0] == {"code": "distance", "km": shown}
    assert type(reasons[0]["km"]) is float


def test_reasons_are_codes_and_name_what_speaks_for_the_volunteer():
    v = vol(
        languages={"nl", "tr"},
        households_helped={"hh-7"},
        neighbourhood_id=5,
        target_groups={"elderly"},
        wants_one_off=False,
    )
    r = req(
        needs_vog=True,
        languages={"tr"},
        household_key="hh-7",
        neighbourhood_id=5,
        target_group="elderly",
        urgency="high",
        burden_high=True,
        created_at=NOW - dt.timedelta(days=23),
    )
    c = candidate(v, r)
    assert c.reasons == [
        {"code": "distance", "km": 3.2},
        {"code": "available", "slots": [["tue", "13:00", "17:00"]]},
        {"code": "vog_valid"},
        {"code": "helped_household_before"},
        {"code": "speaks", "languages": ["tr"]},
        {"code": "same_neighbourhood"},
        {"code": "wants_recurring"},
        {"code": "target_group", "group": "elderly"},
        {"code": "no_matches_yet"},
        {"code": "urgent"},
        {"code": "waiting_days", "days": 23},
        {"code": "carer_burden_high"},
    ]
    assert json.loads(json.dumps(c.reasons)) == c.reasons  # stored as they are
    assert set(c.parts) == set(PART_NAMES)
    assert all(0.0 <= value <= 1.0 for value in c.parts.values())


def test_a_plain_pair_gets_only_the_reasons_that_apply():
    c = candidate(vol(open_matches=1, max_active_matches=3), req(languages=set()))
    assert c.reasons == [
        {"code": "distance", "km": 3.2},
        {"code": "available", "slots": [["tue", "13:00", "17:00"]]},
        {"code": "load", "open": 1, "max": 3},
    ]


def test_a_one_off_request_names_a_volunteer_who_prefers_one_off_help():
    v = vol(wants_recurring=False, slots="sun 10:00-18:00")
    r = req(weekly_slots="", dates=((dt.date(2026, 10, 25), dt.time(14), dt.time(16)),))
    assert {"code": "wants_one_off"} in candidate(v, r).reasons


def test_touching_slots_are_shown_merged_and_dates_by_date():
    v = vol(slots="tue 13:00-15:00; tue 15:00-17:00; sun 10:00-18:00")
    r = req(weekly_slots="tue 14:00-16:00", dates=((dt.date(2026, 10, 25), dt.time(14), dt.time(16)),))
    c = candidate(v, r)
    assert {"code": "available", "slots": [["tue", "13:00", "17:00"]]} in c.reasons
    assert {"code": "dates", "dates": [["2026-10-25", "14:00", "16:00"]]} in c.reasons


@pytest.mark.parametrize(
    ("urgency", "days", "burden"), [("low", 0, False), ("normal", 20, True), ("high", 3, False), ("high", 90, True)]
)
def test_the_priority_part_is_the_requests_priority(urgency, days, burden):
    """The rule itself is tested in tests/caregivers/test_priority.py; the engine uses it as it is."""
    r = req(urgency=urgency, created_at=NOW - dt.timedelta(days=days, hours=1), burden_high=burden)
    _, parts = units(vol(), r)
    expected = request_priority(urgency=urgency, created_at=r.created_at, burden_high=burden, now=NOW)
    assert parts["priority"] == expected
    assert matching.engine.request_priority is request_priority


def units(v, r, weights=None):
    return score_pair(v, r, distance_km=haversine_km(v.point, r.point), weights=weights or Weights(), now=NOW)


def test_closer_is_better_within_one_request():
    r = req(max_distance_km=8.0)
    scores = [units(vol(point=north(km)), r)[0] for km in (0.5, 2.0, 4.0, 7.9)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    assert units(vol(point=north(0.0)), r)[1]["distance"] == 1.0


@pytest.mark.parametrize(
    ("change", "part"),
    [
        ({"households_helped": {"hh"}}, "continuity"),
        ({"languages": {"ar"}}, "language"),
        ({"neighbourhood_id": 9}, "neighbourhood"),
        ({"target_groups": {"dementia"}}, "preferences"),
        ({"slots": "tue 10:00-18:00"}, "availability"),
    ],
)
def test_each_part_lifts_the_score(change, part):
    r = req(household_key="hh", languages={"ar"}, neighbourhood_id=9, target_group="dementia")
    plain = {"target_groups": {"elderly"}, "slots": "tue 14:00-16:00"}  # no spare time
    plain_score, plain_parts = units(vol(**plain), r)
    better_score, better_parts = units(vol(**{**plain, **change}), r)
    assert better_parts[part] > plain_parts[part]
    assert better_score > plain_score


def test_load_spreads_work_and_availability_margin_counts_spare_time():
    r = req()
    assert units(vol(open_matches=0, max_active_matches=2), r)[1]["load"] == 1.0
    assert units(vol(open_matches=1, max_active_matches=2), r)[1]["load"] == 0.5
    tight = units(vol(slots="tue 14:00-16:00"), r)[1]["availability"]
    hour_each_side = units(vol(slots="tue 13:00-17:00"), r)[1]["availability"]
    afternoon = units(vol(slots="tue 12:00-18:00"), r)[1]["availability"]
    assert (tight, hour_each_side, afternoon) == (0.0, 1.0, 1.0)
    assert units(vol(slots="tue 13:30-16:30"), r)[1]["availability"] == 0.5


@pytest.mark.parametrize(
    ("volunteer_groups", "request_group", "one_off", "recurring", "weekly", "expected"),
    [
        (set(), None, True, True, True, 1.0),
        ({"elderly"}, "elderly", True, True, True, 1.0),
        (set(), "elderly", True, True, True, 0.75),  # no preference: neutral
        ({"children"}, "elderly", True, True, True, 0.5),
        (set(), None, True, False, True, 0.5),  # wants one-off only, request is weekly
        (set(), None, True, False, False, 1.0),
    ],
)
def test_preferences(volunteer_groups, request_group, one_off, recurring, weekly, expected):
    v = vol(target_groups=volunteer_groups, wants_one_off=one_off, wants_recurring=recurring, slots="tue 09:00-18:00")
    dates = () if weekly else ((dt.date(2026, 3, 10), dt.time(14), dt.time(16)),)
    r = req(target_group=request_group, weekly_slots="tue 14:00-16:00" if weekly else (), dates=dates)
    assert units(v, r)[1]["preferences"] == expected


def test_weights_change_the_ranking_and_are_validated():
    r = req(household_key="hh")
    near = vol(id=1, point=north(0.5))
    helped_before = vol(id=2, point=north(6.0), households_helped={"hh"})
    default = Weights()  # a known face beats 5.5 km of extra travel
    distance_only = Weights.from_mapping({"continuity": 0})
    assert units(near, r, default)[0] < units(helped_before, r, default)[0]
    assert units(near, r, distance_only)[0] > units(helped_before, r, distance_only)[0]
    with pytest.raises(ValueError):
        Weights.from_mapping({"distanse": 1})
    with pytest.raises(ValueError):
        Weights(distance=-1)
    with pytest.raises(ValueError):
        Weights(**dict.fromkeys(Weights.names(), 0))
    assert Weights.from_mapping(None) == Weights()


def test_shared_languages_are_named_by_code_in_order():
    v = vol(languages={"xx", "tr", "ar"})
    reasons = reasons_for(v, req(languages={"xx", "tr", "nl", "ar"}), distance_km=1.0, parts={}, now=NOW)
    assert {"code": "speaks", "languages": ["ar", "tr", "xx"]} in reasons


# --- The column-wise path agrees with the single-pair reference ----------------------

SLOT_TEXTS = ["mon 09:00-12:00", "tue 13:00-17:00", "tue 12:00-18:00", "tue 17:00-19:00", "sun 10:00-16:00"]
REQUEST_SLOTS = ["", "tue 13:00-17:00", "tue 14:00-16:00; mon 10:00-11:00", "tue 12:00-18:30"]
BREAKABLE = ["organisation", "distance", "active", "paused", "skills", "vog", "slots", "capacity"]


@st.composite
def volunteer_data(draw, vol_id: int) -> VolunteerData:
    """A volunteer who mostly qualifies; ``breaks`` spoils one or two things on purpose,
    so both feasible pairs and every kind of rejection turn up."""
    breaks = draw(st.lists(st.sampled_from(BREAKABLE), max_size=2))
    maximum = draw(st.integers(1, 3))
    slots = ["mon 09:00-12:00", "tue 12:00-18:00", "sun 10:00-16:00"]
    if "slots" in breaks:
        slots = draw(st.lists(st.sampled_from(SLOT_TEXTS), max_size=3, unique=True))
    else:
        slots += draw(st.lists(st.sampled_from(SLOT_TEXTS), max_size=2))
    return VolunteerData(
        id=vol_id,
        organisation_id=draw(st.sampled_from([2, 3])) if "organisation" in breaks else 1,
        point=Point(51.98 + draw(st.floats(-0.05, 0.05)), 5.91 + draw(st.floats(-0.08, 0.08))),
        max_distance_km=draw(st.floats(0, 6)) if "distance" in breaks else draw(st.floats(12, 30)),
        skills=draw(st.frozensets(st.sampled_from(["a", "b", "c"]))) if "skills" in breaks else {"a", "b", "c"},
        slots=tuple(parse_slot(t) for t in slots),  # overlaps allowed: the engine merges
        vog_valid_until=(
            draw(st.sampled_from([None, TODAY, dt.date(2026, 3, 20)])) if "vog" in breaks else dt.date(2026, 6, 1)
        ),
        active="active" not in breaks,
        paused_until=(
            draw(st.sampled_from([TODAY, dt.date(2026, 3, 20)]))
            if "paused" in breaks
            else draw(st.sampled_from([None, TODAY - dt.timedelta(days=1)]))
        ),
        max_active_matches=maximum,
        open_matches=maximum if "capacity" in breaks else draw(st.integers(0, maximum - 1)),
        languages=draw(st.frozensets(st.sampled_from(["nl", "tr", "ar"]))),
        wants_one_off=draw(st.booleans()),
        wants_recurring=draw(st.booleans()),
        target_groups=draw(st.frozensets(st.sampled_from(["elderly", "children"]))),
        neighbourhood_id=draw(st.sampled_from([None, 1, 2])),
        households_helped=draw(st.frozensets(st.sampled_from(["h1", "h2"]))),
        unavailable_dates=draw(st.frozensets(st.just(dt.date(2026, 3, 15)))),
    )


@st.composite
def request_data(draw, request_id: int = 100) -> RequestData:
    dated = draw(st.booleans())
    days = [dt.date(2026, 3, 15), dt.date(2026, 3, 22)]  # Sundays
    return RequestData(
        id=request_id,
        organisation_id=1,
        point=Point(51.98 + draw(st.floats(-0.03, 0.03)), 5.91 + draw(st.floats(-0.05, 0.05))),
        created_at=NOW - dt.timedelta(days=draw(st.integers(0, 90)), hours=draw(st.integers(0, 23))),
        max_distance_km=draw(st.one_of(st.none(), st.floats(0, 15).map(lambda km: 15 - km))),
        required_skills=draw(st.sampled_from([frozenset(), {"a"}, {"a", "b"}, {"b", "c"}, {"z"}])),
        weekly_slots=() if dated else tuple(parse_slots(draw(st.sampled_from(REQUEST_SLOTS)))),
        dates=tuple((d, dt.time(11), dt.time(13)) for d in draw(st.lists(st.sampled_from(days), min_size=1)))
        if dated
        else (),
        needs_vog=draw(st.booleans()),
        urgency=draw(st.sampled_from(["low", "normal", "high"])),
        burden_high=draw(st.booleans()),
        languages=draw(st.frozensets(st.sampled_from(["nl", "tr", "pl"]), max_size=2)),
        target_group=draw(st.sampled_from([None, "elderly", "newcomers"])),
        neighbourhood_id=draw(st.sampled_from([None, 1])),
        household_key=draw(st.sampled_from([None, "h1"])),
        excluded_volunteer_ids=draw(st.sampled_from([frozenset(), frozenset(), {1}, {2, 3}])),
        shared_organisation_ids=draw(st.sampled_from([frozenset(), frozenset({2})])),
    )


@st.composite
def pairs(draw):
    n = draw(st.integers(1, 6))
    volunteers = [draw(volunteer_data(i + 1)) for i in range(n)]
    return volunteers, draw(request_data())


@settings(max_examples=150, deadline=None, database=None)
@given(pairs())
def test_column_wise_evaluation_matches_the_reference_pair_by_pair(data):
    volunteers, r = data
    weights = Weights()
    pool = VolunteerPool.from_volunteers(volunteers)
    ev = evaluate(r, pool, today=TODAY, now=NOW, weights=weights)
    feasible = {int(pool.ids[row]): (int(s), float(d)) for row, s, d in zip(ev.rows, ev.score_units, ev.distance_km)}
    expected_counts = dict.fromkeys(ev.rejections, 0)
    for v in volunteers:
        d = haversine_km(v.point, r.point)
        code = first_rejection(v, r, today=TODAY, distance_km=d)
        if code is None:
            assert v.id in feasible
            score, _ = score_pair(v, r, distance_km=d, weights=weights, now=NOW)
            assert abs(feasible[v.id][0] - score) <= 1  # float rounding of the distance only
            assert feasible[v.id][1] == pytest.approx(d, abs=1e-9)
        else:
            assert v.id not in feasible
            if d <= ev.radius_km:  # outside the query radius it is never looked at
                expected_counts[code] += 1
    assert ev.rejections == expected_counts
    # The batch's fast path (cheap filters first, no counting) finds the same candidates.
    fast = evaluate(r, pool, today=TODAY, now=NOW, weights=weights, count=False)
    assert fast.ids.tolist() == ev.ids.tolist()
    assert fast.score_units.tolist() == ev.score_units.tolist()
    assert fast.distance_km.tolist() == ev.distance_km.tolist()
    # The evaluation lists candidates in id order; every row maps back to its volunteer.
    assert ev.ids.tolist() == sorted(ev.ids.tolist()) == [int(pool.ids[row]) for row in ev.rows]
    assert all(pool.volunteer(pool.row_of(v.id)) is v for v in volunteers)


def test_scores_are_deterministic_units_with_four_decimals():
    c1, c2 = candidate(vol(), req()), candidate(vol(), req())
    assert c1 == c2
    assert c1.score == round(c1.score, 4)
    assert np.isclose(c1.score * 10_000, round(c1.score * 10_000))
