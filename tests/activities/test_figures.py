"""Activities in the municipality report (issue #16.5): activities held, participants and
people on a waiting list per neighbourhood and month, with small numbers hidden."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.services import DateTime, signup_cancel, signup_create
from common.geo import Point
from common.slots import Slot
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(scene, region):
    """Today: in Arnhem-Centrum an activity with ten places and eleven sign-ups (one
    waits), a cancelled one; in Velp a weekly one on today's weekday."""
    from demo.factories import MantelzorgerFactory

    today = timezone.localdate()
    centre = region["areas"]["Arnhem"]
    at = {"point": Point(centre.latitude, centre.longitude), "place": "Arnhem"}
    activity = make_activity(
        scene,
        participant_places=10,
        dates=[DateTime(today, datetime.time(0, 0), datetime.time(0, 1))],
        until=today,
        **at,
    )
    assert activity.neighbourhood == centre
    for _ in range(11):
        signup_create(
            activity=activity,
            role="participant",
            by=scene.broker,
            mantelzorger=MantelzorgerFactory(organisation=scene.org),
        )
    cancelled = make_activity(
        scene, dates=[DateTime(today, datetime.time(0, 0), datetime.time(0, 1))], until=today, **at
    )
    Activity.objects.filter(pk=cancelled.pk).update(status="cancelled")
    velp = region["areas"]["Velp"]
    weekly = make_activity(
        scene,
        schedule="weekly",
        dates=[],
        slots=[Slot(today.weekday(), datetime.time(9), datetime.time(10))],
        until=today + datetime.timedelta(days=30),
        point=Point(velp.latitude, velp.longitude),
        place="Velp",
    )
    assert weekly.neighbourhood == velp
    return activity


def test_the_municipality_report_counts_activities_with_small_numbers_hidden(held, region):
    from reports.figures import SMALL, report_build
    from reports.months import Month

    month = Month.current()
    table = report_build(organisation=region["org_a"], municipality=region["arnhem"], months=[month]).month(month)
    [centrum] = [row for row in table.rows if row.area.id == region["areas"]["Arnhem"].pk]
    for row in (centrum, table.total):
        assert row["activities_held"].export == SMALL  # 1: the cancelled one is not held
        assert row["activity_participants"].export == 10
        assert row["activity_waiting"].export == SMALL  # 1
    rheden = report_build(organisation=region["org_a"], municipality=region["rheden"], months=[month]).month(month)
    assert rheden.total["activities_held"].export == SMALL
    assert rheden.total["activity_participants"].export == 0
    own = report_build(organisation=region["org_a"], months=[month], suppress=False).month(month)
    assert own.total["activities_held"].export == 2
    assert own.total["activity_participants"].export == 10
    assert own.total["activity_waiting"].export == 1
    previous = report_build(organisation=region["org_a"], months=[month.previous()], suppress=False)
    assert previous.month(month.previous()).total["activities_held"].export == 0
    other = report_build(organisation=region["org_b"], months=[month], suppress=False).month(month)
    assert other.total["activities_held"].export == 0


def test_a_place_freed_and_taken_counts_both_people_who_had_it(held, scene, region):
    from activities.models import SignUp
    from reports.figures import report_build
    from reports.months import Month

    first = SignUp.objects.filter(activity=held, status="confirmed").order_by("pk").first()
    signup_cancel(signup=first, by=scene.broker)
    offered = SignUp.objects.get(activity=held, status="offered")
    SignUp.objects.filter(pk=offered.pk).update(status="confirmed", confirmed_at=timezone.now())
    month = Month.current()
    own = report_build(organisation=region["org_a"], months=[month], suppress=False).month(month)
    assert own.total["activity_participants"].export == 11  # both had the place this month
    assert own.total["activity_waiting"].export == 1


def test_stored_months_follow_the_activities(held, scene, region):
    from activities.models import SignUp
    from reports.models import ReportMonthArea
    from reports.months import Month
    from reports.store import report_month_count, report_months_changed

    month = Month.current()
    stored = report_month_count(organisation=scene.org, month=month)
    centrum = ReportMonthArea.objects.get(report_month=stored, neighbourhood=region["areas"]["Arnhem"])
    assert centrum.counts["activity_participants"] == 10
    first = SignUp.objects.filter(activity=held, status="confirmed").order_by("pk").first()
    signup_cancel(signup=first, by=scene.broker)
    first.refresh_from_db()
    assert report_months_changed(organisation=scene.org, months=[month])[month] >= first.ended_at
    assert stored.invalidated_at is None
    held.title = "Andere titel"
    held.save()
    stored.refresh_from_db()
    assert stored.invalidated_at is not None


def test_manage_py_report_has_the_activity_columns_suppressed(held, region, tmp_path):
    import csv
    import io
    import json

    from django.core.management import call_command

    from reports.months import Month

    month = str(Month.current())
    target = tmp_path / "arnhem.csv"
    call_command(
        "report",
        "--organisation=org-a",
        "--municipality=Arnhem",
        f"--month={month}",
        f"--csv={target}",
        f"--json={tmp_path / 'arnhem.json'}",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    total = rows[-1]
    assert (total["activities_held"], total["activity_participants"], total["activity_waiting"]) == ("<10", "10", "<10")
    data = json.loads((tmp_path / "arnhem.json").read_text(encoding="utf-8"))
    assert "activity_participants" in json.dumps(data)
