"""The volunteer pool: grid radius queries return exactly the brute-force set; columns
round-trip; slots merge like common.slots.merge_touching."""

import copy
import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.geo import Point, haversine_km
from common.slots import Slot, merge_touching
from matching.engine import VolunteerData, VolunteerPool
from matching.engine.spatial import _merge_slots

BOUNDARY_KM = 1e-7  # points this close to the radius may fall either way in float64


def brute_force(points: list[Point], centre: Point, radius: float) -> tuple[set[int], set[int]]:
    """Rows surely inside and rows on the boundary (undecidable in float64)."""
    inside, edge = set(), set()
    for i, p in enumerate(points):
        d = haversine_km(centre, p)
        if abs(d - radius) <= BOUNDARY_KM:
            edge.add(i)
        elif d <= radius:
            inside.add(i)
    return inside, edge


def check_query(points, centre, radius, cell_km):
    pool = VolunteerPool.from_arrays(
        np.arange(len(points)),
        [p.lat for p in points],
        [p.lon for p in points],
        np.full(len(points), 5.0),
        cell_km=cell_km,
    )
    rows, dist = pool.within(centre, radius)
    inside, edge = brute_force(points, centre, radius)
    ids = pool.ids[rows].tolist()  # the id is the position in ``points``
    assert inside <= set(ids) <= inside | edge
    assert ids == sorted(ids)
    for i, d in zip(ids, dist, strict=True):
        assert d == pytest.approx(haversine_km(centre, points[i]), abs=1e-9)
        assert d <= radius


dutch_point = st.builds(Point, st.floats(50.7, 53.6), st.floats(3.3, 7.3))
# Clustered: many points near one place, like volunteers around a town.
near_arnhem = st.builds(lambda dlat, dlon: Point(51.98 + dlat, 5.91 + dlon), st.floats(-0.2, 0.2), st.floats(-0.3, 0.3))


@settings(max_examples=100, deadline=None, database=None)
@given(
    points=st.lists(st.one_of(near_arnhem, dutch_point), min_size=0, max_size=300),
    centre=st.one_of(near_arnhem, dutch_point),
    radius=st.floats(0, 60),
    cell_km=st.sampled_from([0.3, 1.0, 2.0, 7.5, 40.0]),
)
def test_radius_query_equals_brute_force_in_the_netherlands(points, centre, radius, cell_km):
    check_query(points, centre, radius, cell_km)


anywhere = st.builds(Point, st.floats(-90, 90), st.floats(-180, 180))
polar_or_dateline = st.one_of(
    st.builds(Point, st.floats(85, 90), st.floats(-180, 180)),
    st.builds(Point, st.floats(-90, -85), st.floats(-180, 180)),
    st.builds(Point, st.floats(-60, 60), st.floats(178, 180)),
    st.builds(Point, st.floats(-60, 60), st.floats(-180, -178)),
)


@settings(max_examples=100, deadline=None, database=None)
@given(
    points=st.lists(st.one_of(anywhere, polar_or_dateline), max_size=150),
    centre=st.one_of(anywhere, polar_or_dateline),
    radius=st.one_of(st.floats(0, 500), st.floats(500, 25_000)),
)
def test_radius_query_equals_brute_force_anywhere_on_earth(points, centre, radius):
    check_query(points, centre, radius, 2.0)


def test_the_query_scans_only_the_box_not_the_pool():
    rng = np.random.default_rng(7)
    n = 200_000
    lat = 52.0 + rng.uniform(-1.0, 1.0, n)
    lon = 5.5 + rng.uniform(-1.5, 1.5, n)
    pool = VolunteerPool.from_arrays(np.arange(n), lat, lon, np.full(n, 10.0))
    box = pool.box_rows(Point(52.0, 5.5), 5.0)
    rows, _ = pool.within(Point(52.0, 5.5), 5.0)
    assert len(rows) > 0
    # Box area over circle area is 4/pi; cell rounding adds a little.
    assert len(box) < 2.5 * len(rows) < n / 100


