"""Who may open what: every URL of the project, for every role, in two organisations.

The URL patterns are read from the project's URL configuration (``get_resolver()``,
through every ``include``), so a new page is tested the moment it is mounted; a URL
name that is not in :data:`TABLE` fails (``test_every_url_has_an_entry`` and its own
cases) with the entry to add. Django admin has its own, smaller rule below
(``test_admin_is_for_superusers_only``).

**Who.** Ten roles, each a user of organisation A (``tests/security/world.py``):
``anonymous``, ``volunteer``, ``mantelzorger``, ``help_seeker``, ``broker``,
``org_admin``, ``municipality`` (viewer of A's municipality), ``privacy_officer``
(reads A's access log), ``partner`` (works for a partner organisation of A: not staff;
its own vacancies and their responses only) and ``superuser`` (Django superuser, member of no organisation).
Organisation B holds the same kinds of people and records. Everybody logs in the way
the product lets them: staff (every role with a membership, and the superuser) with
both steps of the two-step login (``tests.login.log_in``).

**Which objects (scope).** A URL with path parameters is opened three ways:

* ``own``: every parameter from organisation A; a person's page gets the person's own
  record where they have one (a help seeker their request, a mantelzorger theirs);
* ``other``: every parameter from organisation B;
* ``cross``: the slug of A with the objects of B (only for URLs with a slug and an
  object): the classic leak of a staff page that checks the membership but then looks
  the object up without the organisation;
* ``peer``: the objects of another person of organisation A (a second volunteer,
  mantelzorger, help seeker), for the "owner only" pages: the leak of a page that
  scopes by organisation where it should scope by person.

A URL without parameters is opened once (scope ``-``). Which record a parameter gets
is said per entry (``args={"pk": "match"}``), the kinds are in :data:`KINDS`.

**Rule vocabulary** (the value of each entry; ``Entry(rule, methods, args)``):

* ``Public()``: everybody, logged in or not: 200.
* ``PublicOfOrganisation()``: as ``Public()``, but an organisation's public object under
  another organisation's slug (``cross``) is 404 (the API's vacancies).
* ``Secret()``: no login; the secret in the address (an e-mail link, a calendar feed, an
  unsubscribe link) is the proof, so whoever holds it gets 200 with both
  organisations' secrets.
* ``AnonymousOnly()``: pages for people who are not logged in (log in, sign up):
  anonymous 200, everybody else is sent on (302 elsewhere).
* ``LoggedIn(**by_role)``: any logged-in person, about themselves (no object in the
  address): 200, or what ``by_role`` says (``AWAY``: sent elsewhere, e.g. to the sign-up
  when they have no volunteer profile); anonymous to the login page.
* ``Owner(*roles)``: "owner only": the object in the address belongs to the logged-in
  person; ``roles`` hold such objects; their own answers 200, anyone else's (another
  organisation, or another person of the same one) 404; everybody else 404;
  anonymous to the login page.
* ``Staff(*roles)``: "staff of own organisation": the slug is an organisation where the
  user holds one of ``roles`` (``CASEWORK`` = broker, org admin; ``CARE_FILES`` = broker
  only, the intake desk and whatever shows a care file); own scope 200, other
  organisation or a foreign object 404; everybody else 404; anonymous to the login
  page (``anonymous=UNAUTHORISED`` for the JSON API).
* ``Reports(staff_only=False)``: report pages: brokers and admins of the organisation,
  and (unless ``staff_only``) its municipality viewer: 200; everybody else 404.

Outcomes: ``OK`` 200, ``BAD`` 400, ``UNAUTHORISED`` 401, ``NOT_FOUND`` 404,
``NOT_ALLOWED`` 405, ``LOGIN`` (302 to the login page), ``AWAY`` (302 elsewhere).

**Methods.** Every case opens the URL with GET. ``methods=POST`` (POST-only views):
GET answers 405 to every logged-in role; the rule is checked on POST. ``GET+POST``
(forms): the rule on GET and, for roles the rule refuses, on POST too. A refused
request (GET or POST) must leave every table of the project's apps exactly as it was
(the connection's count of inserted, updated and deleted rows does not move). A role the rule lets in gets an empty POST
accepted (200, 302 or 400: a form error, never a refusal or a 500).

**What a page shows.** Every 200 (except behind a secret) is searched for the words only
organisation B's people and records carry (names, care notes, the requests' own words,
e-mail addresses): a list or a page that lets one of them through fails, whatever its
status. For every role but the brokers, the mantelzorger and the volunteer
(``CARE_READERS``) it is also searched for organisation A's care file (the person cared
for, the notes about them): the privacy page says only brokers read it.

**Known leaks** go into ``Entry(xfail={(role, scope): reason})``: the expected status
stays the one the rule says, the case is ``xfail(strict=True)``; fixing the leak makes
the case pass and the strict xfail fail, so the entry is removed with the fix.

To add a URL: add ``"namespace:name": Entry(rule, methods, args)`` to :data:`TABLE`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.login import log_in
from tests.security.world import ROLES, Side, World

pytestmark = pytest.mark.django_db

OK, BAD, UNAUTHORISED, NOT_FOUND, NOT_ALLOWED = 200, 400, 401, 404, 405
LOGIN, AWAY = "login", "away"
# An authorised POST with empty data: taken in (done, or a form error), never refused.
ACCEPTED = frozenset({200, 204, 400, AWAY})

CASEWORK = ("broker", "org_admin")
# Everybody who logs in with two steps: a staff membership, or the superuser.
STAFF_PERSONS = ("broker", "org_admin", "municipality", "privacy_officer", "superuser")
# Care files (the intake desk: requests with the person cared for, check-ins, intake
# notes): brokers only (``StaffMembership.CARE_FILE_ROLES``; the privacy page says the
# admin cannot read them).
CARE_FILES = ("broker",)
PERSONS = (
    "volunteer",
    "mantelzorger",
    "help_seeker",
    "broker",
    "org_admin",
    "municipality",
    "privacy_officer",
    "partner",
    "superuser",
)


# --- Rules ---------------------------------------------------------------------------------


class Rule:
    def expect(self, role: str, scope: str) -> int | str:
        raise NotImplementedError


@dataclass(frozen=True)
class Public(Rule):
    status: int = OK

    def expect(self, role, scope):
        return self.status


@dataclass(frozen=True)
class PublicOfOrganisation(Rule):
    """Everybody, logged in or not: 200 for an organisation's public object under its own
    slug; under another organisation's slug (``cross``) 404."""

    def expect(self, role, scope):
        return NOT_FOUND if scope == "cross" else OK


