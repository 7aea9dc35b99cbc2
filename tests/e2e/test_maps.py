"""Browser journeys for the maps (issue #18 item 4 and problem 10, issue #16 item 2):
the region map with outlines, legend and zoom to a municipality; the dashboard at
390 px without sideways scrolling; the vacancy map next to its list; axe on the map
pages; and the tiled map (Leaflet) when the deployment sets MAP_TILES_URL, with the
tiles served by a stand-in host (no internet in tests)."""

from __future__ import annotations

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, log_out, submit

pytestmark = pytest.mark.e2e

BASE = "/organisatie/regio-arnhem"
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TILES = "https://tiles.example.test/{z}/{x}/{y}.png"
# A 1x1 grey PNG: what the stand-in tile host answers.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN4+f/fPAAI8gN3WiOVBgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def people(transactional_db):
    from django.core.management import call_command

    call_command("load_demo", "--volunteers", "30", "--requests", "20", "--history-months", "1", verbosity=0)


def _no_serious_axe_problem(page: Page) -> None:
    violations = Axe().run(page, options=OPTIONS).response["violations"]
    severe = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in {"critical", "serious"}]
    assert not severe, severe


def test_region_map_outlines_legend_zoom_and_a_phone(page: Page, people):
    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto(f"{BASE}/cijfers/organisatie/")
    figure = page.locator("figure.region-map")
    svg = figure.locator("svg.region-map__svg")
    expect(svg).to_be_visible()
    expect(svg).to_have_attribute("role", "img")
    # Real outlines: the municipalities' borders, wijken, and coloured areas.
    assert svg.locator("path.base--gemeente").count() == 12
    assert svg.locator("path.gap__area").count() >= 20
    legend = figure.locator("ul.map-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("tekort")
    # No two names on the map overlap.
    boxes = svg.locator("text.gap__label").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, (a1, b1, a2, b2) in enumerate(boxes):
        for c1, d1, c2, d2 in boxes[i + 1 :]:
            assert not (a1 < c2 - 1 and c1 < a2 - 1 and b1 < d2 - 1 and d1 < b2 - 1), "labels overlap"
    _no_serious_axe_problem(page)

    # Zoom to a municipality: the map redraws with Rheden only.
    page.locator('select[name="kaart"]').select_option("Rheden")
    submit(page.locator("form.region-map__zoom"))
    expect(page).to_have_url(re.compile(r"kaart=Rheden"))
    expect(figure.locator("figcaption")).to_contain_text("ingezoomd op Rheden")
    expect(figure.locator("ul.map-legend")).to_be_visible()
    names = svg.locator("g.gap title").all_text_contents()
    assert names and all(n.split(":")[0] in {"Rheden", "Velp", "Dieren", "De Steeg", "Ellecom", "Spankeren",
                                             "Laag-Soeren"} for n in names), names  # fmt: skip
    # The table alternative is there, with the numbers used on the map.
    figure.locator("summary", has_text="bekijk als tabel").click()
    expect(figure.locator("table th", has_text="Nr. op de kaart")).to_be_visible()

    # At 390 px nothing scrolls sideways: the organisation's page and the municipality's dashboard.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"{BASE}/cijfers/organisatie/?kaart=Arnhem", f"{BASE}/cijfers/vraag-en-aanbod/"):
        page.goto(path)
        expect(page.locator("svg.region-map__svg")).to_be_visible()
        scroll_width, inner_width = page.evaluate(WIDTHS)
        assert scroll_width <= inner_width, (path, scroll_width, inner_width)
    log_out(page)
    log_in(page, "gemeente.arnhem@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto(f"{BASE}/cijfers/")
    expect(page.locator("svg.region-map__svg")).to_be_visible()
    for summary in page.locator("details summary").all():
        summary.click()
    scroll_width, inner_width = page.evaluate(WIDTHS)
    assert scroll_width <= inner_width, (scroll_width, inner_width)
    _no_serious_axe_problem(page)


def test_vacancy_map_next_to_its_list(page: Page, people):
    page.goto("/vacatures/")
    svg = page.locator("svg#vacancymap-svg")
    expect(svg).to_be_visible()
    dots = svg.locator("text.vacancy-dot__number").all_text_contents()
    assert dots, "no vacancy on the map"
    numbers = page.locator(".vacancy-list__number").all_text_contents()
    assert {f"{d}." for d in dots} <= set(numbers)
    _no_serious_axe_problem(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    scroll_width, inner_width = page.evaluate(WIDTHS)
    assert scroll_width <= inner_width, (scroll_width, inner_width)


def test_with_tiles_leaflet_draws_the_map_over_them(page: Page, people, settings):
    from config.settings import tiles_origin

    settings.MAP_TILES_URL = TILES
    policy = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])}
    policy["DIRECTIVES"]["img-src"] = ["'self'", tiles_origin(TILES)]
    settings.CONTENT_SECURITY_POLICY = policy
    tiles = []

    def serve(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    page.route("https://tiles.example.test/**", serve)
    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto(f"{BASE}/cijfers/vraag-en-aanbod/")
    container = page.locator("[data-map-tiles]")
    expect(container).to_have_attribute("data-map-ready", "1")
    expect(container).to_be_visible()
    expect(page.locator("svg.region-map__svg")).to_be_hidden()  # Leaflet took its place
    expect(container.locator("path.leaflet-interactive").first).to_be_attached()
    expect(container.locator(".leaflet-control-attribution")).to_contain_text("Ondergrond")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert tiles and all(t.startswith("https://tiles.example.test/") for t in tiles)
    assert not page.policy_errors
    page.goto("/vacatures/")
    expect(page.locator("[data-map-tiles]")).to_have_attribute("data-map-ready", "1")
