"""A volunteer pool in numpy columns with a uniform-grid spatial index.

Why a grid and not a KD-tree: a request asks "who lives within R km of this point",
and the answer is fed straight into numpy filters. The pool stores volunteers
sorted by grid cell (row-major: ``cell = row * width + col``, then by id), so all
cells of one grid row inside the query's bounding box are one contiguous stretch
of *every* column: a query is a handful of slices, and the constraint filters
that follow read memory sequentially instead of gathering from all over a
million-row array. No Python object per volunteer either
(``scipy.spatial.cKDTree.query_ball_point`` returns Python lists, which costs more
than the search itself for 10^5 hits).

Exactness: the bounding box of a spherical cap is exact (latitude +- R/Re;
longitude +- asin(sin(R/Re) / cos(lat)), see J. Matuschek, "Finding points within a
distance of a latitude/longitude"), cell numbers are monotone in the coordinates,
so the grid returns a superset of the cap; a vectorised haversine with the same
formula as :func:`neighbourhoods.geo.haversine_km` then keeps exactly the points
within R. Near a pole or across the antimeridian the box falls back to all
longitudes (still exact, just slower; irrelevant for the Netherlands).

Complexity (n volunteers, k of them in the query's box, h grid rows in the box):

* build: O(n log n) (one argsort on cell numbers) and O(n + cells) memory
  (cells are capped at :data:`MAX_CELLS`); slots are merged with one lexsort;
* query: O(h + k): h slice look-ups and O(k) numpy work for the exact distance.
  Only the box is ever scanned, never the pool.

The pool also holds everything the hard constraints and the score need, as
columns (skills, languages and target groups as bit sets; weekly availability as
merged slots in CSR layout), so a request is judged against thousands of
volunteers with a few dozen numpy operations. A pool is read-mostly: when some
volunteers change, :meth:`VolunteerPool.patched` makes a new pool with their rows
replaced (only the changed columns copied, the rest shared with the old pool, which is
left as it is); :meth:`VolunteerPool.update_open_matches` patches capacities in place.

Batch runs ask thousands of radius queries at once: :meth:`VolunteerPool.reach_ranges`
answers them without a Python loop, from a second index built on first use
(:class:`ReachIndex`: volunteers by travel-distance bucket and skill, each group in
grid order), and :class:`DaySlots` holds each volunteer's slots per weekday with a
half-hour bit set for a quick "not available" (see :mod:`matching.engine.edges`).
"""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from common.geo import EARTH_RADIUS_KM, Point
from common.slots import Slot

from .types import VolunteerData

__all__ = [
    "DEFAULT_CELL_KM",
    "MAX_CELLS",
    "REACH_BUCKETS_KM",
    "DaySlots",
    "ReachIndex",
    "VolunteerPool",
    "haversine_many",
]

DEFAULT_CELL_KM = 2.0
MAX_CELLS = 1 << 22  # 4M cells (32 MB of offsets) at most, whatever the spread
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0
_SLOT_KEY_SCALE = 100_000  # > seconds in a day
_EPS_DEG = 1e-9
# Upper edges of the reach buckets of :class:`ReachIndex` (a volunteer who travels up to
# 5 km is in the bucket "3-5 km"); beyond the last edge, one more bucket.
REACH_BUCKETS_KM = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 75.0, 100.0)


def haversine_many(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many, operation for operation the formula of
    :func:`neighbourhoods.geo.haversine_km`."""
    lat1 = math.radians(lat0)
    lat2 = np.radians(lat)
    dlat = lat2 - lat1
    dlon = np.radians(lon - lon0)
    h = np.sin(dlat / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _as_array(value, n: int, dtype, default) -> np.ndarray:
    if value is None:
        return np.full(n, default, dtype=dtype)
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 0:
        return np.full(n, arr, dtype=dtype)
    if arr.shape != (n,):
        raise ValueError(f"expected {n} values, got shape {arr.shape}")
    return arr


def _bits_from_sets(sets: Sequence[frozenset[str]]) -> tuple[np.ndarray, tuple[str, ...]]:
    vocab = tuple(sorted(set().union(*sets))) if sets else ()
    words = max(1, -(-len(vocab) // 64))
    bit_of = {code: i for i, code in enumerate(vocab)}
    bits = np.zeros((len(sets), words), dtype=np.uint64)
    for row, codes in enumerate(sets):
        for code in codes:
            i = bit_of[code]
            bits[row, i >> 6] |= np.uint64(1) << np.uint64(i & 63)
    return bits, vocab


def _check_bits(value, n: int, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
    bits, vocab = value
    bits = np.asarray(bits, dtype=np.uint64)
    if bits.ndim == 1:
        bits = bits[:, None]
    vocab = tuple(vocab)
    if bits.shape[0] != n or bits.shape[1] * 64 < len(vocab) or len(set(vocab)) != len(vocab):
        raise ValueError(f"{name}: need (bits of shape (n, words), vocabulary of distinct codes)")
    if bits.shape[1] == 0:
        bits = np.zeros((n, 1), dtype=np.uint64)
    return bits, vocab


def _merge_slots(owner, weekday, start, end) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge touching or overlapping slots of the same owner and weekday (vectorised
    :func:`common.slots.merge_touching`). Returns owner, weekday, start, end sorted by
    (owner, weekday, start)."""
    owner = np.asarray(owner, dtype=np.int64)
    weekday = np.asarray(weekday, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    if not (owner.shape == weekday.shape == start.shape == end.shape) or owner.ndim != 1:
        raise ValueError("slot columns must be 1-d and of equal length")
    if len(owner) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.int8), empty.astype(np.int32), empty.astype(np.int32)
    if (weekday < 0).any() or (weekday > 6).any():
        raise ValueError("weekday must be 0 (Monday) .. 6")
    if (start < 0).any() or (end > 86400).any() or (end <= start).any():
        raise ValueError("slots need 0 <= start < end <= 86400 seconds")
    key = owner * 7 + weekday
    order = np.lexsort((end, start, key))
    key, start, end = key[order], start[order], end[order]
    # Running maximum of the end within each (owner, weekday) group: the group key
    # dominates the packed value, so the maximum never leaks into the next group.
    packed = np.maximum.accumulate(key * _SLOT_KEY_SCALE + end)
    prev_end = np.empty_like(end)
    prev_end[0] = -1
    prev_end[1:] = packed[:-1] - key[1:] * _SLOT_KEY_SCALE
    new_run = np.ones(len(key), dtype=bool)
    new_run[1:] = (key[1:] != key[:-1]) | (start[1:] > prev_end[1:])
    starts = np.flatnonzero(new_run)
    merged_key = key[starts]
    return (
        merged_key // 7,
        (merged_key % 7).astype(np.int8),
        start[starts].astype(np.int32),
        np.maximum.reduceat(end, starts).astype(np.int32),
    )


def _time_of(seconds: int) -> datetime.time:
    seconds = min(int(seconds), 86399)
    return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60)


# Row columns a patch copies from the fresh rows (lat_rad and cos_lat follow lat).
_ROW_COLUMNS = (
    "lat",
    "lon",
    "lat_rad",
    "cos_lat",
    "max_km",
    "organisation_id",
    "active",
    "paused_ord",
    "vog_ord",
    "max_active",
    "open_matches",
    "wants_one_off",
    "wants_recurring",
    "neighbourhood",
)
_BIT_COLUMNS = (("skill_bits", "skill_vocab"), ("lang_bits", "lang_vocab"), ("group_bits", "group_vocab"))
# What VolunteerPool.stored writes besides the per-key row lists and the vocabularies.
_STORED_ARRAYS = (
    "ids",
    "_id_order",
    "_ids_sorted",
    "cell_start",
    *_ROW_COLUMNS,
    "skill_bits",
    "lang_bits",
    "group_bits",
    "has_groups",
    "slot_off",
    "slot_wd",
    "slot_start",
    "slot_end",
)
_STORED_SCALARS = ("cell_km", "lat_min", "lon_min", "dlat", "dlon", "rows", "cols", "max_radius_km")


