"""Writes of the conversations: a message, "read up to now", the e-mail notice, and
what goes when a person or a match's data go.

The notice holds no content: "U hebt een nieuw bericht" and the link to the thread
behind the login. It goes through the outbox (``notifications.services.mail_queue``) in
the transaction of the message, respects the person's mail preferences (category
``updates`` for the people, ``broker`` for the broker), and at most one per thread and
person per ``MESSAGE_NOTICE_MINUTES`` (default 15), so that a chat does not flood the
inbox."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from conversations.models import Message, Thread, ThreadRead
from conversations.selectors import is_open, match_sides, response_sides
from matches.models import Match
from neighbourhoods.selectors import is_broker_of
from notifications.links import absolute
from notifications.models import Category, Notification
from notifications.services import mail_queue
from partners.models import PartnerMembership

Side = Message.Side
NOTICE_KIND = "conversations/email/notice"


def notice_minutes() -> int:
    return int(getattr(settings, "MESSAGE_NOTICE_MINUTES", 15))


def _thread_for(subject) -> Thread:
    """The thread about ``subject``, made on the first message (two at once: one wins)."""
    field = "match" if isinstance(subject, Match) else "response"
    organisation_id = subject.organisation_id if isinstance(subject, Match) else subject.vacancy.partner.organisation_id
    found = Thread.objects.filter(**{field: subject}).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Thread.objects.create(organisation_id=organisation_id, **{field: subject})
    except IntegrityError:
        return Thread.objects.get(**{field: subject})


def message_post(*, subject, user, side: str, body: str) -> Message:
    """``user`` writes ``body`` in the thread about ``subject`` (a Match or a Response)
    as ``side``. Refused (DomainError) when they do not take part as that side, when the
    thread is closed or the text is empty or too long; nothing is stored then."""
    sides = match_sides(user, subject) if isinstance(subject, Match) else response_sides(user, subject)
    if side not in sides:
        raise DomainError(_("U kunt in dit gesprek geen bericht schrijven."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Schrijf een bericht."), field="body")
    if len(body) > Message.MAX_LENGTH:
        raise DomainError(
            _("Een bericht is hoogstens %(limit)d tekens, nu %(count)d.")
            % {"limit": Message.MAX_LENGTH, "count": len(body)},
            field="body",
        )
    with transaction.atomic():
        locked = type(subject).objects.select_for_update().get(pk=subject.pk)
        if not is_open(locked):
            raise DomainError(_("Dit gesprek is gesloten. U kunt het nog lezen, maar niet meer schrijven."))
        thread = _thread_for(subject)
        message = Message.objects.create(thread=thread, author=user, side=side, body=body)
        Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
        thread_mark_read(thread=thread, user=user, at=message.created_at)
        _notices(thread=thread, subject=subject, message=message)
    return message


def thread_mark_read(*, thread: Thread | None, user, at: datetime.datetime | None = None) -> None:
    if thread is None or not getattr(user, "is_authenticated", False):
        return
    at = at or timezone.now()
    updated = ThreadRead.objects.filter(thread=thread, user=user, read_at__lt=at).update(read_at=at)
    if not updated and not ThreadRead.objects.filter(thread=thread, user=user).exists():
        try:
            with transaction.atomic():
                ThreadRead.objects.create(thread=thread, user=user, read_at=at)
        except IntegrityError:
            pass


# --- The notice -------------------------------------------------------------------------


def _recipients(subject, writer) -> list[tuple[object, str, str, str]]:
    """(user, e-mail address, category, link) of everyone else in the thread who can
    log in to read it."""
    found = []
    if isinstance(subject, Match):
        people_link = reverse("conversations:match", kwargs={"pk": subject.pk})
        volunteer = subject.volunteer
        if volunteer.user_id:
            found.append((volunteer.user, volunteer.user.email, Category.UPDATES, people_link))
        request = subject.request
        if request.requester_id:
            found.append((request.requester, request.requester.email, Category.UPDATES, people_link))
        carer = request.mantelzorger
        if carer is not None and carer.user_id:
            found.append((carer.user, carer.user.email, Category.UPDATES, people_link))
        broker = subject.proposed_by
        if broker is not None and is_broker_of(broker, subject.organisation_id):
            broker_link = reverse(
                "conversations_broker:thread", kwargs={"slug": subject.organisation.slug, "pk": subject.pk}
            )
            found.append((broker, broker.email, Category.BROKER, broker_link))
    else:
        link = reverse("conversations:response", kwargs={"pk": subject.pk})
        volunteer = subject.volunteer
        if volunteer is not None and volunteer.user_id:
            found.append((volunteer.user, volunteer.user.email, Category.UPDATES, link))
        memberships = PartnerMembership.objects.filter(
            partner_id=subject.vacancy.partner_id, partner__is_active=True
        ).select_related("user")
        for membership in memberships:
            found.append((membership.user, membership.user.email, Category.UPDATES, link))
    seen, unique = {writer.pk}, []
    for user, email, category, link in found:
        if user.pk not in seen and email:
            seen.add(user.pk)
            unique.append((user, email, category, link))
    return unique


def _notices(*, thread: Thread, subject, message: Message) -> None:
    since = message.created_at - datetime.timedelta(minutes=notice_minutes())
    organisation = thread.organisation
    for user, email, category, link in _recipients(subject, message.author):
        prefix = f"message:{thread.pk}:{user.pk}:"
        if Notification.objects.filter(key__startswith=prefix, created_at__gte=since).exists():
            continue
        mail_queue(
            template="conversations/email/notice",
            context={"organisation": organisation, "url": absolute(link)},
            key=f"{prefix}{message.pk}",
            kind=NOTICE_KIND,
            category=category,
            to_email=email,
            user=user,
            organisation=organisation,
            match=subject if isinstance(subject, Match) else None,
        )


# --- Erasure ------------------------------------------------------------------------------


def threads_erase(*, match_ids=(), response_ids=(), volunteer_ids=()) -> int:
    """Delete the threads (with their messages) of these matches and responses, and of
    every match and response of these volunteers (and of responses without a volunteer)."""
    query = Q(match_id__in=list(match_ids)) | Q(response_id__in=list(response_ids))
    if volunteer_ids:
        query |= Q(match__volunteer_id__in=list(volunteer_ids)) | Q(response__volunteer_id__in=list(volunteer_ids))
        # A response that lost its volunteer (erased or past its retention, in
        # partners.services.responses_erase, which may run first) keeps no conversation.
        query |= Q(response__isnull=False, response__volunteer__isnull=True)
    deleted, _counts = Thread.objects.filter(query).delete()
    return deleted


def messages_of_author_erase(*, user) -> int:
    """Messages ``user`` wrote in other people's threads (as a broker or for a partner)
    keep their place in the conversation, without the author: the text goes."""
    return Message.objects.filter(author=user).update(body="", author=None)


def message_import(*, subject, side: str, body: str, at: datetime.datetime, author=None) -> Message:
    """A message written elsewhere (the demo's history, an import): stored as it was,
    at ``at``, without the checks of a person writing now and without a notice."""
    if side not in Side.values:
        raise ValueError(f"unknown side {side!r}")
    body = (body or "").strip()[: Message.MAX_LENGTH]
    if not body:
        raise ValueError("an empty message")
    thread = _thread_for(subject)
    message = Message.objects.create(thread=thread, author=author, side=side, body=body)
    Message.objects.filter(pk=message.pk).update(created_at=at)
    Thread.objects.filter(pk=thread.pk, last_message_at__isnull=True).update(last_message_at=at)
    Thread.objects.filter(pk=thread.pk, last_message_at__lt=at).update(last_message_at=at)
    message.created_at = at
    return message
