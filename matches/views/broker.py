"""The broker's match pages (mounted at ``/organisatie/<slug>/koppelingen/``, namespace
``matching_broker``): the organisation's open matches (proposals waiting longest
first), pending hours per volunteer and per match, and one match with its history,
where the broker cancels, records the start (with the introduction meeting), ends
it with the evaluation, and approves hours.

Every view gets its organisation through ``staff_organisation`` (brokers and
admins of that organisation; 404 for everyone else) and looks the match up within it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessLogEntry
from caregivers.access import request_read
from caregivers.models import HelpRequest
from common.errors import DomainError
from matches.lifecycle import hours_approve, hours_approve_all, match_activate, match_cancel, match_end
from matches.models import Evaluation, HoursEntry, Match
from matches.selectors import (
    OpenMatches,
    hours_totals,
    match_for_broker,
    open_matches_of_organisation,
    pending_hours_per_match,
    pending_hours_per_volunteer,
    requester_contact,
)
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation
from notifications.selectors import notifications_for_match

STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)
Status = Match.Status

STATUS_BADGE = {
    Status.PROPOSED: "badge--info",
    Status.ACCEPTED_BY_VOLUNTEER: "badge--warning",
    Status.ACTIVE: "badge--success",
    Status.ENDED: "",
    Status.DECLINED: "badge--danger",
    Status.CANCELLED: "",
}
SATISFACTION_CHOICES = [("", gettext_lazy("weet ik niet"))] + [(str(i), str(i)) for i in range(1, 6)]
# A proposal without an answer after this many days is marked on the list.


# --- Forms ------------------------------------------------------------------------------


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Waarom annuleert u deze koppeling?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Schrijf kort waarom u deze koppeling annuleert."),
            "max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d."),
        },
    )


class ActivateForm(forms.Form):
    intro_meeting_at = forms.DateTimeField(
        label=gettext_lazy("Kennismaking op"),
        help_text=gettext_lazy("Datum en tijd van het kennismakingsgesprek, als dat er was."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        error_messages={"invalid": gettext_lazy("Vul een datum en tijd in, bijvoorbeeld 03-06-2030 14:00.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Notitie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d.")},
    )


def _satisfaction_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SATISFACTION_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("1 = heel ontevreden, 5 = heel tevreden"),
        error_messages={"invalid_choice": gettext_lazy("Kies een getal van 1 tot 5.")},
    )


class EndForm(forms.Form):
    goal_reached = forms.ChoiceField(
        label=gettext_lazy("Is het doel bereikt?"),
        choices=Evaluation.Goal.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies of het doel bereikt is."),
            "invalid_choice": gettext_lazy("Kies ja, gedeeltelijk of nee."),
        },
    )
    volunteer_satisfaction = _satisfaction_field(gettext_lazy("Hoe tevreden is de vrijwilliger?"))
    requester_satisfaction = _satisfaction_field(gettext_lazy("Hoe tevreden is de hulpvrager?"))
    next_step = forms.ChoiceField(
        label=gettext_lazy("Hoe gaat het verder met de vraag?"),
        choices=Evaluation.Next.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Doorverwijzen: de vraag gaat terug naar de intake. Daar legt u vast naar wie en waarom."
        ),
        error_messages={
            "required": gettext_lazy("Kies hoe het verder gaat."),
            "invalid_choice": gettext_lazy("Kies hoe het verder gaat."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d.")},
    )


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)


def _add_error(form: forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _status_label(value: str) -> str:
    return Match.Status(value).label if value in Match.Status.values else "–"


# --- Pages ------------------------------------------------------------------------------


@login_required
@require_GET
def match_list(request, slug) -> HttpResponse:
    """The organisation's open matches and the hours waiting for approval."""
    organisation = _organisation(request, slug)
    groups = open_matches_of_organisation(organisation=organisation, pages=request.GET)
    per_volunteer = pending_hours_per_volunteer(organisation=organisation)
    per_match = pending_hours_per_match(organisation=organisation)
    _rows_prepare(groups, per_volunteer, per_match, slug=organisation.slug)
    now = timezone.now()
    for match in groups.proposed:
        match.waiting_days = (now - match.created_at).days
        match.waiting_long = match.waiting_days >= organisation.proposal_reminder_days
    context = {
        "organisation": organisation,
        "groups": groups,
        "per_volunteer": per_volunteer,
        "per_match": per_match,
        "wait_days": organisation.proposal_reminder_days,
    }
    return render(request, "matches/broker/list.html", context)


