"""Benchmark: ``manage.py import_volunteers`` with 10,000 volunteers on SQLite.

    .venv/bin/python benchmarks/import_volunteers.py             # 10,000 rows, writes README
    .venv/bin/python benchmarks/import_volunteers.py --rows 2000 --no-readme

What it does:

1. Writes a realistic CSV: Dutch names from Faker ``nl_NL`` plus names such as
   "Zoë van 't Hof", real PC4 postcode areas of regio Arnhem from the shipped
   gazetteer, house numbers, a mix of location kinds (postcode, lat/lon, place only),
   skills, weekly availability, VOG dates and languages.
2. Makes a fresh SQLite database in a temporary folder (``DATABASE_URL``), runs
   ``migrate`` and ``load_demo --no-people`` (regio Arnhem: 12 municipalities, their
   villages and wijken, the organisation ``regio-arnhem``). The project's own
   ``db.sqlite3`` is never touched.
3. Runs the import twice, each in a fresh process: a first import (all rows new)
   and the same file again (all rows updated). Each run reports the wall time of the
   command itself, of the whole process (Python and Django start-up included), and
   the peak resident memory (``resource.getrusage``).
4. Writes the figures, the machine and the versions into ``benchmarks/README.md``
   (section "Import").
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
ORGANISATION = "regio-arnhem"  # created by load_demo, with regio Arnhem as work area

HEADER = [
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "max_distance_km",
    "skills",
    "availability",
    "max_active_matches",
    "vog_valid_until",
    "languages",
]
SKILLS = [
    "companionship",
    "respite",
    "shopping",
    "transport",
    "odd_jobs",
    "gardening",
    "paperwork",
    "digital",
    "walking",
    "cooking",
    "language",
    "dementia",
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"  # PostNL never issues SA, SD or SS; these avoid them
# Names that trip up naive code: apostrophes, diacritics, hyphens, lower-case prefixes.
SPECIAL_NAMES = [
    ("Zoë", "van 't Hof"),
    ("Fatma", "Özdemir-Bakker"),
    ("Geert", "d'Ancona"),
    ("Anouk", "ten Brinke-Çelik"),
    ("Jeroen", "'s-Gravesande"),
    ("Chloë", "van der Heijden"),
    ("Ruud", "Ruijs-Ağca"),
    ("Noël", "de Vries"),
]
LANGUAGES = ["nl"] * 14 + ["nl;en"] * 4 + ["nl;tr", "nl;ar", "nl;pl", "en", "nl;de;en"]


# --- The CSV -----------------------------------------------------------------------


def _jitter(rng: random.Random, lat: float, lon: float, max_m: float) -> tuple[float, float]:
    r = max_m * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = (r * math.cos(angle)) / 111_320
    dlon = (r * math.sin(angle)) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _availability(rng: random.Random) -> str:
    blocks = [("09:00", "12:30"), ("13:00", "17:30"), ("18:30", "21:00")]
    chosen = {(rng.randrange(7 if rng.random() < 0.2 else 5), rng.randrange(3)) for _ in range(rng.randint(1, 5))}
    return "; ".join(f"{DAYS[day]} {blocks[b][0]}-{blocks[b][1]}" for day, b in sorted(chosen))


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "", text.lower())


def write_csv(path: Path, rows: int, seed: int) -> dict:
    """Write ``rows`` volunteers; returns how the location columns were filled."""
    import django
    from faker import Faker

    django.setup()  # the parent's environment points at the temporary database

    from neighbourhoods.geo import get_gazetteer
    from neighbourhoods.services import REGIO_ARNHEM

    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    gazetteer = get_gazetteer()
    areas = [a for m in REGIO_ARNHEM.municipalities for a in gazetteer.postcode_areas(municipality=m)]
    today = datetime.date.today()
    kinds = {"postcode": 0, "latlon": 0, "place": 0}
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n in range(rows):
            area = rng.choice(areas)
            if rng.random() < 0.05:
                first, last = rng.choice(SPECIAL_NAMES)
            else:
                first, last = fake.first_name(), fake.last_name()
            row = dict.fromkeys(HEADER, "")
            row |= {
                "external_id": f"VC-{n + 1:06d}",
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}.{n}@example.nl" if rng.random() < 0.85 else "",
                "phone": fake.phone_number() if rng.random() < 0.7 else "",
                "max_distance_km": rng.choice(["2", "3", "5", "5", "5", "7.5", "10", "15", ""]),
                "skills": "; ".join(rng.sample(SKILLS, rng.randint(1, 4))),
                "availability": _availability(rng),
                "max_active_matches": rng.choice(["1", "1", "1", "2", "2", "3", ""]),
                "vog_valid_until": (
                    (today + datetime.timedelta(days=rng.randint(-200, 3 * 365))).isoformat()
                    if rng.random() < 0.4
                    else ""
                ),
                "languages": rng.choice(LANGUAGES),
            }
            dice = rng.random()
            postcode = f"{area.pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            if dice < 0.80:  # postcode and house number: the usual export
                row |= {"postcode": postcode, "house_number": str(rng.randint(1, 250)) + rng.choice([""] * 9 + ["a"])}
                kinds["postcode"] += 1
            elif dice < 0.95:  # coordinates from another system, with the postcode
                lat, lon = _jitter(rng, area.point.lat, area.point.lon, 1500)
                row |= {"postcode": postcode, "latitude": str(lat), "longitude": str(lon)}
                kinds["latlon"] += 1
            else:  # only the place name
                row |= {"place": area.place}
                kinds["place"] += 1
            writer.writerow([row[name] for name in HEADER])
    return kinds


# --- Running ----------------------------------------------------------------------------


def child(organisation: str, path: str) -> None:
    """Run inside a fresh process: time the command itself and report as JSON."""
    import io
    import resource

    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    import django

    django.setup()
    from django.core.management import call_command

    from volunteers.models import AvailabilitySlot, Volunteer

    setup_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = io.StringIO()
    before = time.perf_counter()
    call_command("import_volunteers", "--organisation", organisation, path, stdout=out)
    seconds = time.perf_counter() - before
    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The imported ones: load_demo also made the demo volunteer, without an external_id.
    volunteers = Volunteer.objects.filter(organisation__slug=organisation).exclude(external_id="")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "startup_seconds": before - started,
                "setup_rss_kb": setup_rss_kb,
                "peak_rss_kb": peak_rss_kb,
                "summary": out.getvalue().strip(),
                "volunteers": volunteers.count(),
                "skill_links": Volunteer.skills.through.objects.filter(volunteer__in=volunteers).count(),
                "slots": AvailabilitySlot.objects.filter(volunteer__in=volunteers).count(),
                "with_neighbourhood": volunteers.exclude(neighbourhood=None).count(),
            }
        )
    )


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def timed_import(csv_path: Path, env: dict) -> dict:
    started = time.perf_counter()
    done = run([__file__, "--child", str(csv_path)], env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


# --- Machine and README --------------------------------------------------------------------


def machine() -> dict:
    import django

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = " ".join(line.split(":", 1)[1].split())
                break
    ram_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                ram_kb = int(line.split()[1])
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    import sqlite3

    return {
        "nproc": nproc,
        "cpu": cpu,
        "ram": f"{ram_kb / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def section(rows: int, kinds: dict, first: dict, again: dict, info: dict, csv_size: int) -> str:
    def mb(kb: int) -> str:
        return f"{kb / 1024:.0f} MB"

    def line(name: str, r: dict) -> str:
        return (
            f"| {name} | {r['summary']} | {r['seconds']:.1f} s | {r['process_seconds']:.1f} s "
            f"| {rows / r['seconds']:,.0f} | {mb(r['peak_rss_kb'])} ({mb(r['peak_rss_kb'] - r['setup_rss_kb'])} "
            "above Django start-up) |"
        )

    return f"""## Import

