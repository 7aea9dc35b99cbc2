"""The data migration matches.0004_calendar_feed_token_hash: the plain feed tokens
become their SHA-256, and every address already in someone's calendar keeps working."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from demo.factories import UserFactory
from matches.models import CalendarFeed

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("matches", "0003_reasons_as_codes")
AFTER = ("matches", "0004_calendar_feed_token_hash")
PLAIN = "Vc3t2hAn9x-oud-agenda-adres_van-voor-de-migratie-42"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def old_feed(db):
    vera = UserFactory(email="vera@example.nl")
    executor = migrate([BEFORE])
    OldFeed = executor.loader.project_state([BEFORE]).apps.get_model("matches", "CalendarFeed")
    OldFeed.objects.create(user_id=vera.pk, token=PLAIN)
    yield vera
    # Leave the database as the other tests expect it.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_addresses_keep_working_after_the_migration(old_feed, client):
    migrate([AFTER])
    feed = CalendarFeed.objects.get(user=old_feed)
    assert feed.token_hash == hashlib.sha256(PLAIN.encode()).hexdigest()
    assert PLAIN not in str(list(CalendarFeed.objects.values().get(pk=feed.pk).values()))
    assert client.get(reverse("calendar:feed", kwargs={"token": PLAIN})).status_code == 200
    assert client.get(reverse("calendar:feed", kwargs={"token": PLAIN[:-1] + "x"})).status_code == 404


def test_backwards_gives_every_feed_a_new_plain_token(old_feed):
    migrate([AFTER])
    executor = migrate([BEFORE])
    OldFeed = executor.loader.project_state([BEFORE]).apps.get_model("matches", "CalendarFeed")
    token = OldFeed.objects.get(user_id=old_feed.pk).token
    assert token and token != PLAIN and len(token) >= 43
