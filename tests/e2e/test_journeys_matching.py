"""Browser journeys of matching (issue 4): the broker finds volunteers for one
ready request on its page ("Wie kan helpen?", loaded by htmx) and proposes one,
then lets a batch run ("koppelronde") propose volunteers for every ready request
at once and confirms a proposal.

The requests and volunteers are made through the ORM and factories (as in
tests/matching/conftest.py); everything the broker does goes through the browser.
The demo (``load_demo --no-people``) also has Zoë, the demo volunteer in Velp
(shopping, tuesday afternoon, no VOG), so the respite request below, which needs
a VOG, is the one where she falls out.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from matches.reasons import reasons_text
from tests.e2e.test_journeys import log_in, shot

pytestmark = pytest.mark.e2e

BROKER_EMAIL = "makelaar@buurtmakelaar.demo"
ORGANISATION = "regio-arnhem"
DASHBOARD = f"/organisatie/{ORGANISATION}/"

# The request's address in Velp; the volunteers are placed around it.
VELP = (51.995, 5.974)
NEAR = (51.995 + 0.0072, 5.974)  # 0.8 km north
FARTHER = (51.995, 5.974 + 0.0438)  # 3.0 km east
NEXT_DOOR = (51.995 - 0.0045, 5.974)  # 0.5 km south


# -- set-up through the ORM -------------------------------------------------------


@pytest.fixture
def matching_settings(settings):
    """The settings (the volunteer pool reads its version from the database on every use)."""
    return settings


def _velp():
    from neighbourhoods.models import Neighbourhood

    return Neighbourhood.objects.filter(name="Velp", municipality__name="Rheden").first()


def _skills(*codes):
    from neighbourhoods.models import Skill

    return [Skill.objects.get(organisation=None, code=code) for code in codes]


def make_volunteer(first_name, last_name, *, at, skill_codes, slots="tue 13:00-17:30", **fields):
    from common.slots import parse_slots
    from demo.factories import VolunteerFactory
    from neighbourhoods.models import Organisation
    from volunteers.models import AvailabilitySlot

    fields.setdefault("vog_valid_until", timezone.localdate() + datetime.timedelta(days=700))
    fields.setdefault("max_distance_km", 8)
    volunteer = VolunteerFactory(
        organisation=Organisation.objects.get(slug=ORGANISATION),
        first_name=first_name,
        last_name=last_name,
        postcode="6881 AB",
        place="Velp",
        neighbourhood=_velp(),
        latitude=at[0],
        longitude=at[1],
        skills=_skills(*skill_codes),
        **fields,
    )
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(slots)
    )
    return volunteer


def make_ready_request(first_name, last_name, *, kind, slots, skill_codes, at=VELP, **fields):
    from caregivers.models import HelpRequest, RequestSlot
    from common.slots import parse_slots
    from demo.factories import HelpRequestFactory
    from neighbourhoods.models import Organisation

    request = HelpRequestFactory(
        organisation=Organisation.objects.get(slug=ORGANISATION),
        requester_first_name=first_name,
        requester_last_name=last_name,
        kind=kind,
        status=HelpRequest.Status.READY,
        question_behind="Even op adem komen.",
        postcode="6881 AC",
        house_number="5",
        place="Velp",
        neighbourhood=_velp(),
        latitude=at[0],
        longitude=at[1],
        skills=_skills(*skill_codes),
        **fields,
    )
    RequestSlot.objects.bulk_create(
        RequestSlot(request=request, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(slots)
    )
    return request


def pool_fresh():
    from matching.loaders import pool_cache_clear

    pool_cache_clear()


# -- journeys ------------------------------------------------------------------


def test_broker_finds_proposes_and_runs_a_batch_in_velp(page: Page, demo, matching_settings):
    """Journey 7: suggestions for one request (htmx), proposing the best volunteer;
    then a koppelronde for the next request, and confirming its proposal."""
    from accounts.models import User
    from caregivers.models import HelpRequest
    from matches.models import BatchRun, Match, MatchEvent

    broker = User.objects.get(email=BROKER_EMAIL)

    # A respite request in Velp, every tuesday 13:00-17:00, wanting help with shopping.
    first_request = make_ready_request(
        "Gerda", "Vermeulen", kind=HelpRequest.Kind.RESPITE, slots="tue 13:00-17:00", skill_codes=("shopping",)
    )
    assert first_request.needs_vog
    near = make_volunteer("Anna", "de Vries", at=NEAR, skill_codes=("shopping", "companionship"))
    farther = make_volunteer("Bram", "Kuipers", at=FARTHER, skill_codes=("shopping",))
    no_skill = make_volunteer("Carla", "Smit", at=NEXT_DOOR, skill_codes=("companionship",))
    pool_fresh()

    # Dashboard -> the queue -> the request.
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.goto("/")
    page.locator(f'a[href="{DASHBOARD}"]').first.click()
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}$"))
    main = page.get_by_role("main")
    shot(page, "journey7-1-dashboard")
    main.get_by_role("link", name="Naar de hulpvragen").click()
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}vragen/"))
    queue = page.get_by_role("table", name=re.compile("Hulpvragen"))
    row = queue.get_by_role("row").filter(has=page.get_by_role("link", name="Gerda Vermeulen"))
    expect(row).to_contain_text("Velp")
    expect(row).to_contain_text("klaar om te koppelen")
    shot(page, "journey7-2-queue")
    detail_url = f"{DASHBOARD}vragen/{first_request.pk}/"
    suggestions_url = f"/organisatie/{ORGANISATION}/koppelen/{first_request.pk}/"
    with (
        page.expect_response(lambda r: r.url.endswith(suggestions_url)) as htmx_load,
        page.expect_response(lambda r: r.url.endswith(detail_url)) as detail_load,
    ):
        row.get_by_role("link", name="Gerda Vermeulen").click()

    # The request's page has a "Wie kan helpen?" section that htmx replaces by the
    # suggestions (outerHTML swap: its heading goes with it).
    expect(page).to_have_url(re.compile(rf"{detail_url}$"))
    assert detail_load.value.status == 200
    assert "Wie kan helpen?" in detail_load.value.text()
    assert htmx_load.value.status == 200, f"the suggestions fragment answered {htmx_load.value.status}"
    assert htmx_load.value.request.headers.get("hx-request") == "true"
    expect(
        page.get_by_role("heading", name=f"Vraag #{first_request.pk}: respijtzorg voor Gerda", level=1)
    ).to_be_visible()
    suggestions = page.locator("#suggestions")
    expect(suggestions, "the htmx section with suggestions did not load").to_be_visible()
    expect(suggestions.get_by_role("heading", name="Vrijwilligers die passen")).to_be_visible()
    expect(suggestions).to_contain_text("Nog niemand voorgesteld voor deze vraag.")
    candidates = suggestions.locator("ol.candidates > li")
    expect(candidates).to_have_count(2)
    first, second = candidates.nth(0), candidates.nth(1)
    expect(first.get_by_role("heading", level=3)).to_have_text("1. Anna de Vries")
    expect(first).to_contain_text("0,8 km")
    # One compact row each: the time, the strongest reasons, the rest under "Meer".
    expect(first).to_contain_text("beschikbaar di 13:00-17:30")
    strongest = first.get_by_role("list", name="Sterkste redenen")
    expect(strongest).to_contain_text("heeft geldige VOG")
    expect(strongest).to_contain_text("nog geen koppelingen")
    first.locator("details summary").click()
    reasons = first.get_by_role("list", name="Waarom deze vrijwilliger")
    expect(reasons).to_contain_text("beschikbaar di 13:00-17:30")
    expect(reasons).to_contain_text("0,8 km")
    expect(second.get_by_role("heading", level=3)).to_have_text("2. Bram Kuipers")
    expect(second).to_contain_text("3,0 km")
    expect(second).to_contain_text("beschikbaar di 13:00-17:30")
    expect(suggestions).not_to_contain_text("Carla Smit")
    # Fewer than asked for: the summary says why the others fell out.
    expect(suggestions.get_by_role("heading", name="Waarom niet meer vrijwilligers?")).to_be_visible()
    why = suggestions.locator("ul.summary-why")
    expect(why).to_contain_text("1 mist een gevraagde vaardigheid")  # Carla
    expect(why).to_contain_text("1 heeft geen geldige VOG voor die periode")  # Zoë of the demo
    expect(why).to_contain_text("2 passen bij deze vraag")
    shot(page, "journey7-3-who-can-help")

    # The name is "Voorstellen" plus a visually hidden ": Anna de Vries"; Chromium
    # reads the hidden span as a block of its own ("Voorstellen : Anna de Vries").
    first.get_by_role("button", name=re.compile(r"^Voorstellen\s*:\s*Anna de Vries$")).click()
    expect(
        page.get_by_text("Anna de Vries is voorgesteld voor deze vraag. Neem contact op om het te bespreken.")
    ).to_be_visible()
    # Back on the request's page, whose suggestions now list the proposal.
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}vragen/{first_request.pk}/$"))
    suggestions = page.locator("#suggestions")
    matches = suggestions.get_by_role("table", name="Koppelingen bij deze vraag, de nieuwste eerst")
    expect(matches.get_by_role("row").filter(has_text="Anna de Vries")).to_contain_text("voorgesteld")
    # Anna can take one match at a time (max_active_matches 1): now she is full.
    expect(suggestions.locator("ol.candidates > li")).to_have_count(1)
    expect(suggestions.locator("ol.candidates > li").first.get_by_role("heading", level=3)).to_have_text(
        "1. Bram Kuipers"
    )
    expect(suggestions.locator("ul.summary-why")).to_contain_text("1 heeft al genoeg koppelingen")
    shot(page, "journey7-4-proposed")

    match = Match.objects.get(request=first_request)
    assert (match.volunteer, match.status, match.proposed_by, match.batch) == (
        near,
        Match.Status.PROPOSED,
        broker,
        None,
    )
    assert match.distance_km == pytest.approx(0.8, abs=0.05)
    assert "beschikbaar di 13:00-17:30" in reasons_text(match.reasons)
    [event] = MatchEvent.objects.filter(match=match)
    assert (event.from_status, event.to_status, event.by) == ("", Match.Status.PROPOSED, broker)
    assert not Match.objects.filter(volunteer__in=[farther, no_skill]).exists()

    # A second ready request: shopping on wednesday morning, which only Dirk can do.
    second_request = make_ready_request(
        "Bert", "Hendriks", kind=HelpRequest.Kind.PRACTICAL, slots="wed 10:00-12:00", skill_codes=("shopping",)
    )
    dirk = make_volunteer("Dirk", "Bakker", at=NEXT_DOOR, skill_codes=("shopping",), slots="wed 09:00-12:30")
    pool_fresh()

    # Dashboard -> Koppelronde -> start a run (Celery is eager: it is done at once).
    page.goto(DASHBOARD)
    page.get_by_role("main").get_by_role("link", name="Koppelronde", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}koppelronde/$"))
    expect(page.get_by_role("heading", name="Koppelronde", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Er staan nu 2 vragen klaar om te koppelen.")
    expect(page.get_by_role("main")).to_contain_text("Er is nog geen koppelronde gedaan.")
    shot(page, "journey7-5-batch-list")
    page.get_by_role("button", name="Koppelronde starten").click()

    run = BatchRun.objects.get(organisation__slug=ORGANISATION)
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}koppelronde/{run.pk}/$"))
    expect(page.get_by_text("De koppelronde is gestart.")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=re.compile(r"^Koppelronde van "), level=1)).to_be_visible()
    expect(main.get_by_role("heading", name="Uitkomst")).to_be_visible()
    expect(main).to_contain_text(
        "Deze ronde koppelt 1 vraag; een eenvoudige dichtstbijzijnde-eerst-aanpak zou er 1 koppelen."
    )
    proposals = main.get_by_role("table", name=re.compile("Voorgestelde koppelingen"))
    rows = proposals.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"#{second_request.pk} praktische hulp – Bert")
    expect(rows.first).to_contain_text("Dirk Bakker")
    expect(rows.first).to_contain_text("0,5 km")
    expect(rows.first).to_contain_text("beschikbaar wo 09:00-12:30")
    expect(main).to_contain_text("Nog te bekijken: 1. Bevestigd: 0. Afgewezen: 0.")
    shot(page, "journey7-6-batch-done")

    rows.first.get_by_role("button", name="Bevestigen voorstel 1", exact=True).click()
    expect(
        page.get_by_text("1 voorstel bevestigd. De vrijwilliger staat nu als voorgesteld bij de vraag.")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{DASHBOARD}koppelronde/{run.pk}/(\?page=1)?$"))
    proposals = page.get_by_role("main").get_by_role("table", name=re.compile("Voorgestelde koppelingen"))
    expect(proposals.locator("tbody tr").first).to_contain_text("bevestigd")
    expect(page.get_by_role("main")).to_contain_text("Nog te bekijken: 0. Bevestigd: 1. Afgewezen: 0.")
    shot(page, "journey7-7-batch-confirmed")

    run.refresh_from_db()
    assert (run.status, run.started_by) == (BatchRun.Status.DONE, broker)
    batch_match = Match.objects.get(request=second_request)
    assert (batch_match.volunteer, batch_match.status, batch_match.batch) == (dirk, Match.Status.PROPOSED, run)
    assert batch_match.proposed_by == broker
    [event] = MatchEvent.objects.filter(match=batch_match)
    assert (event.to_status, event.by, event.code) == (Match.Status.PROPOSED, broker, "from_batch")
    # The first request already had a proposal: the run left it alone.
    assert Match.objects.filter(request=first_request).count() == 1
    assert run.result["stats"].get("requests_with_open_match") == 1