Goal: importing 10,000 volunteers (`manage.py import_volunteers`) finishes in well under a
minute on SQLite, on one ordinary machine.

Reproduce: `.venv/bin/python benchmarks/import_volunteers.py` (options: `--rows`, `--seed`,
`--no-readme`, `--keep DIR`). It writes a CSV of {rows:,} volunteers with Dutch names
(Faker `nl_NL`, plus names such as "Zoë van 't Hof" and "Fatma Özdemir-Bakker"), real PC4
postcode areas of regio Arnhem ({kinds["postcode"]:,} rows with postcode and house number,
{kinds["latlon"]:,} with latitude/longitude, {kinds["place"]:,} with only a place), one to
four skills, one to five weekly slots, VOG dates and languages ({csv_size / 1024 / 1024:.1f} MB).
It then makes a fresh SQLite database in a temporary folder (`migrate`, `load_demo
--no-people`: the 12 municipalities of regio Arnhem with their villages and wijken) and runs
the import twice, each time in a new process: first all rows are new, then the same file
again, so every row is updated (skills and availability replaced).

Measured on {datetime.date.today().isoformat()}: {info["nproc"]} CPUs ({info["cpu"]}), {info["ram"]} RAM,
{info["os"]}; Python {info["python"]}, Django {info["django"]}, SQLite {info["sqlite"]}.

