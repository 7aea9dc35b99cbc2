"""Volunteers and requests of one organisation.

Volunteers (skills, availability, VOG): ``broker`` only. Requests: every casework role
sees kind, status, area and skills; the names and the intake (the question behind the
question, the own network, referral) only ``broker`` (care files). Every read of
requests writes the access log: a list one row per page (subject the organisation,
objects the requests), a request one row about its person, as the broker's queue does.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView

from api.access import CASEWORK, Scope
from api.filters import RequestFilter, VolunteerFilter
from api.pagination import Cursor
from api.serializers import BrokerRequestSerializer, RequestSerializer, VolunteerSerializer
from api.views.base import ApiView
from audit.models import AccessLogEntry
from audit.services import Subject, access_record
from caregivers.access import request_read
from caregivers.models import HelpRequest
from volunteers.models import Volunteer


class _Volunteers(ApiView):
    scope = Scope.BROKER
    serializer_class = VolunteerSerializer
    queryset = Volunteer.objects.none()

    def scoped_queryset(self):
        return (
            Volunteer.objects.filter(organisation=self.caller.organisation)
            .select_related("neighbourhood")
            .prefetch_related("skills", "availability")
        )


@extend_schema(tags=["volunteers"], summary="Vrijwilligers / Volunteers")
class VolunteerList(_Volunteers, ListAPIView):
    """Vrijwilligers van de organisatie (alleen makelaars). / The organisation's volunteers (brokers only)."""

    pagination_class = Cursor
    filterset_class = VolunteerFilter


@extend_schema(tags=["volunteers"], summary="Een vrijwilliger / A volunteer")
class VolunteerDetail(_Volunteers, RetrieveAPIView):
    """Eén vrijwilliger. / One volunteer."""


class _Requests(ApiView):
    scope = CASEWORK

    def get_serializer_class(self):
        if getattr(self, "caller", None) is not None and self.caller.reads_care_files:
            return BrokerRequestSerializer
        return RequestSerializer

    queryset = HelpRequest.objects.none()

    def scoped_queryset(self):
        return (
            HelpRequest.objects.filter(organisation=self.caller.organisation)
            .select_related("neighbourhood", "care_recipient")
            .prefetch_related("skills", "slots")
        )


_REQUEST_SCHEMA = {"responses": BrokerRequestSerializer}


@extend_schema_view(get=extend_schema(tags=["requests"], summary="Hulpvragen / Requests", **_REQUEST_SCHEMA))
class RequestList(_Requests, ListAPIView):
    """Hulpvragen; met intake alleen voor makelaars. / Requests; the intake for brokers only.

    Velden met namen en intake staan er alleen in voor ``broker``. / Names and intake
    fields are present for ``broker`` only."""

    pagination_class = Cursor
    filterset_class = RequestFilter

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = [row["id"] for row in response.data["results"]]
        if shown:
            access_record(
                request=request._request,
                subject=Subject.organisation(self.caller.organisation),
                what=AccessLogEntry.What.QUEUE,
                obj=",".join(f"helprequest:{pk}" for pk in shown),
                role=_token_role(self.caller),
            )
        return response


@extend_schema_view(get=extend_schema(tags=["requests"], summary="Een hulpvraag / A request", **_REQUEST_SCHEMA))
class RequestDetail(_Requests, RetrieveAPIView):
    """Eén hulpvraag. / One request."""

    def retrieve(self, request, *args, **kwargs):
        help_request = self.get_object()
        request_read(
            request=request._request,
            help_request=help_request,
            what=AccessLogEntry.What.REQUEST_DETAIL,
            role=_token_role(self.caller),
        )
        return super().retrieve(request, *args, **kwargs)


def _token_role(caller) -> str:
    """The role in the access log: the token's name for a token, else the person's role."""
    if caller.token is None:
        return ""
    return f"api:{caller.token.prefix}"
