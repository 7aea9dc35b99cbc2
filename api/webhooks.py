"""Webhooks: an organisation's integrations hear of its match events and new signals.

* **Subscriptions** (``webhook_subscription_create``): an https address (no address
  inside our own network: see :func:`target_url_check`), the events wanted, a secret made
  here and shown once.
* **Events**: ``api.receivers`` listens to the rows that record a change (a ``MatchEvent``
  to proposed, accepted, active or ended; a new ``CareSignal``) and calls
  :func:`webhook_event_record` in the transaction of the change: one
  ``WebhookDelivery`` per active subscription that wants the event. A change that is
  rolled back leaves no delivery; a committed one cannot lose its delivery.
* **Sending** (:func:`webhook_deliver`): after the commit a task per delivery
  (``api.tasks.deliver_webhook``), and every minute from beat whatever is due
  (``api.tasks.webhooks_drain``). A worker claims a delivery under a row lock (skip
  locked) by moving its ``next_attempt_at`` past the send's timeout, so two workers never
  send it at the same time; the POST happens outside any transaction. Any 2xx is
  delivered; anything else is tried again after 1 min, 5 min, 30 min, 2 h and 12 h,
  then given up (failed). A worker that dies mid-send leaves the claim to expire: the
  delivery is sent again (at least once; receivers recognise a repeat by ``Webhook-Id``).
* **Signature**: ``Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">``
  with the secret, ``Webhook-Timestamp`` in unix seconds (see the README's API section
  for the receiver's side, :func:`signature` for ours).
* **Privacy**: the payload holds ids, the event, the status and the time, nothing else
  (:func:`match_payload`, :func:`signal_payload`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import WebhookDelivery, WebhookSubscription
from common.errors import DomainError
from common.tasks import task_named
from neighbourhoods.models import Organisation

logger = logging.getLogger(__name__)

Event = WebhookSubscription.Event

# Match status -> event; other transitions (declined, cancelled) are not announced.
MATCH_EVENTS = {
    "proposed": Event.MATCH_PROPOSED,
    "accepted_by_volunteer": Event.MATCH_ACCEPTED,
    "active": Event.MATCH_ACTIVE,
    "ended": Event.MATCH_ENDED,
}

SECRET_PREFIX = "whsec_"
# The waits after the 1st, 2nd, ... failed attempt; after the last one the delivery fails.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 5
# A claimed delivery is not taken by another worker for this long (well past the timeout).
CLAIM = datetime.timedelta(minutes=2)
ERROR_MAX = WebhookDelivery._meta.get_field("last_error").max_length  # 200
URL_MAX = WebhookSubscription._meta.get_field("target_url").max_length  # 500
LOG_SIZE = 100
DRAIN_BATCH = 200

# Host names that never point outside our own network.
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain")


# --- Addresses (SSRF) ---------------------------------------------------------------------


def local_targets_allowed() -> bool:
    """http:// to this machine (localhost, 127.0.0.1, ::1) for a local run and tests:
    ``WEBHOOKS_ALLOW_LOCAL`` (default: ``DEBUG``), never in production."""
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOCAL", False)) and not getattr(settings, "PRODUCTION", False)


def _is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_is_public(address: str) -> bool:
    """True for an IP address on the internet; False for loopback, private, link-local
    (cloud metadata), shared, reserved, multicast and unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_url_check(url: str) -> str:
    """``url`` as it will be used, or a DomainError (field ``target_url``) that says why
    not: https only; no user name or password; a host that is not one of our own network
    (an IP literal must be public, names like ``localhost`` or ``*.internal`` are refused).
    Names are resolved again, and checked, each time a delivery is sent."""
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Vul het adres in."), field="target_url")
    if len(url) > URL_MAX:
        raise DomainError(
            _("Het adres is te lang (ten hoogste %(max)s tekens).") % {"max": URL_MAX}, field="target_url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(_("Dit is geen geldig adres."), field="target_url") from None
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise DomainError(_("Dit is geen geldig adres. Het begint met https://"), field="target_url")
    if parts.username is not None or parts.password is not None:
        raise DomainError(_("Zet geen gebruikersnaam of wachtwoord in het adres."), field="target_url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise DomainError(_("Dit is geen geldig adres."), field="target_url")
    if port == 0:
        raise DomainError(_("Dit is geen geldig adres."), field="target_url")
    if local_targets_allowed() and _is_loopback_host(host):
        return url
    if parts.scheme != "https":
        raise DomainError(_("Het adres moet met https:// beginnen."), field="target_url")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        is_literal = False
    else:
        is_literal = True
    if is_literal:
        if not address_is_public(host):
            raise DomainError(
                _("Dit adres ligt in een intern netwerk. Kies een adres op internet."), field="target_url"
            )
    elif host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host:
        raise DomainError(_("Dit adres ligt in een intern netwerk. Kies een adres op internet."), field="target_url")
    return url


def host_addresses(host: str, port: int) -> list[str]:
    """The IP addresses of ``host`` (the one place that asks DNS; tests replace it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


# --- Subscriptions ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once


def webhook_subscription_create(
    *, organisation: Organisation, target_url: str, events: list[str], by
) -> NewSubscription:
    """A new active subscription of ``organisation`` to ``events`` at ``target_url``."""
    url = target_url_check(target_url)
    known = set(Event.values)
    if not events or not set(events) <= known:
        raise DomainError(_("Kies ten minste één gebeurtenis."), field="events")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        organisation=organisation,
        target_url=url,
        events=sorted(set(events)),
        secret=secret,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    try:
        subscription.full_clean()
    except ValidationError as error:
        field = "target_url" if "target_url" in error.message_dict else None
        raise DomainError(
            _("Dit is geen geldig adres.") if field else _("Controleer wat u invulde."), field=field
        ) from None
    subscription.save()
    return NewSubscription(subscription=subscription, secret=secret)


def webhook_subscription_deactivate(*, subscription: WebhookSubscription) -> bool:
    """Switch ``subscription`` off; what it still had waiting is not sent (failed). False
    if it already was off."""
    with transaction.atomic():
        changed = WebhookSubscription.objects.filter(pk=subscription.pk, is_active=True).update(is_active=False)
        if changed:
            WebhookDelivery.objects.filter(subscription=subscription, status=WebhookDelivery.Status.PENDING).update(
                status=WebhookDelivery.Status.FAILED, last_error="subscription switched off"
            )
    subscription.is_active = False
    return bool(changed)


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Remove ``subscription`` and its delivery log."""
    subscription.delete()


# --- Events -------------------------------------------------------------------------------


def _iso(at: datetime.datetime | None) -> str:
    return (at or timezone.now()).astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def match_payload(*, event: str, organisation_slug: str, match, status: str, at) -> dict:
    """What a receiver hears of a match event: ids, the status and the time only."""
    return {
        "event": event,
        "organisation": organisation_slug,
        "match_id": match.pk,
        "request_id": match.request_id,
        "volunteer_id": match.volunteer_id,
        "status": status,
        "occurred_at": _iso(at),
    }


def signal_payload(*, organisation_slug: str, signal, at) -> dict:
    """What a receiver hears of a new signal: its id and the time only."""
    return {
        "event": Event.SIGNAL_CREATED.value,
        "organisation": organisation_slug,
        "signal_id": signal.pk,
        "occurred_at": _iso(at),
    }


def _wanting(organisation_ids: set[int], event: str) -> list[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.filter(organisation_id__in=organisation_ids, is_active=True).only(
        "pk", "organisation_id", "events"
    )
    return [s for s in subscriptions if event in s.events]


def webhook_events_record(*, organisation_id: int, event: str, payloads: list[dict]) -> list[WebhookDelivery]:
    """One delivery per payload and active subscription of the organisation that wants
    ``event``, written in the caller's transaction and sent after its commit."""
    subscriptions = _wanting({organisation_id}, event) if payloads else []
    if not subscriptions:
        return []
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=s, event=event, payload=payload, next_attempt_at=now)
            for s in subscriptions
            for payload in payloads
        ]
    )
    pks = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(pks))
    return deliveries


