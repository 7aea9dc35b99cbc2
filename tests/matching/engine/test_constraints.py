"""Hard constraints, table-driven; every case is checked on the single-pair reference
(``first_rejection``) and on the column-wise path the engine really uses (``evaluate``)."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from common.geo import EARTH_RADIUS_KM, Point, haversine_km
from common.slots import parse_slots
from matching.engine import RequestData, VolunteerData, VolunteerPool, Weights
from matching.engine.constraints import all_rejections, first_rejection, uncovered_windows
from matching.engine.suggest import evaluate
from matching.engine.types import Rejection as R

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)  # a Tuesday
TODAY = NOW.date()
HOME = Point(51.98, 5.91)  # Arnhem


def north(km: float, base: Point = HOME) -> Point:
    """A point ``km`` due north of ``base`` (haversine along a meridian is exact)."""
    return Point(base.lat + math.degrees(km / EARTH_RADIUS_KM), base.lon)


def vol(**kw) -> VolunteerData:
    base = {
        "id": 1,
        "organisation_id": 1,
        "point": north(1.0),
        "max_distance_km": 10.0,
        "slots": tuple(parse_slots("tue 09:00-17:00; sun 00:00-23:59")),
        "skills": {"shopping", "respite"},
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
        "created_at": NOW - dt.timedelta(days=3),
        "weekly_slots": tuple(parse_slots("tue 13:00-17:00")),
    }
    base.update(kw)
    if isinstance(base["weekly_slots"], str):
        base["weekly_slots"] = tuple(parse_slots(base["weekly_slots"]))
    return RequestData(**base)


def both_paths(v: VolunteerData, r: RequestData, today: dt.date = TODAY):
    """The rejection code by the reference and by the column-wise evaluation."""
    scalar = first_rejection(v, r, today=today)
    ev = evaluate(r, VolunteerPool.from_volunteers([v]), today=today, now=NOW, weights=Weights())
    broken = [code for code, n in ev.rejections.items() if n]
    assert len(broken) + len(ev.rows) <= 1
    if ev.rows.size:
        vector = None
    elif broken:
        vector = broken[0]
    else:  # outside the query radius: only possible when too far
        vector = "outside"
    return scalar, vector


def assert_rejection(v, r, expected, today=TODAY):
    scalar, vector = both_paths(v, r, today)
    assert scalar == expected
    if vector == "outside":  # the radius query already left it out, for the same reason
        assert expected in (R.TOO_FAR_FOR_REQUEST, R.TOO_FAR_FOR_VOLUNTEER)
    else:
        assert vector == expected


def test_the_baseline_pair_is_a_candidate():
    assert_rejection(vol(), req(), None)


@pytest.mark.parametrize(
    ("volunteer_org", "request_org", "shared", "expected"),
    [
        (1, 1, (), None),
        (2, 1, (), R.ORGANISATION),
        (2, 1, (2,), None),  # a shared region
        (3, 1, (2,), R.ORGANISATION),
    ],
)
def test_organisation(volunteer_org, request_org, shared, expected):
    v = vol(organisation_id=volunteer_org)
    r = req(organisation_id=request_org, shared_organisation_ids=shared)
    assert_rejection(v, r, expected)


@pytest.mark.parametrize(
    ("distance", "volunteer_max", "request_max", "expected"),
    [
        (3.0, 5.0, None, None),
        (4.9, 5.0, None, None),
        (5.1, 5.0, None, R.TOO_FAR_FOR_VOLUNTEER),
        (3.0, 5.0, 2.0, R.TOO_FAR_FOR_REQUEST),  # the request's radius is the tighter one
        (4.0, 3.0, 10.0, R.TOO_FAR_FOR_VOLUNTEER),  # the volunteer's radius is the tighter one
        (4.0, 10.0, 5.0, None),
        (6.0, 10.0, 5.0, R.TOO_FAR_FOR_REQUEST),
        (0.0, 0.0, 0.0, None),  # same address, nobody wants to travel
        (0.5, 0.0, None, R.TOO_FAR_FOR_VOLUNTEER),
    ],
)
def test_distance_respects_both_radii(distance, volunteer_max, request_max, expected):
    v = vol(point=north(distance), max_distance_km=volunteer_max)
    r = req(max_distance_km=request_max)
    assert haversine_km(v.point, r.point) == pytest.approx(distance, abs=1e-9)
    assert_rejection(v, r, expected)


@pytest.mark.parametrize(
    ("distance", "volunteer_max", "request_max", "expected"),
    [
        (5.0, 5.0, None, None),  # the limit itself is allowed
        (5.0, 9.0, 5.0, None),
        (5.0000001, 5.0, None, R.TOO_FAR_FOR_VOLUNTEER),
    ],
)
def test_distance_boundaries_on_the_reference(distance, volunteer_max, request_max, expected):
    v, r = vol(max_distance_km=volunteer_max), req(max_distance_km=request_max)
    assert first_rejection(v, r, today=TODAY, distance_km=distance) == expected


@pytest.mark.parametrize(
    ("active", "paused_until", "dates", "expected"),
    [
        (True, None, (), None),
        (False, None, (), R.INACTIVE),
        (True, TODAY - dt.timedelta(days=1), (), None),  # pause is over
        (True, TODAY, (), R.PAUSED),  # paused up to and including today
        (True, TODAY + dt.timedelta(days=10), (), R.PAUSED),  # weekly help starts now
        # A request for one date after the pause ends: fine.
        (True, dt.date(2026, 3, 10), ((dt.date(2026, 3, 17), dt.time(14), dt.time(16)),), None),
        # A date inside the pause: out.
        (True, dt.date(2026, 3, 17), ((dt.date(2026, 3, 17), dt.time(14), dt.time(16)),), R.PAUSED),
        # The first of two dates falls in the pause: out.
        (
            True,
            dt.date(2026, 3, 12),
            ((dt.date(2026, 3, 10), dt.time(14), dt.time(16)), (dt.date(2026, 3, 24), dt.time(14), dt.time(16))),
            R.PAUSED,
        ),
    ],
)
def test_active_and_not_paused(active, paused_until, dates, expected):
    v = vol(active=active, paused_until=paused_until)
    r = req(weekly_slots=() if dates else "tue 13:00-17:00", dates=dates)
    assert_rejection(v, r, expected)


@pytest.mark.parametrize(
    ("has", "required", "expected"),
    [
        ({"shopping", "respite"}, set(), None),
        ({"shopping", "respite"}, {"shopping"}, None),
        ({"shopping", "respite"}, {"shopping", "respite"}, None),
        ({"shopping"}, {"shopping", "respite"}, R.SKILLS),  # all, not one of them
        (set(), {"shopping"}, R.SKILLS),
        ({"shopping"}, {"gardening"}, R.SKILLS),  # a skill no volunteer in the pool has
    ],
)
def test_all_required_skills(has, required, expected):
    assert_rejection(vol(skills=has), req(required_skills=required), expected)


D1 = dt.date(2026, 4, 7)
D2 = dt.date(2026, 4, 21)


@pytest.mark.parametrize(
    ("needs_vog", "valid_until", "dates", "expected"),
    [
        (False, None, (), None),
        (True, None, (), R.VOG),
        (True, TODAY, (), None),  # weekly help: valid today is enough today
        (True, TODAY - dt.timedelta(days=1), (), R.VOG),
        (True, D2, (D1, D2), None),
        (True, D2 - dt.timedelta(days=1), (D1, D2), R.VOG),  # expires before the last date
        (True, D1, (D1,), None),
        (True, D1 - dt.timedelta(days=1), (D1,), R.VOG),  # expires the day before the request date
    ],
)
def test_vog_valid_on_every_requested_date(needs_vog, valid_until, dates, expected):
    windows = tuple((d, dt.time(14), dt.time(16)) for d in dates)
    v = vol(vog_valid_until=valid_until)
    r = req(needs_vog=needs_vog, weekly_slots=() if dates else "tue 13:00-17:00", dates=windows)
    assert_rejection(v, r, expected)


@pytest.mark.parametrize(
    ("available", "requested", "expected"),
    [
        ("tue 13:00-17:00", "tue 13:00-17:00", None),  # exactly
        ("tue 12:00-18:00", "tue 13:00-17:00", None),
        ("tue 13:00-17:00", "tue 12:00-18:00", R.NOT_AVAILABLE),  # the example
        ("tue 13:00-17:00", "tue 12:30-14:00", R.NOT_AVAILABLE),  # starts too early
        ("tue 13:00-17:00", "tue 16:00-17:30", R.NOT_AVAILABLE),  # ends too late
        ("tue 12:00-15:00; tue 15:00-18:00", "tue 13:00-17:00", None),  # touching slots merge
        ("tue 12:00-14:59; tue 15:00-18:00", "tue 13:00-17:00", R.NOT_AVAILABLE),  # a gap
        ("wed 13:00-17:00", "tue 13:00-17:00", R.NOT_AVAILABLE),  # another day
        ("tue 13:00-17:00; thu 09:00-12:00", "tue 13:00-17:00; thu 09:00-12:00", None),
        ("tue 13:00-17:00; thu 09:00-11:00", "tue 13:00-17:00; thu 09:00-12:00", R.NOT_AVAILABLE),  # every slot
        ("", "tue 13:00-17:00", R.NOT_AVAILABLE),
        ("", "", None),  # no time asked: nothing to cover
        ("mon 20:00-24:00", "mon 22:00-24:00", None),  # "24:00" is the end of the day
    ],
)
def test_weekly_availability_covers_every_requested_slot(available, requested, expected):
    assert_rejection(vol(slots=available), req(weekly_slots=requested), expected)


@pytest.mark.parametrize(
    ("available", "date", "start", "end", "expected"),
    [
        # The DST-change Sundays: wall-clock comparison, so nothing shifts by an hour.
        ("sun 13:00-17:00", dt.date(2026, 10, 25), dt.time(14), dt.time(16), None),
        ("sun 13:00-17:00", dt.date(2027, 3, 28), dt.time(14), dt.time(16), None),
        ("sun 13:00-17:00", dt.date(2026, 10, 25), dt.time(12), dt.time(16), R.NOT_AVAILABLE),
        ("sun 13:00-17:00", dt.date(2027, 3, 28), dt.time(16), dt.time(18), R.NOT_AVAILABLE),
        # The hour that happens twice (autumn) and the hour that does not exist (spring).
        ("sun 00:00-06:00", dt.date(2026, 10, 25), dt.time(2), dt.time(3), None),
        ("sun 00:00-06:00", dt.date(2027, 3, 28), dt.time(2), dt.time(3), None),
        ("sun 03:00-06:00", dt.date(2026, 10, 25), dt.time(2, 30), dt.time(4), R.NOT_AVAILABLE),
        # The day after is a Monday.
        ("sun 13:00-17:00", dt.date(2026, 10, 26), dt.time(14), dt.time(16), R.NOT_AVAILABLE),
        ("mon 13:00-17:00", dt.date(2026, 10, 26), dt.time(14), dt.time(16), None),
    ],
)
def test_specific_dates_use_that_weekday_in_wall_clock_time(available, date, start, end, expected):
    v = vol(slots=available, vog_valid_until=None)
    r = req(weekly_slots=(), dates=((date, start, end),))
    assert_rejection(v, r, expected)


def test_dst_sunday_slot_is_the_same_wall_clock_window_but_not_the_same_utc_length():
    # 01:00-04:00 on 2026-10-25 lasts 4 real hours (02:00-03:00 happens twice); the
    # engine compares wall-clock times, so a volunteer free 01:00-04:00 covers it.
    start = dt.datetime(2026, 10, 25, 1, tzinfo=AMS)
    end = dt.datetime(2026, 10, 25, 4, tzinfo=AMS)
    assert (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)) == dt.timedelta(hours=4)
    v = vol(slots="sun 01:00-04:00")
    r = req(weekly_slots=(), dates=((dt.date(2026, 10, 25), dt.time(1), dt.time(4)),))
    assert_rejection(v, r, None)


def test_a_holiday_exception_blocks_that_date_only():
    day = dt.date(2026, 10, 25)
    v = vol(slots="sun 13:00-17:00", unavailable_dates={day})
    on_holiday = req(weekly_slots=(), dates=((day, dt.time(14), dt.time(16)),))
    week_later = req(weekly_slots=(), dates=((day + dt.timedelta(days=7), dt.time(14), dt.time(16)),))
    assert_rejection(v, on_holiday, R.NOT_AVAILABLE)
    assert_rejection(v, week_later, None)


@pytest.mark.parametrize(
    ("open_matches", "maximum", "expected"),
    [
        (0, 1, None),
        (1, 1, R.CAPACITY),  # an existing active match fills the only place
        (1, 2, None),
        (2, 2, R.CAPACITY),
        (0, 0, R.CAPACITY),
    ],
)
def test_capacity(open_matches, maximum, expected):
    assert_rejection(vol(open_matches=open_matches, max_active_matches=maximum), req(), expected)


@pytest.mark.parametrize(
    ("excluded", "expected"),
    [
        ((), None),
        ((1,), R.EXCLUDED),  # declined or blocked before
        ((2, 3), None),
    ],
)
def test_declined_or_blocked_pair(excluded, expected):
    assert_rejection(vol(id=1), req(excluded_volunteer_ids=excluded), expected)


def test_first_rejection_follows_the_checking_order_and_all_rejections_lists_every_one():
    v = vol(active=False, skills=set(), open_matches=1, slots="")
    r = req(required_skills={"shopping"})
    assert first_rejection(v, r, today=TODAY) == R.INACTIVE
    assert all_rejections(v, r, today=TODAY) == [R.INACTIVE, R.SKILLS, R.NOT_AVAILABLE, R.CAPACITY]
    assert all_rejections(vol(), req(), today=TODAY) == []


def test_uncovered_windows_names_the_missing_ones():
    v = vol(slots="tue 13:00-17:00")
    r = req(weekly_slots="tue 13:00-17:00; thu 09:00-12:00")
    assert [w.label() for w in uncovered_windows(v, r)] == ["do 09:00-12:00"]


@pytest.mark.parametrize(
    "bad",
    [
        {"urgency": "urgent"},
        {"created_at": dt.datetime(2026, 3, 1)},  # naive
        {"max_distance_km": -1},
        {"max_distance_km": float("nan")},
        {"dates": ((dt.date(2026, 3, 10), dt.time(16), dt.time(14)),)},
    ],
)
def test_request_data_refuses_bad_values(bad):
    with pytest.raises(ValueError):
        req(**bad)


def test_volunteer_data_refuses_bad_values():
    with pytest.raises(ValueError):
        vol(max_distance_km=-0.1)
    with pytest.raises(ValueError):
        vol(open_matches=-1)
    with pytest.raises(TypeError):
        vol(point=(51.9, 5.9))
