"""The admin's page of webhooks: make one (secret shown once), switch off, remove, the
delivery log; admins of the organisation only; bad input is a form error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import WebhookDelivery, WebhookSubscription
from api.webhooks import webhook_subscription_create
from tests.login import log_in

pytestmark = pytest.mark.django_db


def url(name, slug="org-a", **kwargs):
    return reverse(f"api_webhooks:{name}", kwargs={"slug": slug, **kwargs})


@pytest.fixture
def admin(client, personas):
    log_in(client, personas["admin_a"])
    return personas["admin_a"]


@pytest.fixture
def subscription(region, personas):
    def make(organisation="org_a"):
        return webhook_subscription_create(
            organisation=region[organisation],
            target_url="https://hooks.example.org/bm",
            events=["match.proposed", "signal.created"],
            by=personas["admin_a"],
        ).subscription

    return make


def test_an_admin_makes_a_webhook_whose_secret_is_shown_once(client, admin, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    response = client.post(
        url("new"), {"target_url": "https://hooks.example.org/bm", "events": ["match.accepted", "match.ended"]}
    )
    assert response.status_code == 201
    made = WebhookSubscription.objects.get()
    secret = response.context["secret"]
    assert secret == made.secret and secret.encode() in response.content
    assert made.events == ["match.accepted", "match.ended"] and made.created_by == admin and made.is_active
    assert response["Cache-Control"] == "no-store, private"
    listing = client.get(url("list"))
    assert listing.status_code == 200
    assert made.secret_hint.encode() in listing.content and secret.encode() not in listing.content
    assert b"https://hooks.example.org/bm" in listing.content


def test_the_api_keys_page_links_to_the_webhooks(client, admin):
    page = client.get(reverse("api_tokens:list", kwargs={"slug": "org-a"}))
    assert url("list").encode() in page.content


@pytest.mark.parametrize(
    "data",
    [
        {"target_url": "", "events": ["match.proposed"]},
        {"target_url": "https://hooks.example.org/", "events": []},
        {"target_url": "https://hooks.example.org/", "events": ["match.cancelled"]},
        {"target_url": "http://hooks.example.org/", "events": ["match.proposed"]},
        {"target_url": "https://192.168.1.10/hook", "events": ["match.proposed"]},
        {"target_url": "https://169.254.169.254/latest/", "events": ["match.proposed"]},
        {"target_url": "https://localhost/hook", "events": ["match.proposed"]},
        {"target_url": "https://[::1]/hook", "events": ["match.proposed"]},
        {"target_url": "http://127.0.0.1:8000/hook", "events": ["match.proposed"]},
        {"target_url": "javascript:alert(1)", "events": ["match.proposed"]},
        {"target_url": "https://" + "a" * 600 + ".nl/", "events": ["match.proposed"]},
    ],
)
def test_bad_input_is_a_form_error_and_makes_nothing(data, client, admin, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    response = client.post(url("new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not WebhookSubscription.objects.exists()


def test_http_to_this_machine_is_fine_when_the_setting_allows_it(client, admin, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    response = client.post(url("new"), {"target_url": "http://127.0.0.1:8000/hook", "events": ["match.proposed"]})
    assert response.status_code == 201
    assert WebhookSubscription.objects.get().target_url == "http://127.0.0.1:8000/hook"


def test_an_admin_switches_a_webhook_off_and_removes_it(client, admin, subscription):
    made = subscription()
    assert client.post(url("deactivate", pk=made.pk)).status_code == 302
    made.refresh_from_db()
    assert not made.is_active
    assert client.post(url("delete", pk=made.pk)).status_code == 302
    assert not WebhookSubscription.objects.exists()


def test_another_organisations_webhook_cannot_be_touched(client, admin, subscription):
    made = subscription("org_b")
    assert client.post(url("deactivate", pk=made.pk)).status_code == 404
    assert client.post(url("delete", pk=made.pk)).status_code == 404
    made.refresh_from_db()
    assert made.is_active


def test_the_delivery_log_shows_the_latest_of_this_organisation(
    client, admin, subscription, django_assert_max_num_queries
):
    mine, theirs = subscription(), subscription("org_b")
    rows = [
        WebhookDelivery(
            subscription=mine,
            event="match.proposed",
            payload={"match_id": k},
            next_attempt_at="2026-01-01T00:00:00Z",
            status="failed",
            attempts=6,
            last_response_code=503,
            last_error="HTTP 503",
        )
        for k in range(105)
    ]
    WebhookDelivery.objects.bulk_create(rows)
    WebhookDelivery.objects.create(
        subscription=theirs, event="signal.created", payload={}, next_attempt_at="2026-01-01T00:00:00Z"
    )
    with django_assert_max_num_queries(12):
        response = client.get(url("deliveries"))
    assert response.status_code == 200
    shown = response.context["deliveries"]
    assert len(shown) == 100 and all(d.subscription_id == mine.pk for d in shown)
    assert b"HTTP 503" in response.content and b"503" in response.content


@pytest.mark.parametrize("who", ["broker_a", "municipality", "broker_b", "volunteer"])
def test_only_admins_of_the_organisation_see_the_pages(who, client, personas, subscription):
    made = subscription()
    log_in(client, personas[who])
    assert client.get(url("list")).status_code == 404
    assert client.get(url("deliveries")).status_code == 404
    assert (
        client.post(url("new"), {"target_url": "https://x.example.org/", "events": ["match.proposed"]}).status_code
        == 404
    )
    assert client.post(url("deactivate", pk=made.pk)).status_code == 404
    assert client.post(url("delete", pk=made.pk)).status_code == 404
    made.refresh_from_db()
    assert made.is_active and WebhookSubscription.objects.count() == 1


def test_anonymous_is_sent_to_the_login(client, subscription):
    made = subscription()
    for response in (client.get(url("list")), client.get(url("deliveries")), client.post(url("delete", pk=made.pk))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert WebhookSubscription.objects.count() == 1


def test_a_bad_address_and_no_events_show_both_errors(client, admin, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    response = client.post(url("new"), {"target_url": "http://10.0.0.1/x"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"target_url", "events"}
