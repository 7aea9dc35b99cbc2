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
    def __init__(self, database: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
        env |= {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings"}
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


@pytest.fixture
def two_processes(tmp_path):
    database = tmp_path / "shared.sqlite3"
    writer = Process(database)
    setup = writer.ask("setup")
    reader = Process(database)
    yield writer, reader, setup
    writer.close()
    reader.close()


def test_a_change_in_one_process_shows_in_the_next_suggestion_of_another(two_processes):
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
