from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from neighbourhoods.forms import AddressForm
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import (
    municipality_by_name,
    neighbourhood_for_point,
    organisations_serving,
    staff_organisation,
)


def lookup(request):
    """Public: which neighbourhood and which volunteer centre is mine?"""
    form = AddressForm(request.GET or None)
    context = {"form": form}
    if request.GET and form.is_valid():
        location = form.location
        municipality = municipality_by_name(location.municipality or "")
        context.update(
            location=location,
            municipality=municipality,
            neighbourhood=neighbourhood_for_point(point=location.point, municipality=municipality)
            if municipality
            else None,
            organisations=list(organisations_serving(municipality=municipality)) if municipality else [],
        )
    return render(request, "neighbourhoods/lookup.html", context)


@login_required
def organisation_team(request, slug):
    """Admin: who works here, in which role."""
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.ADMIN})
    members = organisation.memberships.select_related("user", "municipality").order_by("role", "user__email")
    return render(request, "neighbourhoods/organisation_team.html", {"organisation": organisation, "members": members})
