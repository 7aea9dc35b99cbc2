"""The municipality figures: exactly what the dashboard shows a municipality, small
numbers hidden (``reports.figures``), for one municipality and a month or a period."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from api.access import Scope
from api.serializers import FiguresSerializer, both
from api.views.base import ApiView
from reports.figures import report_as_json, report_build
from reports.forms import ExportForm

# API names of the export form's fields (the form is the dashboard's export form).
PARAMS = {"municipality": "gemeente", "month": "maand", "from": "van", "to": "tot"}


@extend_schema(
    tags=["figures"],
    summary="Cijfers van een gemeente / A municipality's figures",
    parameters=[
        OpenApiParameter(
            "municipality",
            OpenApiTypes.STR,
            description=both(
                "Naam van de gemeente (standaard de eerste die u mag zien).",
                "Municipality name (default: the first one the caller may see).",
            ),
        ),
        OpenApiParameter("month", OpenApiTypes.STR, description=both("Eén maand, JJJJ-MM.", "One month, YYYY-MM.")),
        OpenApiParameter("from", OpenApiTypes.STR, description=both("Eerste maand.", "First month.")),
        OpenApiParameter("to", OpenApiTypes.STR, description=both("Laatste maand (max. 24).", "Last month (max 24).")),
    ],
    responses=FiguresSerializer,
)
class FiguresView(ApiView):
    """De cijfers per wijk en maand, met kleine aantallen verborgen, zoals op het dashboard.
    / Figures per neighbourhood and month, small numbers hidden, as on the dashboard."""

    scope = Scope.READ_REPORTS
    serializer_class = FiguresSerializer

    def get(self, request, slug):
        data = {form_name: request.query_params.get(name, "") for name, form_name in PARAMS.items()}
        if not data["gemeente"].strip() and self.caller.municipalities:
            # As the dashboard: the first municipality the caller may see.
            data["gemeente"] = self.caller.municipalities[0].name
        form = ExportForm(data, access=self.caller.report_access(), municipality_required=True)
        if not form.is_valid():
            api_name = {form_name: name for name, form_name in PARAMS.items()}
            raise exceptions.ValidationError(
                {
                    api_name.get(field, "" if field == "__all__" else field): [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        report = report_build(
            organisation=self.caller.organisation,
            municipality=form.cleaned_data["gemeente"],
            months=form.cleaned_data["months"],
            suppress=True,
            use_stored=True,
        )
        return Response(report_as_json(report))
