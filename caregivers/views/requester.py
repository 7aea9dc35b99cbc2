"""Pages for mantelzorgers and help seekers themselves: registration, the carer's
home with the burden trend, asking for help, following and withdrawing requests.

Every page shows only the logged-in person's own records: other people's care
files and requests answer 404. The broker side lives in ``broker_views``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import profile_of
from caregivers.forms import (
    BurdenCheckInForm,
    CareEndedForm,
    CareRecipientForm,
    HelpRequestForm,
    MantelzorgerForm,
    OwnStrengthForm,
    RespiteRequestForm,
    ScheduleForm,
    WithdrawForm,
    network_formset,
    network_initial,
)
from caregivers.models import HelpRequest, Mantelzorger
from caregivers.selectors import (
    REQUEST_STATUS_BADGE,
    burden_direction,
    burden_sparkline,
    burden_trend,
    care_recipient_of_user,
    file_reads_of,
    last_own_request_details,
    latest_burden,
    mantelzorger_for_user,
    request_can_be_withdrawn,
    request_event_line,
    request_ladder_editable,
    request_of_user,
    request_status_text,
    request_times,
    requests_of,
    withdraw_refusal,
)
from caregivers.services import (
    BurdenAnswers,
    CareRecipientDetails,
    burden_checkin_add,
    care_ended_set,
    care_recipient_add,
    care_recipient_update,
    default_skills,
    mantelzorger_register,
    request_ladder_update,
    request_submit,
    request_withdraw,
)
from common.errors import DomainError
from common.languages import language_label
from neighbourhoods.selectors import carer_appreciation_for, serving_area

# Service field names that are called differently in these forms.
FIELD_ALIASES = {"kind": "help_with", "requester_first_name": "first_name", "requester_last_name": "last_name"}
# Errors about the times of a request belong to the schedule part of the page.
SCHEDULE_FIELDS = {"weekly_slots", "dates", "when"}
# Who helps: a first name or description, the relation and what they do; no contact details.
NetworkFormSet = network_formset(with_contact=False, extra=2)
# On the person's own request page: the stored members can be changed or removed.
OwnNetworkFormSet = network_formset(with_contact=False, extra=1, can_delete=True)


def _own_forms(data) -> tuple[OwnStrengthForm, forms.BaseFormSet]:
    """The optional parts of the ladder in a request form: own strength, who helps, the goal, the language."""
    # A post without the network's part (an older page, a script): nobody named.
    network_posted = data is not None and "network-TOTAL_FORMS" in data
    return OwnStrengthForm(data, prefix="own"), NetworkFormSet(data if network_posted else None, prefix="network")


def _own_kwargs(own: OwnStrengthForm, network) -> dict:
    d = own.cleaned_data
    return {
        "own_strength": d["own_strength"],
        "goal_own_words": d["goal_own_words"],
        "preferred_language": d["language"],
        "network": network.members() if network.is_bound else [],
    }


def _add_domain_error(error: DomainError, *forms_: forms.Form) -> None:
    """Show a service's error at the field it is about (in whichever form has
    it), or at the top of the first form."""
    field = FIELD_ALIASES.get(error.field or "", error.field)
    for form in forms_:
        if field and field in form.fields:
            form.add_error(field, error.message)
            return
    forms_[0].add_error(None, error.message)


def _all_valid(all_forms: list[forms.Form]) -> bool:
    # Validate every form (no short-circuit), so the page shows all errors at once; a
    # formset that was not posted has nothing to check.
    results = [form.is_valid() or (isinstance(form, forms.BaseFormSet) and not form.is_bound) for form in all_forms]
    return all(results)


def _page(request, template: str, context: dict, *, all_forms: list[forms.Form]):
    """Render a page with several forms (and formsets) and one error summary for all of them."""
    has_errors = any((f.total_error_count() if isinstance(f, forms.BaseFormSet) else f.errors) for f in all_forms)
    summary_forms = [form for f in all_forms for form in ([*f.forms] if isinstance(f, forms.BaseFormSet) else [f])]
    context = {**context, "all_forms": summary_forms, "has_errors": has_errors}
    return render(request, template, context)


def _profile_initial(user) -> dict:
    """Prefill name, address and phone from the person's mantelzorger or volunteer profile."""
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    profile = profile_of(user)
    if profile is not None:
        initial.update(
            first_name=profile.first_name,
            last_name=profile.last_name,
            postcode=profile.postcode,
            house_number=profile.house_number,
            phone=profile.phone,
        )
        return initial
    # A returning help seeker without a profile: what she gave on her last own request.
    last = last_own_request_details(user=user)
    if last:
        initial.update(
            first_name=last["requester_first_name"] or initial["first_name"],
            last_name=last["requester_last_name"] or initial["last_name"],
            postcode=last["postcode"],
            house_number=last["house_number"],
            phone=last["phone"],
        )
    return initial


