"""Queue, deliver and drain the e-mail outbox; people's mail preferences.

Delivery guarantees (see ``notifications.models``):

* **Queued with the change.** :func:`notification_queue` writes the row inside the
  caller's transaction; the Celery task is sent only after the commit. A rolled-back
  change sends nothing; a broker that is down at that moment loses nothing: the row
  waits and :func:`outbox_drain` (Celery beat, every minute) delivers it.
* **Queued once.** The ``key`` is unique: queueing the same reminder twice is a no-op.
* **Sent once.** :func:`notification_deliver` claims the row with one conditional
  UPDATE (``pending → sending``); a second task for the same row, a redelivered task
  after a worker crash, or the drain finds nothing to claim. A row left in
  ``sending`` by a worker that died is taken again after
  ``NOTIFICATION_SENDING_TIMEOUT`` seconds. Only that message, the one in flight
  at the moment of the crash, can go out twice; it carries the same ``Message-ID``
  both times, so mail programs show it once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from collections.abc import Iterable
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.errors import DomainError
from common.tasks import task_named
from notifications.models import OPTIONAL_CATEGORIES, Category, MailLinkKey, MailPreferences, Notification

logger = logging.getLogger(__name__)

# Errors worth trying again later: the mail server or the network is away.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
    OSError,
)
# Errors that will not go away by trying again: the address or the message is refused.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
    ValueError,
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "buurtmakelaar.local"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def preferences_for(email: str) -> MailPreferences:
    """The stored preferences, or an unsaved default (everything on)."""
    email = (email or "").strip().lower()
    return MailPreferences.objects.filter(email=email).first() or MailPreferences(email=email)


def wants_mail(email: str, category: str, user=None) -> bool:
    """Whether ``email`` should get mail of ``category``. When the mail is for someone
    with an account (``user``), their login address's choice counts too: the settings
    page stores it there, while a volunteer's mail may go to a profile address."""
    if not preferences_for(email).wants(category):
        return False
    login = (getattr(user, "email", "") or "").strip().lower()
    return not login or login == (email or "").strip().lower() or preferences_for(login).wants(category)


def preferences_update(*, email: str, values: dict[str, bool]) -> MailPreferences:
    """Store which optional categories ``email`` wants; unknown names are refused."""
    email = (email or "").strip().lower()
    if not email:
        raise DomainError("Er is geen e-mailadres om voorkeuren bij te bewaren.")
    unknown = set(values) - {c.value for c in OPTIONAL_CATEGORIES}
    if unknown:
        raise DomainError(f"Onbekende soort e-mail: {', '.join(sorted(unknown))}.")
    prefs, _created = MailPreferences.objects.get_or_create(email=email)
    for name, value in values.items():
        setattr(prefs, name, bool(value))
    prefs.save()
    return prefs


def preferences_erase(*, email: str) -> int:
    """Forget a person's preferences and the record of mail sent to them (erasure)."""
    email = (email or "").strip().lower()
    if not email:
        return 0
    deleted, _ = MailPreferences.objects.filter(email=email).delete()
    keys, _ = MailLinkKey.objects.filter(email=email).delete()
    sent, _ = Notification.objects.filter(to_email=email).delete()
    return deleted + keys + sent


def notification_queue(
    *,
    key: str,
    kind: str,
    category: str,
    to_email: str,
    subject: str,
    body: str,
    html: str = "",
    user=None,
    organisation=None,
    match=None,
) -> Notification | None:
    """Put one e-mail in the outbox, in the caller's transaction; it is delivered after
    the commit. Returns the new row, or None when nothing was queued: no address, the
    person switched this category off, or ``key`` was queued before."""
    to_email = (to_email or "").strip().lower()
    if not to_email:
        return None
    if category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    if not wants_mail(to_email, category, user=user):
        return None
    if len(key) > 200:
        key = key[:135] + ":" + hashlib.sha256(key.encode()).hexdigest()
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "category": category,
            "to_email": to_email,
            "user": user if getattr(user, "pk", None) else None,
            "organisation": organisation,
            "match": match,
            "subject": " ".join(subject.split())[:300],
            "body": body,
            "html": html,
            "message_id": _message_id(key),
        },
    )
    if not created:
        return None
    pk = notification.pk
    transaction.on_commit(lambda: notification_enqueue(pk))
    return notification


