"""The pool shared between processes through files (matching.poolstore, MATCHING_POOL_DIR):
a file round-trips to the same pool, mapped read-only; a file cut short, corrupt or of
another format is refused and the loader builds and writes it again; a process maps the
newest file and patches it up to the database's version; one process builds under the
lock while the others map what it wrote."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from common.slots import parse_slots
from matches.models import Match
from matching import loaders, poolstore
from matching.engine import VolunteerPool, suggest
from tests.matching.conftest import NOW, TODAY
from tests.matching.test_pool_freshness import _same_pool

ROOT = Path(__file__).resolve().parents[2]


def _random_pool(n: int = 400, seed: int = 7) -> VolunteerPool:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(1, 3 * n))[:n]
    slot_owner = np.repeat(np.arange(n), rng.integers(0, 4, n))
    starts = rng.integers(8, 18, len(slot_owner)) * 3600
    skills = rng.integers(0, 1 << 12, n).astype(np.uint64)
    return VolunteerPool.from_arrays(
        ids,
        51.98 + rng.uniform(-0.2, 0.2, n),
        5.91 + rng.uniform(-0.3, 0.3, n),
        rng.choice([2.0, 5.0, 10.0], n),
        organisation_id=1,
        active=rng.random(n) > 0.05,
        vog_valid_until=np.where(rng.random(n) < 0.5, TODAY.toordinal() + 300, -1),
        max_active_matches=rng.integers(1, 3, n),
        open_matches=rng.integers(0, 2, n),
        skills=(skills, [f"skill{j}" for j in range(12)]),
        languages=(rng.integers(1, 4, n).astype(np.uint64), ["en", "nl"]),
        target_groups=(rng.integers(0, 8, n).astype(np.uint64), ["children", "dementia", "elderly"]),
        slots=(slot_owner, rng.integers(0, 7, len(slot_owner)), starts, starts + 7200),
        households={f"mz:{k}": rng.choice(ids, 3, replace=False).tolist() for k in range(40)},
        unavailable_dates={TODAY + datetime.timedelta(days=k): rng.choice(ids, 5).tolist() for k in range(10)},
    )


def _request(lat=51.98, lon=5.91, weekly=()):
    from common.geo import Point
    from matching.engine import RequestData

    return RequestData(
        id=1,
        organisation_id=1,
        point=Point(lat, lon),
        created_at=NOW - datetime.timedelta(days=2),
        max_distance_km=None,
        weekly_slots=weekly,
        household_key="mz:3",
    )


# --- The file -------------------------------------------------------------------------------


def test_a_file_maps_back_to_the_same_pool_read_only(tmp_path):
    pool = _random_pool()
    path = poolstore.pool_file_write(tmp_path, organisation_id=1, version=42, pool=pool)
    version, mapped = poolstore.pool_file_map(path, organisation_id=1)
    assert version == 42
    _same_pool(mapped, pool)
    assert not mapped.lat.flags.writeable and not mapped.slot_start.flags.writeable  # the file's pages
    for lat, lon in [(51.98, 5.91), (52.1, 6.1), (51.85, 5.7)]:
        for weekly in ((), tuple(parse_slots("tue 10:00-11:00"))):
            a = suggest(_request(lat, lon, weekly), mapped, limit=20, today=TODAY, now=NOW).as_dict()
            b = suggest(_request(lat, lon, weekly), pool, limit=20, today=TODAY, now=NOW).as_dict()
            assert a == b
            assert a["candidates"] or weekly
    # The one column changed in place stays possible (a private copy).
    some = int(mapped.ids[0])
    mapped.update_open_matches({some: 1})
    assert mapped.volunteer(0).open_matches == 1


@pytest.mark.parametrize("kind", ["in place", "new volunteer", "moved", "removed"])
def test_a_mapped_pool_patches_like_a_built_one(tmp_path, kind):
    pool = _random_pool(seed=3)
    _, mapped = poolstore.pool_file_map(poolstore.pool_file_write(tmp_path, organisation_id=1, version=1, pool=pool))
    target = int(pool.ids[5])
    lat, lon = float(pool.lat[pool.row_of(target)]), float(pool.lon[pool.row_of(target)])
    if kind == "in place":
        changed, fresh = [target], VolunteerPool.from_arrays([target], [lat], [lon], [9.0], open_matches=[2])
    elif kind == "new volunteer":
        changed, fresh = [10**6], VolunteerPool.from_arrays([10**6], [51.9], [5.9], [3.0])
    elif kind == "moved":
        changed, fresh = [target], VolunteerPool.from_arrays([target], [52.1], [6.1], [3.0])
    else:
        changed, fresh = [target], VolunteerPool.from_arrays([], [], [], [])
    _same_pool(mapped.patched(changed, fresh), pool.patched(changed, fresh))
    assert not mapped.lat.flags.writeable  # the mapped base is never written


def _write(tmp_path) -> Path:
    return poolstore.pool_file_write(tmp_path, organisation_id=1, version=3, pool=_random_pool(n=200))


@pytest.mark.parametrize(
    "damage", ["truncated", "truncated header", "empty", "flipped data byte", "flipped header byte", "foreign magic"]
)
def test_a_damaged_file_is_refused(tmp_path, damage):
    path = _write(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) - 100]
    elif damage == "truncated header":
        data = data[:30]
    elif damage == "empty":
        data = bytearray()
    elif damage == "flipped data byte":
        data[-300] ^= 0x40
    elif damage == "flipped header byte":
        data[40] ^= 0x01
    else:
        data[:8] = b"NOTAPOOL"
    path.write_bytes(bytes(data))
    with pytest.raises(poolstore.PoolFileError):
        poolstore.pool_file_map(path)
    assert poolstore.pool_file_newest(tmp_path, organisation_id=1, max_version=10) is None


def test_missing_file_and_other_organisation_are_refused(tmp_path):
    with pytest.raises(poolstore.PoolFileError):
        poolstore.pool_file_map(tmp_path / "1-1.pool")
    path = _write(tmp_path)
    with pytest.raises(poolstore.PoolFileError):
        poolstore.pool_file_map(path, organisation_id=2)


def test_newest_file_not_after_the_version_wins(tmp_path):
    for version in (2, 5, 9):
        poolstore.pool_file_write(tmp_path, organisation_id=1, version=version, pool=_random_pool(n=50))
    assert poolstore.pool_file_newest(tmp_path, organisation_id=1, max_version=8)[0] == 5
    assert poolstore.pool_file_newest(tmp_path, organisation_id=1, max_version=1) is None
    assert poolstore.pool_file_newest(tmp_path, organisation_id=2, max_version=99) is None
    poolstore.pool_files_prune(tmp_path, organisation_id=1, keep_version=9)
    assert sorted(p.name for p in tmp_path.glob("*.pool")) == ["1-9.pool"]


# --- The loader with MATCHING_POOL_DIR --------------------------------------------------------


@pytest.fixture
def pool_dir(tmp_path, settings):
    settings.MATCHING_POOL_DIR = str(tmp_path / "pools")
    return Path(settings.MATCHING_POOL_DIR)


@pytest.fixture
def builds(monkeypatch):
    """How often the loader built a whole pool from the database."""
    calls = []
    real = loaders.volunteer_pool

    def counting(*, organisation, today=None, only=None):
        calls.append(only)
        return real(organisation=organisation, today=today, only=only)

    monkeypatch.setattr(loaders, "volunteer_pool", counting)
    return calls


def _full_builds(calls) -> int:
    return sum(1 for only in calls if only is None)


@pytest.mark.django_db
def test_off_by_default_no_files(region, make_volunteer, settings, tmp_path):
    assert settings.MATCHING_POOL_DIR == ""
    make_volunteer(region["org_a"])
    loaders.cached_volunteer_pool(organisation=region["org_a"], today=TODAY)
    assert loaders.cached_volunteer_pool(organisation=region["org_a"], today=TODAY).lat.flags.writeable


@pytest.mark.django_db
def test_first_process_writes_the_others_map(region, make_volunteer, pool_dir, builds, django_assert_num_queries):
    org = region["org_a"]
    make_volunteer(org)
    make_volunteer(org, at=(51.9, 5.8))
    first = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1
    files = list(pool_dir.glob(f"{org.pk}-*.pool"))
    assert len(files) == 1
    assert not first.lat.flags.writeable  # even the builder uses the mapped copy
    loaders.pool_cache_clear()  # a new process
    # The version, the version and log since the file's version (nothing newer), and a
    # sample of the volunteers (the file fits this database).
    with django_assert_num_queries(3):
        second = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1
    assert not second.lat.flags.writeable
    _same_pool(second, loaders.volunteer_pool(organisation=org))


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["truncated", "corrupt", "missing"])
def test_a_damaged_file_is_rebuilt(region, make_volunteer, pool_dir, builds, damage):
    org = region["org_a"]
    make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    (path,) = pool_dir.glob(f"{org.pk}-*.pool")
    size = path.stat().st_size
    if damage == "truncated":
        with open(path, "r+b") as f:
            f.truncate(size // 2)
    elif damage == "corrupt":
        with open(path, "r+b") as f:
            f.seek(size - 8)
            f.write(b"\xff" * 8)
    else:
        path.unlink()
    loaders.pool_cache_clear()
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 2
    assert path.stat().st_size == size  # written again, whole
    poolstore.pool_file_map(path, organisation_id=org.pk)  # and valid
    _same_pool(pool, loaders.volunteer_pool(organisation=org))


@pytest.mark.django_db
def test_an_older_file_is_patched_up_to_the_database(
    region, make_volunteer, make_request, make_match, pool_dir, builds
):
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=2)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    make_match(make_request(org), v, Match.Status.ACTIVE)
    v.max_distance_km = 7
    v.save()
    make_volunteer(org, at=(51.95, 5.85))
    loaders.pool_cache_clear()  # a new process: the file is behind the database
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1  # patched, not built
    assert len(pool) == 2
    assert pool.volunteer(pool.row_of(v.pk)).open_matches == 1
    assert pool.volunteer(pool.row_of(v.pk)).max_distance_km == 7
    _same_pool(pool, loaders.volunteer_pool(organisation=org))


@pytest.mark.django_db
def test_a_log_that_cannot_tell_rebuilds_and_replaces_the_file(region, make_volunteer, pool_dir, builds):
    org = region["org_a"]
    make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    (old,) = pool_dir.glob(f"{org.pk}-*.pool")
    make_volunteer(org, at=(51.95, 5.85))
    loaders.pool_version_bump(organisation_id=org.pk)  # "anything may have changed"
    loaders.pool_cache_clear()
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 2
    assert len(pool) == 2
    (new,) = pool_dir.glob(f"{org.pk}-*.pool")  # the old version pruned
    assert new != old
    _same_pool(pool, loaders.volunteer_pool(organisation=org))


@pytest.mark.django_db
def test_a_file_newer_than_the_database_is_not_used(region, make_volunteer, pool_dir, builds):
    org = region["org_a"]
    make_volunteer(org)
    version = loaders.pool_version_read(org.pk)
    # A file claiming a version the database has not reached (another database, a restore).
    poolstore.pool_file_write(pool_dir, organisation_id=org.pk, version=version + 5, pool=_random_pool(n=30))
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1
    _same_pool(pool, loaders.volunteer_pool(organisation=org))


_LOCKED_WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from matching import poolstore
with poolstore.pool_file_lock(Path({folder!r}), 1):
    print("locked", flush=True)
    time.sleep(1.0)
    Path({folder!r}, "written-by-child").write_text("x")
"""