| run | result | command | whole process | rows per second | peak memory (RSS) |
|---|---|---|---|---|---|
{line("first import", first)}
{line("re-import (update)", again)}

"Command" is the wall time of the command itself (reading, checking every row, geocoding,
writing); "whole process" adds starting Python and Django. After the first import:
{first["volunteers"]:,} volunteers, {first["skill_links"]:,} skill links, {first["slots"]:,} weekly
slots, {first["with_neighbourhood"]:,} volunteers placed in a neighbourhood or village; after the
re-import: {again["volunteers"]:,} volunteers, {again["skill_links"]:,} skill links,
{again["slots"]:,} slots (no duplicates).

How it stays fast: every row is checked first, without a database query per row; geocoding is
cached per PC4 area and per place; the organisation's neighbourhoods are loaded once; existing
volunteers are fetched in one query. Then one transaction writes: `bulk_create` for new
volunteers, one prepared `UPDATE ... WHERE id = %s` run with `executemany` for existing ones,
and bulk inserts for the skill links and availability slots. Django's `bulk_update` was tried
first: it builds a `CASE WHEN` expression for every field of every row, and the re-import of
10,000 volunteers took 37 s (and 330 MB) with it.
"""


def write_readme(text: str) -> None:
    intro = (
        "# Benchmarks\n\nSpeed and memory goals, measured. Each section names the goal, the command that "
        "reproduces it and the figures of the last run, with the machine it ran on.\n\n"
    )
    current = README.read_text(encoding="utf-8") if README.exists() else intro
    pattern = re.compile(r"^## Import\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _: text, current, count=1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    README.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-readme", action="store_true", help="print the figures, leave README.md alone")
    parser.add_argument("--keep", metavar="DIR", help="keep the CSV and database in DIR")
    parser.add_argument("--child", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(ORGANISATION, args.child)
        return

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, db_path = folder / "volunteers.csv", folder / "bench.sqlite3"
    db_path.unlink(missing_ok=True)
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "GEOCODER": "offline",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Writing {args.rows:,} rows to {csv_path} ...", flush=True)
    kinds = write_csv(csv_path, args.rows, args.seed)
    print("Fresh database: migrate, load_demo --no-people ...", flush=True)
    run(["manage.py", "migrate", "--noinput"], env)
    run(["manage.py", "load_demo", "--no-people"], env)
    print("First import ...", flush=True)
    first = timed_import(csv_path, env)
    print(json.dumps(first), flush=True)
    print("Re-import (update) ...", flush=True)
    again = timed_import(csv_path, env)
    print(json.dumps(again), flush=True)

    text = section(args.rows, kinds, first, again, machine(), csv_path.stat().st_size)
    print(text)
    if not args.no_readme:
        write_readme(text)
        print(f"Written to {README}")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
