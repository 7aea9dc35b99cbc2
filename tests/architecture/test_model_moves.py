"""Moving models between apps (Skill to neighbourhoods, the match models to matches,
the stored report months to reports) changed no table and lost no row: rows written
with the schema before the move are read back through the models after it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("neighbourhoods", "0004_report_months"),
    ("volunteers", "0003_volunteer_stopped_at_departure"),
    ("caregivers", "0005_report_indexes"),
    ("matching", "0004_match_last_checkin_at_calendarfeed"),
    ("notifications", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it():
    old = _migrate(BEFORE)
    Organisation = old.get_model("neighbourhoods", "Organisation")
    Skill = old.get_model("volunteers", "Skill")
    Volunteer = old.get_model("volunteers", "Volunteer")
    HelpRequest = old.get_model("caregivers", "HelpRequest")
    Match = old.get_model("matching", "Match")
    MatchEvent = old.get_model("matching", "MatchEvent")
    BatchRun = old.get_model("matching", "BatchRun")
    ReportMonth = old.get_model("neighbourhoods", "ReportMonth")
    Notification = old.get_model("notifications", "Notification")

    org = Organisation.objects.create(name="Centrale Verhuis", slug="verhuis")
    skill = Skill.objects.create(organisation=org, code="piano", label="Pianoles")
    volunteer = Volunteer.objects.create(organisation=org, first_name="Zoë", last_name="van 't Hof-Özdemir")
    volunteer.skills.add(skill)
    request = HelpRequest.objects.create(organisation=org, requester_first_name="Ans", kind="practical")
    request.skills.add(skill)
    run = BatchRun.objects.create(organisation=org, status="done", result={"proposals": []})
    match = Match.objects.create(
        organisation=org, request=request, volunteer=volunteer, status="active", batch=run, reasons=["0,8 km"]
    )
    MatchEvent.objects.create(match=match, from_status="proposed", to_status="active")
    ReportMonth.objects.create(organisation=org, month=datetime.date(2026, 3, 1), counted_at=timezone.now())
    Notification.objects.create(
        key="moved-1", kind="test", category="account", to_email="a@example.nl", subject="s", body="b", match=match
    )

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest)

    from caregivers.models import HelpRequest as NewRequest
    from matches.models import BatchRun as NewRun
    from matches.models import Match as NewMatch
    from neighbourhoods.models import Skill as NewSkill
    from notifications.models import Notification as NewNotification
    from reports.models import ReportMonth as NewReportMonth
    from volunteers.models import Volunteer as NewVolunteer

    assert NewSkill.objects.get(pk=skill.pk).label == "Pianoles"
    assert list(NewVolunteer.objects.get(pk=volunteer.pk).skills.values_list("code", flat=True)) == ["piano"]
    assert list(NewRequest.objects.get(pk=request.pk).skills.values_list("code", flat=True)) == ["piano"]
    moved = NewMatch.objects.get(pk=match.pk)
    assert (moved.status, moved.batch_id, moved.volunteer.first_name) == ("active", run.pk, "Zoë")
    assert list(moved.events.values_list("to_status", flat=True)) == ["active"]
    assert NewRun.objects.get(pk=run.pk).result == {"proposals": []}
    assert NewReportMonth.objects.filter(organisation_id=org.pk, month=datetime.date(2026, 3, 1)).exists()
    assert NewNotification.objects.get(key="moved-1").match_id == match.pk
