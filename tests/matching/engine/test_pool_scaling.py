"""One suggestion's engine work must not grow with the size of the pool (issue #12).

The grid index lets a suggestion look only at the volunteers around the request, so
a pool with ten times more volunteers *elsewhere* must cost exactly the same. Not a
timing: every column of the pool is wrapped in an ndarray subclass that counts the
elements converted to Python (``tolist``, iteration, scalars) and the elements fed to
numpy ufuncs and functions, and the two counts of one suggestion are compared
between a pool of N volunteers and the same N plus 9N far away. Converting a whole
column (all slots of all volunteers) for the ten candidates, as
``VolunteerPool.volunteers`` did after 2026-12-01, makes the big pool's counts ten
times larger.
"""

import datetime as dt
import math

import numpy as np
import pytest

from common.geo import EARTH_RADIUS_KM, Point
from common.slots import parse_slots
from matching.engine import DateWindow, RequestData, VolunteerPool, suggest

AMS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=AMS)  # a Tuesday
TODAY = NOW.date()
HOME = Point(51.98, 5.91)
NEAR = 2_000  # volunteers within about 12 km of HOME
SKILLS = ("shopping", "transport", "company", "gardening")
KM_PER_DEG_LAT = math.radians(1) * EARTH_RADIUS_KM


class Counting(np.ndarray):
    """An ndarray that counts, in class attributes, what is done with its elements.

    ``python``: elements turned into Python objects; ``numpy``: elements given to a
    ufunc or a numpy function. Results of indexing and arithmetic are ``Counting``
    arrays too, so work on anything derived from the pool's columns is counted.
    """

    python = 0
    numpy = 0

    @classmethod
    def reset(cls) -> None:
        cls.python = cls.numpy = 0

    def tolist(self):
        Counting.python += self.size
        return super().tolist()

    def __iter__(self):
        Counting.python += self.size
        return super().__iter__()

    def item(self, *args):
        Counting.python += 1
        return super().item(*args)

    def __getitem__(self, key):
        found = super().__getitem__(key)
        if not isinstance(found, np.ndarray):
            Counting.python += 1
        return found

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        Counting.numpy += sum(x.size for x in inputs if isinstance(x, Counting))
        inputs = tuple(_plain(x) for x in inputs)
        if out is not None:
            kwargs["out"] = tuple(_plain(x) for x in out)
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return tuple(map(_counted, result)) if isinstance(result, tuple) else _counted(result)

    def __array_function__(self, func, types, args, kwargs):
        flat = [y for x in args for y in (x if isinstance(x, list | tuple) else (x,))]
        Counting.numpy += sum(x.size for x in flat if isinstance(x, Counting))
        return super().__array_function__(func, types, args, kwargs)


def _plain(x):
    return x.view(np.ndarray) if isinstance(x, Counting) else x


def _counted(x):
    return x.view(Counting) if isinstance(x, np.ndarray) else x


def columns(n: int, rng: np.random.Generator, *, first_id: int, east_km: float) -> dict:
    """``n`` volunteers in a 24 x 24 km square centred ``east_km`` east of HOME, as the
    columns of :meth:`VolunteerPool.from_arrays`."""
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(HOME.lat))
    lat = HOME.lat + rng.uniform(-12, 12, n) / KM_PER_DEG_LAT
    lon = HOME.lon + (east_km + rng.uniform(-12, 12, n)) / km_per_deg_lon
    owner = np.repeat(np.arange(n), rng.integers(1, 5, n))  # 1-4 weekly slots each
    start = rng.integers(7, 16, len(owner)) * 3600
    return {
        "ids": np.arange(first_id, first_id + n),
        "lat": lat,
        "lon": lon,
        "max_km": rng.choice([3.0, 5.0, 8.0, 10.0], n),
        "skills": rng.integers(0, 1 << len(SKILLS), n, dtype=np.uint64),
        "vog": np.where(rng.random(n) < 0.7, (TODAY + dt.timedelta(days=400)).toordinal(), -1),
        "open": rng.integers(0, 2, n),
        "slots": (owner, rng.integers(0, 7, len(owner)), start, start + rng.integers(2, 6, len(owner)) * 3600),
    }


