"""Browser journey of the ladder (issue #15): the broker's intake records what the
person can do, their goal and someone of their own network; the broker closes the
request as solved with the own network; the municipality's report then shows it under
that step of the ladder (as "<10": one request), and the organisation's exact overview
shows the 1.

The help seeker and the request are made through the services (as the other journeys
do); every step of the broker and the municipality goes through the browser, staff
logging in with their second step (the demo's TOTP code)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, log_out, make_user, shot

pytestmark = pytest.mark.e2e

BROKER_EMAIL = "makelaar@buurtmakelaar.demo"
MUNICIPALITY_EMAIL = "gemeente.arnhem@buurtmakelaar.demo"
ORGANISATION = "regio-arnhem"


def request_in_arnhem():
    """A help seeker in Arnhem asks for someone to do the shopping every Thursday."""
    from caregivers.models import HelpRequest
    from caregivers.services import default_skills, request_submit
    from common.slots import Slot
    from neighbourhoods.geocoding import get_geocoder
    from neighbourhoods.selectors import serving_area

    user = make_user("truus.arnhem@example.nl")
    location = get_geocoder().geocode(postcode="6811 AB", house_number="5")
    area = serving_area(location=location, postcode="6811 AB")
    return request_submit(
        organisation=area.organisation,
        kind=HelpRequest.Kind.PRACTICAL,
        requester_first_name="Truus",
        requester_last_name="de Graaf",
        email=user.email,
        location=location,
        postcode="6811 AB",
        house_number="5",
        description="Boodschappen doen, mijn heup is slecht.",
        skills=default_skills("shopping"),
        weekly_slots=[Slot(3, datetime.time(10), datetime.time(12))],
        requester=user,
    )


def column_cell(table, header: str, row_name: str):
    """The cell of ``row_name``'s row under the column headed ``header``."""
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    index = next(i for i, text in enumerate(headers) if text.lower() == header.lower())
    row = table.locator("tr").filter(has=table.page.locator("th", has_text=re.compile(rf"^{row_name}$")))
    return row.locator("th, td").nth(index)


