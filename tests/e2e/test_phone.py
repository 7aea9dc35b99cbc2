"""Phone first for citizens (issue #18, item 5 and problem 11): on a 390 x 844 screen the
menu folds away behind a "Menu" button, so the page's heading shows without scrolling;
the button works with the keyboard and the language choice lives in the menu. Without
JavaScript the whole menu still shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in, make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX = 80  # px: one line with the name and the "Menu" button
HEADING_TOP_MAX = 160  # px: a page's first heading starts in the top fifth of the screen
PUBLIC_PAGES = ["/", "/buurt/", "/accounts/signup/", "/hulp/zonder-account/"]
# A newcomer who just made an account: the volunteer's first page and the help form.
PERSONAL_PAGES = ["/vrijwilliger/aanmelden/", "/hulp/vraag/nieuw/"]


def _menu(page: Page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def _toggle(page: Page):
    return page.get_by_role("button", name="Menu", exact=True)


def _first_heading_fits(page: Page, path: str) -> None:
    page.goto(path)
    heading = page.locator("h1").first
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box is not None, path
    # Wholly on the first screen: no scrolling needed to read what the page is.
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (path, box)
    assert page.evaluate("window.scrollY") == 0, path
    # And near its top: the header (217-261 px before the menu folded) leaves the
    # screen to the page.
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= HEADER_MAX, (path, header)
    assert box["y"] <= HEADING_TOP_MAX, (path, box)
    # The menu is folded away, not gone: the button says so.
    expect(_toggle(page)).to_have_attribute("aria-expanded", "false")
    expect(_menu(page)).to_be_hidden()


def test_first_heading_shows_without_scrolling_on_a_phone(page: Page, demo):
    page.set_viewport_size(PHONE)
    for path in PUBLIC_PAGES:
        _first_heading_fits(page, path)
    make_user("noor.bakker@example.nl")
    log_in(page, "noor.bakker@example.nl")
    for path in PERSONAL_PAGES:
        _first_heading_fits(page, path)


def test_menu_opens_and_closes_with_the_keyboard(page: Page, demo):
    page.set_viewport_size(PHONE)
    page.goto("/")
    toggle = _toggle(page)
    expect(_menu(page)).to_be_hidden()

    # Tab: the skip link, the brand, then the menu button.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(_menu(page)).to_be_visible()
    # The next Tab goes into the opened menu, to its first link.
    page.keyboard.press("Tab")
    expect(_menu(page).get_by_role("link").first).to_be_focused()

    # Escape closes it and puts the focus back on the button.
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(_menu(page)).to_be_hidden()
    expect(toggle).to_be_focused()

    # Space opens it as well; Enter on the button closes it again.
    page.keyboard.press("Space")
    expect(_menu(page)).to_be_visible()
    page.keyboard.press("Enter")
    expect(_menu(page)).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Keyboard all the way: open the menu, Tab to "Mijn buurt", follow it.
    page.keyboard.press("Enter")
    link = _menu(page).get_by_role("link", name="Mijn buurt")
    for _ in range(10):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/buurt/$"))


def test_language_switch_lives_in_the_menu_and_works(page: Page, demo):
    page.set_viewport_size(PHONE)
    page.goto("/buurt/")
    language = page.get_by_label("Taal", exact=True)
    expect(language).to_be_hidden()

    _toggle(page).click()
    expect(language).to_be_visible()
    # Inside the menu that the button opens, below the links.
    assert page.locator("#site-menu").locator("#language-select").count() == 1
    language.select_option("en")
    page.get_by_role("button", name="Kies taal").click()

    expect(page).to_have_url(re.compile(r"/buurt/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # In English the button and the menu speak English, and the menu is folded again.
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    english_menu = page.get_by_role("navigation", name="Main menu")
    expect(english_menu.get_by_role("link", name="My neighbourhood")).to_be_visible()
    page.get_by_label("Language", exact=True).select_option("nl")
    page.get_by_role("button", name="Choose language").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_desktop_shows_the_whole_menu_without_a_button(page: Page, demo):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(_toggle(page)).to_be_hidden()
    expect(_menu(page).get_by_role("link", name="Inloggen")).to_be_visible()
    expect(page.get_by_label("Taal", exact=True)).to_be_visible()


def test_without_javascript_the_whole_menu_shows_on_a_phone(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        expect(menu.get_by_role("link", name="Inloggen")).to_be_visible()
        expect(page.get_by_label("Taal", exact=True)).to_be_visible()
    finally:
        context.close()
