"""Browser journeys of the broker's desk (issue 18, item 3 and problem 14): the request
page lists at least 8 candidates in one screen at 1280 x 900, the shortcuts j/k/p
propose a volunteer with the keyboard (without JavaScript the buttons do), and the queue
fits a 390 px phone as cards with bulk steps and saved filters.

The requests and volunteers are made through the ORM (as in test_journeys_matching);
everything the broker does goes through the browser.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_journeys import log_in, shot
from tests.e2e.test_journeys_matching import BROKER_EMAIL, VELP, make_ready_request, make_volunteer, pool_fresh

pytestmark = pytest.mark.e2e

QUEUE = "/organisatie/regio-arnhem/vragen/"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NAMES = [
    ("Anna", "de Vries"),
    ("Bram", "Kuipers"),
    ("Carla", "Smit"),
    ("Dirk", "Bakker"),
    ("Eva", "Jansen"),
    ("Fatma", "Yılmaz"),
    ("Gijs", "van 't Hof"),
    ("Hanneke", "Mulder"),
    ("Ilse", "de Boer"),
    ("Jeroen", "Visser"),
    ("Karim", "El Amrani"),
    ("Lotte", "Peters"),
]

VISIBLE_ROWS = """() => Array.from(document.querySelectorAll('#suggestions ol.candidates > li')).filter(li => {
  const r = li.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
}).length"""
SIDEWAYS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _request_with_twelve_candidates():
    """A ready respite request in Velp and twelve volunteers who fit it, 0.3 to 3.6 km away."""
    from caregivers.models import HelpRequest

    request = make_ready_request(
        "Gerda", "Vermeulen", kind=HelpRequest.Kind.RESPITE, slots="tue 13:00-17:00", skill_codes=("shopping",)
    )
    volunteers = [
        make_volunteer(first, last, at=(VELP[0] + 0.0027 * (n + 1), VELP[1]), skill_codes=("shopping",))
        for n, (first, last) in enumerate(NAMES)
    ]
    pool_fresh()
    return request, volunteers


def _no_axe_problems(page: Page, where: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS).response
    problems = [f"{v['impact']}: {v['id']} {v['help']}" for v in results["violations"]]
    assert not problems, f"{where}: {problems}"


def _open_request(page: Page, request) -> None:
    url = f"{QUEUE}{request.pk}/"
    with page.expect_response(lambda r: "/koppelen/" in r.url and r.status == 200):
        page.goto(url)
    expect(page.locator("#suggestions ol.candidates > li").first).to_be_visible()


def test_request_page_shows_eight_candidates_in_one_screen(page: Page, demo):
    request, _volunteers = _request_with_twelve_candidates()
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    _open_request(page, request)
    rows = page.locator("#suggestions ol.candidates > li")
    expect(rows).to_have_count(10)  # the default limit
    page.evaluate("window.scrollTo(0, 0)")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "desk-request-1280x900.png"))
    visible = page.evaluate(VISIBLE_ROWS)
    assert visible >= 8, f"only {visible} candidates fit in 1280 x 900 without scrolling"

    # One row: name, distance, time, score and the strongest reasons; more on demand.
    first = rows.first
    expect(first.get_by_role("heading", level=3)).to_have_text("1. Anna de Vries")
    expect(first).to_contain_text("0,3 km")
    expect(first).to_contain_text("beschikbaar di 13:00-17:30")
    expect(first.get_by_role("list", name="Sterkste redenen")).to_contain_text("heeft geldige VOG")
    more = first.locator("details")
    expect(more.get_by_role("list", name="Waarom deze vrijwilliger")).to_be_hidden()
    more.locator("summary").click()
    expect(more.get_by_role("list", name="Waarom deze vrijwilliger")).to_contain_text("0,3 km")
    expect(page.locator("#shortcut-help")).to_be_visible()
    _no_axe_problems(page, "request page at 1280 px")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(SIDEWAYS)[0] <= 390
    _no_axe_problems(page, "request page at 390 px")


def test_keyboard_shortcuts_move_and_propose(page: Page, demo):
    from matches.models import Match

    request, volunteers = _request_with_twelve_candidates()
    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    _open_request(page, request)
    rows = page.locator("#suggestions ol.candidates > li")

    # Typing in a field is typing, not a shortcut.
    assignee = page.locator('select[name="assignee"]')
    assignee.focus()
    page.keyboard.press("j")
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.name") == "assignee"
    assert not Match.objects.filter(request=request).exists()

    page.locator("h1").click()  # away from the field, as a mouse user would
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(1)).to_be_focused()
    shot(page, "desk-keyboard-focused")
    with page.expect_navigation():
        page.keyboard.press("p")
    expect(page).to_have_url(re.compile(rf"{QUEUE}{request.pk}/$"))
    expect(
        page.get_by_text("Bram Kuipers is voorgesteld voor deze vraag. Neem contact op om het te bespreken.")
    ).to_be_visible()
    match = Match.objects.get(request=request)
    assert (match.volunteer, match.status) == (volunteers[1], Match.Status.PROPOSED)


def test_queue_on_a_phone_as_cards_with_bulk_steps_and_a_saved_filter(page: Page, demo):
    from caregivers.models import HelpRequest
    from common.slots import parse_slots
    from demo.factories import HelpRequestFactory
    from neighbourhoods.models import Organisation

    organisation = Organisation.objects.get(slug="regio-arnhem")
    made = []
    for n, slots in enumerate(["tue 13:00-17:00", "mon 09:00-12:00; thu 14:00-16:30; sat 10:00-12:00", ""]):
        item = HelpRequestFactory(
            organisation=organisation,
            requester_first_name=f"Vrager{n}",
            requester_last_name="Oosterbeek-Nieuwenhuizen",
            urgency="high",
        )
        for slot in parse_slots(slots) if slots else []:
            item.slots.create(weekday=slot.weekday, start=slot.start, end=slot.end)
        made.append(item)

    log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
    # Desktop: the "Wanneer" column keeps one short line per weekly time.
    page.goto(f"{QUEUE}?urgency=high")
    one_slot = page.locator("tr", has_text="Vrager0").locator(".when-short")
    heights = one_slot.evaluate(
        "el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).lineHeight)]"
    )
    assert heights[0] <= heights[1] * 1.5, f"one weekly time takes {heights[0]} px (a line is {heights[1]} px)"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{QUEUE}?urgency=high")
    scroll_width, inner_width = page.evaluate(SIDEWAYS)
    assert scroll_width <= inner_width, f"the queue is {scroll_width} px wide on a {inner_width} px phone"
    shot(page, "desk-queue-390")
    _no_axe_problems(page, "queue at 390 px")

    # Save the filter "dringend" and pick it later.
    page.locator("summary", has_text="Mijn bewaarde filters").click()
    page.get_by_label("Naam van dit filter").fill("Dringend")
    page.get_by_role("button", name="Filter bewaren").click()
    expect(page.get_by_text("Het filter ‘Dringend’ is bewaard.")).to_be_visible()
    page.goto(QUEUE)
    page.get_by_role("link", name="Dringend", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?urgency=high$"))

    # Two requests to me at once; a foreign id smuggled in is reported, not a 500.
    page.get_by_label(f"Kies vraag #{made[0].pk} van Vrager0").check()
    page.get_by_label(f"Kies vraag #{made[2].pk} van Vrager2").check()
    page.get_by_label("Wat wilt u doen met de gekozen vragen?").select_option("assign")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_role("heading", name="Gekozen vragen", level=1)).to_be_visible()
    expect(page.get_by_text("2 van 2 vragen zijn gelukt.")).to_be_visible()
    assert page.evaluate(SIDEWAYS)[0] <= 390
    mine = set(HelpRequest.objects.filter(assigned_to__email=BROKER_EMAIL).values_list("pk", flat=True))
    assert mine == {made[0].pk, made[2].pk}
    page.get_by_role("link", name="Terug naar de hulpvragen").click()
    page.get_by_role("link", name=re.compile("Aan mij toegewezen")).click()
    expect(page.locator("tbody tr")).to_have_count(2)


def test_without_javascript_the_list_and_the_propose_buttons_still_work(browser, live_server, demo, mail):
    """No JavaScript: the request page links to the suggestions page, which lists the same
    compact rows; the shortcut line stays hidden (the keys would not work) and the
    buttons propose as before."""
    from matches.models import Match

    request, volunteers = _request_with_twelve_candidates()
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, BROKER_EMAIL, settings.DEMO_PASSWORD)
        page.goto(f"{QUEUE}{request.pk}/")
        page.get_by_role("link", name="Vrijwilligers zoeken die passen").click()
        rows = page.locator("#suggestions ol.candidates > li")
        expect(rows).to_have_count(10)
        expect(page.locator("#shortcut-help")).to_be_hidden()
        rows.nth(2).get_by_role("button", name=re.compile(r"^Voorstellen")).click()
        expect(page.get_by_text("Carla Smit is voorgesteld voor deze vraag.", exact=False)).to_be_visible()
        page.screenshot(path=str(RESULTS / "desk-no-javascript.png"))
    finally:
        context.close()
    assert Match.objects.get(request=request).volunteer == volunteers[2]
