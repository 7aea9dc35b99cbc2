"""Accessibility kept in CI (issue #18, item 6): axe-core (4.12, bundled by
axe-playwright-python) checks the pages of every role in Debian's chromium, at desktop
(1280 x 900) and phone (390 x 844) width, against WCAG 2.1 A and AA.

A critical or serious violation fails the test. A moderate or minor one fails it too,
unless it is listed in ``axe_known.json`` (page, rule and why it is there): a new one
must be fixed or, when it is a deliberate choice, listed with the reason. A listed one
that no longer occurs fails as well, so the list only shrinks with the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page

from tests.e2e.test_journeys import log_in, log_out

pytestmark = pytest.mark.e2e

KNOWN_FILE = Path(__file__).with_name("axe_known.json")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ALWAYS_FAIL = {"critical", "serious"}
BASE = "/organisatie/regio-arnhem"

# Who sees which pages: the main pages of each role (the journeys visit the same ones).
PAGES = {
    None: [
        "/",
        "/privacy/",
        "/toegankelijkheid/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/buurt/",
        "/buurt/?postcode=6881AB",
        "/vacatures/",
        "/hulp/zonder-account/",
        "/activiteiten/",
        lambda: f"/activiteiten/{_activity_pk()}/",
        # What the service worker shows when the network is down (config/pwa.py).
        "/offline/",
    ],
    "vrijwilliger@buurtmakelaar.demo": [
        "/vrijwilliger/",
        "/vrijwilliger/tijden/",
        "/vrijwilliger/gegevens/",
        "/vacatures/past-bij-u/",
        "/koppelingen/",
        "/agenda/",
        "/e-mail/",
        "/berichten/",
    ],
    "mantelzorger@buurtmakelaar.demo": [
        "/hulp/mantelzorger/",
        "/hulp/respijtzorg/",
        "/hulp/",
        "/hulp/vraag/nieuw/",
        "/hulp/mantelzorger/steun/",
        "/koppelingen/wie-komt-er/",
        lambda: f"/activiteiten/{_activity_pk()}/",
        "/berichten/",
        # The messages about her place at the respite afternoon.
        lambda: f"/berichten/activiteit/{_signup_pk('mantelzorger@buurtmakelaar.demo')}/",
        # The carer's own request, and the page where she fills in the ladder (issue #15).
        "/hulp/vraag/{own_request}/",
        "/hulp/vraag/{own_request}/eigen-kracht/",
    ],
    "makelaar@buurtmakelaar.demo": [
        f"{BASE}/",
        f"{BASE}/vragen/",
        f"{BASE}/vragen/?assigned=me&sort=newest",
        # A ready request with its suggestions (the desk, issue #18): found after the demo loads.
        f"{BASE}/vragen/{{ready_request}}/",
        f"{BASE}/koppelen/{{ready_request}}/",
        f"{BASE}/vragen/nieuw/",
        f"{BASE}/vrijwilligers/",
        f"{BASE}/koppelingen/",
        f"{BASE}/koppelronde/",
        f"{BASE}/aandacht/",
        f"{BASE}/cijfers/organisatie/",
        f"{BASE}/cijfers/organisatie/?kaart=Arnhem",
        f"{BASE}/cijfers/vraag-en-aanbod/",
        f"{BASE}/activiteiten/",
        f"{BASE}/activiteiten/nieuw/",
        lambda: f"{BASE}/activiteiten/{_activity_pk()}/",
        lambda: f"{BASE}/activiteiten/aanmeldingen/{_signup_pk('mantelzorger@buurtmakelaar.demo')}/berichten/",
        "/berichten/",
    ],
    "gemeente.arnhem@buurtmakelaar.demo": [f"{BASE}/gemeente/", f"{BASE}/cijfers/"],
    "coordinator@buurtmakelaar.demo": [f"{BASE}/instellingen/", f"{BASE}/team/", f"{BASE}/partners/"],
    "partner@buurtmakelaar.demo": [
        "/partner/",
        "/vacatures/",
        "/berichten/",
        # The partner's own activities, a new one, and one with who signed up.
        lambda: f"/partner/{_partner_pk()}/activiteiten/",
        lambda: f"/partner/{_partner_pk()}/activiteiten/nieuw/",
        lambda: f"/partner/activiteiten/{_partner_activity_pk()}/",
    ],
}


def _activity_pk() -> int:
    """The demo's full respite afternoon (its id is known once the demo is loaded)."""
    from activities.models import Activity

    return Activity.objects.get(title="Respijtmiddag voor mantelzorgers").pk


