"""The broker's volunteer pages: the list, one volunteer, and recording a VOG.

Every view gets its organisation from the URL through ``staff_organisation``
(404 for other organisations) and looks volunteers up within it only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import may_read_care_files, skills_sorted, staff_organisation
from volunteers.forms import VogForm, VolunteerFilter, VolunteerThanksForm
from volunteers.selectors import (
    VOG_EXPIRING_DAYS,
    VOG_STATES,
    volunteer_language_labels,
    volunteer_slots,
    volunteer_target_group_labels,
    volunteer_thanks_text,
    volunteer_vog_history,
    volunteer_vog_state,
    volunteers_of_organisation,
)
from volunteers.services import vog_record, volunteer_thanks_update

PAGE_SIZE = 50
STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)


def _volunteer(organisation, pk):
    return get_object_or_404(volunteers_of_organisation(organisation=organisation), pk=pk)


def _describe(volunteer, today) -> None:
    """Attach what the templates show (computed from prefetched data, no queries)."""
    volunteer.vog_state = volunteer_vog_state(volunteer, today)
    volunteer.vog_state_label = VOG_STATES[volunteer.vog_state]
    volunteer.paused = volunteer.is_paused(today)
    volunteer.slot_list = volunteer_slots(volunteer)
    volunteer.skill_list = skills_sorted(volunteer.skills.all())


@login_required
def volunteer_list(request, slug):
    organisation = _organisation(request, slug)
    today = timezone.localdate()
    filterset = VolunteerFilter(
        request.GET or None,
        queryset=volunteers_of_organisation(organisation=organisation),
        organisation=organisation,
        on=today,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for volunteer in page.object_list:
        _describe(volunteer, today)
    return render(
        request,
        "volunteers/broker/list.html",
        {"organisation": organisation, "filter": filterset, "page": page, "expiring_days": VOG_EXPIRING_DAYS},
    )


@login_required
def volunteer_detail(request, slug, pk):
    organisation = _organisation(request, slug)
    volunteer = _volunteer(organisation, pk)
    today = timezone.localdate()
    _describe(volunteer, today)
    return render(
        request,
        "volunteers/broker/detail.html",
        {
            "organisation": organisation,
            "volunteer": volunteer,
            "languages": volunteer_language_labels(volunteer),
            "target_groups": volunteer_target_group_labels(volunteer),
            "vog_history": volunteer_vog_history(volunteer),
            "today": today,
            # Export and erasure on someone's behalf are the broker's (privacy page).
            "may_act_for_person": may_read_care_files(request.user, organisation.pk),
        },
    )


@login_required
def volunteer_vog(request, slug, pk):
    organisation = _organisation(request, slug)
    volunteer = _volunteer(organisation, pk)
    form = VogForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vog_record(
                volunteer=volunteer,
                status=data["status"],
                issued_on=data["issued_on"],
                note=data["note"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("De VOG-controle is vastgelegd."))
            return redirect("volunteers_broker:detail", slug=organisation.slug, pk=volunteer.pk)
    return render(
        request,
        "volunteers/broker/vog.html",
        {
            "organisation": organisation,
            "volunteer": volunteer,
            "form": form,
            "vog_valid_years": organisation.vog_valid_years,
            "vog_history": volunteer_vog_history(volunteer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_thanks(request, slug):
    """Admin: the organisation's own thank-you to its volunteers (empty: the standard text)."""
    organisation = staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.ADMIN})
    form = VolunteerThanksForm(
        request.POST if request.method == "POST" else None,
        initial={"text": volunteer_thanks_text(organisation=organisation)},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                volunteer_thanks_update(organisation=organisation, by=request.user, text=form.cleaned_data["text"])
            except DomainError as error:
                form.add_error("text" if error.field == "text" else None, error.message)
            else:
                messages.success(request, _("Het bedankje aan de vrijwilligers is opgeslagen."))
                return redirect("volunteers_broker:thanks", slug=organisation.slug)
    return render(request, "volunteers/broker/thanks.html", {"organisation": organisation, "form": form}, status=status)