def match_event_record(*, matches, from_status: str, to_status: str, at=None) -> list[WebhookDelivery]:
    """The deliveries of match events (``matches``: saved ``Match`` rows that moved from
    ``from_status`` to ``to_status``), grouped per organisation."""
    event = MATCH_EVENTS.get(to_status)
    if event is None or from_status == to_status:
        return []
    by_organisation: dict[int, list] = {}
    for match in matches:
        by_organisation.setdefault(match.organisation_id, []).append(match)
    wanted = {s.organisation_id for s in _wanting(set(by_organisation), event)}
    if not wanted:
        return []
    slugs = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "slug"))
    made: list[WebhookDelivery] = []
    for organisation_id in sorted(wanted):
        payloads = [
            match_payload(event=event, organisation_slug=slugs[organisation_id], match=m, status=to_status, at=at)
            for m in by_organisation[organisation_id]
        ]
        made += webhook_events_record(organisation_id=organisation_id, event=event, payloads=payloads)
    return made


def signal_event_record(*, signal, at=None) -> list[WebhookDelivery]:
    if not _wanting({signal.organisation_id}, Event.SIGNAL_CREATED):
        return []
    slug = Organisation.objects.filter(pk=signal.organisation_id).values_list("slug", flat=True).first()
    return webhook_events_record(
        organisation_id=signal.organisation_id,
        event=Event.SIGNAL_CREATED,
        payloads=[signal_payload(organisation_slug=slug, signal=signal, at=at)],
    )


