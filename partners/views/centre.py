"""The centre's partner page (``/organisatie/<slug>/partners/``, namespace
``partners_centre``, admins): the partner directory, inviting a partner, the setting
"eerste vacatures eerst controleren" and the vacancies waiting for that check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation
from partners.forms import PartnerInviteForm, PartnerSettingsForm
from partners.models import Partner, Vacancy
from partners.selectors import organisation_partners, partner_settings, vacancies_to_review
from partners.services import partner_invite, partner_set_active, partner_settings_update, vacancy_review
from partners.views.common import add_domain_error

ADMIN_ROLES = {StaffMembership.Role.ADMIN}


def _page(request, organisation, *, invite_form=None, settings_form=None, status=200):
    settings_row = partner_settings(organisation)
    context = {
        "organisation": organisation,
        "partners": organisation_partners(organisation),
        "to_review": vacancies_to_review(organisation),
        "invite_form": invite_form or PartnerInviteForm(),
        "settings_form": settings_form
        or PartnerSettingsForm(initial={"review_first_vacancies": settings_row.review_first_vacancies}),
    }
    return render(request, "partners/centre/partners.html", context, status=status)


@login_required
def partners_page(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    return _page(request, organisation)


@login_required
@require_POST
def invite(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = PartnerInviteForm(request.POST)
    if form.is_valid():
        try:
            membership = partner_invite(
                organisation=organisation,
                by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is uitgenodigd voor %(partner)s.")
                % {"email": membership.user.email, "partner": membership.partner.name},
            )
            return redirect("partners_centre:list", slug=organisation.slug)
    return _page(request, organisation, invite_form=form, status=400)


@login_required
@require_POST
def settings_view(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = PartnerSettingsForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    partner_settings_update(
        organisation=organisation,
        by=request.user,
        review_first_vacancies=form.cleaned_data.get("review_first_vacancies", False),
    )
    messages.success(request, _("De instelling is opgeslagen."))
    return redirect("partners_centre:list", slug=organisation.slug)


@login_required
@require_POST
def review(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    vacancy = get_object_or_404(Vacancy, pk=pk, partner__organisation=organisation)
    approve = request.POST.get("decision") == "approve"
    try:
        vacancy_review(vacancy=vacancy, by=request.user, approve=approve)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De vacature staat online.") if approve else _("De vacature is afgewezen."))
    return redirect("partners_centre:list", slug=organisation.slug)


@login_required
@require_POST
def partner_active(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    partner = get_object_or_404(Partner, pk=pk, organisation=organisation)
    partner_set_active(partner=partner, by=request.user, active=not partner.is_active)
    messages.success(request, _("Opgeslagen."))
    return redirect("partners_centre:list", slug=organisation.slug)
