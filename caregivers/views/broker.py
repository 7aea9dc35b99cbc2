"""The broker's intake desk: the queue, one request, the intake, the transitions
and entering a request on someone's behalf.

Every view gets its organisation from the URL through ``staff_organisation``
(404 for other organisations and for people without the broker role there, admins
included: these pages are care files, ``StaffMembership.CARE_FILE_ROLES``) and looks
requests up within that organisation only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import AccessLogEntry
from audit.services import Subject, access_record
from caregivers.access import request_read, signal_read
from caregivers.asking import account_to_link, request_account_link
from caregivers.broker_forms import (
    AssignForm,
    BehalfRequestForm,
    BulkForm,
    CloseSolvedForm,
    IntakeForm,
    NoteForm,
    ReferForm,
    SaveFilterForm,
    WithdrawForm,
)
from caregivers.desk import ASSIGNABLE_STATUSES, organisation_brokers, queue_query_clean, saved_filters
from caregivers.filters import TABS, RequestQueueFilter
from caregivers.forms import CareEndedForm, network_formset, network_initial
from caregivers.intake import (
    OPEN_STATUSES,
    QUEUE_PAGE_SIZE,
    QueueEntry,
    is_waiting_long,
    queue_counts,
    queue_page,
    request_care_owner,
    request_close_solved,
    request_for_broker,
    request_intake_save,
    request_mark_ready,
    request_refer,
    request_reopen,
    request_start_intake,
    requests_of_organisation,
    state_error,
)
from caregivers.models import CareSignal, HelpRequest, RequestDate
from caregivers.outreach import signal_for_broker, signal_prefill, signal_to_request, signals_open
from caregivers.priority import known_urgency, priority_percent, request_priority, waiting_days
from caregivers.referral import referral_targets
from caregivers.selectors import REQUEST_STATUS_BADGE, burden_direction, burden_sparkline, burden_trend
from caregivers.services import care_ended_set, request_submit, request_withdraw
from common.errors import DomainError
from common.languages import language_label
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
        request.GET,
        queryset=requests_of_organisation(organisation=organisation),
        organisation=organisation,
        now=now,
        user=request.user,
    )
    sort = filterset.sort_value
    if sort == "priority":
        page = queue_page(
            queryset=filterset.qs, organisation=organisation, now=now, page_number=request.GET.get("page")
        )
    else:
        page = _queue_page_by_date(
            filterset.qs,
            newest_first=sort == "newest",
            organisation=organisation,
            now=now,
            page_number=request.GET.get("page"),
        )
    partial = bool(request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"))
    # Open signals stand above the requests (not in the htmx swap of the results).
    signals = [] if partial else list(signals_open(organisation=organisation).select_related("neighbourhood")[:50])
    if page.object_list or signals:
        # One row per page view, naming every request and signal it listed (names, kinds
        # and the "heavily burdened" flag are care data too).
        access_record(
            request=request,
            subject=Subject.organisation(organisation),
            what=What.QUEUE,
            obj=[entry.request for entry in page.object_list] + signals,
        )
    counts = queue_counts(organisation=organisation)
    query = queue_query_clean(request.GET, organisation=organisation, user=request.user, now=now, filterset=filterset)
    brokers = organisation_brokers(organisation=organisation)
    context = {
        "organisation": organisation,
        "filter": filterset,
        "page": page,
        "rows": _queue_rows(page.object_list, organisation=organisation, user=request.user),
        "tab": filterset.tab_value,
        "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
        "signals": signals,
        "now": now,
        "query": query,
        "saved_filters": saved_filters(user=request.user, organisation=organisation),
        "save_filter_form": SaveFilterForm(),
        "bulk_form": BulkForm(brokers=brokers, initial={"assignee": request.user.pk, "query": query}),
        "mine_count": requests_of_organisation(organisation=organisation)
        .filter(assigned_to=request.user, status__in=OPEN_STATUSES)
        .count(),
    }
    # htmx swaps only the results; a history restore (back button) needs the whole page.
    context["partial"] = partial
    template = "caregivers/broker/_queue_results.html" if partial else "caregivers/broker/queue.html"
    return render(request, template, context)


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue as the page prints it (``_queue_results.html``).

    What a row shows is worked out here, once per page, so that the template's loop
    only places values: the labels come from dictionaries built once instead of a
    ``get_FOO_display`` per cell, and there is no include per row (issue #12: the rows
    were most of the page's time). Each value is what the template computed before."""

    entry: QueueEntry
    request: HelpRequest
    url: str
    select_label: str  # the check box's label, "Kies vraag #12 van Anna"
    waiting_text: str  # the "wacht al 40 dagen" badge, "" unless waiting long
    age_text: str  # "3 dagen geleden", "" on the day itself
    kind: str  # get_kind_display|capfirst
    status: str  # get_status_display
    status_badge: str  # the badge class of the status
    urgency: str  # get_urgency_display
    source: str  # get_source_display, "" for the usual source (no badge)
    broker: str  # the assigned broker's name, else e-mail; "" when nobody
    broker_is_me: bool
    created_iso: str  # created_at|date:"c" in the current time zone
    created_date: str  # created_at|date:"j F Y"
    when_slots: tuple[str, ...]  # up to two weekly times, "wekelijks di 09:00-12:00"
    when_dates: tuple[RequestDate, ...]  # up to two dates, only when there are no weekly times
    when_more: bool  # more times than shown, or both kinds
    when_known: bool