def _request_rows(requests) -> list[dict]:
    return [
        {
            "request": r,
            "status_text": request_status_text(r.status),
            "badge": REQUEST_STATUS_BADGE.get(r.status, ""),
            "can_withdraw": request_can_be_withdrawn(r),
            "times": request_times(r),
        }
        for r in requests
    ]


# --- Mantelzorger ---------------------------------------------------------------------


@login_required
def mantelzorger_start(request):
    if Mantelzorger.objects.filter(user=request.user).exists():
        return redirect("caregivers:mantelzorger_home")
    data = request.POST if request.method == "POST" else None
    form = MantelzorgerForm(data, initial=_profile_initial(request.user))
    recipient_form = CareRecipientForm(data, prefix="recipient")
    checkin_form = BurdenCheckInForm(data, prefix="checkin")
    all_forms = [form, recipient_form, checkin_form]
    if request.method == "POST" and _all_valid(all_forms):
        d, r, c = form.cleaned_data, recipient_form.cleaned_data, checkin_form.cleaned_data
        try:
            mantelzorger_register(
                user=request.user,
                first_name=d["first_name"],
                last_name=d["last_name"],
                location=form.location,
                postcode=d["postcode"],
                house_number=d["house_number"],
                phone=d["phone"],
                relation=d["relation"],
                care_hours_per_week=d["care_hours_per_week"],
                care_recipient=CareRecipientDetails(
                    name=r["name"], age_band=r["age_band"], situation=r["situation"], notes=r["notes"]
                ),
                burden=BurdenAnswers(
                    score=c["score"],
                    sleeps_badly=c["sleeps_badly"],
                    no_time_for_self=c["no_time_for_self"],
                    health_suffers=c["health_suffers"],
                    feels_alone=c["feels_alone"],
                ),
            )
        except DomainError as error:
            _add_domain_error(error, form, recipient_form, checkin_form)
        else:
            messages.success(request, _("Welkom! U staat nu bij ons bekend als mantelzorger."))
            return redirect("caregivers:mantelzorger_home")
    return _page(
        request,
        "caregivers/mantelzorger_start.html",
        {"form": form, "recipient_form": recipient_form, "checkin_form": checkin_form},
        all_forms=all_forms,
    )


def _own_mantelzorger_or_redirect(request):
    mantelzorger = mantelzorger_for_user(request.user)
    if mantelzorger is None:
        messages.info(request, _("Meld u eerst aan als mantelzorger. Dat duurt een paar minuten."))
    return mantelzorger


