"""Fuzzing of the API with schemathesis (the ``api`` stage of ``.ci/run``: ``pytest -m api_fuzz``).

For every operation of the OpenAPI description, generated requests (valid and invalid
path, query, headers and bodies, plus methods the operation does not have) go through the
WSGI application in process, each with one of the callers below: a token of each scope of
organisation A, a token of organisation B, an expired and a revoked token, and nobody.
The path's organisation is A, B or a generated slug; ids are those of A's or B's rows, or
generated. Every answer must be no server error, a status, content type, headers and body
that the description allows, and nothing of organisation B for a caller of A.

``API_FUZZ_EXAMPLES`` sets the cases per operation (default 100 here; the CI stage sets
it, see .ci/run)."""

from __future__ import annotations

import datetime
import os

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from config.wsgi import application

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CALLERS = ("read:reports", "read:public", "write:signals", "broker", "all", "other_org", "expired", "revoked", "none")


@pytest.fixture
def fuzz_world(region, personas, make_request, make_volunteer, make_match, make_token, settings):
    """Rows of both organisations (requests, volunteers, matches, hours, evaluations,
    batch runs, vacancies) and the callers."""
    from activities.models import Activity
    from api.models import ApiToken
    from matches.models import BatchRun, Evaluation, HoursEntry, MatchEvent
    from partners.models import Partner, Vacancy

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "1000000/min"}}
    ids = {}
    for key in ("org_a", "org_b"):
        org = region[key]
        request = make_request(org, skill_codes=("shopping",), question_behind=f"Geheim van {key}")
        volunteer = make_volunteer(org, first_name=f"Vrijwilliger{key}", skill_codes=("shopping",))
        match = make_match(request, volunteer)
        MatchEvent.objects.create(match=match, from_status="", to_status=match.status)
        run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.DONE, progress=100, result={})
        HoursEntry.objects.create(match=match, date=datetime.date(2026, 3, 2), hours=2, note=f"Uren {key}")
        Evaluation.objects.create(match=match, goal_reached="yes", next_step="close", note=f"Evaluatie {key}")
        partner = Partner.objects.create(organisation=org, name=f"Partner {key}")
        vacancy = Vacancy.objects.create(
            partner=partner, title=f"Vacature {key}", description="-", status=Vacancy.Status.PUBLISHED
        )
        activity = Activity.objects.create(
            organisation=org,
            title=f"Activiteit {key}",
            description="-",
            until=datetime.date.today() + datetime.timedelta(days=30),
            participant_places=5,
        )
        ids[key] = [request.pk, volunteer.pk, match.pk, run.pk, vacancy.pk, activity.pk]
    org_a = region["org_a"]
    tokens = {scope: make_token(org_a, scope) for scope in ("read:reports", "read:public", "write:signals", "broker")}
    tokens["all"] = make_token(org_a, *ApiToken.Scope.values)
    tokens["other_org"] = make_token(region["org_b"], *ApiToken.Scope.values)
    tokens["expired"] = make_token(org_a, "broker", "read:reports")
    ApiToken.objects.filter(prefix=tokens["expired"][:10]).update(expires_at=timezone.now() - datetime.timedelta(1))
    tokens["revoked"] = make_token(org_a, "broker", "read:reports")
    ApiToken.objects.filter(prefix=tokens["revoked"][:10]).update(revoked_at=timezone.now())
    return {"tokens": tokens, "ids": ids}


@schema.given(data=st.data())
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api(case, data, fuzz_world):
    caller = data.draw(st.sampled_from(CALLERS), label="caller")
    if case.path_parameters is not None and "slug" in case.path_parameters:
        case.path_parameters["slug"] = data.draw(
            st.sampled_from(["org-a", "org-a", "org-b", case.path_parameters["slug"]]), label="slug"
        )
        if "pk" in case.path_parameters:
            known = fuzz_world["ids"]["org_a"] + fuzz_world["ids"]["org_b"]
            case.path_parameters["pk"] = data.draw(st.sampled_from([*known, case.path_parameters["pk"]]), label="pk")
    headers = {}
    if caller != "none":
        headers["Authorization"] = f"Bearer {fuzz_world['tokens'][caller]}"
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if caller in ("read:reports", "read:public", "write:signals", "broker", "all") and response.status_code == 200:
        assert b"org_b" not in response.content and b"Centrale B" not in response.content
