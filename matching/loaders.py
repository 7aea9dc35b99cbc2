"""From the database to the engine's plain data: the only place that knows both.

The engine (:mod:`matching.engine`) never touches the ORM. These loaders read
what it needs with a constant number of ``values_list`` queries, whatever the
number of volunteers or requests, and never build one ORM object per row:

* :func:`volunteer_pool` - every located volunteer of an organisation as a
  :class:`~matching.engine.spatial.VolunteerPool` (numpy columns + grid index);
  5 queries.
* :func:`request_data` / :func:`ready_requests` - help requests as
  :class:`~matching.engine.types.RequestData`; 6 queries for one or for all.
* :func:`organisation_weights` - the organisation's score weights.
* :func:`cached_volunteer_pool` - :func:`volunteer_pool` kept per process and
  brought up to the organisation's pool version in the database (one query when
  nothing changed; only the changed volunteers read and patched in otherwise; see
  "The per-process pool cache" below and :mod:`matching.poolversion`).

Households ("continuity": the volunteer helped this household before) are keyed
``"mz:<mantelzorger id>"`` when a request belongs to a mantelzorger (directly or
through the person cared for), else ``"user:<requester id>"``, else
``"req:<request id>"``. :func:`household_key` is the one definition.

Requests without a location cannot be matched (distance is a hard constraint):
:func:`ready_requests` leaves them out and :func:`request_data` raises a
:class:`~common.errors.DomainError` that says what to do.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connections
from django.db.models import Count, Func, IntegerField, Q, QuerySet, TextField
from django.db.models.functions import Cast, ExtractHour, ExtractMinute, ExtractSecond
from django.utils.translation import gettext as _

from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, RequestDate, RequestSlot
from caregivers.priority import known_urgency
from common.db import Prepared, value_set
from common.errors import DomainError
from common.geo import Point
from common.slots import Slot
from matches.models import BatchRejection, Match
from matching import poolstore
from matching.engine import DateWindow, RequestData, VolunteerPool, Weights
from matching.poolversion import pool_changes_read, pool_version_bump, pool_version_read
from neighbourhoods.models import Organisation
from volunteers.models import AvailabilitySlot, Volunteer

__all__ = [
    "HELPED_STATES",
    "EXCLUDING_STATES",
    "cached_volunteer_pool",
    "household_key",
    "organisation_weights",
    "pool_cache_clear",
    "pool_version_bump",
    "pool_version_read",
    "ready_requests",
    "request_data",
    "target_group_for",
    "volunteer_pool",
]

logger = logging.getLogger(__name__)

# Matches that make a volunteer "someone who helped this household before".
HELPED_STATES = (Match.Status.ACTIVE, Match.Status.ENDED)
# Matches that exclude the pair from being proposed again.
EXCLUDING_STATES = (Match.Status.DECLINED, Match.Status.CANCELLED)


def household_key(
    *, mantelzorger_id: int | None, care_mantelzorger_id: int | None, requester_id: int | None, request_id: int
) -> str:
    """The household a request belongs to, for continuity of help."""
    mz = mantelzorger_id or care_mantelzorger_id
    if mz:
        return f"mz:{mz}"
    if requester_id:
        return f"user:{requester_id}"
    return f"req:{request_id}"


# The person cared for, mapped to the volunteers' target groups (volunteers.models.TARGET_GROUPS).
_SITUATION_GROUP = {
    CareRecipient.Situation.DEMENTIA: "dementia",
    CareRecipient.Situation.PSYCHIATRIC: "psychiatric",
    CareRecipient.Situation.PHYSICAL: "disability",
}
_AGE_GROUP = {
    CareRecipient.AgeBand.CHILD: "children",
    CareRecipient.AgeBand.SENIOR: "elderly",
    CareRecipient.AgeBand.ELDERLY: "elderly",
}


def target_group_for(*, situation: str | None, age_band: str | None) -> str | None:
    """The volunteers' target group a request serves, from the person cared for:
    the situation first (dementia, psychiatric, physical), else the age band."""
    return _SITUATION_GROUP.get(situation or "") or _AGE_GROUP.get(age_band or "")


def organisation_weights(organisation: Organisation) -> Weights:
    """The organisation's score weights; the defaults when none are set or the stored
    ones are broken (a bad setting must not stop the broker from matching)."""
    try:
        return Weights.from_mapping(organisation.matching_weights or {})
    except (TypeError, ValueError) as error:
        logger.warning("organisation %s: invalid matching_weights ignored: %s", organisation.pk, error)
        return Weights()


# --- Volunteers -------------------------------------------------------------------------


def _ordinal(day: datetime.date | None) -> int:
    return day.toordinal() if day is not None else -1


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _bits_of_index(
    rows: np.ndarray, index: np.ndarray, vocab: tuple[str, ...], n: int
) -> tuple[np.ndarray, tuple[str, ...]]:
    """(n, words) uint64 bit sets: bit ``index[k]`` of row ``rows[k]`` set (codes given
    as positions in ``vocab``)."""
    words = max(1, -(-len(vocab) // 64))
    bits = np.zeros((n, words), dtype=np.uint64)
    if len(rows):
        np.bitwise_or.at(bits, (rows, index >> 6), np.left_shift(np.uint64(1), (index & 63).astype(np.uint64)))
    return bits, vocab


class _Seconds(Func):
    """Seconds since midnight of a TimeField, worked out by the database: reading
    290,000 slots as ``datetime.time`` (parsed per value) took 1 s, as integers a third."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores times as "HH:MM:SS[.ffffff]" text.
        sql, params = compiler.compile(self.source_expressions[0])
        parts = [f"CAST(substr({sql}, {start}, 2) AS INTEGER) * {unit}" for start, unit in ((1, 3600), (4, 60), (7, 1))]
        return "(" + " + ".join(parts) + ")", [*params, *params, *params]

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {sql})) AS INTEGER)", params


