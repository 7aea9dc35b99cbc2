"""Browser journey (issue #16, "Done when"): a volunteer and a requester exchange messages
about their match.

The broker proposed Joost for Ineke's respite request and Joost said yes (through the
services, as journey 8 sets up). Then, in the browser: Joost opens "Berichten" from his
match, writes (htmx swaps the thread in; his HTML is shown as text and his phone number is
hidden from Ineke, who has not agreed yet); Ineke gets an e-mail notice without the text,
sees "1 nieuw bericht" on her start page, reads and answers; Joost reads the answer and
writes again in a browser without JavaScript (the plain form post works as well).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401  (the same browser set-up)
from tests.e2e.test_journeys import log_in, log_out, shot, wait_for_mail
from tests.e2e.test_journeys_lifecycle import (
    BROKER_EMAIL,
    CARER_EMAIL,
    VOLUNTEER_EMAIL,
    ready_respite_request,
    volunteer_in_huissen,
)
from tests.e2e.test_journeys_matching import pool_fresh

pytestmark = pytest.mark.e2e

FIRST = "Dag Ineke, zullen we dinsdag kennismaken? <script>alert('x')</script> Bel me: 06 12 34 56 78"


def accepted_match():
    from accounts.models import User
    from matches.lifecycle import match_accept
    from matches.proposals import match_propose

    broker = User.objects.get(email=BROKER_EMAIL)
    _carer, _mantelzorger, help_request = ready_respite_request(broker)
    user, volunteer = volunteer_in_huissen(broker)
    pool_fresh()
    match = match_propose(request=help_request, volunteer=volunteer, by=broker)
    return match_accept(match=match, by=user)


def test_volunteer_and_requester_exchange_messages_about_their_match(page: Page, demo, mail, browser, live_server):
    from conversations.models import Message

    match = accepted_match()
    thread_path = f"/berichten/koppeling/{match.pk}/"

    # 1. Joost opens the conversation from his match and writes; htmx swaps the thread in.
    log_in(page, VOLUNTEER_EMAIL)
    page.goto("/koppelingen/")
    page.locator(f"#match-{match.pk}").get_by_role("link", name="Berichten").click()
    expect(page).to_have_url(re.compile(re.escape(thread_path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Berichten")
    expect(page.get_by_text("Er zijn nog geen berichten.")).to_be_visible()
    page.get_by_label("Uw bericht").fill(FIRST)
    page.get_by_role("button", name="Versturen").click()
    thread = page.get_by_role("list", name="Berichten")
    expect(thread.locator("li")).to_have_count(1)
    expect(thread).to_contain_text("<script>alert('x')</script>")  # shown as text, never run
    expect(page.get_by_label("Uw bericht")).to_have_value("")
    assert Message.objects.filter(thread__match=match).count() == 1
    shot(page, "messages-1-volunteer-wrote")
    # An empty message is refused with a reason, nothing stored.
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Schrijf een bericht.").first).to_be_visible()
    assert Message.objects.filter(thread__match=match).count() == 1
    log_out(page)

    # 2. Ineke gets a notice without the text, and sees the new message on her start page.
    notices = [m for m in wait_for_mail(mail, CARER_EMAIL) if m.subject == "U hebt een nieuw bericht"]
    assert len(notices) == 1
    assert "kennismaken" not in notices[0].body and thread_path in notices[0].body
    log_in(page, CARER_EMAIL)
    page.goto("/")
    page.get_by_role("link", name="U hebt 1 nieuw bericht.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berichten")
    page.get_by_role("link", name=re.compile("Koppeling Joost en Ineke")).click()
    thread = page.get_by_role("list", name="Berichten")
    expect(thread).to_contain_text("zullen we dinsdag kennismaken?")
    expect(thread).to_contain_text("Joost")
    expect(thread).not_to_contain_text("van 't Veld")  # first names only until both agreed
    expect(thread).not_to_contain_text("06 12 34 56 78")
    expect(thread).to_contain_text("[contactgegeven verborgen]")
    page.get_by_label("Uw bericht").fill("Dinsdag om twee uur is goed. Tot dan!")
    page.get_by_role("button", name="Versturen").click()
    expect(thread.locator("li")).to_have_count(2)
    shot(page, "messages-2-requester-answered")
    log_out(page)

    # 3. Joost reads the answer and writes once more, in a browser without JavaScript.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", java_script_enabled=False)
    try:
        plain = context.new_page()
        log_in(plain, VOLUNTEER_EMAIL)
        plain.goto(thread_path)
        expect(plain.get_by_role("list", name="Berichten")).to_contain_text("Dinsdag om twee uur is goed.")
        plain.get_by_label("Uw bericht").fill("Top, ik neem koffie mee.")
        plain.get_by_role("button", name="Versturen").click()
        expect(plain).to_have_url(re.compile(re.escape(thread_path) + r"#bericht-\d+$"))
        expect(plain.get_by_role("list", name="Berichten").locator("li")).to_have_count(3)
    finally:
        context.close()
    assert list(Message.objects.filter(thread__match=match).values_list("side", flat=True)) == [
        "volunteer",
        "requester",
        "volunteer",
    ]
