"""Every URL that shows care data writes exactly one access-log row about the right person.

``LOGGED`` lists the pages that show care data; ``NOT_LOGGED`` every other page of the
apps that hold care data, with the reason. A new URL in caregivers, matches, matching or
audit that is in neither table fails ``test_every_url_is_classified``: whoever adds a
page decides whether it shows care data, and if so it is walked here."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.urls import URLResolver, get_resolver, reverse

from audit.models import AccessLogEntry
from caregivers.models import HelpRequest, Mantelzorger
from matches.links import match_link_create
from tests.login import log_in

APPS = ("caregivers.urls", "matches.urls", "matching.urls", "audit.urls", "api.urls", "conversations.urls")

# url name -> (who opens it, what is logged). Built into a request by _open below.
LOGGED = {
    "caregivers_broker:queue": ("broker", "queue"),
    "caregivers_broker:detail": ("broker", "request_detail"),
    "caregivers_broker:intake": ("broker", "request_intake"),
    "caregivers_broker:refer": ("broker", "request_step"),
    "caregivers_broker:withdraw": ("broker", "request_step"),
    "caregivers_broker:close_solved": ("broker", "request_step"),
    "caregivers_broker:care_ended": ("broker", "request_step"),
    "matching:suggestions": ("broker", "suggestions"),
    "legacy_suggestions": ("broker", "suggestions_api"),
    # The REST API (api/): the same codes as the pages that show the same.
    "api:suggestions": ("broker", "suggestions_api"),
    "api:request": ("broker", "request_detail"),
    "api:requests": ("broker", "queue"),
    "matching_broker:detail": ("broker", "match_detail"),
    "conversations_broker:thread": ("broker", "messages"),
    "conversations_activity:thread": ("broker", "activity_messages"),
    "matching_people:mine": ("volunteer", "volunteer_match"),
    "matching_people:decline": ("volunteer", "volunteer_match"),
    "matching_people:link": ("anonymous", "link_page"),
    "audit:export": ("officer", "log_export"),
    # Django's admin of the care models (AccessLoggedAdminMixin).
    "admin:caregivers_helprequest_change": ("superuser", "admin_view"),
    "admin:caregivers_helprequest_changelist": ("superuser", "admin_list"),
    "admin:caregivers_mantelzorger_change": ("superuser", "admin_view"),
    "admin:caregivers_mantelzorger_changelist": ("superuser", "admin_list"),
}

# Lists that log one row per person shown (the rows depend on what the list holds):
# tested where the list is, the test named here.
LOGGED_PER_ROW = {
    "api:hours": "tests/api/test_outcomes.py::test_hours_of_the_organisation_with_the_access_log",
    "api:evaluations": "tests/api/test_outcomes.py::test_evaluations_of_the_organisation_with_the_access_log",
}

OWN = "the person's own data: reads by the person themselves are not logged"
POST = "POST only; a refused step re-renders a page that is in LOGGED"
NOT_LOGGED = {
    "caregivers:my_requests": OWN,
    "caregivers:request_new": OWN,
    "caregivers:request_detail": OWN,
    "caregivers:withdraw": OWN,
    "caregivers:request_ladder": OWN,
    "caregivers:respite_new": OWN,
    "caregivers:mantelzorger_home": OWN,
    "caregivers:mantelzorger_start": OWN,
    "caregivers:checkin": OWN,
    "caregivers:care_ended": OWN,
    "caregivers:support": OWN,
    "caregivers:care_recipient_new": OWN,
    "caregivers:care_recipient_edit": OWN,
    "caregivers_broker:new": (
        "an empty form for a new request; with ?signaal= it shows the signal and logs 'signal' "
        "(tests/caregivers/broker/test_signals.py)"
    ),
    "caregivers_broker:signal_new": "an empty form for a new signal",
    "caregivers_broker:support_edit": "the organisation's texts for carers, no person",
    "caregivers_broker:signal": "logs 'signal' about the signal (tests/caregivers/broker/test_signals.py)",
    "caregivers_broker:signal_close": "POST; a refused close re-renders the signal page, which logs 'signal'",
    "caregivers_broker:start_intake": POST,
    "caregivers_broker:mark_ready": POST,
    "caregivers_broker:reopen": POST,
    "caregivers_broker:link_account": POST,
    "caregivers_broker:assign": "POST; a refused assignment re-renders the request page, which logs 'request_detail'",
    "caregivers_broker:bulk": (
        "POST; the outcome names the requests and logs 'queue' about them (tests/caregivers/broker/test_desk.py)"
    ),
    "caregivers_broker:filter_save": POST,
    "caregivers_broker:filter_delete": POST,
    "caregivers:ask": "the public form without an account: shows only what the visitor is typing",
    "caregivers:ask_thanks": "shows nothing that was sent (issue #18), only the centre's own number",
    "matching:propose": POST,
    "matching_batch:list": "rounds and counts, no person",
    "matching_settings:weights": (
        "the admin's weights and ready requests by number, kind and area; the preview (POST) logs "
        "the request's suggestions as 'suggestions' (tests/matching/test_weights_views.py)"
    ),
    "matching_batch:start": POST,
    "matching_batch:detail": "a round's pairs: request number, kind and first name, no care details",
    "matching_batch:progress": "progress counts",
    "matching_batch:confirm": POST,
    "matching_batch:reject": POST,
    "matching_people:accept": POST,
    "matching_people:hours": POST,
    "matching_people:requester": OWN,
    "matching_people:year_overview": OWN,
    "matching_people:year_overview_year": OWN,
    "matching_people:certificate": OWN,
    "matching_people:activate": OWN,
    "matching_people:requester_decline": OWN,
    "calendar:manage": OWN,
    "calendar:feed": "the holder's own appointments: kind and time, no care notes",
    "matching_broker:list": "a list of matches: first names and kinds, no care details",
    "matching_broker:hours_approve_all": POST,
    "matching_broker:cancel": POST,
    "matching_broker:activate": POST,
    "matching_broker:end": POST,
    "matching_broker:hours_approve_match": POST,
    "matching_broker:hours_approve": POST,
    "attention:list": "signals (no answer, check-in due, VOG) with first names, no care details",
    "attention:checkin": POST,
    "audit:log": "the log itself: pseudonymous keys; its export is logged",
    "conversations:inbox": "the person's own threads: first names and dates, no message text",
    "conversations:match": "the person's own conversation about their match (volunteer or requester)",
    "conversations:response": "a volunteer's and a partner's conversation about a response: no care data",
    "conversations:signup": "the person's own conversation about their sign-up (or the organising partner's)",
    "api:schema": "the API's description, no data",
    "api:docs": "the API's reference page, no data",
    "api:figures": "aggregate figures, small numbers hidden",
    "api:volunteers": "volunteers: skills, availability, VOG; no care data",
    "api:volunteer": "a volunteer: skills, availability, VOG; no care data",
    "api:matches": "matches: ids, statuses and dates, no care details",
    "api:match": "a match: ids, statuses and dates, no care details",
    "api:batch_runs": "rounds: request and volunteer ids with scores, no person",
    "api:batch_run": "a round: request and volunteer ids with scores, no person",
    "api:vacancies": "public vacancies of partners, no person",
    "api:vacancy": "a public vacancy of a partner, no person",
    "api:activities": "public activities of the centre, no person",
    "api:activity": "a public activity of the centre, no person",
    "api:signals": "POST only: a partner passes a signal (create, nothing is read back)",
    "api_tokens:list": "the admin's API tokens, no care data",
    "api_tokens:new": POST,
    "api_tokens:revoke": POST,
    "api_webhooks:list": "the admin's webhooks, no care data",
    "api_webhooks:new": POST,
    "api_webhooks:deliveries": "the webhooks' delivery log: ids, status and answer codes, no care data",
    "api_webhooks:deactivate": POST,
    "api_webhooks:delete": POST,
}


def _names(patterns, prefix: str = "", inside: bool = False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _names(pattern.url_patterns, namespace, inside or module in APPS)
        elif inside and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_is_classified():
    names = set(_names(get_resolver().url_patterns))
    assert "caregivers_broker:detail" in names  # the walk found the apps
    unclassified = names - set(LOGGED) - set(NOT_LOGGED) - set(LOGGED_PER_ROW)
    assert not unclassified, f"Add these URLs to LOGGED, LOGGED_PER_ROW or NOT_LOGGED: {sorted(unclassified)}"
    assert not set(LOGGED) & set(NOT_LOGGED) and not set(LOGGED_PER_ROW) & (set(LOGGED) | set(NOT_LOGGED))
    classified = set(LOGGED) | set(NOT_LOGGED) | set(LOGGED_PER_ROW)
    stale = {name for name in classified if not name.startswith("admin:")} - names
    assert not stale, f"No such URL any more: {sorted(stale)}"


def test_every_admin_of_care_data_is_logged():
    care = {Mantelzorger, HelpRequest}
    for model in care:
        opts = model._meta
        assert f"admin:{opts.app_label}_{opts.model_name}_change" in LOGGED
        assert hasattr(site._registry[model], "access_subject")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.nl", password="x-Very-secret-1")


def _carer_signup(mantelzorger):
    """The mantelzorger's place at an activity of their organisation."""
    import datetime

    from django.utils import timezone

    from activities.models import Activity, SignUp

    activity = Activity.objects.create(
        organisation_id=mantelzorger.organisation_id,
        title="Samen eten",
        description="Een maaltijd in de buurt.",
        until=timezone.localdate() + datetime.timedelta(days=30),
        participant_places=4,
        place="Arnhem",
        latitude=51.98,
        longitude=5.91,
    )
    return SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.PARTICIPANT,
        user=mantelzorger.user,
        mantelzorger=mantelzorger,
        status=SignUp.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )


def _url(name, *, slug, item, match, mantelzorger, secret):
    if name in ("caregivers_broker:queue", "api:requests"):
        return reverse(name, kwargs={"slug": slug})
    if name == "audit:export":
        return reverse(name, kwargs={"slug": slug})
    if name.startswith(("caregivers_broker:", "matching:", "api:")) or name == "legacy_suggestions":
        return reverse(name, kwargs={"slug": slug, "pk": item.pk})
    if name == "conversations_activity:thread":
        return reverse(name, kwargs={"slug": slug, "pk": _carer_signup(mantelzorger).pk})
    if name in ("matching_broker:detail", "conversations_broker:thread"):
        return reverse(name, kwargs={"slug": slug, "pk": match.pk})
    if name == "matching_people:mine":
        return reverse(name)
    if name == "matching_people:decline":
        return reverse(name, kwargs={"pk": match.pk})
    if name == "matching_people:link":
        return reverse(name, kwargs={"purpose": "accept", "secret": secret})
    if name.endswith("_changelist"):
        return reverse(name)
    if name == "admin:caregivers_mantelzorger_change":
        return reverse(name, args=[mantelzorger.pk])
    return reverse(name, args=[item.pk])


@pytest.mark.parametrize("name", sorted(LOGGED))
def test_each_page_with_care_data_logs_one_row_about_its_person(
    name, client, personas, officer, superuser, carer_request, proposal
):
    who, what = LOGGED[name]
    users = {"broker": personas["broker_a"], "volunteer": personas["volunteer"], "officer": officer}
    users["superuser"] = superuser
    if who != "anonymous":
        log_in(client, users[who])
    mantelzorger = carer_request.mantelzorger
    secret = match_link_create(match=proposal, purpose="accept")
    url = _url(
        name,
        slug=carer_request.organisation.slug,
        item=carer_request,
        match=proposal,
        mantelzorger=mantelzorger,
        secret=secret,
    )
    before = AccessLogEntry.objects.count()
    response = client.get(url, HTTP_USER_AGENT="Testbrowser/1.0", REMOTE_ADDR="203.0.113.9")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code == 200, url
    rows = list(AccessLogEntry.objects.order_by("seq")[before:])
    assert len(rows) == 1, (url, [str(r) for r in rows])
    row = rows[0]
    assert row.what == what
    assert row.client_ip == "203.0.113.0/24" and row.user_agent == "Testbrowser/1.0"
    if who == "anonymous":
        assert row.actor is None and row.actor_role == "link"
    else:
        assert row.actor == users[who]
    if name in ("caregivers_broker:queue", "audit:export", "api:requests"):
        assert row.subject_key == f"organisation:{carer_request.organisation_id}"
        if name in ("caregivers_broker:queue", "api:requests"):
            assert f"helprequest:{carer_request.pk}" in row.object_ref.split(",")
    elif name.endswith("_changelist"):
        assert row.subject_key.startswith("list:")
    else:
        assert row.subject_key == f"mantelzorger:{mantelzorger.pk}"
        assert row.subject_mantelzorger_id == mantelzorger.pk
        # A sign-up belongs to the carer, not to one of their requests.
        if name not in ("admin:caregivers_mantelzorger_change", "conversations_activity:thread"):
            assert row.subject_request_id == carer_request.pk


def test_own_pages_write_nothing(client, personas, carer_request):
    log_in(client, personas["mantelzorger"])
    for name, kwargs in [
        ("caregivers:my_requests", {}),
        ("caregivers:mantelzorger_home", {}),
        ("caregivers:request_detail", {"pk": carer_request.pk}),
        ("matching_people:requester", {}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
    assert not AccessLogEntry.objects.exists()