@dataclass(frozen=True)
class Secret(Rule):
    def expect(self, role, scope):
        return OK


@dataclass(frozen=True)
class AnonymousOnly(Rule):
    def expect(self, role, scope):
        return OK if role == "anonymous" else AWAY


class LoggedIn(Rule):
    def __init__(self, default: int | str = OK, *, anonymous: int | str = LOGIN, **by_role: int | str):
        unknown = set(by_role) - set(PERSONS)
        assert not unknown, f"unknown roles {unknown}"
        self.default, self.anonymous, self.by_role = default, anonymous, by_role

    def expect(self, role, scope):
        if role == "anonymous":
            return self.anonymous
        return self.by_role.get(role, self.default)

    def __repr__(self):
        return f"LoggedIn({self.default!r}, {self.by_role!r})"


class Owner(Rule):
    def __init__(self, *roles: str):
        assert set(roles) <= set(PERSONS), roles
        self.roles = frozenset(roles)

    def expect(self, role, scope):
        if role == "anonymous":
            return LOGIN
        return OK if role in self.roles and scope == "own" else NOT_FOUND

    def __repr__(self):
        return f"Owner{tuple(sorted(self.roles))}"


class Staff(Rule):
    def __init__(self, *roles: str, anonymous: int | str = LOGIN):
        assert set(roles) <= set(PERSONS), roles
        self.roles, self.anonymous = frozenset(roles), anonymous

    def expect(self, role, scope):
        if role == "anonymous":
            return self.anonymous
        return OK if role in self.roles and scope == "own" else NOT_FOUND

    def __repr__(self):
        return f"Staff{tuple(sorted(self.roles))}"


@dataclass(frozen=True)
class Reports(Rule):
    staff_only: bool = False
    anonymous: int | str = LOGIN

    def expect(self, role, scope):
        if role == "anonymous":
            return self.anonymous
        allowed = set(CASEWORK) | (set() if self.staff_only else {"municipality"})
        return OK if role in allowed and scope == "own" else NOT_FOUND


@dataclass(frozen=True)
class Entry:
    rule: Rule
    methods: str = "GET"  # "GET", "POST" or "GET+POST"
    args: dict[str, str] = field(default_factory=dict)  # path parameter -> kind (KINDS)
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)
    # The person confirmed their password a moment ago (allauth asks that before the
    # pages that change a second step); without it every such page sends them there.
    reauthenticated: bool = False
    # What an authorised empty POST may answer (allauth answers a wrong security key on
    # its re-authentication page with its login page, which sends a logged-in person on).
    accepted: frozenset = ACCEPTED


# --- Which record a path parameter gets -------------------------------------------------------

# kind -> (side, role) -> value. ``slug`` is always the organisation's slug.
KINDS: dict[str, Callable[[Side, str], object]] = {
    "organisation": lambda side, role: side.organisation.slug,
    # A help seeker's own request (open, so it can be withdrawn); for everybody else the
    # mantelzorger's respite request, the one with care data.
    "help_request": lambda side, role: (side.open_request if role == "help_seeker" else side.carer_request).pk,
    "care_recipient": lambda side, role: side.care_recipient.pk,
    "signal": lambda side, role: side.signal.pk,
    # The broker's own saved queue filter (anyone else's answers 404).
    "saved_filter": lambda side, role: side.saved_filter.pk,
    "volunteer": lambda side, role: side.volunteer.pk,
    # The volunteer's side of a match (accepted: decline is possible).
    "volunteer_match": lambda side, role: side.match_accepted.pk,
    # The requester's side: the help seeker's running match, the mantelzorger's accepted one.
    "requester_match": lambda side, role: (side.match_active if role == "help_seeker" else side.match_accepted).pk,
    # A broker's match: the running one, with hours.
    "match": lambda side, role: side.match_active.pk,
    "hours_entry": lambda side, role: side.hours_entry.pk,
    "batch_run": lambda side, role: side.batch_run.pk,
    "api_token": lambda side, role: _api_token(side).pk,
    "webhook": lambda side, role: _webhook(side).pk,
    "running_batch_run": lambda side, role: side.running_run.pk,
    "link_purpose": lambda side, role: "accept",
    "link_secret": lambda side, role: side.link_secrets["accept"],
    "feed_token": lambda side, role: side.feed_token,
    "unsubscribe_token": lambda side, role: side.unsubscribe_token,
    # A municipality of the organisation's working area; a broker's role there.
    "municipality": lambda side, role: side.organisation.municipalities.order_by("pk").first().pk,
    "membership": lambda side, role: side.organisation.memberships.filter(role="broker").order_by("pk").first().pk,
    # The mantelzorger (broker's privacy page, kind "mantelzorger": the whole care file).
    "mantelzorger": lambda side, role: side.mantelzorger.pk,
    # A security key (WebAuthn) of the logged-in role's own user on that side.
    # (Anonymous: the volunteer's.)
    "webauthn_key": lambda side, role: side.webauthn_keys.get(role, side.webauthn_keys["volunteer"]),
    # A partner organisation, its published vacancy and a new response to it.
    "partner": lambda side, role: side.partner.pk,
    "vacancy": lambda side, role: side.vacancy.pk,
    "response": lambda side, role: side.response.pk,
    # An open activity, the mantelzorger's place at it, the secret of an open offer.
    "activity": lambda side, role: side.activity.pk,
    "signup": lambda side, role: side.signup.pk,
    # The partner's own activity, and the volunteer's place at it.
    "partner_activity": lambda side, role: side.partner_activity.pk,
    "partner_signup": lambda side, role: side.partner_signup.pk,
    "offer_token": lambda side, role: side.offer_token,
}


