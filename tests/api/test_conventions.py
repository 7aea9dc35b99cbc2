"""The API's conventions: problem documents for every error, ETags, cursor pages, the
rate limit; bad input changes nothing."""

from __future__ import annotations

import pytest

from matches.models import BatchRun
from tests.api.helpers import assert_problem, v1

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_a(region):
    return region["org_a"]


@pytest.fixture
def broker_token(make_token, org_a):
    return make_token(org_a, "broker", "read:reports")


def test_an_unknown_api_path_is_a_404_problem(client):
    assert_problem(client.get("/api/v1/nothing-here/"), 404)
    assert_problem(client.get("/api/v2/"), 404)


def test_an_unknown_page_elsewhere_is_still_the_html_page(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_that_is_not_there_is_a_405_problem(method, api_client, broker_token):
    response = getattr(api_client, method)(v1("org-a", "volunteers"), token=broker_token)
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_415_problem(api_client, broker_token):
    response = api_client.post(v1("org-a", "batch-runs"), "a=1", token=broker_token, content_type="text/plain")
    assert_problem(response, 415)
    assert not BatchRun.objects.exists()


@pytest.mark.parametrize("body", ["{", "[]", '{"unknown": 1}', '"text"', "12"])
def test_an_invalid_body_or_unknown_field_is_a_400_problem(body, api_client, broker_token):
    response = api_client.post(v1("org-a", "batch-runs"), body, token=broker_token, content_type="application/json")
    assert_problem(response, 400)
    assert not BatchRun.objects.exists()


def test_a_bad_idempotency_key_is_a_400_problem(api_client, broker_token):
    response = api_client.post(v1("org-a", "batch-runs"), {}, token=broker_token, HTTP_IDEMPOTENCY_KEY="é" * 3)
    assert_problem(response, 400)
    assert not BatchRun.objects.exists()


def test_a_second_run_while_one_is_queued_is_a_409_problem(api_client, broker_token):
    assert api_client.post(v1("org-a", "batch-runs"), {}, token=broker_token).status_code == 201
    assert_problem(api_client.post(v1("org-a", "batch-runs"), {}, token=broker_token), 409)
    assert BatchRun.objects.count() == 1


def test_only_json_is_served(api_client, broker_token):
    assert_problem(api_client.get(v1("org-a", "volunteers"), token=broker_token, HTTP_ACCEPT="text/csv"), 406)


def test_reads_have_an_etag_and_answer_304_when_nothing_changed(api_client, broker_token, make_volunteer, org_a):
    make_volunteer(org_a)
    first = api_client.get(v1("org-a", "volunteers"), token=broker_token)
    etag = first["ETag"]
    again = api_client.get(v1("org-a", "volunteers"), token=broker_token, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    make_volunteer(org_a, first_name="Nieuw")
    changed = api_client.get(v1("org-a", "volunteers"), token=broker_token, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cursor_pages_walk_the_whole_list(api_client, broker_token, make_volunteer, org_a):
    made = {make_volunteer(org_a).pk for _ in range(5)}
    seen, url = [], v1("org-a", "volunteers", page_size=2)
    while url:
        body = api_client.get(url, token=broker_token).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert made <= set(seen) and len(seen) == len(set(seen))


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"page_size": "201"}, {"page_size": "x"}, {"cursor": "zz"}])
def test_bad_page_parameters_are_400_problems(params, api_client, broker_token):
    assert_problem(api_client.get(v1("org-a", "volunteers", **params), token=broker_token), 400)


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1"])
def test_out_of_range_ids_are_404_problems(pk, api_client, broker_token):
    response = api_client.get(f"/api/v1/organisations/org-a/volunteers/{pk}/", token=broker_token)
    assert_problem(response, 404)


def test_over_the_limit_is_a_429_problem_with_retry_after(api_client, broker_token, make_token, org_a, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "3/min"}}
    for _ in range(3):
        assert api_client.get(v1("org-a", "batch-runs"), token=broker_token).status_code == 200
    response = api_client.post(v1("org-a", "batch-runs"), {}, token=broker_token)
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 61
    assert not BatchRun.objects.exists()
    # Per token: another token of the same organisation still gets in.
    other = make_token(org_a, "broker")
    assert api_client.get(v1("org-a", "batch-runs"), token=other).status_code == 200


@pytest.mark.parametrize("kind", ["missing_scope", "expired", "revoked", "other_organisation"])
def test_a_refused_write_changes_nothing(kind, api_client, make_token, org_a, region):
    import datetime

    from django.utils import timezone

    from api.models import ApiToken

    if kind == "missing_scope":
        token, status = make_token(org_a, "read:reports", "read:public", "write:signals"), 403
    elif kind == "other_organisation":
        token, status = make_token(region["org_b"], "broker"), 404
    else:
        token, status = make_token(org_a, "broker"), 401
        change = {"expires_at": timezone.now() - datetime.timedelta(seconds=1)}
        ApiToken.objects.update(**(change if kind == "expired" else {"revoked_at": timezone.now()}))
    response = api_client.post(v1("org-a", "batch-runs"), {}, token=token, HTTP_IDEMPOTENCY_KEY="once")
    assert_problem(response, status)
    assert not BatchRun.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"neighbourhood": "1" * 30},
        {"neighbourhood": "1e30"},
        {"neighbourhood": "-5"},
        {"neighbourhood": "1.5"},
        {"updated_since": "gisteren"},
        {"is_active": "misschien"},
    ],
)
def test_odd_filter_values_are_a_400_or_an_empty_list_never_a_500(params, api_client, broker_token):
    response = api_client.get(v1("org-a", "volunteers", **params), token=broker_token)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert_problem(response, 400)
