"""Signals (issue #15, "erop af"): a partner or a regional mantelzorg point passes on that
someone may need support, with the person's consent, using a ``write:signals`` token of
the organisation. Create only: the answer is the new signal's id and nothing more (a
signal is read by the organisation's brokers, on their pages, through the access log).

The body is checked as the staff's form checks it (``caregivers.broker_forms.SignalForm``:
phone or e-mail, postcode or place, consent) and stored by the one service
(``caregivers.outreach.signal_submit``), so the rules, the broker's queue and retention
are the same as for a signal entered by staff. The token acts as the admin who made it
(``entered_by``); a token whose admin no longer works for the organisation is refused."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.access import InsufficientScope, Scope
from api.serializers import SignalCreatedSerializer, SignalCreateSerializer, both
from api.views.base import ApiView, idempotent
from caregivers.broker_forms import SignalForm
from caregivers.outreach import signal_submit
from neighbourhoods.selectors import is_broker_of


@extend_schema(
    tags=["signals"],
    summary="Een signaal doorgeven / Pass on a signal",
    request=SignalCreateSerializer,
    responses={201: SignalCreatedSerializer},
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
class SignalCreate(ApiView):
    """Geef door dat iemand misschien steun nodig heeft, met toestemming van die persoon.
    Een makelaar neemt contact op. Met een Idempotency-Key slaat een herhaling geen tweede
    signaal op. / Pass on that someone may need support, with their consent; a broker gets
    in touch. With an Idempotency-Key a repeat stores no second signal."""

    scope = Scope.WRITE_SIGNALS
    serializer_class = SignalCreateSerializer

    @idempotent
    def post(self, request, slug):
        if not hasattr(request.data, "keys"):
            raise exceptions.ValidationError({"": [_("Stuur een JSON-object met de velden van het signaal.")]})
        body = SignalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = self.caller.organisation
        if not is_broker_of(request.user, organisation.pk):
            raise InsufficientScope(
                _("De beheerder die deze sleutel maakte, werkt hier niet meer. Maak een nieuwe sleutel.")
            )
        form = SignalForm(body.validated_data)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    "" if field == "__all__" else field: [error["message"] for error in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        values = form.service_kwargs()
        if not values["source_name"] and self.caller.token is not None:
            values["source_name"] = self.caller.token.name[:150]
        signal = signal_submit(organisation=organisation, by=request.user, **values)
        return Response({"id": signal.pk}, status=status.HTTP_201_CREATED)
