"""Report pages keep the counted figures a few minutes (per organisation, municipality
and month); exports and the command always count afresh."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache

from neighbourhoods.months import Month
from neighbourhoods.reports import report_build

from .conftest import MARCH, NOW, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.REPORTS_CACHE_SECONDS = 3600
    settings.REPORTS_CACHE_RECENT_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_pages_use_the_cache_and_exports_do_not(cached, march, build, region, django_assert_num_queries):
    org, arnhem = region["org_a"], march["arnhem"]
    with time_machine.travel(NOW, tick=False):
        first = report_build(organisation=org, municipality=arnhem, months=[MARCH], use_cache=True)
        build.request(march["centrum"], at=local(2026, 3, 20))  # one more request in March
        again = report_build(organisation=org, municipality=arnhem, months=[MARCH], use_cache=True)
        fresh = report_build(organisation=org, municipality=arnhem, months=[MARCH])
    assert first.month(MARCH).total["requests_new"].value == 14
    assert again.month(MARCH).total["requests_new"].value == 14  # from the cache
    assert again.computed_at == first.computed_at == NOW
    assert fresh.month(MARCH).total["requests_new"].value == 15


def test_only_missing_months_are_counted(cached, march, region):
    org, arnhem = region["org_a"], march["arnhem"]
    with time_machine.travel(NOW, tick=False):
        report_build(organisation=org, municipality=arnhem, months=[Month(2026, 2), MARCH], use_cache=True)
    later = NOW + datetime.timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        report = report_build(
            organisation=org, municipality=arnhem, months=[Month(2026, 2), MARCH, Month(2026, 4)], use_cache=True
        )
    assert report.computed_at == NOW  # February and March from the cache
    assert report.month(MARCH).total["requests_new"].value == 14


def test_recent_months_are_kept_briefly(cached, march, build, region):
    org, arnhem = region["org_a"], march["arnhem"]
    may = Month(2026, 5)  # within 30 days of its end on NOW: kept 5 minutes
    with time_machine.travel(NOW, tick=False):
        report_build(organisation=org, municipality=arnhem, months=[may], use_cache=True)
        build.request(march["centrum"], at=local(2026, 5, 20))
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        report = report_build(organisation=org, municipality=arnhem, months=[may], use_cache=True)
    assert report.month(may).total["requests_new"].value == 1


def test_municipalities_do_not_share_cached_figures(cached, march, region):
    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        arnhem = report_build(organisation=org, municipality=march["arnhem"], months=[MARCH], use_cache=True)
        rheden = report_build(organisation=org, municipality=region["rheden"], months=[MARCH], use_cache=True)
        whole = report_build(organisation=org, months=[MARCH], use_cache=True, suppress=False)
    assert arnhem.month(MARCH).total["requests_new"].value == 14
    assert rheden.month(MARCH).total["requests_new"].value == 1
    assert whole.month(MARCH).total["requests_new"].value == 15


def test_the_dashboard_tells_when_it_counted(client, personas, cached, march):
    client.force_login(personas["municipality"])
    with time_machine.travel(NOW, tick=False):
        body = client.get("/organisatie/org-a/cijfers/?maand=2026-03").content.decode()
    assert "Cijfers geteld op 10 juni 2026, 12:00" in body


def test_map_and_workload_are_kept_briefly(cached, march, build, region, personas):
    from neighbourhoods.demand import area_gaps
    from neighbourhoods.workload import broker_workload

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
