"""The carers' yearly thank-you and the municipality's mantelzorgwaardering: kept per
municipality of the working area by the organisation's admin, shown on the start page of
the carers who live in that municipality only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import Mantelzorger
from common.errors import DomainError
from neighbourhoods.models import CarerAppreciation, OrganisationChange
from neighbourhoods.orgsettings import carer_appreciation_update
from neighbourhoods.selectors import carer_appreciation_for
from tests.login import log_in

pytestmark = pytest.mark.django_db

RHEDEN = {
    "text": "Elk jaar krijgt u als mantelzorger een cadeaubon van 50 euro van de gemeente Rheden.",
    "link": "https://www.rheden.nl/mantelzorgwaardering",
}


def form_url(slug, municipality):
    return reverse("neighbourhoods:settings_carer_appreciation", args=[slug, municipality.pk])


def home(client):
    return client.get(reverse("caregivers:mantelzorger_home")).content.decode()


def test_the_admin_keeps_it_and_the_history_records_it(client, region, personas):
    log_in(client, personas["admin_a"])
    rheden = region["rheden"]
    page = client.get(reverse("neighbourhoods:settings", args=["org-a"])).content.decode()
    assert form_url("org-a", rheden) in page
    assert client.post(form_url("org-a", rheden), RHEDEN).status_code == 302
    row = CarerAppreciation.objects.get(organisation=region["org_a"], municipality=rheden)
    assert (row.text, row.link) == (RHEDEN["text"], RHEDEN["link"])
    change = OrganisationChange.objects.get(organisation=region["org_a"], field="carer_appreciation")
    assert change.new_value.startswith("Rheden: Elk jaar")
    client.post(form_url("org-a", rheden), RHEDEN)  # unchanged: nothing more recorded
    assert OrganisationChange.objects.filter(field="carer_appreciation").count() == 1
    client.post(form_url("org-a", rheden), {"text": "", "link": ""})
    assert not CarerAppreciation.objects.exists()
    assert OrganisationChange.objects.filter(field="carer_appreciation").count() == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"text": "", "link": RHEDEN["link"]}, "text", "korte tekst"),
        ({**RHEDEN, "link": "javascript:alert(1)"}, "link", "https://"),
        ({**RHEDEN, "text": "x" * 1001}, "text", "1000"),
        ({**RHEDEN, "link": "https://x.nl/" + "a" * 300}, "link", "300"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, region, personas, values, field, message):
    log_in(client, personas["admin_a"])
    response = client.post(form_url("org-a", region["rheden"]), values)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert not CarerAppreciation.objects.exists()


def test_only_the_admin_of_the_organisation_for_its_own_municipalities(client, region, personas):
    log_in(client, personas["admin_a"])
    assert client.post(form_url("org-a", region["ede"]), RHEDEN).status_code == 404  # org-b's municipality
    assert client.get(form_url("org-b", region["ede"])).status_code == 404
    log_in(client, personas["broker_a"])
    assert client.get(form_url("org-a", region["rheden"])).status_code == 404
    with pytest.raises(DomainError):
        carer_appreciation_update(
            organisation=region["org_a"], by=personas["admin_a"], municipality=region["ede"], values=RHEDEN
        )
    with pytest.raises(DomainError):
        carer_appreciation_update(
            organisation=region["org_a"], by=personas["broker_a"], municipality=region["rheden"], values=RHEDEN
        )
    assert not CarerAppreciation.objects.exists()


def test_the_carer_living_in_the_municipality_sees_it(client, region, personas):
    carer = Mantelzorger.objects.get(user=personas["mantelzorger"])
    carer.neighbourhood = region["areas"]["Velp"]  # Rheden
    carer.save()
    log_in(client, personas["mantelzorger"])
    assert "Dank u wel voor uw zorg" not in home(client)
    carer_appreciation_update(
        organisation=region["org_a"],
        by=personas["admin_a"],
        municipality=region["arnhem"],
        values={"text": "Arnhem geeft een bon.", "link": "https://www.arnhem.nl/bon"},
    )
    assert "Arnhem geeft een bon." not in home(client)  # another municipality
    carer_appreciation_update(
        organisation=region["org_a"], by=personas["admin_a"], municipality=region["rheden"], values=RHEDEN
    )
    page = home(client)
    assert "Dank u wel voor uw zorg in" in page
    assert "cadeaubon van 50 euro" in page and 'href="https://www.rheden.nl/mantelzorgwaardering"' in page
    assert "Arnhem geeft een bon." not in page


def test_a_municipality_that_left_the_working_area_shows_nothing(region, personas):
    carer_appreciation_update(
        organisation=region["org_a"], by=personas["admin_a"], municipality=region["rheden"], values=RHEDEN
    )
    assert carer_appreciation_for(organisation=region["org_a"], municipality=region["rheden"]) is not None
    region["org_a"].municipalities.remove(region["rheden"])
    assert carer_appreciation_for(organisation=region["org_a"], municipality=region["rheden"]) is None
    assert carer_appreciation_for(organisation=region["org_b"], municipality=region["rheden"]) is None
    # No municipality known: only when the working area is that one municipality.
    assert carer_appreciation_for(organisation=region["org_a"], municipality=None) is None
    region["org_a"].municipalities.add(region["rheden"])
    assert carer_appreciation_for(organisation=region["org_a"], municipality=None) is None  # Arnhem and Rheden
    region["org_a"].municipalities.remove(region["arnhem"])
    assert carer_appreciation_for(organisation=region["org_a"], municipality=None).municipality == region["rheden"]


def test_a_carer_without_a_neighbourhood_in_a_one_municipality_area(client, region, personas):
    region["org_a"].municipalities.remove(region["arnhem"])
    carer_appreciation_update(
        organisation=region["org_a"], by=personas["admin_a"], municipality=region["rheden"], values=RHEDEN
    )
    log_in(client, personas["mantelzorger"])
    assert "cadeaubon van 50 euro" in home(client)
