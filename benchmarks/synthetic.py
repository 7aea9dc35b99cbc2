"""Synthetic regions for the matching benchmarks: volunteers and help requests
clustered around real Dutch places, written straight into the database.

    .venv/bin/python benchmarks/synthetic.py --volunteers 100000 --requests 1000 --database sqlite --keep /tmp/x.sqlite3
    .venv/bin/python benchmarks/synthetic.py --help

Where people live
-----------------
Every volunteer and every request is placed in a real PC4 postcode area from the
shipped gazetteer (``neighbourhoods.geo.get_gazetteer()``: 4,072 areas with their
place, municipality and centre). Each PC4 area counts as one unit of population
(a Dutch PC4 area holds about 4,400 people, so the number of areas of a place
follows its size: Amsterdam has 81, a village one). Around the area's centre the
point is scattered with a normal spread that grows with the number of areas that
share that centre (the data gives big cities one centre for all their areas):
0.9 km for a village, about 5 km for Amsterdam. The volunteer's neighbourhood is
a "kern" for its place, created for the region.

Regions (``--region``; ``auto`` picks by size so that about 1 to 6 percent of the
inhabitants volunteer, as in the Netherlands):

* ``arnhem``: the 12 municipalities of regio Arnhem (102 PC4 areas, ~0.5 M people),
* ``gelderland``: the province of Gelderland (499 areas, 330 places, ~2.1 M people),
* ``nl``: the whole country (4,072 areas, 2,467 places, ~17.9 M people).

What people are like (fractions, all from one seeded ``numpy`` generator)
-------------------------------------------------------------------------
Volunteers: 1-4 skills from the default catalogue (popular: gezelschap,
boodschappen, vervoer; rare: maaltijden, respijtzorg); 1-5 weekly slots
(mean about 2.8; mornings, afternoons, evenings, some whole days, weekdays more
than weekends; the blocks shift by half an hour per person); a VOG for 85% of
those who offer respite and 35% of the others (one in ten of them expired);
travel 2-15 km (5 km most often); room for 1 (60%), 2 (30%) or 3 (10%) matches;
4% inactive, 3% paused; Dutch, some also English, Turkish, Arabic, Polish.

Requests (status ``ready``): respite 30% (always a VOG; a mantelzorger and the
person cared for, a burden check-in for 60% of the carers), practical 25%,
companionship 20%, transport 15% (one date in the next three weeks), other 10%;
one or two weekly windows of 2-3.5 hours inside the usual blocks (7% a long
10:00-16:00 window that only whole-day volunteers cover); urgency low 20%,
normal 65%, high 15%; waiting 0-60 days; a maximum distance for 45% of them.

History (``history``, default 5% of the volunteers): one earlier match each,
60% still active (it takes a place of the volunteer's capacity) and 40% ended;
half of those earlier requests came from a mantelzorger, and 10% of the new
respite requests come from such a household again (continuity).

Writing
-------
Rows are built column-wise with numpy and written in chunks of 50,000: with
PostgreSQL's ``COPY`` (psycopg 3), with ``executemany`` on SQLite (synchronous
off while loading). Primary keys are assigned here, so the through tables and
slots can point at them without reading anything back; sequences are reset at the
end. ``ANALYZE`` runs afterwards on both databases (PostgreSQL's autovacuum would
do it soon anyway; for SQLite it is what ``PRAGMA optimize`` does in production).

The module also holds the database set-up shared by the benchmark scripts
(:func:`database_prepare`, :func:`django_setup`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
PG_DEFAULT_NAME = "bench_matching"
CHUNK = 50_000

SKILLS = (
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
)
SKILL_WEIGHTS = (0.16, 0.06, 0.13, 0.11, 0.08, 0.07, 0.06, 0.07, 0.09, 0.04, 0.06, 0.07)
TARGET_GROUPS = ("elderly", "dementia", "disability", "psychiatric", "children", "newcomers")
LANGUAGES = ("nl", "nl;en", "nl;tr", "nl;ar", "nl;pl", "en", "nl;de;en")
LANGUAGE_WEIGHTS = (0.66, 0.18, 0.04, 0.04, 0.03, 0.02, 0.03)
DAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.4])
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"

# Volunteer blocks (seconds): morning, afternoon, evening, whole day (= morning + afternoon).
H = 3600
BLOCKS = ((9 * H, 12 * H + 1800), (13 * H, 17 * H + 1800), (18 * H + 1800, 21 * H + 1800), (9 * H, 17 * H + 1800))
BLOCK_WEIGHTS = np.array([1.0, 1.0, 0.45, 0.35])
SHIFTS = np.array([-1800, 0, 1800])
# Request windows per block (inside every shift of the block); the last is "long".
REQUEST_WINDOWS = (
    ((9 * H + 1800, 11 * H + 1800), (10 * H, 12 * H), (9 * H + 1800, 12 * H)),
    ((13 * H + 1800, 15 * H + 1800), (14 * H, 16 * H + 1800), (13 * H + 1800, 17 * H)),
    ((19 * H, 21 * H),),
    ((10 * H, 16 * H),),
)
REQUEST_BLOCK_WEIGHTS = np.array([0.45, 0.38, 0.10, 0.07])
KINDS = ("respite", "practical", "companionship", "transport", "other")
KIND_WEIGHTS = (0.30, 0.25, 0.20, 0.15, 0.10)
KIND_SKILLS = {
    "practical": ("shopping", "odd_jobs", "gardening", "cooking"),
    "companionship": ("companionship", "walking"),
    "transport": ("transport",),
    "other": ("paperwork", "digital", "language"),
}


# --- Database set-up (shared by the benchmark scripts) ------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class Database:
    """Where a benchmark writes: the URL and how to throw it away afterwards."""

    url: str
    vendor: str
    label: str
    cleanup: Callable[[], None] = field(repr=False)


def database_prepare(spec: str, *, pg_name: str = PG_DEFAULT_NAME, keep: str | None = None) -> Database:
    """A fresh, empty database for ``spec``: ``sqlite`` (a temporary file, or the
    file ``keep``), ``postgres`` (database ``pg_name`` on 127.0.0.1:5432, dropped and
    created again; only that name is ever touched) or a ``DATABASE_URL``."""
    if spec == "sqlite":
        if keep:
            path = Path(keep).resolve()
            path.unlink(missing_ok=True)
            folder = None
        else:
            folder = Path(tempfile.mkdtemp(prefix="bench-matching-"))
            path = folder / "bench.sqlite3"

        def cleanup() -> None:
            if keep:
                return
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if folder is not None:
                folder.rmdir()

        return Database(f"sqlite:///{path}", "sqlite", f"SQLite file {path}", cleanup)
    if spec == "postgres":
        if not pg_name.startswith("bench_"):
            raise SystemExit("--pg-name must start with 'bench_' (this script drops that database)")
        _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{pg_name}"')

        def cleanup() -> None:
            if keep:
                return
            from django.db import connections

            connections.close_all()
            _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')

        url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_name}"
        return Database(url, "postgresql", f"PostgreSQL database {pg_name} on {PG_HOST}:{PG_PORT}", cleanup)
    vendor = "postgresql" if spec.startswith(("postgres://", "postgresql://")) else "sqlite"
    return Database(spec, vendor, spec, lambda: None)


def django_setup(url: str) -> None:
    """Point Django at ``url`` (before anything imports the settings) and set it up."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("GEOCODER", "offline")
    os.environ["DEBUG"] = "false"  # no query log: it would grow with every query
    import django

    django.setup()


