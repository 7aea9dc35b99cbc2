"""A match of organisation A (volunteer Vera, mantelzorger Mark who asked, proposed by
broker Bea) accepted by the volunteer, another volunteer of A, a broker of B, and a
partner of A with a vacancy, Vera's response to it and a second partner."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class Scene:
    org: Any
    match: Any
    volunteer: Any
    vera: Any
    mark: Any
    bea: Any
    bob: Any
    ada: Any
    other_volunteer: Any
    partner_user: Any
    other_partner_user: Any
    response: Any
    other_response: Any


@pytest.fixture
def scene(personas, region):
    from caregivers.models import HelpRequest
    from demo.factories import UserFactory, VolunteerFactory
    from matches.models import Match
    from partners.models import Partner, PartnerMembership, Response, Vacancy
    from volunteers.models import Volunteer

    org = region["org_a"]
    now = timezone.now()
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    Volunteer.objects.filter(pk=volunteer.pk).update(first_name="Vera", last_name="de Vries")
    volunteer.refresh_from_db()
    help_request = HelpRequest.objects.get(requester=personas["mantelzorger"])
    HelpRequest.objects.filter(pk=help_request.pk).update(requester_first_name="Mark", requester_last_name="Jansen")
    match = Match.objects.create(
        organisation=org,
        request=help_request,
        volunteer=volunteer,
        status=Match.Status.ACCEPTED_BY_VOLUNTEER,
        accepted_at=now - datetime.timedelta(days=1),
        proposed_by=personas["broker_a"],
    )
    other_user = UserFactory(email="otto@example.nl", first_name="Otto")
    other_volunteer = VolunteerFactory(user=other_user, organisation=org, first_name="Otto")

    def partner_with_response(name, email, volunteer):
        partner = Partner.objects.create(organisation=org, name=name, kind="food_bank")
        user = UserFactory(email=email, first_name="Piet")
        PartnerMembership.objects.create(partner=partner, user=user)
        vacancy = Vacancy.objects.create(
            partner=partner,
            title=f"Vacature van {name}",
            description="Pakketten rondbrengen.",
            when=Vacancy.When.FLEXIBLE,
            status=Vacancy.Status.PUBLISHED,
            published_at=now,
            latitude=51.98,
            longitude=5.91,
            place="Arnhem",
        )
        return user, Response.objects.create(vacancy=vacancy, volunteer=volunteer, note="Ik help graag.")

    partner_user, response = partner_with_response("Voedselbank", "piet@voedselbank.example", volunteer)
    other_partner_user, other_response = partner_with_response("Sportclub", "sanne@sportclub.example", other_volunteer)
    return Scene(
        org=org,
        match=match,
        volunteer=volunteer,
        vera=personas["volunteer"],
        mark=personas["mantelzorger"],
        bea=personas["broker_a"],
        bob=personas["broker_b"],
        ada=personas["admin_a"],
        other_volunteer=other_user,
        partner_user=partner_user,
        other_partner_user=other_partner_user,
        response=response,
        other_response=other_response,
    )
