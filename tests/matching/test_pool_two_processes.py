"""No suggestion rests on data older than the last committed change, across processes:
one process changes a volunteer, another (with its own cached pool and its own
local-memory cache, so nothing is shared but the database) suggests right after.

The two processes run ``tests/matching/pool_process.py`` on a SQLite file of their own
(this test's database is in memory and inside a transaction, which another process
cannot see)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("pool_process.py")


class Process:
    def __init__(self, database: Path, pool_dir: Path | None = None) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MATCHING_POOL_DIR")
        }
        env |= {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
        if pool_dir is not None:  # as in production: every process maps the pool files of one folder
            env["MATCHING_POOL_DIR"] = str(pool_dir)
        self.proc = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=WORKER.parents[2],
        )

    def ask(self, *command):
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the process stopped (exit {self.proc.poll()})"
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(params=["own-pool", "shared-files"])
def pool_dir(request, tmp_path):
    return tmp_path / "pools" if request.param == "shared-files" else None


@pytest.fixture
def two_processes(tmp_path, pool_dir):
    database = tmp_path / "shared.sqlite3"
    writer = Process(database, pool_dir)
    setup = writer.ask("setup")
    reader = Process(database, pool_dir)
    yield writer, reader, setup
    writer.close()
    reader.close()


def test_a_change_in_one_process_shows_in_the_next_suggestion_of_another(two_processes, pool_dir):
    writer, reader, setup = two_processes
    request, (first, second) = setup["request"], setup["volunteers"]
    assert reader.ask("suggest", request) == [first, second]
    pool = reader.ask("pool_id")

    writer.ask("pause", first)
    assert reader.ask("suggest", request) == [second]
    writer.ask("match", request, second)  # capacity 1: now full
    assert reader.ask("suggest", request) == []
    writer.ask("resume", first)
    assert reader.ask("suggest", request) == [first]
    # Patched each time, never rebuilt: the pool's coordinates are still the same array.
    assert reader.ask("pool_id") == pool
    if pool_dir is not None:
        assert reader.ask("pool_mapped") is True  # the columns are the file's pages, not a copy


def test_shared_files_stay_fresh_for_every_worker(tmp_path):
    """Production's setting (MATCHING_POOL_DIR): the first worker writes the pool file,
    the others map it; a change made in one worker after the file was written shows in
    the next suggestion of each other worker and of a worker started later, which maps
    the older file and patches it up to the database's version."""
    database, pool_dir = tmp_path / "shared.sqlite3", tmp_path / "pools"
    workers = [Process(database, pool_dir) for _ in range(3)]
    try:
        setup = workers[0].ask("setup")
        request, (first, second) = setup["request"], setup["volunteers"]
        for worker in workers:
            assert worker.ask("suggest", request) == [first, second]
        files = sorted(p.name for p in pool_dir.glob("*.pool"))
        assert len(files) == 1  # built once, under the lock, and mapped by the others
        assert all(worker.ask("pool_mapped") for worker in workers)

        workers[1].ask("pause", first)
        assert [w.ask("suggest", request) for w in workers] == [[second]] * 3
        workers[2].ask("match", request, second)
        assert [w.ask("suggest", request) for w in workers] == [[]] * 3
        late = Process(database, pool_dir)
        workers.append(late)
        assert late.ask("suggest", request) == []
        workers[0].ask("resume", first)
        assert [w.ask("suggest", request) for w in workers] == [[first]] * 4
    finally:
        for worker in workers:
            worker.close()
