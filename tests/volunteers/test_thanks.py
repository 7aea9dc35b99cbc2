"""The organisation's own thank-you to its volunteers: kept by its admin, shown on each
volunteer's yearly overview and certificate; empty gives the standard text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.errors import DomainError
from tests.login import log_in
from volunteers.models import VolunteerThanks
from volunteers.selectors import volunteer_thanks_text
from volunteers.services import volunteer_thanks_update

pytestmark = pytest.mark.django_db


def url(slug="org-a"):
    return reverse("volunteers_broker:thanks", args=[slug])


def test_the_admin_keeps_it_and_empty_takes_it_away(client, region, personas):
    log_in(client, personas["admin_a"])
    settings_page = client.get(reverse("neighbourhoods:settings", args=["org-a"])).content.decode()
    assert url() in settings_page
    response = client.post(url(), {"text": "  Dank jullie wel, helden van de buurt!  "})
    assert response.status_code == 302
    assert volunteer_thanks_text(organisation=region["org_a"]) == "Dank jullie wel, helden van de buurt!"
    assert "helden van de buurt" in client.get(url()).content.decode()
    assert volunteer_thanks_text(organisation=region["org_b"]) == ""
    client.post(url(), {"text": ""})
    assert not VolunteerThanks.objects.exists()


def test_bad_input_is_a_form_error(client, region, personas):
    log_in(client, personas["admin_a"])
    response = client.post(url(), {"text": "x" * 1001})
    assert response.status_code == 400
    assert "1000" in " ".join(response.context["form"].errors["text"])
    assert not VolunteerThanks.objects.exists()
    with pytest.raises(DomainError):
        volunteer_thanks_update(organisation=region["org_a"], by=personas["admin_a"], text="x" * 1001)


def test_only_the_admin_of_the_organisation(client, region, personas):
    log_in(client, personas["broker_a"])
    assert client.get(url()).status_code == 404
    assert client.post(url(), {"text": "Hoi"}).status_code == 404
    log_in(client, personas["admin_a"])
    assert client.post(url("org-b"), {"text": "Hoi"}).status_code == 404
    with pytest.raises(DomainError):
        volunteer_thanks_update(organisation=region["org_b"], by=personas["admin_a"], text="Hoi")
    with pytest.raises(DomainError):
        volunteer_thanks_update(organisation=region["org_a"], by=personas["volunteer"], text="Hoi")
    assert not VolunteerThanks.objects.exists()