def migrate() -> None:
    import io

    from django.core.management import call_command

    call_command("migrate", "--noinput", stdout=io.StringIO())


def broker_ensure(organisation, *, email: str = "makelaar@bench.example.nl"):
    """A broker of ``organisation`` (verified e-mail), for the views."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from neighbourhoods.models import StaffMembership

    user, created = User.objects.get_or_create(email=email, defaults={"first_name": "Bench", "last_name": "Makelaar"})
    if created:
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    StaffMembership.objects.get_or_create(user=user, organisation=organisation, role=StaffMembership.Role.BROKER)
    return user


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args: Sequence[str], *, env: dict | None = None) -> dict:
    """Run ``python args...`` in a fresh process and return the JSON on its last line
    (its other output is passed through)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env or os.environ.copy(), capture_output=True, text=True, check=False
    )
    sys.stderr.write(done.stderr)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line, flush=True)
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} failed with exit status {done.returncode}")
    return json.loads(lines[-1])


def machine_info(database_url: str | None = None) -> dict:
    """The machine and the versions, for the README."""
    import platform
    import sqlite3

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
    info = {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": f"{ram_kb / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "numpy": np.__version__,
        "postgres": None,
    }
    try:
        import ortools

        info["ortools"] = ortools.__version__
    except Exception:  # noqa: BLE001 - only for the report
        info["ortools"] = None
    try:
        import psycopg

        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3) as conn:
            info["postgres"] = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    except Exception:  # noqa: BLE001 - PostgreSQL is optional
        pass
    return info


def code_commit() -> str:
    """The checkout's commit (short hash), with "+ local changes" when tracked files differ
    from it: the README names the code each figure was measured on."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + local changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine_line(info: dict) -> str:
    pg = f", PostgreSQL {info['postgres']}" if info.get("postgres") else ""
    return (
        f"{info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, {info['os']}; Python {info['python']}, "
        f"Django {info['django']}, SQLite {info['sqlite']}{pg}, numpy {info['numpy']}, OR-Tools {info['ortools']}"
    )


def load_line(rows: Sequence[dict]) -> str:
    """The machine's load while the runs started (it was shared with other work)."""
    loads = [r["load_average"][0] for r in rows if r.get("load_average")]
    if not loads:
        return ""
    return (
        f"The machine was shared with other work: load average (1 min) {min(loads):.1f}-{max(loads):.1f} when "
        "the runs ended; repeated runs of the same case differed by up to a fifth."
    )


README = Path(__file__).resolve().parent / "README.md"


