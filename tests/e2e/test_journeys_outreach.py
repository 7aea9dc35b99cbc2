"""Browser journeys of issue #15: a signal about a carer, passed on by staff or by a partner, becomes a
request in the broker's queue; and a carer's burden before and after respite shows in
the organisation's report once the respite ended and the carer checked in again."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, log_out, shot
from tests.e2e.test_journeys_lifecycle import CARER_EMAIL, ready_respite_request, volunteer_in_huissen
from tests.e2e.test_journeys_people import group

pytestmark = pytest.mark.e2e

BROKER_EMAIL = "makelaar@buurtmakelaar.demo"
ORGANISATION = "regio-arnhem"
QUEUE = f"/organisatie/{ORGANISATION}/vragen/"


def test_a_staff_signal_becomes_a_request_in_the_queue(page: Page, demo, settings):
    from caregivers.models import CareSignal, HelpRequest, Mantelzorger

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(QUEUE)
    page.get_by_role("link", name="Signaal doorgeven").click()
    expect(page.get_by_role("heading", name="Signaal doorgeven", level=1)).to_be_visible()
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Hoe bereiken we de persoon?").fill("026 765 43 21")
    page.get_by_label("Postcode").fill("6851 AB")
    page.get_by_label("Wat viel op?").fill("Zorgt alleen voor haar man met dementie en slaapt slecht.")
    page.get_by_label("De persoon zorgt voor een naaste (mantelzorger)").check()
    page.get_by_label("Van wie komt het signaal?").select_option("gp")
    page.get_by_label("Naam van de melder of organisatie").fill("Huisartsenpraktijk De Linde")
    page.get_by_label("Mondeling").check()
    # Without consent: refused, with the reason, and what was typed stays.
    page.get_by_role("button", name="Signaal doorgeven").click()
    expect(page.get_by_text("Zonder toestemming van de persoon slaan we geen signaal op").first).to_be_visible()
    expect(page.get_by_label("Voornaam")).to_have_value("Zoë")
    assert not CareSignal.objects.exists()
    page.get_by_label("De persoon vindt het goed dat wij contact opnemen").check()
    page.get_by_role("button", name="Signaal doorgeven").click()
    signal = CareSignal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signaal #{signal.pk} over Zoë")

    # The queue shows it, marked as a signal.
    page.goto(QUEUE)
    signals = page.get_by_role("region", name=re.compile("nieuw signaal"))
    expect(signals).to_contain_text("signaal")
    signals.get_by_role("link", name=f"Signaal #{signal.pk}: Zoë").click()
    shot(page, "outreach-1-signal")

    # The broker called Zoë: the request form starts with what the signal holds.
    page.get_by_role("link", name="Hulpvraag maken").click()
    expect(page.get_by_label("Voornaam")).to_have_value("Zoë")
    expect(page.get_by_label("Telefoonnummer")).to_have_value("026 765 43 21")
    expect(page.get_by_label("Wat is er nodig?")).to_have_value(
        "Zorgt alleen voor haar man met dementie en slaapt slecht."
    )
    page.get_by_label("Huisnummer").fill("9")
    page.get_by_label("Vaste tijden, elke week").fill("di 13:00-17:00")
    page.get_by_role("button", name="Vraag opslaan").click()
    expect(page.get_by_text("De vraag van Zoë staat erin.")).to_be_visible()

    help_request = HelpRequest.objects.get(requester_first_name="Zoë")
    signal.refresh_from_db()
    assert (signal.status, signal.request) == (CareSignal.Status.REQUEST, help_request)
    assert help_request.kind == HelpRequest.Kind.RESPITE
    # Respite for an offline carer: she has a carer record now (and counts in the figures).
    assert help_request.mantelzorger == Mantelzorger.objects.get(first_name="Zoë", user=None)
    page.goto(QUEUE)
    expect(page.get_by_role("main")).to_contain_text(f"#{help_request.pk}")
    expect(page.get_by_role("region", name=re.compile("nieuw signaal"))).to_have_count(0)
    shot(page, "outreach-2-queue")


def test_respite_ends_and_the_report_shows_the_carers_burden_change(page: Page, demo, settings):
    """Set up in the database: Ineke's respite match runs (her check-in of 8 came before
    it started). In the browser: the broker ends the match with its evaluation, Ineke
    checks in again (3), and the broker's organisation report shows one carer measured
    before and after, -5."""
    from django.urls import reverse

    from accounts.models import User
    from caregivers.models import BurdenCheckIn
    from matches.models import Match

    broker = User.objects.get(email=BROKER_EMAIL)
    _carer, mantelzorger, help_request = ready_respite_request(broker)
    _user, volunteer = volunteer_in_huissen(broker)
    now = timezone.now()
    BurdenCheckIn.objects.filter(mantelzorger=mantelzorger).update(created_at=now - datetime.timedelta(days=3))
    match = Match.objects.create(
        organisation=help_request.organisation,
        request=help_request,
        volunteer=volunteer,
        status=Match.Status.ACTIVE,
        proposed_by=broker,
        accepted_at=now - datetime.timedelta(days=2),
        activated_at=now - datetime.timedelta(days=2),
    )

    # The broker ends the respite with its evaluation.
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(reverse("matching_broker:detail", kwargs={"slug": ORGANISATION, "pk": match.pk}))
    end = page.get_by_role("region", name="Afronden met evaluatie")
    group(page, "Is het doel bereikt?").get_by_role("radio", name="ja", exact=True).check()
    end.get_by_label("Hoe tevreden is de vrijwilliger?").select_option("5")
    end.get_by_label("Hoe tevreden is de hulpvrager?").select_option("5")
    group(page, "Hoe gaat het verder met de vraag?").get_by_role("radio", name="vraag afsluiten").check()
    end.get_by_role("button", name="Afronden").click()
    expect(page.get_by_text("De koppeling is afgerond en de evaluatie is opgeslagen.")).to_be_visible()
    match.refresh_from_db()
    assert match.status == Match.Status.ENDED
    log_out(page)

    log_in(page, CARER_EMAIL)
    page.goto("/hulp/mantelzorger/hoe-gaat-het/")
    group(page, "Hoe zwaar voelt de zorg nu?").get_by_label("3", exact=True).check()
    page.get_by_role("button", name=re.compile("Opslaan|Versturen|Bewaren")).click()
    assert BurdenCheckIn.objects.filter(mantelzorger=mantelzorger, score=3).exists()
    log_out(page)
    # The stored figures of the open month are counted again every 10 minutes (beat).
    from reports.months import Month
    from reports.store import report_months_refresh

    report_months_refresh(organisation=help_request.organisation, months=[Month.current(timezone.now())])

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    month = timezone.localdate().strftime("%Y-%m")
    page.goto(f"/organisatie/{ORGANISATION}/cijfers/organisatie/?maand={month}")
    table = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Verandering in belasting na respijtzorg (mediaan)")
    )
    # Huissen lies in Lingewaard; the last two columns are the new figures.
    cells = table.get_by_role("row").filter(has_text="Lingewaard").first.get_by_role("cell")
    texts = [text.strip() for text in cells.all_inner_texts()]
    assert texts[-2] == "1", texts
    assert re.fullmatch(r"[-−]5(,0)?", texts[-1]), texts
    shot(page, "outreach-3-burden-change")


def test_a_partner_passes_a_signal_and_the_broker_makes_it_a_request(page: Page, demo, settings):
    """The demo partner passes a signal on its own pages and sees the date and status
    only; the broker finds it in the queue and turns it into a request."""
    from caregivers.models import CareSignal

    log_in(page, "partner@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto("/partner/")
    page.get_by_role("link", name="Signaal doorgeven").first.click()
    expect(page.get_by_role("heading", name="Signaal doorgeven", level=1)).to_be_visible()
    expect(page.get_by_label("Van wie komt het signaal?")).to_have_count(0)
    page.get_by_label("Voornaam").fill("Mirjam")
    page.get_by_label("Hoe bereiken we de persoon?").fill("026 111 22 33")
    page.get_by_label("Postcode").fill("6851 AB")
    page.get_by_label("Wat viel op?").fill("Haalt pakketten voor haar vader en oogt moe.")
    page.get_by_label("De persoon zorgt voor een naaste (mantelzorger)").check()
    page.get_by_label("Mondeling").check()
    page.get_by_label("De persoon vindt het goed dat wij contact opnemen").check()
    page.get_by_role("button", name="Signaal doorgeven").click()
    expect(page.get_by_text(re.compile(r"^Doorgegeven op \d"))).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Mirjam")
    expect(page.get_by_role("table")).to_contain_text("open")
    signal = CareSignal.objects.get(first_name="Mirjam")
    assert signal.source_kind == CareSignal.SourceKind.PARTNER and signal.source_partner_id
    log_out(page)

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(QUEUE)
    page.get_by_role("region", name=re.compile("nieuw signaal")).get_by_role(
        "link", name=f"Signaal #{signal.pk}: Mirjam"
    ).click()
    expect(page.get_by_role("main")).to_contain_text(signal.source_name)
    page.get_by_role("link", name="Hulpvraag maken").click()
    page.get_by_label("Huisnummer").fill("9")
    page.get_by_label("Vaste tijden, elke week").fill("di 13:00-17:00")
    page.get_by_role("button", name="Vraag opslaan").click()
    expect(page.get_by_text("De vraag van Mirjam staat erin.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.status == CareSignal.Status.REQUEST
