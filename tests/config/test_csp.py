"""A strict Content-Security-Policy on every page, and pages that live with it
(issue #13, point 5).

The policy (config/settings.py, django-csp) allows scripts and styles from our own
origin only. A page breaks under it when its HTML holds an inline ``<script>``, a
``<style>`` element, a ``style=""`` attribute, an ``on…=`` handler or a
``javascript:`` address. These tests crawl the site as every main role (the
personas of tests/conftest.py), following the links each page offers, and parse
every HTML answer for those.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.login import log_in

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# <script type="application/json"> is a data block: browsers do not run it and CSP
# does not apply to it (allauth's e-mail page passes its settings this way).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

# Not worth crawling: they log out, change state on GET by design (none should), or
# are not pages.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/admin/", "/i18n/")


def _directives(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";") if part.strip()]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in parts}


class _InlineFinder(HTMLParser):
    """Collects what a strict CSP refuses, and the page's own links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if not attributes.get("src") and kind not in DATA_SCRIPT_TYPES:
                self.problems.append("inline <script>")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def inline_problems(html: str) -> tuple[list[str], list[str]]:
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems, finder.links


def assert_strict_csp(response, url: str) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, f"{url}: {header}"
    directives = _directives(header)
    for name, value in REQUIRED.items():
        assert directives.get(name) == value, f"{url}: {name} is {directives.get(name)!r}"


def crawl(client, starts: list[str], *, limit: int = 80, skip=SKIP_PREFIXES) -> dict[str, list[str]]:
    """GET every same-site page reachable from ``starts`` (up to ``limit``); return
    the problems per HTML page, after asserting the CSP header on every answer."""
    seen: set[str] = set()
    queue = deque(starts)
    found: dict[str, list[str]] = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        assert_strict_csp(response, url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        problems, links = inline_problems(response.content.decode())
        found[url] = problems
        for link in links:
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith(skip):
                continue
            queue.append(link)
    return found


def _clean(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {url: problems for url, problems in found.items() if problems}


def test_the_header_names_a_strict_policy(client, db):
    response = client.get(reverse("home"))
    assert_strict_csp(response, "/")
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_errors_and_non_html_answers_carry_the_policy_too(client, db):
    assert_strict_csp(client.get("/bestaat-niet/"), "404")
    assert_strict_csp(client.get(reverse("health_live")), "health")


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client):
    starts = [
        reverse("home"),
        reverse("privacy"),
        reverse("accessibility"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("neighbourhoods:lookup"),
        reverse("caregivers:ask"),
        reverse("caregivers:ask_thanks"),
        "/bestaat-niet/",
    ]
    found = crawl(client, starts)
    assert len(found) >= 6
    assert not _clean(found)


@pytest.mark.parametrize(
    "persona, minimum",
    [("volunteer", 8), ("mantelzorger", 8), ("broker_a", 12), ("admin_a", 6), ("municipality", 4)],
)
def test_every_page_of_every_role_has_no_inline_script_or_style(client, personas, region, persona, minimum):
    log_in(client, personas[persona])
    starts = [reverse("home"), reverse("privacy"), reverse("notifications:preferences"), reverse("calendar:manage")]
    starts += [
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("volunteers:start"),
        reverse("caregivers:my_requests"),
        reverse("caregivers:request_new"),
        reverse("caregivers:mantelzorger_home"),
        reverse("matching_people:mine"),
        reverse("matching_people:year_overview"),
    ]
    if persona != "volunteer":
        slug = region["org_a"].slug
        starts += [reverse("reports:start", kwargs={"slug": slug})]
    if persona == "admin_a":
        starts += [reverse("neighbourhoods:settings_front_door", args=[region["org_a"].slug, region["arnhem"].pk])]
        starts += [
            reverse("neighbourhoods:settings_carer_appreciation", args=[region["org_a"].slug, region["arnhem"].pk])
        ]
        # The webhooks' pages (the list is linked from the API keys page; the log from the list).
        starts += [
            reverse("api_webhooks:list", args=[region["org_a"].slug]),
            reverse("api_webhooks:deliveries", args=[region["org_a"].slug]),
        ]
    found = crawl(client, starts)
    assert len(found) >= minimum, sorted(found)
    assert not _clean(found)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.nl", password="x-Very-secret-1")


def test_django_admin_lives_with_the_same_policy(client, superuser, personas):
    """The admin gets no relaxed policy: its pages hold no inline script or style."""
    log_in(client, superuser)
    starts = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        starts.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        starts.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            starts.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    found = crawl(client, starts, limit=len(starts), skip=("/static/",))
    assert len(found) >= len(admin.site._registry)
    assert not _clean(found)


def test_the_finder_sees_what_the_policy_refuses():
    page = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:void(0)">b</a><script src="/static/x.js"></script>'
        '<script type="application/json">{"a": 1}</script>'
    )
    problems, _links = inline_problems(page)
    assert problems == [
        '<p style="color:red">',
        "<p onclick=…>",
        "inline <script>",
        "<style> element",
        "<a href=javascript:…>",
    ]
