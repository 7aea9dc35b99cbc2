"""The organisation's start page (brokers, admins) and the municipality's overview per
neighbourhood: counts across volunteers, requests and matches, so they live above those apps."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone

from caregivers.models import HelpRequest
from matches.attention import attention_count
from neighbourhoods.models import Neighbourhood, StaffMembership
from neighbourhoods.selectors import municipality_memberships, setup_pending_for, staff_organisation
from reports.figures import SMALL_CELL, count_text
from volunteers.models import Volunteer

OPEN_REQUEST_STATES = [HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY]


@login_required
def organisation_dashboard(request, slug):
    """The broker's start page: where supply and demand stand, per neighbourhood."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=set(StaffMembership.CASEWORK_ROLES))
    if setup_pending_for(user=request.user, organisation=organisation):
        # The first admin opens the organisation before finishing the guided set-up.
        return redirect("neighbourhoods:setup", slug=organisation.slug)
    volunteer_counts = dict(
        Volunteer.objects.filter(organisation=organisation, is_active=True)
        .values_list("neighbourhood")
        .annotate(n=Count("pk"))
        .values_list("neighbourhood", "n")
    )
    request_counts = dict(
        HelpRequest.objects.filter(organisation=organisation, status__in=OPEN_REQUEST_STATES)
        .values_list("neighbourhood")
        .annotate(n=Count("pk"))
        .values_list("neighbourhood", "n")
    )
    areas = Neighbourhood.objects.filter(municipality__organisations=organisation).select_related("municipality")
    rows = [
        {"neighbourhood": n, "volunteers": volunteer_counts.get(n.pk, 0), "requests": request_counts.get(n.pk, 0)}
        for n in areas
        if volunteer_counts.get(n.pk) or request_counts.get(n.pk)
    ]
    rows.sort(key=lambda r: (-(r["requests"] - r["volunteers"]), r["neighbourhood"].name))
    if volunteer_counts.get(None) or request_counts.get(None):
        # People whose address fell outside every known neighbourhood still count.
        rows.append(
            {
                "neighbourhood": None,
                "volunteers": volunteer_counts.get(None, 0),
                "requests": request_counts.get(None, 0),
            }
        )
    status_counts = dict(
        HelpRequest.objects.filter(organisation=organisation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    recent = (
        HelpRequest.objects.filter(organisation=organisation, status__in=OPEN_REQUEST_STATES)
        .select_related("neighbourhood")
        .order_by("created_at")[:15]
    )
    context = {
        "organisation": organisation,
        "attention_count": attention_count(organisation=organisation, now=timezone.now()),
        "rows": rows,
        "status_counts": [(label, status_counts.get(value, 0)) for value, label in HelpRequest.Status.choices],
        "recent": recent,
        "volunteers_total": sum(volunteer_counts.values()),
        "requests_open": sum(request_counts.values()),
    }
    return render(request, "reports/organisation_dashboard.html", context)


@login_required
def municipality_overview(request, slug):
    """Municipality viewer: figures per neighbourhood of their own municipality,
    small numbers hidden. Never a name or an address."""
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.MUNICIPALITY})
    tables = []
    for membership in municipality_memberships(user=request.user, organisation=organisation):
        municipality = membership.municipality
        volunteers = dict(
            Volunteer.objects.filter(
                organisation=organisation, neighbourhood__municipality=municipality, is_active=True
            )
            .values_list("neighbourhood")
            .annotate(n=Count("pk"))
            .values_list("neighbourhood", "n")
        )
        requests = dict(
            HelpRequest.objects.filter(organisation=organisation, neighbourhood__municipality=municipality)
            .values_list("neighbourhood")
            .annotate(n=Count("pk"))
            .values_list("neighbourhood", "n")
        )
        rows = [
            {
                "name": n.name,
                "kind": n.get_kind_display(),
                "volunteers": count_text(volunteers.get(n.pk, 0)),
                "requests": count_text(requests.get(n.pk, 0)),
            }
            for n in municipality.neighbourhoods.all()
        ]
        tables.append({"municipality": municipality, "rows": rows})
    return render(
        request,
        "reports/municipality_overview.html",
        {"organisation": organisation, "tables": tables, "small_cell": SMALL_CELL},
    )
