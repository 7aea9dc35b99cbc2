"""The resources: what each caller sees, scoped to the organisation, and the access log."""

from __future__ import annotations

import pytest

from audit.models import AccessLogEntry
from matches.models import BatchRun, Match, MatchEvent
from reports.figures import report_as_json, report_build
from reports.forms import default_month
from tests.api.helpers import assert_problem, v1
from tests.login import log_in

pytestmark = pytest.mark.django_db


def test_the_figures_are_the_dashboards_suppressed_figures(api_client, make_token, region, make_request, org_a):
    for _ in range(3):
        make_request(org_a)
    token = make_token(org_a, "read:reports")
    month = default_month()
    body = api_client.get(v1("org-a", "figures", municipality="Arnhem", month=month), token=token).json()
    expected = report_as_json(
        report_build(organisation=org_a, municipality=region["arnhem"], months=[month], suppress=True, use_stored=True)
    )
    body.pop("generated_at"), expected.pop("generated_at")
    assert body == expected
    assert body["suppression"] is not None and body["municipality"] == "Arnhem"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"municipality": "Ede"}, "municipality"),
        ({"municipality": "Arnhem", "month": "2026-13"}, "month"),
        ({"municipality": "Arnhem", "from": "2020-01", "to": "2026-01"}, "to"),
        ({"municipality": "Arnhem", "month": "2026-01", "from": "2026-01"}, ""),
    ],
)
def test_bad_figure_parameters_are_400_problems(params, field, api_client, make_token, org_a):
    token = make_token(org_a, "read:reports")
    body = assert_problem(api_client.get(v1("org-a", "figures", **params), token=token), 400)
    assert body["errors"][0]["field"] == field


@pytest.fixture
def org_a(region):
    return region["org_a"]


def test_volunteers_with_skills_availability_and_vog(api_client, make_token, make_volunteer, org_a, region):
    mine = make_volunteer(org_a, first_name="Zoë", skill_codes=("shopping", "respite"), slots="tue 13:00-17:00")
    make_volunteer(region["org_b"], first_name="Anders")
    token = make_token(org_a, "broker")
    rows = api_client.get(v1("org-a", "volunteers"), token=token).json()["results"]
    assert "Anders" not in {r["first_name"] for r in rows}
    row = next(r for r in rows if r["id"] == mine.pk)
    assert row["skills"] == ["respite", "shopping"]
    assert row["availability"] == ["tue 13:00-17:00"]
    assert row["vog_status"] == "valid"
    assert "email" not in row and "phone" not in row
    assert api_client.get(v1("org-a", "volunteers", mine.pk), token=token).json()["first_name"] == "Zoë"


def test_a_volunteer_of_another_organisation_is_404(api_client, make_token, make_volunteer, region, org_a):
    other = make_volunteer(region["org_b"])
    token = make_token(org_a, "broker")
    assert_problem(api_client.get(v1("org-a", "volunteers", other.pk), token=token), 404)
    assert_problem(api_client.get(v1("org-a", "volunteers", 2**62), token=token), 404)


CARE_FIELDS = {
    "requester_first_name",
    "requester_last_name",
    "description",
    "question_behind",
    "own_strength",
    "goal_own_words",
    "goal_measurable",
}


def test_brokers_see_the_intake_and_the_read_is_logged(api_client, make_token, make_request, org_a):
    request = make_request(org_a, question_behind="Eenzaam sinds de verhuizing.")
    token = make_token(org_a, "broker")
    before = AccessLogEntry.objects.count()
    body = api_client.get(v1("org-a", "requests", request.pk), token=token).json()
    assert body["question_behind"] == "Eenzaam sinds de verhuizing."
    entry = AccessLogEntry.objects.order_by("seq").last()
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.what, entry.subject_request_id) == ("request_detail", request.pk)
    rows = api_client.get(v1("org-a", "requests"), token=token).json()["results"]
    assert set(rows[0]) >= CARE_FIELDS
    listed = AccessLogEntry.objects.order_by("seq").last()
    assert listed.what == "queue" and f"helprequest:{request.pk}" in listed.object_ref


def test_admins_see_requests_without_names_or_care_notes(client, personas, make_request, org_a):
    make_request(org_a, question_behind="Eenzaam sinds de verhuizing.")
    log_in(client, personas["admin_a"])
    response = client.get(v1("org-a", "requests"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and not CARE_FIELDS & set(rows[0])
    assert b"Eenzaam" not in response.content


def test_requests_are_filtered_and_bad_filters_are_400(api_client, make_token, make_request, org_a):
    make_request(org_a, kind="transport")
    token = make_token(org_a, "broker")
    rows = api_client.get(v1("org-a", "requests", kind="transport"), token=token).json()["results"]
    assert {r["kind"] for r in rows} == {"transport"}
    body = assert_problem(api_client.get(v1("org-a", "requests", kind="rocket"), token=token), 400)
    assert body["errors"][0]["field"] == "kind"


def test_matches_with_their_events(api_client, make_token, make_request, make_volunteer, make_match, org_a, region):
    match = make_match(make_request(org_a), make_volunteer(org_a))
    MatchEvent.objects.create(match=match, from_status="", to_status=Match.Status.PROPOSED)
    other = make_match(make_request(region["org_b"]), make_volunteer(region["org_b"]))
    token = make_token(org_a, "broker")
    rows = api_client.get(v1("org-a", "matches"), token=token).json()["results"]
    assert [r["id"] for r in rows] == [match.pk]
    assert rows[0]["events"][0]["to_status"] == "proposed"
    assert_problem(api_client.get(v1("org-a", "matches", other.pk), token=token), 404)


def test_a_batch_run_is_started_once_per_idempotency_key(
    api_client, make_token, make_request, org_a, django_capture_on_commit_callbacks
):
    make_request(org_a)
    token = make_token(org_a, "broker")
    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post(v1("org-a", "batch-runs"), {}, token=token, HTTP_IDEMPOTENCY_KEY="run-1")
    assert first.status_code == 201, first.content
    again = api_client.post(v1("org-a", "batch-runs"), {}, token=token, HTTP_IDEMPOTENCY_KEY="run-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert BatchRun.objects.count() == 1
    run = api_client.get(v1("org-a", "batch-runs", first.json()["id"]), token=token).json()
    assert run["status"] == "done" and run["progress"] == 100


def test_a_reused_idempotency_key_with_another_body_is_422(api_client, make_token, org_a):
    token = make_token(org_a, "broker")
    api_client.post(v1("org-a", "batch-runs"), {}, token=token, HTTP_IDEMPOTENCY_KEY="k")
    response = api_client.post(v1("org-a", "batch-runs"), {"x": 1}, token=token, HTTP_IDEMPOTENCY_KEY="k")
    assert_problem(response, 422)
    assert BatchRun.objects.count() == 1
