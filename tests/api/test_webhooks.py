"""Webhooks (``api.webhooks``): deliveries written in the transaction of the change,
signed, sent once, retried with backoff, refused for addresses inside our network, ids
only in the payload. The HTTP call is replaced (no network), except one test that
posts to a receiver on this machine's loopback."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookSubscription
from api.webhooks import (
    BACKOFF,
    MAX_ATTEMPTS,
    SendError,
    signature,
    webhook_deliver,
    webhook_subscription_create,
    webhooks_drain,
)
from caregivers.models import CareSignal
from common.errors import DomainError
from matches.lifecycle import match_accept
from matches.models import Match
from matches.proposals import NewProposal, match_propose, match_propose_many

pytestmark = pytest.mark.django_db

ALL = [e.value for e in WebhookSubscription.Event]
PUBLIC = "93.184.216.34"


def verify(*, secret: str, headers: dict[str, str], body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (as the README shows): recompute, compare in constant time,
    refuse an old timestamp."""
    timestamp = headers["Webhook-Timestamp"]
    if abs(now - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    given = headers["Webhook-Signature"]
    return given.startswith("v1=") and hmac.compare_digest(given[3:], expected)


@pytest.fixture
def public_dns(monkeypatch):
    """Every host name resolves to a public address (no DNS in tests)."""
    monkeypatch.setattr(webhooks, "host_addresses", lambda host, port: [PUBLIC])


@pytest.fixture
def sent(monkeypatch, public_dns):
    """Replace the POST: record each call and answer with ``sent.answer`` (a status
    code, or an exception to raise)."""

    class Recorder:
        answer: int | Exception = 200
        calls: list = []

        def __call__(self, url, *, body, headers, timeout):
            self.calls.append({"url": url, "body": body, "headers": headers, "timeout": timeout})
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

    recorder = Recorder()
    recorder.calls = []
    monkeypatch.setattr(webhooks, "post", recorder)
    return recorder


@pytest.fixture
def subscribe(region, personas):
    def make(organisation=None, events=ALL, url="https://hooks.example.org/bm"):
        return webhook_subscription_create(
            organisation=organisation or region["org_a"], target_url=url, events=list(events), by=personas["admin_a"]
        )

    return make


@pytest.fixture
def pair(region, make_request, make_volunteer):
    return make_request(region["org_a"]), make_volunteer(region["org_a"])


# --- Signing ------------------------------------------------------------------------------


def test_the_signature_is_the_hmac_of_timestamp_dot_body_and_a_receiver_verifies_it(sent, subscribe, pair, personas):
    made = subscribe()
    request, volunteer = pair
    match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(pk=delivery.pk) == "delivered"
    call = sent.calls[0]
    now = int(call["headers"]["Webhook-Timestamp"])
    assert verify(secret=made.secret, headers=call["headers"], body=call["body"], now=now)
    assert call["headers"]["Webhook-Id"] == str(delivery.pk)
    assert call["timeout"] == 5
    # Another secret, a changed body or an old timestamp fails.
    assert not verify(secret="whsec_other", headers=call["headers"], body=call["body"], now=now)
    assert not verify(secret=made.secret, headers=call["headers"], body=call["body"] + b" ", now=now)
    assert not verify(secret=made.secret, headers=call["headers"], body=call["body"], now=now + 301)


def test_signature_known_value():
    expected = hmac.new(b"whsec_x", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature(secret="whsec_x", timestamp=1700000000, body=b"{}") == "v1=" + expected


def test_a_receiver_on_loopback_gets_a_signed_post(settings, subscribe, pair, personas, monkeypatch):
    """The real sending code against a small receiver on 127.0.0.1 (local targets allowed)."""
    settings.WEBHOOKS_ALLOW_LOCAL = True
    received = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received["body"] = self.rfile.read(length)
            received["headers"] = dict(self.headers.items())
            received["path"] = self.path
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        made = subscribe(url=f"http://127.0.0.1:{server.server_port}/hook?x=1")
        request, volunteer = pair
        match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
        delivery = WebhookDelivery.objects.get()
        assert webhook_deliver(pk=delivery.pk) == "delivered"
        thread.join(5)
    finally:
        server.server_close()
    assert received["path"] == "/hook?x=1"
    now = int(received["headers"]["Webhook-Timestamp"])
    assert verify(secret=made.secret, headers=received["headers"], body=received["body"], now=now)
    assert json.loads(received["body"])["match_id"] == delivery.payload["match_id"]
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.last_response_code == 204


# --- Written in the transaction ---------------------------------------------------------------


def test_each_transition_writes_a_delivery_for_each_subscription_that_wants_it(sent, subscribe, pair, personas):
    subscribe(events=["match.accepted"])
    subscribe(events=ALL)
    subscribe(events=["signal.created"])
    request, volunteer = pair
    match = match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    assert sorted(WebhookDelivery.objects.values_list("event", flat=True)) == ["match.proposed"]
    match_accept(match=match, by=personas["broker_a"])
    assert sorted(WebhookDelivery.objects.values_list("event", flat=True)) == [
        "match.accepted",
        "match.accepted",
        "match.proposed",
    ]


def test_a_rolled_back_change_leaves_no_delivery(sent, subscribe, pair, personas):
    subscribe()
    request, volunteer = pair
    with pytest.raises(RuntimeError), transaction.atomic():
        match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
        assert WebhookDelivery.objects.count() == 1  # written in the same transaction
        raise RuntimeError("rolled back")
    assert not Match.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_is_sent_after_the_commit(sent, subscribe, pair, personas, django_capture_on_commit_callbacks):
    subscribe()
    request, volunteer = pair
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    assert sent.calls == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(sent.calls) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_bulk_proposals_of_a_batch_write_deliveries_too(
    sent, subscribe, region, make_request, make_volunteer, personas
):
    subscribe(events=["match.proposed"])
    r1, r2 = make_request(region["org_a"]), make_request(region["org_a"])
    v1, v2 = make_volunteer(region["org_a"]), make_volunteer(region["org_a"])
    result = match_propose_many(
        proposals=[NewProposal(r1.pk, v1.pk, 0.5, 1.0, []), NewProposal(r2.pk, v2.pk, 0.4, 2.0, [])],
        by=personas["broker_a"],
    )
    assert len(result.created) == 2
    assert sorted(d.payload["match_id"] for d in WebhookDelivery.objects.all()) == sorted(m.pk for m in result.created)


def test_another_organisations_subscription_hears_nothing(sent, subscribe, region, pair, personas):
    subscribe(organisation=region["org_b"])
    request, volunteer = pair
    match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    assert not WebhookDelivery.objects.exists()


def test_a_switched_off_subscription_hears_nothing_and_its_waiting_deliveries_are_not_sent(
    sent, subscribe, pair, personas
):
    made = subscribe()
    request, volunteer = pair
    match = match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    webhooks.webhook_subscription_deactivate(subscription=made.subscription)
    match_accept(match=match, by=personas["broker_a"])
    assert WebhookDelivery.objects.count() == 1
    assert webhooks_drain() == {}
    assert sent.calls == []
    assert WebhookDelivery.objects.get().status == "failed"


def test_a_new_signal_writes_a_delivery_with_its_id_only(sent, subscribe, region, personas):
    subscribe(events=["signal.created"])
    from caregivers.outreach import signal_submit

    signal = signal_submit(
        organisation=region["org_a"],
        by=personas["broker_a"],
        first_name="Zoë",
        contact="026 1234567",
        noticed="Slaapt slecht, zorgt alleen voor haar man.",
        source_kind="gp",
        consent_given=True,
        consent_how="verbal",
        place="Velp",
    )
    delivery = WebhookDelivery.objects.get()
    assert set(delivery.payload) == {"event", "organisation", "signal_id", "occurred_at"}
    assert delivery.payload["signal_id"] == signal.pk and delivery.payload["organisation"] == "org-a"
    assert "Zoë" not in json.dumps(delivery.payload) and CareSignal.objects.count() == 1


# --- Privacy -----------------------------------------------------------------------------------


def test_a_match_payload_holds_ids_status_and_time_only(sent, subscribe, pair, personas):
    subscribe()
    request, volunteer = pair
    match = match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    payload = WebhookDelivery.objects.get().payload
    assert set(payload) == {
        "event",
        "organisation",
        "match_id",
        "request_id",
        "volunteer_id",
        "status",
        "occurred_at",
    }
    assert payload["match_id"] == match.pk and payload["request_id"] == request.pk
    assert payload["volunteer_id"] == volunteer.pk and payload["status"] == "proposed"
    text = json.dumps(payload)
    for personal in (volunteer.first_name, volunteer.last_name, request.requester_first_name, volunteer.email):
        assert personal and personal not in text


# --- Sending, retries, claims ------------------------------------------------------------------


@pytest.fixture
def delivery(subscribe, pair, personas):
    subscribe()
    request, volunteer = pair
    match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    return WebhookDelivery.objects.get()


@pytest.mark.parametrize(
    ("answer", "outcome", "code", "error"),
    [
        (200, "delivered", 200, ""),
        (204, "delivered", 204, ""),
        (299, "delivered", 299, ""),
        (301, "retry", 301, "HTTP 301"),
        (404, "retry", 404, "HTTP 404"),
        (500, "retry", 500, "HTTP 500"),
        (SendError("TimeoutError: timed out"), "retry", None, "TimeoutError: timed out"),
        (SendError("ConnectionRefusedError: refused"), "retry", None, "ConnectionRefusedError: refused"),
    ],
)
def test_2xx_is_delivered_and_anything_else_is_tried_again(sent, delivery, answer, outcome, code, error):
    sent.answer = answer
    now = timezone.now()
    assert webhook_deliver(pk=delivery.pk, now=now) == outcome
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_response_code == code and delivery.last_error == error
    if outcome == "delivered":
        assert delivery.status == "delivered" and delivery.delivered_at == now
    else:
        assert delivery.status == "pending" and delivery.next_attempt_at == now + datetime.timedelta(minutes=1)


def test_a_timeout_of_the_real_post_becomes_a_retry(delivery, public_dns, monkeypatch):
    def timing_out(self, *args, **kwargs):
        raise TimeoutError("timed out")

    monkeypatch.setattr(webhooks._PinnedHTTPSConnection, "connect", timing_out)
    assert webhook_deliver(pk=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("TimeoutError") and delivery.status == "pending"


def test_the_backoff_schedule_then_failed(sent, delivery):
    sent.answer = 500
    assert [w.total_seconds() for w in BACKOFF] == [60, 300, 1800, 7200, 43200]
    now = timezone.now()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # Not due before its time: nothing is sent.
        assert webhook_deliver(pk=delivery.pk, now=now - datetime.timedelta(seconds=1)) in ("skipped", "retry")
        outcome = webhook_deliver(pk=delivery.pk, now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert outcome == "retry"
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
        else:
            assert outcome == "failed" and delivery.status == "failed"
    assert waits == list(BACKOFF)
    assert len(sent.calls) == MAX_ATTEMPTS
    # A failed delivery is never sent again.
    assert webhook_deliver(pk=delivery.pk, now=now + datetime.timedelta(days=2)) == "skipped"


def test_a_delivery_is_sent_once_when_the_task_runs_twice(sent, delivery):
    assert webhook_deliver(pk=delivery.pk) == "delivered"
    assert webhook_deliver(pk=delivery.pk) == "skipped"
    assert webhooks_drain() == {}
    assert len(sent.calls) == 1


def test_a_claimed_delivery_is_not_taken_by_a_second_worker(sent, delivery, monkeypatch):
    """While the first worker is inside the POST, a second run (task or drain) skips it."""
    second = {}

    def slow_post(url, *, body, headers, timeout):
        second["deliver"] = webhook_deliver(pk=delivery.pk)
        second["drain"] = webhooks_drain()
        return 200

    monkeypatch.setattr(webhooks, "post", slow_post)
    assert webhook_deliver(pk=delivery.pk) == "delivered"
    assert second == {"deliver": "skipped", "drain": {}}
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.status == "delivered"


def test_a_claim_that_expired_is_sent_again(sent, delivery):
    """A worker that died mid-send: after the claim the drain takes it again."""
    now = timezone.now()
    webhooks._claim(delivery.pk, now)  # the worker died here
    assert webhooks_drain(now=now + datetime.timedelta(seconds=30)) == {}
    assert webhooks_drain(now=now + webhooks.CLAIM) == {"delivered": 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_the_drain_task_sends_what_is_due(sent, delivery):
    from api.tasks import drain_webhooks

    assert drain_webhooks() == {"delivered": 1}
    assert drain_webhooks() == {}


# --- Addresses (SSRF) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "ftp://hooks.example.org/x",
        "http://hooks.example.org/x",  # http outside a local run
        "https://user:pw@hooks.example.org/x",
        "https://localhost/x",
        "https://intranet/x",
        "https://db.internal/x",
        "https://printer.local/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://172.16.0.1/x",
        "https://192.168.1.1/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://[::1]/x",
        "https://[fd00::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://224.0.0.1/x",
        "https://hooks.example.org:99999/x",
        "https://" + "a" * 500 + ".org/",
    ],
)
def test_addresses_inside_our_network_and_bad_addresses_are_refused(url, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    with pytest.raises(DomainError) as refused:
        webhooks.target_url_check(url)
    assert refused.value.field == "target_url"


def test_local_http_is_allowed_only_when_the_setting_says_so(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    assert webhooks.target_url_check("http://127.0.0.1:8001/hook") == "http://127.0.0.1:8001/hook"
    assert webhooks.target_url_check("http://localhost:8001/hook")
    with pytest.raises(DomainError):
        webhooks.target_url_check("http://10.0.0.1/hook")  # private, not this machine
    settings.PRODUCTION = True  # never in production
    with pytest.raises(DomainError):
        webhooks.target_url_check("http://127.0.0.1:8001/hook")


def test_public_https_addresses_are_accepted(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    assert webhooks.target_url_check(" https://hooks.example.org/bm?x=1 ") == "https://hooks.example.org/bm?x=1"
    assert webhooks.target_url_check(f"https://{PUBLIC}:8443/x")


@pytest.mark.parametrize("address", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "::1", "fe80::1%eth0"])
def test_a_name_that_resolves_into_our_network_is_not_posted_to(address, delivery, monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    monkeypatch.setattr(webhooks, "host_addresses", lambda host, port: [PUBLIC, address])
    connected = []
    monkeypatch.setattr(webhooks._PinnedHTTPSConnection, "connect", lambda self: connected.append(self))
    assert webhook_deliver(pk=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("refused") and connected == []


def test_no_events_is_refused(region, personas):
    with pytest.raises(DomainError) as refused:
        webhook_subscription_create(
            organisation=region["org_a"], target_url="https://hooks.example.org/", events=[], by=personas["admin_a"]
        )
    assert refused.value.field == "events"
    assert not WebhookSubscription.objects.exists()


def test_the_command_sends_what_is_due(sent, delivery):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_pending_webhooks", stdout=out)
    assert out.getvalue().strip() == "delivered 1, retry 0, failed 0, skipped 0"
    assert len(sent.calls) == 1


def test_the_readmes_receiver_verifies_a_delivery(sent, subscribe, pair, personas):
    """The verification shown in the README's API section accepts what we send."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("import hashlib, hmac, time")
    code = readme[start : readme.index("```", start)]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102  (our own README)
    made = subscribe()
    request, volunteer = pair
    match_propose(request=request, volunteer=volunteer, by=personas["broker_a"])
    assert webhook_deliver(pk=WebhookDelivery.objects.get().pk) == "delivered"
    call = sent.calls[0]
    assert namespace["verify"](made.secret, call["headers"], call["body"])
    assert not namespace["verify"](made.secret, call["headers"], call["body"].replace(b"proposed", b"ended"))


def test_old_finished_deliveries_are_forgotten_and_waiting_ones_kept(sent, delivery, settings):
    from api.tasks import purge_webhooks

    settings.WEBHOOK_DELIVERY_KEEP_DAYS = 30
    assert webhook_deliver(pk=delivery.pk) == "delivered"
    waiting = WebhookDelivery.objects.create(
        subscription=delivery.subscription, event="match.ended", payload={}, next_attempt_at=timezone.now()
    )
    old = timezone.now() - datetime.timedelta(days=31)
    WebhookDelivery.objects.update(created_at=old)
    assert purge_webhooks() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert webhooks.webhooks_purge(now=old + datetime.timedelta(days=29)) == 0


def test_an_address_the_url_field_refuses_is_a_form_error_not_a_crash(region, personas):
    with pytest.raises(DomainError) as refused:
        webhook_subscription_create(
            organisation=region["org_a"],
            target_url="https://exa_mple..org/hook",
            events=["match.proposed"],
            by=personas["admin_a"],
        )
    assert refused.value.field == "target_url"


def test_a_non_ascii_path_is_sent_percent_encoded(delivery, public_dns, monkeypatch):
    sent_paths = []

    def fake_request(self, method, path, body=None, headers=None):
        sent_paths.append(path)
        raise ConnectionRefusedError("refused")

    delivery.subscription.target_url = "https://hooks.example.org/zoë?naam=Zoë&x=1"
    delivery.subscription.save()
    monkeypatch.setattr(webhooks._PinnedHTTPSConnection, "request", fake_request)
    assert webhook_deliver(pk=delivery.pk) == "retry"
    assert sent_paths == ["/zo%C3%AB?naam=Zo%C3%AB&x=1"]


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [("active", "active"), ("proposed", "cancelled"), ("accepted_by_volunteer", "declined")],
)
def test_check_ins_cancellations_and_declines_are_not_announced(
    sent, subscribe, pair, make_match, from_status, to_status
):
    from matches.models import MatchEvent

    subscribe()
    request, volunteer = pair
    match = make_match(request, volunteer, status=from_status)
    MatchEvent.objects.create(match=match, from_status=from_status, to_status=to_status)
    assert not WebhookDelivery.objects.exists()


def test_a_direct_event_to_ended_is_announced(sent, subscribe, pair, make_match):
    from matches.models import MatchEvent

    subscribe(events=["match.ended"])
    request, volunteer = pair
    match = make_match(request, volunteer, status="active")
    MatchEvent.objects.create(match=match, from_status="active", to_status="ended")
    payload = WebhookDelivery.objects.get().payload
    assert payload["event"] == "match.ended" and payload["match_id"] == match.pk and payload["status"] == "ended"
