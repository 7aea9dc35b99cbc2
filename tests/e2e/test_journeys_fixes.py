"""Journeys a newcomer, a help seeker and a broker tripped over (issue 18), each
walked through once more in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import form_with, log_in, make_user, named_field, submit

pytestmark = pytest.mark.e2e


def test_postcode_lookup_leads_to_the_online_request_form(page: Page, demo):
    """Issue 18.1: asking online works, so the lookup says so and links to the form
    (through the log-in, which brings her back to it)."""
    make_user("ans.peters@example.nl")
    page.goto("/")
    page.get_by_role("link", name="Vind de vrijwilligerscentrale", exact=True).click()
    lookup = form_with(page, "postcode")
    lookup.get_by_label("Postcode").fill("6881 AB")
    submit(lookup)

    expect(page.get_by_role("heading", name="Wat we vonden")).to_be_visible()
    expect(page.get_by_text("binnenkort")).to_have_count(0)
    page.get_by_role("link", name="Hulp vragen", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/hulp/vraag/nieuw/"))
    named_field(page, "login").fill("ans.peters@example.nl")
    named_field(page, "password").fill("Buurthulp-in-Velp-2026")
    submit(form_with(page, "password"))
    expect(page).to_have_url(re.compile(r"/hulp/vraag/nieuw/$"))


def test_municipality_dashboard_fits_a_phone(page: Page, demo):
    """Issue 18.3: at 390 px wide the municipality's figures do not scroll sideways,
    also with every chart's table opened."""
    from django.conf import settings

    log_in(page, "gemeente.arnhem@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/organisatie/regio-arnhem/cijfers/")
    expect(page.locator("h1")).to_be_visible()
    widths = "() => [document.documentElement.scrollWidth, window.innerWidth]"
    scroll_width, inner_width = page.evaluate(widths)
    assert scroll_width <= inner_width, (scroll_width, inner_width, _widest(page))
    for summary in page.locator("details summary").all():
        summary.click()
    scroll_width, inner_width = page.evaluate(widths)
    assert scroll_width <= inner_width, (scroll_width, inner_width, _widest(page))


def _widest(page: Page) -> list:
    """The elements that stick out on the right, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => {
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
                }
                return true;
            })
            .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
            .slice(0, 12)
            .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)"""
    )


def test_returning_help_seeker_asks_again_from_her_start_page(page: Page, demo):
    """Issue 18.7: her start page has a "Hulp vragen" button and the form knows her
    address from her last own request."""
    from demo.factories import HelpRequestFactory
    from neighbourhoods.models import Organisation

    user = make_user("fatma.yilmaz@example.nl")
    HelpRequestFactory(
        organisation=Organisation.objects.get(slug="regio-arnhem"),
        requester=user,
        email=user.email,
        requester_first_name="Fatma",
        requester_last_name="Yılmaz",
        postcode="6881 AB",
        house_number="12a",
        phone="026 123 4567",
    )
    log_in(page, user.email)
    page.goto("/")
    card = page.locator(".card", has=page.get_by_role("heading", name="Mijn hulpvraag"))
    card.get_by_role("link", name="Hulp vragen").click()
    expect(page).to_have_url(re.compile(r"/hulp/vraag/nieuw/$"))
    form = form_with(page, "postcode")
    expect(form.get_by_label("Postcode")).to_have_value("6881 AB")
    expect(form.get_by_label("Huisnummer")).to_have_value("12a")
    # By name: the form also asks the first names of the person's network (issue #15).
    expect(form.locator("[name=first_name]")).to_have_value("Fatma")


def test_meld_u_aan_als_vrijwilliger_keeps_the_intent_through_the_confirmation(page: Page, demo, mail):
    """Issue 18.6: after confirming her e-mail address the newcomer lands on the
    volunteer sign-up, not on a page where she must choose again."""
    from urllib.parse import urlsplit

    from tests.e2e.test_journeys import PASSWORD, wait_for_mail

    email = "noor.bakker@example.nl"
    page.goto("/")
    page.get_by_role("link", name="Meld u aan als vrijwilliger").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    named_field(page, "email").fill(email)
    named_field(page, "password1").fill(PASSWORD)
    named_field(page, "password2").fill(PASSWORD)
    submit(form_with(page, "password2"))
    [message] = wait_for_mail(mail, email)
    found = re.search(r"https?://\S+?/accounts/confirm-email/[^/\s]+/", message.body)
    page.goto(urlsplit(found.group(0)).path)
    page.get_by_role("button", name=re.compile(r"bevestig", re.I)).click()
    expect(page).to_have_url(re.compile(r"/vrijwilliger/aanmelden/$"))
    expect(form_with(page, "postcode").get_by_label("Postcode")).to_be_visible()
