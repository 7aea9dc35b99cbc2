"""Hours and evaluations: brokers only, one organisation, filtered by month and match,
every row shown in the access log about the person of the match's request."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import ApiToken
from audit.models import AccessLogEntry
from caregivers.access import request_subject
from matches.models import Evaluation, HoursEntry, Match
from tests.api.helpers import assert_problem, v1
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(region, make_request, make_volunteer, make_match):
    rows = {}
    for key in ("a", "b"):
        org = region[f"org_{key}"]
        request = make_request(org, skill_codes=("shopping",))
        volunteer = make_volunteer(org, first_name=f"Vrijwilliger{key.upper()}", skill_codes=("shopping",))
        match = make_match(request, volunteer, status=Match.Status.ENDED, ended_at=timezone.now())
        other_match = make_match(make_request(org), make_volunteer(org), status=Match.Status.ACTIVE)
        rows[key] = {
            "match": match,
            "other_match": other_match,
            "march": HoursEntry.objects.create(
                match=match, date=datetime.date(2026, 3, 31), hours=Decimal("2.5"), note=f"Uurnotitie{key.upper()}"
            ),
            "april": HoursEntry.objects.create(
                match=match,
                date=datetime.date(2026, 4, 1),
                hours=Decimal("1"),
                approved_at=timezone.now(),
            ),
            "other_hours": HoursEntry.objects.create(match=other_match, date=datetime.date(2026, 4, 2), hours=3),
            "evaluation": Evaluation.objects.create(
                match=match,
                goal_reached=Evaluation.Goal.PARTLY,
                volunteer_satisfaction=4,
                next_step=Evaluation.Next.CLOSE,
                note=f"Evaluatienotitie{key.upper()}",
            ),
        }
    return rows


def _ids(response):
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


def test_hours_of_the_organisation_with_the_access_log(api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    a = outcomes["a"]
    response = api_client.get(v1("org-a", "hours"), token=token)
    assert set(_ids(response)) == {a["march"].pk, a["april"].pk, a["other_hours"].pk}
    assert b"UurnotitieB" not in response.content
    row = next(r for r in response.json()["results"] if r["id"] == a["march"].pk)
    assert row == {
        "id": a["march"].pk,
        "match": a["match"].pk,
        "date": "2026-03-31",
        "hours": "2.50",
        "note": "UurnotitieA",
        "approved": False,
        "approved_at": None,
        "created_at": row["created_at"],
    }
    logged = AccessLogEntry.objects.filter(what=AccessLogEntry.What.MATCH_DETAIL)
    assert logged.count() == 3
    subject = request_subject(a["match"].request)
    entry = logged.get(object_ref=f"hoursentry:{a['march'].pk}")
    assert entry.subject_key == subject.key and entry.subject_request_id == a["match"].request_id
    assert entry.actor_role.startswith("api:")


def test_evaluations_of_the_organisation_with_the_access_log(api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    a = outcomes["a"]
    response = api_client.get(v1("org-a", "evaluations"), token=token)
    assert _ids(response) == [a["evaluation"].pk]
    body = response.json()["results"][0]
    assert body["request"] == a["match"].request_id and body["volunteer"] == a["match"].volunteer_id
    assert body["goal_reached"] == "partly" and body["note"] == "EvaluatienotitieA"
    assert b"EvaluatienotitieB" not in response.content
    entry = AccessLogEntry.objects.get(what=AccessLogEntry.What.MATCH_DETAIL)
    assert entry.object_ref == f"evaluation:{a['evaluation'].pk}"
    assert entry.subject_request_id == a["match"].request_id


def test_an_empty_page_writes_no_log_row(api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    assert _ids(api_client.get(v1("org-a", "hours", month="2025-01"), token=token)) == []
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"month": "2026-03"}, {"march"}),
        ({"month": "2026-04"}, {"april", "other_hours"}),
        ({"month": "2026-04", "approved": "true"}, {"april"}),
        ({"approved": "false"}, {"march", "other_hours"}),
        ({"month": "2026-05"}, set()),
    ],
)
def test_hours_filters(params, expected, api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    assert set(_ids(api_client.get(v1("org-a", "hours", **params), token=token))) == {
        outcomes["a"][key].pk for key in expected
    }


def test_hours_and_evaluations_by_match(api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    a, b = outcomes["a"], outcomes["b"]
    assert _ids(api_client.get(v1("org-a", "hours", match=a["other_match"].pk), token=token)) == [a["other_hours"].pk]
    assert _ids(api_client.get(v1("org-a", "evaluations", match=a["other_match"].pk), token=token)) == []
    # Another organisation's match: nothing, not its rows.
    assert _ids(api_client.get(v1("org-a", "hours", match=b["match"].pk), token=token)) == []
    assert _ids(api_client.get(v1("org-a", "evaluations", match=b["match"].pk), token=token)) == []


def test_evaluations_by_month_in_local_time(api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    evaluation = outcomes["a"]["evaluation"]
    # 1 April 00:30 in Amsterdam is 31 March in UTC.
    moment = timezone.make_aware(datetime.datetime(2026, 4, 1, 0, 30))
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=moment)
    assert _ids(api_client.get(v1("org-a", "evaluations", month="2026-04"), token=token)) == [evaluation.pk]
    assert _ids(api_client.get(v1("org-a", "evaluations", month="2026-03"), token=token)) == []


@pytest.mark.parametrize(
    "name,params,field",
    [
        ("hours", {"month": "2026-13"}, "month"),
        ("hours", {"month": "2026-3"}, "month"),
        ("hours", {"month": "0000-01"}, "month"),
        ("hours", {"month": "9999-12"}, "month"),
        ("hours", {"match": "abc"}, "match"),
        ("hours", {"match": "9" * 30}, "match"),
        ("hours", {"approved": "yes"}, "approved"),
        ("evaluations", {"month": "maart"}, "month"),
        ("evaluations", {"goal_reached": "maybe"}, "goal_reached"),
        ("evaluations", {"page_size": "0"}, "page_size"),
    ],
)
def test_bad_filters_are_400_problems(name, params, field, api_client, make_token, outcomes, region):
    token = make_token(region["org_a"], "broker")
    body = assert_problem(api_client.get(v1("org-a", name, **params), token=token), 400)
    assert field in {error["field"] for error in body["errors"]}
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("name", ["hours", "evaluations"])
@pytest.mark.parametrize(
    "scopes,status",
    [
        (("read:reports", "read:public", "write:signals"), 403),
        ("other_org", 404),
    ],
)
def test_other_tokens_are_refused_and_nothing_is_logged(name, scopes, status, api_client, make_token, outcomes, region):
    if scopes == "other_org":
        token = make_token(region["org_b"], *ApiToken.Scope.values)
    else:
        token = make_token(region["org_a"], *scopes)
    assert_problem(api_client.get(v1("org-a", name), token=token), status)
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("persona,status", [("broker_a", 200), ("admin_a", 404), ("municipality", 404)])
def test_sessions_brokers_only(persona, status, client, personas, outcomes):
    log_in(client, personas[persona])
    for name in ("hours", "evaluations"):
        response = client.get(v1("org-a", name))
        assert response.status_code == status


def test_a_page_takes_a_fixed_number_of_queries(
    api_client, make_token, outcomes, region, django_assert_max_num_queries
):
    token = make_token(region["org_a"], "broker")
    for _ in range(5):
        HoursEntry.objects.create(match=outcomes["a"]["match"], date=datetime.date(2026, 2, 1), hours=1)
    with django_assert_max_num_queries(12):
        assert len(_ids(api_client.get(v1("org-a", "hours"), token=token))) == 8
