"""The partner's activity pages (``/partner/``, namespace ``activities_partner``): the
activities a partner organises itself, a new one (checked by the centre first while the
centre's setting says so), and one activity with who signed up (first names; the
contact details once the place is confirmed) and the messages about each sign-up.
Every object is looked up through the user's partner membership: another partner's
activity is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.forms import PartnerActivityForm
from activities.models import Activity, SignUp
from activities.selectors import (
    activity_for_partner_user,
    partner_own_activities,
    places_left,
    signups_for_partner,
    waiting_list_length,
)
from activities.services import partner_activity_create, partner_needs_review
from activities.views.common import add_domain_error
from common.errors import DomainError
from partners.selectors import partner_for_user


@login_required
@require_GET
def activity_list(request, pk):
    partner = partner_for_user(user=request.user, pk=pk)
    context = {"partner": partner, "activities": list(partner_own_activities(partner)[:200])}
    return render(request, "activities/partner/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, pk):
    partner = partner_for_user(user=request.user, pk=pk)
    initial = {"volunteer_places": 0, "place": partner.place}
    form = PartnerActivityForm(request.POST or None, organisation=partner.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = partner_activity_create(
                partner=partner_for_user(user=request.user, pk=pk), by=request.user, **form.service_values()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if activity.status == Activity.Status.REVIEW:
                messages.success(
                    request, _("De activiteit is opgeslagen. De centrale kijkt hem na; daarna staat hij online.")
                )
            else:
                messages.success(request, _("De activiteit staat online."))
            return redirect("activities_partner:detail", pk=activity.pk)
    context = {"partner": partner, "form": form, "review": partner_needs_review(partner)}
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/partner/form.html", context, status=status)


@login_required
@require_GET
def activity_detail(request, pk):
    activity = activity_for_partner_user(user=request.user, pk=pk)
    context = {
        "partner": activity.partner,
        "activity": activity,
        "signups": signups_for_partner(activity),
        "places_left": places_left(activity),
        "waiting": waiting_list_length(activity),
        "is_public": activity.status == Activity.Status.OPEN,
        "roles": SignUp.Role,
    }
    return render(request, "activities/partner/detail.html", context)