def _rows_prepare(groups: OpenMatches, per_volunteer: list[dict], per_match: list[dict], *, slug: str) -> None:
    """Work the list's template would otherwise repeat for every row, done once per
    page with the same functions, so the page stays the same: the link to the match (one
    ``reverse`` instead of one per row), the kind's label (``get_kind_display``
    rebuilds the choices on each call), the date shown (the ``date`` filter: local
    time, "j F Y"), and the hours' numbers (``localize`` and ``floatformat`` look the
    locale's formats up on every call); dates and numbers once per distinct value."""
    marker = 918273645
    head, tail = reverse("matching_broker:detail", args=[slug, marker]).rsplit(str(marker), 1)
    kinds = {value: str(label) for value, label in HelpRequest.Kind.choices}
    days: dict[datetime.date, str] = {}

    def day_text(moment: datetime.datetime | None) -> str:
        if moment is None:
            return ""
        local = timezone.localtime(moment)
        day = local.date()
        if day not in days:
            days[day] = date_format(local, "j F Y")
        return days[day]

    shown = {"proposed": "created_at", "accepted": "accepted_at", "active": "activated_at"}
    for name, field in shown.items():
        for match in getattr(groups, name):
            match.detail_url = f"{head}{match.pk}{tail}"
            match.kind_label = kinds.get(match.request.kind, match.request.kind)
            match.date_text = day_text(getattr(match, field))
    entries: dict[int, str] = {}
    totals: dict[Decimal, str] = {}
    for row in (*per_volunteer, *per_match):
        if row["entries"] not in entries:
            entries[row["entries"]] = localize(row["entries"])
        if row["total"] not in totals:
            totals[row["total"]] = floatformat(row["total"], "-2")
        row["entries_text"], row["total_text"] = entries[row["entries"]], totals[row["total"]]
    for row in per_match:
        row["detail_url"] = f"{head}{row['match_id']}{tail}"


def _render_detail(request, organisation, match, *, bound: dict | None = None, error=None, status=200):
    bound = bound or {}
    match = match_for_broker(organisation=organisation, pk=match.pk)
    entries = list(match.hours.all())
    context = {
        "organisation": organisation,
        "match": match,
        "badge": STATUS_BADGE.get(match.status, ""),
        "events": [
            {"event": e, "from_label": _status_label(e.from_status), "to_label": _status_label(e.to_status)}
            for e in match.events.all()
        ],
        "contact": requester_contact(match),
        "hours": entries,
        "totals": hours_totals(entries),
        "evaluation": match.evaluation_or_none,
        "mails": list(notifications_for_match(match=match)),
        "error": error,
        "cancel_form": None,
        "activate_form": None,
        "end_form": None,
    }
    if match.status in Match.OPEN_STATES:
        context["cancel_form"] = bound.get("cancel") or CancelForm(prefix="cancel")
    if match.status == Status.ACCEPTED_BY_VOLUNTEER:
        context["activate_form"] = bound.get("activate") or ActivateForm(prefix="activate")
    if match.status == Status.ACTIVE:
        context["end_form"] = bound.get("end") or EndForm(prefix="end")
    # A refused step whose form is no longer on the page (the state moved): say why at the top.
    for key, form in bound.items():
        if context.get(f"{key}_form") is not form and form.errors:
            context["error"] = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    # The requester's name, address and phone with the match: a read of their file.
    request_read(request=request, help_request=match.request, what=AccessLogEntry.What.MATCH_DETAIL, obj=match)
    return render(request, "matches/broker/detail.html", context, status=status)


