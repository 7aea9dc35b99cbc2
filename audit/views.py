"""The privacy officer's pages (``/organisatie/<slug>/inzagelog/``, namespace ``audit``):
the organisation's access log with filters, and its CSV export (which is logged too).

Only a ``privacy_officer`` of the organisation gets in; everyone else, other
organisations' officers included, gets 404 like on every staff page."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.forms import AccessLogFilterForm
from audit.models import AccessLogEntry
from audit.selectors import log_of_organisation, role_label
from audit.services import Subject, access_record
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation

PAGE_SIZE = 100
CSV_COLUMNS = [
    "seq",
    "at",
    "actor",
    "actor_role",
    "what",
    "subject",
    "object",
    "client_network",
    "user_agent",
    "hash",
]


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles={StaffMembership.Role.PRIVACY_OFFICER})


@login_required
@require_GET
@never_cache
def log_page(request, slug):
    organisation = _organisation(request, slug)
    form = AccessLogFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else {}
        rows = log_of_organisation(organisation=organisation, **filters).select_related("organisation")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for entry in page.object_list:
            entry.role_text = role_label(entry.actor_role)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"organisation": organisation, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/log.html", context, status=200 if page is not None else 400)


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (the user agent is the client's text)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def log_export(request, slug):
    organisation = _organisation(request, slug)
    form = AccessLogFilterForm(request.GET)
    if not form.is_valid():
        reasons = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponse(
            _("Het filter klopt niet: %(reasons)s") % {"reasons": reasons},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = log_of_organisation(organisation=organisation, **form.filters())
    # The export is a read of the log (and so of everyone in it): logged first.
    access_record(
        request=request,
        subject=Subject.organisation(organisation),
        what=AccessLogEntry.What.LOG_EXPORT,
        obj=f"filter:{request.GET.urlencode()}",
    )
    writer = csv.writer(_Echo())
    tz = timezone.get_current_timezone()

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for entry in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        entry.seq,
                        entry.at.astimezone(tz).isoformat(),
                        entry.actor_label,
                        entry.actor_role,
                        entry.what,
                        entry.subject_key,
                        entry.object_ref,
                        entry.client_ip,
                        entry.user_agent,
                        entry.hash,
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="inzagelog-{organisation.slug}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
