"""The main journeys through a real browser, in Dutch as people see them.

Forms of the app itself are found by their visible labels and roles. The allauth
forms (sign-up, log-in) are found by their field names, the contract with the
templates (``email``, ``password1``, ``password2``; ``login``, ``password``), and
each of those fields must still carry an accessible name (a label).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "Buurthulp-in-Velp-2026"
LOGOUT = 'form[action="/accounts/logout/"], a[href="/accounts/logout/"]'
SUBMIT = "button:not([type=button]):not([type=reset]), input[type=submit]"
POSTCODE_ERROR = "Een Nederlandse postcode bestaat uit 4 cijfers en 2 letters"


# -- helpers -----------------------------------------------------------------


def shot(page: Page, name: str) -> None:
    """An extra screenshot of a step worth looking at."""
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)


def form_with(page: Page, field_name: str) -> Locator:
    return page.locator("form", has=page.locator(f'[name="{field_name}"]')).first


def named_field(page: Page, name: str) -> Locator:
    field = page.locator(f'input[name="{name}"]')
    expect(field).to_have_count(1)
    expect(field).to_have_accessible_name(re.compile(r"\w"))
    return field


def submit(form: Locator) -> None:
    form.locator(SUBMIT).first.click()


def wait_for_mail(mail, to: str, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages = [m for m in mail.outbox if to in m.to]
        if messages:
            return messages
        time.sleep(0.1)
    pytest.fail(f"no e-mail to {to} within {seconds}s (outbox: {[m.subject for m in mail.outbox]})")


def make_user(email: str, password: str = PASSWORD):
    """A user whose e-mail address is already confirmed."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in like a person; staff (the demo's, with the known TOTP secret of
    settings.DEMO_TOTP_SECRET) type the code of their app as the second step."""
    page.goto("/accounts/login/")
    named_field(page, "login").fill(email)
    named_field(page, "password").fill(password)
    submit(form_with(page, "password"))
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/accounts/2fa/authenticate/":
        expect(page.locator("h1")).to_have_text("Inloggen: stap 2")
        named_field(page, "code").fill(_fresh_demo_code(email))
        submit(form_with(page, "code"))
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|confirm-email|2fa)/"))
    expect(page.locator(LOGOUT)).not_to_have_count(0)


# The last code each account typed: allauth refuses a code that account has used
# before (its cache remembers it per user; the e2e fixture clears the cache per test).
_last_code: dict[str, str] = {}


def _fresh_demo_code(email: str) -> str:
    """The demo app's code of now; a code works only once per account, so a second
    login of the same account within the same 30 seconds waits for the next one."""
    import pyotp

    totp = pyotp.TOTP(settings.DEMO_TOTP_SECRET)
    code = totp.now()
    remaining = totp.interval - time.time() % totp.interval
    # The server accepts the window before too (MFA_TOTP_TOLERANCE), but a code used once
    # is refused in every window: wait for a new one when this code was used.
    if code == _last_code.get(email):
        time.sleep(remaining + 0.5)
        code = totp.now()
    _last_code[email] = code
    return code


def open_menu(page: Page) -> None:
    """On a phone the menu (with log out and the language choice) is folded away behind
    the "Menu" button: open it. On a wide screen there is nothing to open."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def log_out(page: Page) -> None:
    open_menu(page)
    control = page.locator(LOGOUT).first
    if control.evaluate("el => el.tagName") == "FORM":
        submit(control)
    else:
        # A link to allauth's "are you sure?" page, which logs out on POST.
        control.click()
        submit(page.locator('form[action="/accounts/logout/"]').first)
    expect(page.locator(LOGOUT)).to_have_count(0)


def switch_language(page: Page, code: str) -> None:
    """Use the language switch (Django's set_language form) in the page."""
    open_menu(page)
    form = page.locator('form[action="/i18n/setlang/"]').first
    expect(form).to_be_attached()
    button = form.locator(
        f'button[name="language"][value="{code}"], input[name="language"][value="{code}"][type=submit]'
    )
    if button.count():
        button.first.click()
        return
    form.locator('select[name="language"]').select_option(code)
    buttons = form.locator(SUBMIT)
    if buttons.count() and buttons.first.is_visible():
        buttons.first.click()
    # else the select submits the form itself when it changes


def fill_volunteer_form(page: Page, *, postcode: str, first_name: str, last_name: str) -> Locator:
    """Step 1 of the volunteer wizard: who and where."""
    form = form_with(page, "postcode")
    form.get_by_label("Voornaam").fill(first_name)
    form.get_by_label("Achternaam").fill(last_name)
    form.get_by_label("Postcode").fill(postcode)
    form.get_by_label("Huisnummer").fill("12")
    form.get_by_label(re.compile(r"Hoe ver wilt u reizen", re.I)).fill("8")
    return form


def finish_volunteer_wizard(page: Page) -> None:
    """Steps 2-4: what (a skill), when (the week grid), preferences (defaults)."""
    expect(page).to_have_url(re.compile(r"/vrijwilliger/aanmelden/wat/$"))
    expect(page.get_by_text("U woont in Velp, gemeente Rheden.")).to_be_visible()
    page.get_by_role("checkbox", name="boodschappen", exact=True).check()
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("dinsdag middag, 13:00 tot 17:30").check()
    shot(page, "journey1-3a-week-grid")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_role("button", name="Aanmelden als vrijwilliger").click()


# -- journeys ------------------------------------------------------------------


