"""Matches with their events, suggestions for a request, batch runs.

The suggestions are the one implementation of the JSON suggestions (formerly
``matching/api.py``); the old address ``/organisatie/<slug>/koppelen/api/<pk>/`` is an
alias of this view (``api/urls.py``), with the same body and problem documents for errors.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from api.access import CASEWORK
from api.filters import BatchRunFilter, MatchFilter
from api.pagination import Cursor
from api.problems import Conflict
from api.serializers import BatchRunSerializer, BatchRunStartSerializer, MatchSerializer, SuggestionsSerializer, both
from api.views.base import ApiView, idempotent
from api.views.people import _token_role
from audit.models import AccessLogEntry
from caregivers.access import request_read
from common.errors import DomainError
from matches.models import BatchRun, Match
from matches.reasons import reason_text
from matching.engine.suggest import MAX_LIMIT
from matching.selectors import DEFAULT_LIMIT, request_for_matching, volunteer_candidates
from matching.services import batch_run_start

_WHOLE_NUMBER = re.compile(r"^[0-9]{1,3}$")


class _Matches(ApiView):
    scope = CASEWORK
    serializer_class = MatchSerializer
    queryset = Match.objects.none()

    def scoped_queryset(self):
        return Match.objects.filter(organisation=self.caller.organisation).prefetch_related("events")


@extend_schema(tags=["matches"], summary="Koppelingen / Matches")
class MatchList(_Matches, ListAPIView):
    """Koppelingen met hun stappen (geen zorggegevens). / Matches with their events (no care data)."""

    pagination_class = Cursor
    filterset_class = MatchFilter


@extend_schema(tags=["matches"], summary="Een koppeling / A match")
class MatchDetail(_Matches, RetrieveAPIView):
    """Eén koppeling met haar stappen. / One match with its events."""


def parse_limit(value: str | None) -> int | None:
    """The limit asked for: the default when absent, None when it is not 1..100."""
    if value is None:
        return DEFAULT_LIMIT
    if not _WHOLE_NUMBER.match(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_LIMIT else None


def _with_text(reasons) -> list[dict]:
    """Each reason with its code and parameters, and as text in the active language."""
    return [{**reason, "text": reason_text(reason)} for reason in reasons]


@extend_schema(
    tags=["suggestions"],
    summary="Voorstellen voor een hulpvraag / Suggestions for a request",
    parameters=[
        OpenApiParameter(
            "limit",
            OpenApiTypes.INT,
            description=both("Hoeveel kandidaten (1-100, standaard 10).", "How many candidates (1-100, default 10)."),
        )
    ],
    responses=SuggestionsSerializer,
)
class Suggestions(ApiView):
    """De beste vrijwilligers voor een hulpvraag die klaar is om te koppelen, met redenen.
    409 als de vraag nog niet klaar is. / Ranked volunteers for a request that is ready to
    match, with reasons; 409 when it is not ready yet."""

    scope = CASEWORK
    serializer_class = SuggestionsSerializer
    problem_statuses = {"409": both("De vraag is nog niet klaar om te koppelen.", "The request is not ready to match.")}

    def get(self, request, slug, pk):
        organisation = self.caller.organisation
        limit = parse_limit(request.query_params.get("limit"))
        if limit is None:
            raise exceptions.ValidationError({"limit": [_("limit moet een getal van 1 tot 100 zijn")]})
        try:
            help_request = request_for_matching(organisation=organisation, pk=pk)
        except Http404:
            raise exceptions.NotFound()
        found = volunteer_candidates(organisation=organisation, request=help_request, limit=limit)
        if found.problem:
            raise Conflict(found.problem)
        request_read(
            request=request._request,
            help_request=help_request,
            what=AccessLogEntry.What.SUGGESTIONS_API,
            role=_token_role(self.caller),
        )
        return Response(
            {
                "request": help_request.pk,
                "limit": limit,
                "candidates": [
                    {
                        "volunteer": c.volunteer_id,
                        "name": c.name,
                        "area": c.area,
                        "score": c.score,
                        "distance_km": round(c.distance_km, 2),
                        "reasons": _with_text(c.reasons),
                    }
                    for c in found.candidates
                ],
                "summary": _with_text(found.summary),
                "rejections": found.rejections,
            }
        )


class _BatchRuns(ApiView):
    scope = CASEWORK
    serializer_class = BatchRunSerializer
    queryset = BatchRun.objects.none()

    def scoped_queryset(self):
        return BatchRun.objects.filter(organisation=self.caller.organisation)


@extend_schema(tags=["batch-runs"])
class BatchRunList(_BatchRuns, ListAPIView):
    """Koppelrondes van de organisatie. / The organisation's batch runs."""

    pagination_class = Cursor
    filterset_class = BatchRunFilter

    @extend_schema(summary="Koppelrondes / Batch runs")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Een koppelronde starten / Start a batch run",
        description=both(
            "Start een ronde voor alle vragen die klaar zijn; 409 als er al een loopt. "
            "Met een Idempotency-Key start een herhaling geen tweede ronde.",
            "Starts a run for every ready request; 409 while another runs. "
            "With an Idempotency-Key a repeat starts no second run.",
        ),
        request=BatchRunStartSerializer,
        responses={201: BatchRunSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=both("Sleutel voor één keer uitvoeren.", "Key for running once."),
                pattern=r"^[A-Za-z0-9_.:-]{1,100}$",
            )
        ],
    )
    @idempotent
    def post(self, request, slug):
        if not hasattr(request.data, "keys") or len(request.data):
            raise exceptions.ValidationError({"": [_("Een koppelronde heeft geen velden.")]})
        try:
            run = batch_run_start(organisation=self.caller.organisation, by=_starter(request))
        except DomainError as error:
            raise Conflict(error.message)
        run.refresh_from_db()
        return Response(BatchRunSerializer(run).data, status=status.HTTP_201_CREATED)


def _starter(request):
    user = request.user
    return user if user.is_authenticated else None


@extend_schema(tags=["batch-runs"], summary="Een koppelronde / A batch run")
class BatchRunDetail(_BatchRuns, RetrieveAPIView):
    """Voortgang en voorstellen van een ronde. / A run's progress and proposals."""
