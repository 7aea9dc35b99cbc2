"""A full activity never takes one more participant, and an offer moves on once, when
people (or two expiry tasks) act at the same moment: real concurrency, so real
PostgreSQL (row locks), threads with their own connections released by a barrier.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_dev \\
        .venv/bin/python -m pytest -p no:xdist tests/activities/test_concurrency_pg.py
"""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from activities.models import SignUp
from activities.services import offers_expire, signup_cancel, signup_create
from tests.activities.conftest import make_activity

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and the test database is one in-memory connection",
    ),
]


@pytest.fixture
def slow_counts(monkeypatch):
    """Widen the window between counting the places held and inserting, so that a
    missing lock would show as one participant too many."""
    from activities import services

    count = services._holding

    def slow(*args, **kwargs):
        n = count(*args, **kwargs)
        time.sleep(0.2)
        return n

    monkeypatch.setattr(services, "_holding", slow)


def at_once(*jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a sign-up hung (deadlock?)"
    return outcomes


def test_six_people_signing_up_at_once_for_four_places_fill_four(scene, slow_counts):
    activity = make_activity(scene, participant_places=4)
    outcomes = at_once(
        *[
            (
                lambda c=carer: signup_create(
                    activity=activity, role="participant", by=c.user, user=c.user, mantelzorger=c
                )
            )
            for carer in scene.carers
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert SignUp.objects.filter(activity=activity, status="confirmed").count() == 4
    assert SignUp.objects.filter(activity=activity, status="waiting").count() == 2


def test_two_expiry_tasks_at_once_move_an_offer_on_once(scene):
    activity = make_activity(scene, participant_places=1)
    first, second, third = (
        signup_create(activity=activity, role="participant", by=c.user, user=c.user, mantelzorger=c)
        for c in scene.carers[:3]
    )
    signup_cancel(signup=first, by=scene.broker)
    assert SignUp.objects.get(pk=second.pk).status == "offered"
    SignUp.objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    moved = at_once(offers_expire, offers_expire)
    assert sorted(moved) == [0, 1]
    assert SignUp.objects.get(pk=second.pk).status == "expired"
    assert SignUp.objects.get(pk=third.pk).status == "offered"
