"""Fixtures of the API tests: tokens of each scope for organisations A and B, and a
client that calls with a token."""

from __future__ import annotations

import pytest

from tests.matching.conftest import (  # noqa: F401  (fixtures)
    _fresh_pool_cache,
    in_english,
    make_match,
    make_request,
    make_volunteer,
    skills,
)

ALL_SCOPES = ("read:reports", "read:public", "write:signals", "broker")


@pytest.fixture
def make_token(personas):
    from api.services import token_create

    def make(organisation, *scopes, days=30, by=None):
        return token_create(
            organisation=organisation,
            name=f"Koppeling {'+'.join(scopes)}",
            scopes=list(scopes),
            days=days,
            by=by or personas["admin_a"],
        ).secret

    return make


@pytest.fixture
def api_client(client):
    """``api_client.get(path, token=SECRET, **extra)``: the test client with a bearer token."""

    class Caller:
        def __getattr__(self, method):
            def call(path, data=None, *, token=None, **extra):
                if token is not None:
                    extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
                if method in ("post", "put", "patch") and data is not None and "content_type" not in extra:
                    extra["content_type"] = "application/json"
                args = (path,) if data is None else (path, data)
                return getattr(client, method)(*args, **extra)

            return call

    return Caller()