def test_empty_pool_and_far_away_queries():
    empty = VolunteerPool.from_arrays([], [], [], [])
    assert len(empty.within(Point(52, 5), 10)[0]) == 0
    pool = VolunteerPool.from_arrays([1], [52.0], [5.0], [5.0])
    assert len(pool.within(Point(40.0, -3.7), 100)[0]) == 0
    assert pool.within(Point(52.0, 5.0), 0)[0].tolist() == [0]


@pytest.mark.parametrize(
    "bad",
    [
        {"ids": [1, 1], "lat": [52, 52], "lon": [5, 5], "max_km": [1, 1]},  # duplicate ids
        {"ids": [1], "lat": [95.0], "lon": [5.0], "max_km": [1]},  # latitude out of range
        {"ids": [1], "lat": [52.0], "lon": [5.0], "max_km": [-1]},
        {"ids": [1], "lat": [float("nan")], "lon": [5.0], "max_km": [1]},
        {"ids": [1, 2], "lat": [52.0], "lon": [5.0, 5.0], "max_km": [1, 1]},  # lengths differ
    ],
)
def test_from_arrays_refuses_bad_columns(bad):
    with pytest.raises(ValueError):
        VolunteerPool.from_arrays(bad["ids"], bad["lat"], bad["lon"], bad["max_km"])


def test_pool_keeps_rows_in_grid_order_and_maps_ids_to_rows():
    # 30 and 10 share a grid cell far from 20: cells first, then ids.
    pool = VolunteerPool.from_arrays([30, 10, 20], [52.0, 52.0001, 53.0], [5.0, 5.0001, 6.0], [1, 2, 3])
    assert pool.ids.tolist() == [10, 30, 20]
    assert pool.lat.tolist() == [52.0001, 52.0, 53.0]
    assert pool.max_km.tolist() == [2, 1, 3]
    assert pool.row_of(20) == 2 and pool.row_of(25) is None
    assert pool.rows_of([30, 99, 10]).tolist() == [0, 1]
    assert pool.ids[pool.within(Point(52.0, 5.0), 500)[0]].tolist() == [10, 20, 30]


def test_the_same_volunteers_in_any_order_give_the_same_pool():
    rng = np.random.default_rng(3)
    ids = rng.permutation(1000)
    lat, lon = 52 + rng.normal(0, 0.1, 1000), 5.9 + rng.normal(0, 0.1, 1000)
    a = VolunteerPool.from_arrays(ids, lat, lon, np.full(1000, 5.0))
    shuffle = rng.permutation(1000)
    b = VolunteerPool.from_arrays(ids[shuffle], lat[shuffle], lon[shuffle], np.full(1000, 5.0))
    assert a.ids.tolist() == b.ids.tolist() and a.lat.tolist() == b.lat.tolist()


slot_strategy = st.builds(
    lambda day, start, length: Slot(
        day, dt.time(*divmod(start, 60)), dt.time(*divmod(min(start + length, 23 * 60 + 59), 60))
    ),
    st.integers(0, 6),
    st.integers(0, 95).map(lambda q: q * 15),  # quarter hours, so touching happens often
    st.integers(1, 24).map(lambda q: q * 15),
)


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(0, 3), slot_strategy), max_size=25))
def test_vectorised_merge_equals_merge_touching(owned_slots):
    def secs(t):
        return t.hour * 3600 + t.minute * 60

    owner, wd, start, end = _merge_slots(
        [o for o, _ in owned_slots],
        [s.weekday for _, s in owned_slots],
        [secs(s.start) for _, s in owned_slots],
        [secs(s.end) for _, s in owned_slots],
    )
    got = sorted(zip(owner.tolist(), wd.tolist(), start.tolist(), end.tolist(), strict=True))
    expected = sorted(
        (o, s.weekday, secs(s.start), secs(s.end))
        for o in range(4)
        for s in merge_touching(s for oo, s in owned_slots if oo == o)
    )
    assert got == expected


