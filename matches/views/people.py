"""The people's own match pages (mounted at ``/koppelingen/``, namespace ``matching_people``).

* The volunteer ("Mijn voorstellen en koppelingen"): proposals without the requester's
  name, address or phone (kind, what is needed, area, distance, when); yes in one
  click, no with a reason; once they said yes: the address and phone, the schedule,
  and for running matches an hours form with the list and totals.
* The requester or mantelzorger ("Wie komt er?"): the volunteer's first name, when,
  the state; "Ja, dit past" / "Past niet" after the volunteer said yes, "Past niet
  meer" while it runs.
* The links from the proposal e-mail: GET shows a confirmation page (mail scanners
  fetch links, so GET never changes anything), POST uses the single-use link. No
  login: the secret is the proof; the page shows no more than a proposal does.

Every match is looked up through the logged-in person (404 for anyone else's).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessLogEntry
from audit.services import access_record_many
from caregivers.access import request_read, request_subject
from common.errors import DomainError
from matches.lifecycle import (
    LinkError,
    hours_log,
    match_accept,
    match_activate,
    match_decline,
    match_link_check,
    match_link_use,
)
from matches.links import LINK_DAYS
from matches.models import HoursEntry, Match, MatchLinkToken
from matches.selectors import (
    HOURS_GRACE_DAYS,
    hours_can_be_logged,
    hours_totals,
    is_match_volunteer,
    match_of_requester,
    match_of_volunteer,
    matches_of_requester,
    matches_of_volunteer,
    proposal_summary,
    requester_contact,
)
from volunteers.selectors import volunteer_for_user

Status = Match.Status
Reason = Match.DeclineReason

VOLUNTEER_REASONS = (Reason.NO_TIME, Reason.TOO_FAR, Reason.NOT_MY_THING, Reason.NO_CLICK, Reason.OTHER)
REQUESTER_REASONS = (Reason.NO_CLICK, Reason.NO_TIME, Reason.NO_LONGER_NEEDED, Reason.OTHER)

STATUS_BADGE = {
    Status.PROPOSED: "badge--info",
    Status.ACCEPTED_BY_VOLUNTEER: "badge--warning",
    Status.ACTIVE: "badge--success",
    Status.ENDED: "",
    Status.DECLINED: "",
    Status.CANCELLED: "",
}

# What each state means for the volunteer, in plain words.
VOLUNTEER_STATUS_TEXT = {
    Status.PROPOSED: gettext_lazy("Nieuw voorstel: wilt u helpen?"),
    Status.ACCEPTED_BY_VOLUNTEER: gettext_lazy("U zei ja. Nu kiest de hulpvrager."),
    Status.ACTIVE: gettext_lazy("Loopt"),
    Status.ENDED: gettext_lazy("Afgerond"),
    Status.DECLINED: gettext_lazy("Gaat niet door"),
    Status.CANCELLED: gettext_lazy("Ingetrokken door de vrijwilligerscentrale"),
}

# What each state means for the requester.
REQUESTER_STATUS_TEXT = {
    Status.PROPOSED: gettext_lazy("We hebben een vrijwilliger gevraagd. We wachten op antwoord."),
    Status.ACCEPTED_BY_VOLUNTEER: gettext_lazy("De vrijwilliger wil graag helpen. Past het voor u?"),
    Status.ACTIVE: gettext_lazy("Deze vrijwilliger helpt u"),
    Status.ENDED: gettext_lazy("Afgerond"),
    Status.DECLINED: gettext_lazy("Gaat niet door"),
    Status.CANCELLED: gettext_lazy("Gaat niet door"),
}

PAST_LIMIT = 20


# --- Forms ----------------------------------------------------------------------------


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Waarom past het niet?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies een reden."),
            "invalid_choice": gettext_lazy("Kies een reden uit de lijst."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Wilt u iets uitleggen?"),
        help_text=gettext_lazy("Bij ‘anders’: schrijf kort waarom."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d.")},
    )

    def __init__(self, *args, reasons=VOLUNTEER_REASONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r.value, r.label) for r in reasons]


class RequesterActivateForm(forms.Form):
    """ "Ja, dit past", with the day of the introduction meeting when there was one."""

    intro_meeting_at = forms.DateTimeField(
        label=gettext_lazy("Wanneer was de kennismaking?"),
        help_text=gettext_lazy("Niet verplicht. Datum en tijd, als u dat nog weet."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        error_messages={"invalid": gettext_lazy("Vul een datum en tijd in, bijvoorbeeld 03-06-2030 14:00.")},
    )


class HoursForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": gettext_lazy("Vul een datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in, bijvoorbeeld 03-06-2030."),
        },
    )
    hours = forms.CharField(
        label=gettext_lazy("Aantal uren"),
        help_text=gettext_lazy("Per kwartier, bijvoorbeeld 1,5 of 2,25."),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Vul het aantal uren in.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Opmerking"),
        required=False,
        max_length=HoursEntry._meta.get_field("note").max_length,
        error_messages={"max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d.")},
    )


def _add_error(form: forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- The volunteer ----------------------------------------------------------------------


def _volunteer_rows(volunteer, *, bound: dict[int, dict[str, forms.Form]] | None = None) -> dict[str, list[dict]]:
    bound = bound or {}
    groups: dict[str, list[dict]] = {"proposals": [], "current": [], "past": []}
    for match in matches_of_volunteer(volunteer=volunteer):
        own = bound.get(match.pk, {})
        row = {
            "match": match,
            "summary": proposal_summary(match),
            "status_text": VOLUNTEER_STATUS_TEXT.get(match.status, ""),
            "badge": STATUS_BADGE.get(match.status, ""),
        }
        if match.status == Status.PROPOSED:
            row["decline_form"] = own.get("decline") or DeclineForm(auto_id=f"id_m{match.pk}_decline_%s")
            groups["proposals"].append(row)
            continue
        can_log = hours_can_be_logged(match)
        if match.status in (Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE) or can_log:
            if match.status in (Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE):
                row["contact"] = requester_contact(match)
                row["care_recipient"] = match.request.care_recipient
            if match.status == Status.ACCEPTED_BY_VOLUNTEER:
                row["decline_form"] = own.get("decline") or DeclineForm(auto_id=f"id_m{match.pk}_decline_%s")
            entries = list(match.hours.all())
            row["hours"] = entries
            row["totals"] = hours_totals(entries)
            if can_log:
                row["hours_form"] = own.get("hours") or HoursForm(auto_id=f"id_m{match.pk}_hours_%s")
            groups["current"].append(row)
        elif len(groups["past"]) < PAST_LIMIT:
            groups["past"].append(row)
    # Proposals: oldest first, so the one waiting longest is answered first.
    groups["proposals"].reverse()
    return groups


def _render_mine(request, volunteer, *, bound=None, error: str | None = None, status: int = 200) -> HttpResponse:
    groups = _volunteer_rows(volunteer, bound=bound) if volunteer else None
    context = {
        "volunteer": volunteer,
        "groups": groups,
        "error": error,
        "grace_days": HOURS_GRACE_DAYS,
    }
    # Proposals and current matches show the requester's own words, and once the
    # volunteer said yes the address and the notes about the person cared for: one
    # log row per request shown. Earlier matches show only the kind and the area.
    shown = (groups or {}).get("proposals", []) + (groups or {}).get("current", [])
    access_record_many(
        request=request,
        reads=[(request_subject(row["match"].request), row["match"]) for row in shown],
        what=AccessLogEntry.What.VOLUNTEER_MATCH,
        role="volunteer",
    )
    return render(request, "matches/people/volunteer.html", context, status=status)


@login_required
@never_cache
def mine(request) -> HttpResponse:
    """ "Mijn voorstellen en koppelingen" for the logged-in volunteer."""
    return _render_mine(request, volunteer_for_user(request.user))


@login_required
@require_POST
def accept(request, pk: int) -> HttpResponse:
    match = match_of_volunteer(user=request.user, pk=pk)
    try:
        match_accept(match=match, by=request.user)
    except DomainError as error:
        return _render_mine(request, volunteer_for_user(request.user), error=error.message, status=400)
    messages.success(
        request,
        _(
            "Dank u wel! U zei ja. We vragen nu of het past voor de hulpvrager. "
            "Het adres en telefoonnummer staan hieronder."
        ),
    )
    return redirect(f"{reverse('matching_people:mine')}#match-{match.pk}")


def _decline_page(request, match, form, *, side: str, status: int = 200) -> HttpResponse:
    context = {
        "match": match,
        "form": form,
        "side": side,
        "summary": proposal_summary(match),
        "volunteer_name": match.volunteer.first_name,
        "action": reverse(
            "matching_people:decline" if side == "volunteer" else "matching_people:requester_decline",
            kwargs={"pk": match.pk},
        ),
        "back": reverse("matching_people:mine" if side == "volunteer" else "matching_people:requester"),
    }
    if side == "volunteer":
        # The proposal's summary, the requester's own words included.
        request_read(
            request=request,
            help_request=match.request,
            what=AccessLogEntry.What.VOLUNTEER_MATCH,
            role="volunteer",
            obj=match,
        )
    return render(request, "matches/people/decline.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, pk: int) -> HttpResponse:
    """The volunteer says no (a proposal, or after saying yes), with a reason."""
    match = match_of_volunteer(user=request.user, pk=pk)
    if request.method == "GET":
        return _decline_page(request, match, DeclineForm(), side="volunteer")
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            match_decline(
                match=match,
                by=request.user,
                side="volunteer",
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Dank u. We hebben uw antwoord doorgegeven aan de vrijwilligerscentrale."))
            return redirect("matching_people:mine")
    return _decline_page(request, match, form, side="volunteer", status=400)


@login_required
@require_POST
def hours(request, pk: int) -> HttpResponse:
    """The volunteer writes hours on one of their matches."""
    match = match_of_volunteer(user=request.user, pk=pk)
    form = HoursForm(request.POST, auto_id=f"id_m{match.pk}_hours_%s")
    if form.is_valid():
        try:
            entry = hours_log(
                match=match,
                by=request.user,
                date=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Uw uren zijn opgeslagen: %(hours)s uur op %(date)s. De makelaar keurt ze goed.")
                % {"hours": str(entry.hours.normalize()).replace(".", ","), "date": entry.date.strftime("%d-%m-%Y")},
            )
            return redirect(f"{reverse('matching_people:mine')}#match-{match.pk}")
    volunteer = volunteer_for_user(request.user)
    # A match that takes no hours has no form on the page: say it at the top.
    error = None if hours_can_be_logged(match) else " ".join(form.non_field_errors()) or None
    return _render_mine(request, volunteer, bound={match.pk: {"hours": form}}, error=error, status=400)


# --- The requester or mantelzorger ------------------------------------------------------


def _render_requester(request, *, error: str | None = None, status: int = 200) -> HttpResponse:
    current, past = [], []
    for match in matches_of_requester(user=request.user):
        row = {
            "match": match,
            "status_text": REQUESTER_STATUS_TEXT.get(match.status, ""),
            "badge": STATUS_BADGE.get(match.status, ""),
            "times": proposal_summary(match).times,
            # The volunteer's name only once they said yes.
            "volunteer_name": match.volunteer.first_name if match.status != Status.PROPOSED else "",
        }
        if match.status in Match.OPEN_STATES:
            current.append(row)
        elif len(past) < PAST_LIMIT:
            past.append(row)
    context = {"current": current, "past": past, "error": error}
    return render(request, "matches/people/requester.html", context, status=status)


@login_required
@never_cache
def requester(request) -> HttpResponse:
    """ "Wie komt er?" for the person who asked (or their mantelzorger)."""
    return _render_requester(request)


@login_required
@require_POST
def activate(request, pk: int) -> HttpResponse:
    """ "Ja, dit past": the requester agrees; the match starts."""
    match = match_of_requester(user=request.user, pk=pk)
    form = RequesterActivateForm(request.POST)
    if not form.is_valid():
        return _render_requester(request, error=" ".join(form.errors["intro_meeting_at"]), status=400)
    try:
        match_activate(match=match, by=request.user, intro_meeting_at=form.cleaned_data["intro_meeting_at"])
    except DomainError as error:
        return _render_requester(request, error=error.message, status=400)
    messages.success(
        request,
        _("Fijn! %(name)s komt helpen. De vrijwilliger neemt contact met u op.") % {"name": match.volunteer.first_name},
    )
    return redirect("matching_people:requester")


@login_required
@require_http_methods(["GET", "POST"])
def requester_decline(request, pk: int) -> HttpResponse:
    """ "Past niet" (after the volunteer said yes) or "Past niet meer" (while it runs)."""
    match = match_of_requester(user=request.user, pk=pk)
    if match.status == Status.PROPOSED:
        raise Http404
    if request.method == "GET":
        return _decline_page(request, match, DeclineForm(reasons=REQUESTER_REASONS), side="requester")
    form = DeclineForm(request.POST, reasons=REQUESTER_REASONS)
    if form.is_valid():
        try:
            match_decline(
                match=match,
                by=request.user,
                side="requester",
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Dank u. De makelaar weet nu dat het niet past en neemt contact met u op."),
            )
            return redirect("matching_people:requester")
    return _decline_page(request, match, form, side="requester", status=400)


# --- Links from the proposal e-mail ----------------------------------------------------


def _link_response(request, context: dict, *, status: int = 200) -> HttpResponse:
    if context.get("summary") is not None and context.get("match") is not None:
        # Whoever holds the link sees kind, area and time (and, logged in as the
        # volunteer, the requester's words): logged like any other read.
        match = context["match"]
        request_read(
            request=request,
            help_request=match.request,
            what=AccessLogEntry.What.LINK_PAGE,
            role="volunteer" if not context.get("hide_description") else "link",
            obj=match,
        )
    response = render(request, "matches/people/link.html", context, status=status)
    # The secret is in the address: never send it to another site as a Referer, never
    # cache or index it. Not "no-referrer": then browsers send "Origin: null" with the
    # page's own form and Django's CSRF check refuses the yes/no (403).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def link(request, purpose: str, secret: str) -> HttpResponse:
    """GET: the proposal and a button (nothing changes). POST: use the link."""
    if purpose not in MatchLinkToken.Purpose.values:
        raise Http404
    is_decline = purpose == MatchLinkToken.Purpose.DECLINE
    context: dict = {"purpose": purpose, "days": LINK_DAYS}
    try:
        match = match_link_check(secret=secret, purpose=purpose)
    except LinkError as error:
        return _link_response(request, {**context, "error": error.message}, status=error.status)
    context["summary"] = proposal_summary(match)
    context["match"] = match
    # Whoever holds the link sees what the volunteer needs to decide (kind, area, time);
    # the requester's own words only once the volunteer has logged in.
    context["hide_description"] = not is_match_volunteer(request.user, match)
    context["login_url"] = f"{reverse('account_login')}?next={reverse('matching_people:mine')}"
    form = DeclineForm(request.POST or None) if is_decline else None
    context["form"] = form
    if request.method == "GET":
        return _link_response(request, context)
    if form is not None and not form.is_valid():
        return _link_response(request, context, status=400)
    try:
        if is_decline:
            match_link_use(
                secret=secret, purpose=purpose, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        else:
            match_link_use(secret=secret, purpose=purpose)
    except LinkError as error:
        return _link_response(request, {**context, "summary": None, "error": error.message}, status=error.status)
    except DomainError as error:
        if form is None:
            return _link_response(request, {**context, "error": error.message}, status=400)
        _add_error(form, error)
        return _link_response(request, context, status=400)
    return _link_response(request, {**context, "done": True, "summary": None})
