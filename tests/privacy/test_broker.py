"""A broker exports or erases for someone offline, with a reason; recorded; scoped to
the broker's organisation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from caregivers.models import CareRecipient, HelpRequest, Mantelzorger
from demo.factories import HelpRequestFactory, StaffMembershipFactory, UserFactory
from matches.models import Match
from notifications.models import Notification
from privacy.models import RightsEvent
from tests.login import log_in
from tests.privacy.conftest import scan


def url(org, kind, pk):
    return reverse("privacy_broker:person", kwargs={"slug": org.slug, "kind": kind, "pk": pk})


@pytest.fixture
def offline(scene):
    """A requester entered by the broker, without an account, with an open proposal."""
    request = HelpRequestFactory(
        organisation=scene.org,
        requester_first_name="Hiltje",
        requester_last_name="Wiersmaborg",
        phone="06-31313131",
        email="hiltje.w@voorbeeld.test",
        postcode="6841 HH",
        description="Hiltje heeft hulp nodig met de tuin",
        entered_by=scene.broker,
        status=HelpRequest.Status.READY,
        neighbourhood=scene.region["areas"]["Arnhem"],
    )
    proposal = Match.objects.create(
        organisation=scene.org, request=request, volunteer=scene.other_volunteer, proposed_by=scene.broker
    )
    return request, proposal


OFFLINE_VALUES = ["Hiltje", "Wiersmaborg", "06-31313131", "31313131", "hiltje.w@voorbeeld.test", "6841 HH", "6841HH"]


def test_broker_erases_an_offline_requester_with_a_reason(client, scene, offline):
    request, proposal = offline
    log_in(client, scene.broker)
    page = client.get(url(scene.org, "hulpvraag", request.pk))
    assert page.status_code == 200 and "Hiltje" in page.content.decode()
    assert scan(OFFLINE_VALUES)
    response = client.post(
        url(scene.org, "hulpvraag", request.pk), {"action": "erase", "erase-reason": "phone", "erase-confirm": "on"}
    )
    assert response.status_code == 302
    assert scan(OFFLINE_VALUES) == []
    assert Match.objects.get(pk=proposal.pk).status == Match.Status.CANCELLED
    assert Notification.objects.filter(to_email="otto@example.nl", kind="cancelled_volunteer").exists()
    event = RightsEvent.objects.get(action="erase")
    assert (event.by, event.organisation, event.reason, event.on_behalf) == (scene.broker, scene.org, "phone", True)
    assert (event.subject_kind, event.subject_ref) == ("request", request.pk)
    # The page now says so and offers nothing more; a second submit erases nothing again.
    after = client.get(url(scene.org, "hulpvraag", request.pk)).content.decode()
    assert "al gewist" in after
    again = client.post(
        url(scene.org, "hulpvraag", request.pk), {"action": "erase", "erase-reason": "phone", "erase-confirm": "on"}
    )
    assert again.status_code == 200 and "al gewist" in again.content.decode()
    assert RightsEvent.objects.filter(action="erase").count() == 1


def test_broker_erases_a_mantelzorger_who_asked_by_phone_the_account_stays(client, scene, mantelzorger_person):
    carer = mantelzorger_person.extra["mantelzorger"]
    log_in(client, scene.broker)
    response = client.post(
        url(scene.org, "mantelzorger", carer.pk), {"action": "erase", "erase-reason": "phone", "erase-confirm": "on"}
    )
    assert response.status_code == 302
    carer.refresh_from_db()
    assert carer.first_name == "Oud-mantelzorger" and carer.phone == "" and carer.user is None
    assert not CareRecipient.objects.filter(mantelzorger=carer).exists()
    # Their login is theirs to remove; the organisation's records of them are gone.
    assert type(mantelzorger_person.user).objects.filter(pk=mantelzorger_person.user.pk).exists()
    assert not Mantelzorger.objects.filter(first_name=mantelzorger_person.first_name).exists()


def test_a_request_of_a_mantelzorger_opens_the_mantelzorger(client, scene, mantelzorger_person):
    log_in(client, scene.broker)
    page = client.get(url(scene.org, "hulpvraag", mantelzorger_person.extra["request"].pk)).content.decode()
    assert mantelzorger_person.last_name in page


def test_broker_export_json_is_recorded_and_holds_the_person(client, scene, offline):
    request, _proposal = offline
    log_in(client, scene.broker)
    response = client.post(
        url(scene.org, "hulpvraag", request.pk), {"action": "export_json", "export-reason": "letter"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["scope"] == "organisation" and data["parts"]["account"] is None
    assert data["parts"]["caregivers"]["requests"][0]["phone"] == "06-31313131"
    assert "Otto" not in response.content.decode() and "Bea" not in response.content.decode()
    assert RightsEvent.objects.filter(action="export", reason="letter", by=scene.broker).count() == 1


def test_broker_export_page(client, scene, offline):
    request, _proposal = offline
    log_in(client, scene.broker)
    response = client.post(
        url(scene.org, "hulpvraag", request.pk), {"action": "export_page", "export-reason": "in_person"}
    )
    assert response.status_code == 200 and "06-31313131" in response.content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"action": "erase", "erase-confirm": "on"}, "reason"),
        ({"action": "erase", "erase-reason": "own", "erase-confirm": "on"}, "reason"),
        ({"action": "erase", "erase-reason": "phone"}, "confirm"),
        ({"action": "export_json"}, "reason"),
        ({"action": "export_json", "export-reason": "x" * 500}, "reason"),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(client, scene, offline, data, field):
    request, _proposal = offline
    log_in(client, scene.broker)
    response = client.post(url(scene.org, "hulpvraag", request.pk), data)
    assert response.status_code == 200
    form = response.context["erase_form" if data["action"] == "erase" else "export_form"]
    assert field in form.errors
    request.refresh_from_db()
    assert request.requester_first_name == "Hiltje" and not RightsEvent.objects.exists()


def test_another_organisation_gets_404(client, scene, offline, region):
    request, _proposal = offline
    broker_b = UserFactory()
    StaffMembershipFactory(user=broker_b, organisation=region["org_b"])
    log_in(client, broker_b)
    # Their own slug with A's record, and A's slug: both unknown to them.
    assert client.get(url(region["org_b"], "hulpvraag", request.pk)).status_code == 404
    assert client.get(url(scene.org, "hulpvraag", request.pk)).status_code == 404
    response = client.post(
        url(region["org_b"], "hulpvraag", request.pk),
        {"action": "erase", "erase-reason": "phone", "erase-confirm": "on"},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.requester_first_name == "Hiltje"


@pytest.mark.parametrize("who", ["admin", "municipality", "volunteer", "nobody"])
def test_only_brokers(client, scene, offline, region, who):
    """The page exports the whole file, care data included: brokers only, as the privacy
    page says (an organisation admin is not a broker)."""
    request, _proposal = offline
    user = UserFactory()
    if who == "admin":
        user = scene.admin
    if who == "municipality":
        StaffMembershipFactory(user=user, organisation=scene.org, role="municipality", municipality=region["arnhem"])
    log_in(client, user)
    assert client.get(url(scene.org, "hulpvraag", request.pk)).status_code == 404


def test_unknown_kind_or_record_is_404(client, scene):
    log_in(client, scene.broker)
    assert client.get(url(scene.org, "iets", 1)).status_code == 404
    assert client.get(url(scene.org, "vrijwilliger", 999999)).status_code == 404


def test_broker_erases_a_volunteer(client, scene, volunteer_person):
    volunteer = volunteer_person.extra["volunteer"]
    log_in(client, scene.broker)
    response = client.post(
        url(scene.org, "vrijwilliger", volunteer.pk),
        {"action": "erase", "erase-reason": "representative", "erase-confirm": "on"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.first_name == "Oud-vrijwilliger" and volunteer.phone == ""


def test_the_person_pages_link_to_the_privacy_page(client, scene, offline, volunteer_person):
    request, _proposal = offline
    log_in(client, scene.broker)
    detail = client.get(reverse("caregivers_broker:detail", kwargs={"slug": scene.org.slug, "pk": request.pk}))
    assert url(scene.org, "hulpvraag", request.pk) in detail.content.decode()
    volunteer = volunteer_person.extra["volunteer"]
    vpage = client.get(reverse("volunteers_broker:detail", kwargs={"slug": scene.org.slug, "pk": volunteer.pk}))
    assert url(scene.org, "vrijwilliger", volunteer.pk) in vpage.content.decode()


def test_the_volunteer_page_offers_the_privacy_page_to_brokers_only(client, scene, volunteer_person):
    volunteer = volunteer_person.extra["volunteer"]
    page = reverse("volunteers_broker:detail", kwargs={"slug": scene.org.slug, "pk": volunteer.pk})
    target = url(scene.org, "vrijwilliger", volunteer.pk)
    log_in(client, scene.broker)
    assert target in client.get(page).content.decode()
    client.logout()
    log_in(client, scene.admin)
    response = client.get(page)
    assert response.status_code == 200 and target not in response.content.decode()
