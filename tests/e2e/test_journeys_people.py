"""Browser journeys of the people side: a mantelzorger asks for respite, and the
broker picks the request up at the intake desk.

Forms are found by their visible labels, fieldset legends (role "group") and the
names of their buttons, as people (and screen readers) find them.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, make_user, shot

pytestmark = pytest.mark.e2e

BROKER_EMAIL = "makelaar@buurtmakelaar.demo"


# -- helpers -----------------------------------------------------------------


def group(page: Page, legend: str):
    """A fieldset (checkbox or radio group, a row of time fields) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def expect_named_controls(page: Page) -> None:
    """Every visible form control in the page's main part has an accessible name."""
    controls = page.get_by_role("main").locator("input:visible, select:visible, textarea:visible, button:visible")
    assert controls.count() > 0
    for i in range(controls.count()):
        expect(controls.nth(i)).to_have_accessible_name(re.compile(r"\w"))


def register_mantelzorger_with_respite_request(email: str):
    """Journey 1's outcome, through the services: a carer in Huissen with a
    high burden, a care recipient with dementia and a respite request."""
    from caregivers.models import CareRecipient, HelpRequest
    from caregivers.services import BurdenAnswers, CareRecipientDetails, mantelzorger_register, request_submit
    from common.slots import Slot
    from neighbourhoods.geocoding import get_geocoder

    user = make_user(email)
    location = get_geocoder().geocode(postcode="6851 AB", house_number="7")
    mantelzorger = mantelzorger_register(
        user=user,
        first_name="Ineke",
        last_name="Bosman",
        location=location,
        postcode="6851 AB",
        house_number="7",
        phone="026 123 45 67",
        relation="partner",
        care_hours_per_week=30,
        care_recipient=CareRecipientDetails(
            name="Gerrit", age_band=CareRecipient.AgeBand.ELDERLY, situation=CareRecipient.Situation.DEMENTIA
        ),
        burden=BurdenAnswers(score=8, sleeps_badly=True),
    )
    help_request = request_submit(
        organisation=mantelzorger.organisation,
        kind=HelpRequest.Kind.RESPITE,
        requester_first_name=mantelzorger.first_name,
        requester_last_name=mantelzorger.last_name,
        email=user.email,
        location=location,
        postcode="6851 AB",
        house_number="7",
        description="Gerrit houdt van oude liedjes.",
        weekly_slots=[Slot(1, datetime.time(13), datetime.time(17))],
        urgency=HelpRequest.Urgency.NORMAL,
        requester=user,
        mantelzorger=mantelzorger,
        care_recipient=mantelzorger.care_recipients.get(),
    )
    return user, mantelzorger, help_request


# -- journeys ------------------------------------------------------------------