# The task that sends one row (notifications/tasks.py; started by name, see common.tasks).
DELIVER_TASK = "notifications.tasks.deliver_notification"


def mail_queue(
    *,
    template: str,
    context: dict,
    key: str,
    kind: str,
    category: str,
    to_email: str,
    user=None,
    organisation=None,
    match=None,
) -> Notification | None:
    """Render ``template`` (``<template>.txt`` and, where it exists, ``.html``; see
    :func:`notifications.mail.render_mail`) and put it in the outbox with
    :func:`notification_queue`. Nothing is rendered for someone who does not want it."""
    from notifications.mail import render_mail

    if not to_email or not wants_mail(to_email, category, user=user):
        return None
    mail = render_mail(template, context, to_email=to_email, category=category)
    return notification_queue(
        key=key,
        kind=kind,
        category=category,
        to_email=to_email,
        subject=mail.subject,
        body=mail.body,
        html=mail.html,
        user=user,
        organisation=organisation,
        match=match,
    )


def notification_enqueue(pk: int) -> bool:
    """Hand one row to Celery. Never raises: when the broker cannot be reached (or an
    eager delivery failed) the row stays in the outbox for :func:`outbox_drain`."""
    try:
        task_named(DELIVER_TASK).apply_async(args=[pk])
    except Exception:  # noqa: BLE001 - the outbox is the fallback for every failure
        logger.warning("notification %s stays in the outbox: it could not be handed to Celery", pk, exc_info=True)
        return False
    return True


class DeliveryFailed(Exception):
    """A transient failure: the row is pending again and the task should retry."""


def _unsubscribe_header(notification: Notification) -> dict[str, str]:
    if notification.category == Category.ACCOUNT:
        return {}
    from notifications.links import unsubscribe_url

    # RFC 8058 one-click: a mail program may POST to the link without a page.
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(notification.to_email, notification.category)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def sender_domain_allowed(email: str) -> bool:
    """Whether an organisation may send as ``email``: its domain is one the mail
    server may send for (``MAIL_SENDER_DOMAINS``)."""
    domain = (email or "").rsplit("@", 1)[-1].strip().lower()
    return bool(domain) and "@" in (email or "") and domain in getattr(settings, "MAIL_SENDER_DOMAINS", [])


def from_address(organisation=None) -> str:
    """The From of a mail: the organisation's sender name and address when it has set
    them (the address only while its domain is allowed, checked again at sending, since
    the setting may have changed), else the site's ``DEFAULT_FROM_EMAIL``."""
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if organisation is None:
        return settings.DEFAULT_FROM_EMAIL
    address = (getattr(organisation, "sender_email", "") or "").strip()
    if not address or not sender_domain_allowed(address):
        address = default_address
    name = (getattr(organisation, "sender_name", "") or "").strip()
    if not name:
        name = organisation.name if address != default_address else default_name
    # formataddr quotes the name; a line break can never reach the header.
    return formataddr((" ".join(name.split()), address))


