"""Reads about matches for the people's and the broker's pages, and who may act on a
match. No writes here (those are in ``matches.lifecycle`` and ``matches.proposals``);
the broker's suggestions are in ``matching.selectors``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from caregivers.models import HelpRequest, Mantelzorger, RequestDate, RequestSlot
from matches.models import Evaluation, HoursEntry, Match, MatchEvent
from matches.reasons import distance_text
from neighbourhoods.models import Organisation
from volunteers.models import Volunteer

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Status = Match.Status

# Hours may still be written this many days after a match ended.
HOURS_GRACE_DAYS = 30


def _today() -> datetime.date:
    return timezone.now().astimezone(AMSTERDAM).date()


def _local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(AMSTERDAM).date()


def _user(by):
    """The user to record as ``by`` (None for anonymous or no one)."""
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _hours_text(value: Decimal) -> str:
    """``Decimal("1.50")`` -> ``"1,5"`` (Dutch decimal comma, no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def is_match_volunteer(user, match: Match) -> bool:
    if _user(user) is None:
        return False
    return Volunteer.objects.filter(pk=match.volunteer_id, user=user).exists()


def is_match_requester(user, match: Match) -> bool:
    """The person who asked, or the mantelzorger the request is for."""
    if _user(user) is None:
        return False
    return HelpRequest.objects.filter(
        Q(requester=user) | Q(mantelzorger__user=user),
        pk=match.request_id,
    ).exists()


@dataclass
class ProposalSummary:
    """What a volunteer may see of a request before saying yes: no name, address or
    phone; the kind, what is needed, the area and the distance, and when."""

    kind: str
    description: str
    skills: list[str]
    area: str
    distance: str
    times: list[str]
    recurring: bool
    needs_vog: bool
    organisation: str


def _request_times(request: HelpRequest) -> list[str]:
    from caregivers.selectors import request_times

    return request_times(request)


def proposal_summary(match: Match) -> ProposalSummary:
    request = match.request
    area = request.neighbourhood.name if request.neighbourhood_id else request.place
    return ProposalSummary(
        kind=request.get_kind_display(),
        description=request.description,
        skills=[s.display_label for s in request.skills.all()],
        area=area or "",
        distance=distance_text(match.distance_km) if match.distance_km is not None else "",
        times=_request_times(request),
        recurring=bool(request.slots.all()),
        needs_vog=request.needs_vog,
        organisation=match.organisation.name,
    )


@dataclass
class HoursTotals:
    total: Decimal = Decimal("0")
    approved: Decimal = Decimal("0")
    pending: Decimal = Decimal("0")
    pending_count: int = 0

    @property
    def total_text(self) -> str:
        return _hours_text(self.total)

    @property
    def approved_text(self) -> str:
        return _hours_text(self.approved)

    @property
    def pending_text(self) -> str:
        return _hours_text(self.pending)


def hours_totals(entries: Iterable[HoursEntry]) -> HoursTotals:
    totals = HoursTotals()
    for entry in entries:
        totals.total += entry.hours
        if entry.approved_at is None:
            totals.pending += entry.hours
            totals.pending_count += 1
        else:
            totals.approved += entry.hours
    return totals


def hours_can_be_logged(match: Match, today: datetime.date | None = None) -> bool:
    today = today or _today()
    if match.status == Status.ACTIVE:
        return True
    return (
        match.status == Status.ENDED
        and match.ended_at is not None
        and (today - _local_date(match.ended_at)).days <= HOURS_GRACE_DAYS
    )


def _people_queryset() -> QuerySet[Match]:
    return Match.objects.select_related(
        "organisation",
        "volunteer",
        "request__neighbourhood",
        "request__mantelzorger",
        "request__care_recipient",
    ).prefetch_related(
        Prefetch("request__slots", queryset=RequestSlot.objects.order_by("weekday", "start")),
        Prefetch("request__dates", queryset=RequestDate.objects.order_by("date", "start")),
        "request__skills",
        Prefetch("hours", queryset=HoursEntry.objects.order_by("-date", "-pk")),
    )


def matches_of_volunteer(*, volunteer: Volunteer) -> QuerySet[Match]:
    """All of the volunteer's matches with what their page shows (constant queries)."""
    return _people_queryset().filter(volunteer=volunteer).order_by("-created_at", "-pk")


def match_of_volunteer(*, user, pk: int) -> Match:
    """One match of the logged-in volunteer; Http404 for anyone else's."""
    found = _people_queryset().filter(pk=pk, volunteer__user=user).first() if _user(user) else None
    if found is None:
        raise Http404
    return found


def _requester_q(user) -> Q:
    return Q(request__requester=user) | Q(request__mantelzorger__user=user)


def matches_of_requester(*, user) -> QuerySet[Match]:
    """The matches on the requests of ``user`` (as requester or as their mantelzorger)."""
    if _user(user) is None:
        return Match.objects.none()
    return _people_queryset().filter(_requester_q(user)).distinct().order_by("-created_at", "-pk")


def match_of_requester(*, user, pk: int) -> Match:
    found = matches_of_requester(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def requester_contact(match: Match) -> dict[str, str]:
    """Address and phone of the person the volunteer goes to (only shown once the
    volunteer said yes): the request's own, else the mantelzorger's."""
    request = match.request
    carer: Mantelzorger | None = request.mantelzorger
    phone = request.phone or (carer.phone if carer else "")
    email = request.email or (carer.email if carer else "")
    address = " ".join(p for p in (request.postcode, request.house_number) if p)
    if request.place:
        address = f"{address}, {request.place}" if address else request.place
    name = f"{request.requester_first_name} {request.requester_last_name}".strip()
    return {"name": name, "address": address, "phone": phone, "email": email}


def match_for_broker(*, organisation: Organisation, pk: int) -> Match:
    """One match of ``organisation``; Http404 for any other."""
    found = (
        Match.objects.filter(organisation=organisation, pk=pk)
        .select_related("volunteer", "request__neighbourhood", "request__mantelzorger", "proposed_by")
        .prefetch_related(
            Prefetch("events", queryset=MatchEvent.objects.select_related("by").order_by("at", "pk")),
            Prefetch("hours", queryset=HoursEntry.objects.select_related("approved_by").order_by("-date", "-pk")),
            Prefetch("request__slots", queryset=RequestSlot.objects.order_by("weekday", "start")),
            Prefetch("request__dates", queryset=RequestDate.objects.order_by("date", "start")),
        )
        .first()
    )
    if found is None:
        raise Http404
    try:
        found.evaluation_or_none = found.evaluation
    except Evaluation.DoesNotExist:
        found.evaluation_or_none = None
    return found


OPEN_MATCHES_PER_PAGE = 50


@dataclass
class OpenMatches:
    """One page of each group of open matches; ``.paginator.count`` is the group's total."""

    proposed: Page  # oldest first: needs attention
    accepted: Page  # longest waiting for the requester first
    active: Page  # longest running first


def open_matches_of_organisation(
    *, organisation: Organisation, pages: Mapping[str, Any] | None = None, per_page: int | None = None
) -> OpenMatches:
    """The organisation's open matches by state, a page of each (one query per group and
    one for the three totals).

    ``pages`` maps a group name (``proposed``, ``accepted``, ``active``) to the page
    wanted, as typed in the address bar: anything that is not a page number gives the
    first page, a number past the end the last (``Paginator.get_page``).
    """
    pages = pages or {}
    per_page = per_page or OPEN_MATCHES_PER_PAGE
    base = (
        Match.objects.filter(organisation=organisation)
        .select_related("volunteer", "request__neighbourhood")
        .only(
            "pk",
            "status",
            "created_at",
            "accepted_at",
            "activated_at",
            "intro_meeting_at",
            "organisation_id",
            "volunteer__first_name",
            "volunteer__last_name",
            "request__kind",
            "request__requester_first_name",
            "request__place",
            "request__neighbourhood__name",
        )
    )
    orders = {
        "proposed": (Status.PROPOSED, ("created_at", "pk")),
        "accepted": (Status.ACCEPTED_BY_VOLUNTEER, (Coalesce("accepted_at", "created_at").asc(), "pk")),
        "active": (Status.ACTIVE, (Coalesce("activated_at", "created_at").asc(), "pk")),
    }
    # The three totals in one query instead of a COUNT per paginator.
    counts = Match.objects.filter(organisation=organisation, status__in=Match.OPEN_STATES).aggregate(
        **{name: Count("pk", filter=Q(status=status)) for name, (status, _order) in orders.items()}
    )
    groups = {}
    for name, (status, order) in orders.items():
        # The page is chosen on the match table alone and only its rows are joined to their
        # volunteer and request (a subquery): ordered with the joins, the database joined
        # every open match of the organisation before keeping 50 (on PostgreSQL a hash join
        # over all volunteers and requests).
        keys = Match.objects.filter(organisation=organisation, status=status).order_by(*order)
        paginator = Paginator(keys.values_list("pk", flat=True), per_page)
        paginator.count = counts[name]  # a cached_property: given, so the paginator does not count again
        page = paginator.get_page(pages.get(name))
        page.object_list = base.filter(pk__in=page.object_list).order_by(*order)
        groups[name] = page
    return OpenMatches(**groups)


def pending_hours_per_volunteer(*, organisation: Organisation) -> list[dict[str, Any]]:
    """Hours not yet approved, summed per volunteer (one query)."""
    return list(
        HoursEntry.objects.filter(match__organisation=organisation, approved_at__isnull=True)
        .values("match__volunteer_id", "match__volunteer__first_name", "match__volunteer__last_name")
        .annotate(total=Sum("hours"), entries=Count("pk"))
        .order_by("match__volunteer__first_name", "match__volunteer__last_name", "match__volunteer_id")
    )


def pending_hours_per_match(*, organisation: Organisation) -> list[dict[str, Any]]:
    """Hours not yet approved, summed per match (one query)."""
    return list(
        HoursEntry.objects.filter(match__organisation=organisation, approved_at__isnull=True)
        .values(
            "match_id",
            "match__volunteer__first_name",
            "match__request__kind",
            "match__request__requester_first_name",
        )
        .annotate(total=Sum("hours"), entries=Count("pk"))
        .order_by("match_id")
    )
