"""The broker's batch matching ("koppelronde"): start a run, follow its progress,
review its proposals, confirm or reject them.

Every view gets its organisation from the URL through ``staff_organisation`` (404
for other organisations and for people without a broker or admin role there) and
looks runs up within that organisation only. A confirmed proposal becomes a ``Match``
in state ``proposed`` and its volunteer gets the proposal mail at once (with links to
say yes or no); the requester hears nothing until the volunteer says yes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from caregivers.models import HelpRequest
from common.errors import DomainError
from matches.lifecycle import match_proposal_mail
from matches.models import BatchRun
from matches.proposals import refusal_text
from matching.services import (
    ACTIVE_STATES,
    CommitReport,
    batch_run_confirm,
    batch_run_reject,
    batch_run_start,
    batch_runs_of,
    resolve_keys,
    review_state,
    step_label,
)
from neighbourhoods.models import StaffMembership
from neighbourhoods.selectors import staff_organisation
from volunteers.models import Volunteer

STAFF_ROLES = set(StaffMembership.CASEWORK_ROLES)
PER_PAGE = 100
UNMATCHED_SHOWN = 200
RECENT_RUNS = 20


def _organisation(request, slug):
    return staff_organisation(user=request.user, slug=slug, roles=STAFF_ROLES)


def _run(organisation, pk) -> BatchRun:
    return get_object_or_404(BatchRun.objects.select_related("started_by"), pk=pk, organisation=organisation)


def _to_detail(organisation, run, page: str | None = None):
    response = redirect("matching_batch:detail", slug=organisation.slug, pk=run.pk)
    if page and page.isdigit():
        response["Location"] += f"?page={page}"
    return response


# --- List and start -------------------------------------------------------------------------


@login_required
@require_GET
def run_list(request, slug):
    organisation = _organisation(request, slug)
    runs = list(batch_runs_of(organisation=organisation)[:RECENT_RUNS])
    for run in runs:
        stats = (run.result or {}).get("stats") or {}
        run.matched = stats.get("matched")
        run.requests = stats.get("requests")
    ready = HelpRequest.objects.filter(organisation=organisation, status=HelpRequest.Status.READY).count()
    return render(
        request,
        "matching/batch_list.html",
        {
            "organisation": organisation,
            "runs": runs,
            "ready_count": ready,
            "busy": any(run.status in ACTIVE_STATES for run in runs),
        },
    )


@login_required
@require_POST
def run_start(request, slug):
    organisation = _organisation(request, slug)
    try:
        run = batch_run_start(organisation=organisation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("matching_batch:list", slug=organisation.slug)
    messages.success(request, _("De koppelronde is gestart."))
    return _to_detail(organisation, run)


# --- One run --------------------------------------------------------------------------------


def _rows(organisation, result: dict[str, Any], page) -> list[dict[str, Any]]:
    """Table rows for the proposals on ``page``: the people they name (two queries)
    and each proposal's review state."""
    proposals = list(page.object_list)
    requests = resolve_keys(
        HelpRequest,
        organisation=organisation,
        keys=[p.get("request") for _i, p in proposals],
        queryset=HelpRequest.objects.select_related("neighbourhood"),
    )
    volunteers = resolve_keys(Volunteer, organisation=organisation, keys=[p.get("volunteer") for _i, p in proposals])
    rows = []
    for index, p in proposals:
        state = review_state(result, index)
        volunteer = volunteers.get(p.get("volunteer"))
        rows.append(
            {
                "index": index,
                "proposal": p,
                "request": requests.get(p.get("request")),
                "volunteer": volunteer,
                "state": state.get("state", ""),
                "reason": refusal_text(state.get("reason", ""), name=str(volunteer) if volunteer else ""),
            }
        )
    return rows


def _unmatched(organisation, result: dict[str, Any]) -> list[dict[str, Any]]:
    keys = list(result.get("unmatched") or [])[:UNMATCHED_SHOWN]
    reasons = {
        _hashable(item.get("request")): item.get("reasons") or []
        for item in result.get("unmatched_reasons") or []
        if isinstance(item, dict)
    }
    requests = resolve_keys(HelpRequest, organisation=organisation, keys=keys)
    return [
        {"key": key, "request": requests.get(_hashable(key)), "reasons": reasons.get(_hashable(key), [])}
        for key in keys
    ]


def _hashable(key):
    return key if isinstance(key, int | str) else str(key)


def _counts(result: dict[str, Any]) -> dict[str, int]:
    review = result.get("review") if isinstance(result.get("review"), dict) else {}
    states = [entry.get("state") for entry in review.values() if isinstance(entry, dict)]
    total = len(result.get("proposals") or [])
    confirmed = states.count("confirmed")
    rejected = states.count("rejected")
    return {"confirmed": confirmed, "rejected": rejected, "open": total - confirmed - rejected, "total": total}