def notification_deliver(*, pk: int, now: datetime.datetime | None = None) -> str:
    """Send one queued e-mail. Returns ``sent``, ``skipped`` (nothing to claim: already
    sent, being sent, or gone) or ``failed`` (refused for good). Raises
    :class:`DeliveryFailed` on a transient error, with the row pending again."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=_setting("NOTIFICATION_SENDING_TIMEOUT", 600))
    claimed = (
        Notification.objects.filter(pk=pk)
        .filter(Q(status=Notification.Status.PENDING) | Q(status=Notification.Status.SENDING, claimed_at__lt=stale))
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("organisation").get(pk=pk)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=from_address(notification.organisation),
        to=[notification.to_email],
        headers={"Message-ID": notification.message_id, **_unsubscribe_header(notification)},
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    mine = Notification.objects.filter(pk=pk, status=Notification.Status.SENDING, claimed_at=now)
    try:
        message.send()
    except PERMANENT_ERRORS as error:
        mine.update(status=Notification.Status.FAILED, last_error=repr(error)[:500])
        logger.warning("notification %s refused for good: %r", pk, error)
        return "failed"
    except TRANSIENT_ERRORS as error:
        give_up = notification.attempts >= _setting("NOTIFICATION_MAX_ATTEMPTS", 10)
        mine.update(
            status=Notification.Status.FAILED if give_up else Notification.Status.PENDING,
            last_error=repr(error)[:500],
        )
        if give_up:
            logger.error("notification %s failed %s times; giving up: %r", pk, notification.attempts, error)
            return "failed"
        raise DeliveryFailed(str(error)) from error
    mine.update(status=Notification.Status.SENT, sent_at=timezone.now(), body="", html="", last_error="")
    return "sent"


def outbox_waiting(*, now: datetime.datetime | None = None, min_age_seconds: int = 60) -> Iterable[int]:
    """Ids of rows that should have gone out by now: pending for at least
    ``min_age_seconds`` (their own task had time to run), or left in ``sending`` by a
    worker that died. Oldest first."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=_setting("NOTIFICATION_SENDING_TIMEOUT", 600))
    return (
        Notification.objects.filter(
            Q(status=Notification.Status.PENDING, created_at__lte=now - datetime.timedelta(seconds=min_age_seconds))
            | Q(status=Notification.Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def outbox_drain(*, now: datetime.datetime | None = None, limit: int = 1000, min_age_seconds: int = 60) -> dict:
    """Deliver what waits in the outbox (see :func:`outbox_waiting`). Stops at the
    first transient failure: the mail server is away, the next run tries again."""
    counts = {"sent": 0, "skipped": 0, "failed": 0, "waiting": 0}
    for pk in list(outbox_waiting(now=now, min_age_seconds=min_age_seconds)[:limit]):
        try:
            counts[notification_deliver(pk=pk)] += 1
        except DeliveryFailed:
            counts["waiting"] += 1
            break
    return counts


def outbox_purgeable(*, now: datetime.datetime | None = None) -> QuerySet[Notification]:
    """The record of mail sent (or given up) longer ago than the retention period
    (also listed and purged by the privacy app's retention run)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=_setting("NOTIFICATION_RETENTION_DAYS", 365))
    return Notification.objects.filter(
        status__in=[Notification.Status.SENT, Notification.Status.FAILED], created_at__lt=cutoff
    )


def outbox_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the record of mail sent (or given up) longer ago than the retention period."""
    deleted, _ = outbox_purgeable(now=now).delete()
    return deleted


def notifications_erase(*, emails: Iterable[str], user=None, match_ids: Iterable[int] = (), before_pk: int) -> int:
    """Erasure of a person: forget their preferences and every mail to them, and take
    their name out of the record of mail to others about their matches. Mail about
    those matches that was queued up to ``before_pk`` and not yet sent is dropped (it
    told about a match that no longer runs and may name the person); sent rows keep
    only what was sent, when and to whom (the subject line becomes the kind of mail).
    Returns the number of rows deleted."""
    addresses = {e.strip().lower() for e in emails if e and e.strip()}
    deleted = 0
    for address in addresses:
        deleted += preferences_erase(email=address)
    if user is not None and user.pk is not None:
        deleted += Notification.objects.filter(user=user).delete()[0]
    about = Notification.objects.filter(match_id__in=list(match_ids), pk__lte=before_pk)
    deleted += about.exclude(status=Notification.Status.SENT).delete()[0]
    about.filter(status=Notification.Status.SENT).update(subject=F("kind"), body="", html="")
    return deleted
