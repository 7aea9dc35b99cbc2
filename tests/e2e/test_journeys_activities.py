"""Issue #16 (Done when): a broker creates an activity from a demand signal ("In Velp
wachten 6 vragen voor respijtzorg op dinsdagmiddag") and invites the waiting carers; six
sign up for four places, one cancels, and the first on the waiting list gets the offer
by e-mail and takes the place."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, log_out, make_user, shot, wait_for_mail

pytestmark = pytest.mark.e2e

CARERS = ["Anouk", "Bas", "Carla", "Dirk", "Esra", "Femke"]


def _email(name: str) -> str:
    return f"{name.lower()}@mantelzorg.example"


def _waiting_carers() -> None:
    """Six carers in Velp with an account, each with a respite request for Tuesday
    afternoon that waits (the demand signal)."""
    from caregivers.models import HelpRequest, Mantelzorger, RequestSlot
    from neighbourhoods.models import Neighbourhood, Organisation, Skill

    organisation = Organisation.objects.get(slug="regio-arnhem")
    velp = Neighbourhood.objects.get(name="Velp")
    respite = Skill.objects.get(organisation=None, code="respite")
    for i, name in enumerate(CARERS):
        user = make_user(_email(name))
        carer = Mantelzorger.objects.create(
            organisation=organisation,
            user=user,
            first_name=name,
            last_name="Jansen",
            email=user.email,
            place="Velp",
            latitude=velp.latitude,
            longitude=velp.longitude,
            neighbourhood=velp,
        )
        request = HelpRequest.objects.create(
            organisation=organisation,
            requester=user,
            mantelzorger=carer,
            requester_first_name=name,
            kind=HelpRequest.Kind.RESPITE,
            description="Ik wil op dinsdagmiddag even op adem komen.",
            email=user.email,
            place="Velp",
            latitude=velp.latitude,
            longitude=velp.longitude,
            neighbourhood=velp,
        )
        HelpRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - datetime.timedelta(days=20 - i))
        request.skills.set([respite])
        RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(14), end=datetime.time(17))


def _link(message, pattern: str) -> str:
    found = re.search(rf"https?://\S+?{pattern}", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def test_broker_creates_an_activity_from_demand_six_sign_up_one_cancels_the_next_takes_the_place(
    page: Page, demo, mail, live_server, settings
):
    _waiting_carers()

    # 1. The broker sees the signal on the demand page and makes an activity from it.
    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto("/organisatie/regio-arnhem/cijfers/vraag-en-aanbod/")
    signal = page.locator("li.signal").filter(has_text="In Velp wachten 6 vragen").filter(has_text="dinsdagmiddag")
    expect(signal).to_have_count(1)
    signal.get_by_role("link", name=re.compile("Maak een activiteit hiervoor")).click()
    expect(page.get_by_test_id("demand")).to_contain_text("Velp")
    expect(page.get_by_label("Vaste tijden (bij elke week)")).to_have_value("di 14:00-17:00")
    page.get_by_label("Titel").fill("Respijtmiddag <b>Velp</b>")
    page.get_by_label("Wat gebeurt er?").fill("Elke dinsdagmiddag koffie, een spel en even rust.")
    page.get_by_label("Loopt tot en met").fill((timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    page.get_by_label("Plaatsen voor deelnemers").fill("4")
    page.get_by_role("button", name="Opslaan en online zetten").click()
    expect(page.locator("h1")).to_have_text("Respijtmiddag <b>Velp</b>")  # shown as text
    expect(page.get_by_text("6 hulpvragen wachten en passen bij deze activiteit")).to_be_visible()
    page.get_by_role("button", name="Uitnodigen").click()
    expect(page.get_by_text("Uitnodigingen verstuurd: 6.")).to_be_visible()
    activity_url = urlsplit(page.get_by_role("link", name="Bekijk de openbare pagina").get_attribute("href")).path
    log_out(page)

    # 2. Six carers follow the link in their invitation and sign up: four places, two wait.
    for i, name in enumerate(CARERS):
        [invitation] = wait_for_mail(mail, _email(name))
        assert _link(invitation, r"/activiteiten/\d+/") == activity_url
        log_in(page, _email(name))
        page.goto(activity_url)
        page.get_by_role("radio", name="meedoen").check()
        page.get_by_role("button", name="Aanmelden").click()
        status = page.get_by_test_id("own-status")
        expect(status).to_have_text("heeft een plaats" if i < 4 else "op de wachtlijst")
        log_out(page)

    # 3. The second one cancels: the first on the waiting list (Esra) is offered the place.
    log_in(page, _email("Bas"))
    page.goto(activity_url)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("U bent afgemeld.")).to_be_visible()
    log_out(page)
    offers = [m for m in wait_for_mail(mail, _email("Esra")) if "plaats" in m.subject]
    assert len(offers) == 1 and not [m for m in mail.outbox if _email("Femke") in m.to and "plaats" in m.subject]

    # 4. Esra opens the link in the offer (no login needed) and takes the place.
    page.goto(_link(offers[0], r"/activiteiten/aanbod/\S+?/"))
    expect(page.locator("h1")).to_have_text("Er is een plaats voor u")
    page.get_by_role("button", name="Ja, ik kom").click()
    expect(page.locator("h1")).to_have_text("U heeft een plaats")
    shot(page, "activities-offer-taken")

    # 5. The broker sees the four with a place and Femke still waiting.
    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto("/organisatie/regio-arnhem/activiteiten/")
    page.get_by_role("link", name="Respijtmiddag <b>Velp</b>").click()
    participants = page.locator("#participants")
    for name in ("Anouk", "Carla", "Dirk", "Esra"):
        expect(participants).to_contain_text(name)
    expect(participants).not_to_contain_text("Bas")
    expect(page.locator("#waiting")).to_contain_text("Femke")
