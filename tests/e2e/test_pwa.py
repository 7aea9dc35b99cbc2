"""The installable web app in chromium (issue #18, item 5): the service worker registers
for the whole site, keeps the static files and never a page, shows its offline page when
the network is down, and a new version of the static files replaces the old cache."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, make_user

pytestmark = pytest.mark.e2e

PREFIX = "buurtmakelaar-static-"
CACHED_URLS = """async () => {
    const out = {}
    for (const name of await caches.keys()) {
        const cache = await caches.open(name)
        out[name] = (await cache.keys()).map(request => new URL(request.url).pathname)
    }
    return out
}"""


def _eventually(page: Page, script: str, seconds: float = 10) -> None:
    """Evaluate ``script`` (it may return a promise) until it gives true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true within {seconds}s: {script}"
        page.wait_for_timeout(100)


def _worker_in_control(page: Page) -> None:
    """The worker is installed, active and answers this page's requests."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === 'activated'"
    )


def test_the_worker_registers_for_the_whole_site_and_keeps_static_files_only(page: Page, demo, live_server):
    page.goto("/")
    _worker_in_control(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(registration => registration.scope)")
    assert scope == live_server.url + "/"

    # A person logs in and opens her own pages, with the worker in control.
    make_user("noor.bakker@example.nl")
    log_in(page, "noor.bakker@example.nl")
    for path in ("/hulp/vraag/nieuw/", "/vrijwilliger/aanmelden/", "/mijn-gegevens/"):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("fetch('/api/v1/schema/').then(response => response.status)") == 200
    cached = page.evaluate(CACHED_URLS)
    [name] = cached
    assert name.startswith(PREFIX)
    paths = cached[name]
    assert "/offline/" in paths and "/static/css/site.css" in paths and "/static/js/menu.js" in paths
    # Nothing but static files and the offline page: no page she saw, no API answer.
    assert all(path.startswith("/static/") or path == "/offline/" for path in paths), paths


def test_the_offline_page_shows_when_the_network_is_down(page: Page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    _worker_in_control(page)

    page.context.set_offline(True)
    response = page.goto("/buurt/?postcode=6881AB")
    assert response is not None and response.status == 200
    assert response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding met internet")
    # The page keeps its look (site.css from the cache) and the address that was asked for.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(247, 246, 242)", background
    expect(page).to_have_url(re.compile(r"/buurt/\?postcode=6881AB$"))
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_visible()

    # Back online, "Opnieuw proberen" loads the page that was asked for.
    page.context.set_offline(False)
    page.get_by_role("link", name="Opnieuw proberen").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Geen verbinding met internet")
    expect(page.get_by_role("heading", name="Wat we vonden")).to_be_visible()


def test_the_offline_page_follows_the_chosen_language(page: Page, demo):
    page.goto("/")
    _worker_in_control(page)
    page.get_by_label("Taal", exact=True).select_option("en")
    page.get_by_role("button", name="Kies taal").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The page told the worker its language; the worker fetches the English offline page.
    _eventually(
        page,
        """async () => {
            const kept = await caches.match('/offline/', {ignoreVary: true})
            return Boolean(kept) && kept.headers.get('Content-Language') === 'en'
        }""",
    )
    page.context.set_offline(True)
    page.goto("/vacatures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No internet connection")
    page.context.set_offline(False)


def test_new_static_files_bring_a_new_cache_and_the_old_ones_go(page: Page, demo, settings, tmp_path):
    page.goto("/")
    _worker_in_control(page)
    [first] = page.evaluate(CACHED_URLS)
    # A cache of a much older version, left behind.
    page.evaluate(f"caches.open('{PREFIX}0000000000000000')")

    # A deploy: one static file more (the worker's version is the static files' fingerprint).
    extra = tmp_path / "static"
    extra.mkdir()
    (extra / "deploy.css").write_text("p { margin: 0; }\n")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, extra]
    finders.get_finder.cache_clear()
    try:
        page.evaluate("navigator.serviceWorker.ready.then(registration => registration.update())")
        _eventually(
            page,
            f"""async () => {{
                const names = await caches.keys()
                return names.length === 1 && names[0] !== '{first}'
            }}""",
        )
    finally:
        settings.STATICFILES_DIRS = settings.STATICFILES_DIRS[:-1]
        finders.get_finder.cache_clear()
    [second] = page.evaluate(CACHED_URLS)
    assert second.startswith(PREFIX) and second != first
    assert "/offline/" in page.evaluate(CACHED_URLS)[second]
