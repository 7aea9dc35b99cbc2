"""Benchmark: one pool file mapped by 4 web processes vs. a pool built in each process.

    .venv/bin/python benchmarks/pool_shared.py --volunteers 1000000
    .venv/bin/python benchmarks/pool_shared.py --volunteers 100000 --workers 4 --suggestions 200

What it does:

1. Generates N synthetic volunteers and 1,000 ready requests with
   ``benchmarks/synthetic.py`` (the same generator as the database benchmarks; the
   Netherlands beyond 200,000 volunteers) and keeps them as plain numpy columns, without
   a database: this measures the pool and the engine, which is what differs between the
   two ways. (Reading the pool from the database costs the same in both ways and is
   measured by ``matching_suggest.py``: about 32 s per million on SQLite.)
2. **mapped**: builds the pool once, writes it with ``matching.poolstore.pool_file_write``
   (timed), then starts W worker processes one after the other. Each imports Django (as a
   gunicorn worker does), maps the file (``pool_file_map`` with the checksum of every
   page), answers its first suggestion (``matching.engine.suggest``, limit 10, a random
   request) and then S more; it reports the time from "start mapping" to "first answer",
   and p50/p95 per suggestion.
3. **in-memory**: the same W workers, each building its own pool from the columns with
   ``VolunteerPool.from_arrays`` (what ``cached_volunteer_pool`` does after its queries)
   before its first suggestion.
4. While all W workers of a mode are alive and idle, the memory of each is read from
   ``/proc/<pid>/smaps_rollup``: PSS (resident memory with every shared page divided
   among the processes that map it: the sum is what the W processes cost together) and
   RSS.

Workers start one after the other and time alone (the machine has 2 cores, shared), so
the figures are per process, not under contention. The page cache is warm (the file was
just written, as on a machine where other workers already map it).

The results go to ``--results`` (JSON) and are written up in ``benchmarks/README.md``
("Matching: a pool shared between processes").
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402  (the folder is on the path now)

ROOT = synthetic.ROOT
TODAY = datetime.date(2030, 6, 3)
LANG_VOCAB = ("ar", "de", "en", "nl", "pl", "tr")


def _bits(flags: np.ndarray) -> np.ndarray:
    """(n, k) booleans as one uint64 bit set per row (k <= 64)."""
    weights = np.left_shift(np.uint64(1), np.arange(flags.shape[1], dtype=np.uint64))
    return (flags.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)


def columns_make(n: int, seed: int) -> dict[str, np.ndarray]:
    """The synthetic volunteers as the arguments of ``VolunteerPool.from_arrays``."""
    rng = np.random.default_rng(seed)
    geo = synthetic.geography(synthetic.auto_region(n))
    v = synthetic.volunteers_make(geo, n, rng, TODAY)
    lang_flags = np.array(
        [[code in entry.split(";") for code in LANG_VOCAB] for entry in synthetic.LANGUAGES], dtype=bool
    )
    requests = synthetic.requests_make(geo, 1_000, rng, TODAY)
    return {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "lat": v.lat,
        "lon": v.lon,
        "max_km": v.max_km,
        "active": v.active,
        "paused_until": v.paused_until,
        "vog_valid_until": v.vog_until,
        "max_active_matches": v.capacity,
        "wants_one_off": v.wants_one_off,
        "wants_recurring": v.wants_recurring,
        "skills": _bits(v.skills),
        "languages": _bits(lang_flags)[v.language],
        "groups": _bits(v.groups),
        "slot_row": v.slot_row,
        "slot_day": v.slot_day,
        "slot_start": v.slot_start,
        "slot_end": v.slot_end,
        "req_lat": requests.lat,
        "req_lon": requests.lon,
        "req_max_km": requests.max_km,
        "req_needs_vog": requests.needs_vog,
        "req_kind": requests.kind,
        "req_skill": np.array([synthetic.SKILLS.index(s[0]) for s in requests.skills]),
        "req_slots": np.array(requests.slots, dtype=np.int64).reshape(-1, 4),
        "req_dates": np.array(requests.dates, dtype=np.int64).reshape(-1, 4),
    }


def pool_build(c):
    from matching.engine import VolunteerPool

    return VolunteerPool.from_arrays(
        c["ids"],
        c["lat"],
        c["lon"],
        c["max_km"],
        organisation_id=1,
        active=c["active"],
        paused_until=c["paused_until"],
        vog_valid_until=c["vog_valid_until"],
        max_active_matches=c["max_active_matches"],
        wants_one_off=c["wants_one_off"],
        wants_recurring=c["wants_recurring"],
        skills=(c["skills"], synthetic.SKILLS),
        languages=(c["languages"], LANG_VOCAB),
        target_groups=(c["groups"], synthetic.TARGET_GROUPS),
        slots=(c["slot_row"], c["slot_day"], c["slot_start"], c["slot_end"]),
    )


def requests_of(c) -> list:
    from common.geo import Point
    from common.slots import Slot
    from matching.engine import DateWindow, RequestData

    def t(seconds: int) -> datetime.time:
        return datetime.time(int(seconds) // 3600, int(seconds) // 60 % 60)

    weekly: dict[int, list] = {}
    for i, day, start, end in c["req_slots"].tolist():
        weekly.setdefault(i, []).append(Slot(day, t(start), t(end)))
    dates: dict[int, list] = {}
    for i, ordinal, start, end in c["req_dates"].tolist():
        dates.setdefault(i, []).append(DateWindow(datetime.date.fromordinal(ordinal), t(start), t(end)))
    now = datetime.datetime(2030, 6, 3, 10, tzinfo=datetime.UTC)
    return [
        RequestData(
            id=i + 1,
            organisation_id=1,
            point=Point(float(c["req_lat"][i]), float(c["req_lon"][i])),
            created_at=now - datetime.timedelta(days=3),
            max_distance_km=None if np.isnan(c["req_max_km"][i]) else float(c["req_max_km"][i]),
            required_skills=frozenset({synthetic.SKILLS[int(c["req_skill"][i])]}),
            weekly_slots=tuple(weekly.get(i, ())),
            dates=tuple(dates.get(i, ())),
            needs_vog=bool(c["req_needs_vog"][i]),
            kind=synthetic.KINDS[int(c["req_kind"][i])],
        )
        for i in range(len(c["req_lat"]))
    ]


def memory_of(pid: int) -> dict:
    out = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss", "Shared_Clean", "Private_Dirty"):
                out[key.lower()] = int(rest.split()[0]) / 1024  # MB
    return out


# --- A worker ----------------------------------------------------------------------------


def worker(args) -> None:
    t_start = time.perf_counter()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()  # a web process has Django loaded, in both modes
    from matching import poolstore
    from matching.engine import suggest

    c = dict(np.load(args.columns))
    requests = requests_of(c)
    now = datetime.datetime(2030, 6, 3, 10, tzinfo=datetime.UTC)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    if args.mode == "mapped":
        _, pool = poolstore.pool_file_map(Path(args.file), organisation_id=1, verify=True)
    else:
        pool = pool_build(c)
    t_pool = time.perf_counter()
    first = suggest(requests[int(rng.integers(len(requests)))], pool, limit=10, today=TODAY, now=now)
    t_first = time.perf_counter()
    del c
    times = []
    found = 0
    for _ in range(args.suggestions):
        r = requests[int(rng.integers(len(requests)))]
        a = time.perf_counter()
        found += len(suggest(r, pool, limit=10, today=TODAY, now=now).candidates)
        times.append((time.perf_counter() - a) * 1000)
    print(
        json.dumps(
            {
                "pool_s": t_pool - t0,
                "first_s": t_first - t0,
                "process_to_first_s": t_first - t_start,
                "first_candidates": len(first.candidates),
                "p50_ms": float(np.percentile(times, 50)),
                "p95_ms": float(np.percentile(times, 95)),
                "candidates_per_suggestion": found / max(1, len(times)),
            }
        ),
        flush=True,
    )
    sys.stdin.readline()  # stay alive (and mapped) until the parent has read the memory


def run_mode(mode: str, args, columns: Path, file: Path) -> dict:
    procs, results = [], []
    for k in range(args.workers):
        cmd = [sys.executable, __file__, "--worker", mode, "--columns", str(columns), "--file", str(file)]
        cmd += ["--seed", str(100 + k), "--suggestions", str(args.suggestions)]
        p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(p)
        line = p.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {k} ({mode}) failed")
        results.append(json.loads(line))
    time.sleep(0.5)
    memory = [memory_of(p.pid) for p in procs]
    for p in procs:
        p.stdin.write("\n")
        p.stdin.flush()
        p.wait(timeout=60)
    return {
        "workers": results,
        "memory": memory,
        "pss_total_mb": sum(m["pss"] for m in memory),
        "rss_total_mb": sum(m["rss"] for m in memory),
    }


# --- The alternative: PostgreSQL does the pre-filter -----------------------------------------

PG_DB = "bm_sharedpool"
KM_PER_DEGREE = 111.195


def postgres_prefilter(c, args) -> dict:
    """The same volunteers in a PostgreSQL table with a GiST index on their point (core
    PostgreSQL: no PostGIS here), and per request the query a pool-less web process would
    run: everyone in the request's bounding box who passes the column-wise hard
    constraints (active, not paused, capacity, the required skill, VOG when needed),
    fetched as (id, lat, lon, max_km). Only a lower bound of a suggestion the PostgreSQL
    way: availability, the exact distance, the score and the reasons come after it."""
    import psycopg

    synthetic._pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}"')
    synthetic._pg_admin(f'CREATE DATABASE "{PG_DB}"')
    conninfo = f"host={synthetic.PG_HOST} port={synthetic.PG_PORT} user={synthetic.PG_USER} dbname={PG_DB}"
    n = len(c["ids"])
    out: dict = {}
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE vol (id bigint PRIMARY KEY, lat float8, lon float8, max_km float8, active bool, "
                "paused int, vog int, capacity int, open int, skills bigint)"
            )
            t = time.perf_counter()
            with conn.cursor().copy("COPY vol FROM STDIN") as copy:
                for row in zip(
                    c["ids"].tolist(),
                    c["lat"].tolist(),
                    c["lon"].tolist(),
                    c["max_km"].tolist(),
                    c["active"].tolist(),
                    c["paused_until"].tolist(),
                    c["vog_valid_until"].tolist(),
                    c["max_active_matches"].tolist(),
                    [0] * n,
                    c["skills"].astype(np.int64).tolist(),
                    strict=True,
                ):
                    copy.write_row(row)
            conn.execute("CREATE INDEX vol_point ON vol USING gist (point(lon, lat))")
            conn.execute("ANALYZE vol")
            out["load_s"] = time.perf_counter() - t
            today = TODAY.toordinal()
            rng = np.random.default_rng(args.seed)
            sql = (
                "SELECT id, lat, lon, max_km FROM vol WHERE point(lon, lat) <@ box(point(%s, %s), point(%s, %s)) "
                "AND active AND paused < %s AND open < capacity AND (skills & %s) = %s AND (NOT %s OR vog >= %s)"
            )
            times, rows = [], 0
            for _ in range(args.suggestions):
                i = int(rng.integers(len(c["req_lat"])))
                lat, lon = float(c["req_lat"][i]), float(c["req_lon"][i])
                km = c["req_max_km"][i]
                km = 15.0 if np.isnan(km) else float(km)  # no maximum: the largest travel distance
                dlat = km / KM_PER_DEGREE
                dlon = dlat / np.cos(np.radians(lat))
                mask = 1 << int(c["req_skill"][i])
                vog = bool(c["req_needs_vog"][i])
                a = time.perf_counter()
                found = conn.execute(
                    sql, (lon - dlon, lat - dlat, lon + dlon, lat + dlat, today, mask, mask, vog, today)
                ).fetchall()
                np.array(found, dtype=np.float64).reshape(-1, 4)
                times.append((time.perf_counter() - a) * 1000)
                rows += len(found)
            out.update(
                p50_ms=float(np.percentile(times, 50)),
                p95_ms=float(np.percentile(times, 95)),
                rows_per_query=rows / max(1, len(times)),
            )
    finally:
        synthetic._pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}"')
    return out


def first_in_new_process(args) -> None:
    """``--first-in-process URL``: a new process on a database made by
    ``matching_suggest.py --keep`` (its region), with ``MATCHING_POOL_DIR`` from the
    environment: the time from the start of the process (Django set up) to the first
    ``matching.selectors.volunteer_candidates`` answer, and to the pool alone."""
    t_start = time.perf_counter()
    synthetic.django_setup(args.first_in_process)
    from caregivers.models import HelpRequest
    from matching import loaders
    from matching.selectors import volunteer_candidates

    request = HelpRequest.objects.filter(status=HelpRequest.Status.READY).select_related("organisation").first()
    t0 = time.perf_counter()
    loaders.cached_volunteer_pool(organisation=request.organisation)
    t_pool = time.perf_counter()
    found = volunteer_candidates(organisation=request.organisation, request=request, limit=10)
    t_first = time.perf_counter()
    print(
        json.dumps(
            {
                "pool_dir": os.environ.get("MATCHING_POOL_DIR", ""),
                "django_s": t0 - t_start,
                "pool_s": t_pool - t0,
                "first_suggestion_s": t_first - t0,
                "process_to_first_s": t_first - t_start,
                "candidates": len(found.candidates),
                "memory": memory_of(os.getpid()),
                "peak_rss_mb": synthetic.peak_rss_mb(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volunteers", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--suggestions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--modes", nargs="*", default=["mapped", "in-memory"])
    parser.add_argument("--postgres", action="store_true", help="also time the pre-filter in PostgreSQL")
    parser.add_argument("--results", default=None, help="write the figures to this JSON file")
    parser.add_argument("--first-in-process", metavar="DATABASE_URL", help="see first_in_new_process")
    parser.add_argument("--worker", choices=["mapped", "in-memory"], help=argparse.SUPPRESS)
    parser.add_argument("--columns", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_in_process:
        first_in_new_process(args)
        return
    if args.worker:
        args.mode = args.worker
        worker(args)
        return

    synthetic.django_setup(f"sqlite:///{tempfile.gettempdir()}/pool-shared-unused.sqlite3")
    from matching import poolstore

    with tempfile.TemporaryDirectory(prefix="pool-shared-") as tmp:
        t = time.perf_counter()
        c = columns_make(args.volunteers, args.seed)
        columns = Path(tmp) / "columns.npz"
        np.savez(columns, **c)
        generate_s = time.perf_counter() - t
        t = time.perf_counter()
        pool = pool_build(c)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        file = poolstore.pool_file_write(Path(tmp), organisation_id=1, version=1, pool=pool)
        write_s = time.perf_counter() - t
        size_mb = file.stat().st_size / 2**20
        del pool
        prefilter = postgres_prefilter(c, args) if args.postgres else None
        del c
        out = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": synthetic.code_commit(),
            "machine": synthetic.machine_line(synthetic.machine_info()),
            "volunteers": args.volunteers,
            "generate_s": generate_s,
            "build_s": build_s,
            "write_s": write_s,
            "file_mb": size_mb,
            "modes": {},
            "postgres_prefilter": prefilter,
        }
        for mode in args.modes:
            out["modes"][mode] = run_mode(mode, args, columns, file)
        out["load_average"] = os.getloadavg()
    print(json.dumps(out, indent=1))
    if args.results:
        Path(args.results).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