def readme_section_write(heading: str, text: str) -> None:
    """Replace the README section that starts with ``## {heading}`` (up to the next
    ``## ``) with ``text``, or append it; other sections stay as they are."""
    import re

    current = README.read_text(encoding="utf-8")
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = text.strip("\n") + "\n\n"
    if pattern.search(current):
        current = pattern.sub(lambda _: text, current, count=1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    README.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


# --- Geography ----------------------------------------------------------------------------

REGIONS = ("arnhem", "gelderland", "nl")


def auto_region(volunteers: int) -> str:
    if volunteers <= 20_000:
        return "arnhem"
    if volunteers <= 200_000:
        return "gelderland"
    return "nl"


@dataclass
class Geography:
    """The PC4 areas of a region with everything the generator samples from."""

    region: str
    pc4: list[str]
    lat: np.ndarray
    lon: np.ndarray
    sigma_km: np.ndarray
    place_of_area: np.ndarray  # index into places
    places: list[tuple[str, str]]  # (place, municipality)
    place_lat: np.ndarray
    place_lon: np.ndarray
    municipalities: dict[str, str]  # name -> province

    def __len__(self) -> int:
        return len(self.pc4)


def geography(region: str) -> Geography:
    from neighbourhoods.geo import get_gazetteer
    from neighbourhoods.services import REGIO_ARNHEM

    gaz = get_gazetteer()
    gaz._load()
    province_of: dict[str, str] = {}
    for place in gaz._places:
        province_of.setdefault(place.municipality, place.province)
    areas = sorted(gaz._postcodes.values(), key=lambda a: a.pc4)
    if region == "arnhem":
        wanted = set(REGIO_ARNHEM.municipalities)
        areas = [a for a in areas if a.municipality in wanted]
    elif region == "gelderland":
        areas = [a for a in areas if province_of.get(a.municipality) == "Gelderland"]
    elif region != "nl":
        raise ValueError(f"unknown region {region!r}")
    if not areas:
        raise ValueError(f"no postcode areas for region {region!r}")
    share: dict[tuple[float, float], int] = {}
    for a in areas:
        share[(a.point.lat, a.point.lon)] = share.get((a.point.lat, a.point.lon), 0) + 1
    places: dict[tuple[str, str], int] = {}
    place_of_area = []
    for a in areas:
        place_of_area.append(places.setdefault((a.place, a.municipality), len(places)))
    place_of_area = np.asarray(place_of_area)
    lat = np.array([a.point.lat for a in areas])
    lon = np.array([a.point.lon for a in areas])
    counts = np.bincount(place_of_area, minlength=len(places))
    return Geography(
        region=region,
        pc4=[a.pc4 for a in areas],
        lat=lat,
        lon=lon,
        sigma_km=np.array([0.4 + 0.5 * math.sqrt(share[(a.point.lat, a.point.lon)]) for a in areas]),
        place_of_area=place_of_area,
        places=list(places),
        place_lat=np.bincount(place_of_area, weights=lat) / counts,
        place_lon=np.bincount(place_of_area, weights=lon) / counts,
        municipalities={m: province_of.get(m, "") for _, m in places},
    )


def _scatter(geo: Geography, area: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points around the areas' centres (normal spread, cut at 2.5 sigma)."""
    dx = np.clip(rng.standard_normal(len(area)), -2.5, 2.5) * geo.sigma_km[area]
    dy = np.clip(rng.standard_normal(len(area)), -2.5, 2.5) * geo.sigma_km[area]
    lat = geo.lat[area] + dy / 111.32
    lon = geo.lon[area] + dx / (111.32 * np.cos(np.radians(geo.lat[area])))
    return np.round(lat, 6), np.round(lon, 6)


def _weighted_sample(rng: np.random.Generator, n: int, weights: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For each of n rows, ``k[row]`` distinct items drawn with ``weights`` (without
    replacement, Efraimidis-Spirakis keys). Returns a boolean (n, items) matrix."""
    keys = -np.log(rng.random((n, len(weights)))) / weights
    rank = np.argsort(np.argsort(keys, axis=1), axis=1)
    return rank < k[:, None]


# --- Pure generation ----------------------------------------------------------------------


@dataclass
class Volunteers:
    """Column-wise volunteers (row i = the i-th volunteer written)."""

    area: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    max_km: np.ndarray
    capacity: np.ndarray
    active: np.ndarray
    paused_until: np.ndarray  # ordinal or -1
    vog_until: np.ndarray  # ordinal or -1
    language: np.ndarray  # index into LANGUAGES
    groups: np.ndarray  # (n, groups) bool
    wants_one_off: np.ndarray
    wants_recurring: np.ndarray
    skills: np.ndarray  # (n, 12) bool
    slot_row: np.ndarray
    slot_day: np.ndarray
    slot_start: np.ndarray
    slot_end: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray

    def __len__(self) -> int:
        return len(self.area)


def volunteers_make(geo: Geography, n: int, rng: np.random.Generator, today: datetime.date) -> Volunteers:
    area = rng.integers(0, len(geo), n)
    lat, lon = _scatter(geo, area, rng)
    skill_count = rng.choice([1, 2, 3, 4], n, p=[0.3, 0.35, 0.25, 0.1])
    skills = _weighted_sample(rng, n, np.asarray(SKILL_WEIGHTS), skill_count)
    respite = skills[:, SKILLS.index("respite")]
    has_vog = rng.random(n) < np.where(respite, 0.85, 0.35)
    expired = rng.random(n) < 0.1
    t = today.toordinal()
    vog_until = np.where(has_vog, np.where(expired, t - rng.integers(1, 300, n), t + rng.integers(30, 3 * 365, n)), -1)
    active = rng.random(n) >= 0.04
    paused_until = np.where(rng.random(n) < 0.03, t + rng.integers(1, 60, n), -1)
    groups = _weighted_sample(
        rng, n, np.array([3.0, 1.5, 1.0, 0.7, 1.0, 0.8]), rng.choice([0, 1, 2], n, p=[0.65, 0.25, 0.1])
    )
    wants = rng.choice(3, n, p=[0.75, 0.12, 0.13])  # both, recurring only, one-off only

    # Weekly slots: k distinct (day, block) pairs, whole days replacing morning and afternoon.
    k = rng.choice([1, 2, 3, 4, 5], n, p=[0.12, 0.22, 0.32, 0.22, 0.12])
    combos = np.outer(DAY_WEIGHTS, BLOCK_WEIGHTS).ravel()  # index = day * 4 + block
    chosen = _weighted_sample(rng, n, combos, k).reshape(n, 7, 4)
    whole = chosen[:, :, 3]
    chosen[:, :, 0] &= ~whole
    chosen[:, :, 1] &= ~whole
    row, day, block = np.nonzero(chosen)
    shift = rng.choice(SHIFTS, n, p=[0.2, 0.6, 0.2])[row]
    starts = np.array([b[0] for b in BLOCKS])[block] + shift
    ends = np.array([b[1] for b in BLOCKS])[block] + shift

    from faker.providers.person.nl_NL import Provider

    first = np.array(Provider.first_names_female + Provider.first_names_male + ("Zoë", "Noël", "Fatma", "Chloë"))
    last = np.array(Provider.last_names + ("van 't Hof", "Özdemir-Bakker", "d'Ancona", "ten Brinke-Çelik"))
    return Volunteers(
        area=area,
        lat=lat,
        lon=lon,
        max_km=rng.choice([2.0, 3.0, 5.0, 7.5, 10.0, 15.0], n, p=[0.08, 0.17, 0.35, 0.12, 0.18, 0.10]),
        capacity=rng.choice([1, 2, 3], n, p=[0.6, 0.3, 0.1]),
        active=active,
        paused_until=paused_until,
        vog_until=vog_until,
        language=rng.choice(len(LANGUAGES), n, p=LANGUAGE_WEIGHTS),
        groups=groups,
        wants_one_off=wants != 1,
        wants_recurring=wants != 2,
        skills=skills,
        slot_row=row,
        slot_day=day,
        slot_start=starts,
        slot_end=ends,
        first_name=first[rng.integers(0, len(first), n)],
        last_name=last[rng.integers(0, len(last), n)],
    )


@dataclass
class Requests:
    """Column-wise ready requests."""

    area: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray  # index into KINDS
    skills: list[tuple[str, ...]]
    needs_vog: np.ndarray
    urgency: np.ndarray  # index into (low, normal, high)
    max_km: np.ndarray  # nan = none
    waited_s: np.ndarray
    # weekly windows: (request row, day, start, end); dates: (request row, ordinal, start, end)
    slots: list[tuple[int, int, int, int]]
    dates: list[tuple[int, int, int, int]]
    has_carer: np.ndarray
    situation: np.ndarray  # index into SITUATIONS
    age_band: np.ndarray  # index into AGE_BANDS
    burden: np.ndarray  # -1 none, else score 0..10
    signals: np.ndarray  # (m, 4) bool
    first_name: np.ndarray

    def __len__(self) -> int:
        return len(self.area)


SITUATIONS = ("dementia", "physical", "psychiatric", "end_of_life", "other")
AGE_BANDS = ("0-17", "18-64", "65-79", "80+")


def requests_make(geo: Geography, m: int, rng: np.random.Generator, today: datetime.date) -> Requests:
    area = rng.integers(0, len(geo), m)
    lat, lon = _scatter(geo, area, rng)
    kind = rng.choice(len(KINDS), m, p=KIND_WEIGHTS)
    skills: list[tuple[str, ...]] = []
    for i in range(m):
        name = KINDS[kind[i]]
        if name == "respite":
            skills.append(("respite", "dementia") if rng.random() < 0.3 else ("respite",))
        else:
            options = KIND_SKILLS[name]
            skills.append((options[rng.integers(0, len(options))],))
    needs_vog = np.where(kind == 0, True, rng.random(m) < np.where(kind == 2, 0.3, 0.05))
    slots: list[tuple[int, int, int, int]] = []
    dates: list[tuple[int, int, int, int]] = []
    day_p = DAY_WEIGHTS / DAY_WEIGHTS.sum()
    block_p = REQUEST_BLOCK_WEIGHTS / REQUEST_BLOCK_WEIGHTS.sum()
    for i in range(m):
        if KINDS[kind[i]] == "transport":
            windows = REQUEST_WINDOWS[rng.choice(2)]
            start, end = windows[rng.integers(0, len(windows))]
            dates.append((i, today.toordinal() + int(rng.integers(2, 22)), start, end))
            continue
        days = rng.choice(7, 2 if rng.random() < 0.25 else 1, replace=False, p=day_p)
        for d in sorted(days):
            windows = REQUEST_WINDOWS[rng.choice(4, p=block_p)]
            start, end = windows[rng.integers(0, len(windows))]
            slots.append((i, int(d), start, end))
    has_carer = (kind == 0) | ((kind == 2) & (rng.random(m) < 0.2))
    burden = np.where(has_carer & (rng.random(m) < 0.6), rng.integers(2, 11, m), -1)
    from faker.providers.person.nl_NL import Provider

    first = np.array(Provider.first_names_female + Provider.first_names_male)
    return Requests(
        area=area,
        lat=lat,
        lon=lon,
        kind=kind,
        skills=skills,
        needs_vog=needs_vog,
        urgency=rng.choice(3, m, p=[0.2, 0.65, 0.15]),
        max_km=np.where(rng.random(m) < 0.45, rng.choice([3.0, 5.0, 5.0, 10.0], m), np.nan),
        waited_s=rng.integers(0, 60 * 86400, m),
        slots=slots,
        dates=dates,
        has_carer=has_carer,
        situation=rng.choice(len(SITUATIONS), m, p=[0.4, 0.3, 0.1, 0.05, 0.15]),
        age_band=rng.choice(len(AGE_BANDS), m, p=[0.03, 0.17, 0.3, 0.5]),
        burden=burden,
        signals=rng.random((m, 4)) < 0.3,
        first_name=first[rng.integers(0, len(first), m)],
    )


# --- Writing ------------------------------------------------------------------------------


class Writer:
    """Fast inserts of plain tuples: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self._dates: dict[int, object] = {}
        self._times: dict[int, object] = {}
        if self.vendor == "sqlite":
            with connection.cursor() as c:
                c.execute("PRAGMA synchronous=OFF")
                c.execute("PRAGMA cache_size=-262144")  # 256 MB while loading

    def columns(self, model, names: Sequence[str]) -> list[str]:
        return [model._meta.get_field(name).column for name in names]

    def _defaults(self, model, names: Sequence[str], now: datetime.datetime) -> tuple[list[str], tuple]:
        """Columns left out of ``names`` that may not be NULL, with their model default
        (Django keeps defaults in Python, not in the database)."""
        from django.db import models

        given = {model._meta.get_field(name).column for name in names}
        cols, values = [], []
        for f in model._meta.concrete_fields:
            if f.column in given or f.primary_key or f.null:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.datetime(now)
            elif isinstance(f, models.JSONField):
                value = json.dumps(f.get_default())
            else:
                value = f.get_db_prep_save(f.get_default(), self.connection)
            cols.append(f.column)
            values.append(value)
        return cols, tuple(values)

    def insert(self, model, names: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert ``rows`` (values in the order of the field ``names``) in one go;
        other NOT NULL columns get the model's default."""
        from django.utils import timezone

        table = model._meta.db_table
        extra_cols, extra = self._defaults(model, names, timezone.now())
        cols = self.columns(model, names) + extra_cols
        if extra:
            rows = (row + extra for row in rows)
        qn = self.connection.ops.quote_name
        count = 0
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                marks = ", ".join("?" * len(cols))
                sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) VALUES ({marks})"
                rows = list(rows)
                self.connection.connection.executemany(sql, rows)
                count = len(rows)
        return count

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def date(self, ordinal: int):
        """A day ordinal (or -1 for none) as the database wants it."""
        if ordinal < 0:
            return None
        value = self._dates.get(ordinal)
        if value is None:
            day = datetime.date.fromordinal(int(ordinal))
            value = self._dates[ordinal] = day.isoformat() if self.vendor == "sqlite" else day
        return value

    def time(self, seconds: int):
        value = self._times.get(seconds)
        if value is None:
            t = datetime.time(int(seconds) // 3600, int(seconds) // 60 % 60)
            value = self._times[seconds] = t.isoformat() if self.vendor == "sqlite" else t
        return value

    def datetime(self, value: datetime.datetime):
        return self.connection.ops.adapt_datetimefield_value(value) if self.vendor == "sqlite" else value

    def finish(self, models: Sequence) -> None:
        """Reset the id sequences (PostgreSQL) and refresh the planner's statistics."""
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")


@dataclass
class Generated:
    organisation_id: int
    organisation_slug: str
    region: str
    volunteers: int = 0
    skill_links: int = 0
    slots: int = 0
    requests: int = 0
    request_slots: int = 0
    request_dates: int = 0
    past_requests: int = 0
    active_matches: int = 0
    ended_matches: int = 0
    mantelzorgers: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def region_ensure(geo: Geography, *, slug: str, name: str):
    """The organisation ``slug`` serving the region's municipalities, with a "kern"
    neighbourhood per place (created when missing). Returns (organisation, {place
    index: neighbourhood id})."""
    from neighbourhoods.models import Municipality, Neighbourhood, Organisation

    existing = {m.name: m for m in Municipality.objects.filter(name__in=geo.municipalities)}
    Municipality.objects.bulk_create(
        [Municipality(name=m, province=p) for m, p in geo.municipalities.items() if m not in existing]
    )
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=geo.municipalities)}
    have = {
        (n.name, n.municipality.name): n.pk
        for n in Neighbourhood.objects.filter(kind="kern", municipality__in=municipalities.values()).select_related(
            "municipality"
        )
    }
    Neighbourhood.objects.bulk_create(
        [
            Neighbourhood(
                municipality=municipalities[m],
                name=place,
                kind="kern",
                latitude=round(float(geo.place_lat[i]), 6),
                longitude=round(float(geo.place_lon[i]), 6),
            )
            for i, (place, m) in enumerate(geo.places)
            if (place, m) not in have
        ],
        ignore_conflicts=True,
    )
    have = {
        (n.name, n.municipality.name): n.pk
        for n in Neighbourhood.objects.filter(kind="kern", municipality__in=municipalities.values()).select_related(
            "municipality"
        )
    }
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    organisation.municipalities.add(*municipalities.values())
    return organisation, {i: have.get(key) for i, key in enumerate(geo.places)}


def _chunks(n: int, size: int = CHUNK) -> Iterable[tuple[int, int]]:
    for a in range(0, n, size):
        yield a, min(n, a + size)


def volunteers_write(w: Writer, v: Volunteers, *, geo: Geography, organisation, neighbourhood_of: dict, now) -> tuple:
    """Write volunteers, their skills and weekly slots. Returns (first id, links, slots)."""
    from django.db import transaction

    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults
    from volunteers.models import AvailabilitySlot, Volunteer

    skills_ensure_defaults()
    skill_id = dict(Skill.objects.filter(organisation=None).values_list("code", "pk"))
    skill_ids = np.array([skill_id[c] for c in SKILLS])
    first_id = w.next_id(Volunteer)
    stamp = w.datetime(now)
    names = [
        "id",
        "organisation",
        "user",
        "external_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "max_distance_km",
        "max_active_matches",
        "languages",
        "vog_valid_until",
        "is_active",
        "paused_until",
        "wants_one_off",
        "wants_recurring",
        "target_groups",
        "created_at",
        "updated_at",
        "postcode",
        "house_number",
        "place",
        "latitude",
        "longitude",
        "neighbourhood",
    ]
    rng = np.random.default_rng(len(v))
    letters = np.array([a + b for a in LETTERS for b in LETTERS])
    suffix = letters[rng.integers(0, len(letters), len(v))]
    house = rng.integers(1, 250, len(v))
    links = slots = 0
    through = Volunteer.skills.through
    group_code = v.groups.astype(np.int64) @ (1 << np.arange(len(TARGET_GROUPS)))
    group_json = {
        code: json.dumps([g for j, g in enumerate(TARGET_GROUPS) if code >> j & 1]) for code in np.unique(group_code)
    }
    place_name = [p for p, _ in geo.places]
    for a, b in _chunks(len(v)):
        area = v.area[a:b]
        place_index = geo.place_of_area[area].tolist()
        columns = zip(
            range(first_id + a, first_id + b),
            v.first_name[a:b].tolist(),
            v.last_name[a:b].tolist(),
            v.max_km[a:b].tolist(),
            v.capacity[a:b].tolist(),
            v.language[a:b].tolist(),
            v.vog_until[a:b].tolist(),
            v.active[a:b].tolist(),
            v.paused_until[a:b].tolist(),
            v.wants_one_off[a:b].tolist(),
            v.wants_recurring[a:b].tolist(),
            group_code[a:b].tolist(),
            area.tolist(),
            suffix[a:b].tolist(),
            house[a:b].tolist(),
            v.lat[a:b].tolist(),
            v.lon[a:b].tolist(),
            place_index,
            strict=True,
        )
        rows = [
            (
                vid,
                organisation.pk,
                None,
                f"SYN-V{vid - first_id + 1:07d}",
                first,
                last,
                f"vrijwilliger{vid - first_id + 1}@example.nl",
                "",
                max_km,
                capacity,
                LANGUAGES[language],
                w.date(vog),
                active,
                w.date(paused),
                one_off,
                recurring,
                group_json[group],
                stamp,
                stamp,
                f"{geo.pc4[ar]} {sfx}",
                str(hn),
                place_name[pi],
                lat,
                lon,
                neighbourhood_of.get(pi),
            )
            for (
                vid,
                first,
                last,
                max_km,
                capacity,
                language,
                vog,
                active,
                paused,
                one_off,
                recurring,
                group,
                ar,
                sfx,
                hn,
                lat,
                lon,
                pi,
            ) in columns
        ]
        vr, sk = np.nonzero(v.skills[a:b])
        lo, hi = np.searchsorted(v.slot_row, [a, b])
        with transaction.atomic():
            w.insert(Volunteer, names, rows)
            links += w.insert(
                through, ("volunteer", "skill"), zip((vr + a + first_id).tolist(), skill_ids[sk].tolist(), strict=True)
            )
            slots += w.insert(
                AvailabilitySlot,
                ("volunteer", "weekday", "start", "end"),
                (
                    (int(r) + first_id, int(d), w.time(int(s)), w.time(int(e)))
                    for r, d, s, e in zip(
                        v.slot_row[lo:hi], v.slot_day[lo:hi], v.slot_start[lo:hi], v.slot_end[lo:hi], strict=True
                    )
                ),
            )
    return first_id, links, slots


_MANTELZORGER_NAMES = [
    "id",
    "organisation",
    "user",
    "first_name",
    "last_name",
    "email",
    "phone",
    "relation",
    "care_hours_per_week",
    "created_at",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "neighbourhood",
]


def history_write(
    w: Writer,
    v: Volunteers,
    *,
    first_volunteer_id: int,
    fraction: float,
    geo: Geography,
    organisation,
    neighbourhood_of,
    now,
    rng,
) -> dict:
    """Earlier matches of ``fraction`` of the volunteers: 60% active (taking a place),
    40% ended. Returns counts and the ended households (mantelzorger ids with their
    location) that new requests may come from again."""
    from django.db import transaction

    from caregivers.models import HelpRequest, Mantelzorger
    from matches.models import Match

    n_hist = int(round(len(v) * fraction))
    if n_hist == 0:
        return {"past_requests": 0, "active": 0, "ended": 0, "households": []}
    who = np.sort(rng.choice(len(v), n_hist, replace=False))
    active = rng.random(n_hist) < 0.6
    # Never over-fill: an active match only where the volunteer has room (capacity >= 1 always).
    carer = rng.random(n_hist) < 0.5
    lat = np.round(v.lat[who] + rng.normal(0, 0.01, n_hist), 6)
    lon = np.round(v.lon[who] + rng.normal(0, 0.015, n_hist), 6)
    first_mz = w.next_id(Mantelzorger)
    first_req = w.next_id(HelpRequest)
    mz_rows, req_rows, match_rows, households = [], [], [], []
    mz_id = first_mz
    for j in range(n_hist):
        area = int(v.area[who[j]])
        place_index = int(geo.place_of_area[area])
        created = now - datetime.timedelta(days=int(rng.integers(90, 700)))
        mz = None
        if carer[j]:
            mz = mz_id
            mz_id += 1
            mz_rows.append(
                (mz, organisation.pk, None, "Mantelzorger", f"{mz}", "", "", "partner", 20, w.datetime(created))
                + (
                    geo.pc4[area],
                    "1",
                    geo.places[place_index][0],
                    float(lat[j]),
                    float(lon[j]),
                    neighbourhood_of.get(place_index),
                )
            )
            if not active[j]:
                households.append((mz, float(lat[j]), float(lon[j]), area))
        rid = first_req + j
        status = HelpRequest.Status.MATCHED if active[j] else HelpRequest.Status.CLOSED
        req_rows.append(
            (
                rid,
                organisation.pk,
                mz,
                f"SYN-H{j + 1:07d}",
                "Eerder",
                "respite" if carer[j] else "practical",
                status.value,
                "normal",
                bool(carer[j]),
                True,
                w.datetime(created),
                w.datetime(created),
                w.datetime(created),
                geo.pc4[area],
                "1",
                geo.places[place_index][0],
                float(lat[j]),
                float(lon[j]),
                neighbourhood_of.get(place_index),
            )
        )
        match_rows.append(
            (
                organisation.pk,
                rid,
                first_volunteer_id + int(who[j]),
                (Match.Status.ACTIVE if active[j] else Match.Status.ENDED).value,
                "[]",
                w.datetime(created),
                w.datetime(created),
            )
        )
    with transaction.atomic():
        w.insert(Mantelzorger, _MANTELZORGER_NAMES, mz_rows)
        w.insert(HelpRequest, _REQUEST_NAMES, req_rows)
        w.insert(
            Match, ("organisation", "request", "volunteer", "status", "reasons", "created_at", "updated_at"), match_rows
        )
    return {
        "past_requests": n_hist,
        "active": int(active.sum()),
        "ended": int((~active).sum()),
        "mantelzorgers": len(mz_rows),
        "households": households,
    }


def open_matches_mix(
    organisation, *, proposed: float = 0.1, accepted: float = 0.1, hours: float = 0.05, seed: int = 2026
) -> dict:
    """Give the organisation's active matches (``history_write`` makes them all
    ``active``) the mix a broker's list holds: a share ``proposed`` (made 0-20 days
    ago, so some wait past the reminder), a share ``accepted`` by the volunteer
    (1-10 days ago), the rest active since their creation; and 1-3 hours entries
    waiting for approval on a share ``hours`` of the active ones. Returns the counts."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from matches.models import HoursEntry, Match

    rng = np.random.default_rng(seed)
    now = timezone.now().replace(microsecond=0)
    matches = list(Match.objects.filter(organisation=organisation, status=Match.Status.ACTIVE).order_by("pk"))
    draw = rng.random(len(matches))
    entries = []
    for match, x in zip(matches, draw, strict=True):
        if x < proposed:
            match.status = Match.Status.PROPOSED
            match.created_at = now - datetime.timedelta(days=int(rng.integers(0, 21)), hours=int(rng.integers(0, 24)))
        elif x < proposed + accepted:
            match.status = Match.Status.ACCEPTED_BY_VOLUNTEER
            match.accepted_at = now - datetime.timedelta(days=int(rng.integers(1, 11)))
        else:
            match.activated_at = match.created_at
            if rng.random() < hours:
                for k in range(int(rng.integers(1, 4))):
                    day = now.date() - datetime.timedelta(days=7 * k + int(rng.integers(0, 7)))
                    entries.append(HoursEntry(match=match, date=day, hours=Decimal(int(rng.integers(2, 13))) / 4))
    with transaction.atomic():
        Match.objects.bulk_update(matches, ["status", "created_at", "accepted_at", "activated_at"], batch_size=500)
        HoursEntry.objects.bulk_create(entries, batch_size=1000)
    counts = dict.fromkeys(Match.Status.values, 0)
    for match in matches:
        counts[match.status] += 1
    return {
        "proposed": counts["proposed"],
        "accepted": counts["accepted_by_volunteer"],
        "active": counts["active"],
        "hours_entries": len(entries),
    }


_REQUEST_NAMES = [
    "id",
    "organisation",
    "mantelzorger",
    "external_id",
    "requester_first_name",
    "kind",
    "status",
    "urgency",
    "needs_vog",
    "recurring",
    "created_at",
    "updated_at",
    "status_changed_at",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "neighbourhood",
]


def requests_write(
    w: Writer, r: Requests, *, geo: Geography, organisation, neighbourhood_of, now, rng, households: list
) -> dict:
    """Write the ready requests with their skills, slots, dates, carers, the person
    cared for and burden check-ins."""
    from django.db import transaction

    from caregivers.burden import requests_burden_refresh
    from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger, RequestDate, RequestSlot
    from neighbourhoods.models import Skill

    skill_id = dict(Skill.objects.filter(organisation=None).values_list("code", "pk"))
    first_req = w.next_id(HelpRequest)
    first_mz = w.next_id(Mantelzorger)
    first_care = w.next_id(CareRecipient)
    mz_rows, care_rows, checkin_rows, req_rows = [], [], [], []
    reused = 0
    mz_id, care_id = first_mz, first_care
    for i in range(len(r)):
        rid = first_req + i
        area = int(r.area[i])
        lat, lon = float(r.lat[i]), float(r.lon[i])
        created = now - datetime.timedelta(seconds=int(r.waited_s[i]))
        mz = care = None
        if r.has_carer[i]:
            if households and KINDS[r.kind[i]] == "respite" and rng.random() < 0.1:
                mz, lat, lon, area = households[int(rng.integers(0, len(households)))]
                reused += 1
            else:
                mz = mz_id
                mz_id += 1
                place_index = int(geo.place_of_area[area])
                mz_rows.append(
                    (mz, organisation.pk, None, str(r.first_name[i]), "", "", "", "child", 12, w.datetime(created))
                    + (geo.pc4[area], "1", geo.places[place_index][0], lat, lon, neighbourhood_of.get(place_index))
                )
            care = care_id
            care_id += 1
            care_rows.append(
                (care, mz, "Naaste", AGE_BANDS[r.age_band[i]], SITUATIONS[r.situation[i]], "", w.datetime(created))
            )
            if r.burden[i] >= 0:
                s = r.signals[i]
                checkin_rows.append(
                    (mz, int(r.burden[i]), bool(s[0]), bool(s[1]), bool(s[2]), bool(s[3]), w.datetime(created))
                )
        place_index = int(geo.place_of_area[area])
        req_rows.append(
            (
                rid,
                organisation.pk,
                mz,
                care,
                f"SYN-R{i + 1:07d}",
                str(r.first_name[i]),
                KINDS[r.kind[i]],
                "ready",
                ("low", "normal", "high")[r.urgency[i]],
                bool(r.needs_vog[i]),
                KINDS[r.kind[i]] != "transport",
                None if math.isnan(r.max_km[i]) else float(r.max_km[i]),
                w.datetime(created),
                w.datetime(now),
                w.datetime(created),
                geo.pc4[area],
                "1",
                geo.places[place_index][0],
                lat,
                lon,
                neighbourhood_of.get(place_index),
            )
        )
    names = [
        "id",
        "organisation",
        "mantelzorger",
        "care_recipient",
        "external_id",
        "requester_first_name",
        "kind",
        "status",
        "urgency",
        "needs_vog",
        "recurring",
        "max_distance_km",
        "created_at",
        "updated_at",
        "status_changed_at",
        "postcode",
        "house_number",
        "place",
        "latitude",
        "longitude",
        "neighbourhood",
    ]
    with transaction.atomic():
        w.insert(Mantelzorger, _MANTELZORGER_NAMES, mz_rows)
        w.insert(
            CareRecipient, ("id", "mantelzorger", "name", "age_band", "situation", "notes", "created_at"), care_rows
        )
        w.insert(
            BurdenCheckIn,
            (
                "mantelzorger",
                "score",
                "sleeps_badly",
                "no_time_for_self",
                "health_suffers",
                "feels_alone",
                "created_at",
            ),
            checkin_rows,
        )
        w.insert(HelpRequest, names, req_rows)
        w.insert(
            HelpRequest.skills.through,
            ("helprequest", "skill"),
            ((first_req + i, skill_id[code]) for i, codes in enumerate(r.skills) for code in codes),
        )
        w.insert(
            RequestSlot,
            ("request", "weekday", "start", "end"),
            ((first_req + i, d, w.time(s), w.time(e)) for i, d, s, e in r.slots),
        )
        w.insert(
            RequestDate,
            ("request", "date", "start", "end"),
            ((first_req + i, w.date(o), w.time(s), w.time(e)) for i, o, s, e in r.dates),
        )
        # The rows were written without the model's signals: store the burden flag the queue ranks by.
        requests_burden_refresh(requests=HelpRequest.objects.filter(organisation=organisation))
    return {"mantelzorgers": len(mz_rows), "households_again": reused, "first_id": first_req}


def generate(
    *,
    volunteers: int,
    requests: int,
    region: str = "auto",
    seed: int = 2026,
    slug: str | None = None,
    history: float = 0.05,
    progress: Callable[[str], None] = print,
) -> Generated:
    """Write a synthetic region into the configured database (Django must be set up
    and migrated): an organisation with ``volunteers`` volunteers and ``requests``
    ready requests. Deterministic for the same arguments (ids depend on what the
    database already holds)."""
    from django.utils import timezone

    from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger, RequestDate, RequestSlot
    from matches.models import Match
    from volunteers.models import AvailabilitySlot, Volunteer

    region = auto_region(volunteers) if region == "auto" else region
    slug = slug or f"synth-{region}"
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate(now)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    geo = geography(region)
    organisation, neighbourhood_of = region_ensure(geo, slug=slug, name=f"Synthetische centrale ({region})")
    result = Generated(organisation.pk, organisation.slug, region)
    w = Writer()

    t = time.perf_counter()
    v = volunteers_make(geo, volunteers, rng, today)
    progress(f"  {volunteers:,} volunteers generated in {time.perf_counter() - t:.1f} s; writing ...")
    first_vol, result.skill_links, result.slots = volunteers_write(
        w, v, geo=geo, organisation=organisation, neighbourhood_of=neighbourhood_of, now=now
    )
    result.volunteers = len(v)
    result.seconds["volunteers"] = time.perf_counter() - t
    progress(
        f"  volunteers written: {result.volunteers:,} ({result.skill_links:,} skill links, "
        f"{result.slots:,} slots) in {result.seconds['volunteers']:.1f} s"
    )

    t = time.perf_counter()
    hist = history_write(
        w,
        v,
        first_volunteer_id=first_vol,
        fraction=history,
        geo=geo,
        organisation=organisation,
        neighbourhood_of=neighbourhood_of,
        now=now,
        rng=rng,
    )
    del v
    result.past_requests, result.active_matches, result.ended_matches = (
        hist["past_requests"],
        hist["active"],
        hist["ended"],
    )
    r = requests_make(geo, requests, rng, today)
    req = requests_write(
        w,
        r,
        geo=geo,
        organisation=organisation,
        neighbourhood_of=neighbourhood_of,
        now=now,
        rng=rng,
        households=hist["households"],
    )
    result.requests = len(r)
    result.request_slots = len(r.slots)
    result.request_dates = len(r.dates)
    result.mantelzorgers = hist.get("mantelzorgers", 0) + req["mantelzorgers"]
    result.seconds["requests_and_history"] = time.perf_counter() - t

    t = time.perf_counter()
    w.finish(
        [Volunteer, AvailabilitySlot, Volunteer.skills.through, Mantelzorger, CareRecipient, BurdenCheckIn]
        + [HelpRequest, HelpRequest.skills.through, RequestSlot, RequestDate, Match]
    )
    result.seconds["analyze"] = time.perf_counter() - t
    result.seconds["total"] = time.perf_counter() - t0
    progress(
        f"  {result.requests:,} ready requests, {result.past_requests:,} earlier matches; "
        f"total {result.seconds['total']:.1f} s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--region", choices=("auto", *REGIONS), default="auto")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--history", type=float, default=0.05, help="fraction of volunteers with an earlier match")
    parser.add_argument(
        "--database", default="sqlite", help="sqlite (temporary file), postgres (bench_matching) or a DATABASE_URL"
    )
    parser.add_argument("--pg-name", default=PG_DEFAULT_NAME)
    parser.add_argument(
        "--keep", metavar="PATH", help="SQLite: write this file and keep it; PostgreSQL: keep the database"
    )
    args = parser.parse_args()
    if args.volunteers < 0 or args.requests < 0 or not 0 <= args.history <= 1:
        parser.error("--volunteers and --requests must be >= 0, --history between 0 and 1")
    db = database_prepare(args.database, pg_name=args.pg_name, keep=args.keep)
    try:
        django_setup(db.url)
        migrate()
        result = generate(
            volunteers=args.volunteers,
            requests=args.requests,
            region=args.region,
            seed=args.seed,
            history=args.history,
        )
        print(json.dumps(result.as_dict(), indent=2))
        print(f"Written to {db.label}" + ("" if args.keep else " (removed again; use --keep to keep it)"))
    finally:
        db.cleanup()


if __name__ == "__main__":
    main()