def _api_token(side):
    """The organisation's API token (made the first time it is asked for)."""
    from api.models import ApiToken
    from api.services import token_create

    found = ApiToken.objects.filter(organisation=side.organisation).first()
    if found is None:
        found = token_create(organisation=side.organisation, name="Matrix", scopes=["broker"], days=30, by=None).token
    return found


def _webhook(side):
    """The organisation's webhook subscription (made the first time it is asked for)."""
    from api.models import WebhookSubscription
    from api.webhooks import webhook_subscription_create

    found = WebhookSubscription.objects.filter(organisation=side.organisation).first()
    if found is None:
        found = webhook_subscription_create(
            organisation=side.organisation,
            target_url="https://hooks.example.org/matrix",
            events=["match.proposed"],
            by=None,
        ).subscription
    return found


# Parameters that are the same in both organisations (no scope of their own).
CONSTANTS: dict[str, str] = {
    "step": "over-u",
    "key": "no-such-key",
    "uidb36": "0",
    # The broker's privacy page: the kind of record (with ``pk``: "mantelzorger").
    "kind": "mantelzorger",
    # The volunteer's yearly overview and certificate: this year (their match runs now).
    "year": str(datetime.date.today().year),
}


# --- The table --------------------------------------------------------------------------------

TABLE: dict[str, Entry] = {
    # config
    "home": Entry(Public()),
    "health_live": Entry(Public()),
    "health_ready": Entry(Public()),
    "privacy": Entry(Public()),
    "accessibility": Entry(Public()),
    "robots_txt": Entry(Public()),
    "sitemap": Entry(Public()),
    # The installable web app (config/pwa.py): the same for everybody, nothing personal.
    "web_manifest": Entry(Public()),
    "service_worker": Entry(Public()),
    "offline": Entry(Public()),
    # GET sends back to where one came from; POST switches the language and does the same.
    "set_language": Entry(Public(AWAY), methods="GET+POST"),
    # allauth's account pages
    "account_login": Entry(AnonymousOnly(), methods="GET+POST"),
    "account_signup": Entry(AnonymousOnly(), methods="GET+POST"),
    "account_logout": Entry(LoggedIn(anonymous=AWAY), methods="GET+POST"),
    "account_inactive": Entry(Public()),
    "account_reauthenticate": Entry(LoggedIn(), methods="GET+POST"),
    "account_email": Entry(LoggedIn(), methods="GET+POST"),
    "account_email_verification_sent": Entry(Public()),
    "account_change_password": Entry(LoggedIn(), methods="GET+POST"),
    "account_set_password": Entry(LoggedIn(AWAY), methods="GET+POST"),
    "account_reset_password": Entry(Public(), methods="GET+POST"),
    "account_reset_password_done": Entry(Public()),
    # Only during a login by code (not switched on): back to the login, or on when logged in.
    "account_confirm_login_code": Entry(LoggedIn(AWAY)),
    "account_confirm_email": Entry(Public(), args={"key": "key"}),
    "account_reset_password_from_key": Entry(Public(), args={"uidb36": "uidb36", "key": "key"}),
    "account_reset_password_from_key_done": Entry(Public()),
    # notifications
    "notifications:preferences": Entry(LoggedIn(), methods="GET+POST"),
    "notifications:unsubscribe": Entry(Secret(), methods="GET+POST", args={"token": "unsubscribe_token"}),
    # volunteers: the volunteer's own pages (no volunteer profile: on to the sign-up)
    "volunteers:home": Entry(LoggedIn(AWAY, volunteer=OK)),
    "volunteers:start": Entry(LoggedIn(OK, volunteer=AWAY), methods="GET+POST"),
    "volunteers:start_step": Entry(LoggedIn(OK, volunteer=AWAY), methods="GET+POST", args={"step": "step"}),
    "volunteers:edit": Entry(LoggedIn(AWAY, volunteer=OK), methods="GET+POST"),
    "volunteers:availability": Entry(LoggedIn(AWAY, volunteer=OK), methods="GET+POST"),
    "volunteers:pause": Entry(LoggedIn(AWAY, volunteer=OK), methods="GET+POST"),
    "volunteers:resume": Entry(LoggedIn(AWAY, volunteer=OK), methods="POST"),
    "volunteers:delete": Entry(LoggedIn(AWAY, volunteer=OK), methods="GET+POST"),
    # volunteers: the broker's list
    "volunteers_broker:list": Entry(Staff(*CASEWORK)),
    "volunteers_broker:detail": Entry(Staff(*CASEWORK), args={"pk": "volunteer"}),
    "volunteers_broker:thanks": Entry(Staff("org_admin"), methods="GET+POST"),
    "volunteers_broker:vog": Entry(Staff(*CASEWORK), methods="GET+POST", args={"pk": "volunteer"}),
    # caregivers: the requester's and mantelzorger's own pages
    "caregivers:my_requests": Entry(LoggedIn()),
    "caregivers:request_new": Entry(LoggedIn(), methods="GET+POST"),
    # Asking without an account: public (an empty post is a form error).
    "caregivers:ask": Entry(Public(), methods="GET+POST"),
    "caregivers:ask_thanks": Entry(Public()),
    "caregivers:request_detail": Entry(Owner("mantelzorger", "help_seeker"), args={"pk": "help_request"}),
    "caregivers:withdraw": Entry(Owner("mantelzorger", "help_seeker"), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers:request_ladder": Entry(
        Owner("mantelzorger", "help_seeker"), methods="GET+POST", args={"pk": "help_request"}
    ),
    "caregivers:respite_new": Entry(LoggedIn(AWAY, mantelzorger=OK), methods="GET+POST"),
    "caregivers:mantelzorger_home": Entry(LoggedIn(AWAY, mantelzorger=OK)),
    "caregivers:mantelzorger_start": Entry(LoggedIn(OK, mantelzorger=AWAY), methods="GET+POST"),
    "caregivers:checkin": Entry(LoggedIn(AWAY, mantelzorger=OK), methods="GET+POST"),
    "caregivers:care_ended": Entry(LoggedIn(AWAY, mantelzorger=OK), methods="GET+POST"),
    "caregivers:support": Entry(LoggedIn(AWAY, mantelzorger=OK), methods="GET+POST"),
    "caregivers:care_recipient_new": Entry(LoggedIn(AWAY, mantelzorger=OK), methods="GET+POST"),
    "caregivers:care_recipient_edit": Entry(Owner("mantelzorger"), methods="GET+POST", args={"pk": "care_recipient"}),
    # caregivers: the broker's intake desk
    "caregivers_broker:queue": Entry(Staff(*CARE_FILES)),
    "caregivers_broker:new": Entry(Staff(*CARE_FILES), methods="GET+POST"),
    "caregivers_broker:detail": Entry(Staff(*CARE_FILES), args={"pk": "help_request"}),
    "caregivers_broker:intake": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers_broker:start_intake": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "help_request"}),
    "caregivers_broker:mark_ready": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "help_request"}),
    "caregivers_broker:refer": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers_broker:withdraw": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers_broker:close_solved": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers_broker:care_ended": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "help_request"}),
    "caregivers_broker:reopen": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "help_request"}),
    "caregivers_broker:link_account": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "help_request"}),
    "caregivers_broker:assign": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "help_request"}),
    "caregivers_broker:bulk": Entry(Staff(*CARE_FILES), methods="POST"),
    "caregivers_broker:filter_save": Entry(Staff(*CARE_FILES), methods="POST"),
    "caregivers_broker:filter_delete": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "saved_filter"}),
    "caregivers_broker:signal_new": Entry(Staff(*CASEWORK), methods="GET+POST"),
    "caregivers_broker:support_edit": Entry(Staff("org_admin"), methods="GET+POST"),
    "caregivers_broker:signal": Entry(Staff(*CARE_FILES), args={"pk": "signal"}),
    "caregivers_broker:signal_close": Entry(Staff(*CARE_FILES), methods="POST", args={"pk": "signal"}),
    # matches: the people's own pages
    "matching_people:mine": Entry(LoggedIn()),
    "matching_people:accept": Entry(Owner("volunteer"), methods="POST", args={"pk": "volunteer_match"}),
    "matching_people:decline": Entry(Owner("volunteer"), methods="GET+POST", args={"pk": "volunteer_match"}),
    "matching_people:hours": Entry(Owner("volunteer"), methods="POST", args={"pk": "volunteer_match"}),
    "matching_people:requester": Entry(LoggedIn()),
    "matching_people:activate": Entry(
        Owner("mantelzorger", "help_seeker"), methods="POST", args={"pk": "requester_match"}
    ),
    "matching_people:requester_decline": Entry(
        Owner("mantelzorger", "help_seeker"), methods="GET+POST", args={"pk": "requester_match"}
    ),
    "matching_people:link": Entry(
        Secret(), methods="GET+POST", args={"purpose": "link_purpose", "secret": "link_secret"}
    ),
    # The volunteer's own yearly overview; nobody else has one (no id in the address).
    "matching_people:year_overview": Entry(LoggedIn(NOT_FOUND, volunteer=OK)),
    "matching_people:year_overview_year": Entry(LoggedIn(NOT_FOUND, volunteer=OK)),
    "matching_people:certificate": Entry(LoggedIn(NOT_FOUND, volunteer=OK)),
    "calendar:manage": Entry(LoggedIn(), methods="GET+POST"),
    "calendar:feed": Entry(Secret(), args={"token": "feed_token"}),
    # matches: the broker's pages
    "matching_broker:list": Entry(Staff(*CASEWORK)),
    "matching_broker:hours_approve_all": Entry(Staff(*CASEWORK), methods="POST"),
    "matching_broker:detail": Entry(Staff(*CASEWORK), args={"pk": "match"}),
    "matching_broker:cancel": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "match"}),
    "matching_broker:activate": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "match"}),
    "matching_broker:end": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "match"}),
    "matching_broker:hours_approve_match": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "match"}),
    "matching_broker:hours_approve": Entry(
        Staff(*CASEWORK), methods="POST", args={"pk": "match", "entry": "hours_entry"}
    ),
    "attention:list": Entry(Staff(*CASEWORK)),
    "attention:checkin": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "match"}),
    # matching: suggestions and batch runs
    "matching:suggestions": Entry(Staff(*CASEWORK), args={"pk": "help_request"}),
    "matching:propose": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "help_request"}),
    # the REST API (api/): the session's roles (tokens: tests/api/test_authorization.py)
    "legacy_suggestions": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED), args={"pk": "help_request"}),
    "api:schema": Entry(Public()),
    "api:docs": Entry(Public()),
    "api:figures": Entry(Reports(anonymous=UNAUTHORISED)),
    "api:volunteers": Entry(Staff(*CARE_FILES, anonymous=UNAUTHORISED)),
    "api:volunteer": Entry(Staff(*CARE_FILES, anonymous=UNAUTHORISED), args={"pk": "volunteer"}),
    "api:requests": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED)),
    "api:request": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED), args={"pk": "help_request"}),
    "api:suggestions": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED), args={"pk": "help_request"}),
    "api:matches": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED)),
    "api:match": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED), args={"pk": "match"}),
    "api:batch_runs": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED)),
    "api:batch_run": Entry(Staff(*CASEWORK, anonymous=UNAUTHORISED), args={"pk": "batch_run"}),
    "api:hours": Entry(Staff(*CARE_FILES, anonymous=UNAUTHORISED)),
    "api:evaluations": Entry(Staff(*CARE_FILES, anonymous=UNAUTHORISED)),
    "api:vacancies": Entry(Public()),
    "api:vacancy": Entry(PublicOfOrganisation(), args={"pk": "vacancy"}),
    "api:activities": Entry(Public()),
    "api:activity": Entry(PublicOfOrganisation(), args={"pk": "activity"}),
    # Signals are passed on with a write:signals token; a session has no such scope.
    "api:signals": Entry(Staff(anonymous=UNAUTHORISED), methods="POST"),
    "api_tokens:list": Entry(Staff("org_admin")),
    "api_tokens:new": Entry(Staff("org_admin"), methods="POST"),
    "api_tokens:revoke": Entry(Staff("org_admin"), methods="POST", args={"pk": "api_token"}),
    "api_webhooks:list": Entry(Staff("org_admin")),
    "api_webhooks:new": Entry(Staff("org_admin"), methods="POST"),
    "api_webhooks:deliveries": Entry(Staff("org_admin")),
    "api_webhooks:deactivate": Entry(Staff("org_admin"), methods="POST", args={"pk": "webhook"}),
    "api_webhooks:delete": Entry(Staff("org_admin"), methods="POST", args={"pk": "webhook"}),
    "matching_batch:list": Entry(Staff(*CASEWORK)),
    "matching_batch:start": Entry(Staff(*CASEWORK), methods="POST"),
    "matching_batch:detail": Entry(Staff(*CASEWORK), args={"pk": "batch_run"}),
    "matching_batch:progress": Entry(Staff(*CASEWORK), args={"pk": "running_batch_run"}),
    "matching_batch:confirm": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "batch_run"}),
    "matching_batch:reject": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "batch_run"}),
    # reports
    "reports:dashboard": Entry(Reports()),
    "reports:demand": Entry(Reports()),
    "reports:organisation": Entry(Reports(staff_only=True)),
    "reports:csv": Entry(Reports()),
    "reports:json": Entry(Reports()),
    "reports:start": Entry(Staff(*CASEWORK)),
    "reports:municipality_overview": Entry(Staff("municipality")),
    # neighbourhoods
    "neighbourhoods:lookup": Entry(Public()),
    "neighbourhoods:team": Entry(Staff("org_admin")),
    # The logo file: any staff role of the organisation (not the superuser: no membership).
    "neighbourhoods:logo": Entry(Staff("broker", "org_admin", "municipality", "privacy_officer")),
    "neighbourhoods:team_invite": Entry(Staff("org_admin"), methods="POST"),
    "neighbourhoods:team_remove": Entry(Staff("org_admin"), methods="POST", args={"pk": "membership"}),
    "neighbourhoods:settings": Entry(Staff("org_admin"), methods="GET+POST"),
    "neighbourhoods:settings_logo": Entry(Staff("org_admin"), methods="POST"),
    "neighbourhoods:settings_area_add": Entry(Staff("org_admin"), methods="POST"),
    "neighbourhoods:settings_area_remove": Entry(Staff("org_admin"), methods="POST", args={"pk": "municipality"}),
    "neighbourhoods:settings_front_door": Entry(Staff("org_admin"), methods="GET+POST", args={"pk": "municipality"}),
    "neighbourhoods:settings_carer_appreciation": Entry(
        Staff("org_admin"), methods="GET+POST", args={"pk": "municipality"}
    ),
    "matching_settings:weights": Entry(Staff("org_admin"), methods="GET+POST"),
    # The first admin's guided set-up (open to the admins at any time; it writes through
    # the settings page's services).
    "neighbourhoods:setup": Entry(Staff("org_admin")),
    "neighbourhoods:setup_details": Entry(Staff("org_admin"), methods="GET+POST"),
    "neighbourhoods:setup_area": Entry(Staff("org_admin"), methods="GET+POST"),
    "neighbourhoods:setup_team": Entry(Staff("org_admin"), methods="GET+POST"),
    "neighbourhoods:setup_finish": Entry(Staff("org_admin"), methods="POST"),
    # two-step login (allauth mfa). Everybody has a security key; staff have an app
    # (TOTP) as well. The pages that change a second step ask for the password first:
    # the table opens them right after it (``reauthenticated``).
    "mfa_index": Entry(LoggedIn()),
    "mfa_list_webauthn": Entry(LoggedIn()),
    # Steps of a login or re-authentication that is not under way: sent on.
    "mfa_authenticate": Entry(LoggedIn(AWAY), methods="GET+POST"),
    # Re-authenticating with the app: staff (who have one); the others are sent to the password.
    "mfa_reauthenticate": Entry(LoggedIn(AWAY, **dict.fromkeys(STAFF_PERSONS, OK)), methods="GET+POST"),
    "mfa_reauthenticate_webauthn": Entry(LoggedIn(), methods="GET+POST", accepted=ACCEPTED | {LOGIN}),
    # An app: set up by whoever has none (staff already have one: sent on to it), taken
    # away by whoever has one (the others: 404).
    "mfa_activate_totp": Entry(
        LoggedIn(OK, **dict.fromkeys(STAFF_PERSONS, AWAY)), methods="GET+POST", reauthenticated=True
    ),
    "mfa_deactivate_totp": Entry(
        LoggedIn(NOT_FOUND, **dict.fromkeys(STAFF_PERSONS, OK)), methods="GET+POST", reauthenticated=True
    ),
    # Recovery codes: nobody has them yet (view and download: 404); anyone may make them.
    "mfa_view_recovery_codes": Entry(LoggedIn(NOT_FOUND)),
    "mfa_download_recovery_codes": Entry(LoggedIn(NOT_FOUND), reauthenticated=True),
    "mfa_generate_recovery_codes": Entry(LoggedIn(), methods="GET+POST", reauthenticated=True),
    "mfa_add_webauthn": Entry(LoggedIn(), methods="GET+POST", reauthenticated=True),
    # One's own security key only (another person's, here or elsewhere: 404).
    "mfa_remove_webauthn": Entry(
        Owner(*PERSONS), methods="GET+POST", args={"pk": "webauthn_key"}, reauthenticated=True
    ),
    "mfa_edit_webauthn": Entry(Owner(*PERSONS), methods="GET+POST", args={"pk": "webauthn_key"}, reauthenticated=True),
    # privacy: retention periods (admin), a person's own data, the broker's privacy page
    "privacy:retention_settings": Entry(Staff("org_admin"), methods="GET+POST"),
    "mydata:mine": Entry(LoggedIn()),
    "mydata:export_json": Entry(LoggedIn()),
    "mydata:export_page": Entry(LoggedIn()),
    "mydata:erase": Entry(LoggedIn(), methods="GET+POST"),
    # The broker's page for someone offline: export (the whole file, care data included)
    # or erase: brokers only (StaffMembership.CARE_FILE_ROLES), as the privacy page says.
    # No login_required: anonymous gets the 404 of staff_organisation.
    "privacy_broker:person": Entry(
        Staff(*CARE_FILES, anonymous=NOT_FOUND), methods="GET+POST", args={"pk": "mantelzorger"}
    ),
    # partners: the public vacancies (anyone), responding and "past bij u" (volunteers)
    "vacancies:list": Entry(Public()),
    "vacancies:detail": Entry(Public(), args={"pk": "vacancy"}),
    "vacancies:respond": Entry(LoggedIn(AWAY, volunteer=OK), methods="GET+POST", args={"pk": "vacancy"}),
    "vacancies:fit": Entry(LoggedIn(AWAY, volunteer=OK)),
    "vacancies:mine": Entry(LoggedIn(AWAY, volunteer=OK)),
    # partners: the partner's own pages; another partner's (here or elsewhere): 404
    "partners:home": Entry(LoggedIn(NOT_FOUND, partner=OK)),
    "partners:profile": Entry(Owner("partner"), methods="GET+POST", args={"pk": "partner"}),
    "partners:vacancy_new": Entry(Owner("partner"), methods="GET+POST", args={"pk": "partner"}),
    "partners:signal_new": Entry(Owner("partner"), methods="GET+POST", args={"pk": "partner"}),
    "partners:signals": Entry(Owner("partner"), args={"pk": "partner"}),
    "partners:vacancy_edit": Entry(Owner("partner"), methods="GET+POST", args={"vacancy_pk": "vacancy"}),
    "partners:vacancy_close": Entry(Owner("partner"), methods="POST", args={"vacancy_pk": "vacancy"}),
    "partners:responses": Entry(Owner("partner"), args={"vacancy_pk": "vacancy"}),
    "partners:response_accept": Entry(Owner("partner"), methods="POST", args={"response_pk": "response"}),
    "partners:response_decline": Entry(Owner("partner"), methods="POST", args={"response_pk": "response"}),
    # activities: the public pages (anyone), signing oneself up or off (logged in: a
    # person who cannot is sent back with the reason), the offer behind its secret
    "activities:list": Entry(Public()),
    "activities:detail": Entry(Public(), args={"pk": "activity"}),
    "activities:signup": Entry(LoggedIn(), methods="POST", args={"pk": "activity"}),
    "activities:cancel": Entry(LoggedIn(), methods="POST", args={"pk": "activity"}),
    "activities:offer": Entry(Secret(), methods="GET+POST", args={"token": "offer_token"}),
    # activities: the centre's pages (brokers and admins)
    "activities_centre:list": Entry(Staff(*CASEWORK)),
    "activities_centre:new": Entry(Staff(*CASEWORK), methods="GET+POST"),
    "activities_centre:detail": Entry(Staff(*CASEWORK), args={"pk": "activity"}),
    "activities_centre:signup": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "activity"}),
    "activities_centre:order": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "activity"}),
    "activities_centre:invite": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "activity"}),
    "activities_centre:cancel": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "signup"}),
    "activities_centre:review": Entry(Staff(*CASEWORK), methods="POST", args={"pk": "activity"}),
    # activities: a partner's own activities (its accounts only; another partner's is a 404)
    "activities_partner:list": Entry(Owner("partner"), args={"pk": "partner"}),
    "activities_partner:new": Entry(Owner("partner"), methods="GET+POST", args={"pk": "partner"}),
    "activities_partner:detail": Entry(Owner("partner"), args={"pk": "partner_activity"}),
    # conversations: the people's threads (a match's volunteer and requester; a response's
    # volunteer and partner) and the broker's thread of a match (brokers: care files)
    "conversations:inbox": Entry(LoggedIn()),
    "conversations:match": Entry(
        Owner("volunteer", "mantelzorger", "help_seeker"), methods="GET+POST", args={"pk": "requester_match"}
    ),
    "conversations:response": Entry(Owner("volunteer", "partner"), methods="GET+POST", args={"pk": "response"}),
    "conversations_broker:thread": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "match"}),
    # conversations about a sign-up for an activity: the person who signed up (the
    # volunteer helping at the partner's own activity) and the partner organising it; the
    # centre's brokers have a page of the organisation.
    "conversations:signup": Entry(Owner("volunteer", "partner"), methods="GET+POST", args={"pk": "partner_signup"}),
    "conversations_activity:thread": Entry(Staff(*CARE_FILES), methods="GET+POST", args={"pk": "signup"}),
    # partners: the centre's partner page (admins)
    "partners_centre:list": Entry(Staff("org_admin")),
    "partners_centre:invite": Entry(Staff("org_admin"), methods="POST"),
    "partners_centre:settings": Entry(Staff("org_admin"), methods="POST"),
    "partners_centre:review": Entry(Staff("org_admin"), methods="POST", args={"pk": "vacancy"}),
    "partners_centre:active": Entry(Staff("org_admin"), methods="POST", args={"pk": "partner"}),
    # audit: the access log (privacy officer only)
    "audit:log": Entry(Staff("privacy_officer")),
    "audit:export": Entry(Staff("privacy_officer")),
}


