"""The desk across requests: assigning a request to a broker, the broker's saved queue
filters, and bulk steps on requests chosen in the queue (``caregivers.desk``).

Every view is a POST, gets its organisation from the URL (404 for other organisations
and non-brokers, as the rest of the desk) and looks requests up within it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLogEntry
from audit.services import Subject, access_record
from caregivers.broker_forms import AssignForm, BulkForm, SaveFilterForm
from caregivers.desk import (
    broker_name,
    organisation_brokers,
    queue_query_clean,
    request_assign,
    requests_bulk,
    saved_filter_delete,
    saved_filter_save,
)
from caregivers.intake import request_for_broker, requests_of_organisation
from caregivers.views.broker import _first_error, _organisation, _render_detail, _to_detail
from common.errors import DomainError


def _queue_url(organisation, query: str = "") -> str:
    url = reverse("caregivers_broker:queue", kwargs={"slug": organisation.slug})
    return f"{url}?{query}" if query else url


@login_required
@require_POST
def request_assign_view(request, slug, pk):
    """Give one request to a broker of the organisation (or to nobody)."""
    organisation = _organisation(request, slug)
    help_request = request_for_broker(organisation=organisation, pk=pk)
    form = AssignForm(request.POST, brokers=organisation_brokers(organisation=organisation))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _render_detail(request, organisation, help_request, status=400)
    to = form.cleaned_data["assignee"]
    try:
        request_assign(request=help_request, to=to, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_detail(request, organisation, help_request, status=400)
    if to is None:
        messages.success(request, _("De vraag is aan niemand meer toegewezen."))
    elif to == request.user:
        messages.success(request, _("De vraag is aan u toegewezen."))
    else:
        messages.success(request, _("De vraag is toegewezen aan %(name)s.") % {"name": broker_name(to)})
    return _to_detail(organisation, help_request)


@login_required
@require_POST
def saved_filter_save_view(request, slug):
    """Store the queue's current filters (from the query string) under a name."""
    organisation = _organisation(request, slug)
    query = queue_query_clean(request.GET, organisation=organisation, user=request.user, now=timezone.now())
    form = SaveFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_queue_url(organisation, query))
    try:
        saved = saved_filter_save(
            user=request.user, organisation=organisation, name=form.cleaned_data["name"], query=query
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_queue_url(organisation, query))
    messages.success(request, _("Het filter ‘%(name)s’ is bewaard.") % {"name": saved.name})
    return redirect(_queue_url(organisation, query))


@login_required
@require_POST
def saved_filter_delete_view(request, slug, pk):
    organisation = _organisation(request, slug)
    saved_filter_delete(user=request.user, organisation=organisation, pk=pk)
    messages.success(request, _("Het filter is verwijderd."))
    return redirect(_queue_url(organisation))


@login_required
@require_POST
def bulk(request, slug):
    """One step for many requests; the page after it says per request what happened."""
    organisation = _organisation(request, slug)
    brokers = organisation_brokers(organisation=organisation)
    form = BulkForm(request.POST, brokers=brokers)
    query = queue_query_clean(
        QueryDict(request.POST.get("query", "")[:1000]),
        organisation=organisation,
        user=request.user,
        now=timezone.now(),
    )
    context = {"organisation": organisation, "form": form, "back_url": _queue_url(organisation, query)}
    if not form.is_valid():
        context["error"] = _first_error(form)
        return render(request, "caregivers/broker/bulk_result.html", context, status=400)
    data = form.cleaned_data
    try:
        outcomes = requests_bulk(
            organisation=organisation,
            pks=data["requests"],
            action=data["action"],
            by=request.user,
            assignee=data.get("assignee"),
            reason=data.get("reason") or "",
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, "caregivers/broker/bulk_result.html", context, status=400)
    shown = list(requests_of_organisation(organisation=organisation).filter(pk__in=[o.pk for o in outcomes if o.name]))
    if shown:
        # The outcome lists names of requests: logged like the queue.
        access_record(
            request=request, subject=Subject.organisation(organisation), what=AccessLogEntry.What.QUEUE, obj=shown
        )
    context["outcomes"] = outcomes
    context["done"] = [o for o in outcomes if o.done]
    context["refused"] = [o for o in outcomes if not o.done]
    return render(request, "caregivers/broker/bulk_result.html", context)
