"""A centre with an admin, two partners (each with one person) and a volunteer who
lives in Arnhem, likes shopping and is free on Tuesday afternoons."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Scene:
    org: Any
    admin: Any
    partner: Any
    partner_user: Any
    other_partner: Any
    other_user: Any
    volunteer: Any
    volunteer_user: Any
    skills: dict


@pytest.fixture
def scene(region):
    from demo.factories import StaffMembershipFactory, UserFactory, VolunteerFactory
    from neighbourhoods.models import Skill, StaffMembership
    from neighbourhoods.services import skills_ensure_defaults
    from partners.models import Partner, PartnerMembership, PartnerSettings
    from volunteers.models import AvailabilitySlot

    skills_ensure_defaults()
    skills = {s.code: s for s in Skill.objects.filter(organisation=None)}
    org = region["org_a"]
    admin = UserFactory(email="ada@example.nl")
    StaffMembershipFactory(user=admin, organisation=org, role=StaffMembership.Role.ADMIN)
    partner = Partner.objects.create(organisation=org, name="Voedselbank Arnhem", kind="food_bank")
    partner_user = UserFactory(email="piet@voedselbank.example")
    PartnerMembership.objects.create(partner=partner, user=partner_user)
    other = Partner.objects.create(organisation=org, name="Sportclub Velp", kind="sports_club")
    other_user = UserFactory(email="sanne@sportclub.example")
    PartnerMembership.objects.create(partner=other, user=other_user)
    # Checks are the default; most tests want vacancies online at once.
    PartnerSettings.objects.create(organisation=org, review_first_vacancies=False)
    volunteer_user = UserFactory(email="vera@example.nl", first_name="Vera")
    volunteer = VolunteerFactory(
        user=volunteer_user,
        organisation=org,
        first_name="Vera",
        last_name="de Vries",
        email="vera@example.nl",
        phone="06-11223344",
        max_distance_km=10,
    )
    volunteer.skills.set([skills["shopping"]])
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=1, start=datetime.time(13), end=datetime.time(18))
    return Scene(org, admin, partner, partner_user, other, other_user, volunteer, volunteer_user, skills)


def make_vacancy(scene, *, partner=None, by=None, **values):
    from common.geo import Point
    from common.slots import parse_slots
    from partners.services import vacancy_save

    fields = {
        "title": "Boodschappen rondbrengen",
        "description": "Pakketten naar mensen thuis brengen.",
        "skills": [scene.skills["shopping"]],
        "postcode": "6811 AB",
        "place": "Arnhem",
        "point": Point(51.98, 5.91111),
        "when": "weekly",
        "slots": parse_slots("tue 14:00-16:00"),
        "places": 2,
    }
    fields.update(values)
    return vacancy_save(partner=partner or scene.partner, by=by or scene.partner_user, **fields)


@pytest.fixture
def vacancy(scene):
    return make_vacancy(scene)
