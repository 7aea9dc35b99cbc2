"""The strict Content-Security-Policy breaks nothing in a real browser (issue #13,
point 5): the main pages of the demo staff, the public pages and the Django admin
open without a single policy refusal on the console (the ``page`` fixture of
conftest.py fails the test on one), and htmx still works under the policy."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


def _visit(page: Page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")


def test_public_pages_open_without_policy_errors(page: Page, demo):
    _visit(page, ["/", "/privacy/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/buurt/"])
    assert page.policy_errors == []


def test_broker_pages_and_htmx_work_under_the_policy(page: Page, demo):
    log_in(page, "makelaar@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    base = "/organisatie/regio-arnhem"
    _visit(
        page,
        [
            f"{base}/",
            f"{base}/vragen/",
            f"{base}/vrijwilligers/",
            f"{base}/koppelingen/",
            f"{base}/koppelronde/",
            f"{base}/aandacht/",
            f"{base}/cijfers/organisatie/",
            f"{base}/cijfers/vraag-en-aanbod/",
            "/agenda/",
            "/e-mail/",
        ],
    )
    # htmx (a script of our own) still runs: the queue filter reloads the list in place.
    page.goto(f"{base}/vragen/")
    with page.expect_response(re.compile(r"/vragen/\?")) as answer:
        page.get_by_label(re.compile("Soort", re.IGNORECASE)).first.select_option(index=1)
    assert answer.value.status == 200
    assert page.policy_errors == []


def test_django_admin_works_under_the_same_policy(page: Page, demo):
    from neighbourhoods.models import Neighbourhood

    log_in(page, "beheer@buurtmakelaar.demo", settings.DEMO_PASSWORD)
    area = Neighbourhood.objects.filter(parent__isnull=False).first() or Neighbourhood.objects.first()
    _visit(
        page,
        [
            "/admin/",
            "/admin/neighbourhoods/neighbourhood/",
            f"/admin/neighbourhoods/neighbourhood/{area.pk}/change/",
            "/admin/neighbourhoods/organisation/add/",
            "/admin/caregivers/helprequest/add/",
            "/admin/volunteers/volunteer/add/",
        ],
    )
    # The admin's own scripts run: the autocomplete widget (select2) opens.
    page.goto(f"/admin/neighbourhoods/neighbourhood/{area.pk}/change/")
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-search__field, .select2-results").first).to_be_visible()
    assert page.policy_errors == []


def test_two_step_pages_work_under_the_policy(page: Page, demo):
    """The second login step and the set-up pages (QR code as inline SVG, allauth's
    WebAuthn and recovery-code scripts from static files, their JSON data blocks) raise
    no policy refusal. A volunteer sets up an app: the page asks for the password again
    first (allauth), then shows the QR code."""
    from tests.e2e.test_journeys import PASSWORD, make_user

    user = make_user("twee.stappen@example.nl")
    log_in(page, user.email)
    page.goto("/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator("form.form button[type=submit]").first.click()
        page.wait_for_load_state("load")
    _visit(page, ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/add/"])
    expect(page.locator("#mfa_webauthn_add")).to_be_visible()
    page.goto("/accounts/2fa/totp/activate/")
    expect(page.locator(".qr-code svg")).to_be_visible()
    # The demo broker's second step, with the security-key option and its scripts.
    page.locator('form[action="/accounts/logout/"] button').first.click()
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill("makelaar@buurtmakelaar.demo")
    page.locator('input[name="password"]').fill(settings.DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Inloggen: stap 2")
    expect(page.locator("#mfa_webauthn_authenticate")).to_be_visible()
    assert page.policy_errors == []
