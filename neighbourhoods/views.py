from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from neighbourhoods.forms import (
    AddressForm,
    CarerAppreciationForm,
    FrontDoorForm,
    LogoForm,
    MunicipalityAddForm,
    OrganisationContactForm,
    OrganisationSettingsForm,
    StaffInviteForm,
)
from neighbourhoods.models import Neighbourhood, Organisation, StaffMembership
from neighbourhoods.orgsettings import (
    carer_appreciation_update,
    field_label,
    front_door_update,
    organisation_logo_set,
    organisation_municipality_add,
    organisation_municipality_remove,
    organisation_settings_update,
    organisation_setup_finish,
    organisation_staff_invite,
    organisation_staff_remove,
)
from neighbourhoods.selectors import (
    front_door_for,
    municipality_by_name,
    neighbourhood_for_point,
    organisation_setup_steps,
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
            front_door=front_door_for(municipality=municipality) if municipality else None,
            # The form without an account starts with the address just typed.
            ask_query=urlencode(
                {
                    "postcode": form.cleaned_data.get("postcode") or "",
                    "house_number": form.cleaned_data.get("house_number") or "",
                }
            ),
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


def _settings_initial(organisation: Organisation, form_class=OrganisationSettingsForm) -> dict:
    return {name: getattr(organisation, name) for name in form_class.base_fields}


def _settings_page(request, organisation, *, form=None, logo_form=None, area_form=None, status=200):
    history = list(organisation.changes.select_related("changed_by")[:HISTORY_LENGTH])
    for change in history:
        change.label = field_label(change.field)
    doors = {door.municipality_id: door for door in organisation.front_doors.all()}
    appreciations = {row.municipality_id: row for row in organisation.carer_appreciations.all()}
    municipalities = list(organisation.municipalities.order_by("name"))
    for municipality in municipalities:
        municipality.front_door = doors.get(municipality.pk)
        municipality.carer_appreciation = appreciations.get(municipality.pk)
    context = {
        "organisation": organisation,
        "form": form or OrganisationSettingsForm(initial=_settings_initial(organisation)),
        "logo_form": logo_form or LogoForm(),
        "area_form": area_form or MunicipalityAddForm(),
        "municipalities": municipalities,
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
    if _area_add(request, organisation, area_form):
        return redirect("neighbourhoods:settings", slug=organisation.slug)
    return _settings_page(request, organisation, area_form=area_form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_front_door(request, slug, pk):
    """Admin: the Wmo-loket or sociaal wijkteam of one municipality of the working area,
    shown with the postcode look-up (empty all fields to take it away)."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    municipality = get_object_or_404(organisation.municipalities, pk=pk)
    door = organisation.front_doors.filter(municipality=municipality).first()
    initial = {name: getattr(door, name) for name in FrontDoorForm.base_fields} if door else {}
    form = FrontDoorForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = front_door_update(
                    organisation=organisation, by=request.user, municipality=municipality, values=form.cleaned_data
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                if saved is None:
                    messages.success(request, _("Het loket van %(name)s is weggehaald.") % {"name": municipality.name})
                else:
                    messages.success(request, _("Het loket van %(name)s is opgeslagen.") % {"name": municipality.name})
                return redirect(f"{reverse('neighbourhoods:settings', args=[organisation.slug])}#loket")
    context = {"organisation": organisation, "municipality": municipality, "form": form}
    return render(request, "neighbourhoods/front_door_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_carer_appreciation(request, slug, pk):
    """Admin: the carers' thank-you and the mantelzorgwaardering of one municipality of
    the working area, shown on the start page of the carers living there (empty the
    text to take it away)."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    municipality = get_object_or_404(organisation.municipalities, pk=pk)
    row = organisation.carer_appreciations.filter(municipality=municipality).first()
    initial = {"text": row.text, "link": row.link} if row else {}
    form = CarerAppreciationForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = carer_appreciation_update(
                    organisation=organisation, by=request.user, municipality=municipality, values=form.cleaned_data
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                if saved is None:
                    messages.success(
                        request, _("De mantelzorgwaardering van %(name)s is weggehaald.") % {"name": municipality.name}
                    )
                else:
                    messages.success(
                        request, _("De mantelzorgwaardering van %(name)s is opgeslagen.") % {"name": municipality.name}
                    )
                return redirect(f"{reverse('neighbourhoods:settings', args=[organisation.slug])}#mantelzorgwaardering")
    context = {"organisation": organisation, "municipality": municipality, "form": form}
    return render(request, "neighbourhoods/carer_appreciation_form.html", context, status=status)


def _area_add(request, organisation, area_form) -> bool:
    """Add the municipality of a posted MunicipalityAddForm (settings page and set-up):
    True when added (with a message), else the form carries the reason."""
    if not area_form.is_valid():
        return False
    try:
        municipality = organisation_municipality_add(
            organisation=organisation, by=request.user, name=area_form.cleaned_data["municipality"]
        )
    except DomainError as error:
        _add_domain_error(area_form, error)
        return False
    messages.success(request, _("Gemeente %(name)s hoort nu bij het werkgebied.") % {"name": municipality.name})
    return True


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
    if _staff_invite(request, organisation, form):
        return redirect("neighbourhoods:team", slug=organisation.slug)
    return _team_page(request, organisation, invite_form=form, status=400)


def _staff_invite(request, organisation, form) -> bool:
    """Invite the person of a posted StaffInviteForm (team page and set-up): True when
    done (with a message), else the form carries the reason."""
    if not form.is_valid():
        return False
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
        return False
    messages.success(
        request,
        _("%(email)s is toegevoegd als %(role)s.")
        % {"email": membership.user.email, "role": membership.get_role_display()},
    )
    return True


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


# --- The first admin's guided set-up ----------------------------------------------------
# A checklist (resumable: each step's state is read from the organisation) and one
# ordinary form page per step. Every step writes through the same services as the
# settings and team pages, so every change lands in the history there.


def _setup_page(request, organisation, template: str, *, status=200, **context):
    context.update(
        organisation=organisation,
        setup=organisation_setup_steps(organisation),
        step=template,
    )
    return render(request, f"neighbourhoods/setup/{template}.html", context, status=status)


@login_required
@require_GET
def setup(request, slug):
    """Admin: the checklist of the guided set-up."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    return _setup_page(request, organisation, "checklist")


@login_required
def setup_details(request, slug):
    """Step 1: the organisation's name, contact details and sender of the mails."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    initial = _settings_initial(organisation, OrganisationContactForm)
    if request.method != "POST":
        return _setup_page(request, organisation, "details", form=OrganisationContactForm(initial=initial))
    form = OrganisationContactForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            organisation_settings_update(organisation=organisation, by=request.user, values=form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("neighbourhoods:setup", slug=organisation.slug)
    return _setup_page(request, organisation, "details", form=form, status=400)


def _area_summary(organisation):
    return organisation.municipalities.order_by("name").annotate(
        kernen=Count("neighbourhoods", filter=Q(neighbourhoods__kind=Neighbourhood.Kind.KERN)),
        wijken=Count("neighbourhoods", filter=Q(neighbourhoods__kind=Neighbourhood.Kind.WIJK)),
        buurten=Count("neighbourhoods", filter=Q(neighbourhoods__kind=Neighbourhood.Kind.BUURT)),
    )


@login_required
def setup_area(request, slug):
    """Step 2: the working area. Adding a municipality loads its villages (and the wijken
    and buurten known for it); the rules are the settings page's."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = MunicipalityAddForm(request.POST or None)
    if request.method == "POST":
        if _area_add(request, organisation, form):
            return redirect("neighbourhoods:setup_area", slug=organisation.slug)
        status = 400
    else:
        status = 200
    return _setup_page(
        request, organisation, "area", status=status, area_form=form, municipalities=_area_summary(organisation)
    )


@login_required
def setup_team(request, slug):
    """Step 3: invite brokers and municipality viewers (the team page's invitation)."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    form = StaffInviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST":
        if _staff_invite(request, organisation, form):
            return redirect("neighbourhoods:setup_team", slug=organisation.slug)
        status = 400
    else:
        status = 200
    members = organisation.memberships.select_related("user", "municipality").order_by("role", "user__email")
    return _setup_page(request, organisation, "team", status=status, invite_form=form, members=members)


@login_required
@require_POST
def setup_finish(request, slug):
    """Done: the set-up is finished and the admin goes to the organisation's start page."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=ADMIN_ROLES)
    try:
        organisation_setup_finish(organisation=organisation, by=request.user)
    except DomainError as error:
        return _setup_page(request, organisation, "checklist", status=400, error=error.message)
    messages.success(
        request,
        _("De eerste inrichting is klaar. Veranderen kan altijd bij Instellingen."),
    )
    return redirect("reports:start", slug=organisation.slug)
