"""Reads for matching: ranked candidates for one request, and the matches it already has.

:func:`volunteer_candidates` is what the broker's suggestions page and the JSON API
show. It runs in a constant number of queries, whatever the number of volunteers:
the request (6 queries, :func:`matching.loaders.request_data`), the organisation's
volunteer pool (1 query when cached, see :func:`matching.loaders.cached_volunteer_pool`),
and one query for the names of the candidates shown. The volunteers themselves are
never loaded as ORM objects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest
from common.errors import DomainError
from matches.models import Match
from matches.reasons import distance_text, rejection_label
from matching.engine import Candidate, Reason, Rejection, SuggestResult, all_rejections, suggest
from matching.engine.scoring import candidate_for
from matching.engine.types import Weights
from matching.loaders import cached_volunteer_pool, organisation_weights, request_data
from neighbourhoods.models import Organisation
from volunteers.models import Volunteer

__all__ = [
    "DEFAULT_LIMIT",
    "MATCH_STATUS_BADGE",
    "CandidateRow",
    "Suggestions",
    "candidate_for_volunteer",
    "request_for_matching",
    "request_matches",
    "volunteer_candidates",
]

DEFAULT_LIMIT = 10
# The broker's compact list: distance and time have columns; then the three strongest reasons.
WHEN_CODES = frozenset({"available", "dates"})
COLUMN_CODES = WHEN_CODES | {"distance"}
TOP_REASONS = 3

MATCH_STATUS_BADGE: dict[str, str] = {
    Match.Status.PROPOSED: "badge--info",
    Match.Status.ACCEPTED_BY_VOLUNTEER: "badge--warning",
    Match.Status.ACTIVE: "badge--success",
    Match.Status.ENDED: "",
    Match.Status.DECLINED: "badge--danger",
    Match.Status.CANCELLED: "",
}


@dataclass
class CandidateRow:
    """One candidate as the broker sees it."""

    volunteer_id: int
    name: str
    area: str  # neighbourhood or village, else the place
    score: float
    distance_km: float
    reasons: list[Reason]  # codes; the page renders them (matches.reasons)

    @property
    def distance_label(self) -> str:
        return distance_text(self.distance_km)

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)

    @property
    def when_reasons(self) -> list[Reason]:
        """When the volunteer is free for the requested times (the list's own column)."""
        return [r for r in self.reasons if r.get("code") in WHEN_CODES]

    @property
    def top_reasons(self) -> list[Reason]:
        """The strongest reasons besides distance and time (which have columns of their
        own): the engine lists reasons most telling first."""
        return [r for r in self.reasons if r.get("code") not in COLUMN_CODES][:TOP_REASONS]

    @property
    def more_reasons(self) -> list[Reason]:
        """The other reasons, shown on demand."""
        return [r for r in self.reasons if r.get("code") not in COLUMN_CODES][TOP_REASONS:]


@dataclass
class Suggestions:
    """Ranked candidates for one request, and why others fell out.

    ``problem`` says (in the reader's language) why there are no suggestions at all:
    the request is not ready, or has no location. ``few`` is true when fewer candidates
    were found than asked for: then the summary explains why. Reasons and summary
    lines are codes with parameters, rendered by the page (``matches.reasons``)."""

    request: HelpRequest
    limit: int
    candidates: list[CandidateRow] = field(default_factory=list)
    summary: list[Reason] = field(default_factory=list)
    rejections: dict[str, int] = field(default_factory=dict)
    problem: str | None = None
    result: SuggestResult | None = None

    @property
    def few(self) -> bool:
        return self.problem is None and len(self.candidates) < self.limit


def request_for_matching(*, organisation: Organisation, pk: int) -> HelpRequest:
    """A request of ``organisation`` (one query); Http404 for any other."""
    found = (
        HelpRequest.objects.filter(organisation=organisation, pk=pk)
        .select_related("neighbourhood")
        .only(
            "pk",
            "organisation_id",
            "status",
            "kind",
            "requester_first_name",
            "needs_vog",
            "latitude",
            "longitude",
            "neighbourhood__name",
            # Whose file it is, for the access log (caregivers.access.request_subject).
            "requester_id",
            "mantelzorger_id",
            "care_recipient_id",
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def request_matches(*, request: HelpRequest) -> QuerySet[Match]:
    """The request's matches, open ones first, newest first (one query)."""
    return (
        Match.objects.filter(request=request, organisation_id=request.organisation_id)
        .select_related("volunteer__neighbourhood", "proposed_by")
        .only(
            "pk",
            "status",
            "score",
            "distance_km",
            "reasons",
            "created_at",
            "batch_id",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__place",
            "volunteer__neighbourhood__name",
            "proposed_by__first_name",
            "proposed_by__last_name",
            "proposed_by__email",
        )
        .order_by("-created_at", "-pk")
    )


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def not_ready_message(request: HelpRequest) -> str:
    return _(
        "Deze vraag staat op ‘%(status)s’. Alleen voor een vraag die klaar is om te koppelen zoeken we vrijwilligers."
    ) % {"status": request.get_status_display()}


def volunteer_candidates(
    *,
    organisation: Organisation,
    request: HelpRequest,
    limit: int = DEFAULT_LIMIT,
    now: datetime.datetime | None = None,
    weights: Weights | None = None,
) -> Suggestions:
    """The best ``limit`` (1..100) volunteers of ``organisation`` for ``request``, with
    their reasons, and the summary of why others fell out. ``weights`` (a preview of
    other weights) replaces the organisation's."""
    now = now or timezone.now()
    out = Suggestions(request=request, limit=limit)
    if request.organisation_id != organisation.pk:
        raise Http404
    if request.status != HelpRequest.Status.READY:
        out.problem = not_ready_message(request)
        return out
    try:
        data = request_data(request=request, now=now)
    except DomainError as error:
        out.problem = error.message
        return out
    pool = cached_volunteer_pool(organisation=organisation, today=_today(now))
    weights = weights or organisation_weights(organisation)
    result = suggest(data, pool, limit=limit, weights=weights, today=_today(now), now=now)
    ids = [c.volunteer_id for c in result.candidates]
    people = {
        pk: (f"{first} {last}".strip(), area or place or "")
        for pk, first, last, place, area in Volunteer.objects.filter(organisation=organisation, pk__in=ids).values_list(
            "pk", "first_name", "last_name", "place", "neighbourhood__name"
        )
    }
    out.result = result
    out.candidates = [
        CandidateRow(
            volunteer_id=c.volunteer_id,
            name=people.get(c.volunteer_id, ("?", ""))[0],
            area=people.get(c.volunteer_id, ("?", ""))[1],
            score=c.score,
            distance_km=c.distance_km,
            reasons=list(c.reasons),
        )
        for c in result.candidates
        if c.volunteer_id in people  # deleted since the pool was built
    ]
    out.summary = list(result.summary)
    out.rejections = dict(result.rejections)
    return out


# Rules match_propose checks itself, under the lock and with a more specific message.
CHECKED_BY_SERVICE = frozenset(
    {Rejection.INACTIVE, Rejection.PAUSED, Rejection.EXCLUDED, Rejection.VOG, Rejection.CAPACITY}
)


def candidate_for_volunteer(
    *,
    organisation: Organisation,
    request: HelpRequest,
    volunteer_id: int,
    now: datetime.datetime | None = None,
) -> Candidate:
    """The engine's judgement of one pair: the candidate with score, distance and
    reasons, or a DomainError that says which rule it breaks (so nobody is proposed
    who would not have been suggested)."""
    now = now or timezone.now()
    if request.status != HelpRequest.Status.READY:
        raise DomainError(not_ready_message(request))
    data = request_data(request=request, now=now)
    pool = cached_volunteer_pool(organisation=organisation, today=_today(now))
    row = pool.row_of(volunteer_id)
    if row is None:
        raise DomainError(_("Deze vrijwilliger heeft geen adres dat we op de kaart kunnen vinden."))
    volunteer = pool.volunteer(row)
    distance = float(pool.distances(data.point, np.asarray([row], dtype=np.int64))[0])
    broken = [
        code
        for code in all_rejections(volunteer, data, today=_today(now), distance_km=distance)
        if code not in CHECKED_BY_SERVICE
    ]
    if broken:
        raise DomainError(
            _("Deze vrijwilliger past niet bij deze vraag: %(why)s.") % {"why": rejection_label(broken[0])}
        )
    return candidate_for(volunteer, data, distance_km=distance, weights=organisation_weights(organisation), now=now)
