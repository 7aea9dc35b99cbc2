"""Browser journey of a new organisation's first admin, on a fresh database without the
demo: ``organisation_setup`` for a Brabant Noordoost-oost municipality, the invitation
mail, a password, the second step (an app), the guided set-up (a former municipality
name first, then the right one, a broker invited), then a setting changed on the
settings page and seen in the history."""

from __future__ import annotations

import io
import re
import time

import pyotp
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import form_with, named_field, shot, submit, wait_for_mail

pytestmark = pytest.mark.e2e

ADMIN = "beheer@welzijn-boekel.example"
PASSWORD = "Boekel-helpt-elkaar-2026"


def test_first_admin_sets_up_the_organisation_and_changes_a_setting(page: Page, mail, transactional_db):
    from neighbourhoods.models import Municipality, Organisation, OrganisationChange, StaffMembership

    assert not Organisation.objects.exists() and not Municipality.objects.exists()  # no demo
    call_command(
        "organisation_setup",
        "--name", "Welzijn Boekel",
        "--slug", "welzijn-boekel",
        "--municipalities", "Boekel",
        "--admin", ADMIN,
        stdout=io.StringIO(),
    )  # fmt: skip

    # The invitation: a link to choose a password.
    [invitation] = wait_for_mail(mail, ADMIN)
    link = re.search(r"/accounts/password/reset/key/\S+", invitation.body).group(0)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Nieuw wachtwoord maken")
    named_field(page, "password1").fill(PASSWORD)
    named_field(page, "password2").fill(PASSWORD)
    submit(form_with(page, "password1"))
    expect(page.locator("h1")).to_have_text("Uw wachtwoord is gewijzigd")

    # Log in: staff must set up the second step before any page opens.
    page.goto("/accounts/login/")
    named_field(page, "login").fill(ADMIN)
    named_field(page, "password").fill(PASSWORD)
    submit(form_with(page, "password"))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    page.goto("/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        named_field(page, "password").fill(PASSWORD)
        submit(form_with(page, "password"))
    totp = pyotp.TOTP(page.locator("#authenticator_secret").input_value())
    if totp.interval - time.time() % totp.interval < 5:
        time.sleep(6)  # a code about to expire could be refused on arrival
    named_field(page, "code").fill(totp.now())
    submit(form_with(page, "code"))
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))

    # The organisation's start page leads to the guided set-up.
    page.goto("/organisatie/welzijn-boekel/")
    expect(page).to_have_url(re.compile(r"/organisatie/welzijn-boekel/inrichten/$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Welzijn Boekel inrichten")
    shot(page, "setup-1-checklist")

    # Step 1: contact details.
    main.get_by_role("link", name="Verder: Naam en contactgegevens").click()
    main.get_by_label(re.compile(r"^E-mailadres(?! van)")).fill("info@welzijn-boekel.example")
    main.get_by_label(re.compile(r"^Telefoon")).fill("0492 123 456")
    main.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_text("De gegevens zijn opgeslagen.")).to_be_visible()

    # Step 2: the working area. A former municipality says what it is now.
    page.get_by_role("navigation", name="Stappen van de inrichting").get_by_role("link", name="Werkgebied").click()
    expect(main.get_by_role("table", name="Gemeenten in uw werkgebied")).to_contain_text("Boekel")
    main.get_by_label("Gemeente toevoegen").fill("Boxmeer")
    main.get_by_role("button", name="Gemeente toevoegen").click()
    expect(main.get_by_role("alert")).to_contain_text("Boxmeer is sinds 2022 onderdeel van Land van Cuijk")
    shot(page, "setup-2-merger")
    main.get_by_label("Gemeente toevoegen").fill("Land van Cuijk")
    main.get_by_role("button", name="Gemeente toevoegen").click()
    expect(page.get_by_text("Gemeente Land van Cuijk hoort nu bij het werkgebied.")).to_be_visible()
    area = main.get_by_role("table", name="Gemeenten in uw werkgebied")
    expect(area.get_by_role("row", name=re.compile("Land van Cuijk"))).to_be_visible()

    # Step 3: invite a broker.
    page.get_by_role("navigation", name="Stappen van de inrichting").get_by_role(
        "link", name="Makelaars en gemeente uitnodigen"
    ).click()
    main.get_by_label(re.compile(r"^E-mailadres")).fill("makelaar@welzijn-boekel.example")
    main.get_by_label("Rol", exact=True).select_option("broker")
    main.get_by_role("button", name="Uitnodigen").click()
    expect(page.get_by_text("makelaar@welzijn-boekel.example is toegevoegd als makelaar.")).to_be_visible()
    wait_for_mail(mail, "makelaar@welzijn-boekel.example")

    # Done: on to the start page.
    main.get_by_role("link", name="Verder").last.click()
    main.get_by_role("button", name="Inrichting afronden").click()
    expect(page).to_have_url(re.compile(r"/organisatie/welzijn-boekel/$"))
    expect(page.get_by_text("De eerste inrichting is klaar.")).to_be_visible()
    shot(page, "setup-3-done")

    # Later changes: the settings page, with the set-up's changes in the history.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Instellingen").click()
    expect(page).to_have_url(re.compile(r"/organisatie/welzijn-boekel/instellingen/$"))
    main.get_by_label("Een VOG is geldig (jaren)").fill("4")
    main.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()
    history = main.get_by_role("table", name="Wie veranderde wat, en wanneer")
    expect(history.get_by_role("row", name=re.compile("VOG geldig"))).to_contain_text("4")
    expect(history.get_by_role("row", name=re.compile("Werkgebied"))).to_contain_text("Land van Cuijk")
    expect(history.get_by_role("row", name=re.compile("Telefoon"))).to_contain_text("0492 123 456")
    expect(history.get_by_role("row", name=re.compile("Team"))).to_contain_text("makelaar@welzijn-boekel.example")
    expect(history.get_by_role("row", name=re.compile("Eerste inrichting afgerond"))).to_be_visible()
    shot(page, "setup-4-history")

    organisation = Organisation.objects.get(slug="welzijn-boekel")
    assert not organisation.setup_pending and organisation.vog_valid_years == 4
    assert set(organisation.municipalities.values_list("name", flat=True)) == {"Boekel", "Land van Cuijk"}
    assert StaffMembership.objects.filter(
        organisation=organisation, role="broker", user__email="makelaar@welzijn-boekel.example"
    ).exists()
    admin = StaffMembership.objects.get(organisation=organisation, role="admin").user
    assert set(OrganisationChange.objects.filter(changed_by=admin).values_list("field", flat=True)) == {
        "email", "phone", "municipality", "staff", "setup", "vog_valid_years",
    }  # fmt: skip
