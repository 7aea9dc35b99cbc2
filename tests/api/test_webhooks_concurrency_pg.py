"""Two workers sending the same webhook delivery at the same moment: one POST. Real
PostgreSQL (row locks, skip locked), two threads with their own connections.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bm_dev \\
        .venv/bin/python -m pytest -p no:xdist tests/api/test_webhooks_concurrency_pg.py
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery
from api.webhooks import webhook_subscription_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and its test database is one connection",
    ),
]


def test_two_workers_at_once_post_a_delivery_once(region, personas, monkeypatch):
    monkeypatch.setattr(webhooks, "host_addresses", lambda host, port: ["93.184.216.34"])
    calls = []

    def slow_post(url, *, body, headers, timeout):
        calls.append(headers["Webhook-Id"])
        time.sleep(0.3)
        return 200

    monkeypatch.setattr(webhooks, "post", slow_post)
    subscription = webhook_subscription_create(
        organisation=region["org_a"], target_url="https://hooks.example.org/", events=["match.proposed"], by=None
    ).subscription
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="match.proposed", payload={"match_id": 1}, next_attempt_at=timezone.now()
    )
    barrier = threading.Barrier(3)
    outcomes: list = [None] * 3

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[i] = error
        finally:
            connection.close()

    jobs = [
        lambda: webhooks.webhook_deliver(pk=delivery.pk),
        lambda: webhooks.webhook_deliver(pk=delivery.pk),
        lambda: webhooks.webhooks_drain(),
    ]
    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert calls == [str(delivery.pk)], outcomes
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
