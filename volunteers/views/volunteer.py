"""The volunteer's own pages: the sign-up wizard, the profile and its edit pages,
pause, and deleting one's data. A volunteer only ever sees their own profile:
no view here takes an id."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import DomainError
from neighbourhoods.models import Organisation
from neighbourhoods.selectors import ServingArea, serving_area, skills_sorted
from volunteers.forms import (
    DeleteAccountForm,
    PauseForm,
    VolunteerDetailsForm,
    VolunteerPreferencesForm,
    VolunteerSkillsForm,
    WeekGridForm,
)
from volunteers.models import Volunteer
from volunteers.selectors import (
    volunteer_account_kept_reason,
    volunteer_for_user,
    volunteer_language_labels,
    volunteer_slots,
    volunteer_target_group_labels,
    volunteer_vog_state,
)
from volunteers.services import (
    volunteer_delete,
    volunteer_pause,
    volunteer_register,
    volunteer_resume,
    volunteer_set_availability,
    volunteer_update,
)

# --- The sign-up wizard -----------------------------------------------------------
#
# Each step's answers are kept in the session (as the raw form data) and nothing is
# saved in the database until the last step: brokers never see half a volunteer.
# At the end every step is validated again and the profile is created in one
# transaction.

SESSION_KEY = "volunteer_signup"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise
    form_class: type


STEPS: tuple[Step, ...] = (
    Step("over-u", gettext_lazy("Over u"), VolunteerDetailsForm),
    Step("wat", gettext_lazy("Wat u graag doet"), VolunteerSkillsForm),
    Step("wanneer", gettext_lazy("Wanneer u kunt"), WeekGridForm),
    Step("voorkeuren", gettext_lazy("Uw voorkeuren"), VolunteerPreferencesForm),
)
STEP_INDEX = {step.slug: i for i, step in enumerate(STEPS)}


def _step_url(step: Step) -> str:
    if step is STEPS[0]:
        return reverse("volunteers:start")
    return reverse("volunteers:start_step", args=[step.slug])


def _wizard_state(request) -> dict:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("data"), dict):
        state = {"data": {}, "placement": None}
    return state


def _save_state(request, state: dict) -> None:
    request.session[SESSION_KEY] = state


def _raw_data(post) -> dict[str, list[str]]:
    return {key: post.getlist(key) for key in post if key not in {"csrfmiddlewaretoken", "back"}}


def _step_form(step: Step, data=None, *, organisation: Organisation | None, user):
    kwargs: dict = {}
    if step.form_class is VolunteerSkillsForm:
        kwargs["organisation"] = organisation
    if data is None and step.form_class is VolunteerDetailsForm:
        kwargs["initial"] = {"first_name": user.first_name, "last_name": user.last_name}
    return step.form_class(data, **kwargs)


def _placement_summary(placement: ServingArea, location) -> dict:
    area = placement.neighbourhood
    return {
        "organisation": placement.organisation.pk,
        "organisation_name": placement.organisation.name,
        "municipality": placement.municipality.name,
        "place": location.place or "",
        "area": area.name if area else "",
        "area_kind": area.kind if area else "",
        "area_kind_label": str(area.get_kind_display()) if area else "",
        "fallback_reason": str(location.fallback_reason or ""),
    }


@login_required
def volunteer_start(request, step: str = STEPS[0].slug):
    """The sign-up wizard: one view for all steps, ``step`` names the step."""
    if Volunteer.objects.filter(user=request.user).exists():
        return redirect("volunteers:home")
    if step not in STEP_INDEX:
        raise Http404
    index = STEP_INDEX[step]
    current = STEPS[index]
    state = _wizard_state(request)
    for earlier in STEPS[:index]:
        if earlier.slug not in state["data"]:
            return redirect(_step_url(earlier))
    organisation = None
    if index > 0:
        organisation = Organisation.objects.filter(pk=(state.get("placement") or {}).get("organisation")).first()
        if organisation is None:
            state["data"].pop(STEPS[0].slug, None)
            _save_state(request, state)
            return redirect(_step_url(STEPS[0]))

    if request.method == "POST":
        going_back = "back" in request.POST and index > 0
        form = _step_form(current, request.POST, organisation=organisation, user=request.user)
        if form.is_valid() and index == 0:
            try:
                placement = serving_area(location=form.location, postcode=form.cleaned_data["postcode"])
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                previous = (state.get("placement") or {}).get("organisation")
                if previous and previous != placement.organisation.pk:
                    # Another centre has other skills: choose them again.
                    state["data"].pop("wat", None)
                state["placement"] = _placement_summary(placement, form.location)
        if form.is_valid():
            state["data"][current.slug] = _raw_data(request.POST)
            _save_state(request, state)
            if going_back:
                return redirect(_step_url(STEPS[index - 1]))
            if index + 1 < len(STEPS):
                return redirect(_step_url(STEPS[index + 1]))
            response = _wizard_finish(request, state, form)
            if response is not None:
                return response
        elif going_back:
            # Going back never needs a valid page; what was typed here is not kept.
            return redirect(_step_url(STEPS[index - 1]))
    else:
        stored = state["data"].get(current.slug)
        form = _step_form(
            current, MultiValueDict(stored) if stored else None, organisation=organisation, user=request.user
        )

    steps = [
        {"number": i + 1, "title": s.title, "url": _step_url(s), "done": s.slug in state["data"], "current": i == index}
        for i, s in enumerate(STEPS)
    ]
    return render(
        request,
        "volunteers/start.html",
        {
            "form": form,
            "step": current,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "steps": steps,
            "is_first": index == 0,
            "is_last": index == len(STEPS) - 1,
            "placement": state.get("placement") if index > 0 else None,
            "action": _step_url(current),
            # The grid and the exact times are each optional; one of them is needed.
            "hide_optional": current.form_class is WeekGridForm,
        },
    )


def _wizard_finish(request, state: dict, last_form):
    """Validate every step again and create the profile; None when the last form got an error."""
    organisation = Organisation.objects.filter(pk=state["placement"]["organisation"]).first()
    kwargs: dict = {}
    for step in STEPS:
        form = _step_form(step, MultiValueDict(state["data"][step.slug]), organisation=organisation, user=request.user)
        if not form.is_valid():
            messages.warning(request, _("Kijk deze stap nog even na. Er is iets veranderd."))
            state["data"].pop(step.slug, None)
            _save_state(request, state)
            return redirect(_step_url(step))
        kwargs.update(form.service_kwargs())
    try:
        volunteer_register(user=request.user, **kwargs)
    except DomainError as error:
        last_form.add_error(None, error.message)
        return None
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Welkom! U staat nu ingeschreven als vrijwilliger."))
    return redirect("volunteers:home")


# --- Profile ------------------------------------------------------------------------


def _own_volunteer(request) -> Volunteer | None:
    return volunteer_for_user(request.user)


@login_required
def volunteer_home(request):
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    today = timezone.localdate()
    context = {
        "volunteer": volunteer,
        "today": today,
        "is_paused": volunteer.is_paused(today),
        "slots": volunteer_slots(volunteer),
        "skills": skills_sorted(volunteer.skills.all()),
        "languages": volunteer_language_labels(volunteer),
        "target_groups": volunteer_target_group_labels(volunteer),
        "vog_state": volunteer_vog_state(volunteer, today),
    }
    return render(request, "volunteers/home.html", context)


def _add_domain_error(forms, error: DomainError) -> None:
    for form in forms:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            return
    forms[0].add_error(None, error.message)


@login_required
def volunteer_edit(request):
    """Details, skills and preferences on one page."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    organisation = volunteer.organisation
    if request.method == "POST":
        forms = [
            VolunteerDetailsForm(request.POST),
            VolunteerSkillsForm(request.POST, organisation=organisation),
            VolunteerPreferencesForm(request.POST, current_max=volunteer.max_active_matches),
        ]
        valid = [form.is_valid() for form in forms]  # every form, so every error shows
        if all(valid):
            kwargs: dict = {}
            for form in forms:
                kwargs.update(form.service_kwargs())
            try:
                volunteer_update(volunteer=volunteer, **kwargs)
            except DomainError as error:
                _add_domain_error(forms, error)
            else:
                messages.success(request, _("Uw gegevens zijn opgeslagen."))
                return redirect("volunteers:home")
    else:
        forms = [
            VolunteerDetailsForm(
                initial={
                    "first_name": volunteer.first_name,
                    "last_name": volunteer.last_name,
                    "phone": volunteer.phone,
                    "postcode": volunteer.postcode,
                    "house_number": volunteer.house_number,
                    # "5" rather than "5.0" in the box
                    "max_distance_km": f"{volunteer.max_distance_km:g}",
                }
            ),
            VolunteerSkillsForm(
                initial={"skills": [skill.pk for skill in volunteer.skills.all()]}, organisation=organisation
            ),
            VolunteerPreferencesForm(
                initial=VolunteerPreferencesForm.initial_for(volunteer), current_max=volunteer.max_active_matches
            ),
        ]
    details_form, skills_form, preferences_form = forms
    return render(
        request,
        "volunteers/edit.html",
        {
            "volunteer": volunteer,
            "details_form": details_form,
            "skills_form": skills_form,
            "preferences_form": preferences_form,
            "has_errors": any(form.errors for form in forms),
        },
    )


