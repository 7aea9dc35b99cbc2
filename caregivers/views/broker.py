"""The broker's intake desk: the queue, one request, the intake, the transitions
and entering a request on someone's behalf.

Every view gets its organisation from the URL through ``staff_organisation``
(404 for other organisations and for people without the broker role there, admins
included: these pages are care files, ``StaffMembership.CARE_FILE_ROLES``) and looks
requests up within that organisation only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLogEntry
from audit.services import Subject, access_record
from caregivers.access import request_read
from caregivers.broker_forms import BehalfRequestForm, IntakeForm, NoteForm, ReferForm, WithdrawForm
from caregivers.filters import TABS, RequestQueueFilter
from caregivers.intake import (
    OPEN_STATUSES,
    is_waiting_long,
    queue_counts,
    queue_page,
    request_care_owner,
    request_for_broker,
    request_intake_save,
    request_mark_ready,
    request_refer,
    request_reopen,
    request_start_intake,
    requests_of_organisation,
    state_error,
)
from caregivers.models import HelpRequest
from caregivers.priority import known_urgency, priority_percent, request_priority, waiting_days
from caregivers.referral import referral_targets
from caregivers.selectors import REQUEST_STATUS_BADGE, burden_direction, burden_sparkline, burden_trend
from caregivers.services import request_submit, request_withdraw
from common.errors import DomainError
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import skills_sorted, staff_organisation

# The desk shows care files (the person cared for, burden, intake notes): brokers only
# (StaffMembership.CARE_FILE_ROLES; the privacy page promises it). Admins get a 404.
STAFF_ROLES = set(StaffMembership.CARE_FILE_ROLES)
What = AccessLogEntry.What

# Service error fields that a form shows under another name.
FIELD_ALIASES = {"weekly_slots": "slots", "when": "slots"}


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)


def _add_domain_error(form, error: DomainError) -> None:
    field = FIELD_ALIASES.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("Er is iets niet goed ingevuld.")


def _to_detail(organisation, help_request):
    return redirect("caregivers_broker:detail", slug=organisation.slug, pk=help_request.pk)


# --- Queue ---------------------------------------------------------------------------


@login_required
def queue(request, slug):
    organisation = _organisation(request, slug)
    now = timezone.now()
    filterset = RequestQueueFilter(
        request.GET, queryset=requests_of_organisation(organisation=organisation), organisation=organisation, now=now
    )
    page = queue_page(queryset=filterset.qs, organisation=organisation, now=now, page_number=request.GET.get("page"))
    for entry in page.object_list:
        entry.request.badge_class = REQUEST_STATUS_BADGE.get(entry.request.status, "")
    if page.object_list:
        # One row per page view, naming every request it listed (names, kinds and the
        # "heavily burdened" flag are care data too).
        access_record(
            request=request,
            subject=Subject.organisation(organisation),
            what=What.QUEUE,
            obj=[entry.request for entry in page.object_list],
        )
    counts = queue_counts(organisation=organisation)
    context = {
        "organisation": organisation,
        "filter": filterset,
        "page": page,
        "tab": filterset.tab_value,
        "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
    }
    # htmx swaps only the results; a history restore (back button) needs the whole page.
    partial = bool(request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"))
    context["partial"] = partial
    template = "caregivers/broker/_queue_results.html" if partial else "caregivers/broker/queue.html"
    return render(request, template, context)


# --- One request ------------------------------------------------------------------------


STATUS_LABELS = dict(HelpRequest.Status.choices)


def _events(help_request):
    events = list(help_request.events.all())
    for event in events:
        event.from_label = STATUS_LABELS.get(event.from_status, event.from_status)
        event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return events


def _render_detail(request, organisation, help_request, *, status: int = 200, note_form=None):
    """The request's page. It shows care details, so every rendering is logged
    (``audit.services.access_record`` through ``caregivers.access.request_read``)."""
    now = timezone.now()
    owner = request_care_owner(help_request)
    trend = burden_trend(owner) if owner else []
    latest = trend[-1] if trend else None
    recipients = []
    request_read(request=request, help_request=help_request, what=What.REQUEST_DETAIL)
    if owner is not None:
        # The person this request is for; else everyone the carer looks after.
        recipients = [help_request.care_recipient] if help_request.care_recipient_id else owner.care_recipients.all()
    is_open = help_request.status in OPEN_STATUSES
    context = {
        "organisation": organisation,
        "item": help_request,
        "skills": skills_sorted(help_request.skills.all()),
        "events": _events(help_request),
        "owner": owner,
        "recipients": recipients,
        "trend": trend,
        "latest_burden": latest,
        "sparkline": burden_sparkline(trend) if trend else None,
        "direction": burden_direction(trend),
        "is_open": is_open,
        # 0-100, as the queue shows it.
        "priority": priority_percent(
            request_priority(
                urgency=known_urgency(help_request.urgency),
                created_at=help_request.created_at,
                burden_high=bool(latest and latest.is_high),
                now=now,
            )
        )
        if is_open
        else None,
        "waiting_days": waiting_days(created_at=help_request.created_at, now=now),
        "waiting_long": is_waiting_long(request=help_request, organisation=organisation, now=now),
        "status_badge": REQUEST_STATUS_BADGE.get(help_request.status, ""),
        "note_form": note_form or NoteForm(),
        "can": {
            "start_intake": help_request.status == HelpRequest.Status.NEW,
            "intake": is_open,
            "mark_ready": help_request.status == HelpRequest.Status.INTAKE,
            "refer": is_open,
            "withdraw": is_open,
            "reopen": help_request.status in (HelpRequest.Status.REFERRED, HelpRequest.Status.WITHDRAWN),
        },
    }
    return render(request, "caregivers/broker/detail.html", context, status=status)


@login_required
def request_detail(request, slug, pk):
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    return _render_detail(request, organisation, help_request)


def _note_transition(request, slug, pk, service, success: str):
    """A button on the request page (with an optional note): do the step, or say
    why not on the same page (400), changing nothing."""
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _render_detail(request, organisation, help_request, status=400, note_form=form)
    try:
        service(request=help_request, by=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, error.message)
        return _render_detail(request, organisation, help_request, status=400, note_form=form)
    messages.success(request, success)
    return _to_detail(organisation, help_request)


@login_required
@require_POST
def request_start(request, slug, pk):
    return _note_transition(request, slug, pk, request_start_intake, _("Het gesprek is begonnen. Vul de intake in."))


@login_required
@require_POST
def request_ready(request, slug, pk):
    return _note_transition(request, slug, pk, request_mark_ready, _("De vraag staat klaar om te koppelen."))


@login_required
@require_POST
def request_reopen_view(request, slug, pk):
    return _note_transition(request, slug, pk, request_reopen, _("De vraag is weer open. Het gesprek loopt."))


def _only_when_open(request, organisation, help_request):
    """Forms for open requests only: otherwise back to the request, with the reason."""
    if help_request.status in OPEN_STATUSES:
        return None
    messages.error(request, state_error(help_request.status).message)
    return _to_detail(organisation, help_request)


@login_required
def request_intake(request, slug, pk):
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    if request.method != "POST" and (response := _only_when_open(request, organisation, help_request)):
        return response
    form = IntakeForm(request.POST or None, organisation=organisation, initial=IntakeForm.initial_for(help_request))
    if request.method == "POST" and form.is_valid():
        ready = request.POST.get("action") == "ready"
        try:
            # Saving and marking ready are one step: if ready is refused, nothing is saved.
            with transaction.atomic():
                request_intake_save(request=help_request, by=request.user, **form.service_kwargs())
                if ready:
                    request_mark_ready(request=help_request, by=request.user)
        except DomainError as error:
            _add_domain_error(form, error)
            help_request = request_for_broker(organisation=organisation, pk=pk)  # as stored, after the rollback
        else:
            messages.success(
                request,
                _("De intake is opgeslagen. De vraag staat klaar om te koppelen.")
                if ready
                else _("De intake is opgeslagen."),
            )
            return _to_detail(organisation, help_request)
    request_read(request=request, help_request=help_request, what=What.REQUEST_INTAKE)
    return render(
        request,
        "caregivers/broker/intake.html",
        {"organisation": organisation, "item": help_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def request_refer_view(request, slug, pk):
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    if request.method != "POST" and (response := _only_when_open(request, organisation, help_request)):
        return response
    form = ReferForm(request.POST or None, targets=referral_targets(organisation_id=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            help_request = request_refer(
                request=help_request,
                by=request.user,
                referred_to=form.cleaned_data["referred_to"],
                referral_reason=form.cleaned_data["referral_reason"],
                referred_partner_id=form.cleaned_data.get("referred_partner"),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("De vraag is doorverwezen naar %(to)s.") % {"to": help_request.referred_to},
            )
            return _to_detail(organisation, help_request)
    request_read(
        request=request, help_request=help_request, what=What.REQUEST_STEP, obj=f"helprequest:{help_request.pk}:refer"
    )
    return render(
        request,
        "caregivers/broker/refer.html",
        {"organisation": organisation, "item": help_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def request_withdraw_view(request, slug, pk):
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    if request.method != "POST" and (response := _only_when_open(request, organisation, help_request)):
        return response
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(request=help_request, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("De vraag is ingetrokken."))
            return _to_detail(organisation, help_request)
    request_read(
        request=request,
        help_request=help_request,
        what=What.REQUEST_STEP,
        obj=f"helprequest:{help_request.pk}:withdraw",
    )
    return render(
        request,
        "caregivers/broker/withdraw.html",
        {"organisation": organisation, "item": help_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- On someone's behalf --------------------------------------------------------------


@login_required
def request_new(request, slug):
    """Phone or desk intake: type in the request of someone who is not online."""
    organisation = _organisation(request, slug)
    form = BehalfRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                help_request = request_submit(
                    organisation=organisation, entered_by=request.user, **form.service_kwargs()
                )
                if form.cleaned_data["then_intake"]:
                    request_start_intake(request=help_request, by=request.user)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            name = help_request.requester_first_name
            if form.cleaned_data["then_intake"]:
                messages.success(request, _("De vraag van %(name)s staat erin. Vul nu de intake in.") % {"name": name})
                return redirect("caregivers_broker:intake", slug=organisation.slug, pk=help_request.pk)
            messages.success(request, _("De vraag van %(name)s staat erin.") % {"name": name})
            return _to_detail(organisation, help_request)
    return render(
        request,
        "caregivers/broker/new.html",
        {"organisation": organisation, "form": form},
        status=400 if request.method == "POST" else 200,
    )
