"""JSON API for matching: ranked suggestions for one request.

``GET /organisatie/<slug>/koppelen/api/<pk>/?limit=N`` (``matching:api_suggestions``)::

    {"request": 12, "limit": 10,
     "candidates": [{"volunteer": 7, "name": "Zoë van 't Hof", "area": "Velp", "score": 0.8123,
                     "distance_km": 3.24,
                     "reasons": [{"code": "distance", "km": 3.2, "text": "3,2 km"},
                                 {"code": "available", "slots": [["tue", "13:00", "17:00"]],
                                  "text": "beschikbaar di 13:00-17:00"}, ...]}],
     "summary": [{"code": "nearby", "count": 12, "km": 5.0,
                  "text": "12 vrijwilligers in de buurt (binnen 5,0 km)"},
                 {"code": "not_available_on", "count": 9, "day": "tue",
                  "text": "9 niet beschikbaar op dinsdag"}, ...],
     "rejections": {"not_available": 9, ...}}

Every reason and summary line is its code with parameters (``matches.reasons`` lists
them), for programs, and its ``text`` in the language of the session, for people.

Errors are JSON too, always ``{"error": "<reason in the session's language>"}``:

* 401 not logged in (never a redirect to the login page);
* 404 unknown request, a request of another organisation, or no broker/admin role
  in this organisation (the same answer, so nothing leaks about what exists);
* 400 ``limit`` not a whole number from 1 to 100;
* 405 any method but GET/HEAD;
* 409 the request is not ready to match (or has no location): there is nothing to
  suggest *yet*, which is a state conflict rather than an empty answer.
"""

from __future__ import annotations

import functools
import re

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from audit.models import AccessLogEntry
from caregivers.access import request_read
from matches.reasons import reason_text
from matching.engine.suggest import MAX_LIMIT
from matching.selectors import DEFAULT_LIMIT, request_for_matching, volunteer_candidates
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation

STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,3}$")


def json_error(message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def api_view(methods: tuple[str, ...] = ("GET", "HEAD")):
    """JSON-only endpoint: 405/401/404 as JSON with a reason, never HTML or a redirect."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return json_error(_("Deze methode kan hier niet."), 405, Allow=", ".join(methods))
            if not request.user.is_authenticated:
                return json_error(_("Log eerst in."), 401)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return json_error(_("Niet gevonden."), 404)

        return wrapper

    return decorate


def parse_limit(value: str | None) -> int | None:
    """The limit asked for: the default when absent, None when it is not 1..100."""
    if value is None:
        return DEFAULT_LIMIT
    if not _WHOLE_NUMBER.match(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_LIMIT else None


def _with_text(reasons) -> list[dict]:
    """Each reason with its code and parameters, and as text in the active language."""
    return [{**reason, "text": reason_text(reason)} for reason in reasons]


@api_view()
def api_suggestions(request, slug, pk):
    organisation = staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)
    limit = parse_limit(request.GET.get("limit"))
    if limit is None:
        return json_error(_("limit moet een getal van 1 tot 100 zijn"), 400)
    try:
        help_request = request_for_matching(organisation=organisation, pk=pk)
    except Http404:
        return json_error(_("Deze hulpvraag bestaat niet of hoort niet bij uw organisatie."), 404)
    found = volunteer_candidates(organisation=organisation, request=help_request, limit=limit)
    if found.problem:
        return json_error(found.problem, 409)
    request_read(request=request, help_request=help_request, what=AccessLogEntry.What.SUGGESTIONS_API)
    return JsonResponse(
        {
            "request": help_request.pk,
            "limit": limit,
            "candidates": [
                {
                    "volunteer": c.volunteer_id,
                    "name": c.name,
                    "area": c.area,
                    "score": c.score,
                    "distance_km": round(c.distance_km, 2),
                    "reasons": _with_text(c.reasons),
                }
                for c in found.candidates
            ],
            "summary": _with_text(found.summary),
            "rejections": found.rejections,
        }
    )
