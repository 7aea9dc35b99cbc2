"""Helpers of the API tests."""

from __future__ import annotations


def v1(slug, *parts, **params):
    path = f"/api/v1/organisations/{slug}/" + "".join(f"{p}/" for p in parts)
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


def assert_problem(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:buurtmakelaar:problem:")
    assert body["detail"] and body["title"]
    return body