def pool_of(parts: list[dict]) -> VolunteerPool:
    """One pool from several column sets (rows of later sets come after earlier ones),
    with households and a holiday, built from columns as the loaders build it."""
    offsets = np.cumsum([0] + [len(p["ids"]) for p in parts])
    ids = np.concatenate([p["ids"] for p in parts])
    pool = VolunteerPool.from_arrays(
        ids,
        np.concatenate([p["lat"] for p in parts]),
        np.concatenate([p["lon"] for p in parts]),
        np.concatenate([p["max_km"] for p in parts]),
        organisation_id=1,
        vog_valid_until=np.concatenate([p["vog"] for p in parts]),
        max_active_matches=2,
        open_matches=np.concatenate([p["open"] for p in parts]),
        skills=(np.concatenate([p["skills"] for p in parts]), SKILLS),
        slots=tuple(
            np.concatenate([p["slots"][i] + (offsets[k] if i == 0 else 0) for k, p in enumerate(parts)])
            for i in range(4)
        ),
        # Households and holidays of each part of its own: the far volunteers bring
        # entries that the requests near HOME never look up.
        households={f"household:{k}": p["ids"][::7] for k, p in enumerate(parts)},
        unavailable_dates={TODAY + dt.timedelta(days=7 + k): p["ids"][::5] for k, p in enumerate(parts)},
    )
    assert pool._volunteers is None  # reasons come from the columns, as in production
    for name, value in vars(pool).items():
        if isinstance(value, np.ndarray):
            setattr(pool, name, value.view(Counting))
    return pool


def requests() -> list[RequestData]:
    base = {"organisation_id": 1, "point": HOME, "created_at": NOW - dt.timedelta(days=2)}
    return [
        RequestData(
            id=1,
            weekly_slots=tuple(parse_slots("tue 10:00-12:00")),
            required_skills={"shopping"},
            max_distance_km=6.0,
            **base,
        ),
        RequestData(
            id=2,
            dates=[DateWindow(TODAY + dt.timedelta(days=7), dt.time(9), dt.time(11))],
            household_key="household:0",
            **base,
        ),
        RequestData(id=3, needs_vog=True, **base),
    ]


def work_of(request: RequestData, pool: VolunteerPool) -> tuple[int, int, list[dict]]:
    """Elements converted to Python and elements read by numpy for one suggestion, and
    its candidates. A first call builds what a pool builds once (inverse maps)."""
    suggest(request, pool, limit=10, now=NOW)
    Counting.reset()
    result = suggest(request, pool, limit=10, now=NOW)
    return Counting.python, Counting.numpy, [c.as_dict() for c in result.candidates]


@pytest.fixture(scope="module")
def pools() -> tuple[VolunteerPool, VolunteerPool]:
    near = columns(NEAR, np.random.default_rng(12), first_id=1, east_km=0.0)
    # Nine times as many about 200 km east, in the same latitudes: the grid around HOME
    # stays the same (same origin, same cell size), only the pool grows tenfold.
    far = columns(9 * NEAR, np.random.default_rng(13), first_id=NEAR + 1, east_km=200.0)
    far["lat"] = np.clip(far["lat"], near["lat"].min(), near["lat"].max())
    return pool_of([near]), pool_of([near, far])


@pytest.mark.parametrize("request_", requests(), ids=["weekly-skill", "date-household", "vog-no-radius"])
def test_one_suggestion_does_the_same_work_in_a_pool_ten_times_larger(pools, request_):
    small, big = pools
    assert len(big) == 10 * len(small)
    python_small, numpy_small, found_small = work_of(request_, small)
    python_big, numpy_big, found_big = work_of(request_, big)
    assert len(found_small) == 10
    assert found_big == found_small  # the far volunteers change nothing ...
    assert python_small > 0 and numpy_small > 0  # (the counters see the engine's work)
    # ... so they must cost nothing either.
    assert python_big == python_small, f"converted to Python: {python_small:,} for N, {python_big:,} for 10 N"
    assert numpy_big == numpy_small, f"read by numpy: {numpy_small:,} for N, {numpy_big:,} for 10 N"
