"""Report pages keep the map's counts and the workload per broker a few minutes in
Django's cache; the monthly figures are stored in the database instead
(``test_report_store.py``)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache

from tests.login import log_in

from .conftest import MARCH, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.REPORTS_CACHE_RECENT_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_the_dashboard_tells_when_it_counted(client, personas, cached, march):
    log_in(client, personas["municipality"])
    with time_machine.travel(NOW, tick=False):
        body = client.get("/organisatie/org-a/cijfers/?maand=2026-03").content.decode()
    assert "Cijfers geteld op 10 juni 2026, 12:00" in body


def test_map_and_workload_are_kept_briefly(cached, march, build, region, personas):
    from reports.demand import area_gaps
    from reports.workload import broker_workload

    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        before = {a.neighbourhood.name: a.waiting for a in area_gaps(organisation=org, use_cache=True)}
        load = broker_workload(organisation=org, month=MARCH, use_cache=True)
        build.request(march["centrum"], at=NOW)  # a new open request
        cached_gaps = {a.neighbourhood.name: a.waiting for a in area_gaps(organisation=org, use_cache=True)}
        fresh = {a.neighbourhood.name: a.waiting for a in area_gaps(organisation=org)}
        assert [r.user_id for r in broker_workload(organisation=org, month=MARCH, use_cache=True)] == [
            r.user_id for r in load
        ]
    assert cached_gaps == before
    assert fresh["Centrum"] == before["Centrum"] + 1
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        later = {a.neighbourhood.name: a.waiting for a in area_gaps(organisation=org, use_cache=True)}
    assert later["Centrum"] == before["Centrum"] + 1
