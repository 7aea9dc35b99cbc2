"""Benchmark: the broker's open matches (``/organisatie/<slug>/koppelingen/``, issue #12).

    .venv/bin/python benchmarks/match_list.py --matches 1000 5000 --database sqlite
    .venv/bin/python benchmarks/match_list.py --matches 1000 5000 \\
        --database postgres://postgres@127.0.0.1:5432/bm_matchlist --compare /tmp/main-checkout

What it does (the structure and helpers of ``benchmarks/queue_page.py``):

1. Writes one synthetic organisation per size with ``benchmarks/synthetic.py``
   (``--volunteers``, default 10,000; 100 ready requests; earlier matches for so
   many volunteers that about N are open) into a fresh database: a temporary SQLite file, or the
   PostgreSQL database of the URL (dropped and created again: only a name starting
   with ``bm_`` or ``bench_`` is accepted). ``synthetic.open_matches_mix`` then makes
   10% of the open matches proposals waiting for the volunteer (0-20 days old), 10%
   accepted by the volunteer, leaves 80% active, and gives 5% of the active ones 1-3
   hours entries waiting for approval.
2. A fresh process per round (``--rounds``) logs a broker in with ``django.test.Client``
   and times ``GET`` of the page (the first page of each group), ``--views`` times after
   3 warm-up views: the server's whole work for the page, without a network.
3. With ``--compare DIR`` each round runs first in the checkout ``DIR`` (e.g. main's
   code from ``git archive``), then in this one, on the same database, interleaved.
   Each run also prints a digest of the page (the CSRF token taken out): the same
   digest for both codes means the same page, byte for byte.

Prints one JSON object per round and a summary (p50/p95 per code and size, wall-clock,
and the Django process's CPU time beside it: on a shared machine the wall-clock time
also holds the wait for a core).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402  (the folder is on the path now)
from queue_page import (  # noqa: E402
    arguments_parse,
    codes_to_measure,
    database_fresh,
    measure_child,
    page_time,
    percentiles,
    round_median,
    rounds_interleaved,
)

VOLUNTEERS = 10_000
READY_REQUESTS = 100
OPEN_SHARE = 0.6  # of history_write's earlier matches, the share left open (active)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def measure(code: str, url: str, slug: str, views: int) -> dict:
    """In a fresh process: time the open matches of ``slug`` with the code in ``code``."""
    ms, cpu, html = page_time(code, url, f"/organisatie/{slug}/koppelingen/", views)
    return {
        "code": code,
        "slug": slug,
        **percentiles(ms),
        **{f"cpu_{k}": v for k, v in percentiles(cpu).items()},
        "page_kb": round(len(html) / 1024, 1),
        "page_digest": hashlib.sha256(CSRF.sub("", html).encode()).hexdigest()[:12],
        "load_average": os.getloadavg()[0],
    }


def prepare(spec: str, sizes: list[int], volunteers: int = VOLUNTEERS) -> tuple[synthetic.Database, dict[int, str]]:
    db = database_fresh(spec)
    from neighbourhoods.models import Organisation

    slugs = {}
    for n in sizes:
        if n > volunteers * OPEN_SHARE:
            raise SystemExit(f"--matches at most {int(volunteers * OPEN_SHARE):,} for {volunteers:,} volunteers")
        result = synthetic.generate(
            volunteers=volunteers,
            requests=READY_REQUESTS,
            history=n / (volunteers * OPEN_SHARE),
            slug=f"matches-{n}",
            progress=lambda line: print(line, file=sys.stderr),
        )
        organisation = Organisation.objects.get(pk=result.organisation_id)
        mix = synthetic.open_matches_mix(organisation)
        print(f"  open matches of {organisation.slug}: {mix}", file=sys.stderr)
        synthetic.broker_ensure(organisation)
        slugs[n] = result.organisation_slug
    from django.db import connections

    connections.close_all()
    return db, slugs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, nargs="+", default=[1_000, 5_000], metavar="N")
    parser.add_argument("--volunteers", type=int, default=VOLUNTEERS, help="volunteers per organisation")
    args = arguments_parse(parser, views=30)
    if args.measure:
        measure_child(args.measure, measure)
        return
    if min(args.matches) < 1 or args.views < 1 or args.rounds < 1:
        parser.error("--matches, --views and --rounds must be >= 1")
    db, slugs = prepare(args.database, args.matches, args.volunteers)
    codes = codes_to_measure(args.compare)
    runs = rounds_interleaved(__file__, db, slugs, codes, views=args.views, rounds=args.rounds, size_key="matches")
    print("\nsummary (median of the rounds' p50 and p95, ms):")
    for n in slugs:
        for code in codes:
            mine = [r for r in runs if r["matches"] == n and r["code"] == code]
            p50, p95 = round_median(mine, "p50"), round_median(mine, "p95")
            cpu50, cpu95 = round_median(mine, "cpu_p50"), round_median(mine, "cpu_p95")
            loads = [r["load_average"] for r in mine]
            digests = sorted({r["page_digest"] for r in mine})
            print(
                f"  {n:>6,} open matches  {code}: p50 {p50:.1f}  p95 {p95:.1f}  (CPU {cpu50:.1f} / {cpu95:.1f})  "
                f"(page {mine[0]['page_kb']} kB, digest {', '.join(digests)}; "
                f"load average {min(loads):.1f}-{max(loads):.1f})"
            )
    print(f"commit {synthetic.code_commit()}; {synthetic.machine_line(synthetic.machine_info(db.url))}")


if __name__ == "__main__":
    main()
