"""Suggestions: top-N order, limits, reasons and the summary of who fell out (as codes)."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from common.geo import EARTH_RADIUS_KM, Point
from common.slots import parse_slots
from matches.reasons import reasons_text
from matching.engine import RequestData, VolunteerData, VolunteerPool, Weights, suggest

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)
TODAY = NOW.date()
HOME = Point(51.98, 5.91)


def north(km: float) -> Point:
    return Point(HOME.lat + math.degrees(km / EARTH_RADIUS_KM), HOME.lon)


def vol(id, km=1.0, **kw) -> VolunteerData:
    base = {
        "id": id,
        "organisation_id": 1,
        "point": north(km),
        "max_distance_km": 10.0,
        "slots": tuple(parse_slots("tue 12:00-18:00")),
        "skills": {"shopping"},
    }
    base.update(kw)
    if isinstance(base["slots"], str):
        base["slots"] = tuple(parse_slots(base["slots"]))
    return VolunteerData(**base)


def req(**kw) -> RequestData:
    base = {
        "id": 1,
        "organisation_id": 1,
        "point": HOME,
        "created_at": NOW - dt.timedelta(days=1),
        "weekly_slots": tuple(parse_slots("tue 13:00-17:00")),
        "required_skills": {"shopping"},
        "max_distance_km": 5.0,
    }
    base.update(kw)
    return RequestData(**base)


def test_top_n_sorted_by_score_then_volunteer_id():
    volunteers = [vol(9, 3.0), vol(4, 1.0), vol(7, 1.0), vol(2, 2.0), vol(5, 1.0, open_matches=1, max_active_matches=2)]
    result = suggest(req(), volunteers, limit=3, now=NOW)
    assert [c.volunteer_id for c in result.candidates] == [4, 7, 2]  # 4 and 7 tie: lower id first
    assert result.candidates[0].score == result.candidates[1].score > result.candidates[2].score
    everyone = suggest(req(), volunteers, limit=100, now=NOW)
    assert [c.volunteer_id for c in everyone.candidates] == [4, 7, 2, 5, 9]
    scores = [(-c.score, c.volunteer_id) for c in everyone.candidates]
    assert scores == sorted(scores)


def test_ties_at_the_cut_are_broken_by_id():
    volunteers = [vol(i, 1.0) for i in (50, 10, 40, 20, 30)]  # identical but for the id
    result = suggest(req(), volunteers, limit=2, now=NOW)
    assert [c.volunteer_id for c in result.candidates] == [10, 20]


def test_candidates_carry_score_parts_and_reasons():
    result = suggest(req(needs_vog=True), [vol(1, 3.2, vog_valid_until=dt.date(2027, 1, 1))], limit=5, now=NOW)
    (c,) = result.candidates
    assert c.reasons[:3] == [
        {"code": "distance", "km": 3.2},
        {"code": "available", "slots": [["tue", "12:00", "18:00"]]},
        {"code": "vog_valid"},
    ]
    assert {"code": "no_matches_yet"} in c.reasons
    assert 0 < c.score <= 1 and c.distance_km == pytest.approx(3.2)
    assert c.as_dict()["volunteer"] == 1


def test_summary_says_why_others_fell_out():
    # 12 volunteers nearby; 9 are only free on Monday; 1 lacks the skill; 2 fit.
    volunteers = [vol(i, 1.0 + i / 10, slots="mon 09:00-17:00") for i in range(1, 10)]
    volunteers += [vol(10, 2.0, skills=set()), vol(11, 2.5), vol(12, 3.0)]
    volunteers += [vol(13, 9.0), vol(14, 1.0, organisation_id=2)]  # too far for the request; another centre
    result = suggest(req(), volunteers, limit=10, now=NOW)
    assert result.summary == [
        {"code": "nearby", "count": 12, "km": 5.0},
        {"code": "rejected", "rule": "skills", "count": 1},
        {"code": "not_available_on", "count": 9, "day": "tue"},
        {"code": "eligible", "count": 2},
    ]
    with translation.override("nl"):
        assert reasons_text(result.summary) == [
            "12 vrijwilligers in de buurt (binnen 5,0 km)",
            "1 mist een gevraagde vaardigheid",
            "9 niet beschikbaar op dinsdag",
            "2 passen bij deze vraag",
        ]
    assert result.as_dict()["summary"] == result.summary
    assert result.rejections == {"organisation": 1, "skills": 1, "not_available": 9}
    assert result.nearby == 12 and result.eligible == 2
    assert [c.volunteer_id for c in result.candidates] == [11, 12]


def test_summary_names_the_slot_when_a_day_has_several():
    volunteers = [vol(1, slots="tue 08:00-10:00; tue 12:00-18:00"), vol(2, slots="tue 12:00-18:00"), vol(3)]
    r = req(weekly_slots=tuple(parse_slots("tue 08:30-09:30; tue 13:00-17:00; thu 10:00-11:00")))
    result = suggest(r, volunteers, limit=10, now=NOW)
    assert result.summary == [
        {"code": "nearby", "count": 3, "km": 5.0},
        {"code": "not_available_on", "count": 2, "day": "tue", "time": ["08:30", "09:30"]},
        {"code": "not_available_on", "count": 1, "day": "thu"},
        {"code": "none_eligible"},
    ]
    assert result.not_available_by_window == {"di 08:30-09:30": 2, "do 10:00-11:00": 1}


@pytest.mark.parametrize(
    ("volunteer_kw", "rule"),
    [
        ({"active": False}, "inactive"),
        ({"paused_until": TODAY}, "paused"),
        ({"max_distance_km": 0.5}, "too_far_for_volunteer"),
        ({"open_matches": 1}, "capacity"),
        ({"vog_valid_until": None}, "vog"),
        ({"id": 66}, "excluded"),
    ],
)
def test_each_rejection_has_a_line(volunteer_kw, rule):
    v = vol(**{"id": 1, "km": 1.0, "vog_valid_until": dt.date(2027, 1, 1), **volunteer_kw})
    result = suggest(req(needs_vog=True, excluded_volunteer_ids={66}), [v], limit=10, now=NOW)
    assert result.summary[1] == {"code": "rejected", "rule": rule, "count": 1}
    assert result.candidates == []


def test_dated_request_summary_names_the_date():
    r = req(weekly_slots=(), dates=((dt.date(2026, 10, 25), dt.time(14), dt.time(16)),))
    result = suggest(r, [vol(1, slots="sat 10:00-18:00")], limit=10, now=NOW)
    assert result.summary[1] == {"code": "not_available_on", "count": 1, "day": "sun", "date": "2026-10-25"}


def test_nobody_nearby():
    result = suggest(req(), [vol(1, 8.0)], limit=10, now=NOW)
    assert result.summary == [{"code": "none_nearby", "km": 5.0}]
    assert result.candidates == [] and result.rejections == {}


@pytest.mark.parametrize("limit", [0, -1, 101, 10**9, True, 2.5, "10", None])
def test_limit_is_validated(limit):
    with pytest.raises(ValueError):
        suggest(req(), [vol(1)], limit=limit, now=NOW)


def test_a_pool_and_a_list_give_the_same_suggestions():
    volunteers = [vol(i, 0.3 * i, open_matches=i % 2, max_active_matches=2) for i in range(1, 15)]
    pool = VolunteerPool.from_volunteers(volunteers)
    weights = Weights(load=4)
    a = suggest(req(), pool, limit=7, weights=weights, now=NOW)
    b = suggest(req(), list(reversed(volunteers)), limit=7, weights=weights, now=NOW)
    assert a == b and len(a.candidates) == 7


def test_today_defaults_to_the_amsterdam_date_of_now():
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # already Tuesday 3 March in Amsterdam
    paused = vol(1, paused_until=dt.date(2026, 3, 2))
    assert [c.volunteer_id for c in suggest(req(), [paused], limit=5, now=late).candidates] == [1]
    with pytest.raises(ValueError):
        suggest(req(), [paused], limit=5, now=dt.datetime(2026, 3, 3, 12))  # naive
