"""Pages with personal data are never kept by a browser or proxy (issue #13, point 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.login import log_in


@pytest.mark.django_db
def test_anonymous_public_pages_may_be_cached(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("persona", ["volunteer", "mantelzorger", "broker_a", "admin_a", "municipality"])
def test_every_page_of_a_logged_in_person_is_no_store(client, personas, persona):
    log_in(client, personas[persona])
    for url in (reverse("home"), reverse("privacy"), reverse("notifications:preferences")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_secret_link_pages_are_no_store_even_when_the_link_is_unknown(client):
    response = client.get("/koppelingen/link/accept/" + "x" * 40 + "/")
    assert response.status_code in (404, 410)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_activity_offer_link_is_no_store_even_when_unknown(client):
    response = client.get(reverse("activities:offer", args=["x" * 32]))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]
