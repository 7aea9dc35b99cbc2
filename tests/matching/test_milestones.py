"""Thanks at milestones (matches.appreciation ``milestones_send``): the first match that
ended, 100 approved hours, one year since the first match started. Once per milestone
and volunteer, however often the task runs; preferences respected; nothing for a
milestone long past, an inactive volunteer or another organisation."""

from __future__ import annotations

import datetime

import pytest

from matches.appreciation import milestones_send
from matches.models import HoursEntry, VolunteerMilestone
from matches.tasks import send_reminders
from notifications.models import Notification
from notifications.services import preferences_update
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW, TODAY

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")
DAY = datetime.timedelta(days=1)


def mails(kind: str):
    return Notification.objects.filter(kind=f"milestone_{kind}")


def address(world) -> str:
    return (world.volunteer.email or world.volunteer_user.email).lower()


def test_first_match_ended_is_thanked_once(world):
    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    counts = milestones_send(organisation=world.org, now=NOW)
    assert counts["first_match_ended"] == 1
    assert milestones_send(organisation=world.org, now=NOW)["first_match_ended"] == 0
    world.match("ended", activated_at=NOW - 20 * DAY, ended_at=NOW)  # a second one: no new thanks
    assert milestones_send(organisation=world.org, now=NOW + DAY) == {}
    mail = mails("first_match_ended").get()
    assert mail.to_email == address(world)
    assert mail.category == "updates"
    assert "Beste Vera," in mail.body and "/koppelingen/jaaroverzicht/" in mail.body
    assert "Maria" not in mail.body  # nothing about the person helped
    milestone = VolunteerMilestone.objects.get(volunteer=world.volunteer, kind="first_match_ended")
    assert milestone.mailed and milestone.reached_at == NOW - DAY


def test_a_running_match_is_no_ended_match(world):
    world.match("active", activated_at=NOW - 40 * DAY)
    world.match("cancelled")
    assert milestones_send(organisation=world.org, now=NOW) == {}
    assert not VolunteerMilestone.objects.exists()


def test_a_milestone_long_past_is_recorded_without_a_mail(world):
    world.match("ended", activated_at=NOW - 200 * DAY, ended_at=NOW - 100 * DAY)
    counts = milestones_send(organisation=world.org, now=NOW)
    assert counts == {"recorded": 1}
    assert not mails("first_match_ended").exists()
    assert not VolunteerMilestone.objects.get(kind="first_match_ended").mailed


def test_hundred_approved_hours(world):
    match = world.match("active", activated_at=NOW - 60 * DAY)
    for n in range(9):
        HoursEntry.objects.create(match=match, date=TODAY - n * DAY, hours="11.00", approved_at=NOW - 2 * DAY)
    last = HoursEntry.objects.create(match=match, date=TODAY, hours="0.75", approved_at=NOW - DAY)
    HoursEntry.objects.create(match=match, date=TODAY, hours="8.00", approved_at=None)  # not approved yet
    assert milestones_send(organisation=world.org, now=NOW) == {}  # 99.75 approved
    HoursEntry.objects.filter(pk=last.pk).update(hours="1.00")
    assert milestones_send(organisation=world.org, now=NOW)["hours_100"] == 1
    assert milestones_send(organisation=world.org, now=NOW) == {}
    assert "100 uur" in mails("hours_100").get().body
    assert VolunteerMilestone.objects.get(kind="hours_100").reached_at == NOW - DAY


def test_one_year_since_the_first_match_started(world):
    world.match("active", activated_at=NOW - 300 * DAY)
    assert milestones_send(organisation=world.org, now=NOW) == {}
    later = NOW + 70 * DAY
    assert milestones_send(organisation=world.org, now=later)["one_year"] == 1
    assert milestones_send(organisation=world.org, now=later) == {}
    assert "een jaar" in mails("one_year").get().body.lower()


def test_preferences_are_respected_and_the_milestone_is_not_mailed_later(world):
    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    preferences_update(email=address(world), values={"updates": False})
    assert milestones_send(organisation=world.org, now=NOW) == {"recorded": 1}
    assert not mails("first_match_ended").exists()
    preferences_update(email=address(world), values={"updates": True})
    assert milestones_send(organisation=world.org, now=NOW + DAY) == {}
    assert not mails("first_match_ended").exists()


def test_inactive_volunteers_and_other_organisations_are_left_alone(world):
    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    assert milestones_send(organisation=world.org_b, now=NOW) == {}
    world.volunteer.is_active = False
    world.volunteer.save()
    assert milestones_send(organisation=world.org, now=NOW) == {}
    assert not VolunteerMilestone.objects.exists()


def test_the_task_run_twice_sends_once(world):
    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    first = send_reminders.apply().get()
    second = send_reminders.apply().get()
    assert first["milestone_first_match_ended"] == 1
    assert second.get("milestone_first_match_ended", 0) == 0
    assert mails("first_match_ended").count() == 1


def test_a_run_that_finds_the_milestone_recorded_by_another_sends_nothing(world):
    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    VolunteerMilestone.objects.create(volunteer=world.volunteer, kind="first_match_ended", reached_at=NOW - DAY)
    assert milestones_send(organisation=world.org, now=NOW) == {}
    assert not mails("first_match_ended").exists()


def test_erasure_removes_the_milestones_and_the_export_lists_them(world):
    from accounts.personal_data import Subject
    from matches.personal_data import matches_export
    from volunteers.services import volunteer_erase

    world.match("ended", activated_at=NOW - 40 * DAY, ended_at=NOW - DAY)
    milestones_send(organisation=world.org, now=NOW)
    subject = Subject(user=world.volunteer_user, volunteer_ids=frozenset({world.volunteer.pk}))
    exported = matches_export(subject)["milestones"]
    assert [(m["kind"], m["mailed"]) for m in exported] == [("first_match_ended", True)]
    volunteer_erase(volunteer=world.volunteer, by=None)
    assert not VolunteerMilestone.objects.exists()
    assert milestones_send(organisation=world.org, now=NOW + DAY) == {}