def _flat(groups: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Row arrays concatenated, and the offsets of each (len(groups) + 1)."""
    groups = list(groups)
    off = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(g) for g in groups], out=off[1:])
    rows = np.concatenate(groups).astype(np.int64, copy=False) if groups else np.zeros(0, dtype=np.int64)
    return rows, off


def _unflat(keys: Sequence, rows: np.ndarray, off: np.ndarray) -> dict:
    """:func:`_flat` undone: key -> its stretch of ``rows`` (views, not copies)."""
    if len(off) != len(keys) + 1 or (len(keys) and int(off[-1]) != len(rows)):
        raise ValueError("stored pool: key offsets do not fit")
    bounds = off.tolist()
    return {key: rows[bounds[k] : bounds[k + 1]] for k, key in enumerate(keys)}


def _translate_bits(bits: np.ndarray, vocab: Sequence[str], target: Sequence[str], words: int = 0) -> np.ndarray:
    """Bit sets over ``vocab`` as bit sets over ``target`` (which holds every code of
    ``vocab``), in at least ``words`` words."""
    position = {code: j for j, code in enumerate(target)}
    out = np.zeros((len(bits), max(words, 1, -(-len(target) // 64))), dtype=np.uint64)
    one = np.uint64(1)
    for j, code in enumerate(vocab):
        has = (bits[:, j >> 6] >> np.uint64(j & 63)) & one
        t = position[code]
        out[:, t >> 6] |= has << np.uint64(t & 63)
    return out


def _ranges(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The positions start[i] .. start[i] + count[i] - 1 of every i, concatenated."""
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(start - (np.cumsum(count) - count), count) + np.arange(total)


def _renumbered(members: Mapping, old_to_new: np.ndarray, fresh: Mapping, new_row_of_fresh: np.ndarray) -> dict:
    """Key -> rows with every row renumbered (-1: gone) and the fresh rows' keys added.
    One gather for all keys; only the few keys that lose a row are filtered."""
    out = {}
    if members:
        keys = list(members)
        arrays = list(members.values())
        sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        ends = np.cumsum(sizes)
        starts = ends - sizes
        mapped = old_to_new[np.concatenate(arrays)] if len(arrays) else np.zeros(0, dtype=np.int64)
        gone = np.zeros(len(mapped) + 1, dtype=np.int64)
        np.cumsum(mapped < 0, out=gone[1:])
        losing = set(np.flatnonzero(gone[ends] - gone[starts]).tolist())
        for k, (key, a, b) in enumerate(zip(keys, starts.tolist(), ends.tolist(), strict=True)):
            rows = mapped[a:b]
            if k in losing:
                rows = rows[rows >= 0]
            if len(rows):
                out[key] = rows
    for key, rows in fresh.items():
        added = new_row_of_fresh[rows]
        out[key] = np.unique(np.concatenate([out[key], added])) if key in out else np.unique(added)
    return out


def _patch_memberships(
    members: Mapping, keys_of: Mapping[int, frozenset], rows: np.ndarray, fresh: Mapping, row_of_fresh: np.ndarray
) -> tuple[dict, dict[int, frozenset]]:
    """Key -> rows and row -> keys (households, unavailable dates) with ``rows`` taken
    out of every key and put into the keys ``fresh`` gives them (fresh rows mapped by
    ``row_of_fresh``). Shares the mappings when nothing changes."""
    joined: dict[int, set] = {}
    for key, fresh_rows in fresh.items():
        for r in row_of_fresh[fresh_rows].tolist():
            joined.setdefault(r, set()).add(key)
    wanted = {r: frozenset(joined.get(r, ())) for r in rows.tolist()}
    if all(keys_of.get(r, frozenset()) == keys for r, keys in wanted.items()):
        return members, keys_of  # type: ignore[return-value]
    touched = {key for r in wanted for key in keys_of.get(r, ())} | {key for keys in wanted.values() for key in keys}
    members = dict(members)
    for key in touched:
        current = members.get(key, np.zeros(0, dtype=np.int64))
        current = current[~np.isin(current, rows)]
        extra = np.fromiter((r for r, keys in wanted.items() if key in keys), dtype=np.int64)
        current = np.unique(np.concatenate([current, extra]))
        if len(current):
            members[key] = current
        else:
            members.pop(key, None)
    keys_of = dict(keys_of)
    for r, keys in wanted.items():
        if keys:
            keys_of[r] = keys
        else:
            keys_of.pop(r, None)
    return members, keys_of


class VolunteerPool:
    """Volunteers as numpy columns, sorted by id, with a grid index for radius queries.

    Build with :meth:`from_volunteers` (a list of :class:`VolunteerData`) or, for
    large pools straight from database rows, :meth:`from_arrays`. Row ``i`` of every
    column is the volunteer ``ids[i]``; rows are in grid order (not id order), and
    :meth:`row_of` / :meth:`rows_of` map ids to rows. Everything the engine returns
    is ordered by id, never by row.
    """

    def __init__(self) -> None:  # use the classmethods
        self._volunteers: list[VolunteerData] | None = None
        self._household_keys_of: dict[int, frozenset[str]] | None = None
        self._unavailable_of: dict[int, frozenset[datetime.date]] | None = None
        # Built on first use from columns that never change in place (not open_matches),
        # so copies that share the columns may share these too.
        self._reach_index: ReachIndex | None = None
        self._day_slots: DaySlots | None = None

    # --- construction ------------------------------------------------------------

    @classmethod
    def from_volunteers(cls, volunteers: Iterable[VolunteerData], *, cell_km: float = DEFAULT_CELL_KM) -> VolunteerPool:
        vols = sorted(volunteers, key=lambda v: v.id)
        n = len(vols)
        slot_rows = [(i, s.weekday, s.start, s.end) for i, v in enumerate(vols) for s in v.slots]
        households: dict[str, list[int]] = {}
        unavailable: dict[datetime.date, list[int]] = {}
        for v in vols:
            for key in v.households_helped:
                households.setdefault(key, []).append(v.id)
            for day in v.unavailable_dates:
                unavailable.setdefault(day, []).append(v.id)

        def secs(t: datetime.time) -> int:
            return t.hour * 3600 + t.minute * 60 + t.second

        pool = cls.from_arrays(
            np.fromiter((v.id for v in vols), dtype=np.int64, count=n),
            np.fromiter((v.point.lat for v in vols), dtype=np.float64, count=n),
            np.fromiter((v.point.lon for v in vols), dtype=np.float64, count=n),
            np.fromiter((v.max_distance_km for v in vols), dtype=np.float64, count=n),
            organisation_id=np.fromiter((v.organisation_id for v in vols), dtype=np.int64, count=n),
            active=np.fromiter((v.active for v in vols), dtype=bool, count=n),
            paused_until=np.fromiter(
                (v.paused_until.toordinal() if v.paused_until else -1 for v in vols), dtype=np.int64, count=n
            ),
            vog_valid_until=np.fromiter(
                (v.vog_valid_until.toordinal() if v.vog_valid_until else -1 for v in vols), dtype=np.int64, count=n
            ),
            max_active_matches=np.fromiter((v.max_active_matches for v in vols), dtype=np.int64, count=n),
            open_matches=np.fromiter((v.open_matches for v in vols), dtype=np.int64, count=n),
            wants_one_off=np.fromiter((v.wants_one_off for v in vols), dtype=bool, count=n),
            wants_recurring=np.fromiter((v.wants_recurring for v in vols), dtype=bool, count=n),
            neighbourhood_id=np.fromiter(
                (-1 if v.neighbourhood_id is None else v.neighbourhood_id for v in vols), dtype=np.int64, count=n
            ),
            skills=_bits_from_sets([v.skills for v in vols]),
            languages=_bits_from_sets([v.languages for v in vols]),
            target_groups=_bits_from_sets([v.target_groups for v in vols]),
            slots=(
                [row[0] for row in slot_rows],
                [row[1] for row in slot_rows],
                [secs(row[2]) for row in slot_rows],
                [secs(row[3]) for row in slot_rows],
            ),
            households=households,
            unavailable_dates=unavailable,
            cell_km=cell_km,
        )
        pool._volunteers = [vols[i] for i in pool._input_order.tolist()]
        return pool

    @classmethod
    def from_arrays(
        cls,
        ids,
        lat,
        lon,
        max_km,
        *,
        organisation_id=0,
        active=None,
        paused_until=None,
        vog_valid_until=None,
        max_active_matches=None,
        open_matches=None,
        wants_one_off=None,
        wants_recurring=None,
        neighbourhood_id=None,
        skills: tuple[np.ndarray, Sequence[str]] | None = None,
        languages: tuple[np.ndarray, Sequence[str]] | None = None,
        target_groups: tuple[np.ndarray, Sequence[str]] | None = None,
        slots: tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int]] | None = None,
        households: Mapping[str, Iterable[int]] | None = None,
        unavailable_dates: Mapping[datetime.date, Iterable[int]] | None = None,
        cell_km: float = DEFAULT_CELL_KM,
    ) -> VolunteerPool:
        """Build from columns, in any order (rows end up sorted by grid cell, then id).

        Dates are day ordinals (``date.toordinal()``), -1 for none. ``skills`` /
        ``languages`` / ``target_groups`` are ``(bits, vocabulary)``: ``bits[i]`` has
        bit ``j`` set when row ``i`` has ``vocabulary[j]`` (uint64, shape (n,) or
        (n, words)); languages default to everyone speaking "nl". ``slots`` are
        ``(row, weekday, start_seconds, end_seconds)`` with ``row`` the position in
        these input arrays; touching slots are merged. ``households`` and
        ``unavailable_dates`` map a household key / a date to volunteer *ids*.
        Defaults: active, not paused, no VOG, capacity 1 with nothing open, wants
        both one-off and recurring help, no neighbourhood.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1:
            raise ValueError("ids must be 1-d")
        n = len(ids)
        lat = _as_array(lat, n, np.float64, np.nan)
        lon = _as_array(lon, n, np.float64, np.nan)
        max_km = _as_array(max_km, n, np.float64, np.nan)
        if not (np.isfinite(lat).all() and np.isfinite(lon).all() and np.isfinite(max_km).all()):
            raise ValueError("lat, lon and max_km must be finite")
        if (np.abs(lat) > 90).any() or (np.abs(lon) > 180).any():
            raise ValueError("lat must be within +-90 and lon within +-180 (latitude first)")
        if (max_km < 0).any():
            raise ValueError("max_km must be >= 0")
        sorted_ids = np.sort(ids)
        if n > 1 and (sorted_ids[1:] == sorted_ids[:-1]).any():
            raise ValueError("volunteer ids must be unique")

        self = cls()
        self.cell_km = cell_km
        cell = self._plan_grid(lat, lon, cell_km)
        order = np.lexsort((ids, cell))  # grid order, then id: deterministic for any input order
        self._input_order = order
        self.cell_start = np.zeros(self.rows * self.cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell, minlength=self.rows * self.cols), out=self.cell_start[1:])
        self.ids = ids[order]
        self._id_order = np.argsort(self.ids, kind="stable")
        self._ids_sorted = self.ids[self._id_order]
        self.lat = lat[order]
        self.lon = lon[order]
        self.max_km = max_km[order]
        self.organisation_id = _as_array(organisation_id, n, np.int64, 0)[order]
        self.active = _as_array(active, n, bool, True)[order]
        self.paused_ord = _as_array(paused_until, n, np.int64, -1)[order]
        self.vog_ord = _as_array(vog_valid_until, n, np.int64, -1)[order]
        self.max_active = _as_array(max_active_matches, n, np.int64, 1)[order]
        self.open_matches = _as_array(open_matches, n, np.int64, 0)[order].copy()
        if (self.max_active < 0).any() or (self.open_matches < 0).any():
            raise ValueError("max_active_matches and open_matches must be >= 0")
        self.wants_one_off = _as_array(wants_one_off, n, bool, True)[order]
        self.wants_recurring = _as_array(wants_recurring, n, bool, True)[order]
        self.neighbourhood = _as_array(neighbourhood_id, n, np.int64, -1)[order]

        def bit_column(value, name, default_vocab):
            if value is None:
                if default_vocab:
                    return np.ones((n, 1), dtype=np.uint64), default_vocab
                return np.zeros((n, 1), dtype=np.uint64), ()
            bits, vocab = _check_bits(value, n, name)
            return bits[order], vocab

        self.skill_bits, self.skill_vocab = bit_column(skills, "skills", ())
        self.lang_bits, self.lang_vocab = bit_column(languages, "languages", ("nl",))
        self.group_bits, self.group_vocab = bit_column(target_groups, "target_groups", ())
        self._skill_bit = {c: i for i, c in enumerate(self.skill_vocab)}
        self._lang_bit = {c: i for i, c in enumerate(self.lang_vocab)}
        self._group_bit = {c: i for i, c in enumerate(self.group_vocab)}
        self.has_groups = (self.group_bits != 0).any(axis=1)

        # Availability: merged slots, CSR by row.
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        s_owner, s_wd, s_start, s_end = slots if slots is not None else ((), (), (), ())
        s_owner = np.asarray(s_owner, dtype=np.int64)
        if len(s_owner) and ((s_owner < 0).any() or (s_owner >= n).any()):
            raise ValueError("slot rows must point into the input arrays")
        owner, self.slot_wd, self.slot_start, self.slot_end = _merge_slots(
            rank[s_owner] if len(s_owner) else s_owner, s_wd, s_start, s_end
        )
        self.slot_off = np.searchsorted(owner, np.arange(n + 1)).astype(np.int64)

        self.households = {key: np.unique(self._rows_of(vol_ids)) for key, vol_ids in (households or {}).items()}
        self.unavailable = {
            day.toordinal(): np.unique(self._rows_of(vol_ids)) for day, vol_ids in (unavailable_dates or {}).items()
        }
        self.max_radius_km = float(self.max_km.max()) if n else 0.0
        self.lat_rad = np.radians(self.lat)
        self.cos_lat = np.cos(self.lat_rad)
        return self

    def _rows_of(self, vol_ids: Iterable[int]) -> np.ndarray:
        wanted = np.fromiter((int(i) for i in vol_ids), dtype=np.int64)
        if len(self._ids_sorted) == 0 or len(wanted) == 0:
            return np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._ids_sorted, wanted), len(self._ids_sorted) - 1)
        found = self._ids_sorted[at] == wanted
        return self._id_order[at[found]]

    def _plan_grid(self, lat: np.ndarray, lon: np.ndarray, cell_km: float) -> np.ndarray:
        """Choose the grid over the pool's extent; return each point's cell number."""
        if not (cell_km > 0 and math.isfinite(cell_km)):
            raise ValueError("cell_km must be > 0")
        if len(lat) == 0:
            self.lat_min = self.lon_min = 0.0
            self.dlat = self.dlon = 1.0
            self.rows = self.cols = 1
            return np.zeros(0, dtype=np.int64)
        self.lat_min, lat_max = float(lat.min()), float(lat.max())
        self.lon_min, lon_max = float(lon.min()), float(lon.max())
        mid = math.radians((self.lat_min + lat_max) / 2)
        dlat = cell_km / KM_PER_DEGREE
        dlon = cell_km / (KM_PER_DEGREE * max(math.cos(mid), 0.01))
        rows = int((lat_max - self.lat_min) / dlat) + 1
        cols = int((lon_max - self.lon_min) / dlon) + 1
        if rows * cols > MAX_CELLS:
            grow = math.sqrt(rows * cols / MAX_CELLS) * 1.01
            dlat, dlon = dlat * grow, dlon * grow
            rows = int((lat_max - self.lat_min) / dlat) + 1
            cols = int((lon_max - self.lon_min) / dlon) + 1
        self.dlat, self.dlon, self.rows, self.cols = dlat, dlon, rows, cols
        row = np.minimum(((lat - self.lat_min) / dlat).astype(np.int64), rows - 1)
        col = np.minimum(((lon - self.lon_min) / dlon).astype(np.int64), cols - 1)
        return row * cols + col

    # --- storage (matching.poolstore) -----------------------------------------------

    def stored(self) -> tuple[dict[str, np.ndarray], dict]:
        """Everything this pool is, as named arrays and a JSON-able dict, for
        :mod:`matching.poolstore` (which maps the arrays back without copying).

        The per-key row lists (households, unavailable dates) become one array of keys'
        offsets and one of rows. Lazily built indexes (reach, day slots) are left out."""
        arrays = {name: getattr(self, name) for name in _STORED_ARRAYS}
        house_keys = list(self.households)
        arrays["household_rows"], arrays["household_off"] = _flat(self.households.values())
        arrays["unavailable_day"] = np.fromiter(self.unavailable, dtype=np.int64, count=len(self.unavailable))
        arrays["unavailable_rows"], arrays["unavailable_off"] = _flat(self.unavailable.values())
        meta = {name: getattr(self, name) for name in _STORED_SCALARS}
        meta.update(
            skill_vocab=list(self.skill_vocab),
            lang_vocab=list(self.lang_vocab),
            group_vocab=list(self.group_vocab),
            household_keys=house_keys,
        )
        return arrays, meta

    @classmethod
    def from_stored(cls, arrays: Mapping[str, np.ndarray], meta: Mapping) -> VolunteerPool:
        """The pool :meth:`stored` described, its columns the given arrays (not copied:
        read-only memory-mapped arrays stay shared between processes). Only
        ``open_matches`` is copied, as :meth:`update_open_matches` writes it in place.
        Raises ``ValueError`` (or ``KeyError``) when the parts do not fit together."""
        self = cls()
        for name in _STORED_ARRAYS:
            setattr(self, name, arrays[name])
        for name in _STORED_SCALARS:
            setattr(self, name, meta[name])
        self.open_matches = np.array(self.open_matches, dtype=np.int64)
        self.skill_vocab = tuple(meta["skill_vocab"])
        self.lang_vocab = tuple(meta["lang_vocab"])
        self.group_vocab = tuple(meta["group_vocab"])
        self._skill_bit = {c: i for i, c in enumerate(self.skill_vocab)}
        self._lang_bit = {c: i for i, c in enumerate(self.lang_vocab)}
        self._group_bit = {c: i for i, c in enumerate(self.group_vocab)}
        n = len(self.ids)
        keys = list(meta["household_keys"])
        self.households = _unflat(keys, arrays["household_rows"], arrays["household_off"])
        self.unavailable = _unflat(
            arrays["unavailable_day"].tolist(), arrays["unavailable_rows"], arrays["unavailable_off"]
        )
        # Enough to catch a file that is not what it claims (the store checksums the bytes).
        if any(len(getattr(self, name)) != n for name in (*_ROW_COLUMNS, "ids", "_id_order", "has_groups")):
            raise ValueError("stored pool: columns of unequal length")
        if len(self.slot_off) != n + 1 or len(self.cell_start) != self.rows * self.cols + 1:
            raise ValueError("stored pool: offsets do not fit the pool")
        slots = int(self.slot_off[-1]) if n else 0
        if not (len(self.slot_wd) == len(self.slot_start) == len(self.slot_end) == slots):
            raise ValueError("stored pool: slot columns do not fit the offsets")
        return self

    # --- basic access ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, volunteer_id: int) -> int | None:
        rows = self._rows_of([volunteer_id])
        return int(rows[0]) if len(rows) else None

    def rows_of(self, volunteer_ids: Iterable[int]) -> np.ndarray:
        """Rows of the given ids that are in the pool (others are skipped), sorted."""
        return np.unique(self._rows_of(volunteer_ids))

    def bits_for(self, kind: str, codes: Iterable[str]) -> tuple[np.ndarray, bool]:
        """Bit mask of ``codes`` in the pool's vocabulary of ``kind`` ("skill", "lang",
        "group"), and whether every code is known to the pool."""
        bit_of, bits = {
            "skill": (self._skill_bit, self.skill_bits),
            "lang": (self._lang_bit, self.lang_bits),
            "group": (self._group_bit, self.group_bits),
        }[kind]
        mask = np.zeros(bits.shape[1], dtype=np.uint64)
        all_known = True
        for code in codes:
            i = bit_of.get(code)
            if i is None:
                all_known = False
            else:
                mask[i >> 6] |= np.uint64(1) << np.uint64(i & 63)
        return mask, all_known

    def _inverse_maps(self) -> None:
        """Household keys and unavailable dates per row (the pool stores them per key)."""
        if self._household_keys_of is not None:
            return
        inverse: dict[int, set] = {}
        for key, rows in self.households.items():
            for r in rows.tolist():
                inverse.setdefault(r, set()).add(key)
        days: dict[int, set] = {}
        for ordinal, rows in self.unavailable.items():
            for r in rows.tolist():
                days.setdefault(r, set()).add(datetime.date.fromordinal(ordinal))
        self._unavailable_of = {r: frozenset(d) for r, d in days.items()}
        self._household_keys_of = {r: frozenset(keys) for r, keys in inverse.items()}

    def volunteer(self, row: int) -> VolunteerData:
        """Row ``row`` as a :class:`VolunteerData` (for reasons and explanations)."""
        return self.volunteers([row])[0]

    def volunteers(self, rows: Iterable[int]) -> list[VolunteerData]:
        """:meth:`volunteer` for many rows (a batch run's proposals): the columns are read
        once and the code sets and slots shared between rows that have the same."""
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64)
        if self._volunteers is not None:
            return [self._volunteers[r] for r in rows.tolist()]
        self._inverse_maps()
        households = self._household_keys_of or {}
        unavailable = self._unavailable_of or {}

        def code_sets(bits: np.ndarray, vocab: tuple[str, ...]) -> list[frozenset[str]]:
            seen: dict[tuple[int, ...], frozenset[str]] = {}
            out = []
            for words in map(tuple, bits[rows].tolist()):
                found = seen.get(words)
                if found is None:
                    found = seen[words] = frozenset(c for j, c in enumerate(vocab) if words[j >> 6] >> (j & 63) & 1)
                out.append(found)
            return out

        skills = code_sets(self.skill_bits, self.skill_vocab)
        languages = code_sets(self.lang_bits, self.lang_vocab)
        groups = code_sets(self.group_bits, self.group_vocab)
        slot_of: dict[tuple[int, int, int], Slot] = {}
        # Only these rows' slots become Python objects, not the whole columns: the
        # ten candidates of one suggestion must not cost O(every slot in the pool)
        # (issue #12). ``first``/``last`` index the gathered lists ``wd``, ``st``, ``en``.
        count = self.slot_off[rows + 1] - self.slot_off[rows]
        last = np.cumsum(count)
        first = last - count
        at = np.repeat(self.slot_off[rows] - first, count) + np.arange(int(count.sum()))
        wd, st, en = self.slot_wd[at].tolist(), self.slot_start[at].tolist(), self.slot_end[at].tolist()
        first, last = first.tolist(), last.tolist()

        def slots(a: int, b: int) -> tuple[Slot, ...]:
            out = []
            for k in range(a, b):
                key = (wd[k], st[k], en[k])
                slot = slot_of.get(key)
                if slot is None:
                    slot = slot_of[key] = Slot(key[0], _time_of(key[1]), _time_of(key[2]))
                out.append(slot)
            return tuple(out)

        def day(ordinal: int) -> datetime.date | None:
            return datetime.date.fromordinal(ordinal) if ordinal > 0 else None

        columns = zip(
            rows.tolist(),
            self.ids[rows].tolist(),
            self.organisation_id[rows].tolist(),
            self.lat[rows].tolist(),
            self.lon[rows].tolist(),
            self.max_km[rows].tolist(),
            self.vog_ord[rows].tolist(),
            self.active[rows].tolist(),
            self.paused_ord[rows].tolist(),
            self.max_active[rows].tolist(),
            self.open_matches[rows].tolist(),
            self.wants_one_off[rows].tolist(),
            self.wants_recurring[rows].tolist(),
            self.neighbourhood[rows].tolist(),
            skills,
            languages,
            groups,
            first,
            last,
            strict=True,
        )
        return [
            VolunteerData(
                id=vid,
                organisation_id=org,
                point=Point(lat, lon),
                max_distance_km=max_km,
                skills=skill_set,
                slots=slots(a, b),
                vog_valid_until=day(vog),
                active=active,
                paused_until=day(paused),
                max_active_matches=max_active,
                open_matches=open_,
                languages=language_set,
                wants_one_off=one_off,
                wants_recurring=recurring,
                target_groups=group_set,
                neighbourhood_id=None if hood < 0 else hood,
                households_helped=households.get(row, frozenset()),
                unavailable_dates=unavailable.get(row, frozenset()),
            )
            for (
                row,
                vid,
                org,
                lat,
                lon,
                max_km,
                vog,
                active,
                paused,
                max_active,
                open_,
                one_off,
                recurring,
                hood,
                skill_set,
                language_set,
                group_set,
                a,
                b,
            ) in columns
        ]

    def reach_index(self) -> ReachIndex:
        """The pool indexed by reach and skill, for :meth:`reach_ranges` (built once)."""
        if self._reach_index is None:
            self._reach_index = ReachIndex.build(self)
        return self._reach_index

    def day_slots(self) -> DaySlots:
        """The merged slots of every (row, weekday), for batch availability checks (built once)."""
        if self._day_slots is None:
            self._day_slots = DaySlots.build(self)
        return self._day_slots

    def update_open_matches(self, counts: Mapping[int, int]) -> None:
        """Set the open-match count of some volunteers (by id) in place, e.g. after a
        broker proposed a match, so a cached pool stays fresh without a rebuild.
        Unknown ids are ignored. Not thread-safe: swap in a new pool if readers run
        concurrently."""
        for vol_id, count in counts.items():
            row = self.row_of(vol_id)
            if row is None:
                continue
            if count < 0:
                raise ValueError("open matches must be >= 0")
            self.open_matches[row] = count
            if self._volunteers is not None:
                self._volunteers[row] = replace(self._volunteers[row], open_matches=int(count))

    # --- patching -------------------------------------------------------------------

    def patched(self, changed_ids: Iterable[int], fresh: VolunteerPool) -> VolunteerPool:
        """A new pool: this one with the volunteers ``changed_ids`` as they are in
        ``fresh`` (a pool of those of them that still belong here, built the same way),
        and the ones missing from ``fresh`` removed. This pool is not changed.

        When every changed volunteer stays in its grid cell with as many merged slots
        (a proposal, a profile edit, a pause, a VOG), only the columns whose values
        differ are copied and the rest is shared, O(changed) plus one copy per changed
        column. When someone is added, removed or moved to another cell, or has another
        number of slots, the fresh rows are spliced into the same grid (O(n) copies, no
        sort: :meth:`_spliced_with`). Only a point outside the grid or a code the pool
        has no bit for rebuilds the pool from its own columns (:meth:`_rebuilt_with`),
        still without the database."""
        changed = np.unique(np.fromiter((int(i) for i in changed_ids), dtype=np.int64))
        f = np.argsort(fresh.ids, kind="stable")
        if len(fresh) and not np.isin(fresh.ids, changed).all():
            raise ValueError("fresh holds volunteers that are not in changed_ids")
        old_rows = self._rows_of(changed)
        old_rows = old_rows[np.argsort(self.ids[old_rows], kind="stable")]
        bits = {}
        for bits_name, vocab_name in _BIT_COLUMNS:
            target = getattr(self, vocab_name)
            if not set(getattr(fresh, vocab_name)) <= set(target):
                return self._rebuilt_with(changed, fresh)
            words = getattr(self, bits_name).shape[1]
            bits[bits_name] = _translate_bits(getattr(fresh, bits_name)[f], getattr(fresh, vocab_name), target, words)
        if not np.array_equal(self.ids[old_rows], fresh.ids[f]) or not np.array_equal(
            self._cells_of(fresh.lat[f], fresh.lon[f]), self._cell_of_rows(old_rows)
        ):
            return self._spliced_with(changed, fresh, f, bits)
        old_count = self.slot_off[old_rows + 1] - self.slot_off[old_rows]
        new_count = fresh.slot_off[f + 1] - fresh.slot_off[f]
        if not np.array_equal(old_count, new_count):
            return self._spliced_with(changed, fresh, f, bits)

        new = copy.copy(self)
        new._volunteers = None
        touched = set()
        for name in _ROW_COLUMNS:
            column = getattr(self, name)
            values = getattr(fresh, name)[f]
            if not np.array_equal(column[old_rows], values):
                column = column.copy()
                column[old_rows] = values
                setattr(new, name, column)
                touched.add(name)
        for name, values in bits.items():
            column = getattr(self, name)
            if not np.array_equal(column[old_rows], values):
                column = column.copy()
                column[old_rows] = values
                setattr(new, name, column)
                touched.add(name)
        if "group_bits" in touched:
            new.has_groups = self.has_groups.copy()
            new.has_groups[old_rows] = (new.group_bits[old_rows] != 0).any(axis=1)
        at_old = _ranges(self.slot_off[old_rows], old_count)
        at_new = _ranges(fresh.slot_off[f], new_count)
        for name in ("slot_wd", "slot_start", "slot_end"):
            column = getattr(self, name)
            values = getattr(fresh, name)[at_new]
            if not np.array_equal(column[at_old], values):
                column = column.copy()
                column[at_old] = values
                setattr(new, name, column)
                touched.add("slots")
        if "max_km" in touched:
            new.max_radius_km = float(new.max_km.max()) if len(new.ids) else 0.0
        if touched & {"max_km", "skill_bits"}:
            new._reach_index = None
        if "slots" in touched:
            new._day_slots = None
        # Households and unavailable dates: the changed rows leave every key and join
        # the keys ``fresh`` gives them (rows stay where they are).
        row_of_fresh = np.empty(len(fresh), dtype=np.int64)
        row_of_fresh[f] = old_rows
        self._inverse_maps()
        new.households, new._household_keys_of = _patch_memberships(
            self.households, self._household_keys_of or {}, old_rows, fresh.households, row_of_fresh
        )
        by_ordinal = {datetime.date.fromordinal(k): v for k, v in fresh.unavailable.items()}
        unavailable, unavailable_of = _patch_memberships(
            {datetime.date.fromordinal(k): v for k, v in self.unavailable.items()},
            self._unavailable_of or {},
            old_rows,
            by_ordinal,
            row_of_fresh,
        )
        new.unavailable = {day.toordinal(): rows for day, rows in unavailable.items()}
        new._unavailable_of = unavailable_of
        return new

    def _cells_of(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Grid cells of points under this pool's grid; -1 outside it."""
        row = np.floor((lat - self.lat_min) / self.dlat)
        col = np.floor((lon - self.lon_min) / self.dlon)
        inside = (row >= 0) & (row < self.rows) & (col >= 0) & (col < self.cols)
        return np.where(inside, row.astype(np.int64) * self.cols + col.astype(np.int64), -1)

    def _cell_of_rows(self, rows: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.cell_start, rows, side="right") - 1

    def _spliced_with(self, changed: np.ndarray, fresh: VolunteerPool, f: np.ndarray, bits: dict) -> VolunteerPool:
        """:meth:`patched` when rows come, go or change cell or slot count: the kept rows
        keep their order and the fresh ones are put in their place in the same grid,
        O(n) copies without a sort of the pool (a new grid, :meth:`_rebuilt_with`,
        only when a fresh volunteer lies outside this one). ``f``: fresh's rows by id;
        ``bits``: fresh's code bits in this pool's vocabularies, in that order."""
        cells_f = self._cells_of(fresh.lat[f], fresh.lon[f])
        if (cells_f < 0).any():
            return self._rebuilt_with(changed, fresh)
        n = len(self.ids)
        keep = np.ones(n, dtype=bool)
        keep[self._rows_of(changed)] = False
        kept = np.flatnonzero(keep)
        n_cells = self.rows * self.cols
        cell_old = np.repeat(np.arange(n_cells, dtype=np.int64), np.diff(self.cell_start))
        # The fresh rows in grid order (cell, then id), and where they go among the kept.
        order = np.lexsort((fresh.ids[f], cells_f))
        src = f[order]  # rows of fresh, in their new order
        cells_new, ids_new = cells_f[order], fresh.ids[src]
        big = int(max(int(self.ids.max(initial=0)), int(ids_new.max(initial=0)))) + 1
        pos = np.searchsorted(cell_old[kept] * big + self.ids[kept], cells_new * big + ids_new)
        m = len(src)
        total = len(kept) + m
        to_fresh = pos + np.arange(m, dtype=np.int64)
        to_kept = np.arange(len(kept), dtype=np.int64) + np.searchsorted(pos, np.arange(len(kept)), side="right")
        old_to_new = np.full(n, -1, dtype=np.int64)
        old_to_new[kept] = to_kept

        def splice(old: np.ndarray, new_values: np.ndarray) -> np.ndarray:
            out = np.empty((total, *old.shape[1:]), dtype=old.dtype)
            out[to_kept] = old[kept]
            out[to_fresh] = new_values
            return out

        new = copy.copy(self)
        new._volunteers = None
        new._reach_index = None
        new._day_slots = None
        new.ids = splice(self.ids, ids_new)
        for name in _ROW_COLUMNS:
            setattr(new, name, splice(getattr(self, name), getattr(fresh, name)[src]))
        for name, values in bits.items():
            setattr(new, name, splice(getattr(self, name), values[order]))
        new.has_groups = (new.group_bits != 0).any(axis=1)
        new.cell_start = np.zeros(n_cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(np.concatenate([cell_old[kept], cells_new]), minlength=n_cells), out=new.cell_start[1:])
        # The id index: the kept part in id order, the fresh ids merged in.
        kept_by_id = keep[self._id_order]
        ids_sorted, rows_by_id = self._ids_sorted[kept_by_id], old_to_new[self._id_order[kept_by_id]]
        fresh_by_id = np.argsort(ids_new, kind="stable")
        at = np.searchsorted(ids_sorted, ids_new[fresh_by_id])
        new._ids_sorted = np.insert(ids_sorted, at, ids_new[fresh_by_id])
        new._id_order = np.insert(rows_by_id, at, to_fresh[fresh_by_id])
        # Slots (CSR): each row's block moves with its row.
        count_old = np.diff(self.slot_off)
        count_fresh = np.diff(fresh.slot_off)[src]
        count = np.empty(total, dtype=np.int64)
        count[to_kept] = count_old[kept]
        count[to_fresh] = count_fresh
        new.slot_off = np.zeros(total + 1, dtype=np.int64)
        np.cumsum(count, out=new.slot_off[1:])
        from_kept = _ranges(self.slot_off[kept], count_old[kept])
        into_kept = _ranges(new.slot_off[to_kept], count_old[kept])
        from_fresh = _ranges(fresh.slot_off[src], count_fresh)
        into_fresh = _ranges(new.slot_off[to_fresh], count_fresh)
        for name in ("slot_wd", "slot_start", "slot_end"):
            out = np.empty(int(new.slot_off[-1]), dtype=getattr(self, name).dtype)
            out[into_kept] = getattr(self, name)[from_kept]
            out[into_fresh] = getattr(fresh, name)[from_fresh]
            setattr(new, name, out)
        new.max_radius_km = float(new.max_km.max()) if total else 0.0
        # Households and unavailable dates: rows renumbered, the fresh rows' keys added.
        new_row_of_fresh = np.empty(len(fresh), dtype=np.int64)
        new_row_of_fresh[src] = to_fresh
        new.households = _renumbered(self.households, old_to_new, fresh.households, new_row_of_fresh)
        new.unavailable = _renumbered(self.unavailable, old_to_new, fresh.unavailable, new_row_of_fresh)
        new._household_keys_of = None
        new._unavailable_of = None
        return new

    def _rebuilt_with(self, changed: np.ndarray, fresh: VolunteerPool) -> VolunteerPool:
        """:meth:`patched` the slow way: every column of the kept rows plus ``fresh``,
        through :meth:`from_arrays` (a new grid, rows sorted again)."""
        keep = ~np.isin(self.ids, changed)
        kept = np.flatnonzero(keep)

        def column(name: str) -> np.ndarray:
            return np.concatenate([getattr(self, name)[kept], getattr(fresh, name)])

        bit_columns = {}
        for bits_name, vocab_name in _BIT_COLUMNS:
            vocab = tuple(sorted(set(getattr(self, vocab_name)) | set(getattr(fresh, vocab_name))))
            bit_columns[bits_name] = (
                np.concatenate(
                    [
                        _translate_bits(getattr(self, bits_name)[kept], getattr(self, vocab_name), vocab),
                        _translate_bits(getattr(fresh, bits_name), getattr(fresh, vocab_name), vocab),
                    ]
                ),
                vocab,
            )
        # Slots: the kept rows' merged slots (renumbered) and fresh's.
        new_index = np.full(len(self.ids), -1, dtype=np.int64)
        new_index[kept] = np.arange(len(kept))
        owner = np.repeat(np.arange(len(self.ids), dtype=np.int64), np.diff(self.slot_off))
        mine = keep[owner]
        fresh_owner = np.repeat(np.arange(len(fresh.ids), dtype=np.int64), np.diff(fresh.slot_off)) + len(kept)
        slots = tuple(
            np.concatenate([a, b])
            for a, b in zip(
                (new_index[owner[mine]], self.slot_wd[mine], self.slot_start[mine], self.slot_end[mine]),
                (fresh_owner, fresh.slot_wd, fresh.slot_start, fresh.slot_end),
                strict=True,
            )
        )

        def by_id(memberships: Mapping, pool: VolunteerPool, drop: bool) -> dict:
            out = {}
            for key, rows in memberships.items():
                ids = pool.ids[rows]
                if drop:
                    ids = ids[~np.isin(ids, changed)]
                if len(ids):
                    out[key] = ids.tolist()
            return out

        households = by_id(self.households, self, True)
        for key, ids in by_id(fresh.households, fresh, False).items():
            households[key] = households.get(key, []) + ids
        unavailable = by_id(self.unavailable, self, True)
        for key, ids in by_id(fresh.unavailable, fresh, False).items():
            unavailable[key] = unavailable.get(key, []) + ids
        return VolunteerPool.from_arrays(
            column("ids"),
            column("lat"),
            column("lon"),
            column("max_km"),
            organisation_id=column("organisation_id"),
            active=column("active"),
            paused_until=column("paused_ord"),
            vog_valid_until=column("vog_ord"),
            max_active_matches=column("max_active"),
            open_matches=column("open_matches"),
            wants_one_off=column("wants_one_off"),
            wants_recurring=column("wants_recurring"),
            neighbourhood_id=column("neighbourhood"),
            skills=bit_columns["skill_bits"],
            languages=bit_columns["lang_bits"],
            target_groups=bit_columns["group_bits"],
            slots=slots,
            households=households,
            unavailable_dates={datetime.date.fromordinal(k): v for k, v in unavailable.items()},
            cell_km=self.cell_km,
        )

    # --- spatial query ------------------------------------------------------------------

    def box_positions(self, point: Point, radius_km: float) -> np.ndarray:
        """Rows of everyone in the grid cells that cover the query's bounding box (a
        superset of the answer): one contiguous range per grid row of the box."""
        empty = np.zeros(0, dtype=np.int64)
        if len(self.ids) == 0 or radius_km < 0:
            return empty
        ang = radius_km / EARTH_RADIUS_KM
        if ang >= math.pi:
            return np.arange(len(self.ids))
        ang_deg = math.degrees(ang)
        lat_lo, lat_hi = point.lat - ang_deg - _EPS_DEG, point.lat + ang_deg + _EPS_DEG
        all_lon = lat_lo <= -90 or lat_hi >= 90
        if not all_lon:
            ratio = math.sin(ang) / math.cos(math.radians(point.lat))
            all_lon = ratio >= 1
        if not all_lon:
            dlon = math.degrees(math.asin(ratio)) + _EPS_DEG
            lon_lo, lon_hi = point.lon - dlon, point.lon + dlon
            all_lon = lon_lo < -180 or lon_hi > 180
        if all_lon:
            lon_lo, lon_hi = -181.0, 181.0
        r0 = max(0, math.floor((lat_lo - self.lat_min) / self.dlat))
        r1 = min(self.rows - 1, math.floor((lat_hi - self.lat_min) / self.dlat))
        c0 = max(0, math.floor((lon_lo - self.lon_min) / self.dlon))
        c1 = min(self.cols - 1, math.floor((lon_hi - self.lon_min) / self.dlon))
        if r0 > r1 or c0 > c1:
            return empty
        rows = np.arange(r0, r1 + 1, dtype=np.int64) * self.cols
        a = self.cell_start[rows + c0]
        b = self.cell_start[rows + c1 + 1]
        lengths = b - a
        total = int(lengths.sum())
        if total == 0:
            return empty
        if len(a) == 1:
            return np.arange(a[0], b[0])
        # Concatenate the slices a[i]:b[i] without a Python loop.
        return np.repeat(a - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)

    def grid_boxes(
        self, lat: np.ndarray, lon: np.ndarray, radius_km: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`box_positions` for many points at once, as grid rectangles: first and
        last grid row and column of each query's bounding box, and whether it is
        non-empty. Same bounds as the one-point query (the same supersets of the caps)."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        radius_km = np.asarray(radius_km, dtype=np.float64)
        ang = radius_km / EARTH_RADIUS_KM
        ang_deg = np.degrees(ang)
        lat_lo, lat_hi = lat - ang_deg - _EPS_DEG, lat + ang_deg + _EPS_DEG
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.sin(ang) / np.cos(np.radians(lat))
            all_lon = (ang >= math.pi) | (lat_lo <= -90) | (lat_hi >= 90) | ~(ratio < 1)
            dlon = np.degrees(np.arcsin(np.where(all_lon, 0.0, ratio))) + _EPS_DEG
        lon_lo, lon_hi = lon - dlon, lon + dlon
        all_lon |= (lon_lo < -180) | (lon_hi > 180)
        lon_lo = np.where(all_lon, -181.0, lon_lo)
        lon_hi = np.where(all_lon, 181.0, lon_hi)
        everything = ang >= math.pi
        r0 = np.where(everything, 0, np.maximum(0, np.floor((lat_lo - self.lat_min) / self.dlat))).astype(np.int64)
        r1 = np.where(
            everything, self.rows - 1, np.minimum(self.rows - 1, np.floor((lat_hi - self.lat_min) / self.dlat))
        ).astype(np.int64)
        c0 = np.maximum(0, np.floor((lon_lo - self.lon_min) / self.dlon)).astype(np.int64)
        c1 = np.minimum(self.cols - 1, np.floor((lon_hi - self.lon_min) / self.dlon)).astype(np.int64)
        ok = (radius_km >= 0) & (r0 <= r1) & (c0 <= c1) & (len(self.ids) > 0)
        return r0, r1, c0, c1, ok

    def reach_ranges(
        self, lat: np.ndarray, lon: np.ndarray, radius_km: np.ndarray, skill: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate rows of many queries at once, as ranges of :meth:`reach_index`.

        Query ``q`` asks for everyone within ``radius_km[q]`` of (``lat[q]``, ``lon[q]``)
        who also has skill number ``skill[q]`` (a position in ``skill_vocab``; -1: any
        skill, -2: nobody). Returns ``(query, lo, hi)``, sorted by query: the rows
        ``reach_index().rows[lo:hi]`` of every range are a superset of the answer (the
        caller checks the exact distance), and no row comes twice for one query.

        Per reach bucket the box is that of min(radius, the bucket's largest travel
        distance): nobody can be a candidate further away than they travel, so a
        volunteer who travels 3 km is only looked at within 3 km, not within the
        request's 15. No Python loop over queries.
        """
        index = self.reach_index()
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        radius_km = np.asarray(radius_km, dtype=np.float64)
        skill = np.asarray(skill, dtype=np.int64)
        n_q, n_b = len(lat), len(index.reach_km)
        empty = np.zeros(0, dtype=np.int64)
        if n_q == 0 or n_b == 0:
            return empty, empty, empty
        # One (query, bucket) box each, query-major.
        q = np.repeat(np.arange(n_q), n_b)
        b = np.tile(np.arange(n_b), n_q)
        group = b * index.groups_per_bucket + np.where(skill[q] < 0, index.groups_per_bucket - 1, skill[q])
        wanted = (skill[q] >= -1) & (index.group_size[group] > 0)
        q, group = q[wanted], group[wanted]
        radius = np.minimum(radius_km[q], index.reach_km[b[wanted]])
        r0, r1, c0, c1, ok = self.grid_boxes(lat[q], lon[q], radius)
        q, group, r0, r1, c0, c1 = q[ok], group[ok], r0[ok], r1[ok], c0[ok], c1[ok]
        # One range per grid row of each box: the cells c0..c1 of that row are one
        # stretch of the group's entries (sorted by group, then cell).
        h = r1 - r0 + 1
        box = np.repeat(np.arange(len(q)), h)
        grid_row = r0[box] + (np.arange(int(h.sum())) - np.repeat(np.cumsum(h) - h, h))
        base = group[box] * index.n_cells + grid_row * self.cols
        lo = np.searchsorted(index.key, base + c0[box], side="left")
        hi = np.searchsorted(index.key, base + c1[box] + 1, side="left")
        keep = hi > lo
        return q[box][keep], lo[keep], hi[keep]

    def box_rows(self, point: Point, radius_km: float) -> np.ndarray:
        """Rows in the grid cells that cover the query's bounding box (a superset of the
        answer, in grid order). Exposed for tests and benchmarks."""
        return self.box_positions(point, radius_km)

    def distances(self, point: Point, rows: np.ndarray) -> np.ndarray:
        """Great-circle km from ``point`` to the volunteers in ``rows``."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float64)
        # Operation for operation the formula of neighbourhoods.geo.haversine_km, with
        # radians and cosines of the volunteers' latitudes computed once at build time.
        lat1 = math.radians(point.lat)
        dlat = self.lat_rad[rows] - lat1
        dlon = np.radians(self.lon[rows] - point.lon)
        h = np.sin(dlat / 2) ** 2 + math.cos(lat1) * self.cos_lat[rows] * np.sin(dlon / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))

    def within(self, point: Point, radius_km: float, *, ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Rows within ``radius_km`` great-circle km of ``point``, and their distances;
        in id order, or in grid order (cheaper) with ``ordered=False``."""
        rows = self.box_positions(point, radius_km)
        dist = self.distances(point, rows)
        keep = dist <= radius_km
        rows, dist = rows[keep], dist[keep]
        if ordered:
            order = np.argsort(self.ids[rows], kind="stable")
            rows, dist = rows[order], dist[order]
        return rows, dist


class ReachIndex:
    """The pool's rows grouped by (reach bucket, skill), each group in grid order.

    A batch run asks "who within R km has skill S" for thousands of requests. Most
    volunteers travel a few km, while R is the largest travel distance of the pool
    when the request sets none (15 km in the benchmark region): the plain grid box
    of 30 x 30 km holds ten times more volunteers than can ever qualify. Here a
    volunteer is in the bucket of their maximum travel distance
    (:data:`REACH_BUCKETS_KM`) and, per bucket, in one group per skill they have
    plus the group "everyone". A query looks at each bucket with the radius
    min(R, largest travel distance in the bucket), in the group of the request's
    rarest required skill. Exactness: a candidate has every required skill and lives
    within both distances, so it is in that group and that box.

    ``key`` (sorted) is ``group * n_cells + cell`` per entry and ``rows`` the pool row
    of the entry; within a group the rows ascend (pool rows are in grid order).
    Memory: one entry per volunteer and per skill link.
    """

    __slots__ = ("group_size", "groups_per_bucket", "key", "n_cells", "reach_km", "rows")

    def __init__(self, *, reach_km, groups_per_bucket, n_cells, key, rows, group_size) -> None:
        self.reach_km = reach_km
        self.groups_per_bucket = groups_per_bucket
        self.n_cells = n_cells
        self.key = key
        self.rows = rows
        self.group_size = group_size

    @classmethod
    def build(cls, pool: VolunteerPool) -> ReachIndex:
        n = len(pool.ids)
        n_cells = pool.rows * pool.cols
        n_skills = len(pool.skill_vocab)
        per_bucket = n_skills + 1  # one group per skill, then "everyone"
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(
                reach_km=np.zeros(0),
                groups_per_bucket=per_bucket,
                n_cells=n_cells,
                key=empty,
                rows=empty,
                group_size=empty,
            )
        cell = np.repeat(np.arange(n_cells, dtype=np.int64), np.diff(pool.cell_start))
        edges = np.asarray(REACH_BUCKETS_KM)
        used, bucket = np.unique(np.searchsorted(edges, pool.max_km, side="left"), return_inverse=True)
        reach = np.zeros(len(used))
        np.maximum.at(reach, bucket, pool.max_km)
        rows = [np.arange(n, dtype=np.int64)]
        groups = [bucket * per_bucket + n_skills]
        for j in range(n_skills):
            word = pool.skill_bits[:, j >> 6]
            has = np.flatnonzero((word >> np.uint64(j & 63)) & np.uint64(1))
            rows.append(has)
            groups.append(bucket[has] * per_bucket + j)
        row = np.concatenate(rows)
        group = np.concatenate(groups)
        key = group * n_cells + cell[row]
        order = np.argsort(key, kind="stable")  # stable: rows ascend within a cell
        return cls(
            reach_km=reach,
            groups_per_bucket=per_bucket,
            n_cells=n_cells,
            key=key[order],
            rows=row[order],
            group_size=np.bincount(group, minlength=len(used) * per_bucket),
        )


HALF_HOUR_S = 1800


def half_hour_bits(start_s, end_s) -> np.ndarray:
    """The half hours of the day (bit 0 = 00:00-00:30 .. bit 47 = 23:30-24:00) that the
    stretch ``start_s``-``end_s`` (seconds, start < end) touches, as uint64 bit sets."""
    lo = np.asarray(start_s, dtype=np.int64) // HALF_HOUR_S
    hi = -(-np.asarray(end_s, dtype=np.int64) // HALF_HOUR_S)  # exclusive
    one = np.uint64(1)
    return (np.left_shift(one, hi.astype(np.uint64)) - one) & ~(np.left_shift(one, lo.astype(np.uint64)) - one)


class DaySlots:
    """Where each (row, weekday)'s merged slots are: ``offsets[row * 7 + weekday]``
    up to the next offset, positions in the pool's ``slot_*`` columns (merged slots
    of one day are disjoint, so at most one of them covers a window). ``most`` is the
    largest number of slots on one day of one volunteer.

    ``touched[row * 7 + weekday]``: the half hours that day's slots touch
    (:func:`half_hour_bits`). A window inside a slot touches only half hours that the
    slot touches, so ``window bits & ~touched != 0`` proves "not available" with one
    look-up; the exact check on seconds is only needed for the pairs that pass.
    """

    __slots__ = ("most", "offsets", "touched")

    def __init__(self, *, offsets: np.ndarray, most: int, touched: np.ndarray) -> None:
        self.offsets = offsets
        self.most = most
        self.touched = touched

    @classmethod
    def build(cls, pool: VolunteerPool) -> DaySlots:
        n = len(pool.ids)
        owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(pool.slot_off))
        key = owner * 7 + pool.slot_wd.astype(np.int64)  # sorted: merged slots are in (row, weekday, start) order
        offsets = np.searchsorted(key, np.arange(n * 7 + 1, dtype=np.int64), side="left")
        most = int(np.diff(offsets).max()) if n else 0
        touched = np.zeros(n * 7, dtype=np.uint64)
        if len(key):
            np.bitwise_or.at(touched, key, half_hour_bits(pool.slot_start, pool.slot_end))
        return cls(offsets=offsets, most=most, touched=touched)