# --- Reading the URL configuration ----------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    name: str | None
    route: str
    params: tuple[str, ...]


def _params(pattern) -> list[str]:
    # Route patterns compile to regular expressions with a named group per converter.
    return list(pattern.pattern.regex.groupindex)


def walk(patterns=None, prefix: str = "", namespace: str | None = None, params=()) -> Iterator[Url]:
    """Every URL pattern of the project, with its full name, route and path parameters."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        found = tuple(params) + tuple(_params(pattern))
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, found)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Url(name=name, route=prefix + str(pattern.pattern), params=found)


def _is_admin(url: Url) -> bool:
    return url.route.startswith("admin/")


def _is_static(url: Url) -> bool:
    """Static files and uploads (served by the web server in production, not pages)."""
    prefixes = tuple(p.lstrip("/") for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.strip("/"))
    return bool(prefixes) and url.route.startswith(prefixes)


URLS = [u for u in walk() if not _is_admin(u) and not _is_static(u)]
ADMIN_URLS = [u for u in walk() if _is_admin(u) and u.name]


def _scopes(url: Url) -> tuple[str, ...]:
    params = [p for p in url.params if p not in CONSTANTS]
    if not params:
        return ("-",)
    objects = [p for p in params if p != "slug"]
    if "slug" in params and objects:
        return ("own", "other", "cross")
    entry = TABLE.get(url.name or "")
    if entry is not None and isinstance(entry.rule, Owner):
        return ("own", "other", "peer")
    return ("own", "other")


def _cases():
    for url in URLS:
        entry = TABLE.get(url.name or "")
        for role in ROLES:
            for scope in _scopes(url):
                marks = []
                if entry is not None and (role, scope) in entry.xfail:
                    marks.append(pytest.mark.xfail(strict=True, reason=entry.xfail[(role, scope)]))
                yield pytest.param(url, role, scope, id=f"{url.name or url.route}-{role}-{scope}", marks=marks)


def _missing_entry_message(url: Url) -> str:
    if not url.name:
        return f"URL {url.route!r} has no name: give it one (path(..., name=...)) and an entry in TABLE."
    args = {p: "<kind from KINDS>" for p in url.params if p != "slug"}
    return (
        f"URL {url.name!r} ({url.route}) has no entry in TABLE of {__name__}: add "
        f"{url.name!r}: Entry(<rule>, methods=<'GET'|'POST'|'GET+POST'>"
        + (f", args={args}" if args else "")
        + "), with the rule from the vocabulary at the top of the file."
    )


# --- Helpers ------------------------------------------------------------------------------------------


def _url(world: World, url: Url, entry: Entry, role: str, scope: str) -> str:
    kwargs = {}
    for param in url.params:
        if param in CONSTANTS and param not in entry.args.values():
            kwargs[param] = CONSTANTS[param]
            continue
        kind = "organisation" if param == "slug" else entry.args.get(param)
        assert kind is not None, f"{url.name}: say in Entry(args=...) which kind the parameter {param!r} takes"
        if kind in CONSTANTS:
            kwargs[param] = CONSTANTS[kind]
            continue
        if scope == "own" or (scope == "cross" and param == "slug"):
            side = world.a
        elif scope == "peer":
            side = world.peer
        else:
            side = world.b
        kwargs[param] = KINDS[kind](side, role)
    return reverse(url.name, kwargs=kwargs)


def _writes() -> int:
    """How many rows the database connection has inserted, updated or deleted so far (in
    this transaction on PostgreSQL): one cheap query that sees a write to any table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_all_tables")
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def _markers(side: Side) -> list[str]:
    """Words that only the people and records of ``side`` carry (names, care notes, the
    requests' own words): none may appear on a page opened by someone of the other
    organisation. Pages behind a secret are left out: the secret is the permission."""
    return [
        side.care_recipient.name,
        side.care_recipient.notes,
        side.carer_request.description,
        side.seeker_request.description,
        side.seeker_request.requester_first_name,
        side.volunteer.first_name,
        side.mantelzorger.first_name,
        side.response.note,
        *(user.email for user in side.users.values()),
    ]


