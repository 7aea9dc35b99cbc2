"""Hostile input to every page, as someone who may use it: never a 500.

For every URL of the authorization table (``test_authorization_matrix.TABLE``) that takes
a POST, the first role its rule lets in (own organisation) posts random hostile data
(``tests/security/hostile.py``) to it; for every page it may GET, hostile query strings.
The answer is a page, a redirect or a 4xx with a reason, never a server error.

Which fields a URL takes is read from the pages themselves: every page the role may
open is fetched once and each ``<form>`` on it gives the names (and the offered values)
it sends to its ``action``. Fields that views read straight from the request, outside a
form, are in :data:`RAW_FIELDS`. Every example runs in a transaction that is rolled back,
so each starts from the same two-organisation world.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from hypothesis import given

from tests.login import log_in
from tests.security.hostile import VIEWS, XSS, form_data
from tests.security.test_authorization_matrix import TABLE, URLS, _is_refusal, _reauthenticate, _url
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db

# Fields read from request.POST / request.GET outside a form (grep "request.POST.get").
RAW_FIELDS: dict[str, dict[str, list[str] | None]] = {
    "caregivers_broker:intake": {"action": ["ready", "save"]},
    "caregivers_broker:queue": {"page": None},
    "matching_batch:confirm": {"index": ["all", "0", "1"], "page": None},
    "matching_batch:reject": {"index": ["0", "1"], "page": None},
    "matching_batch:detail": {"page": None},
    "matching:suggestions": {"limit": ["1", "100", "101"]},
    "legacy_suggestions": {"limit": ["1", "100", "101"]},
    "api:suggestions": {"limit": ["1", "100", "101"]},
    "api:hours": {"month": ["2026-03"], "match": None, "approved": ["true", "false"], "cursor": None},
    "api:evaluations": {"month": ["2026-03"], "match": None, "goal_reached": ["yes", "no"], "cursor": None},
    "api:vacancies": {
        "skill": ["shopping"],
        "from_home": ["true", "false"],
        "kind": ["one_off", "weekly", "flexible"],
        "day": ["0", "6"],
        "part": ["morning", "evening"],
        "postcode": ["6811 AB"],
        "distance": ["2", "25"],
        "cursor": None,
        "page_size": ["1", "200"],
    },
    "api:activities": {"cursor": None, "page_size": ["1", "200"]},
    "volunteers_broker:list": {"page": None},
    # The demand signal an activity is made from (activities.forms.DemandForm on GET).
    "activities_centre:new": {"neighbourhood": None, "skill": None, "weekday": ["0", "6"], "part": ["afternoon"]},
    "caregivers:care_recipient_new": {"next": ["respite"]},
}


class _Forms(HTMLParser):
    """The forms of a page: (method, action path) -> {field name: offered values}."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._current: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            key = ((a.get("method") or "get").lower(), action)
            self._current = self.forms.setdefault(key, {})
        elif self._current is not None and tag in ("input", "select", "textarea", "button") and a.get("name"):
            values = self._current.setdefault(a["name"], [])
            if a.get("value"):
                values.append(a["value"])
            if tag == "select":
                self._select = a["name"]
        elif self._current is not None and tag == "option" and self._select and a.get("value"):
            self._current[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _role_for(entry) -> str | None:
    """The first role the rule lets in with the organisation's own objects."""
    for role in ROLES:
        if not _is_refusal(entry.rule.expect(role, "own")):
            return role
    return None


def _login(client, world, role, entry=None):
    client.logout()
    user = world.user(role)
    if user is not None:
        log_in(client, user)
        if entry is not None and entry.reauthenticated:
            _reauthenticate(client, user)


@pytest.fixture(scope="module")
def page_forms(world, django_db_blocker):
    """role -> (method, path) -> fields, from every page the role may open."""
    from django.test import Client

    found: dict[str, dict[tuple[str, str], dict[str, list[str]]]] = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = Client()
            _login(client, world, role)
            forms: dict[tuple[str, str], dict[str, list[str]]] = {}
            for url in URLS:
                entry = TABLE.get(url.name or "")
                if entry is None or entry.methods == "POST" or entry.rule.expect(role, "own") != 200:
                    continue
                address = _url(world, url, entry, role, "own" if url.params else "-")
                if entry.reauthenticated:
                    _login(client, world, role, entry)
                with transaction.atomic():
                    response = client.get(address)
                    transaction.set_rollback(True)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    parser = _Forms(address)
                    parser.feed(response.content.decode("utf-8", "replace"))
                    for key, fields in parser.forms.items():
                        forms.setdefault(key, {}).update(fields)
            found[role] = forms
    return found


def _cases(method: str):
    for url in URLS:
        entry = TABLE.get(url.name or "")
        if entry is None:
            continue
        if method == "post" and "POST" not in entry.methods:
            continue
        if method == "get" and entry.methods == "POST":
            continue
        role = _role_for(entry)
        if role is not None:
            yield pytest.param(url, role, id=f"{url.name}-{role}")


def _fields(page_forms, url, role, address, method) -> dict[str, list[str] | None]:
    fields: dict[str, list[str] | None] = {}
    for (form_method, action), names in page_forms[role].items():
        if form_method == method and action == address:
            for name, offered in names.items():
                fields[name] = sorted(set(offered)) or None
    fields.update(RAW_FIELDS.get(url.name, {}))
    return fields


# Sent in every field at once (alone and twice over), before the random search: the
# values that broke pages before (an id beyond 64 bits, issue #13) or could.
SURE = ("99999999999999999999", "\x00", "a" * 10_000, "2024-02-30", "1e309", XSS)


def _hostile(client, world, url, role, page_forms, method):
    entry = TABLE[url.name]
    address = _url(world, url, entry, role, "own" if url.params else "-")
    fields = _fields(page_forms, url, role, address, method)
    send = client.post if method == "post" else client.get

    def one(data):
        _login(client, world, role, entry)
        with transaction.atomic():
            response = send(address, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{method.upper()} {address} as {role}: {response.status_code}"
        return response

    for value in SURE:
        for sent in (value, [value, value]) if method == "post" else (value,):
            response = one(dict.fromkeys(fields, sent))
            if value == XSS and response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert XSS.encode() not in body, f"{address} shows {XSS} unescaped"

    @VIEWS
    @given(data=form_data(fields))
    def check(data):
        one(data)

    check()


@pytest.mark.parametrize(("url", "role"), list(_cases("post")))
def test_hostile_post_is_never_a_server_error(client, world, page_forms, url, role):
    _hostile(client, world, url, role, page_forms, "post")


@pytest.mark.parametrize(("url", "role"), list(_cases("get")))
def test_hostile_query_string_is_never_a_server_error(client, world, page_forms, url, role):
    _hostile(client, world, url, role, page_forms, "get")


def test_the_fields_of_a_form_are_found_on_its_page(world, page_forms):
    """The discovery the tests above rest on: the broker's intake form is found with its
    fields and the skills it offers."""
    from django.urls import reverse

    address = reverse(
        "caregivers_broker:intake", kwargs={"slug": world.a.organisation.slug, "pk": world.a.carer_request.pk}
    )
    fields = page_forms["broker"][("post", address)]
    assert {"question_behind", "kind", "urgency", "skills"} <= set(fields)
    assert str(world.a.volunteer.skills.first().pk) in fields["skills"]
