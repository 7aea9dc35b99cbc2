"""Volunteer reads used by the pages and, later, by the matching engine."""

import datetime

import pytest

from common.slots import Slot
from demo.factories import VolunteerFactory
from neighbourhoods.selectors import skills_for_organisation
from volunteers.models import AvailabilitySlot, Volunteer
from volunteers.selectors import (
    vog_state_q,
    volunteer_can_do_respite,
    volunteer_language_labels,
    volunteer_slots,
    volunteer_status_q,
    volunteer_vog_state,
    volunteers_of_organisation,
)

pytestmark = pytest.mark.django_db

T = datetime.time
ON = datetime.date(2026, 3, 10)


def test_volunteer_slots_are_plain_sorted_slots(region):
    volunteer = VolunteerFactory(organisation=region["org_a"])
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=3, start=T(9), end=T(12))
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, start=T(18, 30), end=T(21, 30))
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, start=T(9), end=T(12, 30))
    assert volunteer_slots(volunteer) == [
        Slot(1, T(9), T(12, 30)),
        Slot(1, T(18, 30), T(21, 30)),
        Slot(3, T(9), T(12)),
    ]
    assert volunteer_slots(VolunteerFactory(organisation=region["org_a"])) == []


def test_volunteer_slots_use_the_prefetch(region, django_assert_num_queries):
    for _ in range(3):
        volunteer = VolunteerFactory(organisation=region["org_a"])
        AvailabilitySlot.objects.create(volunteer=volunteer, weekday=0, start=T(9), end=T(12))
    volunteers = list(volunteers_of_organisation(organisation=region["org_a"]))
    with django_assert_num_queries(0):
        assert all(volunteer_slots(v) == [Slot(0, T(9), T(12))] for v in volunteers)


@pytest.mark.parametrize(
    "valid_until, state, respite",
    [
        (None, "none", False),
        (datetime.date(2026, 3, 9), "expired", False),
        (datetime.date(2026, 3, 10), "expiring", True),  # valid through today
        (datetime.date(2026, 5, 9), "expiring", True),  # 60 days
        (datetime.date(2026, 5, 10), "valid", True),  # 61 days
        (datetime.date(2029, 1, 1), "valid", True),
    ],
)
def test_vog_state_and_respite(region, valid_until, state, respite):
    volunteer = VolunteerFactory(organisation=region["org_a"], vog_valid_until=valid_until)
    assert volunteer_vog_state(volunteer, ON) == state
    assert volunteer_can_do_respite(volunteer, ON) is respite
    # The queryset filter follows the same rule as the Python function.
    assert list(Volunteer.objects.filter(vog_state_q(state, ON))) == [volunteer]


def test_status_filter(region):
    active = VolunteerFactory(organisation=region["org_a"])
    paused = VolunteerFactory(organisation=region["org_a"], paused_until=ON)
    pause_over = VolunteerFactory(organisation=region["org_a"], paused_until=ON - datetime.timedelta(days=1))
    stopped = VolunteerFactory(organisation=region["org_a"], is_active=False)
    by_status = {
        status: set(Volunteer.objects.filter(volunteer_status_q(status, ON)))
        for status in ("active", "paused", "inactive")
    }
    assert by_status == {"active": {active, pause_over}, "paused": {paused}, "inactive": {stopped}}


def test_skills_for_organisation_has_defaults_and_own_only(region):
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    skills_ensure_defaults()
    own = Skill.objects.create(organisation=region["org_a"], code="repair", label="Repair Café")
    other = Skill.objects.create(organisation=region["org_b"], code="bike", label="Fietsmaatje")
    found = set(skills_for_organisation(region["org_a"]))
    assert own in found and other not in found and len(found) == 13


def test_language_labels(region):
    volunteer = VolunteerFactory(organisation=region["org_a"], languages="nl;uk;so")
    assert volunteer_language_labels(volunteer) == ["Nederlands", "Українська (uk)", "so"]
