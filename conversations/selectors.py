"""Reads about conversations, and the one place that says who takes part in a thread.

Who takes part:

* a match: its volunteer; the person who asked or the mantelzorger the request is for
  (``matches.selectors.is_match_requester``); the brokers of the match's organisation
  (``StaffMembership.CARE_FILE_ROLES``, as for care files: an admin as such does not
  read them). The volunteer and the requester see the thread once the volunteer said
  yes (never on a bare proposal: the requester does not know of it yet).
* a response to a vacancy: its volunteer and the accounts of the partner (while the
  centre has not stopped the partner, as on the partner's own pages).

Anyone else gets a 404. A thread takes new messages while the match waits for the
requester or runs, or while the response is new or accepted; after that it can be read,
not written. Until both sides agreed (the match started, the response was accepted)
the thread shows first names only, and e-mail addresses and phone numbers written in
a message are hidden (``body_shown``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest
from conversations.models import Message, Thread, ThreadRead
from matches.models import Match
from neighbourhoods.models import StaffMembership
from partners.models import PartnerMembership, Response

Side = Message.Side
MatchStatus = Match.Status

# The match states in which the people of the match may write.
MATCH_OPEN = (MatchStatus.ACCEPTED_BY_VOLUNTEER, MatchStatus.ACTIVE)
RESPONSE_OPEN = (Response.Status.NEW, Response.Status.ACCEPTED)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: eight or more digits, with spaces, dots, dashes or brackets between them.
_PHONE = re.compile(r"(?:\+|\b)\d(?:[\s().-]{0,2}\d){7,}\b")


def _logged_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# --- Subjects ---------------------------------------------------------------------------


def _match_people_visible(match: Match) -> bool:
    """The volunteer and the requester see the thread once the volunteer said yes."""
    return match.accepted_at is not None or match.status in MATCH_OPEN


def match_sides(user, match: Match) -> set[str]:
    """The sides ``user`` takes part in the match's thread as (empty: none)."""
    if not _logged_in(user):
        return set()
    sides = set()
    if _match_people_visible(match):
        if match.volunteer.user_id == user.pk:
            sides.add(Side.VOLUNTEER)
        if HelpRequest.objects.filter(
            Q(requester=user) | Q(mantelzorger__user=user),
            pk=match.request_id,
        ).exists():
            sides.add(Side.REQUESTER)
    if StaffMembership.objects.filter(
        user=user, organisation_id=match.organisation_id, role__in=StaffMembership.CARE_FILE_ROLES
    ).exists():
        sides.add(Side.BROKER)
    return sides


def response_sides(user, response: Response) -> set[str]:
    if not _logged_in(user):
        return set()
    sides = set()
    if response.volunteer_id is not None and response.volunteer.user_id == user.pk:
        sides.add(Side.VOLUNTEER)
    if PartnerMembership.objects.filter(
        user=user, partner_id=response.vacancy.partner_id, partner__is_active=True
    ).exists():
        sides.add(Side.PARTNER)
    return sides


def _match_queryset() -> QuerySet[Match]:
    return Match.objects.select_related("organisation", "volunteer", "request__mantelzorger", "request__requester")


def match_for_participant(*, user, pk: int, people_only: bool = True) -> tuple[Match, str]:
    """The match ``pk`` and the side the logged-in person writes as, for the people's
    page (volunteer or requester; the broker has a page of the organisation); Http404 for
    anyone else."""
    match = _match_queryset().filter(pk=pk).first()
    if match is None:
        raise Http404
    sides = match_sides(user, match) - ({Side.BROKER} if people_only else set())
    if not sides:
        raise Http404
    # Someone who is both (a volunteer helping their own household) writes as the volunteer.
    return match, (Side.VOLUNTEER if Side.VOLUNTEER in sides else sides.pop())


def match_for_broker(*, organisation, pk: int, user) -> Match:
    """A match of ``organisation`` whose thread ``user`` may read as its broker."""
    match = _match_queryset().filter(pk=pk, organisation=organisation).first()
    if match is None or Side.BROKER not in match_sides(user, match):
        raise Http404
    return match


def response_for_participant(*, user, pk: int) -> tuple[Response, str]:
    response = Response.objects.select_related("vacancy__partner__organisation", "volunteer").filter(pk=pk).first()
    if response is None:
        raise Http404
    sides = response_sides(user, response)
    if not sides:
        raise Http404
    return response, (Side.VOLUNTEER if Side.VOLUNTEER in sides else sides.pop())


def thread_of(subject) -> Thread | None:
    if isinstance(subject, Match):
        return Thread.objects.filter(match=subject).first()
    return Thread.objects.filter(response=subject).first()


def is_open(subject) -> bool:
    """Whether the thread about ``subject`` takes new messages."""
    if isinstance(subject, Match):
        return subject.status in MATCH_OPEN
    return subject.status in RESPONSE_OPEN


def agreed(subject) -> bool:
    """Both sides agreed: the match started, or the partner accepted the response."""
    if isinstance(subject, Match):
        return subject.activated_at is not None or subject.status == MatchStatus.ACTIVE
    return subject.status == Response.Status.ACCEPTED


# --- Showing messages -------------------------------------------------------------------