def test_the_lock_makes_the_others_wait(tmp_path):
    import os

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = "import django; django.setup()\n" + _LOCKED_WRITER.format(root=str(ROOT), folder=str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "locked"
        with poolstore.pool_file_lock(tmp_path, 1):
            # Only after the child's critical section: it wrote before letting go.
            assert (tmp_path / "written-by-child").exists()
    finally:
        child.wait(timeout=30)
    assert child.returncode == 0


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["new volunteer", "moved"])
def test_a_spliced_pool_is_shared_again(region, make_volunteer, pool_dir, builds, change):
    """Someone added or moved makes every column a private copy; the process writes the
    pool at the new version and maps it, and a new process maps that file as it is."""
    org = region["org_a"]
    v = make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    if change == "new volunteer":
        make_volunteer(org, at=(51.95, 5.85))
    else:
        v.latitude, v.longitude = 52.1, 6.1
        v.save()
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert not pool.lat.flags.writeable  # mapped again, not private
    version = loaders.pool_version_read(org.pk)
    assert poolstore.pool_file_versions(pool_dir, organisation_id=org.pk) == [version]
    loaders.pool_cache_clear()
    again = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1 and len([b for b in builds if b is not None]) == 1  # one patch read
    _same_pool(again, loaders.volunteer_pool(organisation=org))
    _same_pool(pool, again)


