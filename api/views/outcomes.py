"""Hours logged on the organisation's matches and the evaluations that end them, for
``broker`` (care files): a volunteer's note on an hour and the broker's note on an
evaluation can say something about the person helped. So every page read writes the
access log, one row per row shown, about the person of the match's request (as the
request page does, ``caregivers.access.request_subject``), in one insert."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView

from api.access import Scope
from api.filters import EvaluationFilter, HoursFilter
from api.pagination import Cursor
from api.serializers import EvaluationSerializer, HoursSerializer, both
from api.views.base import ApiView
from api.views.people import _token_role
from audit.models import AccessLogEntry
from audit.services import access_record_many
from caregivers.access import request_subject
from matches.models import Evaluation, HoursEntry

_RELATED = ("match__request", "match__request__care_recipient")
_MONTH = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    description=both("Eén maand, JJJJ-MM.", "One month, YYYY-MM."),
    pattern=r"^[0-9]{4}-[0-9]{2}$",
)
_MATCH = OpenApiParameter("match", OpenApiTypes.INT, description=both("Nummer van de koppeling.", "Match id."))


class _Logged(ApiView, ListAPIView):
    scope = Scope.BROKER
    pagination_class = Cursor

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        access_record_many(
            request=request._request,
            reads=[(request_subject(row.match.request), row) for row in page],
            what=AccessLogEntry.What.MATCH_DETAIL,
            role=_token_role(self.caller),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["hours"], summary="Uren / Hours", parameters=[_MONTH, _MATCH])
class HoursList(_Logged):
    """Uren die vrijwilligers op koppelingen schreven (alleen makelaars; in het inzagelog).
    / Hours logged on matches (brokers only; in the access log)."""

    serializer_class = HoursSerializer
    filterset_class = HoursFilter
    queryset = HoursEntry.objects.none()

    def scoped_queryset(self):
        return HoursEntry.objects.filter(match__organisation=self.caller.organisation).select_related(*_RELATED)


@extend_schema(tags=["evaluations"], summary="Evaluaties / Evaluations", parameters=[_MONTH, _MATCH])
class EvaluationList(_Logged):
    """Evaluaties bij het einde van koppelingen (alleen makelaars; in het inzagelog).
    / End-of-match evaluations (brokers only; in the access log)."""

    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    queryset = Evaluation.objects.none()

    def scoped_queryset(self):
        return Evaluation.objects.filter(match__organisation=self.caller.organisation).select_related(*_RELATED)
