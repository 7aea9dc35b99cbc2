"""The carer records that the care ended (``caregivers:care_ended``,
``caregivers.services.care_ended_set``): no future dates, none before the record was made."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caregivers.models import Mantelzorger
from caregivers.services import care_ended_set
from common.errors import DomainError
from tests.caregivers.conftest import TODAY
from tests.login import log_in

pytestmark = pytest.mark.django_db

URL = reverse("caregivers:care_ended")


def _made_days_ago(carer, days):
    Mantelzorger.objects.filter(pk=carer.pk).update(
        created_at=datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)
        - datetime.timedelta(days=days)
    )
    carer.refresh_from_db()


def test_the_carer_records_and_clears_the_end_of_care(client, mark, frozen_now):
    _made_days_ago(mark, 100)
    log_in(client, mark.user)
    assert client.get(URL).status_code == 200
    day = TODAY - datetime.timedelta(days=5)
    response = client.post(URL, {"ended_on": day.isoformat()})
    assert response.status_code == 302
    mark.refresh_from_db()
    assert mark.care_ended_on == day
    home = client.get(reverse("caregivers:mantelzorger_home")).content.decode()
    assert "De zorg is gestopt op" in home
    assert client.post(URL, {"ended_on": ""}).status_code == 302
    mark.refresh_from_db()
    assert mark.care_ended_on is None


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("future", "in de toekomst"),
        ("before", "vóór de aanmelding"),
        ("2026-02-30", "geldige datum"),
        ("gisteren", "geldige datum"),
        ("99999999999999999999", "geldige datum"),
    ],
)
def test_bad_dates_give_form_errors(client, mark, frozen_now, value, error):
    _made_days_ago(mark, 100)
    if value == "future":
        value = (TODAY + datetime.timedelta(days=1)).isoformat()
    elif value == "before":
        value = (TODAY - datetime.timedelta(days=101)).isoformat()
    log_in(client, mark.user)
    response = client.post(URL, {"ended_on": value})
    assert response.status_code == 400
    assert error in response.content.decode()
    mark.refresh_from_db()
    assert mark.care_ended_on is None


def test_anonymous_and_non_carers_cannot(client, personas):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    log_in(client, personas["volunteer"])
    response = client.post(URL, {"ended_on": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"] == reverse("caregivers:mantelzorger_start")


def test_the_service_refuses_others_and_bad_dates(mark, other_carer, frozen_now):
    _made_days_ago(mark, 100)
    with pytest.raises(DomainError):
        care_ended_set(mantelzorger=mark, by=other_carer.user, ended_on=TODAY)
    with pytest.raises(DomainError):
        care_ended_set(mantelzorger=mark, by=mark.user, ended_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        care_ended_set(mantelzorger=mark, by=mark.user, ended_on=TODAY - datetime.timedelta(days=200))
    mark.refresh_from_db()
    assert mark.care_ended_on is None
    care_ended_set(mantelzorger=mark, by=mark.user, ended_on=TODAY)
    mark.refresh_from_db()
    assert mark.care_ended_on == TODAY


def test_the_broker_records_it_from_the_request_page(client, region, frozen_now):
    from demo.factories import HelpRequestFactory, MantelzorgerFactory, StaffMembershipFactory, UserFactory
    from neighbourhoods.models import StaffMembership

    broker = UserFactory(email="bob@example.nl")
    StaffMembershipFactory(user=broker, organisation=region["org_a"], role=StaffMembership.Role.BROKER)
    carer = MantelzorgerFactory(organisation=region["org_a"], first_name="Hanna")
    _made_days_ago(carer, 50)
    help_request = HelpRequestFactory(organisation=region["org_a"], mantelzorger=carer)
    url = reverse("caregivers_broker:care_ended", args=["org-a", help_request.pk])
    log_in(client, broker)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"ended_on": (TODAY + datetime.timedelta(days=3)).isoformat()})
    assert bad.status_code == 400 and "in de toekomst" in bad.content.decode()
    assert client.post(url, {"ended_on": TODAY.isoformat()}).status_code == 302
    carer.refresh_from_db()
    assert carer.care_ended_on == TODAY
    # Another organisation's broker: 404; a request without a carer: 404.
    other = UserFactory(email="olaf@example.nl")
    StaffMembershipFactory(user=other, organisation=region["org_b"], role=StaffMembership.Role.BROKER)
    client.logout()
    log_in(client, other)
    assert client.get(reverse("caregivers_broker:care_ended", args=["org-b", help_request.pk])).status_code == 404
    client.logout()
    log_in(client, broker)
    no_carer = HelpRequestFactory(organisation=region["org_a"], mantelzorger=None)
    assert client.get(reverse("caregivers_broker:care_ended", args=["org-a", no_carer.pk])).status_code == 404