def _seconds_of(field: str, vendor: str):
    if vendor in ("sqlite", "postgresql"):
        return _Seconds(field)
    return ExtractHour(field) * 3600 + ExtractMinute(field) * 60 + Cast(ExtractSecond(field), IntegerField())


def _cursor_rows(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` straight from the cursor: no per-row work in Django
    (0.15 s per 300,000 rows). Only for columns the database driver already returns
    as the Python values wanted (integers, text)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _int_rows(qs: QuerySet, columns: int) -> np.ndarray:
    """:func:`_cursor_rows` of integer columns as an (n, columns) int64 array."""
    rows = _cursor_rows(qs)
    return np.array(rows, dtype=np.int64).reshape(len(rows), columns)


def _code_bits(values: Sequence[Any], parse, n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Bit sets (:func:`_bits_of_index`) for a column of compound values ("nl;en",
    ["elderly"]), parsing each distinct value once: most volunteers share a handful of
    values, so the work per row is one dictionary look-up."""
    number_of: dict[Any, int] = {}
    originals: list[Any] = []
    numbers = []
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        k = number_of.get(key)
        if k is None:
            k = number_of[key] = len(originals)
            originals.append(value)
        numbers.append(k)
    parsed = [parse(value) for value in originals]
    vocab = tuple(sorted({code for codes in parsed for code in codes}))
    position = {code: j for j, code in enumerate(vocab)}
    # Each distinct value's code positions, flat, and per row the stretch of its value.
    count = np.array([len(codes) for codes in parsed], dtype=np.int64)
    flat = np.array([position[code] for codes in parsed for code in codes], dtype=np.int64)
    start = np.cumsum(count) - count
    number = np.asarray(numbers, dtype=np.int64)
    per_row = count[number] if len(number) else np.zeros(0, dtype=np.int64)
    total = int(per_row.sum())
    rows = np.repeat(np.arange(len(number), dtype=np.int64), per_row)
    at = np.repeat(start[number] - (np.cumsum(per_row) - per_row), per_row) + np.arange(total) if total else rows
    return _bits_of_index(rows, flat[at] if total else rows, vocab, n)


def _languages(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({c.strip().lower() for c in (value or "").split(";") if c.strip()}))


def _groups(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # the JSON text (read as text: parsed once per distinct value)
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    if not isinstance(value, list | tuple):
        return ()
    return tuple(sorted({str(c) for c in value if c}))


def _row_index(ids: np.ndarray, wanted: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the sorted ``ids`` of the ``wanted`` ids, and which were found."""
    if isinstance(wanted, np.ndarray):
        wanted = wanted.astype(np.int64, copy=False)
    else:
        wanted = np.fromiter((int(i) for i in wanted), dtype=np.int64)
    if len(ids) == 0 or len(wanted) == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    found = ids[at] == wanted
    return at, found


def _volunteers_of(organisation: Organisation, only: list[int] | None = None) -> QuerySet[Volunteer]:
    found = Volunteer.objects.filter(organisation=organisation, latitude__isnull=False, longitude__isnull=False)
    return found if only is None else found.filter(pk__in=value_set(only))


def _of_volunteers(qs: QuerySet, organisation: Organisation, only: list[int] | None) -> QuerySet:
    """``qs`` (rows that belong to a volunteer) for the organisation's located volunteers,
    or for the volunteers ``only`` (a pool patch: no join, rows of volunteers that are not
    the organisation's located ones are dropped with them, by id)."""
    if only is not None:
        return qs.filter(volunteer_id__in=value_set(only))
    return qs.filter(
        volunteer__organisation=organisation, volunteer__latitude__isnull=False, volunteer__longitude__isnull=False
    )


def _open_counts(organisation: Organisation) -> dict[int, int]:
    return dict(
        _of_volunteers(Match.objects.filter(status__in=Match.OPEN_STATES), organisation, None)
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("pk"))
        .values_list("volunteer_id", "n")
    )


def _households(organisation: Organisation) -> dict[str, list[int]]:
    rows = (
        _of_volunteers(Match.objects.filter(status__in=HELPED_STATES), organisation, None)
        .order_by()
        .values_list(
            "volunteer_id",
            "request__mantelzorger_id",
            "request__care_recipient__mantelzorger_id",
            "request__requester_id",
            "request_id",
        )
        .distinct()
    )
    households: dict[str, set[int]] = {}
    for vol_id, mz, care_mz, requester, req in rows:
        key = household_key(mantelzorger_id=mz, care_mantelzorger_id=care_mz, requester_id=requester, request_id=req)
        households.setdefault(key, set()).add(vol_id)
    return {key: sorted(ids) for key, ids in households.items()}


def _matches_of(organisation: Organisation, only: list[int]) -> tuple[dict[int, int], dict[str, list[int]]]:
    """:func:`_open_counts` and :func:`_households` of the volunteers ``only``, in one query."""
    rows = _of_volunteers(
        Match.objects.filter(status__in=(*Match.OPEN_STATES, *HELPED_STATES)), organisation, only
    ).values_list(
        "volunteer_id",
        "status",
        "request__mantelzorger_id",
        "request__care_recipient__mantelzorger_id",
        "request__requester_id",
        "request_id",
    )
    counts: dict[int, int] = {}
    households: dict[str, set[int]] = {}
    for vol_id, status, mz, care_mz, requester, req in rows:
        if status in Match.OPEN_STATES:
            counts[vol_id] = counts.get(vol_id, 0) + 1
        if status in HELPED_STATES:
            key = household_key(
                mantelzorger_id=mz, care_mantelzorger_id=care_mz, requester_id=requester, request_id=req
            )
            households.setdefault(key, set()).add(vol_id)
    return counts, {key: sorted(ids) for key, ids in households.items()}


def volunteer_pool(
    *, organisation: Organisation, today: datetime.date | None = None, only: Iterable[int] | None = None
) -> VolunteerPool:
    """Every volunteer of ``organisation`` that has a location, as a pool (with ``only``:
    just those of these ids, the part a cached pool is patched with).

    Five queries whatever the size (volunteers, skills, availability, open match
    counts, households helped; four with ``only``), all values only:
    the target groups as JSON text (parsed once per distinct value), times as seconds
    worked out by the database, the skill and slot rows straight into numpy. Past
    pauses and VOG dates are kept as they are: the engine compares them with the
    request's days, so the pool stays valid across midnight (``today`` is accepted for
    the loader contract and not needed).
    """
    del today
    wanted = None if only is None else sorted({int(i) for i in only})
    rows = list(
        _volunteers_of(organisation, wanted)
        .order_by("pk")
        .annotate(target_groups_json=Cast("target_groups", TextField()))
        .values_list(
            "pk",
            "latitude",
            "longitude",
            "max_distance_km",
            "is_active",
            "paused_until",
            "vog_valid_until",
            "max_active_matches",
            "wants_one_off",
            "wants_recurring",
            "neighbourhood_id",
            "languages",
            "target_groups_json",
        )
    )
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 13
    ids = np.asarray(cols[0], dtype=np.int64)

    skill_rows = _cursor_rows(
        _of_volunteers(Volunteer.skills.through.objects.all(), organisation, wanted)
        .order_by()
        .values_list("volunteer_id", "skill_id", "skill__code")
    )
    pairs = np.array([(vid, skill_id) for vid, skill_id, _code in skill_rows], dtype=np.int64).reshape(-1, 2)
    at, found = _row_index(ids, pairs[:, 0])
    if wanted is not None:  # only the codes of volunteers in the pool (no join above)
        skill_rows = [row for row, keep in zip(skill_rows, found.tolist(), strict=True) if keep]
    code_of = {skill_id: code for _vid, skill_id, code in skill_rows}
    vocab = tuple(sorted(set(code_of.values())))
    position = {code: j for j, code in enumerate(vocab)}
    skill_ids = np.array(sorted(code_of), dtype=np.int64)
    skill_index = np.array([position[code_of[k]] for k in skill_ids.tolist()], dtype=np.int64)
    skills = _bits_of_index(at[found], skill_index[np.searchsorted(skill_ids, pairs[found, 1])], vocab, n)

    vendor = connections[AvailabilitySlot.objects.db].vendor
    slot_rows = _int_rows(
        _of_volunteers(AvailabilitySlot.objects.all(), organisation, wanted)
        .order_by()
        .annotate(start_s=_seconds_of("start", vendor), end_s=_seconds_of("end", vendor))
        .values_list("volunteer_id", "weekday", "start_s", "end_s"),
        4,
    )
    at, found = _row_index(ids, slot_rows[:, 0])
    slots = (at[found], slot_rows[found, 1], slot_rows[found, 2], slot_rows[found, 3])

    if wanted is None:
        open_counts, households = _open_counts(organisation), _households(organisation)
    else:  # a few volunteers: one query for both (a round trip is most of the cost)
        open_counts, households = _matches_of(organisation, wanted)
    open_matches = np.zeros(n, dtype=np.int64)
    if open_counts:
        at, found = _row_index(ids, open_counts.keys())
        open_matches[at[found]] = np.fromiter(open_counts.values(), dtype=np.int64)[found]

    return VolunteerPool.from_arrays(
        ids,
        np.asarray(cols[1], dtype=np.float64),
        np.asarray(cols[2], dtype=np.float64),
        np.asarray(cols[3], dtype=np.float64),
        organisation_id=organisation.pk,
        active=np.asarray(cols[4], dtype=bool),
        paused_until=np.fromiter((_ordinal(d) for d in cols[5]), dtype=np.int64, count=n),
        vog_valid_until=np.fromiter((_ordinal(d) for d in cols[6]), dtype=np.int64, count=n),
        max_active_matches=np.asarray(cols[7], dtype=np.int64),
        open_matches=open_matches,
        wants_one_off=np.asarray(cols[8], dtype=bool),
        wants_recurring=np.asarray(cols[9], dtype=bool),
        neighbourhood_id=np.fromiter((-1 if x is None else x for x in cols[10]), dtype=np.int64, count=n),
        skills=skills,
        languages=_code_bits(cols[11], _languages, n),
        target_groups=_code_bits(cols[12], _groups, n),
        slots=slots,
        households=households,
    )


# --- The per-process pool cache ---------------------------------------------------------
#
# Building a pool costs O(n) (about 1.5 s per 100k volunteers, 20-30 s per million); a
# suggestion costs milliseconds. So each process keeps the last pools it built, keyed by
# organisation, with the pool version they reflect.
#
# Is a cached pool still right? The version is in the database (matching.poolversion):
# every write that changes what the engine sees of a volunteer bumps the organisation's
# PoolVersion and logs the volunteer in PoolChange, in the same transaction. Each
# suggestion reads the version and the log rows after the cached version in one indexed
# query (pool_changes_read):
#
# * same version: the cached pool is used as it is;
# * newer, with the log complete: only the logged volunteers are read again (four
#   queries of volunteer_pool, filtered by id) and the cached pool is patched
#   (VolunteerPool.patched: changed columns copied, the rest shared; rows added, removed
#   or moved to another grid cell re-sort the pool in memory);
# * the log pruned past the cached version, "anything changed", or more than
#   MATCHING_POOL_PATCH_MAX volunteers: a full rebuild.
#
# A committed change is therefore seen by the next suggestion in every process, with
# any cache backend. The data read for a patch may be newer than the version read a
# moment before (another commit in between): such volunteers are logged after that
# version and read again on the next suggestion, so a pool is never older than its
# version. match_propose re-checks capacity under a row lock in any case. The cache is
# bounded (least recently used organisations drop out) and thread-safe: a published
# pool is never changed in place, and one thread per organisation brings it up to date.

POOL_CACHE_SIZE = 8
PATCH_MAX = 5_000  # log rows read at most (MATCHING_POOL_PATCH_MAX); more, or over a tenth of the pool: rebuild


@dataclass(frozen=True)
class _Entry:
    version: int
    pool: VolunteerPool


_pool_cache: OrderedDict[int, _Entry] = OrderedDict()
_pool_lock = threading.Lock()
_update_locks: dict[int, threading.Lock] = {}


def _update_lock(organisation_id: int) -> threading.Lock:
    with _pool_lock:
        return _update_locks.setdefault(organisation_id, threading.Lock())


def _cached(organisation_id: int) -> _Entry | None:
    with _pool_lock:
        entry = _pool_cache.get(organisation_id)
        if entry is not None:
            _pool_cache.move_to_end(organisation_id)
        return entry


def _publish(organisation_id: int, entry: _Entry) -> None:
    with _pool_lock:
        current = _pool_cache.get(organisation_id)
        if current is None or current.version <= entry.version:
            _pool_cache[organisation_id] = entry
        _pool_cache.move_to_end(organisation_id)
        while len(_pool_cache) > POOL_CACHE_SIZE:
            _pool_cache.popitem(last=False)


def cached_volunteer_pool(*, organisation: Organisation, today: datetime.date | None = None) -> VolunteerPool:
    """:func:`volunteer_pool`, kept per process and brought up to the stored version.

    One query (the version and the log since the cached version) when nothing changed;
    four more, filtered to the changed volunteers, to patch the pool; a full build (five
    queries over everyone) for a process's first pool or when the log cannot tell."""
    limit = int(getattr(settings, "MATCHING_POOL_PATCH_MAX", PATCH_MAX))
    entry = _cached(organisation.pk)
    if entry is not None:
        version, changed = pool_changes_read(organisation_id=organisation.pk, since=entry.version, limit=limit)
        if version == entry.version:
            return entry.pool
    with _update_lock(organisation.pk):
        # Another thread may have brought the pool up to date meanwhile.
        latest = _cached(organisation.pk)
        if latest is not None and latest is not entry:
            entry = latest
            version, changed = pool_changes_read(organisation_id=organisation.pk, since=entry.version, limit=limit)
            if version == entry.version:
                return entry.pool
        if entry is None:
            folder = _store_folder()
            if folder is not None:
                entry = _entry_from_files(folder, organisation, today, limit)
                _publish(organisation.pk, entry)
                return entry.pool
            # Read before the build: the pool is then at least as new as this version.
            version, changed = pool_version_read(organisation.pk), None
        pool = None
        small = max(100, len(entry.pool) // 10) if entry is not None else 0
        if entry is not None and changed is not None and None not in changed and len(changed) <= small:
            fresh = volunteer_pool(organisation=organisation, today=today, only=changed)
            pool = entry.pool.patched(changed, fresh)
        folder = _store_folder()
        if pool is None and folder is not None:
            # A rebuild: one process builds and writes, the others map (or patch) its file.
            entry = _entry_from_files(folder, organisation, today, limit)
            _publish(organisation.pk, entry)
            return entry.pool
        if pool is None:
            pool = volunteer_pool(organisation=organisation, today=today)
        elif folder is not None and pool.ids is not entry.pool.ids:
            # Rows came, went or changed cell: every column is a private copy now.
            pool = _shared_again(folder, organisation.pk, version, pool)
        _publish(organisation.pk, _Entry(version, pool))
        return pool


# --- The pool shared through files (MATCHING_POOL_DIR) ------------------------------------
#
# With MATCHING_POOL_DIR set, a process's first pool of an organisation is not built but
# mapped from the newest pool file (matching.poolstore) whose version is not after the
# database's, then patched up to the database's version as above. No usable file, or a
# log that cannot tell: one process builds under the organisation's file lock and writes
# the file; the others wait and map it. Patches stay in the process that made them.


def _store_folder() -> Path | None:
    folder = getattr(settings, "MATCHING_POOL_DIR", "") or ""
    return Path(folder) if folder else None


def _patched_up(organisation: Organisation, today: datetime.date | None, base: _Entry, limit: int) -> _Entry | None:
    """``base`` brought up to the database's version by a patch, or None when the log
    cannot tell (a rebuild is needed)."""
    version, changed = pool_changes_read(organisation_id=organisation.pk, since=base.version, limit=limit)
    if version == base.version:
        return base
    if changed is None or None in changed or len(changed) > max(100, len(base.pool) // 10):
        return None
    fresh = volunteer_pool(organisation=organisation, today=today, only=changed)
    return _Entry(version, base.pool.patched(changed, fresh))


_SAMPLE = 16


def _same_volunteers(organisation: Organisation, pool: VolunteerPool) -> bool:
    """Whether a sample of ``pool``'s volunteers (16 spread over it and the highest id) are
    in the database as the pool has them (organisation, location, travel distance): one
    query by primary key, a guard against a file made from another database (replaced,
    reset or restored under the same folder), whose version numbers mean nothing here.
    A change committed in between only costs a needless rebuild."""
    n = len(pool)
    if n == 0:
        return not _volunteers_of(organisation).exists()
    rows = np.unique(np.append(np.linspace(0, n - 1, _SAMPLE).astype(np.int64), int(np.argmax(pool.ids))))
    wanted = {
        int(vid): (float(lat), float(lon), float(km))
        for vid, lat, lon, km in zip(
            pool.ids[rows].tolist(),
            pool.lat[rows].tolist(),
            pool.lon[rows].tolist(),
            pool.max_km[rows].tolist(),
            strict=True,
        )
    }
    found = {
        pk: (float(lat), float(lon), float(km))
        for pk, lat, lon, km in _volunteers_of(organisation, list(wanted)).values_list(
            "pk", "latitude", "longitude", "max_distance_km"
        )
    }
    return found == wanted


def _entry_from_files(folder: Path, organisation: Organisation, today: datetime.date | None, limit: int) -> _Entry:
    def mapped() -> _Entry | None:
        newest = poolstore.pool_file_newest(
            folder, organisation_id=organisation.pk, max_version=pool_version_read(organisation.pk)
        )
        if newest is None:
            return None
        entry = _patched_up(organisation, today, _Entry(*newest), limit)
        if entry is not None and not _same_volunteers(organisation, entry.pool):
            logger.warning("matching pool file of organisation %s does not fit the database: rebuilt", organisation.pk)
            return None
        return entry

    entry = mapped()
    if entry is not None:
        return entry
    try:
        with poolstore.pool_file_lock(folder, organisation.pk):
            entry = mapped()  # another process may have written it while this one waited
            if entry is not None:
                return entry
            version = pool_version_read(organisation.pk)
            built = volunteer_pool(organisation=organisation, today=today)
            try:
                path = poolstore.pool_file_write(folder, organisation_id=organisation.pk, version=version, pool=built)
            except OSError as error:
                logger.error("matching pool file not written, this process keeps its own pool: %s", error)
                return _Entry(version, built)
            del built  # the mapped copy replaces the private one
            poolstore.pool_files_prune(folder, organisation_id=organisation.pk, keep_version=version)
            # Freshly written and checksummed at write: no need to read every page again.
            return _Entry(*poolstore.pool_file_map(path, organisation_id=organisation.pk, verify=False))
    except OSError as error:  # no lock file: the folder is missing or not writable
        logger.error("matching pool folder %s unusable, this process builds its own pool: %s", folder, error)
        version = pool_version_read(organisation.pk)
        return _Entry(version, volunteer_pool(organisation=organisation, today=today))


def _shared_again(folder: Path, organisation_id: int, version: int, pool: VolunteerPool) -> VolunteerPool:
    """``pool`` (at ``version``, all columns private after a splice) as a mapped file:
    the file of this version when another process wrote it already, else written by this
    one. Skipped (the private pool kept, shared again at a later change) while another
    process holds the lock: a suggestion never waits for someone else's write here."""
    try:
        with poolstore.pool_file_lock(folder, organisation_id, wait=False) as locked:
            if not locked:
                return pool
            path = poolstore.pool_file_path(folder, organisation_id, version)
            try:
                return poolstore.pool_file_map(path, organisation_id=organisation_id)[1]
            except poolstore.PoolFileError:
                pass
            if poolstore.pool_file_versions(folder, organisation_id=organisation_id)[:1] > [version]:
                return pool  # others are ahead; this process meets their file at its next rebuild
            poolstore.pool_file_write(folder, organisation_id=organisation_id, version=version, pool=pool)
            poolstore.pool_files_prune(folder, organisation_id=organisation_id, keep_version=version)
            return poolstore.pool_file_map(path, organisation_id=organisation_id, verify=False)[1]
    except (OSError, poolstore.PoolFileError) as error:
        logger.error("matching pool file not written, this process keeps its own pool: %s", error)
        return pool


def pool_cache_clear() -> None:
    """Forget every pool cached in this process (tests; after bulk changes)."""
    with _pool_lock:
        _pool_cache.clear()


# --- Requests ---------------------------------------------------------------------------

_REQUEST_FIELDS = (
    "pk",
    "organisation_id",
    "latitude",
    "longitude",
    "created_at",
    "max_distance_km",
    "needs_vog",
    "kind",
    "urgency",
    "neighbourhood_id",
    "mantelzorger_id",
    "care_recipient__mantelzorger_id",
    "requester_id",
    "care_recipient__situation",
    "care_recipient__age_band",
    "recurring",
    "preferred_language",
)


def _request_rows(requests: QuerySet[HelpRequest]) -> list[RequestData]:
    """RequestData for every located request in ``requests``, in pk order: 6 queries."""
    rows = list(requests.order_by("pk").values_list(*_REQUEST_FIELDS))
    if not rows:
        return []
    located = requests.filter(latitude__isnull=False, longitude__isnull=False)
    inner = located.values("pk")

    skills = _grouped_sets(
        HelpRequest.skills.through.objects.filter(helprequest_id__in=inner).values_list("helprequest_id", "skill__code")
    )
    weekly = _grouped_lists(
        RequestSlot.objects.filter(request_id__in=inner).values_list("request_id", "weekday", "start", "end"), Slot
    )
    dates = _grouped_lists(
        RequestDate.objects.filter(request_id__in=inner).values_list("request_id", "date", "start", "end"), DateWindow
    )
    # Declined (and other excluding) matches, and the pairs a broker rejected in a
    # koppelronde, which are remembered like declined ones: one query for both.
    excluded = _grouped_sets(
        Match.objects.filter(request_id__in=inner, status__in=EXCLUDING_STATES)
        .order_by()
        .values_list("request_id", "volunteer_id")
        .union(BatchRejection.objects.filter(request_id__in=inner).order_by().values_list("request_id", "volunteer_id"))
    )
    # The latest check-in of every mantelzorger involved (newest first; first one wins).
    burden_high: dict[int, bool] = {}
    if any(r[10] or r[11] for r in rows):
        burden_high = _burden_high(
            BurdenCheckIn.objects.filter(
                Q(mantelzorger_id__in=located.values("mantelzorger_id"))
                | Q(mantelzorger_id__in=located.values("care_recipient__mantelzorger_id"))
            )
        )
    return _request_data_rows(rows, skills, weekly, dates, excluded, burden_high)


def _grouped_sets(pairs: Iterable[tuple[int, Any]]) -> dict[int, set]:
    grouped: dict[int, set] = {}
    for key, value in pairs:
        grouped.setdefault(key, set()).add(value)
    return grouped


def _grouped_lists(rows: Iterable[tuple], kind: type) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for key, *values in rows:
        grouped.setdefault(key, []).append(kind(*values))
    return grouped


def _burden_check_ins(check_ins: QuerySet[BurdenCheckIn]) -> QuerySet:
    return check_ins.order_by("mantelzorger_id", "-created_at", "-pk").values_list(
        "mantelzorger_id", "score", *BurdenCheckIn.SIGNALS
    )


def _burden_high(check_ins: QuerySet[BurdenCheckIn] | list[tuple]) -> dict[int, bool]:
    """Whether each mantelzorger's latest check-in (the first row per mantelzorger,
    newest first) shows a high burden."""
    rows = _burden_check_ins(check_ins) if isinstance(check_ins, QuerySet) else check_ins
    burden_high: dict[int, bool] = {}
    for mz, score, *signals in rows:
        if mz not in burden_high:
            burden_high[mz] = score >= BurdenCheckIn.HIGH_SCORE or sum(bool(s) for s in signals) >= 2
    return burden_high


# One request (a broker's suggestions): the same six queries for one id, compiled once
# (common.db.Prepared), since building them with the ORM cost more than running them.
_ONE_REQUEST = Prepared(lambda pk: HelpRequest.objects.filter(pk=pk).values_list(*_REQUEST_FIELDS))
_ONE_SKILLS = Prepared(
    lambda pk: HelpRequest.skills.through.objects.filter(helprequest_id=pk).values_list("helprequest_id", "skill__code")
)
_ONE_WEEKLY = Prepared(
    lambda pk: RequestSlot.objects.filter(request_id=pk).values_list("request_id", "weekday", "start", "end")
)
_ONE_DATES = Prepared(
    lambda pk: RequestDate.objects.filter(request_id=pk).values_list("request_id", "date", "start", "end")
)
_ONE_EXCLUDED = Prepared(
    lambda pk: (
        Match.objects.filter(request_id=pk, status__in=EXCLUDING_STATES)
        .order_by()
        .values_list("request_id", "volunteer_id")
        .union(BatchRejection.objects.filter(request_id=pk).order_by().values_list("request_id", "volunteer_id"))
    )
)
_ONE_BURDEN = Prepared(lambda mz: _burden_check_ins(BurdenCheckIn.objects.filter(mantelzorger_id=mz))[:1])


def _one_request_rows(pk: int) -> list[RequestData]:
    """``_request_rows`` for the one request ``pk``: the same result, at most 6 queries."""
    rows = _ONE_REQUEST.rows(pk)
    if not rows or rows[0][2] is None or rows[0][3] is None:
        return []
    mz = rows[0][10] or rows[0][11]
    return _request_data_rows(
        rows,
        _grouped_sets(_ONE_SKILLS.rows(pk)),
        _grouped_lists(_ONE_WEEKLY.rows(pk), Slot),
        _grouped_lists(_ONE_DATES.rows(pk), DateWindow),
        _grouped_sets(_ONE_EXCLUDED.rows(pk)),
        _burden_high(_ONE_BURDEN.rows(mz)) if mz else {},
    )


def _request_data_rows(
    rows: list[tuple],
    skills: dict[int, set[str]],
    weekly: dict[int, list[Slot]],
    dates: dict[int, list[DateWindow]],
    excluded: dict[int, set[int]],
    burden_high: dict[int, bool],
) -> list[RequestData]:
    result = []
    for (
        pk,
        org_id,
        lat,
        lon,
        created_at,
        max_km,
        needs_vog,
        kind,
        urgency,
        neighbourhood_id,
        mz,
        care_mz,
        requester,
        situation,
        age_band,
        recurring,
        preferred_language,
    ) in rows:
        if lat is None or lon is None:
            continue
        has_time = pk in weekly or pk in dates
        result.append(
            RequestData(
                id=pk,
                organisation_id=org_id,
                point=Point(lat, lon),
                created_at=created_at,
                max_distance_km=max_km,
                required_skills=skills.get(pk, ()),
                weekly_slots=tuple(sorted(weekly.get(pk, ()))),
                dates=tuple(sorted(dates.get(pk, ()))),
                needs_vog=needs_vog,
                kind=kind,
                urgency=known_urgency(urgency),
                burden_high=burden_high.get(mz or care_mz, False) if (mz or care_mz) else False,
                # The language part: the requester's preferred language (none: neutral).
                languages=(preferred_language,) if preferred_language else (),
                target_group=target_group_for(situation=situation, age_band=age_band),
                neighbourhood_id=neighbourhood_id,
                household_key=household_key(
                    mantelzorger_id=mz, care_mantelzorger_id=care_mz, requester_id=requester, request_id=pk
                ),
                excluded_volunteer_ids=excluded.get(pk, ()),
                # With times given, they say it (weekly = recurring, dates = one-off).
                recurring=None if has_time else recurring,
            )
        )
    return result


def request_data(*, request: HelpRequest, now: datetime.datetime | None = None) -> RequestData:
    """One request as the engine sees it (whatever its status). Raises DomainError
    when the request has no location. ``now`` is accepted for the loader contract:
    the engine takes "now" itself."""
    del now
    found = _one_request_rows(request.pk)
    if not found:
        raise DomainError(
            _("Deze vraag heeft geen adres dat we op de kaart kunnen vinden. Vul eerst het adres aan."),
            field="postcode",
        )
    return found[0]


def ready_requests(
    *, organisation: Organisation, now: datetime.datetime | None = None, without_open_match: bool = False
) -> list[RequestData]:
    """Every ready request of ``organisation`` that has a location, in pk order (6 queries).

    ``without_open_match`` leaves out requests that already have a proposed, accepted
    or active match (a batch run should not propose a second volunteer for them)."""
    del now
    requests = HelpRequest.objects.filter(organisation=organisation, status=HelpRequest.Status.READY)
    if without_open_match:
        requests = requests.exclude(pk__in=Match.objects.filter(status__in=Match.OPEN_STATES).values("request_id"))
    return _request_rows(requests)