def test_intake_ladder_closes_with_the_own_network_and_the_report_shows_it(page: Page, demo):
    from caregivers.models import HelpRequest, NetworkMember
    from reports.months import Month
    from reports.tasks import report_refresh_organisation

    help_request = request_in_arnhem()
    assert help_request.neighbourhood is not None
    municipality = help_request.neighbourhood.municipality.name
    assert municipality == "Arnhem"
    base = f"/organisatie/{ORGANISATION}/vragen/{help_request.pk}/"

    # The broker opens the request and starts the conversation.
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(base)
    main = page.get_by_role("main")
    page.get_by_role("button", name="Gesprek starten").click()
    expect(page.get_by_text("Het gesprek is begonnen. Vul de intake in.")).to_be_visible()

    # The intake: the ladder's backbone, with someone of the own network.
    main.get_by_role("link", name="Intake invullen").click()
    expect(page.get_by_role("heading", name="Intake met Truus", level=1)).to_be_visible()
    main.get_by_label("De vraag achter de vraag").fill("Truus wil vooral zelfstandig blijven.")
    main.get_by_label("Wat kan de persoon zelf?").fill("Koken en kleine boodschappen bij de buurtsuper.")
    main.get_by_label("Het doel in de woorden van de persoon").fill("Ik wil mijn eigen boodschappen blijven doen.")
    main.get_by_label("Meetbaar doel").fill("Over een maand elke week de grote boodschappen in huis.")
    first = main.locator(".network__member").first
    first.get_by_label("Voornaam of omschrijving").fill("Joke van hiernaast")
    first.get_by_label("Wie is het?").select_option(label="buren")
    first.get_by_label("Helpt al of zou kunnen helpen?").select_option(label="zou kunnen helpen")
    first.get_by_label("Wat doet deze persoon, of wat zou kunnen?").fill("Rijdt elke donderdag naar de markt.")
    shot(page, "journey-ladder-1-intake")
    main.get_by_role("button", name="Opslaan", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{base}$"))
    expect(page.get_by_text("De intake is opgeslagen.")).to_be_visible()
    expect(main).to_contain_text("Joke van hiernaast")
    expect(main).to_contain_text("Ik wil mijn eigen boodschappen blijven doen.")
    member = NetworkMember.objects.get(request=help_request)
    assert (member.relation, member.helps, member.phone, member.contact_consent) == ("neighbour", "could", "", False)

    # Joke takes it on: solved with the own network, goal reached.
    main.get_by_role("link", name="Opgelost met eigen kracht of netwerk").click()
    expect(page.get_by_role("heading", name="Opgelost zonder vrijwilliger", level=1)).to_be_visible()
    page.get_by_role("group", name="Waarmee is de vraag opgelost?").get_by_label("eigen netwerk").check()
    page.get_by_role("group", name="Is het doel bereikt?").get_by_label("ja").check()
    main.get_by_label("Notitie").fill("Joke rijdt haar nu elke donderdag.")
    shot(page, "journey-ladder-2-close")
    main.get_by_role("button", name="Vraag afsluiten").click()
    expect(page.get_by_text("De vraag is afgesloten: opgelost zonder vrijwilliger.")).to_be_visible()
    expect(page.get_by_role("list", name="Kenmerken")).to_contain_text("Afgesloten")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.ladder_step, help_request.goal_reached) == (
        "closed",
        "own_network",
        "yes",
    )

    # The stored figures of the open month are counted again by the 10-minute beat task
    # (a page keeps using a fresh count for 15 minutes); here it runs at once.
    report_refresh_organisation(help_request.organisation_id, 1, False, 0)

    # The organisation's own overview: exact numbers.
    month = Month.current()
    page.goto(f"/organisatie/{ORGANISATION}/cijfers/organisatie/?maand={month}")
    ladder = page.get_by_role("table", name=re.compile(r"^Waar is de vraag opgelost\?"))
    expect(column_cell(ladder, "Opgelost met eigen netwerk", municipality)).to_have_text("1")
    expect(column_cell(ladder, "Opgelost met eigen kracht", municipality)).to_have_text("0")
    log_out(page)

    # The municipality: the same figure, as a small number, under that step of the ladder.
    log_in(page, MUNICIPALITY_EMAIL, settings.DEMO_PASSWORD)
    page.goto(f"/organisatie/{ORGANISATION}/cijfers/?gemeente={municipality}&maand={month}")
    ladder = page.get_by_role("table", name=re.compile(r"^Waar is de vraag opgelost\?"))
    expect(ladder).to_be_visible()
    expect(column_cell(ladder, "Opgelost met eigen netwerk", "Totaal")).to_contain_text("<10")
    expect(column_cell(ladder, "Opgelost met eigen kracht", "Totaal")).to_have_text("0")
    expect(column_cell(ladder, "Opgelost met vrijwilliger", "Totaal")).to_have_text("0")
    expect(page.get_by_role("main")).not_to_contain_text("Joke")
    expect(page.get_by_role("main")).not_to_contain_text("Truus")
    shot(page, "journey-ladder-3-municipality")
    assert HelpRequest.objects.filter(ladder_step="own_network").count() == 1


