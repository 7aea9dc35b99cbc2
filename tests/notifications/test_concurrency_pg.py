"""Two deliveries of the same outbox row at the same moment (a redelivered task and
the drain, say) send it once: real concurrency, so real PostgreSQL, threads with their
own connections released together by a barrier.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_dev \\
        .venv/bin/python -m pytest -p no:xdist tests/notifications/test_concurrency_pg.py
"""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Category, Notification
from notifications.services import notification_deliver

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent connections"),
]


def test_eight_deliveries_of_one_row_at_once_send_one_email():
    row = Notification.objects.create(
        key="race",
        kind="ci",
        category=Category.UPDATES,
        to_email="vera@example.nl",
        subject="Race",
        body="Hallo",
        message_id="<race@buurtmakelaar.local>",
    )
    barrier = threading.Barrier(8)
    outcomes: list = [None] * 8

    def run(i):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = notification_deliver(pk=row.pk)
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 1