def _enqueue(pks: list[int]) -> None:
    task = task_named("api.tasks.deliver_webhook")
    for pk in pks:
        try:
            task.delay(pk)
        except Exception:  # noqa: BLE001  (a broker outage: the drain sends it later)
            logger.warning("webhook delivery %s not queued; the drain will send it", pk, exc_info=True)


# --- Signing and sending ------------------------------------------------------------------


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return "v1=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def next_wait(attempts: int) -> datetime.timedelta | None:
    """How long to wait after the ``attempts``-th failed try; None: give up."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return BACKOFF[attempts - 1]


class SendError(Exception):
    """The receiver could not be reached (or may not be): try again later."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address we checked (not a second DNS answer), with the host's
    name for TLS (SNI and certificate check)."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> int:
    """POST ``body`` to ``url`` and return the status code. Redirects are not followed
    (a 3xx is an answer like any other). The host is resolved here and every address
    checked, so a name that points into our own network is refused (SendError)."""
    try:
        url = target_url_check(url)
    except DomainError as error:
        raise SendError(str(error.message)) from None
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    local = local_targets_allowed() and _is_loopback_host(host)
    try:
        addresses = host_addresses(host, port)
    except OSError as error:
        raise SendError(f"DNS: {error}") from None
    if not addresses:
        raise SendError("DNS: no address")
    for address in addresses:
        if not (address_is_public(address) or (local and ipaddress.ip_address(address.split("%", 1)[0]).is_loopback)):
            raise SendError(f"refused: {host} points to an address in a private network")
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=addresses[0], timeout=timeout)
    # Non-ASCII in the path or query is sent percent-encoded (http.client sends ASCII only).
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)  # a little of the answer, then hang up
        return response.status
    except (OSError, http.client.HTTPException) as error:
        raise SendError(f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()


def _claim(pk: int, now: datetime.datetime) -> WebhookDelivery | None:
    """Take delivery ``pk`` when it is due: one worker at a time (row lock, skip locked),
    the claim lasting :data:`CLAIM`."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(
                pk=pk,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=now,
                subscription__is_active=True,
            )
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + CLAIM
        WebhookDelivery.objects.filter(pk=pk).update(
            attempts=delivery.attempts, next_attempt_at=delivery.next_attempt_at
        )
    return delivery


def webhook_deliver(*, pk: int, now: datetime.datetime | None = None) -> str:
    """Send delivery ``pk`` if it is due and nobody else is sending it. Returns what
    happened: ``delivered``, ``retry``, ``failed`` or ``skipped``."""
    given = now
    now = now or timezone.now()
    delivery = _claim(pk, now)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Buurtmakelaar-Webhooks/1",
        "Webhook-Id": str(delivery.pk),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret=subscription.secret, timestamp=timestamp, body=body),
        "Webhook-Event": delivery.event,
    }
    code: int | None = None
    error = ""
    try:
        code = post(subscription.target_url, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except SendError as failure:
        error = str(failure)
    done = given or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if code is not None and 200 <= code < 300:
        claimed.update(
            status=WebhookDelivery.Status.DELIVERED, last_response_code=code, last_error="", delivered_at=done
        )
        return "delivered"
    if code is not None:
        error = f"HTTP {code}"
    wait = next_wait(delivery.attempts)
    if wait is None:
        claimed.update(status=WebhookDelivery.Status.FAILED, last_response_code=code, last_error=error[:ERROR_MAX])
        return "failed"
    claimed.update(last_response_code=code, last_error=error[:ERROR_MAX], next_attempt_at=done + wait)
    return "retry"


def webhooks_due(*, now: datetime.datetime | None = None, limit: int = DRAIN_BATCH) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, subscription__is_active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def webhooks_drain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every due delivery (each claimed on its own); counts of what happened."""
    counts: dict[str, int] = {}
    for pk in webhooks_due(now=now):
        outcome = webhook_deliver(pk=pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def webhooks_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget deliveries that were delivered or given up more than
    ``WEBHOOK_DELIVERY_KEEP_DAYS`` ago (default 30); the number removed."""
    now = now or timezone.now()
    days = int(getattr(settings, "WEBHOOK_DELIVERY_KEEP_DAYS", 30))
    removed, _ = (
        WebhookDelivery.objects.filter(created_at__lt=now - datetime.timedelta(days=days))
        .exclude(status=WebhookDelivery.Status.PENDING)
        .delete()
    )
    return removed
