"""JSON suggestions (``api.views.matching.Suggestions``, also at its first address
``/organisatie/<slug>/koppelen/api/<pk>/``): the shape, and a problem document with a
reason for every kind of bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest
from tests.api.helpers import assert_problem, v1
from tests.login import log_in

pytestmark = pytest.mark.django_db


def api(pk, slug="org-a", **params):
    path = reverse("legacy_suggestions", kwargs={"slug": slug, "pk": pk})
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def broker(client, personas):
    log_in(client, personas["broker_a"])
    return personas["broker_a"]


@pytest.fixture
def ready(org, make_request, make_volunteer):
    for i in range(12):
        make_volunteer(org, first_name=f"Vrijwilliger{i:02d}", skill_codes=("shopping",))
    make_volunteer(org, first_name="Zonder", slots="wed 09:00-12:00", skill_codes=("shopping",))
    return make_request(org, skill_codes=("shopping",))


def test_suggestions_as_json(client, broker, ready):
    response = client.get(api(ready.pk, limit=5))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["request"] == ready.pk and body["limit"] == 5
    assert len(body["candidates"]) == 5
    first = body["candidates"][0]
    assert set(first) == {"volunteer", "name", "area", "score", "distance_km", "reasons"}
    assert first["name"].startswith("Vrijwilliger")
    assert isinstance(first["score"], float) and 0 < first["score"] <= 1
    assert first["distance_km"] == 0.0
    # Each reason: its code and parameters, and the text in the session's language.
    assert first["reasons"][0] == {"code": "distance", "km": 0.0, "text": "0,0 km"}
    assert all(set(r) >= {"code", "text"} for r in first["reasons"])
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    # Vera (of the personas) has no skills; Zonder is not free on Tuesday.
    assert body["rejections"] == {"skills": 1, "not_available": 1}
    assert {"code": "not_available_on", "count": 1, "day": "tue", "text": "1 niet beschikbaar op dinsdag"} in (
        body["summary"]
    )


def test_default_limit_is_ten(client, broker, ready):
    assert len(client.get(api(ready.pk)).json()["candidates"]) == 10


@pytest.mark.parametrize("limit", ["-1", "0", "101", "1000000000", "10%5E9", "abc", "", "5.0", "%2B5", "1e3"])
def test_bad_limit_is_400_with_a_reason(limit, client, broker, ready):
    response = client.get(api(ready.pk, limit=limit))
    body = assert_problem(response, 400)
    assert body["errors"] == [
        {"field": "limit", "code": "invalid", "message": "limit moet een getal van 1 tot 100 zijn"}
    ]


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_allowed(limit, client, broker, ready):
    response = client.get(api(ready.pk, limit=limit))
    assert response.status_code == 200
    assert len(response.json()["candidates"]) == min(int(limit), 12)


def test_unknown_request_is_404_json(client, broker, ready):
    assert_problem(client.get(api(ready.pk + 1000)), 404)


def test_request_of_another_organisation_is_404_json(client, broker, region, make_request):
    other = make_request(region["org_b"])
    assert_problem(client.get(api(other.pk)), 404)


def test_request_not_ready_is_409_json(client, broker, org, make_request):
    request = make_request(org, status=HelpRequest.Status.INTAKE)
    assert "klaar is om te koppelen" in assert_problem(client.get(api(request.pk)), 409)["detail"]


def test_request_without_location_is_409_json(client, broker, org, make_request):
    request = make_request(org, at=None)
    assert "adres" in assert_problem(client.get(api(request.pk)), 409)["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get(method, client, broker, ready):
    response = getattr(client, method)(api(ready.pk))
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_anonymous_gets_401_not_a_redirect(client, ready):
    assert_problem(client.get(api(ready.pk)), 401)


@pytest.mark.parametrize("who", ["broker_b", "volunteer", "mantelzorger", "municipality", "nobody"])
def test_others_get_404_json(who, client, personas, ready):
    log_in(client, personas[who])
    assert_problem(client.get(api(ready.pk)), 404)
    # Through their own organisation's slug, too.
    assert client.get(api(ready.pk, slug="org-b")).status_code == 404


def test_admin_may_use_it(client, personas, ready):
    log_in(client, personas["admin_a"])
    assert client.get(api(ready.pk)).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_api_uses_a_constant_number_of_queries(
    n, client, broker, org, make_request, make_volunteer, django_assert_max_num_queries
):
    request = make_request(org)
    for _ in range(n):
        make_volunteer(org)
    client.get(api(request.pk))  # builds the pool
    # +4 (+5 on PostgreSQL, its advisory lock): the access-log row (role, end of the chain, insert, savepoint);
    # +1: the pool version read. The same for 3 and 30 volunteers: the number does not grow.
    with django_assert_max_num_queries(19):  # +1 on PostgreSQL: the access log's advisory lock
        body = client.get(api(request.pk)).json()
    assert len(body["candidates"]) == min(n, 10)


def test_the_text_of_each_reason_follows_the_session_language(client, broker, ready, in_english):
    body = client.get(api(ready.pk, limit=1)).json()
    (first,) = body["candidates"]
    assert first["reasons"][0] == {"code": "distance", "km": 0.0, "text": "0.0 km"}
    assert {"code": "not_available_on", "count": 1, "day": "tue", "text": "1 not available on Tuesday"} in (
        body["summary"]
    )


def test_the_old_address_and_the_new_one_answer_the_same(client, broker, ready):
    old = client.get(api(ready.pk, limit=3))
    new = client.get(v1("org-a", "requests", ready.pk, "suggestions", limit=3))
    assert old.status_code == new.status_code == 200
    assert old.json() == new.json()


def test_a_broker_token_gets_suggestions_and_the_read_is_logged(api_client, make_token, org, ready):
    from audit.models import AccessLogEntry

    token = make_token(org, "broker")
    response = api_client.get(v1("org-a", "requests", ready.pk, "suggestions"), token=token)
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(what="suggestions_api")
    assert entry.subject_request_id == ready.pk and entry.actor_role.startswith("api:bm_")