def test_columns_round_trip_to_volunteer_data():
    v = VolunteerData(
        id=7,
        organisation_id=3,
        point=Point(51.98, 5.91),
        max_distance_km=8.5,
        skills={"shopping", "respite"},
        slots=(Slot(1, dt.time(13), dt.time(15)), Slot(1, dt.time(15), dt.time(17)), Slot(6, dt.time(10), dt.time(12))),
        vog_valid_until=dt.date(2027, 1, 1),
        active=True,
        paused_until=dt.date(2026, 1, 5),
        max_active_matches=3,
        open_matches=1,
        languages={"nl", "tr"},
        wants_one_off=False,
        wants_recurring=True,
        target_groups={"elderly"},
        neighbourhood_id=4,
        households_helped={"hh-1", "hh-2"},
        unavailable_dates={dt.date(2026, 10, 25)},
    )
    other = VolunteerData(id=2, organisation_id=3, point=Point(52.0, 5.9), max_distance_km=1, languages=set())
    pool = VolunteerPool.from_volunteers([v, other])
    pool._volunteers = None  # force reading the columns back
    back = pool.volunteer(pool.row_of(7))
    assert (
        back.available
        == v.available
        == (
            Slot(1, dt.time(13), dt.time(17)),
            Slot(6, dt.time(10), dt.time(12)),
        )
    )
    for name in [
        "id",
        "organisation_id",
        "point",
        "max_distance_km",
        "skills",
        "vog_valid_until",
        "active",
        "paused_until",
        "max_active_matches",
        "open_matches",
        "languages",
        "wants_one_off",
        "wants_recurring",
        "target_groups",
        "neighbourhood_id",
        "households_helped",
        "unavailable_dates",
    ]:
        assert getattr(back, name) == getattr(v, name), name
    assert pool.volunteer(pool.row_of(2)).languages == frozenset()


def test_update_open_matches_keeps_a_cached_pool_fresh():
    v = VolunteerData(id=5, organisation_id=1, point=Point(52, 5), max_distance_km=3, max_active_matches=2)
    pool = VolunteerPool.from_volunteers([v])
    pool.update_open_matches({5: 2, 99: 1})
    assert pool.open_matches.tolist() == [2]
    assert pool.volunteer(0).open_matches == 2
    with pytest.raises(ValueError):
        pool.update_open_matches({5: -1})


def test_many_cells_are_capped_but_queries_stay_exact():
    # A pool spread over the whole Earth with tiny cells would need ~10^14 cells.
    rng = np.random.default_rng(1)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 5000)))
    lon = rng.uniform(-180, 180, 5000)
    pool = VolunteerPool.from_arrays(np.arange(5000), lat, lon, np.full(5000, 1.0), cell_km=0.01)
    assert pool.rows * pool.cols <= (1 << 22)
    centre = Point(float(lat[0]), float(lon[0]))
    rows, _ = pool.within(centre, 800.0)
    inside, edge = brute_force([Point(float(a), float(b)) for a, b in zip(lat, lon, strict=True)], centre, 800.0)
    assert inside <= set(pool.ids[rows].tolist()) <= inside | edge
    assert len(inside) > 1
    assert math.isfinite(pool.dlat)


# --- Patching a pool: the same as building it again -------------------------------------------


def _random_volunteer(rng: np.random.Generator, vid: int, *, spread: float = 0.1) -> VolunteerData:
    day = dt.date(2030, 6, 3)
    slots = tuple(
        Slot(int(rng.integers(0, 7)), dt.time(int(h), 0), dt.time(int(h) + int(rng.integers(1, 4)), 30))
        for h in rng.integers(6, 18, size=int(rng.integers(0, 3)))
    )
    return VolunteerData(
        id=vid,
        organisation_id=1,
        point=Point(52.0 + float(rng.uniform(-spread, spread)), 5.9 + float(rng.uniform(-spread, spread))),
        max_distance_km=float(rng.choice([2.0, 5.0, 10.0])),
        skills=frozenset(rng.choice(["shopping", "walking", "cooking", "digital"], size=int(rng.integers(0, 3)))),
        slots=slots,
        vog_valid_until=day + dt.timedelta(days=int(rng.integers(-10, 900))) if rng.random() < 0.7 else None,
        active=bool(rng.random() < 0.9),
        paused_until=day + dt.timedelta(days=int(rng.integers(0, 20))) if rng.random() < 0.2 else None,
        max_active_matches=int(rng.integers(0, 3)),
        open_matches=int(rng.integers(0, 2)),
        languages=frozenset(rng.choice(["nl", "en", "tr", "ar"], size=int(rng.integers(1, 3)))),
        wants_one_off=bool(rng.random() < 0.8),
        wants_recurring=bool(rng.random() < 0.8),
        target_groups=frozenset(rng.choice(["elderly", "dementia", "children"], size=int(rng.integers(0, 2)))),
        neighbourhood_id=int(rng.integers(1, 4)) if rng.random() < 0.8 else None,
        households_helped=frozenset(f"mz:{k}" for k in rng.integers(1, 6, size=int(rng.integers(0, 2)))),
        unavailable_dates=frozenset(
            day + dt.timedelta(days=int(k)) for k in rng.integers(0, 5, size=int(rng.integers(0, 2)))
        ),
    )


