"""The data migration matches.0003_reasons_as_codes: stored Dutch sentences become codes,
and back."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from matches.models import BatchRun, Match

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("matches", "0002_content_types")
AFTER = ("matches", "0003_reasons_as_codes")

OLD_REASONS = [
    "3,2 km",
    "beschikbaar di 13:00-17:30, do 09:00-12:00",
    "kan op zo 25 okt 14:00-16:00",
    "heeft geldige VOG",
    "spreekt Duits en Engels",
    "wil graag helpen bij ouderen",
    "2 van 3 koppelingen bezet",
    "wacht al 21 dagen",
    "een zin die de engine nooit schreef",
]
NEW_REASONS = [
    {"code": "distance", "km": 3.2},
    {"code": "available", "slots": [["tue", "13:00", "17:30"], ["thu", "09:00", "12:00"]]},
    {"code": "dates", "dates": [["2026-10-25", "14:00", "16:00"]]},
    {"code": "vog_valid"},
    {"code": "speaks", "languages": ["de", "en"]},
    {"code": "target_group", "group": "elderly"},
    {"code": "load", "open": 2, "max": 3},
    {"code": "waiting_days", "days": 21},
    {"code": "text", "text": "een zin die de engine nooit schreef"},
]
OLD_RESULT = {
    "organisation": "org-a",
    "proposals": [
        {"request": "R-1", "volunteer": 7, "score": 0.8, "distance_km": 0.84, "reasons": ["0,8 km", "dringende vraag"]},
        {"request": 2, "volunteer": 8, "score": 0.5, "distance_km": 1.0, "reasons": []},
    ],
    "unmatched": [3, 4],
    "unmatched_reasons": [
        {
            "request": 3,
            "reasons": [
                "12 vrijwilligers in de buurt (binnen 5,0 km)",
                "9 niet beschikbaar op dinsdag",
                "3 wonen te ver weg",
                "geen enkele vrijwilliger past bij deze vraag",
            ],
        },
        {"request": 4, "reasons": ["Deze vraag heeft geen adres dat we op de kaart kunnen vinden."]},
    ],
    "stats": {"matched": 2},
    "review": {"0": {"state": "confirmed", "match": 1}},
}
NEW_RESULT = {
    **OLD_RESULT,
    "proposals": [
        {**OLD_RESULT["proposals"][0], "reasons": [{"code": "distance", "km": 0.8}, {"code": "urgent"}]},
        OLD_RESULT["proposals"][1],
    ],
    "unmatched_reasons": [
        {
            "request": 3,
            "reasons": [
                {"code": "nearby", "count": 12, "km": 5.0},
                {"code": "not_available_on", "count": 9, "day": "tue"},
                {"code": "rejected", "rule": "too_far_for_request", "count": 3},
                {"code": "none_eligible"},
            ],
        },
        {"request": 4, "reasons": [{"code": "no_location"}]},
    ],
}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture
def old_rows(region, make_volunteer, make_request, make_match):
    """A match, a batch run and rows that need nothing, as the code before 0003 stored them."""
    org = region["org_a"]
    migrate(BEFORE)
    when = datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)
    match = make_match(make_request(org), make_volunteer(org), reasons=OLD_REASONS)
    Match.objects.filter(pk=match.pk).update(created_at=when)
    empty = make_match(make_request(org), make_volunteer(org), reasons=[])
    run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.DONE, result=OLD_RESULT)
    BatchRun.objects.filter(pk=run.pk).update(created_at=when)
    running = BatchRun.objects.create(organisation=org, result=None)
    yield {"match": match, "empty": empty, "run": run, "running": running}
    # Leave the database as the other tests expect it: every migration applied (not only
    # up to AFTER, or the later tables of matches would be missing for the next tests).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_forwards_turns_sentences_into_codes_and_backwards_gives_them_back(old_rows):
    match, run = old_rows["match"], old_rows["run"]
    migrate(AFTER)
    match.refresh_from_db()
    run.refresh_from_db()
    assert match.reasons == NEW_REASONS
    assert run.result == NEW_RESULT
    old_rows["empty"].refresh_from_db()
    assert old_rows["empty"].reasons == []
    old_rows["running"].refresh_from_db()
    assert old_rows["running"].result is None

    migrate(BEFORE)
    match.refresh_from_db()
    run.refresh_from_db()
    assert match.reasons == OLD_REASONS
    assert run.result == OLD_RESULT


def test_forwards_twice_changes_nothing_the_second_time(old_rows):
    migrate(AFTER)
    Match.objects.filter(pk=old_rows["empty"].pk).update(reasons=[{"code": "urgent"}])
    import_module("matches.migrations.0003_reasons_as_codes").forwards(apps, None)
    old_rows["match"].refresh_from_db()
    old_rows["empty"].refresh_from_db()
    assert old_rows["match"].reasons == NEW_REASONS
    assert old_rows["empty"].reasons == [{"code": "urgent"}]
