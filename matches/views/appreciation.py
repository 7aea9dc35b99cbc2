"""The volunteer's yearly overview and certificate (``/koppelingen/jaaroverzicht/``,
namespace ``matching_people``). No view takes a volunteer's id: each shows the logged-in
person's own volunteer profile, and is a 404 for anyone who has none. A year that is not
possible (in the future, before the platform) is a 404; a year without activity shows
a message on the page and gets no certificate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from matches.appreciation import (
    AMSTERDAM,
    volunteer_activity_years,
    volunteer_year_overview,
    year_is_possible,
)
from matches.certificate import certificate_pdf, matches_sentence, thank_you_text
from volunteers.selectors import volunteer_for_user


def _volunteer(request):
    volunteer = volunteer_for_user(request.user)
    if volunteer is None:
        raise Http404
    return volunteer


@login_required
@require_GET
@never_cache
def year_overview(request, year: int | None = None) -> HttpResponse:
    """ "Mijn jaaroverzicht": this year unless another is chosen."""
    volunteer = _volunteer(request)
    today = timezone.now().astimezone(AMSTERDAM).date()
    year = today.year if year is None else year
    if not year_is_possible(year, today=today):
        raise Http404
    overview = volunteer_year_overview(volunteer=volunteer, year=year, today=today)
    years = volunteer_activity_years(volunteer=volunteer, today=today)
    context = {
        "volunteer": volunteer,
        "overview": overview,
        "years": years,
        "matches_sentence": matches_sentence(overview),
        "thank_you": thank_you_text(overview),
    }
    return render(request, "matches/people/year_overview.html", context)


@login_required
@require_GET
@never_cache
def certificate(request, year: int) -> HttpResponse:
    """The PDF for one year; a year without activity gets a page that says so (404)."""
    volunteer = _volunteer(request)
    today = timezone.now().astimezone(AMSTERDAM).date()
    if not year_is_possible(year, today=today):
        raise Http404
    overview = volunteer_year_overview(volunteer=volunteer, year=year, today=today)
    if overview.is_empty:
        context = {
            "volunteer": volunteer,
            "overview": overview,
            "years": volunteer_activity_years(volunteer=volunteer, today=today),
            "error": _("In %(year)s hebt u nog geen goedgekeurde uren of koppelingen. Er is dus geen bewijs.")
            % {"year": year},
        }
        return render(request, "matches/people/year_overview.html", context, status=404)
    response = HttpResponse(certificate_pdf(overview, issued_on=today), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bedankt-{year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
