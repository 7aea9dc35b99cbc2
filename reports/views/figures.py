"""Report pages and exports (thin: the figures come from ``reports.figures``
and ``reports.demand``).

Who sees what (``neighbourhoods.selectors.report_access``; everybody else 404):

* a municipality viewer: the dashboard, signals and exports of their own
  municipality, small numbers hidden;
* brokers and admins: the same pages for every municipality of the organisation
  (exactly as the municipality sees them), and the organisation's own overview
  with exact numbers and the workload per broker.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from neighbourhoods.mapdraw import tiles_context
from neighbourhoods.selectors import report_access
from partners.selectors import vacancy_figures
from reports.charts import region_map, region_map_features, trend_chart
from reports.counting import FIGURE_BY_CODE, GROUPS, figures_in
from reports.demand import GapLevel, area_gaps, demand_signals
from reports.export import report_csv_write, report_csv_write_for_people, report_filename
from reports.figures import SMALL_CELL, report_as_json, report_build
from reports.forms import MAX_EXPORT_MONTHS, ExportForm, MapZoomForm, MonthForm, MunicipalityForm, ReportForm
from reports.workload import broker_workload

KEY_FIGURES = (
    "requests_new",
    "answered_30d_pct",
    "median_days_to_match",
    "matches_active",
    "respite_hours",
    "mantelzorgers_reached",
    "volunteers_active",
    "goal_reached_pct",
)
CHARTS = (
    ("requests_new", "bar"),
    ("answered_30d_pct", "line"),
    ("matches_active", "bar"),
    ("respite_hours", "bar"),
    ("mantelzorgers_reached", "bar"),
    ("burden_avg", "line"),
)


def _groups():
    return [(code, label, figures_in(code)) for code, label in GROUPS]


def _charts(report, prefix: str):
    return [
        trend_chart(
            id=f"{prefix}-{code}",
            title=str(FIGURE_BY_CODE[code].label).capitalize(),
            series=report.trend(code),
            kind=kind,
        )
        for code, kind in CHARTS
    ]


def _key_figures(report, month):
    table = report.month(month)
    previous = report.month(month.previous()) if month.previous() >= report.months[0].month else None
    return [
        {
            "figure": FIGURE_BY_CODE[code],
            "cell": table.total.cells[code],
            "previous": previous.total.cells[code] if previous else None,
        }
        for code in KEY_FIGURES
    ]


def _map_context(*, access, title: str, areas, map_id: str, municipalities=(), zoom: str = "", zoom_form=None) -> dict:
    """What ``reports/_map.html`` needs: the (cached) map, its table rows with the
    numbers on the map, the zoom choice and, when the deployment has base tiles, the
    same areas as GeoJSON for Leaflet."""
    region = region_map(
        title=title,
        areas=areas,
        municipalities=[m.name for m in municipalities],
        zoom=zoom,
        cache_key=f"{access.organisation.pk}:{map_id}:{int(bool(areas) and areas[0].suppress)}",
    )
    context = {"map": region, "map_rows": region.rows(areas), "zoom_form": zoom_form, "gaps": areas}
    if settings.MAP_TILES_URL:
        context.update(
            tiles=tiles_context(),
            map_features=region_map_features(region, areas),
            features_id=f"{map_id}-features",
        )
    return context


def _form_error_page(request, template: str, context: dict):
    return render(request, template, context, status=400)


@login_required
@require_safe
def municipality_dashboard(request, slug):
    """Outcomes per neighbourhood and month for one municipality: key figures, trends,
    the map of the gap between demand and supply, and the tables behind them."""
    access = report_access(user=request.user, slug=slug)
    form = ReportForm(request.GET, access=access)
    context = {"organisation": access.organisation, "access": access, "form": form, "small_cell": SMALL_CELL}
    if not form.is_valid():
        return _form_error_page(request, "reports/dashboard.html", context)
    municipality, month = form.cleaned_data["gemeente"], form.cleaned_data["maand"]
    report = report_build(
        organisation=access.organisation, municipality=municipality, months=form.trend_months(), use_stored=True
    )
    gaps = area_gaps(organisation=access.organisation, municipality=municipality, use_cache=True)
    context.update(
        municipality=municipality,
        month=month,
        report=report,
        table=report.month(month),
        groups=_groups(),
        key_figures=_key_figures(report, month),
        charts=_charts(report, "trend"),
        **_map_context(
            access=access,
            title=_("Vraag en aanbod nu in %(name)s") % {"name": municipality.name},
            areas=gaps,
            map_id="gapmap",
            municipalities=[municipality],
        ),
        gap_levels=GapLevel,
        previous_month=month.previous(),
        next_month=month.next() if month.next() <= month.current() else None,
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_safe
def demand(request, slug):
    """Signals of unmet demand: where requests wait and few volunteers are free."""
    access = report_access(user=request.user, slug=slug)
    form = MunicipalityForm(request.GET, access=access, municipality_required=not access.is_staff)
    zoom_form = MapZoomForm(request.GET, access=access)
    context = {"organisation": access.organisation, "access": access, "form": form, "small_cell": SMALL_CELL}
    if not form.is_valid() or not zoom_form.is_valid():
        context["zoom_form_errors"] = zoom_form.errors.get("kaart")
        return _form_error_page(request, "reports/demand.html", context)
    municipality = form.cleaned_data["gemeente"]
    # Per municipality: as the municipality sees it. The whole organisation: staff, exact.
    result = demand_signals(organisation=access.organisation, municipality=municipality, suppress=bool(municipality))
    context.update(
        municipality=municipality,
        demand=result,
        **_map_context(
            access=access,
            title=_("Vraag en aanbod nu in %(name)s")
            % {"name": municipality.name if municipality else access.organisation.name},
            areas=result.areas,
            map_id="demandmap",
            municipalities=[municipality] if municipality else access.municipalities,
            zoom="" if municipality else zoom_form.cleaned_data["kaart"],
            zoom_form=None if municipality else zoom_form,
        ),
    )
    return render(request, "reports/demand.html", context)


@login_required
@require_safe
def organisation_overview(request, slug):
    """The organisation's own overview: the same figures per municipality, exact,
    plus the workload per broker. Brokers and admins only."""
    access = report_access(user=request.user, slug=slug, staff_only=True)
    form = MonthForm(request.GET)
    zoom_form = MapZoomForm(request.GET, access=access)
    context = {"organisation": access.organisation, "access": access, "form": form}
    if not form.is_valid() or not zoom_form.is_valid():
        context["zoom_form_errors"] = zoom_form.errors.get("kaart")
        return _form_error_page(request, "reports/organisation.html", context)
    month = form.cleaned_data["maand"]
    report = report_build(organisation=access.organisation, months=form.trend_months(), suppress=False, use_stored=True)
    gaps = area_gaps(organisation=access.organisation, suppress=False, use_cache=True)
    context.update(
        month=month,
        report=report,
        table=report.month(month),
        groups=_groups(),
        key_figures=_key_figures(report, month),
        charts=_charts(report, "org"),
        **_map_context(
            access=access,
            title=_("Vraag en aanbod nu in het werkgebied"),
            areas=gaps,
            map_id="gapmap",
            municipalities=access.municipalities,
            zoom=zoom_form.cleaned_data["kaart"],
            zoom_form=zoom_form,
        ),
        workload=broker_workload(organisation=access.organisation, month=month, use_cache=True, use_stored=True),
        vacancies=vacancy_figures(organisation=access.organisation, start=month.start, end=month.end),
        previous_month=month.previous(),
        next_month=month.next() if month.next() <= month.current() else None,
    )
    return render(request, "reports/organisation.html", context)


def _export_report(request, slug):
    """(report, None) or (None, errors) for the export views."""
    access = report_access(user=request.user, slug=slug)
    form = ExportForm(request.GET, access=access, municipality_required=not access.is_staff)
    if not form.is_valid():
        return None, form.errors.get_json_data()
    municipality = form.cleaned_data["gemeente"]
    report = report_build(
        organisation=access.organisation,
        municipality=municipality,
        months=form.cleaned_data["months"],
        # What goes to a municipality is always with small numbers hidden.
        suppress=municipality is not None,
        now=timezone.now(),
    )
    return report, None


def _messages(errors: dict) -> list[str]:
    return [e["message"] for field_errors in errors.values() for e in field_errors]


@login_required
@require_safe
def export_csv(request, slug):
    """The figures as CSV, per month and neighbourhood: ``?gemeente=NAAM&van=YYYY-MM&tot=YYYY-MM``
    (or ``maand=YYYY-MM``; at most 24 months). For a spreadsheet in the reader's language;
    ``kolommen=codes`` gives the stable format of the ``report`` command."""
    report, errors = _export_report(request, slug)
    if errors:
        body = "\n".join([_("De export kan niet gemaakt worden:"), *_messages(errors)]) + "\n"
        return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    if request.GET.get("kolommen") == "codes":
        report_csv_write(report, out)  # the stable format of the report command
    else:
        report_csv_write_for_people(report, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def export_json(request, slug):
    """The same figures as JSON (``report_as_json``); errors as 400 with the reasons."""
    report, errors = _export_report(request, slug)
    if errors:
        return JsonResponse(
            {
                "error": _("De export kan niet gemaakt worden."),
                "errors": {field: [e["message"] for e in list_] for field, list_ in errors.items()},
                "max_months": MAX_EXPORT_MONTHS,
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    response = JsonResponse(report_as_json(report), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "private, no-store"
    return response
