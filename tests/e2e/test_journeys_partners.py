"""Issue #16: a partner of the centre, invited by mail, posts a vacancy; an anonymous
visitor finds it by postcode and skill, signs up as a volunteer and responds; the partner
accepts and then sees the contact details (not before)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import (
    PASSWORD,
    fill_volunteer_form,
    finish_volunteer_wizard,
    form_with,
    log_in,
    log_out,
    named_field,
    shot,
    submit,
    wait_for_mail,
)

pytestmark = pytest.mark.e2e

PARTNER_EMAIL = "jan@voedselbank-arnhem.example"
VOLUNTEER_EMAIL = "fenna.bakker@example.nl"


def _invite_partner(live_server) -> None:
    """The centre's admin invites the food bank (the admin page is tested in
    tests/partners); its first vacancies go online without the centre's check here."""
    from accounts.models import User
    from neighbourhoods.models import Organisation
    from partners.models import PartnerSettings
    from partners.services import partner_invite

    organisation = Organisation.objects.get(slug="regio-arnhem")
    admin = User.objects.get(email="coordinator@buurtmakelaar.demo")
    PartnerSettings.objects.update_or_create(organisation=organisation, defaults={"review_first_vacancies": False})
    partner_invite(
        organisation=organisation,
        by=admin,
        name="Voedselbank Arnhem",
        kind="food_bank",
        email=PARTNER_EMAIL,
        base_url=f"{live_server.url}/",
    )


def test_partner_posts_a_vacancy_a_visitor_finds_it_signs_up_responds_and_is_accepted(
    page: Page, demo, mail, live_server
):
    _invite_partner(live_server)

    # 1. The partner chooses a password with the link in the invitation, and logs in.
    [invitation] = wait_for_mail(mail, PARTNER_EMAIL)
    assert "Voedselbank Arnhem" in invitation.subject
    link = re.search(r"https?://\S+?/accounts/password/reset/key/\S+/", invitation.body)
    assert link, invitation.body
    page.goto(urlsplit(link.group(0)).path)
    named_field(page, "password1").fill(PASSWORD)
    named_field(page, "password2").fill(PASSWORD)
    submit(form_with(page, "password2"))
    log_in(page, PARTNER_EMAIL)

    # 2. ... and posts a vacancy: weekly on Tuesday afternoon in Arnhem, shopping.
    page.get_by_role("link", name="Mijn organisatie").first.click()
    page.get_by_role("link", name="Nieuwe vacature").click()
    form = form_with(page, "title")
    form.get_by_label("Titel").fill("Boodschappen rondbrengen <b>Arnhem</b>")
    form.get_by_label("Wat gaat de vrijwilliger doen?").fill("Pakketten naar mensen thuis brengen.")
    form.get_by_role("checkbox", name="boodschappen", exact=True).check()
    form.get_by_label("Postcode van de plek").fill("6811 AB")
    form.get_by_role("radio", name="elke week, op vaste tijden").check()
    form.get_by_label("Vaste tijden (bij elke week)").fill("di 14:00-16:00")
    form.get_by_label("Aantal plaatsen").fill("1")
    form.get_by_role("button", name="Vacature opslaan").click()
    expect(page.get_by_text("De vacature staat online.")).to_be_visible()
    shot(page, "partners-1-vacancy-online")
    log_out(page)

    # 3. An anonymous visitor in Velp searches by postcode and skill.
    page.goto("/vacatures/")
    search = form_with(page, "postcode")
    search.get_by_label("Uw postcode").fill("6881 AA")
    search.get_by_label("Afstand").select_option(label="10 km")
    search.get_by_label("Soort werk").select_option(label="boodschappen")
    search.get_by_role("button", name="Zoeken").click()
    result = page.get_by_role("link", name="Boodschappen rondbrengen <b>Arnhem</b>")
    expect(result).to_be_visible()  # the HTML in the title is shown as text
    shot(page, "partners-2-found")
    result.click()
    vacancy_path = urlsplit(page.url).path

    # 4. ... makes an account, confirms the address and signs up as a volunteer.
    page.get_by_role("link", name="Account maken").last.click()
    named_field(page, "email").fill(VOLUNTEER_EMAIL)
    named_field(page, "password1").fill(PASSWORD)
    named_field(page, "password2").fill(PASSWORD)
    submit(form_with(page, "password2"))
    [message] = wait_for_mail(mail, VOLUNTEER_EMAIL)
    found = re.search(r"https?://\S+?/accounts/confirm-email/[^/\s]+/", message.body)
    page.goto(urlsplit(found.group(0)).path)
    page.get_by_role("button", name=re.compile(r"bevestig", re.I)).click()
    page.goto("/vrijwilliger/aanmelden/")
    submit(fill_volunteer_form(page, postcode="6881 AB", first_name="Fenna", last_name="Bakker"))
    finish_volunteer_wizard(page)
    expect(page).to_have_url(re.compile(r"/vrijwilliger/$"))

    # 5. "Past bij u" names the vacancy, with the engine's reasons; one click to respond.
    page.goto("/vacatures/past-bij-u/")
    expect(page.get_by_role("link", name="Boodschappen rondbrengen <b>Arnhem</b>")).to_be_visible()
    expect(page.get_by_text("beschikbaar di 13:00-17:30")).to_be_visible()
    page.goto(vacancy_path)
    page.get_by_label("Korte toelichting").fill("Ik heb een bakfiets.")
    page.get_by_role("button", name="Ik wil dit doen").click()
    expect(page).to_have_url(re.compile(r"/vacatures/mijn-reacties/$"))
    expect(page.get_by_text("Uw reactie is verstuurd naar Voedselbank Arnhem.")).to_be_visible()
    log_out(page)

    # 6. The partner sees the name and the note, not the contact details; accepts; then sees them.
    log_in(page, PARTNER_EMAIL)
    page.goto("/partner/")
    page.get_by_role("link", name="1 reactie").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Fenna Bakker")
    expect(main).to_contain_text("Ik heb een bakfiets.")
    expect(main).not_to_contain_text(VOLUNTEER_EMAIL)
    page.get_by_role("button", name="Aannemen").click()
    expect(page.get_by_text("U heeft deze vrijwilliger aangenomen.")).to_be_visible()
    expect(main).to_contain_text(VOLUNTEER_EMAIL)
    shot(page, "partners-3-accepted")

    accepted = wait_for_mail(mail, VOLUNTEER_EMAIL)
    assert any("U bent aangenomen" in m.subject for m in accepted)