def _from_columns(pool: VolunteerPool) -> dict[int, VolunteerData]:
    """Every volunteer as the columns hold them (merged, sorted slots), not as the input
    list a pool from ``from_volunteers`` keeps."""
    pool = copy.copy(pool)
    pool._volunteers = None
    return {v.id: v for v in pool.volunteers(np.arange(len(pool)))}


@pytest.mark.parametrize("seed", range(12))
def test_a_patched_pool_equals_the_pool_built_again(seed):
    rng = np.random.default_rng(seed)
    volunteers = {vid: _random_volunteer(rng, vid) for vid in range(1, 41)}
    pool = VolunteerPool.from_volunteers(volunteers.values())
    for _step in range(6):
        changed = set(rng.choice(sorted(volunteers), size=int(rng.integers(1, 4)), replace=False).tolist())
        for vid in list(changed):
            roll = rng.random()
            if roll < 0.15:
                del volunteers[vid]
            elif roll < 0.5:  # the same place, other values (the in-place way)
                new = _random_volunteer(rng, vid)
                volunteers[vid] = replace(new, point=volunteers[vid].point, slots=volunteers[vid].slots)
            else:
                volunteers[vid] = _random_volunteer(rng, vid, spread=0.3 if roll > 0.9 else 0.1)
        if rng.random() < 0.3:
            vid = max(volunteers) + 1
            volunteers[vid] = _random_volunteer(rng, vid)
            changed.add(vid)
        fresh = VolunteerPool.from_volunteers([volunteers[v] for v in sorted(changed) if v in volunteers])
        patched = pool.patched(changed, fresh)
        built = VolunteerPool.from_volunteers(volunteers.values())
        assert _from_columns(patched) == _from_columns(built)
        assert patched.max_radius_km == built.max_radius_km
        for _ in range(5):
            centre = Point(52.0 + float(rng.uniform(-0.1, 0.1)), 5.9 + float(rng.uniform(-0.1, 0.1)))
            rows, dist = patched.within(centre, 8.0)
            rows_b, dist_b = built.within(centre, 8.0)
            assert patched.ids[rows].tolist() == built.ids[rows_b].tolist()
            assert np.allclose(dist, dist_b)
        pool = patched


def test_patching_leaves_the_published_pool_alone():
    rng = np.random.default_rng(7)
    volunteers = [_random_volunteer(rng, vid) for vid in range(1, 11)]
    pool = VolunteerPool.from_volunteers(volunteers)
    before = {v.id: v for v in pool.volunteers(np.arange(len(pool)))}
    changed = replace(volunteers[0], open_matches=5, max_active_matches=6)
    patched = pool.patched([1], VolunteerPool.from_volunteers([changed]))
    assert patched.volunteer(patched.row_of(1)).open_matches == 5
    assert {v.id: v for v in pool.volunteers(np.arange(len(pool)))} == before
    assert patched.lat is pool.lat  # unchanged columns are shared
    with pytest.raises(ValueError):
        pool.patched([2], VolunteerPool.from_volunteers([changed]))  # fresh must be among the changed
