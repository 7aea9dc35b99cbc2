"""Browser journey of a match's life (issue: match lifecycle): the broker proposes a
volunteer for a mantelzorger's ready respite request; the volunteer says yes from
the link in the proposal e-mail (and a second click on that link is refused); the
mantelzorger agrees on "Wie komt er?"; the volunteer writes hours; the broker
approves them and ends the match with an evaluation that closes the request.

The people, the request and the volunteer are made through the services (as
journey 6 does); every step of the match goes through the browser, one person at a
time in the same browser (logging out in between). The e-mail is read from Django's
outbox, whatever sends it (today a Celery task, run eagerly here): only the message
and the link in its plain-text body count.

Regression: the link page used to answer with ``Referrer-Policy: no-referrer``, so
Chromium posted its form with ``Origin: null`` and Django's CSRF check refused the
yes (403). Django's test client skips CSRF checks, so only a real browser sees it:
a 403 on that POST fails here with :class:`LinkPostRefused` and the headers.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import PASSWORD, log_in, log_out, make_user, shot, wait_for_mail
from tests.e2e.test_journeys_matching import pool_fresh
from tests.e2e.test_journeys_people import group, register_mantelzorger_with_respite_request

pytestmark = pytest.mark.e2e

BROKER_EMAIL = "makelaar@buurtmakelaar.demo"
ORGANISATION = "regio-arnhem"
DASHBOARD = f"/organisatie/{ORGANISATION}/"
CARER_EMAIL = "ineke.bosman@example.nl"
VOLUNTEER_EMAIL = "joost.vantveld@example.nl"
VOLUNTEER_NAME = "Joost van 't Veld"
# A link in the proposal e-mail, wherever the site lives (SITE_URL or the request's host).
LINK_RE = r"https?://[^\s<>\"']+/koppelingen/link/{purpose}/[A-Za-z0-9_-]{{20,100}}/"


class LinkPostRefused(AssertionError):
    """The POST from the e-mail link page was refused by the CSRF check (a regression)."""


# -- set-up through the services ------------------------------------------------


def ready_respite_request(broker):
    """Journey 5's carer in Huissen (Ineke, caring for Gerrit), whose respite request
    every Tuesday 13:00-17:00 the broker has clarified and marked ready."""
    from caregivers.intake import request_intake_save, request_mark_ready

    carer, mantelzorger, help_request = register_mantelzorger_with_respite_request(CARER_EMAIL)
    request_intake_save(
        request=help_request,
        by=broker,
        question_behind="Ineke wil één middag per week voor zichzelf.",
        own_strength="De dochter komt op zaterdag.",
        kind=help_request.kind,
        urgency=help_request.urgency,
        skills=list(help_request.skills.all()),
        max_distance_km=help_request.max_distance_km,
    )
    request_mark_ready(request=help_request, by=broker)
    return carer, mantelzorger, help_request


def volunteer_in_huissen(broker):
    """A volunteer 1 km north of Ineke, free on Tuesday afternoons, with the skills
    respite needs (respite, dementia) and a valid VOG checked by the broker."""
    from caregivers.services import default_skills
    from common.geo import Point
    from common.slots import parse_slots
    from neighbourhoods.geocoding import get_geocoder
    from volunteers.models import VogCheck
    from volunteers.services import vog_record, volunteer_register

    user = make_user(VOLUNTEER_EMAIL)
    # 1 km north of Ineke's home (6851 AB 7): since every PC4 area has its own point, the
    # volunteer's own postcode area (6852) lies further away.
    ineke = get_geocoder().geocode(postcode="6851 AB", house_number="7")
    location = get_geocoder().geocode(postcode="6852 AB", house_number="3")
    location = dataclasses.replace(location, point=Point(ineke.point.lat + 0.009, ineke.point.lon))
    first_name, last_name = VOLUNTEER_NAME.split(" ", 1)
    volunteer = volunteer_register(
        user=user,
        first_name=first_name,
        last_name=last_name,
        location=location,
        postcode="6852 AB",
        house_number="3",
        max_distance_km=5,
        skills=default_skills("respite", "dementia"),
        phone="06 12 34 56 78",
        slots=parse_slots("tue 13:00-17:30"),
    )
    vog_record(
        volunteer=volunteer,
        status=VogCheck.Status.VALID,
        issued_on=timezone.localdate() - datetime.timedelta(days=30),
        note="",
        by=broker,
    )
    return user, volunteer


def link_from(message, purpose: str) -> str:
    """The path of the accept or decline link in the e-mail's plain-text body."""
    found = re.findall(LINK_RE.format(purpose=purpose), message.body)
    assert len(found) == 1, f"expected one {purpose} link in the e-mail, found {found}:\n{message.body}"
    return urlsplit(found[0]).path


