from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from neighbourhoods.forms import (
    AddressForm,
    LogoForm,
    MunicipalityAddForm,
    OrganisationSettingsForm,
    StaffInviteForm,
)
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.orgsettings import (
    field_label,
    organisation_logo_set,
    organisation_municipality_add,
    organisation_municipality_remove,
    organisation_settings_update,
    organisation_staff_invite,
    organisation_staff_remove,
)
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
    return _team_page(request, organisation)


# --- The organisation's settings (admins) ------------------------------------------------

ADMIN_ROLES = {StaffMembership.Role.ADMIN}
STAFF_ROLES = set(StaffMembership.Role.values)
HISTORY_LENGTH = 50


def _settings_initial(organisation: Organisation) -> dict:
    return {name: getattr(organisation, name) for name in OrganisationSettingsForm.base_fields}


def _settings_page(request, organisation, *, form=None, logo_form=None, area_form=None, status=200):
    history = list(organisation.changes.select_related("changed_by")[:HISTORY_LENGTH])
    for change in history:
        change.label = field_label(change.field)
    context = {
        "organisation": organisation,
        "form": form or OrganisationSettingsForm(initial=_settings_initial(organisation)),
        "logo_form": logo_form or LogoForm(),
        "area_form": area_form or MunicipalityAddForm(),
        "municipalities": organisation.municipalities.order_by("name"),
        "weights": [
            (field_label(f"weight:{name}").split(": ", 1)[-1], value)
            for name, value in sorted((organisation.matching_weights or {}).items())
        ],
        "history": history,
        "logo_max_kb": settings.ORGANISATION_LOGO_MAX_BYTES // 1024,
    }
    return render(request, "neighbourhoods/organisation_settings.html", context, status=status)


def _add_domain_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def organisation_settings(request, slug):
    """Admin: name, contact, sender of the mails, VOG validity and reminder intervals
    (one form, saved at once), with links to the other settings and the history."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    if request.method != "POST":
        return _settings_page(request, organisation)
    form = OrganisationSettingsForm(request.POST, initial=_settings_initial(organisation))
    if form.is_valid():
        try:
            changes = organisation_settings_update(organisation=organisation, by=request.user, values=form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            if changes:
                messages.success(request, _("De instellingen zijn opgeslagen."))
            else:
                messages.info(request, _("Er was niets veranderd."))
            return redirect("neighbourhoods:settings", slug=organisation.slug)
    return _settings_page(request, organisation, form=form, status=400)


@login_required
@require_POST
def organisation_logo(request, slug):
    """Admin: upload a new logo, or (``remove``) take it away."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    if "remove" in request.POST:
        logo_form = LogoForm()
        upload = None
    else:
        logo_form = LogoForm(request.POST, request.FILES)
        if not logo_form.is_valid():
            return _settings_page(request, organisation, logo_form=logo_form, status=400)
        upload = logo_form.cleaned_data["logo"]
    try:
        organisation_logo_set(organisation=organisation, by=request.user, upload=upload)
    except DomainError as error:
        _add_domain_error(logo_form, error)
        return _settings_page(request, organisation, logo_form=logo_form, status=400)
    messages.success(request, _("Het logo is opgeslagen.") if upload else _("Het logo is weggehaald."))
    return redirect("neighbourhoods:settings", slug=organisation.slug)


@login_required
@require_GET
def organisation_logo_file(request, slug):
    """The logo, for the organisation's own staff (any role): sent with the type we
    checked at upload and ``nosniff``, never as a page."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    if not organisation.logo:
        raise Http404
    name = organisation.logo.name
    content_type = "image/png" if name.endswith(".png") else "image/jpeg" if name.endswith(".jpg") else None
    if content_type is None:
        raise Http404
    try:
        handle = organisation.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def organisation_area_add(request, slug):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    area_form = MunicipalityAddForm(request.POST)
    if area_form.is_valid():
        try:
            municipality = organisation_municipality_add(
                organisation=organisation, by=request.user, name=area_form.cleaned_data["municipality"]
            )
        except DomainError as error:
            _add_domain_error(area_form, error)
        else:
            messages.success(request, _("Gemeente %(name)s hoort nu bij het werkgebied.") % {"name": municipality.name})
            return redirect("neighbourhoods:settings", slug=organisation.slug)
    return _settings_page(request, organisation, area_form=area_form, status=400)


@login_required
@require_POST
def organisation_area_remove(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    municipality = get_object_or_404(organisation.municipalities, pk=pk)
    try:
        organisation_municipality_remove(organisation=organisation, by=request.user, municipality=municipality)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("neighbourhoods:settings", slug=organisation.slug)
    messages.success(request, _("Gemeente %(name)s is uit het werkgebied gehaald.") % {"name": municipality.name})
    return redirect("neighbourhoods:settings", slug=organisation.slug)


def _team_page(request, organisation, *, invite_form=None, status=200):
    members = organisation.memberships.select_related("user", "municipality").order_by("role", "user__email")
    context = {
        "organisation": organisation,
        "members": members,
        "invite_form": invite_form or StaffInviteForm(organisation=organisation),
    }
    return render(request, "neighbourhoods/organisation_team.html", context, status=status)


@login_required
@require_POST
def team_invite(request, slug):
    """Admin: give someone a role here; a new person gets an invitation mail."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = StaffInviteForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            membership = organisation_staff_invite(
                organisation=organisation,
                by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                municipality=form.cleaned_data["municipality"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is toegevoegd als %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect("neighbourhoods:team", slug=organisation.slug)
    return _team_page(request, organisation, invite_form=form, status=400)


@login_required
@require_POST
def team_remove(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    membership = get_object_or_404(organisation.memberships.select_related("user"), pk=pk)
    try:
        organisation_staff_remove(organisation=organisation, by=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("neighbourhoods:team", slug=organisation.slug)
    messages.success(request, _("De rol is weggehaald."))
    return redirect("neighbourhoods:team", slug=organisation.slug)
