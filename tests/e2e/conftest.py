"""Browser journeys: Playwright drives Debian's chromium against pytest-django's
live server (SQLite, Celery eager, e-mail in the in-process outbox).

Run with  .venv/bin/python -m pytest -m e2e -p no:xdist tests/e2e
(needs /usr/bin/chromium: ``apt-get install chromium``; never a downloaded browser).
A screenshot of the last page of every journey lands in test-results/, and on a
failure a Playwright trace as well (open it with ``playwright show-trace FILE``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then
# refuse database access from the test (and from pytest-django's flush).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000
# What Chromium writes to the console when a policy header refuses something.
POLICY_CONSOLE = re.compile(r"Content Security Policy|Content-Security-Policy|Permissions-Policy|Permissions Policy")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item so fixtures know whether it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); never a download.")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def eager_celery():
    """Account e-mail must run in process here, whatever the environment says."""
    from config.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def mail(settings, eager_celery):
    """The in-process outbox that account e-mail lands in."""
    from django.core import mail as django_mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django_mail.outbox = []
    return django_mail


@pytest.fixture
def demo(transactional_db):
    """The demo geography of regio Arnhem, the organisation, skills and demo staff."""
    from django.core.management import call_command

    call_command("load_demo", "--no-people", verbosity=0)


@pytest.fixture
def page(request, browser, live_server, transactional_db, mail):
    """A fresh browser context (no cookies) whose relative URLs go to the live server.

    Uncaught JavaScript errors fail the test, and so does any refusal by the
    Content-Security-Policy or complaint about the Permissions-Policy the browser
    writes to the console (the page would then be broken for real people). At the end the page is saved as
    test-results/<test>.png (…-FAILED.png and a trace .zip when it failed)."""
    RESULTS.mkdir(exist_ok=True)
    # Each journey starts with an empty cache (the database is emptied too): used TOTP
    # codes, rate limits and cached pages of an earlier journey must not leak into it.
    from django.core.cache import cache

    from tests.e2e import test_journeys

    cache.clear()
    test_journeys._last_code.clear()
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    policy_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            policy_errors.append(f"{page.url}: {message.text}") if POLICY_CONSOLE.search(message.text) else None
        ),
    )
    page.policy_errors = policy_errors  # for tests that look at them themselves
    yield page

    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    suffix = "-FAILED" if failed else ""
    for stale in (f"{name}.png", f"{name}-FAILED.png", f"{name}-trace.zip"):
        (RESULTS / stale).unlink(missing_ok=True)
    try:
        page.screenshot(path=str(RESULTS / f"{name}{suffix}.png"), full_page=True)
    except Exception as error:  # a crashed page must not hide the real failure
        print(f"no screenshot for {name}: {error}")
    if failed:
        context.tracing.stop(path=str(RESULTS / f"{name}-trace.zip"))
    else:
        context.tracing.stop()
    context.close()
    assert not js_errors, f"JavaScript errors on the page: {js_errors}"
    assert not policy_errors, f"Content-Security-Policy or Permissions-Policy errors: {policy_errors}"
