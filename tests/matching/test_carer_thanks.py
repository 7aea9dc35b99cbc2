"""The carers' yearly thank-you (matches.mails ``carer_thanks_send``): from the Dag van de
Mantelzorg (10 November) on, once per carer and year, with the mantelzorgwaardering of
their municipality; never to someone who switched such mail off or whose care ended."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from caregivers.models import Mantelzorger
from matches.mails import carer_thanks_send, reminders_send
from neighbourhoods.orgsettings import carer_appreciation_update
from notifications.models import Notification
from notifications.services import preferences_update
from tests.matching import lifecycle_factories
from tests.matching.test_carer_checkin_reminder import carer

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY_OF_CARERS = datetime.datetime(2030, 11, 10, 9, 0, tzinfo=AMSTERDAM)


def mails_to(address):
    return Notification.objects.filter(to_email=address, kind="carer_thanks")


def test_once_a_year_from_the_day_of_carers(world):
    carer(world.org, checked_days_ago=10)
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS - datetime.timedelta(days=1)) == 0
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS) == 1
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS) == 0  # idempotent
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS + datetime.timedelta(days=40)) == 0
    next_year = DAY_OF_CARERS.replace(year=2031)
    assert carer_thanks_send(organisation=world.org, now=next_year) == 1
    body = mails_to("hanna@example.nl").first().body
    assert "Beste Hanna," in body and "Dag van de Mantelzorg" in body
    assert "Opa" not in body  # nothing about the person cared for


def test_with_the_mantelzorgwaardering_of_the_carers_municipality(world):
    made = carer(world.org, checked_days_ago=10)
    Mantelzorger.objects.filter(pk=made.pk).update(neighbourhood=world.areas["Velp"])  # Rheden
    rheden = world.areas["Velp"].municipality
    carer_appreciation_update(
        organisation=world.org,
        by=world.admin,
        municipality=rheden,
        values={"text": "Rheden geeft een cadeaubon.", "link": "https://www.rheden.nl/waardering"},
    )
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS) == 1
    body = mails_to("hanna@example.nl").get().body
    assert "Rheden geeft een cadeaubon." in body and "https://www.rheden.nl/waardering" in body


def test_never_to_someone_who_switched_it_off_or_whose_care_ended(world):
    carer(world.org, checked_days_ago=10)
    carer(world.org, checked_days_ago=10, email="klaas@example.nl", cares=False)
    preferences_update(email="hanna@example.nl", values={"updates": False})
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS) == 0
    assert not Notification.objects.filter(kind="carer_thanks").exists()
    assert carer_thanks_send(organisation=world.org_b, now=DAY_OF_CARERS) == 0


def test_the_beat_run_sends_it_once(world):
    carer(world.org, checked_days_ago=10)
    assert reminders_send(now=DAY_OF_CARERS, force=True)["carer_thanks"] == 1
    assert reminders_send(now=DAY_OF_CARERS, force=True)["carer_thanks"] == 0
    assert mails_to("hanna@example.nl").count() == 1


def test_never_to_a_carer_whose_care_ended(world):
    ended = carer(world.org, checked_days_ago=10)
    Mantelzorger.objects.filter(pk=ended.pk).update(care_ended_on=datetime.date(2026, 6, 1))
    carer(world.org, checked_days_ago=10, email="piet@example.nl")
    assert carer_thanks_send(organisation=world.org, now=DAY_OF_CARERS) == 1
    assert not mails_to("hanna@example.nl").exists() and mails_to("piet@example.nl").count() == 1
