"""The broker's warm referral offers the organisation's partners (caregivers.referral),
and keeps free text for others."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest
from partners.models import Partner
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_client(client, scene):
    from demo.factories import StaffMembershipFactory, UserFactory
    from neighbourhoods.models import StaffMembership

    broker = UserFactory(email="bea@example.nl")
    StaffMembershipFactory(user=broker, organisation=scene.org, role=StaffMembership.Role.BROKER)
    log_in(client, broker)
    return client


@pytest.fixture
def item(scene):
    from demo.factories import HelpRequestFactory

    return HelpRequestFactory(organisation=scene.org, status=HelpRequest.Status.INTAKE)


def _url(scene, item):
    return reverse("caregivers_broker:refer", args=[scene.org.slug, item.pk])


def test_the_form_lists_the_partners_of_the_organisation_only(scene, broker_client, item, region):
    Partner.objects.create(organisation=region["org_b"], name="Buurthuis Ede")
    body = broker_client.get(_url(scene, item)).content.decode()
    assert "Voedselbank Arnhem" in body and "Sportclub Velp" in body
    assert "Buurthuis Ede" not in body


def test_referral_to_a_partner_keeps_the_partner_and_its_name(scene, broker_client, item):
    response = broker_client.post(
        _url(scene, item), {"referred_partner": str(scene.partner.pk), "referral_reason": "Voedselpakket nodig"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == HelpRequest.Status.REFERRED
    assert (item.referred_partner_id, item.referred_to) == (scene.partner.pk, "Voedselbank Arnhem")


def test_free_text_still_works(scene, broker_client, item):
    broker_client.post(_url(scene, item), {"referred_to": "Wijkteam", "referral_reason": "Schulden"})
    item.refresh_from_db()
    assert (item.referred_partner_id, item.referred_to) == (None, "Wijkteam")


@pytest.mark.parametrize(
    "data",
    [
        {"referral_reason": "Schulden"},  # neither a partner nor a name
        {"referred_partner": "999999", "referral_reason": "Schulden"},
        {"referred_partner": "abc", "referral_reason": "Schulden"},
    ],
)
def test_bad_input_is_a_form_error(scene, broker_client, item, data):
    response = broker_client.post(_url(scene, item), data)
    assert response.status_code == 400
    assert HelpRequest.objects.get(pk=item.pk).status == HelpRequest.Status.INTAKE


def test_a_partner_of_another_organisation_is_refused_by_the_service(scene, item, region):
    from caregivers.intake import request_refer
    from common.errors import DomainError

    elsewhere = Partner.objects.create(organisation=region["org_b"], name="Buurthuis Ede")
    with pytest.raises(DomainError):
        request_refer(request=item, by=None, referred_partner_id=elsewhere.pk, referral_reason="x")
