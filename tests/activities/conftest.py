"""A centre (organisation A) with a broker, six carers who can sign up (two of them
heavily burdened), a volunteer, and an activity with four places in Arnhem."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class Scene:
    org: Any
    broker: Any
    carers: list = field(default_factory=list)  # Mantelzorger rows, each with a user
    volunteer: Any = None
    other_org: Any = None
    other_broker: Any = None


@pytest.fixture
def scene(region):
    from demo.factories import MantelzorgerFactory, StaffMembershipFactory, UserFactory, VolunteerFactory
    from neighbourhoods.models import StaffMembership

    org = region["org_a"]
    broker = UserFactory(email="bram@example.nl", first_name="Bram")
    StaffMembershipFactory(user=broker, organisation=org, role=StaffMembership.Role.BROKER)
    other_broker = UserFactory(email="olga@example.nl")
    StaffMembershipFactory(user=other_broker, organisation=region["org_b"], role=StaffMembership.Role.BROKER)
    carers = []
    for i, name in enumerate(["Anna", "Bert", "Cor", "Dina", "Evi", "Frits"]):
        user = UserFactory(email=f"{name.lower()}@example.nl", first_name=name)
        carers.append(
            MantelzorgerFactory(organisation=org, user=user, first_name=name, last_name=f"Test{i}", email=user.email)
        )
    volunteer_user = UserFactory(email="vera@example.nl", first_name="Vera")
    volunteer = VolunteerFactory(user=volunteer_user, organisation=org, first_name="Vera", email="vera@example.nl")
    return Scene(
        org=org, broker=broker, carers=carers, volunteer=volunteer, other_org=region["org_b"], other_broker=other_broker
    )


def make_activity(scene, **values):
    from activities.services import DateTime, activity_save
    from common.geo import Point

    when = datetime.date.today() + datetime.timedelta(days=14)
    fields = {
        "title": "Respijtmiddag in de Wijkboerderij",
        "description": "Samen koffie, een wandeling en een spel. U kunt even op adem komen.",
        "kind": "respite_group",
        "audience": "carers",
        "schedule": "dates",
        "dates": [DateTime(when, datetime.time(14), datetime.time(17))],
        "until": when,
        "participant_places": 4,
        "volunteer_places": 1,
        "postcode": "6811 AB",
        "place": "Arnhem",
        "point": Point(51.98, 5.91),
    }
    fields.update(values)
    return activity_save(organisation=scene.org, by=scene.broker, **fields)


@pytest.fixture
def activity(scene):
    return make_activity(scene)
