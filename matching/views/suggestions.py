"""The broker's suggestions for one request, and proposing a volunteer from them.

Mounted at ``/organisatie/<slug>/koppelen/`` (namespace ``matching``). Every view
gets its organisation through ``staff_organisation`` (brokers and admins of that
organisation; 404 for everyone else) and looks the request up within it.

``suggestions`` is a page of its own and, when htmx asks for it (``HX-Request``
header), the fragment the request page loads into itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessLogEntry
from caregivers.access import request_read
from common.errors import DomainError
from matches.lifecycle import match_proposal_mail
from matches.models import Match
from matches.proposals import match_propose
from matching.engine.suggest import MAX_LIMIT
from matching.selectors import (
    DEFAULT_LIMIT,
    MATCH_STATUS_BADGE,
    candidate_for_volunteer,
    request_for_matching,
    request_matches,
    volunteer_candidates,
)
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation
from volunteers.models import Volunteer

STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)


class ProposeForm(forms.Form):
    volunteer = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": gettext_lazy("Kies een vrijwilliger."),
            "invalid": gettext_lazy("Kies een vrijwilliger uit de lijst."),
            "min_value": gettext_lazy("Kies een vrijwilliger uit de lijst."),
        },
    )
    next = forms.CharField(required=False, max_length=500)


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _limit(value: str | None) -> int:
    """The number of candidates for the page: the default unless a whole number 1..100
    is asked for (a page never fails on a bad number; the API does say so)."""
    if value and value.isdigit() and 1 <= int(value) <= MAX_LIMIT:
        return int(value)
    return DEFAULT_LIMIT


def _safe_next(request, url: str | None) -> str | None:
    allowed = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed, require_https=request.is_secure()):
        return url
    return None


def _render(request, organisation, help_request, *, limit=DEFAULT_LIMIT, error=None, status=200, fragment=False):
    suggestions = volunteer_candidates(organisation=organisation, request=help_request, limit=limit)
    matches = list(request_matches(request=help_request))
    for match in matches:
        match.badge = MATCH_STATUS_BADGE.get(match.status, "")
    # Loaded into the request page: come back there after proposing.
    back = _safe_next(request, request.headers.get("HX-Current-URL")) if fragment else None
    context = {
        "organisation": organisation,
        "item": help_request,
        "suggestions": suggestions,
        "matches": matches,
        "proposed_ids": {m.volunteer_id for m in matches if m.status in Match.OPEN_STATES},
        "more_limit": min(limit + 20, MAX_LIMIT) if limit < MAX_LIMIT else None,
        "error": error,
        "next_url": back or "",
        "limit": limit,
    }
    template = "matching/_suggestions.html" if fragment else "matching/suggestions.html"
    request_read(request=request, help_request=help_request, what=AccessLogEntry.What.SUGGESTIONS)
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def suggestions(request, slug, pk) -> HttpResponse:
    """Ranked candidates for one request (page, or fragment for htmx)."""
    organisation = _organisation(request, slug)
    help_request = request_for_matching(organisation=organisation, pk=pk)
    return _render(
        request, organisation, help_request, limit=_limit(request.GET.get("limit")), fragment=is_htmx(request)
    )


@login_required
@require_POST
def propose(request, slug, pk) -> HttpResponse:
    """Propose one volunteer for the request (a Match in state ``proposed``)."""
    organisation = _organisation(request, slug)
    help_request = request_for_matching(organisation=organisation, pk=pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _render(request, organisation, help_request, error=error, status=400)
    volunteer = (
        Volunteer.objects.filter(organisation=organisation, pk=form.cleaned_data["volunteer"])
        .only("pk", "first_name", "last_name", "organisation_id")
        .first()
    )
    if volunteer is None:
        raise Http404
    try:
        candidate = candidate_for_volunteer(organisation=organisation, request=help_request, volunteer_id=volunteer.pk)
        # The proposal and its e-mail (single-use links to say yes or no) are stored
        # together: the e-mail goes out after the commit, or not at all.
        with transaction.atomic():
            match = match_propose(
                request=help_request,
                volunteer=volunteer,
                by=request.user,
                score=candidate.score,
                distance_km=candidate.distance_km,
                reasons=candidate.reasons,
                organisation=organisation,
            )
            match_proposal_mail(match=match, request_factory_or_base_url=request)
    except DomainError as error:
        return _render(request, organisation, help_request, error=error.message, status=400)
    messages.success(
        request,
        _("%(name)s is voorgesteld voor deze vraag. Neem contact op om het te bespreken.") % {"name": volunteer},
    )
    back = _safe_next(request, form.cleaned_data.get("next"))
    return redirect(back or reverse("matching:suggestions", kwargs={"slug": organisation.slug, "pk": help_request.pk}))
