"""The admin's page of API tokens: make (shown once), list, revoke; bad input is a form error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.api.helpers import v1
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, personas):
    log_in(client, personas["admin_a"])
    return personas["admin_a"]


def test_an_admin_makes_a_token_that_is_shown_once_and_works(client, admin, region):
    response = client.post(
        reverse("api_tokens:new", kwargs={"slug": "org-a"}),
        {"name": "Dashboard gemeente", "scopes": ["read:reports"], "days": "30"},
    )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(token.prefix) and secret.encode() in response.content
    assert token.created_by == admin and token.scopes == ["read:reports"]
    # The list shows the prefix, never the secret again.
    listing = client.get(reverse("api_tokens:list", kwargs={"slug": "org-a"}))
    assert token.prefix.encode() in listing.content and secret.encode() not in listing.content
    client.logout()
    called = client.get(v1("org-a", "figures"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert called.status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["broker"], "days": "30"},
        {"name": "X", "scopes": [], "days": "30"},
        {"name": "X", "scopes": ["admin"], "days": "30"},
        {"name": "X", "scopes": ["broker"], "days": "0"},
        {"name": "X", "scopes": ["broker"], "days": "367"},
        {"name": "X", "scopes": ["broker"], "days": "abc"},
        {"name": "X" * 101, "scopes": ["broker"], "days": "30"},
    ],
)
def test_bad_input_is_a_form_error_and_makes_nothing(data, client, admin):
    response = client.post(reverse("api_tokens:new", kwargs={"slug": "org-a"}), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_an_admin_revokes_a_token(client, admin, make_token, region):
    make_token(region["org_a"], "broker")
    token = ApiToken.objects.get()
    response = client.post(reverse("api_tokens:revoke", kwargs={"slug": "org-a", "pk": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_of_another_organisation_cannot_be_revoked(client, admin, make_token, region):
    make_token(region["org_b"], "broker")
    token = ApiToken.objects.get()
    response = client.post(reverse("api_tokens:revoke", kwargs={"slug": "org-a", "pk": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("who", ["broker_a", "municipality", "broker_b"])
def test_only_admins_see_the_page(who, client, personas):
    log_in(client, personas[who])
    assert client.get(reverse("api_tokens:list", kwargs={"slug": "org-a"})).status_code == 404