def test_sign_up_confirm_and_become_a_volunteer_in_velp(page: Page, demo, mail):
    """Journey 1: a new volunteer, from sign-up to their volunteer page, and out."""
    email = "zoe.vanthof@example.nl"

    page.goto("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    named_field(page, "email").fill(email)
    named_field(page, "password1").fill(PASSWORD)
    named_field(page, "password2").fill(PASSWORD)
    submit(form_with(page, "password2"))

    # "We sent you an e-mail": allauth's verification-sent page.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shot(page, "journey1-1-verify-your-email")
    [message] = wait_for_mail(mail, email)
    found = re.search(r"https?://\S+?/accounts/confirm-email/[^/\s]+/", message.body)
    assert found, f"no confirmation link in the e-mail:\n{message.body}"

    # The link shows a page with a button; confirming on GET alone is off.
    page.goto(urlsplit(found.group(0)).path)
    page.get_by_role("button", name=re.compile(r"bevestig", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: confirming in the same browser logs in.
    expect(page.locator(LOGOUT), "not logged in after confirming the e-mail address").not_to_have_count(0)

    # The role chooser: logged in without a role yet, the way in as a volunteer.
    page.goto("/")
    expect(page.locator(LOGOUT)).not_to_have_count(0)
    start = page.locator('a[href="/vrijwilliger/aanmelden/"]').first
    expect(start).to_be_visible()
    shot(page, "journey1-2-role-chooser")
    start.click()
    expect(page).to_have_url(re.compile(r"/vrijwilliger/aanmelden/$"))

    form = fill_volunteer_form(page, postcode="6881 AB", first_name="Zoë", last_name="van 't Hof-Özdemir")
    submit(form)
    finish_volunteer_wizard(page)

    expect(page).to_have_url(re.compile(r"/vrijwilliger/$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Velp")
    expect(page.get_by_text("U staat nu ingeschreven als vrijwilliger")).to_be_visible()
    shot(page, "journey1-3-volunteer-home")

    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.select_related("organisation", "neighbourhood__municipality").get(user__email=email)
    assert (volunteer.first_name, volunteer.last_name) == ("Zoë", "van 't Hof-Özdemir")
    assert volunteer.postcode == "6881 AB"
    assert volunteer.max_distance_km == 8
    assert volunteer.neighbourhood.name == "Velp"
    assert volunteer.neighbourhood.municipality.name == "Rheden"
    assert volunteer.organisation.slug == "regio-arnhem"
    assert {s.code for s in volunteer.skills.all()} == {"shopping"}
    assert [str(slot) for slot in volunteer.availability.all()] == ["di 13:00-17:30"]

    log_out(page)
    page.goto("/vrijwilliger/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)vrijwilliger(/|%2F)"))


def test_bad_postcode_shows_dutch_error_and_keeps_what_was_typed(page: Page, demo):
    """Journey 2: a typo in the postcode is explained in the form; nothing is lost."""
    from volunteers.models import Volunteer

    user = make_user("sem.dejong@example.nl")
    log_in(page, user.email)
    page.goto("/vrijwilliger/aanmelden/")

    form = fill_volunteer_form(page, postcode="688 AB", first_name="Sem", last_name="de Jong")
    submit(form)

    expect(page).to_have_url(re.compile(r"/vrijwilliger/aanmelden/$"))
    expect(page.get_by_text(POSTCODE_ERROR).first).to_be_visible()
    form = form_with(page, "postcode")
    postcode = form.get_by_label("Postcode")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Voornaam")).to_have_value("Sem")
    expect(form.get_by_label("Achternaam")).to_have_value("de Jong")
    shot(page, "journey2-1-postcode-error")
    assert not Volunteer.objects.filter(user=user).exists()

    # Corrected (written without the space), it goes through.
    postcode.fill("6881ab")
    submit(form)
    finish_volunteer_wizard(page)
    expect(page).to_have_url(re.compile(r"/vrijwilliger/$"))
    assert Volunteer.objects.get(user=user).postcode == "6881 AB"


def test_broker_sees_own_dashboard_and_not_another_organisation(page: Page, demo):
    """Journey 3: the demo broker's start page; other organisations do not exist for them."""
    from neighbourhoods.models import Organisation

    organisation = Organisation.objects.get(slug="regio-arnhem")
    Organisation.objects.create(name="Vrijwilligerswerk Elders", slug="elders")

    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.goto("/")
    dashboard = page.locator('a[href="/organisatie/regio-arnhem/"]').first
    expect(dashboard).to_be_visible()
    dashboard.click()
    expect(page).to_have_url(re.compile(r"/organisatie/regio-arnhem/$"))
    expect(page.get_by_role("heading").filter(has_text=organisation.name).first).to_be_visible()
    shot(page, "journey3-1-dashboard")

    for slug in ("some-other-org", "elders"):
        response = page.goto(f"/organisatie/{slug}/")
        assert response is not None
        assert response.status == 404, f"/organisatie/{slug}/ answered {response.status}"


def test_language_switch_turns_the_site_english(page: Page):
    """Journey 4: the language switch works for anyone, without logging in."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    heading = page.get_by_role("heading", level=1).first
    dutch = heading.inner_text()

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"^[^?]*/$"))
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "journey4-1-english")
    # Not only the attribute: the words themselves are English.
    english = heading.inner_text()
    assert english != dutch, (
        f"<html lang=en> but the main heading is still Dutch ({dutch!r}): "
        "are the English translations (locale/en/LC_MESSAGES/django.mo) there and compiled?"
    )

    switch_language(page, "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(heading).to_have_text(dutch)