def _reauthenticate(client, user) -> None:
    """Record in the session a re-authentication just now, in allauth's own format."""
    from allauth.account.internal.flows.login import record_authentication
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "password", reauthenticated=True)
    request.session.save()


# Who may read a care file of their own organisation (the privacy page: "Alleen de
# makelaars ... Andere medewerkers van de centrale, zoals de beheerder, kunnen dat
# niet"): the brokers and the mantelzorger it is about. The volunteer is left out of
# this check: what a volunteer sees of the person they help is the match pages' rule.
CARE_READERS = frozenset({"broker", "mantelzorger", "volunteer"})


def _care_markers(side: Side) -> list[str]:
    """Words only the care file of ``side``'s mantelzorger carries: the person cared for
    and the notes about them."""
    return [side.care_recipient.name, side.care_recipient.notes]


def _outcome(response) -> int | str:
    if response.status_code == 302:
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if response["Location"].split("?")[0].endswith(login) else AWAY
    return response.status_code


def _is_refusal(outcome) -> bool:
    return outcome in (LOGIN, UNAUTHORISED, 403, NOT_FOUND) or outcome == AWAY


# --- Tests --------------------------------------------------------------------------------------------


def test_every_url_has_an_entry():
    missing = [_missing_entry_message(u) for u in URLS if (u.name or "") not in TABLE]
    assert not missing, "\n".join(missing)


