"""Browser journeys of "Mijn gegevens": a mantelzorger and a help seeker look at and
download everything about them, then erase it with their password."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import PASSWORD, log_in, make_user, shot
from tests.e2e.test_journeys_people import register_mantelzorger_with_respite_request

pytestmark = pytest.mark.e2e


def open_my_data(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn gegevens").click()
    expect(page).to_have_url(re.compile(r"/mijn-gegevens/$"))
    expect(page.get_by_role("heading", name="Mijn gegevens", level=1)).to_be_visible()


def erase_with_password(page: Page, name: str) -> None:
    main = page.get_by_role("main")
    main.get_by_role("link", name="Mijn gegevens wissen").click()
    expect(page).to_have_url(re.compile(r"/mijn-gegevens/wissen/$"))
    expect(main).to_contain_text("Dit gaat weg")
    expect(main).to_contain_text("Dit blijft, zonder uw naam")
    shot(page, f"{name}-1-erase-page")
    # A wrong password erases nothing.
    main.get_by_label("Uw wachtwoord").fill("niet-mijn-wachtwoord")
    main.get_by_role("checkbox", name="Ja, wis al mijn gegevens en mijn account").check()
    main.get_by_role("button", name="Wis mijn gegevens").click()
    expect(main.get_by_role("alert")).to_contain_text("Dit wachtwoord klopt niet")
    shot(page, f"{name}-2-wrong-password")
    main.get_by_label("Uw wachtwoord").fill(PASSWORD)
    main.get_by_role("checkbox", name="Ja, wis al mijn gegevens en mijn account").check()
    main.get_by_role("button", name="Wis mijn gegevens").click()
    expect(page.get_by_text("Uw gegevens en uw account zijn gewist. U bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen")).to_be_visible()
    shot(page, f"{name}-3-erased")


def cannot_log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_mantelzorger_downloads_and_erases_everything(page: Page, demo):
    from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger

    user, mantelzorger, help_request = register_mantelzorger_with_respite_request("ineke.bosman@example.nl")
    log_in(page, user.email)
    open_my_data(page)

    # The readable page: the person cared for, the check-in, the request.
    page.get_by_role("main").get_by_role("link", name="Bekijken en printen").click()
    expect(page.get_by_role("heading", name="Alles wat we over u bewaren", level=1)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Gerrit")
    expect(main).to_contain_text("6851 AB")
    expect(main).to_contain_text("respite")
    shot(page, "privacy-mantelzorger-0-export-page")
    main.get_by_role("link", name="Terug naar Mijn gegevens").click()

    # The file.
    with page.expect_download() as download_info:
        page.get_by_role("main").get_by_role("link", name="Downloaden als bestand (JSON)").click()
    data = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    carer = data["parts"]["caregivers"]["mantelzorgers"][0]
    assert carer["first_name"] == "Ineke" and carer["care_recipients"][0]["name"] == "Gerrit"

    erase_with_password(page, "privacy-mantelzorger")
    cannot_log_in(page, "ineke.bosman@example.nl")

    mantelzorger.refresh_from_db()
    assert mantelzorger.first_name == "Oud-mantelzorger" and mantelzorger.user is None
    assert not CareRecipient.objects.filter(mantelzorger=mantelzorger).exists()
    assert BurdenCheckIn.objects.filter(mantelzorger=mantelzorger).count() == 1  # a score, no person
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.WITHDRAWN and help_request.description == ""
    assert not Mantelzorger.objects.filter(first_name="Ineke").exists()


def test_help_seeker_erases_a_request_made_for_a_neighbour(page: Page, demo):
    from caregivers.models import HelpRequest
    from caregivers.services import request_submit
    from neighbourhoods.geocoding import get_geocoder
    from neighbourhoods.models import Organisation

    user = make_user("sanne.dekker@example.nl")
    location = get_geocoder().geocode(postcode="6811 AB", house_number="12")
    help_request = request_submit(
        organisation=Organisation.objects.get(),
        kind=HelpRequest.Kind.PRACTICAL,
        requester_first_name="Buurvrouw Jansen",
        requester_last_name="",
        email=user.email,
        phone="06 2468 1357",
        location=location,
        postcode="6811 AB",
        house_number="12",
        description="Mijn buurvrouw kan niet meer zelf boodschappen doen.",
        dates=[(datetime.date.today() + datetime.timedelta(days=10), datetime.time(10), datetime.time(12))],
        urgency=HelpRequest.Urgency.NORMAL,
        requester=user,
    )
    log_in(page, user.email)
    open_my_data(page)
    page.get_by_role("main").get_by_role("link", name="Bekijken en printen").click()
    expect(page.get_by_role("main")).to_contain_text("Buurvrouw Jansen")
    page.get_by_role("main").get_by_role("link", name="Terug naar Mijn gegevens").click()

    erase_with_password(page, "privacy-help-seeker")
    cannot_log_in(page, "sanne.dekker@example.nl")

    help_request.refresh_from_db()
    assert help_request.requester is None and help_request.status == HelpRequest.Status.WITHDRAWN
    assert (help_request.requester_first_name, help_request.phone, help_request.postcode) == ("Oud-hulpvrager", "", "")
    assert help_request.kind == HelpRequest.Kind.PRACTICAL  # the figures keep the kind
