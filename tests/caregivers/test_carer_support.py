"""Support for carers beyond respite: the admin keeps the texts (shown escaped), the
carer reads them and asks for a talk with the carer consultant, which becomes a request
the broker handles and shows on "Aandacht nodig"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import CarerSupport, HelpRequest, Mantelzorger
from caregivers.outreach import consultant_request
from common.errors import DomainError
from matches.attention import Kind, attention_items
from tests.login import log_in

pytestmark = pytest.mark.django_db
EDIT = reverse("caregivers_broker:support_edit", kwargs={"slug": "org-a"})
PAGE = reverse("caregivers:support")


def test_admin_writes_the_texts_and_the_carer_reads_them_safely(client, personas):
    log_in(client, personas["admin_a"])
    response = client.post(
        EDIT,
        {
            "information": "Bel ons: https://steunpunt.example.nl\n\nOf kom langs.",
            "peer_groups": "Mantelzorgcafé <script>alert(1)</script> elke dinsdag",
            "consultant": "Anja, onze consulent.",
        },
    )
    assert response.status_code == 302
    support = CarerSupport.objects.get()
    assert support.updated_by == personas["admin_a"]
    client.logout()
    log_in(client, personas["mantelzorger"])
    page = client.get(PAGE).content.decode()
    assert '<a href="https://steunpunt.example.nl"' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Anja, onze consulent." in page


@pytest.mark.parametrize("field", ["information", "peer_groups", "consultant"])
def test_too_long_text_is_a_form_error(client, personas, field):
    log_in(client, personas["admin_a"])
    response = client.post(EDIT, {field: "x" * 4001})
    assert response.status_code == 400 and "te lang" in response.content.decode()
    assert not CarerSupport.objects.exists()


def test_a_broker_may_not_edit_the_texts(client, personas):
    log_in(client, personas["broker_a"])
    assert client.get(EDIT).status_code == 404


def test_carer_asks_for_a_talk_and_the_broker_sees_it(client, personas, region):
    log_in(client, personas["mantelzorger"])
    response = client.post(PAGE, {"note": "Ik houd het niet meer vol."})
    assert response.status_code == 302
    carer = Mantelzorger.objects.get(user=personas["mantelzorger"])
    talk = HelpRequest.objects.get(topic="consultant")
    assert (talk.mantelzorger, talk.status, talk.kind) == (carer, "new", "other")
    assert talk.description == "Ik houd het niet meer vol."
    items = [item for item in attention_items(organisation=region["org_a"]) if item.kind == Kind.CONSULTANT]
    assert [item.obj.pk for item in items] == [talk.pk]
    # A second request while the first is open: refused with the reason.
    again = client.post(PAGE, {"note": ""})
    assert again.status_code == 400 and "al om een gesprek gevraagd" in again.content.decode()
    # The broker handles it like any request.
    client.logout()
    log_in(client, personas["broker_a"])
    assert client.get(reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": talk.pk})).status_code == 200


def test_bad_consultant_input(client, personas, region):
    log_in(client, personas["mantelzorger"])
    response = client.post(PAGE, {"note": "x" * 1001})
    assert response.status_code == 400 and "te lang" in response.content.decode()
    assert not HelpRequest.objects.filter(topic="consultant").exists()
    carer = Mantelzorger.objects.get(user=personas["mantelzorger"])
    with pytest.raises(DomainError):
        consultant_request(mantelzorger=carer, by=personas["broker_a"])  # only the carer themselves


def test_someone_without_a_carer_profile_is_sent_to_sign_up(client, personas):
    log_in(client, personas["nobody"])
    assert client.get(PAGE).url == reverse("caregivers:mantelzorger_start")