def test_every_entry_is_a_url():
    names = {u.name for u in URLS}
    stale = sorted(set(TABLE) - names)
    assert not stale, f"TABLE has entries for URLs that no longer exist: remove {stale}"


def test_every_path_parameter_has_a_kind():
    problems = []
    for url in URLS:
        entry = TABLE.get(url.name or "")
        if entry is None:
            continue
        for param in url.params:
            if param not in entry.args and (param == "slug" or param in CONSTANTS):
                continue
            kind = entry.args.get(param)
            if kind not in KINDS and kind not in CONSTANTS:
                problems.append(f"{url.name}: parameter {param!r} needs args={{{param!r}: <one of {sorted(KINDS)}>}}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("url", "role", "scope"), list(_cases()))
def test_who_may_open_what(client, world, url, role, scope):
    entry = TABLE.get(url.name or "")
    assert entry is not None, _missing_entry_message(url)
    user = world.user(role)
    if user is not None:
        log_in(client, user)
        if entry.reauthenticated:
            _reauthenticate(client, user)
    address = _url(world, url, entry, role, scope)
    rule = entry.rule.expect(role, scope)
    refused = _is_refusal(rule)

    before = _writes()
    response = client.get(address)
    got = _outcome(response)
    if response.status_code == 200 and not isinstance(entry.rule, Secret):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        shown = [m for m in _markers(world.b) if m.encode() in body]
        assert not shown, f"GET {address} as {role} ({scope}) shows organisation B's {shown}"
        if role not in CARE_READERS:
            shown = [m for m in _care_markers(world.a) if m.encode() in body]
            assert not shown, f"GET {address} as {role} ({scope}) shows the care file's {shown}"
    if entry.methods == "POST":
        want_get = rule if role == "anonymous" else NOT_ALLOWED
        assert got == want_get, f"GET {address} as {role}: {got}, expected {want_get} (POST-only)"
    else:
        assert got == rule, f"GET {address} as {role} ({scope}): {got}, expected {rule} ({entry.rule!r})"

    if "POST" in entry.methods:
        posted = _outcome(client.post(address, {}))
        if refused:
            assert posted == rule, f"POST {address} as {role} ({scope}): {posted}, expected {rule}"
        else:
            assert posted in entry.accepted, (
                f"POST {address} as {role} ({scope}): {posted}, expected one of {set(entry.accepted)}"
            )
    if refused:
        written = _writes() - before
        assert written == 0, f"{address} as {role} ({scope}) was refused but wrote {written} rows"


ADMIN_PUBLIC = ("admin:login", "admin:logout", "admin:jsi18n")
# Refused to the superuser too: the autocomplete without its query parameters, adding
# to the outbox (written by the platform only; tests/test_admin.py), adding or deleting
# rows of the append-only logs (the access log, the log of privacy rights) and adding
# unsubscribe link ids (made on first use by notifications.links).
ADMIN_REFUSES_SUPERUSER = (
    "admin:autocomplete",
    "admin:notifications_notification_add",
    "admin:notifications_maillinkkey_add",
    "admin:audit_accesslogentry_add",
    "admin:audit_accesslogentry_delete",
    "admin:privacy_rightsevent_add",
    "admin:privacy_rightsevent_delete",
)


@pytest.mark.parametrize("url", ADMIN_URLS, ids=lambda u: u.name)
def test_admin_is_for_superusers_only(client, world, url):
    """Django admin: every page sends everybody but a superuser to the admin's login."""
    samples = {"object_id": "1", "id": "1", "content_type_id": "1", "app_label": "caregivers"}
    address = reverse(url.name, kwargs={p: samples[p] for p in url.params})
    login = reverse("admin:login")
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            log_in(client, user)
        response = client.get(address)
        if url.name in ADMIN_PUBLIC:
            # Its own login, logout (POST only) and translations: open, never an error; the
            # login refuses a logged-in person who is not admin staff (allauth's
            # secure_admin_login: 403).
            assert response.status_code in (200, 302, 403, 405), f"{address} as {role}: {response.status_code}"
        elif role == "superuser":
            allowed = (200, 302, 404, 403) if url.name in ADMIN_REFUSES_SUPERUSER else (200, 302, 404)
            assert response.status_code in allowed, f"{address}: {response.status_code}"
            assert not response.get("Location", "").startswith(login), f"{address}: superuser sent to login"
        else:
            assert response.status_code == 302, f"{address} as {role}: {response.status_code}"
            assert response["Location"].startswith(login), f"{address} as {role}: {response['Location']}"


def test_the_write_counter_sees_a_write(world):
    """The refusal check above rests on this counter: it moves on an UPDATE."""
    from caregivers.models import HelpRequest

    before = _writes()
    HelpRequest.objects.filter(pk=world.a.carer_request.pk).update(description="anders")
    assert _writes() - before == 1


def test_an_admin_cannot_export_a_care_file(client, world):
    """An organisation admin who asks for a mantelzorger's file "by phone" does not get
    the notes about the person cared for: only brokers read care files (the privacy
    page). The broker can (the check that this test can fail)."""
    from privacy.forms import BROKER_REASONS

    address = reverse(
        "privacy_broker:person",
        kwargs={"slug": world.a.organisation.slug, "kind": "mantelzorger", "pk": world.a.mantelzorger.pk},
    )
    data = {"action": "export_page", "export-reason": BROKER_REASONS[0][0]}
    log_in(client, world.a.users["broker"])
    assert world.a.care_recipient.notes.encode() in client.post(address, data).content
    client.logout()
    log_in(client, world.a.users["org_admin"])
    response = client.post(address, data)
    assert world.a.care_recipient.notes.encode() not in response.content
    assert response.status_code == NOT_FOUND
