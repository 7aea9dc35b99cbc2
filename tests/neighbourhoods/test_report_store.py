"""Stored monthly figures (``reports.store``): the pages read them, they
equal a fresh count, final months are not counted again, open months are after 15
minutes, changes to final months are found at night, two counts at once are safe."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from reports.figures import report_build
from reports.models import ReportMonth, ReportMonthArea
from reports.months import Month
from reports.store import (
    closes_at,
    report_months_changed,
    report_months_count,
    report_months_refresh,
    reports_refresh,
)
from tests.login import log_in

from .conftest import MARCH, NOW, local

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MAY = Month(2026, 5)  # open on NOW (10 June): within 30 days of its end
MONTHS = [Month(2026, 2), MARCH, Month(2026, 4), MAY, Month(2026, 6)]


def cells(report):
    return {
        (str(t.month), row.area.key): {code: (c.value, c.status) for code, c in row.cells.items()}
        for t in report.months
        for row in t.all_rows
    }


def stored_at(org, month):
    return ReportMonth.objects.get(organisation=org, month=month.first_day).counted_at


def page(org, months, **kwargs):
    return report_build(organisation=org, months=months, use_stored=True, **kwargs)


def requests_in_march(org, municipality):
    return page(org, [MARCH], municipality=municipality).month(MARCH).total["requests_new"].value


# --- The stored figures are the counted figures -------------------------------------------------


@pytest.mark.parametrize("who", ["arnhem", "rheden", None])
@pytest.mark.parametrize("suppress", [True, False])
def test_stored_figures_equal_a_fresh_count(march, region, who, suppress):
    org = region["org_a"]
    municipality = region[who] if who else None
    with time_machine.travel(NOW + HOUR, tick=False):
        report_months_count(organisation=org, months=MONTHS)
        stored = page(org, MONTHS, municipality=municipality, suppress=suppress)
        fresh = report_build(organisation=org, months=MONTHS, municipality=municipality, suppress=suppress)
    assert cells(stored) == cells(fresh)
    assert stored.month(MARCH).total["requests_new"].value == {"arnhem": 14, "rheden": 1, None: 15}[who]
    # The medians rest on the stored durations: the same as counted.
    assert (
        stored.month(MARCH).total["median_days_to_match"].value
        == fresh.month(MARCH).total["median_days_to_match"].value
    )


def test_a_page_stores_what_it_had_to_count(march, region):
    org = region["org_a"]
    assert not ReportMonth.objects.exists()
    report = page(org, [MARCH, Month(2026, 4)], municipality=march["arnhem"])
    assert report.month(MARCH).total["requests_new"].value == 14
    # Counted for the whole organisation: one count serves every municipality and the overview.
    assert set(ReportMonth.objects.filter(organisation=org).values_list("month", flat=True)) == {
        MARCH.first_day,
        Month(2026, 4).first_day,
    }
    assert ReportMonthArea.objects.filter(neighbourhood=region["areas"]["Velp"]).exists()
    assert page(org, [MARCH], municipality=region["rheden"]).month(MARCH).total["requests_new"].value == 1


def test_stored_rows_hold_numbers_only(march, region):
    report_months_count(organisation=region["org_a"], months=MONTHS)
    dumped = json.dumps(
        list(ReportMonthArea.objects.values("counts", "days_to_match", "burden_sum", "burden_checkins")),
        default=str,
    )
    for secret in ("Hulpvrager", "Achternaam", "Vrijwilliger", "Mantelzorger", "example.nl", "Geheim"):
        assert secret not in dumped
    # The durations are kept sorted: nothing links them to a request.
    for days in ReportMonthArea.objects.values_list("days_to_match", flat=True):
        assert days == sorted(days)


# --- Final months are counted once; open months again after 15 minutes -------------------------


def test_a_final_month_is_not_counted_again(march, build, region, django_assert_max_num_queries):
    org, arnhem = region["org_a"], march["arnhem"]
    with time_machine.travel(NOW, tick=False):
        assert closes_at(MARCH) <= NOW
        report_months_count(organisation=org, months=[MARCH])
        build.request(march["centrum"], at=local(2026, 3, 20))  # one more request in March
    with time_machine.travel(NOW + 30 * DAY, tick=False):
        # The municipality's neighbourhoods, the stored month, its rows, the report's rows: no counting.
        with django_assert_max_num_queries(4):
            report = page(org, [MARCH], municipality=arnhem)
        fresh = report_build(organisation=org, months=[MARCH], municipality=arnhem)
    assert report.month(MARCH).total["requests_new"].value == 14  # as stored
    assert report.computed_at == NOW
    assert fresh.month(MARCH).total["requests_new"].value == 15  # the exports count afresh
    assert stored_at(org, MARCH) == NOW


def test_an_open_month_is_counted_again_after_fifteen_minutes(march, build, region):
    org, arnhem = region["org_a"], march["arnhem"]
    with time_machine.travel(NOW, tick=False):
        assert page(org, [MAY], municipality=arnhem).month(MAY).total["requests_new"].value == 0
        build.request(march["centrum"], at=local(2026, 5, 20))
    with time_machine.travel(NOW + datetime.timedelta(minutes=14), tick=False):
        report = page(org, [MAY], municipality=arnhem)
        assert report.month(MAY).total["requests_new"].value == 0  # still fresh enough
        assert report.computed_at == NOW
    later = NOW + datetime.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        report = page(org, [MAY], municipality=arnhem)
    assert report.month(MAY).total["requests_new"].value == 1
    assert report.month(MAY).provisional
    assert report.computed_at == later
    assert stored_at(org, MAY) == later


def test_the_page_says_when_the_open_months_were_counted(march, region):
    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        report_months_count(organisation=org, months=[MARCH])
    later = NOW + 5 * DAY
    with time_machine.travel(later, tick=False):
        report = page(org, [MARCH, Month(2026, 4), MAY, Month(2026, 6)])
        assert report.computed_at == later  # April to June were counted now; March is final
        only_final = page(org, [MARCH])
    assert only_final.computed_at == NOW


def test_a_month_counted_while_open_is_counted_again_once_it_closed(march, build, region):
    org, arnhem = region["org_a"], march["arnhem"]
    with time_machine.travel(NOW, tick=False):
        page(org, [MAY], municipality=arnhem)  # counted while open
        build.request(march["centrum"], at=local(2026, 5, 20))
    closed = closes_at(MAY) + HOUR
    with time_machine.travel(closed, tick=False):
        report = page(org, [MAY], municipality=arnhem)
        assert report.month(MAY).total["requests_new"].value == 1
        assert not report.month(MAY).provisional
    assert stored_at(org, MAY) == closed
    with time_machine.travel(closed + 10 * DAY, tick=False):
        page(org, [MAY], municipality=arnhem)
    assert stored_at(org, MAY) == closed  # final now: not counted again


def test_figures_of_another_version_are_counted_again(march, region):
    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        report_months_count(organisation=org, months=[MARCH])
    ReportMonth.objects.update(version=0)
    with time_machine.travel(NOW + DAY, tick=False):
        page(org, [MARCH])
    assert stored_at(org, MARCH) == NOW + DAY


def test_the_workload_of_a_month_is_stored_with_it(march, personas, region, build, django_assert_max_num_queries):
    from caregivers.models import RequestEvent
    from matches.models import Match
    from reports.store import stored_workload
    from reports.workload import broker_workload

    org, bea, ada = region["org_a"], personas["broker_a"], personas["admin_a"]
    RequestEvent.objects.filter(request__organisation=org, at__lt=local(2026, 3, 15)).update(by=bea)
    RequestEvent.objects.filter(request__organisation=org, at__gte=local(2026, 3, 15)).update(by=ada)
    Match.objects.filter(organisation=org).update(proposed_by=bea)
    with time_machine.travel(NOW + HOUR, tick=False):
        report_months_count(organisation=org, months=[MARCH, MAY])
        live = broker_workload(organisation=org, month=MARCH)
        # The staff, what they have in hand now, the stored month: nothing of March is counted.
        with django_assert_max_num_queries(3):
            stored = broker_workload(organisation=org, month=MARCH, use_stored=True)
    assert [(r.user_id, dict(r.counts)) for r in stored] == [(r.user_id, dict(r.counts)) for r in live]
    by_user = {r.user_id: r for r in stored}
    assert by_user[bea.pk]["steps"] > 0 and by_user[ada.pk]["referrals"] > 0 and by_user[bea.pk]["started"] > 0
    # An open month's stored numbers are used for 15 minutes, like its figures.
    with time_machine.travel(NOW + HOUR + datetime.timedelta(minutes=10), tick=False):
        assert stored_workload(organisation=org, month=MAY) is not None
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        assert stored_workload(organisation=org, month=MAY) is None
        assert stored_workload(organisation=org, month=MARCH) is not None
        assert stored_workload(organisation=org, month=Month(2026, 1)) is None  # not stored


def test_a_page_that_counts_leaves_the_workload_to_the_overview(march, personas, region):
    from caregivers.models import RequestEvent
    from reports.store import stored_workload
    from reports.workload import broker_workload

    org, bea = region["org_a"], personas["broker_a"]
    RequestEvent.objects.filter(request__organisation=org).update(by=bea)
    with time_machine.travel(NOW + HOUR, tick=False):
        page(org, [MARCH], municipality=march["arnhem"])  # the dashboard counted March: figures only
        assert ReportMonth.objects.get(month=MARCH.first_day).workload is None
        assert stored_workload(organisation=org, month=MARCH) is None
        shown = {r.user_id: dict(r.counts) for r in broker_workload(organisation=org, month=MARCH, use_stored=True)}
        assert shown == {r.user_id: dict(r.counts) for r in broker_workload(organisation=org, month=MARCH)}
        assert shown[bea.pk]["steps"] > 0
        # The next task counts March again, with the workload (March is final: only for that).
        assert report_months_refresh(organisation=org, months=[MARCH]).counted == [MARCH]
        assert report_months_refresh(organisation=org, months=[MARCH]).counted == []
        assert stored_workload(organisation=org, month=MARCH)[bea.pk]["steps"] == shown[bea.pk]["steps"]


# --- Two counts at once -----------------------------------------------------------------------


def test_one_stored_month_per_organisation_and_month(march, region):
    org = region["org_a"]
    report_months_count(organisation=org, months=[MARCH])
    header = ReportMonth.objects.get(organisation=org, month=MARCH.first_day)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportMonth.objects.create(organisation=org, month=MARCH.first_day, counted_at=NOW)
    area = header.areas.exclude(neighbourhood=None).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportMonthArea.objects.create(report_month=header, neighbourhood=area.neighbourhood)
    ReportMonthArea.objects.create(report_month=header, neighbourhood=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportMonthArea.objects.create(report_month=header, neighbourhood=None)


def test_counting_twice_replaces_and_never_duplicates(march, build, region):
    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        report_months_count(organisation=org, months=[MARCH, Month(2026, 4)])
        rows = ReportMonthArea.objects.count()
        build.request(region["areas"]["Ede"], at=local(2026, 3, 9))  # a neighbourhood without figures yet
    with time_machine.travel(NOW + HOUR, tick=False):
        report_months_count(organisation=org, months=[MARCH, Month(2026, 4)])
    assert ReportMonth.objects.filter(organisation=org).count() == 2
    assert ReportMonthArea.objects.count() == rows + 1
    assert stored_at(org, MARCH) == NOW + HOUR


def test_an_older_count_does_not_replace_a_newer_one(march, build, region):
    """Two counts at once: the one that began later wins, whichever writes last."""
    from reports import store as report_store
    from reports.counting import Scope, raw_figures

    org = region["org_a"]
    with time_machine.travel(NOW, tick=False):
        old = raw_figures(scope=Scope.of(org), months=[MARCH])  # began first ...
        build.request(march["centrum"], at=local(2026, 3, 21))
    with time_machine.travel(NOW + HOUR, tick=False):
        report_months_count(organisation=org, months=[MARCH])  # ... this one began later and wrote first
    figures = {MARCH: {area: raw for (_i, area), raw in old.items()}}
    assert report_store._store(organisation=org, figures=figures, counted_at=NOW) == []
    assert stored_at(org, MARCH) == NOW + HOUR
    assert requests_in_march(org, march["arnhem"]) == 15


# --- Changes to final months --------------------------------------------------------------------


@pytest.fixture
def counted(march, region):
    """March stored (final), an hour after the data was written."""
    with time_machine.travel(NOW + HOUR, tick=False):
        report_months_count(organisation=region["org_a"], months=[Month(2026, 2), MARCH, Month(2026, 4)])
    return march


def nightly(org, when):
    with time_machine.travel(when, tick=False):
        return report_months_refresh(
            organisation=org, months=[Month(2026, 2), MARCH, Month(2026, 4)], check_changes=True
        )


def test_nothing_changed_nothing_counted(counted, region, django_assert_max_num_queries):
    org = region["org_a"]
    with django_assert_max_num_queries(15):  # the stored months and thirteen grouped queries; no counting
        result = nightly(org, NOW + DAY)
    assert result.counted == []
    assert stored_at(org, MARCH) == NOW + HOUR


def test_a_late_first_start_of_a_march_request_is_counted_at_night(counted, build, region):
    org, arnhem = region["org_a"], counted["arnhem"]
    request = build.request(counted["centrum"], at=local(2026, 3, 9), status="ready")
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        report_months_count(organisation=org, months=[MARCH])
        # 90 days later a volunteer starts (a step that sets the timestamps as the app does).
        build.match(request, build.volunteer(counted["centrum"]), activated=NOW + 3 * HOUR)
    result = nightly(org, NOW + DAY)
    assert result.changed == [MARCH]  # not February: nothing of it changed
    assert Month(2026, 2) not in result.counted
    with time_machine.travel(NOW + DAY, tick=False):
        assert cells(page(org, [MARCH], municipality=arnhem)) == cells(
            report_build(organisation=org, months=[MARCH], municipality=arnhem)
        )


def test_hours_entered_late_are_counted_at_night(counted, region):
    from matches.models import HoursEntry, Match

    org = region["org_a"]
    match = Match.objects.filter(request__kind="respite", activated_at__lt=local(2026, 3, 10)).first()
    before = page(org, [MARCH], suppress=False).month(MARCH).total.raw.respite_hours
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        build_hours = HoursEntry.objects.create(match=match, date=datetime.date(2026, 3, 12), hours="3")
        HoursEntry.objects.filter(pk=build_hours.pk).update(approved_at=NOW + 2 * HOUR)
    assert nightly(org, NOW + DAY).changed == [MARCH]
    with time_machine.travel(NOW + DAY, tick=False):
        after = page(org, [MARCH], suppress=False).month(MARCH).total.raw.respite_hours
    assert after == before + 3


def test_a_re_import_that_changes_a_march_request_is_counted_at_night(region, frozen, tmp_path):
    org = region["org_a"]
    header = "external_id,requester_first_name,kind,latitude,longitude\n"
    path = tmp_path / "requests.csv"
    with time_machine.travel(local(2026, 3, 10), tick=False):
        path.write_text(header + "R1,Zoë,practical,51.98,5.91\n", encoding="utf-8")
        call_command("import_requests", "--organisation", org.slug, str(path), stdout=io.StringIO())
    with time_machine.travel(NOW, tick=False):
        report_months_count(organisation=org, months=[MARCH])
        assert page(org, [MARCH], suppress=False).month(MARCH).total["requests_practical"].value == 1
    with time_machine.travel(NOW + DAY, tick=False):
        path.write_text(header + "R1,Zoë,respite,51.98,5.91\n", encoding="utf-8")
        call_command("import_requests", "--organisation", org.slug, str(path), stdout=io.StringIO())
        assert page(org, [MARCH], suppress=False).month(MARCH).total["requests_practical"].value == 1  # until night
    assert nightly(org, NOW + 2 * DAY).changed == [MARCH]
    with time_machine.travel(NOW + 2 * DAY, tick=False):
        total = page(org, [MARCH], suppress=False).month(MARCH).total
    assert (total["requests_practical"].value, total["requests_respite"].value) == (0, 1)


def test_a_volunteer_who_moved_changes_the_months_of_their_matches(counted, region):
    from volunteers.models import Volunteer

    org = region["org_a"]
    volunteer = Volunteer.objects.filter(matches__activated_at__lt=local(2026, 3, 1)).first()
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        volunteer.neighbourhood = region["areas"]["Velp"]
        volunteer.save()
    with time_machine.travel(NOW + DAY, tick=False):
        latest = report_months_changed(organisation=org, months=[Month(2026, 2), MARCH, Month(2026, 4)])
    assert latest[MARCH] == NOW + 2 * HOUR
    assert set(nightly(org, NOW + DAY).changed) >= {MARCH}


def test_a_deleted_request_invalidates_and_the_page_counts_again(counted, region):
    from caregivers.models import HelpRequest

    org, arnhem = region["org_a"], counted["arnhem"]
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        HelpRequest.objects.filter(
            organisation=org, created_at__gte=local(2026, 3, 10), created_at__lt=local(2026, 3, 11)
        ).first().delete()
    assert ReportMonth.objects.filter(organisation=org, invalidated_at=NOW + 2 * HOUR).count() == 3
    with time_machine.travel(NOW + 3 * HOUR, tick=False):
        assert requests_in_march(org, arnhem) == 13
    assert stored_at(org, MARCH) == NOW + 3 * HOUR


def test_a_deleted_neighbourhood_invalidates_its_months(counted, region):
    org = region["org_a"]
    presikhaaf = counted["presikhaaf"]
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        presikhaaf.delete()
    with time_machine.travel(NOW + 3 * HOUR, tick=False):
        stored = page(org, [MARCH], suppress=False)
        fresh = report_build(organisation=org, months=[MARCH], suppress=False)
    assert cells(stored) == cells(fresh)
    assert stored.month(MARCH).total["requests_new"].value == 15  # Presikhaaf's two are "buurt onbekend" now


# --- The task, the command, the demo -------------------------------------------------------------


def test_the_recent_task_counts_the_last_three_months_of_every_organisation(march, region):
    from reports.tasks import reports_refresh as task

    with time_machine.travel(NOW, tick=False):
        assert task.delay().get() == 2  # eager in the tests: one task per organisation
    for org in (region["org_a"], region["org_b"]):
        assert sorted(ReportMonth.objects.filter(organisation=org).values_list("month", flat=True)) == [
            Month(2026, 4).first_day,
            MAY.first_day,
            Month(2026, 6).first_day,
        ]
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        task.delay()
    # April is final (counted after 31 May); May and June are open and counted again.
    assert stored_at(region["org_a"], Month(2026, 4)) == NOW
    assert stored_at(region["org_a"], MAY) == NOW + datetime.timedelta(minutes=10)


def test_the_nightly_task_fills_24_months_and_is_scheduled(march, region, settings):
    from reports.tasks import reports_refresh as task

    entry = settings.CELERY_BEAT_SCHEDULE["reports-nightly"]
    assert entry["task"] == "reports.tasks.reports_refresh"
    assert settings.CELERY_BEAT_SCHEDULE["reports-recent"]["schedule"] == 600.0
    with time_machine.travel(NOW, tick=False):
        task.delay(**entry["kwargs"])
    assert ReportMonth.objects.filter(organisation=region["org_a"]).count() == 24
    with time_machine.travel(NOW, tick=False):
        assert requests_in_march(region["org_a"], march["arnhem"]) == 14


def test_the_task_of_a_deleted_organisation_does_nothing(region):
    from reports.tasks import report_refresh_organisation

    assert report_refresh_organisation.delay(999999, 3).get() == []


def test_the_command_refreshes_one_organisation(march, region):
    def run(*args):
        out = io.StringIO()
        call_command("report_refresh", "--organisation", "org-a", "--months", "4", *args, stdout=out)
        return out.getvalue()

    with time_machine.travel(NOW + HOUR, tick=False):
        first = run()
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        again = run()
        recount = run("--recount")
    assert first == "org-a: 4 van 4 maanden geteld (2026-03, 2026-04, 2026-05, 2026-06).\n"
    assert again == "org-a: 2 van 4 maanden geteld (2026-05, 2026-06).\n"  # the open months; March, April are final
    assert recount.startswith("org-a: 4 van 4 maanden geteld")
    assert not ReportMonth.objects.filter(organisation=region["org_b"]).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--organisation", "bestaat-niet"], "Organisatie bestaat-niet bestaat niet"),
        (["--months", "0"], "--months moet een getal van 1 tot en met 120 zijn; u gaf 0."),
        (["--months", "-3"], "u gaf -3"),
        (["--months", "121"], "u gaf 121"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_status_1(region, capsys, monkeypatch, args, message):
    from django.db import connections

    with pytest.raises(CommandError, match=message):
        call_command("report_refresh", *args)
    # As from the shell (which closes the connections afterwards: not the test's own).
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "report_refresh", *args])
    assert exit_.value.code == 1
    assert message in capsys.readouterr().err
    assert not ReportMonth.objects.exists()


def test_the_demo_fills_the_stored_figures(db):
    from demo.people import DEMO_ORGANISATION_SLUG

    call_command("load_demo", "--volunteers", "20", "--requests", "10", "--history-months", "2", stdout=io.StringIO())
    assert ReportMonth.objects.filter(organisation__slug=DEMO_ORGANISATION_SLUG).count() == 24
    assert ReportMonthArea.objects.filter(report_month__organisation__slug=DEMO_ORGANISATION_SLUG).exists()


# --- The pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, path, limit",
    [
        # +4 since issue #13: the staff check, and the staff session's last-seen stamp
        # (written at most once a minute; here five minutes after logging in).
        # +1: the partner role of the menu; the organisation's overview +2: its partners' vacancies.
        ("municipality", "/organisatie/org-a/cijfers/?maand=2026-03", 20),
        ("broker_a", "/organisatie/org-a/cijfers/organisatie/?maand=2026-03", 25),
    ],
)
def test_pages_read_the_stored_months_in_a_few_queries(
    client, personas, march, region, persona, path, limit, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        reports_refresh(months=24, organisation=region["org_a"])
    log_in(client, personas[persona])
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False), django_assert_max_num_queries(limit):
        response = client.get(path)
    assert response.status_code == 200
    assert "Cijfers geteld op 10 juni 2026, 12:00" in response.content.decode()
    # Nothing was counted: the stored months are as they were.
    assert set(ReportMonth.objects.values_list("counted_at", flat=True)) == {NOW}


def test_reports_refresh_refuses_zero_months(region):
    with pytest.raises(ValueError):
        reports_refresh(months=0)
