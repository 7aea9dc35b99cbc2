"""The broker's "needs attention" page (mounted at ``/organisatie/<slug>/aandacht/``,
namespace ``attention``): everything that stalls in the organisation, oldest first,
with a link to act and, for check-ins, an inline form.

Every view gets its organisation through ``staff_organisation`` (brokers and admins
of that organisation; 404 for everyone else) and looks matches up within it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from matches.attention import CHECKIN_NOTE_MAX, Kind, attention_items, match_checkin
from matches.models import Match
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation

STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)


class CheckinForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Hoe gaat het? (check-in)"),
        help_text=gettext_lazy("Wat zeiden de vrijwilliger en de hulpvrager? Kort is goed."),
        max_length=CHECKIN_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Schrijf kort hoe het gaat. Dat is nodig om de check-in op te slaan."),
            "max_length": gettext_lazy("Hoogstens %(limit_value)d tekens, nu %(show_value)d."),
        },
    )


def _checkin_form(pk: int, data=None) -> CheckinForm:
    # The field is posted as "note"; the ids differ per match (several forms on one page).
    return CheckinForm(data, auto_id=f"checkin-{pk}-%s")


def _render_list(request, organisation, *, bound: CheckinForm | None = None, bound_pk=None, error="", status=200):
    items = attention_items(organisation=organisation, now=timezone.now())
    shown = False
    for item in items:
        if item.kind == Kind.CHECKIN:
            if bound is not None and item.obj.pk == bound_pk:
                item.form, shown = bound, True
            else:
                item.form = _checkin_form(item.obj.pk)
    if bound is not None and not shown and bound.errors:
        # The match is not on the list (not due): say why at the top.
        error = " ".join(str(m) for errors in bound.errors.values() for m in errors)
    counts = dict.fromkeys(Kind.ORDER, 0)
    for item in items:
        counts[item.kind] += 1
    context = {
        "organisation": organisation,
        "items": items,
        "counts": [(Kind.LABELS[kind], counts[kind]) for kind in Kind.ORDER],
        "error": error,
    }
    return render(request, "matches/attention_list.html", context, status=status)


@login_required
@require_GET
def attention_list(request, slug) -> HttpResponse:
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    return _render_list(request, organisation)


@login_required
@require_POST
def checkin(request, slug, pk) -> HttpResponse:
    """Record a check-in on an active match of the organisation (POST ``note``)."""
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    match = Match.objects.filter(organisation=organisation, pk=pk).first()
    if match is None:
        raise Http404
    form = _checkin_form(match.pk, request.POST)
    if form.is_valid():
        try:
            match_checkin(match=match, by=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                # Not active (any more): nothing to fill in differently; say why.
                messages.error(request, error.message)
                return redirect("attention:list", slug=organisation.slug)
        else:
            messages.success(request, _("De check-in is opgeslagen bij koppeling #%(pk)s.") % {"pk": match.pk})
            return redirect("attention:list", slug=organisation.slug)
    return _render_list(request, organisation, bound=form, bound_pk=match.pk, status=400)