def _signup_pk(email: str) -> int:
    """The person's place (or place in line) at an activity of the demo."""
    from activities.models import SignUp

    return SignUp.objects.filter(user__email=email).order_by("pk").values_list("pk", flat=True).first()


def _partner_pk() -> int:
    from partners.models import Partner

    return Partner.objects.filter(memberships__user__email="partner@buurtmakelaar.demo").values_list("pk", flat=True)[0]


def _partner_activity_pk() -> int:
    """An activity the demo's partner organises (made here when the demo has none)."""
    from activities.models import Activity

    found = Activity.objects.filter(partner_id=_partner_pk()).order_by("pk").first()
    if found is None:
        found = Activity.objects.get(title="Respijtmiddag voor mantelzorgers")
        Activity.objects.filter(pk=found.pk).update(partner_id=_partner_pk())
    return found.pk


def _own_request(email: str) -> int:
    """The newest request of ``email`` that the broker still clarifies (its ladder open to change)."""
    from caregivers.models import HelpRequest
    from caregivers.selectors import LADDER_EDITABLE_STATUSES

    return (
        HelpRequest.objects.filter(requester__email=email, status__in=LADDER_EDITABLE_STATUSES)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def _known() -> dict[tuple[str, str], str]:
    rows = json.loads(KNOWN_FILE.read_text(encoding="utf-8"))
    return {(row["page"], row["rule"]): row["why"] for row in rows}


def _check(page: Page, axe: Axe, path: str, found: dict[tuple[str, str], list[str]]) -> None:
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        page.wait_for_load_state("load")
        results = axe.run(page, options=OPTIONS).response
        for violation in results["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            found.setdefault((path, violation["id"]), []).append(
                f"{violation['impact']} at {width}: {violation['help']} ({'; '.join(targets)})"
            )


@pytest.fixture
def people(transactional_db):
    """The demo region with a few people (volunteers, requests, a month of history), so
    that the citizens' and the broker's pages show lists, not empty states."""
    from django.core.management import call_command

    call_command("load_demo", "--volunteers", "30", "--requests", "20", "--history-months", "1", verbosity=0)


def test_every_roles_pages_pass_axe_at_desktop_and_phone_width(page: Page, people):
    axe = Axe()
    # The check itself works: a page with an unnamed image and an unlabelled field fails it.
    page.goto("/privacy/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<img src="/static/x.png"><input type="text">\')'
    )
    broken = {v["id"] for v in axe.run(page, options=OPTIONS).response["violations"]}
    assert {"image-alt", "label"} <= broken, broken

    from caregivers.models import HelpRequest

    ready = HelpRequest.objects.filter(organisation__slug="regio-arnhem", status=HelpRequest.Status.READY).first()
    assert ready is not None, "the demo has no ready request for the desk's pages"

    # A conversation with messages: the demo's sample messages on a running match.
    from conversations.models import Thread

    thread = Thread.objects.filter(match__isnull=False).order_by("pk").first()
    assert thread is not None, "the demo has no sample conversation"
    extra = {"makelaar@buurtmakelaar.demo": [f"{BASE}/koppelingen/{thread.match_id}/berichten/"]}

    found: dict[tuple[str, str], list[str]] = {}
    for who, paths in PAGES.items():
        if who is not None:
            log_in(page, who, settings.DEMO_PASSWORD)
        for path in paths + extra.get(who, []):
            if callable(path):
                path = path()
            elif "{" in path:
                path = path.format(own_request=_own_request(who), ready_request=ready.pk)
            _check(page, axe, path, found)
        if who is not None:
            log_out(page)

    impacts = {key: {line.split(" ", 1)[0] for line in lines} for key, lines in found.items()}
    known = _known()
    severe = {key: found[key] for key, seen in impacts.items() if seen & ALWAYS_FAIL}
    new = {key: found[key] for key in found if key not in known and key not in severe}
    gone = sorted(key for key in known if key not in found)
    report = "\n".join(f"{path} [{rule}]: {' | '.join(lines)}" for (path, rule), lines in {**severe, **new}.items())
    assert not severe, f"critical or serious accessibility problems:\n{report}"
    assert not new, f"new accessibility problems (fix them, or list them with a reason in {KNOWN_FILE.name}):\n{report}"
    assert not gone, f"fixed, so remove them from {KNOWN_FILE.name}: {gone}"