def steps(match) -> list[tuple[str, str, str | None]]:
    """The match's recorded transitions: (from, to, by e-mail), oldest first."""
    from matches.models import MatchEvent

    events = MatchEvent.objects.filter(match=match).select_related("by").order_by("at", "pk")
    return [(e.from_status, e.to_status, e.by.email if e.by else None) for e in events]


def request_steps(help_request) -> list[tuple[str, str]]:
    from caregivers.models import RequestEvent

    events = RequestEvent.objects.filter(request=help_request).order_by("at", "pk")
    return [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]


# -- the journey -------------------------------------------------------------------


def test_match_from_proposal_by_email_to_evaluation_in_huissen(page: Page, demo, mail, settings):
    """Journey 8: propose, yes from the e-mail link (twice: the second is refused),
    the mantelzorger agrees, hours, approval, the end with an evaluation."""
    from accounts.models import User
    from caregivers.models import HelpRequest
    from matches.models import Evaluation, HoursEntry, Match, MatchLinkToken

    broker = User.objects.get(email=BROKER_EMAIL)
    _carer, _mantelzorger, help_request = ready_respite_request(broker)
    _user, volunteer = volunteer_in_huissen(broker)
    pool_fresh()
    assert help_request.status == HelpRequest.Status.READY

    # 1. The broker proposes Joost on the request's page ("Wie kan helpen?").
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    detail_url = f"{DASHBOARD}vragen/{help_request.pk}/"
    page.goto(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vraag #{help_request.pk}: respijtzorg voor Ineke")
    suggestions = page.locator("#suggestions")
    expect(suggestions.get_by_role("heading", name="Vrijwilligers die passen")).to_be_visible()
    candidate = suggestions.locator("ol.candidates > li").filter(has_text=VOLUNTEER_NAME)
    expect(candidate).to_contain_text("1,0 km")
    # The full reasons are behind "Meer" in the compact list (issue #18, the broker desk).
    candidate.locator("summary").click()
    expect(candidate.get_by_role("list", name="Waarom deze vrijwilliger")).to_contain_text("heeft geldige VOG")
    shot(page, "journey8-1-who-can-help")
    candidate.get_by_role("button", name=re.compile(rf"^Voorstellen\s*:\s*{re.escape(VOLUNTEER_NAME)}$")).click()
    expect(page.get_by_text(f"{VOLUNTEER_NAME} is voorgesteld voor deze vraag.")).to_be_visible()
    matches_table = page.locator("#suggestions").get_by_role(
        "table", name="Koppelingen bij deze vraag, de nieuwste eerst"
    )
    expect(matches_table.get_by_role("row").filter(has_text=VOLUNTEER_NAME)).to_contain_text("voorgesteld")

    match = Match.objects.get(request=help_request)
    assert (match.volunteer, match.status, match.proposed_by) == (volunteer, Match.Status.PROPOSED, broker)
    assert steps(match) == [("", "proposed", BROKER_EMAIL)]
    assert MatchLinkToken.objects.filter(match=match, used_at__isnull=True).count() == 2
    log_out(page)

    # 2. The proposal e-mail: what and where, no name or address; a yes and a no link.
    [message] = wait_for_mail(mail, VOLUNTEER_EMAIL)
    assert message.subject == "Wilt u helpen? Respijtzorg in Huissen"
    assert message.body.startswith("Beste Joost,")
    assert "Soort hulp: Respijtzorg" in message.body
    assert "Wanneer: elke dinsdag 13:00-17:00" in message.body
    # Not who and where they are, and not the carer's own words (they may be about
    # health): those are on the link's page.
    assert "Wat er precies nodig is, leest u op uw eigen pagina als u bent ingelogd." in message.body
    for private in ("Ineke", "Bosman", "6851 AB", "026 123 45 67", "Gerrit"):
        assert private not in message.body, f"the proposal e-mail shows {private!r} before Joost said yes"
    accept_path = link_from(message, "accept")
    link_from(message, "decline")  # there, and only once

    # 3. The link opens a page with the proposal and a button; the GET changes nothing.
    response = page.goto(accept_path)
    assert response is not None and response.status == 200
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Ja zeggen op een voorstel", level=1)).to_be_visible()
    expect(main).to_contain_text("Dit is het voorstel van de vrijwilligerscentrale:")
    expect(main).to_contain_text("Respijtzorg")
    expect(main).to_contain_text("Huissen (1,0 km van u)")
    expect(main).to_contain_text("elke dinsdag 13:00-17:00")
    expect(main).to_contain_text("Voor deze hulp is een geldige VOG nodig.")
    # The carer's own words may be about health: only for the volunteer, logged in.
    expect(main).to_contain_text("Log in om te lezen wat de hulpvrager zelf schreef.")
    expect(main).not_to_contain_text("Gerrit houdt van oude liedjes.")
    expect(main).not_to_contain_text("Ineke")
    shot(page, "journey8-2-accept-link")
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED and match.accepted_at is None
    assert len(steps(match)) == 1
    assert MatchLinkToken.objects.filter(match=match, used_at__isnull=True).count() == 2

    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == accept_path) as posted:
        main.get_by_role("button", name="Ja, ik help graag").click()
    if posted.value.status == 403:
        raise LinkPostRefused(
            f"POST {accept_path} answered 403 (Origin: {posted.value.request.all_headers().get('origin')!r}, "
            f"Referrer-Policy of the page: {response.headers.get('referrer-policy')!r})"
        )
    done = page.get_by_role("status")
    expect(done).to_contain_text("Dank u wel! U zei ja.")
    expect(done).to_contain_text("Log in om het adres en het telefoonnummer te zien.")
    shot(page, "journey8-3-said-yes")

    match.refresh_from_db()
    assert match.status == Match.Status.ACCEPTED_BY_VOLUNTEER
    assert match.accepted_at is not None
    assert steps(match)[1:] == [("proposed", "accepted_by_volunteer", VOLUNTEER_EMAIL)]
    assert match.events.order_by("at", "pk").last().code == "accepted_by_mail"
    # Both links of the e-mail are used up together (the no link cannot undo the yes).
    assert not MatchLinkToken.objects.filter(match=match, used_at__isnull=True).exists()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.READY  # until the mantelzorger agrees

    # 4. The bad path: the same link a second time says it was used, and changes nothing.
    before = (match.status, match.accepted_at, match.updated_at, len(steps(match)))
    response = page.goto(accept_path)
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", name="Ja zeggen op een voorstel", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Deze link is al gebruikt. Een link werkt maar één keer. Log in om te zien hoe het ervoor staat."
    )
    expect(page.get_by_role("main").get_by_role("button", name="Ja, ik help graag")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("link", name="Naar mijn voorstellen")).to_be_visible()
    shot(page, "journey8-4-link-used")
    match.refresh_from_db()
    assert (match.status, match.accepted_at, match.updated_at, len(steps(match))) == before

    # 5. The mantelzorger sees who is coming on "Wie komt er?" and agrees.
    log_in(page, CARER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wie komt er?").click()
    expect(page).to_have_url(re.compile(r"/koppelingen/wie-komt-er/$"))
    expect(page.get_by_role("heading", name="Wie komt er?", level=1)).to_be_visible()
    card = page.locator(f"#match-{match.pk}")
    expect(card.get_by_role("heading", level=3)).to_have_text("Joost – respijtzorg")
    expect(card).to_contain_text("De vrijwilliger wil graag helpen. Past het voor u?")
    expect(card).to_contain_text("Joost wil u graag helpen. Heeft u kennisgemaakt en past het?")
    expect(card).to_contain_text("elke dinsdag 13:00-17:00")
    expect(card).not_to_contain_text("van 't Veld")  # first name only
    shot(page, "journey8-5-who-is-coming")
    card.get_by_role("button", name="Ja, dit past").click()

    expect(page).to_have_url(re.compile(r"/koppelingen/wie-komt-er/$"))
    expect(page.get_by_text("Fijn! Joost komt helpen. De vrijwilliger neemt contact met u op.")).to_be_visible()
    card = page.locator(f"#match-{match.pk}")
    expect(card).to_contain_text("Deze vrijwilliger helpt u")
    expect(card.get_by_role("button", name="Ja, dit past")).to_have_count(0)
    expect(card.get_by_role("link", name="Past niet meer")).to_be_visible()
    shot(page, "journey8-6-agreed")

    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert match.activated_at is not None and match.intro_meeting_at is None
    assert steps(match)[2:] == [("accepted_by_volunteer", "active", CARER_EMAIL)]
    assert match.events.order_by("at", "pk").last().note == "De hulpvrager zegt: ja, dit past."
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.MATCHED
    assert request_steps(help_request)[-1] == ("ready", "matched")
    log_out(page)

    # 6. The volunteer logs in, sees the match with the address, and writes hours.
    log_in(page, VOLUNTEER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn voorstellen").click()
    expect(page).to_have_url(re.compile(r"/koppelingen/$"))
    expect(page.get_by_role("heading", name="Mijn voorstellen en koppelingen", level=1)).to_be_visible()
    current = page.get_by_role("region", name="Mijn koppelingen")
    card = current.locator(f"#match-{match.pk}")
    expect(card.get_by_role("heading", level=3)).to_have_text("Respijtzorg bij Ineke Bosman")
    expect(card).to_contain_text("Loopt")
    expect(card).to_contain_text("6851 AB 7, Huissen")
    expect(card).to_contain_text("026 123 45 67")
    expect(page.get_by_role("region", name="Nieuwe voorstellen")).to_contain_text("Er zijn nu geen nieuwe voorstellen.")
    # Today in Amsterdam, read after the yes: never before the start of the match.
    worked_on = timezone.localdate()
    card.get_by_label("Datum").fill(worked_on.isoformat())
    card.get_by_label("Aantal uren").fill("2,5")
    card.get_by_label("Opmerking").fill("Met Gerrit oude liedjes gezongen.")
    shot(page, "journey8-7-hours-form")
    card.get_by_role("button", name="Uren opslaan").click()

    expect(page).to_have_url(re.compile(rf"/koppelingen/#match-{match.pk}$"))
    expect(
        page.get_by_text(
            f"Uw uren zijn opgeslagen: 2,5 uur op {worked_on:%d-%m-%Y}. De makelaar keurt ze goed.",
        )
    ).to_be_visible()
    written = page.locator(f"#match-{match.pk}").get_by_role("table", name="Geschreven uren")
    rows = written.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Met Gerrit oude liedjes gezongen.")
    expect(rows.first).to_contain_text("nog niet")
    expect(written.locator("tfoot")).to_contain_text("0 goedgekeurd, 2,5 nog niet")
    shot(page, "journey8-8-hours-written")

    [entry] = HoursEntry.objects.filter(match=match)
    assert (entry.date, entry.hours, entry.note) == (worked_on, Decimal("2.50"), "Met Gerrit oude liedjes gezongen.")
    assert entry.approved_at is None and entry.approved_by is None
    log_out(page)

    # 7. The broker finds the hours on "Koppelingen" and approves them on the match.
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto(DASHBOARD)
    page.get_by_role("main").get_by_role("link", name="Koppelingen", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}koppelingen/$"))
    expect(page.get_by_role("heading", name="Koppelingen", level=1)).to_be_visible()
    running = page.get_by_role("region", name="Lopende koppelingen")
    expect(running).to_contain_text(f"{VOLUNTEER_NAME} – respijtzorg voor Ineke")
    per_volunteer = page.get_by_role("table", name="Per vrijwilliger")
    expect(per_volunteer.get_by_role("row").filter(has_text=VOLUNTEER_NAME)).to_contain_text("2,5")
    shot(page, "journey8-9-broker-matches")
    running.get_by_role("link", name=re.compile(re.escape(VOLUNTEER_NAME))).click()

    match_url = f"{DASHBOARD}koppelingen/{match.pk}/"
    expect(page).to_have_url(re.compile(rf"{match_url}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Koppeling #{match.pk}: Joost bij Ineke")
    main = page.get_by_role("main")
    expect(main.locator(".page-header .badge")).to_have_text("Loopt")
    hours_table = main.get_by_role("table", name="Totaal 2,5 uur: 0 goedgekeurd, 2,5 nog niet")
    expect(hours_table).to_be_visible()
    hours_table.locator("tbody tr").first.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_text("De uren zijn goedgekeurd.")).to_be_visible()
    expect(main.get_by_role("table", name="Totaal 2,5 uur: 2,5 goedgekeurd, 0 nog niet")).to_be_visible()
    expect(main.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    entry.refresh_from_db()
    assert entry.approved_by == broker and entry.approved_at is not None

    # 8. The broker ends the match with the evaluation: goal reached, both sides
    # satisfied, close the request.
    end = page.get_by_role("region", name="Afronden met evaluatie")
    group(page, "Is het doel bereikt?").get_by_role("radio", name="ja", exact=True).check()
    end.get_by_label("Hoe tevreden is de vrijwilliger?").select_option("5")
    end.get_by_label("Hoe tevreden is de hulpvrager?").select_option("4")
    group(page, "Hoe gaat het verder met de vraag?").get_by_role("radio", name="vraag afsluiten").check()
    end.get_by_label("Toelichting").fill("Ineke heeft haar middag terug; Gerrit kijkt uit naar dinsdag.")
    shot(page, "journey8-10-evaluation-form")
    end.get_by_role("button", name="Afronden").click()

    expect(page).to_have_url(re.compile(rf"{match_url}$"))
    expect(page.get_by_text("De koppeling is afgerond en de evaluatie is opgeslagen.")).to_be_visible()
    expect(main.locator(".page-header .badge")).to_have_text("Afgerond")
    evaluation_section = page.get_by_role("region", name="Evaluatie")
    expect(evaluation_section).to_contain_text("Ja")
    expect(evaluation_section).to_contain_text("Vraag afsluiten")
    expect(evaluation_section).to_contain_text("Ineke heeft haar middag terug")
    expect(main).to_contain_text("(afgesloten)")  # the request, beside its link
    expect(page.get_by_role("region", name="Afronden met evaluatie")).to_have_count(0)
    expect(page.get_by_role("region", name="Annuleren")).to_have_count(0)
    history = page.get_by_role("region", name="Geschiedenis").get_by_role("listitem")
    expect(history).to_have_count(4)
    expect(history.last).to_contain_text("loopt → afgerond")
    shot(page, "journey8-11-ended")

    match.refresh_from_db()
    assert match.status == Match.Status.ENDED and match.ended_at is not None
    evaluation = Evaluation.objects.get(match=match)
    assert (evaluation.goal_reached, evaluation.next_step) == (Evaluation.Goal.YES, Evaluation.Next.CLOSE)
    assert (evaluation.volunteer_satisfaction, evaluation.requester_satisfaction) == (5, 4)
    assert evaluation.note.startswith("Ineke heeft haar middag terug")
    assert evaluation.by == broker
    help_request.refresh_from_db()
    assert (help_request.status, help_request.outcome) == (HelpRequest.Status.CLOSED, "helped")
    assert request_steps(help_request) == [
        ("", "new"),
        ("new", "intake"),
        ("intake", "ready"),
        ("ready", "matched"),
        ("matched", "closed"),
    ]
    # One event per transition, each by the person who took the step.
    assert steps(match) == [
        ("", "proposed", BROKER_EMAIL),
        ("proposed", "accepted_by_volunteer", VOLUNTEER_EMAIL),
        ("accepted_by_volunteer", "active", CARER_EMAIL),
        ("active", "ended", BROKER_EMAIL),
    ]