@login_required
@require_GET
def run_detail(request, slug, pk):
    organisation = _organisation(request, slug)
    run = _run(organisation, pk)
    context: dict[str, Any] = {"organisation": organisation, "run": run, "step": step_label(run.step)}
    if run.status == BatchRun.Status.DONE and isinstance(run.result, dict):
        result = run.result
        proposals = list(enumerate(result.get("proposals") or []))
        page = Paginator(proposals, PER_PAGE).get_page(request.GET.get("page"))
        stats = result.get("stats") or {}
        context.update(
            page=page,
            rows=_rows(organisation, result, page),
            unmatched=_unmatched(organisation, result),
            unmatched_more=max(0, len(result.get("unmatched") or []) - UNMATCHED_SHOWN),
            stats=stats,
            timings=stats.get("timings") or {},
            counts=_counts(result),
            greedy_sentence=_greedy_sentence(stats),
        )
    return render(request, "matching/batch_detail.html", context)


def _greedy_sentence(stats: dict[str, Any]) -> str:
    matched, greedy = stats.get("matched"), stats.get("greedy_matched")
    if not isinstance(matched, int) or not isinstance(greedy, int):
        return ""
    first = ngettext(
        "Deze ronde koppelt %(count)s vraag;",
        "Deze ronde koppelt %(count)s vragen;",
        matched,
    ) % {"count": matched}
    second = ngettext(
        "een eenvoudige dichtstbijzijnde-eerst-aanpak zou er %(count)s koppelen.",
        "een eenvoudige dichtstbijzijnde-eerst-aanpak zou er %(count)s koppelen.",
        greedy,
    ) % {"count": greedy}
    return f"{first} {second}"


@login_required
@require_GET
def run_progress(request, slug, pk):
    """The progress fragment that the detail page polls (htmx, every second). When
    the run has finished, htmx is told to reload the whole page."""
    organisation = _organisation(request, slug)
    run = _run(organisation, pk)
    if run.status not in ACTIVE_STATES and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if run.status not in ACTIVE_STATES:
        return _to_detail(organisation, run)
    return render(
        request,
        "matching/batch_progress.html",
        {"organisation": organisation, "run": run, "step": step_label(run.step)},
    )


# --- Review ---------------------------------------------------------------------------------


def _report_messages(request, report: CommitReport) -> None:
    if report.created:
        messages.success(
            request,
            ngettext(
                "%(count)s voorstel bevestigd. De vrijwilliger staat nu als voorgesteld bij de vraag.",
                "%(count)s voorstellen bevestigd. De vrijwilligers staan nu als voorgesteld bij de vragen.",
                len(report.created),
            )
            % {"count": len(report.created)},
        )
    for index, reason in sorted(report.skipped.items()):
        messages.warning(
            request, _("Voorstel %(number)s niet bevestigd: %(reason)s") % {"number": index + 1, "reason": reason}
        )
    confirmed = sum(1 for state in report.already.values() if state == "confirmed")
    rejected = len(report.already) - confirmed
    if confirmed:
        messages.info(
            request,
            ngettext(
                "%(count)s voorstel was al bevestigd.",
                "%(count)s voorstellen waren al bevestigd.",
                confirmed,
            )
            % {"count": confirmed},
        )
    if rejected:
        messages.info(
            request,
            ngettext(
                "%(count)s voorstel had u afgewezen. Dat blijft zo.",
                "%(count)s voorstellen had u afgewezen. Dat blijft zo.",
                rejected,
            )
            % {"count": rejected},
        )
    if not report.created and not report.skipped and not report.already:
        messages.info(request, _("Er was niets meer te bevestigen."))


def _index(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@require_POST
def run_confirm(request, slug, pk):
    organisation = _organisation(request, slug)
    run = _run(organisation, pk)
    raw = request.POST.get("index", "")
    page = request.POST.get("page")
    if raw == "all":
        indexes = None
    else:
        index = _index(raw)
        if index is None:
            messages.error(request, _("Kies een voorstel om te bevestigen."))
            return _to_detail(organisation, run, page)
        indexes = [index]
    try:
        # Confirmed proposals go to the volunteers, with links to say yes or no; the
        # e-mails are stored with the proposals and sent after the commit.
        with transaction.atomic():
            report = batch_run_confirm(batch_run=run, indexes=indexes, by=request.user)
            for match in report.created.values():
                match_proposal_mail(match=match, request_factory_or_base_url=request)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_detail(organisation, run, page)
    _report_messages(request, report)
    return _to_detail(organisation, run, page)


@login_required
@require_POST
def run_reject(request, slug, pk):
    organisation = _organisation(request, slug)
    run = _run(organisation, pk)
    page = request.POST.get("page")
    index = _index(request.POST.get("index"))
    if index is None:
        messages.error(request, _("Kies een voorstel om af te wijzen."))
        return _to_detail(organisation, run, page)
    try:
        batch_run_reject(batch_run=run, index=index, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_detail(organisation, run, page)
    messages.success(request, _("Voorstel %(number)s is afgewezen. Het wordt niet doorgezet.") % {"number": index + 1})
    return _to_detail(organisation, run, page)
