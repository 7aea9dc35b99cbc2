"""Several counts of the same months at the same moment (a page, the 10-minute task and
a redelivered task, say) leave one stored month each, with one set of rows, from the
count that began last: real concurrency, so real PostgreSQL, threads with their own
connections released together by a barrier.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_dev \\
        .venv/bin/python -m pytest -p no:xdist tests/neighbourhoods/test_report_store_concurrency_pg.py
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from reports.counting import Scope, raw_figures
from reports.models import ReportMonth, ReportMonthArea
from reports.months import Month
from reports.store import report_months_count, stored_raw_by_month

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent connections"),
]

THREADS = 6


def test_counts_at_once_store_each_month_once(region):
    from demo.factories import HelpRequestFactory

    org = region["org_a"]
    for area in region["areas"].values():
        HelpRequestFactory.create_batch(3, organisation=org, neighbourhood=area)
    months = [Month.current().previous(), Month.current()]
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def run(i):
        try:
            barrier.wait(timeout=10)
            report_months_count(organisation=org, months=months)
            outcomes[i] = "ok"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[i] = error
        finally:
            connection.close()

    started = timezone.now()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["ok"] * THREADS
    headers = ReportMonth.objects.filter(organisation=org)
    assert headers.count() == 2
    assert all(h.counted_at >= started for h in headers)
    # One row per neighbourhood and month (3 areas with requests, the current month only).
    assert ReportMonthArea.objects.filter(report_month__organisation=org).count() == 3
    stored, _when = stored_raw_by_month(scope=Scope.of(org), months=months, now=timezone.now())
    fresh = raw_figures(scope=Scope.of(org), months=months)
    assert {area: dict(raw.counts) for area, raw in stored[months[1]].items()} == {
        area: dict(raw.counts) for (i, area), raw in fresh.items() if i == 1
    }