@pytest.mark.django_db
def test_a_spliced_pool_stays_private_while_another_process_holds_the_lock(region, make_volunteer, pool_dir):
    org = region["org_a"]
    make_volunteer(org)
    loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    make_volunteer(org, at=(51.95, 5.85))
    code = (
        "import sys, time, fcntl; f = open(sys.argv[1], 'a+b'); fcntl.flock(f.fileno(), fcntl.LOCK_EX); "
        "print('locked', flush=True); sys.stdin.readline()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(pool_dir / f"{org.pk}.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)  # does not wait
    finally:
        child.communicate("\n", timeout=30)
    assert pool.lat.flags.writeable  # private for now
    assert len(pool) == 2
    _same_pool(pool, loaders.volunteer_pool(organisation=org))


@pytest.mark.django_db
def test_a_file_from_another_database_is_not_trusted(region, make_volunteer, pool_dir, builds):
    """A file whose version number fits, made from other data (a database reset or
    restored under the same folder), is rebuilt, not used."""
    org = region["org_a"]
    make_volunteer(org)
    make_volunteer(org, at=(51.95, 5.85))
    version = loaders.pool_version_read(org.pk)
    poolstore.pool_file_write(pool_dir, organisation_id=org.pk, version=version, pool=_random_pool(n=30))
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert _full_builds(builds) == 1
    assert len(pool) == 2
    _same_pool(pool, loaders.volunteer_pool(organisation=org))
    # The file is replaced by the pool of this database.
    assert len(poolstore.pool_file_map(poolstore.pool_file_path(pool_dir, org.pk, version))[1]) == 2


@pytest.mark.django_db
def test_an_unusable_folder_still_answers(region, make_volunteer, settings, tmp_path, caplog):
    """A folder that cannot be made (a file is in the way) or written: the process builds
    its own pool, logs why, and the suggestion does not fail."""
    org = region["org_a"]
    make_volunteer(org)
    (tmp_path / "a-file").write_text("x")
    settings.MATCHING_POOL_DIR = str(tmp_path / "a-file" / "pools")
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert len(pool) == 1
    assert "unusable" in caplog.text
    make_volunteer(org, at=(51.95, 5.85))  # a splice: writing it again fails the same way
    assert len(loaders.cached_volunteer_pool(organisation=org, today=TODAY)) == 2


@pytest.mark.django_db
def test_a_read_only_folder_keeps_a_private_pool(region, make_volunteer, pool_dir, monkeypatch, caplog):
    org = region["org_a"]
    make_volunteer(org)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(poolstore, "pool_file_write", refuse)
    pool = loaders.cached_volunteer_pool(organisation=org, today=TODAY)
    assert len(pool) == 1 and pool.lat.flags.writeable
    assert "not written" in caplog.text
