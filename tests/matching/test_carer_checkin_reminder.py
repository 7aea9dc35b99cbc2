"""The gentle e-mail that asks a carer to check in again (matches.mails
``carer_checkin_reminders``): after the organisation's interval, once per interval,
never to someone who switched reminders off or whose care ended."""

from __future__ import annotations

import datetime

import pytest

from caregivers.models import BurdenCheckIn, CareRecipient, Mantelzorger
from demo.factories import MantelzorgerFactory
from matches.mails import carer_checkin_reminders, reminders_send
from notifications.models import Notification
from notifications.services import preferences_update
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")
DAY = datetime.timedelta(days=1)


def carer(org, *, checked_days_ago, email="hanna@example.nl", cares=True):
    made = MantelzorgerFactory(organisation=org, first_name="Hanna", email=email)
    Mantelzorger.objects.filter(pk=made.pk).update(created_at=NOW - 400 * DAY)
    if cares:
        CareRecipient.objects.create(mantelzorger=made, name="Opa", age_band="80+", situation="dementia")
    if checked_days_ago is not None:
        row = BurdenCheckIn.objects.create(mantelzorger=made, score=6)
        BurdenCheckIn.objects.filter(pk=row.pk).update(created_at=NOW - checked_days_ago * DAY)
    return made


def mails_to(address):
    return Notification.objects.filter(to_email=address, kind="checkin_reminder_carer")


@pytest.mark.parametrize(("days_ago", "due"), [(90, False), (92, True), (200, True)])
def test_after_the_interval_once(world, days_ago, due):
    carer(world.org, checked_days_ago=days_ago)
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == int(due)
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 0  # idempotent
    assert mails_to("hanna@example.nl").count() == int(due)
    if due:
        assert carer_checkin_reminders(organisation=world.org, now=NOW + 60 * DAY) == 0  # once per interval
        body = mails_to("hanna@example.nl").get().body
        assert "Beste Hanna," in body and "/hulp/mantelzorger/hoe-gaat-het/" in body
        assert "Opa" not in body  # nothing about the person cared for


def test_again_after_another_interval_and_not_after_a_new_checkin(world):
    made = carer(world.org, checked_days_ago=100)
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 1
    assert carer_checkin_reminders(organisation=world.org, now=NOW + 90 * DAY) == 1  # the next interval
    BurdenCheckIn.objects.create(mantelzorger=made, score=3)  # now: the clock restarts
    assert carer_checkin_reminders(organisation=world.org, now=NOW + 60 * DAY) == 0
    assert carer_checkin_reminders(organisation=world.org, now=NOW + 92 * DAY) == 1


def test_the_organisation_sets_the_interval(world):
    world.org.carer_checkin_reminder_days = 30
    world.org.save()
    carer(world.org, checked_days_ago=31)
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 1


def test_never_to_someone_who_switched_reminders_off(world):
    carer(world.org, checked_days_ago=200)
    preferences_update(email="hanna@example.nl", values={"reminders": False})
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 0
    assert not mails_to("hanna@example.nl").exists()


@pytest.mark.parametrize("case", ["care_ended", "no_email", "erased"])
def test_never_when_care_ended_or_no_address(world, case):
    if case == "care_ended":
        carer(world.org, checked_days_ago=200, cares=False)
    elif case == "no_email":
        carer(world.org, checked_days_ago=200, email="")
    else:
        from caregivers.services import mantelzorgers_erase

        mantelzorgers_erase(mantelzorger_ids=[carer(world.org, checked_days_ago=200).pk])
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 0


def test_never_after_the_recorded_end_of_care_and_again_when_cleared(world):
    from caregivers.services import care_ended_set

    ended = carer(world.org, checked_days_ago=200)
    other = carer(world.org, checked_days_ago=200, email="piet@example.nl")
    ended.refresh_from_db()
    care_ended_set(mantelzorger=ended, by=world.broker, ended_on=(NOW - 10 * DAY).date())
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 1
    assert not mails_to("hanna@example.nl").exists() and mails_to("piet@example.nl").count() == 1
    care_ended_set(mantelzorger=ended, by=world.broker, ended_on=None)  # the care goes on after all
    assert carer_checkin_reminders(organisation=world.org, now=NOW) == 1
    assert mails_to("hanna@example.nl").count() == 1
    assert other.pk


def test_the_beat_run_sends_it_in_waking_hours(world):
    carer(world.org, checked_days_ago=200)
    counts = reminders_send(now=NOW, force=True)
    assert counts["carer_checkin_reminder"] == 1
    assert carer_checkin_reminders(organisation=world.org_b, now=NOW) == 0
