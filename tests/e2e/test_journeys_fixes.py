"""Journeys a newcomer, a help seeker and a broker tripped over (issue 18), each
walked through once more in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import form_with, make_user, named_field, submit

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
