"""The centre's activity pages (``/organisatie/<slug>/activiteiten/``, namespace
``activities_centre``), for brokers and admins: the list, a new activity (also from a
demand signal), one activity with who has a place and the waiting list, signing
someone up or off, the waiting list's order and inviting the waiting requesters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm, BrokerSignUpForm, DemandForm, WaitingOrderForm
from activities.models import Activity, SignUp
from activities.selectors import organisation_activities, places_left, signups_of
from activities.services import (
    activity_save,
    demand_requests,
    requesters_invite,
    signup_cancel,
    signup_create,
    waiting_list,
    waiting_order_set,
)
from activities.views.common import add_domain_error
from caregivers.models import HelpRequest, Mantelzorger
from common.errors import DomainError
from neighbourhoods.models import Neighbourhood, Skill, StaffMembership
from neighbourhoods.selectors import staff_organisation
from volunteers.models import Volunteer

CASEWORK = set(StaffMembership.CASEWORK_ROLES)


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=CASEWORK)


def _activity(organisation, pk) -> Activity:
    return get_object_or_404(Activity, pk=pk, organisation=organisation)


@login_required
def activity_list(request, slug):
    organisation = _organisation(request, slug)
    activities = organisation_activities(organisation)[:200]
    return render(request, "activities/centre/list.html", {"organisation": organisation, "activities": activities})


def _demand(request, organisation) -> dict:
    """The demand signal in the address (from the demand page), only ids of this
    organisation's neighbourhoods and skills; anything else is left out."""
    form = DemandForm(request.GET)
    if not form.is_valid():
        return {}
    data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    if (
        "neighbourhood" in data
        and not Neighbourhood.objects.filter(
            Q(municipality__in=organisation.municipalities.all())
            | Q(pk__in=organisation.volunteers.values("neighbourhood")),
            pk=data["neighbourhood"],
        ).exists()
    ):
        return {}
    if (
        "skill" in data
        and not Skill.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True), pk=data["skill"]
        ).exists()
    ):
        data.pop("skill")
    return data


@login_required
def activity_new(request, slug):
    organisation = _organisation(request, slug)
    demand = _demand(request, organisation)
    initial = {"waiting_order": Activity.WaitingOrder.FIRST_COME, "volunteer_places": 0}
    neighbourhood = None
    if demand.get("neighbourhood"):
        neighbourhood = Neighbourhood.objects.get(pk=demand["neighbourhood"])
        initial["place"] = neighbourhood.name
        initial["kind"] = Activity.Kind.RESPITE_GROUP
        initial["audience"] = Activity.Audience.CARERS
        initial["schedule"] = Activity.Schedule.WEEKLY
        if demand.get("weekday") is not None:
            start, end = {"morning": ("9:00", "12:00"), "evening": ("19:00", "21:00")}.get(
                demand.get("part", ""), ("14:00", "17:00")
            )
            initial["slots"] = f"{['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'][demand['weekday']]} {start}-{end}"
    form = ActivityForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_save(organisation=organisation, by=request.user, demand=demand, **form.service_values())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("De activiteit staat online."))
            return redirect("activities_centre:detail", slug=organisation.slug, pk=activity.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "demand": demand,
        "demand_neighbourhood": neighbourhood,
    }
    return render(request, "activities/centre/form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def activity_detail(request, slug, pk, *, signup_form=None, status=200):
    organisation = _organisation(request, slug)
    activity = _activity(organisation, pk)
    context = {
        "organisation": organisation,
        "activity": activity,
        "participants": signups_of(activity, SignUp.Role.PARTICIPANT),
        "helpers": signups_of(activity, SignUp.Role.HELPER),
        "waiting": waiting_list(activity, SignUp.Role.PARTICIPANT),
        "waiting_helpers": waiting_list(activity, SignUp.Role.HELPER),
        "places_left": places_left(activity),
        "signup_form": signup_form or BrokerSignUpForm(),
        "order_form": WaitingOrderForm(initial={"order": activity.waiting_order}),
        "invitable": demand_requests(activity).count(),
    }
    return render(request, "activities/centre/detail.html", context, status=status)


def _person(organisation, role: str, email: str) -> dict:
    email = email.strip()
    if role == SignUp.Role.HELPER:
        volunteer = Volunteer.objects.filter(
            Q(email__iexact=email) | Q(user__email__iexact=email), organisation=organisation
        ).first()
        if volunteer is None:
            raise DomainError(_("Er is geen vrijwilliger van de centrale met dit e-mailadres."), field="email")
        return {"volunteer": volunteer, "user": volunteer.user}
    mantelzorger = Mantelzorger.objects.filter(
        Q(email__iexact=email) | Q(user__email__iexact=email), organisation=organisation
    ).first()
    if mantelzorger is not None:
        return {"mantelzorger": mantelzorger, "user": mantelzorger.user}
    request = (
        HelpRequest.objects.filter(organisation=organisation, requester__email__iexact=email)
        .select_related("requester")
        .first()
    )
    if request is None:
        raise DomainError(
            _("Er is geen mantelzorger of hulpvrager van de centrale met dit e-mailadres."), field="email"
        )
    return {"user": request.requester}


@login_required
@require_POST
def signup_add(request, slug, pk):
    organisation = _organisation(request, slug)
    activity = _activity(organisation, pk)
    form = BrokerSignUpForm(request.POST)
    if form.is_valid():
        try:
            person = _person(organisation, form.cleaned_data["role"], form.cleaned_data["email"])
            signup = signup_create(activity=activity, role=form.cleaned_data["role"], by=request.user, **person)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if signup.status == SignUp.Status.CONFIRMED:
                messages.success(request, _("%(name)s heeft een plaats.") % {"name": signup.display_name})
            else:
                messages.info(request, _("%(name)s staat op de wachtlijst.") % {"name": signup.display_name})
            return redirect("activities_centre:detail", slug=organisation.slug, pk=activity.pk)
    return activity_detail(request, slug, pk, signup_form=form, status=400)


@login_required
@require_POST
def signup_remove(request, slug, pk):
    organisation = _organisation(request, slug)
    signup = get_object_or_404(SignUp, pk=pk, activity__organisation=organisation)
    try:
        signup_cancel(signup=signup, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Afgemeld. De plaats gaat naar de volgende op de wachtlijst."))
    return redirect("activities_centre:detail", slug=organisation.slug, pk=signup.activity_id)


@login_required
@require_POST
def order(request, slug, pk):
    organisation = _organisation(request, slug)
    activity = _activity(organisation, pk)
    form = WaitingOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies de volgorde van de wachtlijst uit de lijst."))
        return redirect("activities_centre:detail", slug=organisation.slug, pk=activity.pk)
    waiting_order_set(activity=activity, by=request.user, order=form.cleaned_data["order"])
    messages.success(request, _("De volgorde van de wachtlijst is aangepast."))
    return redirect("activities_centre:detail", slug=organisation.slug, pk=activity.pk)


@login_required
@require_POST
def invite(request, slug, pk):
    organisation = _organisation(request, slug)
    activity = _activity(organisation, pk)
    try:
        sent = requesters_invite(activity=activity, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Uitnodigingen verstuurd: %(n)s.") % {"n": sent})
    return redirect("activities_centre:detail", slug=organisation.slug, pk=activity.pk)
