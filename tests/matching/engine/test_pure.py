"""The engine runs without a configured Django project (scripts, benchmarks, workers)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import datetime as dt, sys
from common.slots import parse_slots
from matching.engine import RequestData, VolunteerData, assign, greedy_assign, suggest
from common.geo import Point

now = dt.datetime(2026, 3, 3, 12, tzinfo=dt.timezone.utc)
v = VolunteerData(id=1, organisation_id=1, point=Point(51.99, 5.91), max_distance_km=5,
                  slots=tuple(parse_slots("tue 12:00-18:00")))
r = RequestData(id=1, organisation_id=1, point=Point(51.98, 5.91), created_at=now,
                weekly_slots=tuple(parse_slots("tue 13:00-17:00")), languages={"nl"})
print(suggest(r, [v], limit=5, now=now).candidates[0].reasons)
print(assign([r], [v], now=now).stats["matched"], greedy_assign([r], [v], now=now).stats["matched"])
from django.conf import settings
print("configured" if settings.configured else "not configured")
print(sorted(m for m in sys.modules if m.startswith("django.db")))
"""


def test_engine_needs_no_django_settings_and_no_orm():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0] == (
        "[{'code': 'distance', 'km': 1.1}, {'code': 'available', 'slots': [['tue', '12:00', '18:00']]}, "
        "{'code': 'speaks', 'languages': ['nl']}, {'code': 'no_matches_yet'}]"
    )
    assert out[1] == "1 1"
    assert out[2] == "not configured"
    assert out[3] == "[]"  # the ORM was never imported