# The texts below are what the template's {% blocktranslate %} gave: the translation as
# it is, the values put in as a template prints them (escaped, localised); made once
# per row here because a blocktranslate per cell was a third of the rows' time.
_TEMPLATE_CONTEXT = Context()


def _text(message: str, **values) -> str:
    printed = {key: render_value_in_context(value, _TEMPLATE_CONTEXT) for key, value in values.items()}
    return mark_safe(message % printed)  # noqa: S308 - a translation with escaped values, as blocktranslate gives


def _choice_labels(field: str) -> dict:
    """``{value: label}`` of a HelpRequest field in the active language, as
    ``get_FOO_display`` gives them."""
    return {value: str(label) for value, label in HelpRequest._meta.get_field(field).flatchoices}


def _queue_rows(entries: list[QueueEntry], *, organisation, user) -> list[QueueRow]:
    kinds, statuses = _choice_labels("kind"), _choice_labels("status")
    urgencies, sources = _choice_labels("urgency"), _choice_labels("source")
    dates: dict[datetime.date, str] = {}  # "j F Y" depends on the day only
    rows = []
    for entry in entries:
        item = entry.request
        created = timezone.localtime(item.created_at)
        day = created.date()
        if day not in dates:
            dates[day] = formats.date_format(created, "j F Y")
        slots, when = entry.slots, entry.dates
        broker = item.assigned_to
        rows.append(
            QueueRow(
                entry=entry,
                request=item,
                url=reverse("caregivers_broker:detail", args=[organisation.slug, item.pk]),
                select_label=_text(_("Kies vraag #%(pk)s van %(name)s"), pk=item.pk, name=item.requester_first_name),
                waiting_text=_text(
                    ngettext("wacht al %(counter)s dag", "wacht al %(counter)s dagen", entry.waiting_days),
                    counter=entry.waiting_days,
                )
                if entry.waiting_long
                else "",
                age_text=_text(
                    ngettext("%(counter)s dag geleden", "%(counter)s dagen geleden", entry.waiting_days),
                    counter=entry.waiting_days,
                )
                if entry.waiting_days
                else "",
                kind=capfirst(kinds.get(item.kind, item.kind)),
                status=statuses.get(item.status, item.status),
                status_badge=REQUEST_STATUS_BADGE.get(item.status, ""),
                urgency=urgencies.get(item.urgency, item.urgency),
                source=sources.get(item.source, item.source) if item.source else "",
                broker=(broker.get_full_name() or broker.email) if broker else "",
                broker_is_me=broker is not None and item.assigned_to_id == user.pk,
                created_iso=created.isoformat(),
                created_date=dates[day],
                when_slots=tuple(_text(_("wekelijks %(slot)s"), slot=str(slot)) for slot in slots[:2]),
                when_dates=() if slots else tuple(when[:2]),
                when_more=len(slots) > 2 or len(when) > 2 or bool(slots and when),
                when_known=bool(slots or when),
            )
        )
    return rows


