"""A partner passes a signal ("erop af") on its own pages: same rules as the staff form,
the partner is the source, and afterwards it sees the date and status only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import CareSignal
from caregivers.outreach import signal_close, signal_submit
from common.errors import DomainError
from tests.login import log_in

pytestmark = pytest.mark.django_db

GOOD = {
    "first_name": "Truus",
    "contact": "06 12345678",
    "postcode": "",
    "place": "Arnhem",
    "noticed": "Zorgt alleen voor haar man en komt nergens meer aan toe.",
    "about_carer": "on",
    "consent_given": "on",
    "consent_how": "verbal",
}


def _url(scene, name="signal_new", partner=None):
    return reverse(f"partners:{name}", args=[(partner or scene.partner).pk])


def test_a_partner_passes_a_signal_and_the_partner_is_the_source(client, scene):
    log_in(client, scene.partner_user)
    assert client.get(_url(scene)).status_code == 200
    response = client.post(_url(scene), GOOD, follow=True)
    assert response.status_code == 200
    signal = CareSignal.objects.get()
    assert signal.organisation == scene.org and signal.status == CareSignal.Status.OPEN
    assert signal.source_kind == CareSignal.SourceKind.PARTNER
    assert signal.source_name == "Voedselbank Arnhem" and signal.source_partner_id == scene.partner.pk
    assert signal.entered_by == scene.partner_user and signal.about_carer and signal.consent_how == "verbal"
    body = response.content.decode()
    assert "Doorgegeven op" in body
    # The confirmation and the list show nothing of what was typed.
    assert "Truus" not in body and "06 12345678" not in body and "nergens meer" not in body


def test_without_consent_nothing_is_stored(client, scene):
    log_in(client, scene.partner_user)
    response = client.post(_url(scene), {**GOOD, "consent_given": ""})
    assert response.status_code == 400
    assert "Zonder toestemming" in response.content.decode()
    assert not CareSignal.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": ""},
        {"contact": "niet bereikbaar!"},
        {"contact": "a@b"},
        {"noticed": ""},
        {"noticed": "x" * 1001},
        {"consent_how": "telepathy"},
        {"postcode": "ABCD 12"},
        {"first_name": "x" * 101},
    ],
)
def test_bad_input_gives_form_errors(client, scene, change):
    log_in(client, scene.partner_user)
    response = client.post(_url(scene), {**GOOD, **change})
    assert response.status_code == 400
    assert 'class="error' in response.content.decode() or "errorlist" in response.content.decode()
    assert not CareSignal.objects.exists()


def test_the_partner_cannot_choose_another_source(client, scene):
    log_in(client, scene.partner_user)
    client.post(_url(scene), {**GOOD, "source_kind": "gp", "source_name": "Dokter X"})
    signal = CareSignal.objects.get()
    assert signal.source_kind == "partner" and signal.source_name == "Voedselbank Arnhem"


def test_the_list_shows_status_only_and_only_the_partners_own(client, scene):
    own = signal_submit(organisation=scene.org, by=scene.partner_user, partner=scene.partner, **_kwargs())
    closed = signal_submit(organisation=scene.org, by=scene.partner_user, partner=scene.partner, **_kwargs())
    signal_submit(organisation=scene.org, by=scene.other_user, partner=scene.other_partner, **_kwargs("Kees"))
    signal_submit(organisation=scene.org, by=scene.admin, **{**_kwargs("Staff"), "source_kind": "gp"})
    broker = _broker(scene)
    signal_close(signal=closed, by=broker, reason="no_need", note="Geheime notitie van de makelaar")
    CareSignal.objects.filter(pk=own.pk).update(status=CareSignal.Status.REQUEST)
    log_in(client, scene.partner_user)
    body = client.get(_url(scene, "signals")).content.decode()
    assert "hulpvraag van gemaakt" in body
    assert body.count("<tr>") == 3  # header + two own signals
    assert "afgesloten" in body
    assert "Geheime notitie" not in body and "Kees" not in body and "Staff" not in body and "Truus" not in body
    assert own.pk and closed.pk


def _broker(scene):
    from demo.factories import StaffMembershipFactory, UserFactory
    from neighbourhoods.models import StaffMembership

    broker = UserFactory(email="bob@example.nl")
    StaffMembershipFactory(user=broker, organisation=scene.org, role=StaffMembership.Role.BROKER)
    return broker


def _kwargs(name="Truus"):
    return {
        "first_name": name,
        "contact": "06 12345678",
        "noticed": "Zorgt voor haar man.",
        "source_kind": "partner",
        "consent_given": True,
        "consent_how": "verbal",
    }


@pytest.mark.parametrize("name", ["signal_new", "signals"])
def test_others_get_404_or_the_login(client, scene, region, name):
    from demo.factories import StaffMembershipFactory, UserFactory
    from neighbourhoods.models import StaffMembership
    from partners.models import Partner, PartnerMembership

    url = _url(scene, name)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    # Another partner of the same centre, a volunteer, a broker and a partner of another centre.
    elsewhere = Partner.objects.create(organisation=region["org_b"], name="Wijkteam Ede", kind="other")
    elsewhere_user = UserFactory(email="w@ede.example")
    PartnerMembership.objects.create(partner=elsewhere, user=elsewhere_user)
    broker = UserFactory(email="bob@example.nl")
    StaffMembershipFactory(user=broker, organisation=scene.org, role=StaffMembership.Role.BROKER)
    for user in (scene.other_user, scene.volunteer_user, elsewhere_user, broker):
        client.logout()
        log_in(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, GOOD).status_code == 404
    assert not CareSignal.objects.exists()


def test_an_inactive_partner_cannot_pass_a_signal(client, scene):
    scene.partner.is_active = False
    scene.partner.save()
    log_in(client, scene.partner_user)
    assert client.post(_url(scene), GOOD).status_code == 404
    assert not CareSignal.objects.exists()


def test_the_service_refuses_a_partner_of_another_centre_and_a_staff_partner_source(scene, region):
    with pytest.raises(DomainError):
        signal_submit(organisation=region["org_b"], by=scene.partner_user, partner=scene.partner, **_kwargs())
    with pytest.raises(DomainError):
        signal_submit(organisation=scene.org, by=scene.other_user, partner=scene.partner, **_kwargs())
    with pytest.raises(DomainError):
        signal_submit(organisation=scene.org, by=scene.admin, **_kwargs())  # "partner" without a partner
    assert not CareSignal.objects.exists()


def test_the_signal_reaches_the_broker_queue(client, scene):
    from caregivers.outreach import signals_open

    signal_submit(organisation=scene.org, by=scene.partner_user, partner=scene.partner, **_kwargs())
    assert [s.source_name for s in signals_open(organisation=scene.org)] == ["Voedselbank Arnhem"]
