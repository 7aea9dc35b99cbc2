"""The demo's activities: in the region, a full respite afternoon with a waiting list,
a meal organised for the partner, a walking group; loading twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from activities.models import Activity, SignUp

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", "--volunteers", "20", "--requests", "40", "--history-months", "0", stdout=io.StringIO())


def test_the_demo_has_activities_with_sign_ups_and_a_waiting_list(settings):
    _load()
    activities = {a.title: a for a in Activity.objects.all()}
    assert len(activities) == 3
    respite = activities["Respijtmiddag voor mantelzorgers"]
    assert respite.waiting_order == "burden_first"
    participants = SignUp.objects.filter(activity=respite, role="participant")
    assert participants.filter(status="confirmed").count() == 4
    assert participants.filter(status="waiting").count() == 2
    # The demo carer (Henk, with an account) has one of the places.
    assert participants.filter(status="confirmed", user__email="mantelzorger@buurtmakelaar.demo").exists()
    assert SignUp.objects.filter(activity=respite, role="helper", status="confirmed").count() == 1
    meal = activities["Buurtmaaltijd: samen eten"]
    assert meal.partner is not None and meal.dates.count() == 3
    _load()
    assert Activity.objects.count() == 3
    assert SignUp.objects.filter(activity=respite).count() == 7
