"""Keyboard-only journeys (issue 18, item 6): the volunteer's sign-up and the
broker's propose step, with Tab, Shift+Tab, Enter, Space and typing only.

Once a page is open nothing is clicked, filled or checked: ``page.goto`` is used only
for the first page and for the confirmation link a person gets by e-mail. On every
focus stop ``tab_to`` asserts that the focused element is visible and shows a focus
indicator (WCAG 2.4.7), and each journey checks that the first stop on a fresh page is
the "Naar de inhoud" link to the main element (WCAG 2.4.1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import ElementHandle, Locator, Page, expect

from tests.e2e.test_journeys import LOGOUT, PASSWORD, _fresh_demo_code, shot, wait_for_mail
from tests.e2e.test_journeys_matching import FARTHER, NEAR, make_ready_request, make_volunteer, pool_fresh

pytestmark = pytest.mark.e2e

START_PAGE = r"^https?://[^/]+/$"

# What the focused element is, in words a failure message can show, and whether a
# sighted keyboard user can see it: on screen, not hidden, not covered by something
# else (a sticky header), with an outline or a box-shadow around it.
FOCUS_INFO = """(target) => {
  const el = document.activeElement;
  if (!el || el === document.body) {
    return {tag: 'body', describe: '<body>', hit: false, visible: false, indicator: false, where: '', style: ''};
  }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  const label = el.labels && el.labels.length ? el.labels[0].innerText.trim().replace(/\\s+/g, ' ') : '';
  const name = el.getAttribute('name') || '';
  const href = el.getAttribute('href') || '';
  const type = el.getAttribute('type') || '';
  const describe = '<' + el.tagName.toLowerCase()
    + (type ? ' type=' + type : '') + (name ? ' name=' + name : '') + (href ? ' href=' + href : '') + '> '
    + (label || text).slice(0, 60);
  const inViewport = rect.bottom > 0 && rect.right > 0
    && rect.top < window.innerHeight && rect.left < window.innerWidth;
  let uncovered = false;
  let cover = '';
  if (inViewport) {
    const x = Math.min(Math.max(rect.left + rect.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(rect.top + rect.height / 2, 0), window.innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    uncovered = !!top && (top === el || el.contains(top) || top.contains(el)
      || (el.labels && Array.from(el.labels).some(l => l.contains(top))));
    if (!uncovered && top) cover = ' (covered by <' + top.tagName.toLowerCase() + ' class=' + top.className + '>)';
  }
  const outlineWidth = parseFloat(style.outlineWidth) || 0;
  return {
    hit: !!target && el === target,
    tag: el.tagName.toLowerCase(),
    describe: describe,
    where: 'at ' + Math.round(rect.left) + ',' + Math.round(rect.top) + ' size ' + Math.round(rect.width) + 'x'
      + Math.round(rect.height) + ' in ' + window.innerWidth + 'x' + window.innerHeight + cover,
    visible: rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden'
      && parseFloat(style.opacity) > 0 && inViewport && uncovered,
    indicator: (style.outlineStyle !== 'none' && outlineWidth > 0) || style.boxShadow !== 'none',
    style: 'outline: ' + style.outlineStyle + ' ' + style.outlineWidth + '; box-shadow: ' + style.boxShadow,
  };
}"""

SETTLE_TRIES = 30  # x 50 ms: longer than a smooth scroll takes

FocusWanted = Locator | Callable[[dict], bool]


def focus_info(page: Page, target: ElementHandle | None = None) -> dict:
    """What has focus; ``hit`` says whether it is ``target``."""
    return page.evaluate(FOCUS_INFO, target)


def assert_focus_visible(page: Page, target: ElementHandle | None = None) -> dict:
    """The focused element can be seen, and so can the fact that it has focus.

    The site scrolls smoothly (``scroll-behavior: smooth`` unless reduced motion is
    asked for), so an element that focus scrolls to may need a moment to arrive."""
    info = focus_info(page, target)
    for _ in range(SETTLE_TRIES):
        if info["tag"] == "body" or info["visible"]:
            break
        page.wait_for_timeout(50)
        info = focus_info(page, target)
    assert info["tag"] != "body", f"focus fell back to <body> on {page.url}"
    assert info["visible"], (
        f"the focused element is not visible (off screen, hidden or covered): {info['describe']} {info['where']}"
    )
    assert info["indicator"], f"no visible focus indicator on {info['describe']} ({info['style']})"
    return info


def tab_to(page: Page, wanted: FocusWanted, limit: int = 80, *, key: str = "Tab") -> dict:
    """Press Tab (or ``key``, e.g. Shift+Tab) until ``wanted`` (a locator of one
    element, or a predicate on the focus info) has focus; every stop on the way must
    be visible and show a focus indicator."""
    target = None
    if isinstance(wanted, Locator):
        expect(wanted).to_have_count(1)
        target = wanted.element_handle()
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = assert_focus_visible(page, target)
        stops.append(info["describe"])
        if info["hit"] if target is not None else wanted(info):
            return info
    listing = "\n  ".join(stops)
    pytest.fail(f"{wanted} never got focus after {limit} presses of {key} on {page.url}; focus went to:\n  {listing}")


def skip_to_content(page: Page) -> None:
    """On a freshly opened page the first Tab lands on the skip link, which sends
    focus to <main>: from there Tab goes on with the page's own content."""
    page.keyboard.press("Tab")
    info = assert_focus_visible(page)
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement"), (
        f"the first focus stop on {page.url} is {info['describe']}, not the skip link"
    )
    expect(skip).to_have_attribute("href", "#content")
    expect(skip).to_have_text("Naar de inhoud")
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()


def type_into(page: Page, field: Locator, text: str) -> None:
    """Tab to a text field, empty it the keyboard's way and type."""
    tab_to(page, field)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    expect(field).to_have_value(text)


def enter_to_next_page(page: Page, url: str) -> None:
    """Enter on the focused link or button (or in a form's field) opens the next page;
    the next key press must reach that page, not the one being left."""
    with page.expect_navigation(url=re.compile(url)):
        page.keyboard.press("Enter")


def press_button(page: Page, button: Locator, url: str) -> None:
    tab_to(page, button)
    enter_to_next_page(page, url)


def tick(page: Page, checkbox: Locator) -> None:
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


# -- journeys ------------------------------------------------------------------


def test_keyboard_only_volunteer_signs_up_in_velp(page: Page, demo, mail):
    """From the start page to the volunteer page with the keyboard alone."""
    email = "yusuf.keyboard@example.nl"

    page.goto("/")
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Meld u aan als vrijwilliger"))
    enter_to_next_page(page, r"/accounts/signup/")

    skip_to_content(page)
    type_into(page, page.locator('input[name="email"]'), email)
    type_into(page, page.locator('input[name="password1"]'), PASSWORD)
    type_into(page, page.locator('input[name="password2"]'), PASSWORD)
    # Enter in the last field submits the form, as in any browser.
    enter_to_next_page(page, r"/accounts/confirm-email/$")

    [message] = wait_for_mail(mail, email)
    found = re.search(r"https?://\S+?/accounts/confirm-email/[^/\s]+/", message.body)
    assert found, f"no confirmation link in the e-mail:\n{message.body}"
    page.goto(urlsplit(found.group(0)).path)
    skip_to_content(page)
    press_button(page, page.get_by_role("button", name=re.compile(r"bevestig", re.I)), r"/vrijwilliger/aanmelden/$")
    expect(page.locator(LOGOUT)).not_to_have_count(0)

    # Signing up by way of "Meld u aan als vrijwilliger" keeps that intent: confirming
    # the address logs in and goes on to the volunteer form. The way in from the start
    # page ("Mijn start" in the menu, reached backwards from the content) works too.
    skip_to_content(page)
    tab_to(
        page, page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn start"), key="Shift+Tab"
    )
    enter_to_next_page(page, START_PAGE)
    skip_to_content(page)
    tab_to(page, lambda info: "href=/vrijwilliger/aanmelden/>" in info["describe"])
    enter_to_next_page(page, r"/vrijwilliger/aanmelden/$")

    # Step 1: who and where.
    skip_to_content(page)
    form = page.locator("form", has=page.locator('[name="postcode"]')).first
    type_into(page, form.get_by_label("Voornaam"), "Yusuf")
    type_into(page, form.get_by_label("Achternaam"), "el Amrani-de Wit")
    type_into(page, form.get_by_label("Postcode"), "6881 AB")
    type_into(page, form.get_by_label("Huisnummer"), "12")
    type_into(page, form.get_by_label(re.compile(r"Hoe ver wilt u reizen", re.I)), "8")
    press_button(page, form.get_by_role("button", name="Volgende stap"), r"/vrijwilliger/aanmelden/wat/$")

    # Step 2: what (a skill).
    expect(page.get_by_text("U woont in Velp, gemeente Rheden.")).to_be_visible()
    skip_to_content(page)
    tick(page, page.get_by_role("checkbox", name="boodschappen", exact=True))
    tick(page, page.get_by_role("checkbox", name="gezelschap", exact=True))
    press_button(page, page.get_by_role("button", name="Volgende stap"), r"/vrijwilliger/aanmelden/wanneer/$")

    # Step 3: when (the week grid): a mistake undone with Shift+Tab and Space.
    skip_to_content(page)
    tuesday = page.get_by_label("dinsdag middag, 13:00 tot 17:30")
    wednesday = page.get_by_label("woensdag middag, 13:00 tot 17:30")
    tick(page, tuesday)
    tick(page, wednesday)
    tab_to(page, tuesday, key="Shift+Tab")
    page.keyboard.press("Space")
    expect(tuesday).not_to_be_checked()
    page.keyboard.press("Space")
    expect(tuesday).to_be_checked()
    tab_to(page, wednesday)
    page.keyboard.press("Space")
    expect(wednesday).not_to_be_checked()
    shot(page, "keyboard1-week-grid")
    press_button(page, page.get_by_role("button", name="Volgende stap"), r"/vrijwilliger/aanmelden/[a-z-]+/$")

    # Step 4: preferences. Tab lands on the chosen radio button of a group (1 at
    # first); the arrow keys move the choice within the group.
    skip_to_content(page)
    one = page.locator('input[name="max_active_matches"][value="1"]')
    tab_to(page, one)
    expect(one).to_be_checked()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    three = page.locator('input[name="max_active_matches"][value="3"]')
    expect(three).to_be_focused()
    expect(three).to_be_checked()
    assert_focus_visible(page)
    type_into(page, page.get_by_label("Een andere taal"), "so")
    press_button(page, page.get_by_role("button", name="Aanmelden als vrijwilliger"), r"/vrijwilliger/$")
    expect(page.get_by_text("U staat nu ingeschreven als vrijwilliger")).to_be_visible()
    shot(page, "keyboard1-volunteer-home")

    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.select_related("organisation", "neighbourhood__municipality").get(user__email=email)
    assert (volunteer.first_name, volunteer.last_name) == ("Yusuf", "el Amrani-de Wit")
    assert (volunteer.postcode, volunteer.max_distance_km) == ("6881 AB", 8)
    assert (volunteer.neighbourhood.name, volunteer.neighbourhood.municipality.name) == ("Velp", "Rheden")
    assert volunteer.organisation.slug == "regio-arnhem"
    assert {s.code for s in volunteer.skills.all()} == {"shopping", "companionship"}
    assert [str(slot) for slot in volunteer.availability.all()] == ["di 13:00-17:30"]
    assert volunteer.max_active_matches == 3
    assert volunteer.language_codes() == ["nl", "so"]


def test_keyboard_only_broker_proposes_a_volunteer(page: Page, demo):
    """The demo broker logs in (both steps), opens the queue and a ready request,
    and proposes the best volunteer, with the keyboard alone."""
    from accounts.models import User
    from caregivers.models import HelpRequest
    from matches.models import Match

    broker = User.objects.get(email="makelaar@buurtmakelaar.demo")
    request = make_ready_request(
        "Gerda", "Vermeulen", kind=HelpRequest.Kind.RESPITE, slots="tue 13:00-17:00", skill_codes=("shopping",)
    )
    anna = make_volunteer("Anna", "de Vries", at=NEAR, skill_codes=("shopping", "companionship"))
    make_volunteer("Bram", "Kuipers", at=FARTHER, skill_codes=("shopping",))
    pool_fresh()

    page.goto("/")
    skip_to_content(page)
    # The menu comes before <main>: back from the content with Shift+Tab.
    tab_to(page, page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen"), key="Shift+Tab")
    enter_to_next_page(page, r"/accounts/login/")

    skip_to_content(page)
    type_into(page, page.locator('input[name="login"]'), broker.email)
    type_into(page, page.locator('input[name="password"]'), settings.DEMO_PASSWORD)
    enter_to_next_page(page, r"/accounts/2fa/authenticate/")
    skip_to_content(page)
    type_into(page, page.locator('input[name="code"]'), _fresh_demo_code(broker.email))
    enter_to_next_page(page, START_PAGE)

    # Start page -> the organisation's overview -> the queue -> the request.
    skip_to_content(page)
    tab_to(page, lambda info: "href=/organisatie/regio-arnhem/>" in info["describe"], key="Shift+Tab")
    enter_to_next_page(page, r"/organisatie/regio-arnhem/$")
    skip_to_content(page)
    tab_to(page, page.get_by_role("main").get_by_role("link", name="Naar de hulpvragen"))
    enter_to_next_page(page, r"/organisatie/regio-arnhem/vragen/")
    skip_to_content(page)
    tab_to(page, page.get_by_role("main").get_by_role("link", name="Gerda Vermeulen"))
    enter_to_next_page(page, rf"/organisatie/regio-arnhem/vragen/{request.pk}/$")

    # The suggestions arrive by htmx; the best candidate's propose button.
    propose = page.locator("#suggestions").get_by_role("button", name=re.compile(r"^Voorstellen\s*:\s*Anna de Vries$"))
    expect(propose, "the htmx section with suggestions did not load").to_be_visible()
    skip_to_content(page)
    tab_to(page, propose)
    shot(page, "keyboard2-propose-focused")
    enter_to_next_page(page, rf"/organisatie/regio-arnhem/vragen/{request.pk}/$")
    expect(
        page.get_by_text("Anna de Vries is voorgesteld voor deze vraag. Neem contact op om het te bespreken.")
    ).to_be_visible()
    shot(page, "keyboard2-proposed")

    match = Match.objects.get(request=request)
    assert (match.volunteer, match.status, match.proposed_by) == (anna, Match.Status.PROPOSED, broker)


def test_tab_to_fails_on_a_hidden_focus_and_an_unreachable_control(page: Page):
    """The checks of the journeys above can fail: a focus ring taken away, a link
    taken out of the tab order, a focused element pushed off screen."""
    page.goto("/")
    skip = page.locator("a.skip-link")
    skip.evaluate("el => { el.style.setProperty('outline', 'none', 'important'); el.style.boxShadow = 'none'; }")
    with pytest.raises(AssertionError, match="no visible focus indicator on <a href=#content> Naar de inhoud"):
        skip_to_content(page)

    page.goto("/")
    signup = page.get_by_role("main").get_by_role("link", name="Meld u aan als vrijwilliger")
    signup.evaluate("el => el.setAttribute('tabindex', '-1')")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)never got focus after 10 presses of Tab.*Naar de inhoud"):
        tab_to(page, signup, limit=10)

    page.goto("/")
    skip.evaluate("el => el.style.setProperty('top', '-100px', 'important')")
    with pytest.raises(AssertionError, match="not visible"):
        tab_to(page, skip)
