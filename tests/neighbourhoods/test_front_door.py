"""The municipality's front door (Wmo-loket, sociaal wijkteam): kept per municipality by
the organisation's admin, shown with the postcode look-up for that municipality only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.errors import DomainError
from neighbourhoods.models import MunicipalityFrontDoor, OrganisationChange
from neighbourhoods.orgsettings import front_door_update
from neighbourhoods.selectors import front_door_for
from tests.login import log_in

pytestmark = pytest.mark.django_db

ARNHEM_DOOR = {
    "name": "Wmo-loket gemeente Arnhem",
    "phone": "14 026",
    "website": "https://www.arnhem.nl",
    "opening_hours": "Maandag tot en met vrijdag van 9 tot 17 uur.",
}


def door_url(slug, municipality):
    return reverse("neighbourhoods:settings_front_door", args=[slug, municipality.pk])


def test_the_admin_keeps_the_front_door_and_the_history_records_it(client, region, personas):
    log_in(client, personas["admin_a"])
    arnhem = region["arnhem"]
    page = client.get(reverse("neighbourhoods:settings", args=["org-a"])).content.decode()
    assert door_url("org-a", arnhem) in page
    response = client.post(door_url("org-a", arnhem), ARNHEM_DOOR)
    assert response.status_code == 302
    door = MunicipalityFrontDoor.objects.get(organisation=region["org_a"], municipality=arnhem)
    assert (door.name, door.phone, door.website) == ("Wmo-loket gemeente Arnhem", "14 026", "https://www.arnhem.nl")
    change = OrganisationChange.objects.get(organisation=region["org_a"], field="front_door")
    assert change.new_value.startswith("Arnhem: Wmo-loket gemeente Arnhem")
    # Saving it again unchanged records nothing more; emptying it takes it away.
    client.post(door_url("org-a", arnhem), ARNHEM_DOOR)
    assert OrganisationChange.objects.filter(field="front_door").count() == 1
    client.post(door_url("org-a", arnhem), {"name": "", "phone": "", "website": "", "opening_hours": ""})
    assert not MunicipalityFrontDoor.objects.exists()
    assert OrganisationChange.objects.filter(field="front_door").count() == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({**ARNHEM_DOOR, "name": ""}, "name", "naam van het loket"),
        ({**ARNHEM_DOOR, "phone": "bel ons"}, "phone", "telefoonnummer"),
        ({**ARNHEM_DOOR, "website": "javascript:alert(1)"}, "website", "https://"),
        ({**ARNHEM_DOOR, "name": "x" * 151}, "name", "150"),
        ({**ARNHEM_DOOR, "opening_hours": "x" * 501}, "opening_hours", "500"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, region, personas, values, field, message):
    log_in(client, personas["admin_a"])
    response = client.post(door_url("org-a", region["arnhem"]), values)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert not MunicipalityFrontDoor.objects.exists()


def test_only_the_admin_of_the_organisation_for_its_own_municipalities(client, region, personas):
    log_in(client, personas["admin_a"])
    assert client.post(door_url("org-a", region["ede"]), ARNHEM_DOOR).status_code == 404  # org-b's municipality
    log_in(client, personas["broker_a"])
    assert client.get(door_url("org-a", region["arnhem"])).status_code == 404
    with pytest.raises(DomainError):
        front_door_update(
            organisation=region["org_a"], by=personas["admin_a"], municipality=region["ede"], values=ARNHEM_DOOR
        )
    with pytest.raises(DomainError):
        front_door_update(
            organisation=region["org_a"], by=personas["broker_a"], municipality=region["arnhem"], values=ARNHEM_DOOR
        )
    assert not MunicipalityFrontDoor.objects.exists()


def test_the_lookup_shows_the_front_door_of_the_municipality_found_only(client, region, personas):
    front_door_update(
        organisation=region["org_a"], by=personas["admin_a"], municipality=region["arnhem"], values=ARNHEM_DOOR
    )
    arnhem = client.get(reverse("neighbourhoods:lookup"), {"postcode": "6811 AB", "house_number": "1"})
    html = arnhem.content.decode()
    assert "Wmo-loket gemeente Arnhem" in html and 'href="tel:14026"' in html
    assert "Maandag tot en met vrijdag" in html
    velp = client.get(reverse("neighbourhoods:lookup"), {"postcode": "6881 AB", "house_number": "1"})
    assert velp.context["municipality"] == region["rheden"]
    assert "Wmo-loket gemeente Arnhem" not in velp.content.decode()


def test_a_front_door_of_an_organisation_that_left_the_municipality_is_not_shown(region, personas):
    door = front_door_update(
        organisation=region["org_a"], by=personas["admin_a"], municipality=region["arnhem"], values=ARNHEM_DOOR
    )
    assert front_door_for(municipality=region["arnhem"]) == door
    region["org_a"].municipalities.remove(region["arnhem"])
    assert front_door_for(municipality=region["arnhem"]) is None


def test_the_lookup_leads_to_both_ways_of_asking(client, region):
    response = client.get(reverse("neighbourhoods:lookup"), {"postcode": "6881 AB", "house_number": "12"})
    html = response.content.decode()
    assert reverse("caregivers:request_new") in html
    assert f"{reverse('caregivers:ask')}?postcode=6881+AB&amp;house_number=12" in html


def test_the_home_page_leads_to_asking_without_an_account(client, db):
    assert reverse("caregivers:ask") in client.get("/").content.decode()