def _queue_page_by_date(queryset, *, newest_first: bool, organisation, now, page_number):
    """One page of the queue in the order the request came in (newest or longest
    waiting first). The rows on the page get their priority and flags from
    ``queue_page`` itself, so the priority is computed in one place only."""
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    page = Paginator(queryset.order_by(*order).values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(page_number)
    pks = list(page.object_list)
    ranked = queue_page(
        queryset=queryset.filter(pk__in=pks), organisation=organisation, now=now, per_page=max(1, len(pks))
    )
    entries = {entry.request.pk: entry for entry in ranked.object_list}
    page.object_list = [entries[pk] for pk in pks if pk in entries]
    return page


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
        "language_label": language_label(help_request.preferred_language),
        # A request from the public form whose e-mail is an account's verified address.
        "account_to_link": account_to_link(help_request),
        "assign_form": AssignForm(
            brokers=organisation_brokers(organisation=organisation), initial={"assignee": help_request.assigned_to_id}
        )
        if help_request.status in ASSIGNABLE_STATUSES
        else None,
        "can": {
            "start_intake": help_request.status == HelpRequest.Status.NEW,
            "intake": is_open,
            "mark_ready": help_request.status == HelpRequest.Status.INTAKE,
            "refer": is_open,
            "withdraw": is_open,
            "close_solved": is_open,
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


@login_required
@require_POST
def request_account_link_view(request, slug, pk):
    """Link a request asked without an account to the account with the same verified
    e-mail address (``caregivers.asking``)."""
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    try:
        request_account_link(request=help_request, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_detail(request, organisation, help_request, status=400)
    messages.success(request, _("De vraag hoort nu bij het account. De hulpvrager ziet hem bij Mijn hulpvragen."))
    return _to_detail(organisation, help_request)


def _only_when_open(request, organisation, help_request):
    """Forms for open requests only: otherwise back to the request, with the reason."""
    if help_request.status in OPEN_STATUSES:
        return None
    messages.error(request, state_error(help_request.status).message)
    return _to_detail(organisation, help_request)


NetworkFormSet = network_formset(with_contact=True)


@login_required
def request_intake(request, slug, pk):
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    if request.method != "POST" and (response := _only_when_open(request, organisation, help_request)):
        return response
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, organisation=organisation, initial=IntakeForm.initial_for(help_request))
    # A post without the network's part (an older page, a script) keeps the stored network.
    network_posted = data is not None and "network-TOTAL_FORMS" in data
    network = NetworkFormSet(data if network_posted else None, prefix="network", initial=network_initial(help_request))
    if request.method == "POST" and all([form.is_valid(), not network_posted or network.is_valid()]):
        ready = request.POST.get("action") == "ready"
        try:
            # Saving and marking ready are one step: if ready is refused, nothing is saved.
            with transaction.atomic():
                request_intake_save(
                    request=help_request,
                    by=request.user,
                    network=network.members() if network_posted else None,
                    **form.service_kwargs(),
                )
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
    elif request.method == "POST" and network_posted and not network.is_valid() and not form.errors:
        # The page's error summary is the form's: name the network's problem there too.
        form.add_error(None, _("Kijk de mensen uit het netwerk na: %(error)s") % {"error": network.all_errors[0]})
    request_read(request=request, help_request=help_request, what=What.REQUEST_INTAKE)
    return render(
        request,
        "caregivers/broker/intake.html",
        {"organisation": organisation, "item": help_request, "form": form, "network": network},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def request_close_solved_view(request, slug, pk):
    """Close as solved with the person's own strength or own network (no volunteer)."""
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    if request.method != "POST" and (response := _only_when_open(request, organisation, help_request)):
        return response
    form = CloseSolvedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_close_solved(request=help_request, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("De vraag is afgesloten: opgelost zonder vrijwilliger."))
            return _to_detail(organisation, help_request)
    request_read(
        request=request, help_request=help_request, what=What.REQUEST_STEP, obj=f"helprequest:{help_request.pk}:solved"
    )
    return render(
        request,
        "caregivers/broker/close_solved.html",
        {"organisation": organisation, "item": help_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def request_care_ended_view(request, slug, pk):
    """The broker records that the care of the request's carer ended (or goes on after
    all): no more check-in reminders or yearly thank-you mails. 404 without a carer."""
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    owner = request_care_owner(help_request)
    if owner is None:
        raise Http404
    form = CareEndedForm(request.POST or None, mantelzorger=owner, initial={"ended_on": owner.care_ended_on})
    if request.method == "POST" and form.is_valid():
        try:
            care_ended_set(mantelzorger=owner, by=request.user, ended_on=form.cleaned_data["ended_on"])
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Opgeslagen."))
            return _to_detail(organisation, help_request)
    request_read(
        request=request, help_request=help_request, what=What.REQUEST_STEP, obj=f"mantelzorger:{owner.pk}:care-ended"
    )
    return render(
        request,
        "caregivers/broker/care_ended.html",
        {"organisation": organisation, "item": help_request, "owner": owner, "form": form},
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
    signal = None
    if "signaal" in request.GET:
        # A signal becomes a request: the form starts with what the signal holds.
        try:
            signal_pk = int(request.GET["signaal"])
        except ValueError:
            signal_pk = 0
        signal = signal_for_broker(organisation=organisation, pk=signal_pk)
        if signal.status != CareSignal.Status.OPEN:
            messages.error(request, _("Dit signaal is al afgehandeld."))
            return redirect("caregivers_broker:signal", slug=organisation.slug, pk=signal.pk)
    initial = signal_prefill(signal) if signal is not None else None
    form = BehalfRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                help_request = request_submit(
                    organisation=organisation, entered_by=request.user, **form.service_kwargs()
                )
                if signal is not None:
                    signal_to_request(signal=signal, help_request=help_request, by=request.user)
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
    if signal is not None:
        signal_read(request=request, signal=signal, what=What.SIGNAL)
    return render(
        request,
        "caregivers/broker/new.html",
        {"organisation": organisation, "form": form, "signal": signal},
        status=400 if request.method == "POST" else 200,
    )
