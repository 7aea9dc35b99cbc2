"""Who gets in: tokens (scopes, expiry, revocation, organisation) and sessions (roles)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiToken
from api.services import token_revoke
from tests.api.helpers import assert_problem, v1
from tests.login import log_in

pytestmark = pytest.mark.django_db

# Each resource, the scope it needs, and whether an admin's session may read it.
RESOURCES = [
    (("figures",), {"municipality": "Arnhem"}, "read:reports"),
    (("volunteers",), {}, "broker"),
    (("requests",), {}, "broker"),
    (("matches",), {}, "broker"),
    (("batch-runs",), {}, "broker"),
]


@pytest.mark.parametrize("parts,params,scope", RESOURCES)
def test_a_token_with_the_scope_reads(parts, params, scope, api_client, make_token, region):
    token = make_token(region["org_a"], scope)
    assert api_client.get(v1("org-a", *parts, **params), token=token).status_code == 200


@pytest.mark.parametrize("parts,params,scope", RESOURCES)
def test_a_token_without_the_scope_gets_403(parts, params, scope, api_client, make_token, region):
    others = [s for s in ApiToken.Scope.values if s != scope and not (scope != "broker" and s == "broker")]
    token = make_token(region["org_a"], *others)
    body = assert_problem(api_client.get(v1("org-a", *parts, **params), token=token), 403)
    assert body["code"] == "insufficient_scope"


@pytest.mark.parametrize("parts,params,scope", RESOURCES)
def test_a_token_of_another_organisation_finds_nothing(parts, params, scope, api_client, make_token, region):
    token = make_token(region["org_b"], *ApiToken.Scope.values)
    assert_problem(api_client.get(v1("org-a", *parts, **params), token=token), 404)
    # Nor through an organisation that does not exist.
    assert_problem(api_client.get(v1("nope", *parts, **params), token=token), 404)


@pytest.mark.parametrize("parts,params,scope", RESOURCES)
def test_nobody_gets_401_with_a_challenge(parts, params, scope, api_client, region):
    response = api_client.get(v1("org-a", *parts, **params))
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("secret", ["bm_unknown", "nonsense", "bm_" + "x" * 300, "bm_a bm_b", "bm_\u00e9", ""], ids=str)
def test_unknown_or_malformed_tokens_get_401(secret, api_client, region):
    body = assert_problem(api_client.get(v1("org-a", "figures"), token=secret), 401)
    assert body["code"] in {"authentication_failed", "not_authenticated"}


def test_an_expired_token_gets_401(api_client, make_token, region):
    token = make_token(region["org_a"], "read:reports", days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, seconds=5)):
        body = assert_problem(api_client.get(v1("org-a", "figures", municipality="Arnhem"), token=token), 401)
    assert "verlopen" in body["detail"]


def test_a_revoked_token_gets_401(api_client, make_token, region):
    token = make_token(region["org_a"], "read:reports")
    assert api_client.get(v1("org-a", "figures", municipality="Arnhem"), token=token).status_code == 200
    token_revoke(token=ApiToken.objects.get())
    body = assert_problem(api_client.get(v1("org-a", "figures", municipality="Arnhem"), token=token), 401)
    assert "ingetrokken" in body["detail"]


def test_the_last_use_is_recorded_at_most_once_a_minute(api_client, make_token, region):
    token = make_token(region["org_a"], "read:reports")
    assert ApiToken.objects.get().last_used_at is None
    api_client.get(v1("org-a", "figures", municipality="Arnhem"), token=token)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    api_client.get(v1("org-a", "figures", municipality="Arnhem"), token=token)
    assert ApiToken.objects.get().last_used_at == first


def test_only_the_hash_is_stored(make_token, region):
    secret = make_token(region["org_a"], "broker")
    token = ApiToken.objects.get()
    assert secret not in {token.token_hash, token.prefix, token.name}
    assert len(token.token_hash) == 64 and secret.startswith(token.prefix)


# --- Sessions: the roles of the person at the organisation --------------------------------------

SESSION = [
    # who, resource, expected status
    ("broker_a", "volunteers", 200),
    ("broker_a", "requests", 200),
    ("broker_a", "matches", 200),
    ("admin_a", "requests", 200),
    ("admin_a", "matches", 200),
    ("admin_a", "volunteers", 404),
    ("municipality", "volunteers", 404),
    ("municipality", "requests", 404),
    ("municipality", "matches", 404),
    ("broker_b", "requests", 404),
    ("volunteer", "requests", 404),
    ("mantelzorger", "requests", 404),
    ("nobody", "requests", 404),
]


@pytest.mark.parametrize("who,resource,status", SESSION)
def test_sessions_get_what_their_role_allows(who, resource, status, client, personas):
    log_in(client, personas[who])
    response = client.get(v1("org-a", resource))
    assert response.status_code == status


@pytest.mark.parametrize("who", ["broker_a", "admin_a", "municipality"])
def test_staff_sessions_read_the_figures(who, client, personas):
    log_in(client, personas[who])
    assert client.get(v1("org-a", "figures", municipality="Arnhem")).status_code == 200


def test_a_municipality_viewer_reads_only_their_own_municipality(client, personas):
    log_in(client, personas["municipality"])
    body = assert_problem(client.get(v1("org-a", "figures", municipality="Rheden")), 400)
    assert body["errors"][0]["field"] == "municipality"