def test_mantelzorger_registers_and_asks_for_respite_in_huissen(page: Page, demo):
    """Journey 5: a carer in Huissen registers, with the person cared for and how
    heavy care feels, and asks for a volunteer every Tuesday afternoon."""
    from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger, RequestEvent

    user = make_user("ineke.bosman@example.nl")
    log_in(page, user.email)
    page.goto("/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Wat wilt u doen?")).to_be_visible()
    shot(page, "journey5-1-what-do-you-want")
    main.get_by_role("link", name="Ik ben mantelzorger").click()
    expect(page).to_have_url(re.compile(r"/hulp/mantelzorger/aanmelden/$"))
    expect(page.get_by_role("heading", name="Aanmelden als mantelzorger", level=1)).to_be_visible()

    # 1. About you.
    main.get_by_label("Uw voornaam").fill("Ineke")
    main.get_by_label("Uw achternaam").fill("Bosman")
    main.get_by_label("Postcode").fill("6851 AB")
    main.get_by_label("Huisnummer").fill("7")
    group(page, "Voor wie zorgt u?").get_by_role("radio", name="partner", exact=True).check()
    main.get_by_label("Hoeveel uur per week zorgt u ongeveer?").fill("30")
    # 2. The person cared for.
    main.get_by_label("Voornaam of roepnaam").fill("Gerrit")
    group(page, "Leeftijd").get_by_role("radio", name="80 jaar of ouder").check()
    group(page, "Wat past het best bij de situatie?").get_by_role("radio", name="dementie").check()
    main.get_by_label("Wat moet een vrijwilliger weten?").fill("Houdt van oude liedjes. Loopt met een rollator.")
    # 3. How are you?
    group(page, "Hoe zwaar voelt de zorg nu?").get_by_role("radio", name="8", exact=True).check()
    main.get_by_role("checkbox", name="Ik slaap slecht door de zorg").check()
    expect_named_controls(page)
    shot(page, "journey5-2-mantelzorger-form")
    main.get_by_role("button", name="Aanmelden als mantelzorger").click()

    # The carer's home: the person cared for and the first check-in.
    expect(page).to_have_url(re.compile(r"/hulp/mantelzorger/$"))
    expect(page.get_by_text("Welkom! U staat nu bij ons bekend als mantelzorger.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hallo Ineke", level=1)).to_be_visible()
    recipients = page.get_by_role("region", name="Voor wie u zorgt")
    expect(recipients.get_by_role("heading", name="Gerrit")).to_be_visible()
    expect(recipients).to_contain_text("80 jaar of ouder")
    expect(recipients).to_contain_text("Dementie")
    burden = page.get_by_role("region", name="Hoe gaat het met u?")
    expect(burden).to_contain_text("De zorg voelt zwaar")
    expect(burden).to_contain_text("8 van de 10")
    checkins = page.get_by_role("table", name=re.compile("Hoe zwaar voelde de zorg"))
    expect(checkins.get_by_role("row")).to_have_count(2)  # the header and one check-in
    expect(checkins).to_contain_text("slaapt slecht")
    shot(page, "journey5-3-mantelzorger-home")

    # Respite: for Gerrit, every Tuesday 13:00-17:00.
    main.get_by_role("link", name="Respijtzorg aanvragen").click()
    expect(page).to_have_url(re.compile(r"/hulp/respijtzorg/$"))
    expect(page.get_by_role("heading", name="Respijtzorg aanvragen", level=1)).to_be_visible()
    who = group(page, "Voor wie zorgt de vrijwilliger?")
    who.get_by_role("radio", name="Gerrit (dementie)").check()
    expect(main.get_by_label("Postcode")).to_have_value("6851 AB")
    expect(main.get_by_label("Huisnummer")).to_have_value("7")
    first_time = group(page, "Tijd 1")
    first_time.get_by_label("Dag").select_option(label="dinsdag")
    first_time.get_by_label("Van").fill("13:00")
    first_time.get_by_label("Tot").fill("17:00")
    main.get_by_role("textbox", name="Wat moet de vrijwilliger weten?").fill("Gerrit zingt graag mee met oude liedjes.")
    group(page, "Hoe snel is de hulp nodig?").get_by_role("radio", name="Het is dringend").check()
    expect_named_controls(page)
    shot(page, "journey5-4-respite-form")
    main.get_by_role("button", name="Aanvraag versturen").click()

    # The confirmation: the request's own page.
    expect(page).to_have_url(re.compile(r"/hulp/vraag/\d+/$"))
    sent = "Uw aanvraag voor respijtzorg is verstuurd. Een makelaar neemt contact op."
    expect(page.get_by_text(sent)).to_be_visible()
    expect(page.get_by_role("heading", name="Uw vraag: respijtzorg", level=1)).to_be_visible()
    expect(main).to_contain_text("Uw vraag is binnen. Een makelaar neemt contact met u op.")
    expect(main).to_contain_text("elke dinsdag 13:00-17:00")
    expect(main).to_contain_text("De vrijwilliger heeft een geldige VOG")
    shot(page, "journey5-5-request-sent")

    # "Mijn hulpvragen" in the menu lists it, with how it stands.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn hulpvragen").click()
    expect(page).to_have_url(re.compile(r"/hulp/$"))
    table = page.get_by_role("table", name="Uw hulpvragen")
    rows = table.get_by_role("row").filter(has=page.get_by_role("link", name="Respijtzorg"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("voor Gerrit")
    expect(rows).to_contain_text("elke dinsdag 13:00-17:00")
    expect(rows).to_contain_text("Uw vraag is binnen")
    shot(page, "journey5-6-my-requests")

    mantelzorger = Mantelzorger.objects.select_related("organisation", "neighbourhood__municipality").get(user=user)
    assert (mantelzorger.first_name, mantelzorger.last_name) == ("Ineke", "Bosman")
    assert (mantelzorger.postcode, mantelzorger.house_number) == ("6851 AB", "7")
    assert mantelzorger.relation == Mantelzorger.Relation.PARTNER
    assert mantelzorger.care_hours_per_week == 30
    assert mantelzorger.organisation.slug == "regio-arnhem"
    assert mantelzorger.neighbourhood is not None
    assert mantelzorger.neighbourhood.name == "Huissen"
    assert mantelzorger.neighbourhood.municipality.name == "Lingewaard"
    [recipient] = CareRecipient.objects.filter(mantelzorger=mantelzorger)
    assert (recipient.name, recipient.age_band) == ("Gerrit", CareRecipient.AgeBand.ELDERLY)
    assert recipient.situation == CareRecipient.Situation.DEMENTIA
    [checkin] = BurdenCheckIn.objects.filter(mantelzorger=mantelzorger)
    assert checkin.score == 8
    assert checkin.sleeps_badly and not (checkin.no_time_for_self or checkin.health_suffers or checkin.feels_alone)
    assert checkin.is_high

    [help_request] = HelpRequest.objects.filter(mantelzorger=mantelzorger)
    assert help_request.kind == HelpRequest.Kind.RESPITE
    assert help_request.status == HelpRequest.Status.NEW
    assert help_request.urgency == HelpRequest.Urgency.HIGH
    assert help_request.needs_vog is True
    assert help_request.requester == user
    assert help_request.care_recipient == recipient
    assert help_request.organisation.slug == "regio-arnhem"
    assert help_request.neighbourhood is not None and help_request.neighbourhood.name == "Huissen"
    assert help_request.recurring is True
    assert [(s.weekday, s.start, s.end) for s in help_request.slots.all()] == [
        (1, datetime.time(13), datetime.time(17))
    ]
    assert not help_request.dates.exists()
    assert {"respite", "dementia"} <= {s.code for s in help_request.skills.all()}
    [event] = RequestEvent.objects.filter(request=help_request)
    assert (event.from_status, event.to_status, event.by) == ("", HelpRequest.Status.NEW, user)


def test_broker_takes_up_respite_request_and_refusal_to_refer_without_reason(page: Page, demo):
    """Journey 6: the demo broker finds the request of a heavily burdened carer at
    the top of the queue, opens it (which is logged), does the intake and marks it
    ready. Referring it without saying why is refused, and changes nothing."""
    from accounts.models import User
    from audit.models import AccessLogEntry
    from caregivers.models import HelpRequest, RequestEvent

    _carer, mantelzorger, help_request = register_mantelzorger_with_respite_request("ineke.bosman@example.nl")
    broker = User.objects.get(email=BROKER_EMAIL)
    assert not AccessLogEntry.objects.filter(subject_mantelzorger_id=mantelzorger.pk).exists()

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto("/")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Naar het overzicht").first.click()
    expect(page).to_have_url(re.compile(r"/organisatie/regio-arnhem/$"))
    shot(page, "journey6-1-dashboard")
    main.get_by_role("link", name="Naar de hulpvragen").click()

    # The queue: the request is there, flagged for the carer's burden.
    expect(page).to_have_url(re.compile(r"/organisatie/regio-arnhem/vragen/$"))
    expect(page.get_by_role("heading", name="Hulpvragen", level=1)).to_be_visible()
    queue = page.get_by_role("table", name=re.compile(r"^Hulpvragen"))
    row = queue.get_by_role("row").filter(has=page.get_by_role("link", name="Ineke Bosman"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("mantelzorger zwaar belast")
    expect(row).to_contain_text("Respijtzorg")
    expect(row).to_contain_text("Huissen")
    expect(row).to_contain_text("wekelijks di 13:00-17:00")
    expect_named_controls(page)
    shot(page, "journey6-2-queue")
    row.get_by_role("link", name="Ineke Bosman").click()

    # The request's page shows the care file, and opening it is logged.
    expect(page).to_have_url(re.compile(rf"/organisatie/regio-arnhem/vragen/{help_request.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vraag #{help_request.pk}: respijtzorg voor Ineke")
    badges = page.get_by_role("list", name="Kenmerken")
    expect(badges).to_contain_text("Nieuw")
    expect(badges).to_contain_text("mantelzorger zwaar belast")
    expect(badges).to_contain_text("VOG nodig")
    care = page.get_by_role("region", name="Mantelzorger en zorgvrager")
    expect(care).to_contain_text("Ineke Bosman")
    expect(care).to_contain_text("Gerrit, 80 jaar of ouder, dementie")
    expect(care).to_contain_text("Laatste score: 8 van 10.")
    expect_named_controls(page)
    shot(page, "journey6-3-request")
    accesses = AccessLogEntry.objects.filter(subject_mantelzorger_id=mantelzorger.pk, actor=broker)
    assert accesses.count() == 1
    assert accesses.get().what == "request_detail"
    assert accesses.get().subject_request_id == help_request.pk

    # Start the conversation: new -> intake.
    page.get_by_role("button", name="Gesprek starten").click()
    expect(page.get_by_text("Het gesprek is begonnen. Vul de intake in.")).to_be_visible()
    expect(badges).to_contain_text("In gesprek")
    shot(page, "journey6-4-intake-started")

    # The intake: the question behind the question and the own network; save and mark ready.
    main.get_by_role("link", name="Intake invullen").click()
    expect(page).to_have_url(re.compile(rf"/vragen/{help_request.pk}/intake/$"))
    expect(page.get_by_role("heading", name="Intake met Ineke", level=1)).to_be_visible()
    main.get_by_label("De vraag achter de vraag").fill(
        "Ineke is op. Ze wil één middag per week voor zichzelf, om te zwemmen en vriendinnen te zien."
    )
    main.get_by_label("Wat kan de persoon zelf?").fill(
        "De dochter komt op zaterdag. De buurman haalt soms boodschappen."
    )
    expect_named_controls(page)
    shot(page, "journey6-5-intake-form")
    main.get_by_role("button", name="Opslaan en klaarzetten om te koppelen", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/organisatie/regio-arnhem/vragen/{help_request.pk}/$"))
    expect(page.get_by_text("De intake is opgeslagen. De vraag staat klaar om te koppelen.")).to_be_visible()
    expect(badges).to_contain_text("Klaar om te koppelen")
    expect(main).to_contain_text("Ineke is op.")
    expect(main).to_contain_text("De dochter komt op zaterdag.")
    shot(page, "journey6-6-ready")

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.READY
    assert help_request.question_behind.startswith("Ineke is op.")
    assert help_request.own_strength.startswith("De dochter komt op zaterdag.")
    events = list(RequestEvent.objects.filter(request=help_request).order_by("at", "pk"))
    steps = [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]
    assert steps == [("", "new"), ("new", "intake"), ("intake", "ready")]
    assert all(e.by == broker for e in events[1:]), [(e.from_status, e.to_status, e.by) for e in events]
    events_before = len(events)

    # Bad input: refer without saying why.
    main.get_by_role("link", name="Doorverwijzen").click()
    expect(page).to_have_url(re.compile(rf"/vragen/{help_request.pk}/doorverwijzen/$"))
    main.get_by_label("Naar wie verwijst u door?").fill("Casemanager dementie Lingewaard")
    main.get_by_role("button", name="Doorverwijzen", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/vragen/{help_request.pk}/doorverwijzen/$"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Er is iets niet goed ingevuld")
    expect(summary).to_contain_text("Vul in waarom u de vraag doorverwijst.")
    reason = main.get_by_label("Waarom?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(main.get_by_label("Naar wie verwijst u door?")).to_have_value("Casemanager dementie Lingewaard")
    expect(page).to_have_title(re.compile(r"^Fout:"))
    expect_named_controls(page)
    shot(page, "journey6-7-refer-without-reason")

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.READY
    assert help_request.referred_to == ""
    assert RequestEvent.objects.filter(request=help_request).count() == events_before

    # Back on the request page the status still reads "klaar om te koppelen".
    main.get_by_role("link", name="Terug naar de vraag").click()
    expect(badges).to_contain_text("Klaar om te koppelen")


def test_anonymous_visitor_asks_without_an_account_and_the_broker_finds_it(page: Page, demo):
    """Issue #18: from the postcode lookup (which also names Arnhem's Wmo-loket) an
    anonymous visitor asks for transport without an account; the thank-you page shows
    nothing of what was sent; the demo broker finds the request in the queue, marked
    "via de website, zonder account", with the best time to call."""
    from caregivers.models import HelpRequest

    page.goto("/buurt/")
    page.get_by_label("Postcode").fill("6828 AB")
    page.get_by_label("Huisnummer").fill("5")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("region", name=re.compile("Meer nodig dan een vrijwilliger"))).to_contain_text(
        "Wmo-loket gemeente Arnhem"
    )
    shot(page, "lookup-front-door")
    page.get_by_role("link", name="Hulp vragen zonder account").click()

    expect(page.get_by_role("heading", name="Hulp vragen zonder account", level=1)).to_be_visible()
    expect(page.get_by_label("Postcode")).to_have_value("6828 AB")  # carried over from the lookup
    page.get_by_label("Vervoer, bijvoorbeeld naar de dokter").check()
    page.get_by_label("Wat is er nodig?").fill("Elke donderdag naar de fysiotherapeut en terug.")
    page.get_by_label("Voornaam van wie de hulp krijgt").fill("Wilhelmina")
    page.get_by_label("Telefoonnummer").fill("06 12 34 56 78")
    page.get_by_label("Wanneer kunnen we u het beste bellen?").fill("dinsdagochtend")
    expect_named_controls(page)
    shot(page, "ask-without-account-form")
    page.get_by_role("button", name="Versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dank u wel. Uw vraag is verstuurd.")
    body = page.locator("body").inner_text()
    assert "Wilhelmina" not in body and "0612345678" not in body and "fysiotherapeut" not in body
    help_request = HelpRequest.objects.get(requester_first_name="Wilhelmina")
    assert help_request.source == "web_no_account" and help_request.requester is None

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto("/organisatie/regio-arnhem/vragen/?sort=newest")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Wilhelmina"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("via de website, zonder account")
    expect(row).to_contain_text("Vervoer")
    row.get_by_role("link", name="Wilhelmina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vraag #{help_request.pk}: vervoer voor Wilhelmina")
    expect(page.locator("#zonder-account")).to_contain_text("Beste tijd om te bellen: dinsdagochtend.")
    shot(page, "ask-without-account-broker")