@login_required
@require_GET
def match_detail(request, slug, pk) -> HttpResponse:
    organisation = _organisation(request, slug)
    return _render_detail(request, organisation, match_for_broker(organisation=organisation, pk=pk))


def _post_action(request, slug, pk, *, key: str, form_class, prefix: str, act, success: str) -> HttpResponse:
    """Validate the form, call ``act(match, cleaned_data)``; on a refusal show the page
    again with the message at the form (status 400), nothing changed."""
    organisation = _organisation(request, slug)
    match = match_for_broker(organisation=organisation, pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(match, form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, success)
            return redirect("matching_broker:detail", slug=organisation.slug, pk=match.pk)
    return _render_detail(request, organisation, match, bound={key: form}, status=400)


@login_required
@require_POST
def cancel(request, slug, pk) -> HttpResponse:
    return _post_action(
        request,
        slug,
        pk,
        key="cancel",
        form_class=CancelForm,
        prefix="cancel",
        act=lambda match, data: match_cancel(match=match, by=request.user, reason=data["reason"]),
        success=_("De koppeling is geannuleerd. De plek van de vrijwilliger is weer vrij."),
    )


@login_required
@require_POST
def activate(request, slug, pk) -> HttpResponse:
    return _post_action(
        request,
        slug,
        pk,
        key="activate",
        form_class=ActivateForm,
        prefix="activate",
        act=lambda match, data: match_activate(
            match=match, by=request.user, intro_meeting_at=data["intro_meeting_at"], note=data["note"]
        ),
        success=_("De koppeling is gestart. De hulpvraag staat nu op gekoppeld."),
    )


@login_required
@require_POST
def end(request, slug, pk) -> HttpResponse:
    return _post_action(
        request,
        slug,
        pk,
        key="end",
        form_class=EndForm,
        prefix="end",
        act=lambda match, data: match_end(
            match=match,
            by=request.user,
            goal_reached=data["goal_reached"],
            volunteer_satisfaction=data["volunteer_satisfaction"],
            requester_satisfaction=data["requester_satisfaction"],
            next_step=data["next_step"],
            note=data["note"],
        ),
        success=_("De koppeling is afgerond en de evaluatie is opgeslagen."),
    )


@login_required
@require_POST
def hours_approve_one(request, slug, pk, entry) -> HttpResponse:
    organisation = _organisation(request, slug)
    match = match_for_broker(organisation=organisation, pk=pk)
    found = HoursEntry.objects.filter(pk=entry, match=match).first()
    if found is None:
        raise Http404
    try:
        hours_approve(entry=found, by=request.user)
    except DomainError as error:
        return _render_detail(request, organisation, match, error=error.message, status=400)
    messages.success(request, _("De uren zijn goedgekeurd."))
    return redirect(f"{reverse('matching_broker:detail', kwargs={'slug': organisation.slug, 'pk': match.pk})}#uren")


@login_required
@require_POST
def hours_approve_match(request, slug, pk) -> HttpResponse:
    organisation = _organisation(request, slug)
    match = match_for_broker(organisation=organisation, pk=pk)
    count = hours_approve_all(organisation=organisation, by=request.user, match=match)
    messages.success(request, _("Goedgekeurd: %(count)s regels met uren.") % {"count": count})
    return redirect(f"{reverse('matching_broker:detail', kwargs={'slug': organisation.slug, 'pk': match.pk})}#uren")


@login_required
@require_POST
def hours_approve_organisation(request, slug) -> HttpResponse:
    organisation = _organisation(request, slug)
    count = hours_approve_all(organisation=organisation, by=request.user)
    messages.success(request, _("Goedgekeurd: %(count)s regels met uren.") % {"count": count})
    return redirect("matching_broker:list", slug=organisation.slug)