def body_shown(body: str, *, agreed: bool) -> str:
    """The text of a message as the page shows it (escaped by the template): before both
    sides agreed, e-mail addresses and phone numbers are hidden."""
    if agreed:
        return body
    hidden = _("[contactgegeven verborgen]")
    return _PHONE.sub(hidden, _EMAIL.sub(hidden, body))


@dataclass(frozen=True)
class ShownMessage:
    pk: int
    author: str
    side_label: str
    mine: bool
    body: str
    created_at: object


def _author_name(message: Message, subject, *, full: bool) -> str:
    """Who wrote ``message``, as the records of the subject name them."""
    author = message.author
    first, last = (author.first_name, author.last_name) if author is not None else ("", "")
    if message.side == Side.VOLUNTEER:
        volunteer = subject.volunteer
        if volunteer is not None:
            first, last = volunteer.first_name, volunteer.last_name
    elif message.side == Side.REQUESTER:
        request = subject.request
        carer = request.mantelzorger
        if author is not None and carer is not None and carer.user_id == author.pk:
            first, last = carer.first_name, carer.last_name
        else:
            first, last = request.requester_first_name, request.requester_last_name
    name = f"{first} {last}".strip() if full else first.strip()
    if message.side == Side.PARTNER:
        partner = subject.vacancy.partner.name
        return f"{name} ({partner})" if name else partner
    return name or _("iemand")


def messages_shown(*, thread: Thread | None, subject, user) -> list[ShownMessage]:
    """The thread's messages as the page shows them to ``user``."""
    if thread is None:
        return []
    full = agreed(subject)
    shown = []
    for message in thread.messages.select_related("author").order_by("created_at", "pk"):
        shown.append(
            ShownMessage(
                pk=message.pk,
                author=_author_name(message, subject, full=full),
                side_label=str(Side(message.side).label),
                mine=message.author_id == user.pk,
                body=body_shown(message.body, agreed=full),
                created_at=message.created_at,
            )
        )
    return shown


# --- Whose threads, and what is unread ----------------------------------------------------


def threads_of(user) -> QuerySet[Thread]:
    """Every thread ``user`` takes part in that has a message."""
    if not _logged_in(user):
        return Thread.objects.none()
    people_match = Q(match__accepted_at__isnull=False) | Q(match__status__in=MATCH_OPEN)
    as_person = people_match & (
        Q(match__volunteer__user=user) | Q(match__request__requester=user) | Q(match__request__mantelzorger__user=user)
    )
    broker_orgs = StaffMembership.objects.filter(user=user, role__in=StaffMembership.CARE_FILE_ROLES).values(
        "organisation_id"
    )
    as_broker = Q(match__isnull=False, organisation_id__in=broker_orgs)
    partners = PartnerMembership.objects.filter(user=user, partner__is_active=True).values("partner_id")
    as_response = Q(response__volunteer__user=user) | Q(response__vacancy__partner_id__in=partners)
    ids = Thread.objects.filter(as_person | as_broker | as_response, last_message_at__isnull=False).values("pk")
    return Thread.objects.filter(pk__in=ids)


def _unread(user) -> QuerySet[Message]:
    read_at = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=user).values("read_at")[:1]
    return (
        Message.objects.exclude(author=user)
        .annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
    )


def unread_count(user) -> int:
    """How many messages others wrote in ``user``'s threads since they last looked."""
    if not _logged_in(user):
        return 0
    return _unread(user).filter(thread__in=threads_of(user).values("pk")).count()


@dataclass(frozen=True)
class ThreadRow:
    url: str
    title: str
    last_message_at: object
    unread: bool


def inbox_of(user) -> list[ThreadRow]:
    """The person's threads, newest first, with the names (first names only) and whether
    something is unread; no message text (a broker's list shows no care data)."""
    unread = _unread(user).filter(thread=OuterRef("pk"))
    threads = (
        threads_of(user)
        .annotate(has_unread=Exists(unread))
        .select_related(
            "match__organisation",
            "match__volunteer",
            "match__request__mantelzorger",
            "response__vacancy__partner",
            "response__volunteer",
        )
        .order_by("-last_message_at", "-pk")
    )
    is_broker_of = set(
        StaffMembership.objects.filter(user=user, role__in=StaffMembership.CARE_FILE_ROLES).values_list(
            "organisation_id", flat=True
        )
    )
    rows = []
    for thread in threads:
        if thread.match_id:
            match = thread.match
            title = _("Koppeling %(volunteer)s en %(requester)s") % {
                "volunteer": match.volunteer.first_name,
                "requester": match.request.requester_first_name,
            }
            carer = match.request.mantelzorger
            person = user.pk in (match.volunteer.user_id, match.request.requester_id, carer and carer.user_id)
            if match.organisation_id in is_broker_of and not person:
                url = reverse("conversations_broker:thread", kwargs={"slug": match.organisation.slug, "pk": match.pk})
            else:
                url = reverse("conversations:match", kwargs={"pk": match.pk})
        else:
            response = thread.response
            title = _("Reactie op “%(vacancy)s” (%(partner)s)") % {
                "vacancy": response.vacancy.title,
                "partner": response.vacancy.partner.name,
            }
            url = reverse("conversations:response", kwargs={"pk": response.pk})
        rows.append(
            ThreadRow(
                url=url,
                title=title,
                last_message_at=thread.last_message_at,
                unread=thread.has_unread,
            )
        )
    return rows