@login_required
def mantelzorger_home(request):
    mantelzorger = mantelzorger_for_user(request.user)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    trend = burden_trend(mantelzorger)
    latest = trend[-1] if trend else None
    return render(
        request,
        "caregivers/mantelzorger_home.html",
        {
            "mantelzorger": mantelzorger,
            "recipients": list(mantelzorger.care_recipients.all()),
            "trend": trend,
            "trend_newest_first": trend[::-1],
            "sparkline": burden_sparkline(trend) if trend else None,
            "direction": burden_direction(trend),
            "latest": latest,
            "checked_in_today": latest is not None and timezone.localdate(latest.created_at) == timezone.localdate(),
            "rows": _request_rows(requests_of(request.user)),
            "file_reads": file_reads_of(request.user),
            "appreciation": carer_appreciation_for(
                organisation=mantelzorger.organisation,
                municipality=mantelzorger.neighbourhood.municipality if mantelzorger.neighbourhood_id else None,
            ),
            "year": timezone.localdate().year,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    mantelzorger = _own_mantelzorger_or_redirect(request)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    latest = latest_burden(mantelzorger)
    done_today = latest is not None and timezone.localdate(latest.created_at) == timezone.localdate()
    form = BurdenCheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = burden_checkin_add(mantelzorger=mantelzorger, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(error, form)
        else:
            if added.is_high:
                messages.warning(
                    request,
                    _(
                        "Dank u. Het klinkt alsof de zorg nu zwaar is. De makelaar ziet dit en kan met u meedenken. "
                        "U kunt ook respijtzorg aanvragen: dan neemt een vrijwilliger de zorg even over."
                    ),
                )
            else:
                messages.success(request, _("Dank u. We hebben opgeslagen hoe het nu gaat."))
            return redirect("caregivers:mantelzorger_home")
    return render(request, "caregivers/checkin.html", {"form": form, "done_today": done_today and not form.errors})


@login_required
@require_http_methods(["GET", "POST"])
def care_ended(request):
    """The carer records that their care ended (or that it goes on after all): no more
    check-in reminders or yearly thank-you mails from then on."""
    mantelzorger = _own_mantelzorger_or_redirect(request)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    form = CareEndedForm(
        request.POST if request.method == "POST" else None,
        mantelzorger=mantelzorger,
        initial={"ended_on": mantelzorger.care_ended_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            care_ended_set(mantelzorger=mantelzorger, by=request.user, ended_on=form.cleaned_data["ended_on"])
        except DomainError as error:
            _add_domain_error(error, form)
        else:
            if mantelzorger.care_ended_on:
                messages.success(
                    request, _("Opgeslagen. We sturen u geen herinneringen meer om in te vullen hoe het gaat.")
                )
            else:
                messages.success(request, _("Opgeslagen. De zorg gaat door."))
            return redirect("caregivers:mantelzorger_home")
    status = 400 if request.method == "POST" else 200
    return render(request, "caregivers/care_ended.html", {"form": form, "mantelzorger": mantelzorger}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def care_recipient_new(request):
    mantelzorger = _own_mantelzorger_or_redirect(request)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    form = CareRecipientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            recipient = care_recipient_add(mantelzorger=mantelzorger, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(error, form)
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": recipient.name})
            if request.GET.get("next") == "respite":
                return redirect("caregivers:respite_new")
            return redirect("caregivers:mantelzorger_home")
    return render(request, "caregivers/care_recipient_form.html", {"form": form, "recipient": None})


@login_required
@require_http_methods(["GET", "POST"])
def care_recipient_edit(request, pk: int):
    recipient = care_recipient_of_user(user=request.user, pk=pk)
    if recipient is None:
        raise Http404
    initial = {f: getattr(recipient, f) for f in ("name", "age_band", "situation", "notes")}
    form = CareRecipientForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            care_recipient_update(care_recipient=recipient, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(error, form)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("caregivers:mantelzorger_home")
    return render(request, "caregivers/care_recipient_form.html", {"form": form, "recipient": recipient})


# --- Requests ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def respite_new(request):
    mantelzorger = _own_mantelzorger_or_redirect(request)
    if mantelzorger is None:
        return redirect("caregivers:mantelzorger_start")
    recipients = list(mantelzorger.care_recipients.all())
    if not recipients:
        messages.info(request, _("Vertel eerst voor wie u zorgt. Daarna kunt u respijtzorg aanvragen."))
        return redirect("caregivers:care_recipient_new")
    data = request.POST if request.method == "POST" else None
    initial = {"postcode": mantelzorger.postcode, "house_number": mantelzorger.house_number}
    if len(recipients) == 1:
        initial["care_recipient"] = recipients[0].pk
    form = RespiteRequestForm(data, mantelzorger=mantelzorger, initial=initial)
    schedule_form = ScheduleForm(data, prefix="when")
    own_form, network = _own_forms(data)
    all_forms = [form, schedule_form, own_form, network]
    if request.method == "POST" and _all_valid(all_forms):
        d, s = form.cleaned_data, schedule_form.cleaned_data
        try:
            help_request = request_submit(
                organisation=mantelzorger.organisation,
                kind=HelpRequest.Kind.RESPITE,
                requester_first_name=mantelzorger.first_name,
                requester_last_name=mantelzorger.last_name,
                email=mantelzorger.email or request.user.email,
                phone=mantelzorger.phone,
                location=form.location,
                postcode=d["postcode"],
                house_number=d["house_number"],
                description=d["description"],
                weekly_slots=s["weekly_slots"],
                dates=s["dates"],
                urgency=d["urgency"],
                requester=request.user,
                mantelzorger=mantelzorger,
                care_recipient=d["care_recipient"],
                **_own_kwargs(own_form, network),
            )
        except DomainError as error:
            if error.field in SCHEDULE_FIELDS:
                schedule_form.add_error(None, error.message)
            else:
                _add_domain_error(error, form, own_form)
        else:
            messages.success(request, _("Uw aanvraag voor respijtzorg is verstuurd. Een makelaar neemt contact op."))
            return redirect("caregivers:request_detail", pk=help_request.pk)
    return _page(
        request,
        "caregivers/respite_new.html",
        {
            "form": form,
            "schedule_form": schedule_form,
            "own_form": own_form,
            "network": network,
            "mantelzorger": mantelzorger,
        },
        all_forms=all_forms,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    data = request.POST if request.method == "POST" else None
    form = HelpRequestForm(data, user=request.user, initial=_profile_initial(request.user))
    schedule_form = ScheduleForm(data, prefix="when")
    own_form, network = _own_forms(data)
    all_forms = [form, schedule_form, own_form, network]
    if request.method == "POST" and _all_valid(all_forms):
        d, s = form.cleaned_data, schedule_form.cleaned_data
        for_self = not d["for_someone_else"]
        try:
            area = serving_area(location=form.location, postcode=d["postcode"])
            help_request = request_submit(
                organisation=area.organisation,
                kind=form.kind,
                requester_first_name=d["first_name"],
                requester_last_name=d["last_name"],
                email=request.user.email if for_self else "",
                phone=d["phone"],
                location=form.location,
                postcode=d["postcode"],
                house_number=d["house_number"],
                description=d["description"],
                skills=default_skills(form.skill_code) if form.skill_code else (),
                weekly_slots=s["weekly_slots"],
                dates=s["dates"],
                urgency=d["urgency"],
                requester=request.user,
                **_own_kwargs(own_form, network),
            )
        except DomainError as error:
            if error.field in SCHEDULE_FIELDS:
                schedule_form.add_error(None, error.message)
            else:
                _add_domain_error(error, form, own_form)
        else:
            messages.success(request, _("Uw hulpvraag is verstuurd. Een makelaar neemt contact op."))
            return redirect("caregivers:request_detail", pk=help_request.pk)
    return _page(
        request,
        "caregivers/request_new.html",
        {
            "form": form,
            "schedule_form": schedule_form,
            "own_form": own_form,
            "network": network,
            "is_mantelzorger": Mantelzorger.objects.filter(user=request.user).exists(),
        },
        all_forms=all_forms,
    )


@login_required
def my_requests(request):
    return render(
        request,
        "caregivers/my_requests.html",
        {"rows": _request_rows(requests_of(request.user)), "file_reads": file_reads_of(request.user)},
    )


@login_required
def request_detail(request, pk: int):
    help_request = request_of_user(user=request.user, pk=pk)
    if help_request is None:
        raise Http404
    row = _request_rows([help_request])[0]
    events = [{"event": event, "status_text": request_event_line(event)} for event in help_request.events.all()]
    return render(
        request,
        "caregivers/request_detail.html",
        {
            "row": row,
            "help_request": help_request,
            "events": events,
            "withdraw_form": WithdrawForm(),
            "network_members": list(help_request.network.all()),
            "language_label": language_label(help_request.preferred_language),
            "ladder_editable": request_ladder_editable(help_request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_ladder(request, pk: int):
    """The person fills in or changes, on their own request, what they can do themselves,
    who in their network helps, their goal and the language (``request_ladder_update``)."""
    help_request = request_of_user(user=request.user, pk=pk)
    if help_request is None:
        raise Http404
    if not request_ladder_editable(help_request):
        messages.error(
            request,
            _("De makelaar is klaar met het gesprek over deze vraag. Wilt u iets veranderen? Neem contact op."),
        )
        return redirect("caregivers:request_detail", pk=help_request.pk)
    data = request.POST if request.method == "POST" else None
    own_form = OwnStrengthForm(
        data,
        prefix="own",
        initial={
            "own_strength": help_request.own_strength,
            "goal_own_words": help_request.goal_own_words,
            **OwnStrengthForm.language_initial(help_request.preferred_language),
        },
    )
    network = OwnNetworkFormSet(data, prefix="network", initial=network_initial(help_request))
    all_forms = [own_form, network]
    if request.method == "POST" and _all_valid(all_forms):
        d = own_form.cleaned_data
        try:
            request_ladder_update(
                request=help_request,
                by=request.user,
                own_strength=d["own_strength"],
                goal_own_words=d["goal_own_words"],
                preferred_language=d["language"],
                network=network.members(),
            )
        except DomainError as error:
            _add_domain_error(error, own_form)
        else:
            messages.success(request, _("Opgeslagen. De makelaar ziet wat u heeft ingevuld."))
            return redirect("caregivers:request_detail", pk=help_request.pk)
    response = _page(
        request,
        "caregivers/request_ladder.html",
        {"help_request": help_request, "own_form": own_form, "network": network},
        all_forms=all_forms,
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    help_request = request_of_user(user=request.user, pk=pk)
    if help_request is None:
        raise Http404
    if not request_can_be_withdrawn(help_request):
        messages.error(request, withdraw_refusal(help_request.status))
        return redirect("caregivers:request_detail", pk=help_request.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(request=help_request, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
                return redirect("caregivers:request_detail", pk=help_request.pk)
        else:
            messages.success(request, _("Uw vraag is ingetrokken."))
            return redirect("caregivers:my_requests")
    return render(request, "caregivers/withdraw.html", {"help_request": help_request, "form": form})