@login_required
def volunteer_availability(request):
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    if request.method == "POST":
        form = WeekGridForm(request.POST)
        if form.is_valid():
            try:
                volunteer_set_availability(volunteer=volunteer, **form.service_kwargs())
            except DomainError as error:
                form.add_error("exact", error.message)
            else:
                messages.success(request, _("Uw tijden zijn opgeslagen."))
                return redirect("volunteers:home")
    else:
        form = WeekGridForm(initial=WeekGridForm.initial_for(volunteer_slots(volunteer)))
    return render(request, "volunteers/availability.html", {"volunteer": volunteer, "form": form})


@login_required
def volunteer_pause_view(request):
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    if request.method == "POST":
        form = PauseForm(request.POST)
        if form.is_valid():
            try:
                volunteer_pause(volunteer=volunteer, until=form.cleaned_data["paused_until"])
            except DomainError as error:
                form.add_error("paused_until", error.message)
            else:
                messages.success(
                    request,
                    _("U heeft pauze tot en met %(date)s. Daarna krijgt u weer vragen.")
                    % {"date": date_format(volunteer.paused_until, "j F Y")},
                )
                return redirect("volunteers:home")
    else:
        form = PauseForm(initial={"paused_until": volunteer.paused_until} if volunteer.is_paused() else None)
    return render(request, "volunteers/pause.html", {"volunteer": volunteer, "form": form})


@login_required
@require_POST
def volunteer_resume_view(request):
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    volunteer_resume(volunteer=volunteer)
    messages.success(request, _("Welkom terug! U kunt weer vragen krijgen."))
    return redirect("volunteers:home")


@login_required
def volunteer_delete_view(request):
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:start")
    keep_reason = volunteer_account_kept_reason(request.user)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = volunteer_delete(volunteer=volunteer, by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if result.account_deleted:
                logout(request)
                messages.success(
                    request,
                    _("Uw account en uw gegevens zijn verwijderd. Bedankt voor alles wat u voor anderen heeft gedaan!"),
                )
            else:
                messages.success(
                    request,
                    _("Uw gegevens als vrijwilliger zijn verwijderd.") + " " + result.account_kept_reason,
                )
            return redirect("home")
    return render(request, "volunteers/delete.html", {"volunteer": volunteer, "form": form, "keep_reason": keep_reason})