def test_a_partner_signal_becomes_a_request_solved_with_the_own_network_in_the_municipality_report(page: Page, demo):
    """Issue #15's "Done when", from the first step to the last, all in the browser: the
    demo partner passes a signal about Mirjam in Arnhem (her consent recorded); the broker
    turns it into a request, records the ladder and a neighbour of her own network at
    intake, and closes the request as solved with the own network; the municipality of
    Arnhem then sees it under that step of the ladder, as a small number, without a name."""
    from caregivers.models import CareSignal, HelpRequest, NetworkMember
    from reports.months import Month
    from reports.tasks import report_refresh_organisation

    # 1. The partner passes the signal on its own pages.
    log_in(page, "partner@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto("/partner/")
    page.get_by_role("link", name="Signaal doorgeven").first.click()
    page.get_by_label("Voornaam").fill("Mirjam")
    page.get_by_label("Hoe bereiken we de persoon?").fill("026 111 22 44")
    page.get_by_label("Postcode").fill("6811 AB")
    page.get_by_label("Wat viel op?").fill("Komt de deur niet meer uit sinds haar val; boodschappen lukken niet.")
    page.get_by_label("Mondeling").check()
    page.get_by_label("De persoon vindt het goed dat wij contact opnemen").check()
    page.get_by_role("button", name="Signaal doorgeven").click()
    expect(page.get_by_text(re.compile(r"^Doorgegeven op \d"))).to_be_visible()
    signal = CareSignal.objects.get(first_name="Mirjam")
    assert signal.source_kind == CareSignal.SourceKind.PARTNER and signal.consent_given
    log_out(page)

    # 2. The broker finds it in the queue and makes it a request; the intake follows.
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(f"/organisatie/{ORGANISATION}/vragen/")
    page.get_by_role("region", name=re.compile("nieuw signaal")).get_by_role(
        "link", name=f"Signaal #{signal.pk}: Mirjam"
    ).click()
    page.get_by_role("link", name="Hulpvraag maken").click()
    page.get_by_label("Huisnummer").fill("5")
    page.get_by_label("Vaste tijden, elke week").fill("do 10:00-12:00")
    page.get_by_role("button", name="Vraag opslaan").click()
    expect(page.get_by_text("De vraag van Mirjam staat erin.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.status == CareSignal.Status.REQUEST and signal.request_id
    help_request = HelpRequest.objects.get(pk=signal.request_id)
    assert help_request.neighbourhood is not None and help_request.neighbourhood.municipality.name == "Arnhem"
    base = f"/organisatie/{ORGANISATION}/vragen/{help_request.pk}/"

    # 3. The intake along the ladder, with someone of her own network.
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Intake met Mirjam", level=1)).to_be_visible()
    main.get_by_label("De vraag achter de vraag").fill("Mirjam durft na haar val niet alleen over straat.")
    main.get_by_label("Wat kan de persoon zelf?").fill("Koken en de kleine boodschappen laten bezorgen.")
    main.get_by_label("Het doel in de woorden van de persoon").fill("Ik wil weer zelf naar de markt.")
    main.get_by_label("Meetbaar doel").fill("Over een maand elke week met iemand naar de markt.")
    first = main.locator(".network__member").first
    first.get_by_label("Voornaam of omschrijving").fill("Kees van de overkant")
    first.get_by_label("Wie is het?").select_option(label="buren")
    first.get_by_label("Helpt al of zou kunnen helpen?").select_option(label="zou kunnen helpen")
    first.get_by_label("Wat doet deze persoon, of wat zou kunnen?").fill("Gaat elke donderdag naar de markt.")
    main.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{base}$"))
    expect(page.get_by_text("De intake is opgeslagen.")).to_be_visible()
    expect(main).to_contain_text("Kees van de overkant")
    member = NetworkMember.objects.get(request=help_request)
    assert (member.relation, member.helps, member.phone) == ("neighbour", "could", "")

    # 4. Kees takes her along: solved with the own network.
    main.get_by_role("link", name="Opgelost met eigen kracht of netwerk").click()
    page.get_by_role("group", name="Waarmee is de vraag opgelost?").get_by_label("eigen netwerk").check()
    page.get_by_role("group", name="Is het doel bereikt?").get_by_label("ja").check()
    main.get_by_role("button", name="Vraag afsluiten").click()
    expect(page.get_by_text("De vraag is afgesloten: opgelost zonder vrijwilliger.")).to_be_visible()
    help_request.refresh_from_db()
    assert (help_request.status, help_request.ladder_step) == ("closed", "own_network")
    shot(page, "journey-signal-ladder-1-closed")
    log_out(page)

    # 5. The municipality sees it under that step of the ladder (beat's refresh, run at once).
    report_refresh_organisation(help_request.organisation_id, 1, False, 0)
    month = Month.current()
    log_in(page, MUNICIPALITY_EMAIL, settings.DEMO_PASSWORD)
    page.goto(f"/organisatie/{ORGANISATION}/cijfers/?gemeente=Arnhem&maand={month}")
    ladder = page.get_by_role("table", name=re.compile(r"^Waar is de vraag opgelost\?"))
    expect(column_cell(ladder, "Opgelost met eigen netwerk", "Totaal")).to_contain_text("<10")
    expect(column_cell(ladder, "Opgelost met eigen kracht", "Totaal")).to_have_text("0")
    expect(page.get_by_role("main")).not_to_contain_text("Mirjam")
    expect(page.get_by_role("main")).not_to_contain_text("Kees")
    shot(page, "journey-signal-ladder-2-municipality")
