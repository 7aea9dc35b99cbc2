"""Benchmark: the broker's queue of ready requests (``/organisatie/<slug>/vragen/``).

    .venv/bin/python benchmarks/queue_page.py --requests 1000 10000 --database sqlite
    .venv/bin/python benchmarks/queue_page.py --requests 1000 10000 \\
        --database postgres://postgres@127.0.0.1:5432/bm_perf --compare /tmp/main-checkout

What it does:

1. Writes one synthetic organisation per size with ``benchmarks/synthetic.py`` (1,000
   volunteers, N ready requests with their carers, the person cared for and burden
   check-ins) into a fresh database: a temporary SQLite file, or the PostgreSQL
   database of the URL (dropped and created again: only a name starting with ``bm_`` or
   ``bench_`` is accepted).
2. A fresh process per round (``--rounds``) logs a broker in with ``django.test.Client``
   (``tests.login.log_in``: the second step done) and times ``GET`` of the queue's first
   page (the default tab: open requests, ranked), ``--views`` times after 3 warm-up
   views: the server's whole work for the page (middleware, the queries, the ranking,
   the template), without a network.
3. With ``--compare DIR`` each round runs first in the checkout ``DIR`` (e.g. main's
   code from ``git archive``), then in this one, on the same database, so the two are
   measured interleaved, under the same load of a shared machine.

Prints one JSON object per round and a summary (p50/p95 per code and size); the figures
are written up by hand in ``benchmarks/README.md`` ("Broker queue").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402  (the folder is on the path now)

VOLUNTEERS = 1_000
WARMUP = 3


def page_time(code: str, url: str, path: str, views: int) -> tuple[list[float], list[float], str]:
    """In a fresh process: log the bench broker in with the code in ``code`` and time
    ``GET path`` ``views`` times after ``WARMUP`` views: wall-clock and this process's
    CPU time (ms; the CPU time leaves out the database server and waiting for a core on
    a shared machine), with the last page's HTML."""
    sys.path.insert(0, code)
    os.chdir(code)
    synthetic.django_setup(url)
    from django.test import Client

    from accounts.models import User
    from tests.login import log_in

    client = Client(HTTP_HOST="localhost")
    log_in(client, User.objects.get(email="makelaar@bench.example.nl"))
    ms, cpu = [], []
    for i in range(WARMUP + views):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed, used = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        if i >= WARMUP:
            ms.append(elapsed)
            cpu.append(used)
    return ms, cpu, response.content.decode()


def percentiles(ms: list[float]) -> dict:
    import numpy as np

    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))}


def measure(code: str, url: str, slug: str, views: int) -> dict:
    """In a fresh process: time the queue page of ``slug`` with the code in ``code``."""
    ms, _cpu, html = page_time(code, url, f"/organisatie/{slug}/vragen/", views)
    rows = html.count("<tr") - 1  # the header row
    return {
        "code": code,
        "slug": slug,
        **percentiles(ms),
        "rows_on_page": rows,
        "load_average": os.getloadavg()[0],
    }


def database_fresh(spec: str) -> synthetic.Database:
    """An empty, migrated database for ``spec`` (sqlite, or a PostgreSQL URL that is
    dropped and created again: only a name starting with ``bm_`` or ``bench_``)."""
    if spec.startswith(("postgres://", "postgresql://")):
        name = spec.rsplit("/", 1)[1]
        if not name.startswith(("bm_", "bench_")):
            raise SystemExit("the PostgreSQL database must be named bm_... or bench_... (it is dropped)")
        synthetic._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        synthetic._pg_admin(f'CREATE DATABASE "{name}"')
    db = synthetic.database_prepare(spec)
    synthetic.django_setup(db.url)
    synthetic.migrate()
    return db


def prepare(spec: str, sizes: list[int]) -> tuple[synthetic.Database, dict[int, str]]:
    db = database_fresh(spec)
    slugs = {}
    for n in sizes:
        result = synthetic.generate(
            volunteers=VOLUNTEERS, requests=n, slug=f"queue-{n}", progress=lambda line: print(line, file=sys.stderr)
        )
        from neighbourhoods.models import Organisation

        synthetic.broker_ensure(Organisation.objects.get(pk=result.organisation_id))
        slugs[n] = result.organisation_slug
    from django.db import connections

    connections.close_all()
    return db, slugs


def codes_to_measure(compare: str | None) -> list[str]:
    """The checkouts to measure: ``--compare``'s (first) and this one."""
    return ([str(Path(compare).resolve())] if compare else []) + [str(synthetic.ROOT)]


def rounds_interleaved(
    script: str,
    db: synthetic.Database,
    slugs: dict[int, str],
    codes: list[str],
    *,
    views: int,
    rounds: int,
    size_key: str,
) -> list[dict]:
    """Each round measures every size with every checkout in turn, each in a fresh
    process (``script --measure``), so before and after share the machine's load.
    The database is removed afterwards."""
    runs: list[dict] = []
    try:
        for _round in range(rounds):
            for n, slug in slugs.items():
                for code in codes:
                    r = synthetic.run_child([script, "--measure", code, db.url, slug, str(views)])
                    r[size_key] = n
                    runs.append(r)
                    print(json.dumps(r), flush=True)
    finally:
        db.cleanup()
    return runs


def arguments_parse(parser: argparse.ArgumentParser, *, views: int) -> argparse.Namespace:
    """The options every page benchmark of this kind has (after the script's own)."""
    parser.add_argument("--database", default="sqlite", help="sqlite or a postgres:// URL (recreated)")
    parser.add_argument("--views", type=int, default=views, help="timed views per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="DIR", help="a checkout to measure interleaved with this one")
    parser.add_argument("--measure", nargs=4, metavar=("CODE", "URL", "SLUG", "VIEWS"), help=argparse.SUPPRESS)
    return parser.parse_args()


def measure_child(spec: list[str], measure_one) -> None:
    """The child process of one measurement: print its figures as JSON."""
    code, url, slug, views = spec
    print(json.dumps(measure_one(code, url, slug, int(views))))


def round_median(runs: list[dict], key: str) -> float:
    """The median over the rounds of one figure (the rounds' p50 or p95)."""
    return sorted(r[key] for r in runs)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, nargs="+", default=[1_000, 10_000], metavar="N")
    args = arguments_parse(parser, views=60)
    if args.measure:
        measure_child(args.measure, measure)
        return
    if min(args.requests) < 1 or args.views < 1 or args.rounds < 1:
        parser.error("--requests, --views and --rounds must be >= 1")
    db, slugs = prepare(args.database, args.requests)
    codes = codes_to_measure(args.compare)
    runs = rounds_interleaved(__file__, db, slugs, codes, views=args.views, rounds=args.rounds, size_key="requests")
    print("\nsummary (median of the rounds' p50 and p95, ms):")
    for n in slugs:
        for code in codes:
            mine = [r for r in runs if r["requests"] == n and r["code"] == code]
            p50, p95 = round_median(mine, "p50"), round_median(mine, "p95")
            loads = [r["load_average"] for r in mine]
            print(
                f"  {n:>6,} requests  {code}: p50 {p50:.1f}  p95 {p95:.1f}  "
                f"(rows on the page {mine[0]['rows_on_page']}; load average {min(loads):.1f}-{max(loads):.1f})"
            )
    print(f"commit {synthetic.code_commit()}; {synthetic.machine_line(synthetic.machine_info(db.url))}")


if __name__ == "__main__":
    main()
