"""Batch matching of an organisation: compute, record, review and commit.

The flow (DESIGN.md "Matching", issue 4):

1. :func:`batch_compute` loads the organisation's volunteers and ready requests
   (``matching.loaders``), runs the optimal assignment (``matching.engine.batch``)
   and returns the ``match_batch --json`` contract dict. It writes nothing.
2. A broker starts a run from the web (:func:`batch_run_start`); the Celery task
   ``matching.tasks.batch_run`` calls :func:`batch_run_execute`, which stores the
   result, with progress, on the :class:`~matches.models.BatchRun`.
3. The broker reviews the proposals: :func:`batch_run_confirm` (one, several or all)
   and :func:`batch_run_reject`. Only a confirmation creates ``Match(proposed)``,
   through :func:`batch_commit` and ``matches.proposals.match_propose_many``, which
   locks the volunteers: two commits at the same moment never over-fill a volunteer.

Proposal and request keys in the result are the external id (a JSON string) when
there is one, else the primary key (a JSON number). :func:`batch_commit` resolves
them the same way, so a result read back from a ``--json`` file commits too.

The review state of a stored run lives in ``result["review"]``: ``{"<index>":
{"state": "confirmed" | "rejected" | "failed", ...}}``; the contract keys stay as
computed.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caregivers.models import HelpRequest
from common.db import value_set
from common.errors import DomainError
from common.tasks import task_named
from matches.models import BatchRejection, BatchRun, Match
from matches.proposals import NewProposal, Refusal, match_propose_many, refusal
from matches.reasons import reasons_text
from matching.engine.batch import assign
from matching.engine.suggest import resolve_today, suggest
from neighbourhoods.models import Organisation
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int, str], None]

# Progress steps, stored as codes on BatchRun.step and shown with these labels.
STEP_LABELS: dict[str, Any] = {
    "queued": gettext_lazy("In de wachtrij"),
    "start": gettext_lazy("Beginnen"),
    "volunteers": gettext_lazy("Vrijwilligers laden"),
    "requests": gettext_lazy("Hulpvragen laden"),
    "solve": gettext_lazy("Beste verdeling berekenen"),
    "explain": gettext_lazy("Uitleg bij vragen zonder koppeling"),
    "result": gettext_lazy("Uitkomst opslaan"),
    "done": gettext_lazy("Klaar"),
    "failed": gettext_lazy("Mislukt"),
}

# Unmatched requests explained per run (each costs one suggestion pass).
MAX_EXPLAINED = 300
# A run still queued or running after this long is taken as lost (worker died).
STALE_AFTER = datetime.timedelta(hours=1)
ACTIVE_STATES = (BatchRun.Status.QUEUED, BatchRun.Status.RUNNING)


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


def _no_progress(pct: int, step: str) -> None:
    return None


# --- Compute ---------------------------------------------------------------------------


def _keys(model, pks: Iterable[int]) -> dict[int, Any]:
    """pk -> what the result shows: the external id when there is one, else the pk."""
    pks = set(pks)
    if not pks:
        return {}
    return {pk: ext for pk, ext in model.objects.filter(pk__in=pks).values_list("pk", "external_id") if ext}


def batch_compute(
    *,
    organisation: Organisation,
    now: datetime.datetime,
    max_edges_per_request: int | None = None,
    progress: ProgressFn | None = None,
    explain_unmatched: bool = False,
) -> dict[str, Any]:
    """Compute the batch assignment of all ready requests of ``organisation``.

    Returns the ``match_batch --json`` contract: ``{"organisation", "proposals",
    "unmatched", "stats"}``; ``stats`` holds the engine's statistics (with the greedy
    nearest-first pass on the same input, ``greedy_*``) and ``timings`` in seconds.
    Requests that already have an open match are left out (a second run does not
    propose them again). With ``explain_unmatched`` the dict also gets
    ``"unmatched_reasons": [{"request": key, "reasons": [reason, ...]}]`` (the web review
    shows them; the command leaves them out to keep the contract exact).

    Reasons, of proposals and of unmatched requests, are codes with parameters
    (``matches.reasons``), rendered when they are shown: a run computed by a task
    reads in the language of whoever reviews it. The ``match_batch --json`` file
    renders them (:func:`batch_result_as_contract`).

    ``progress(pct, step)`` is called between the phases (``step`` is a code of
    :data:`STEP_LABELS`). Writes nothing.
    """
    from matching.loaders import organisation_weights, ready_requests, volunteer_pool

    report = progress or _no_progress
    t0 = time.perf_counter()
    today = resolve_today(None, now)
    report(5, "volunteers")
    pool = volunteer_pool(organisation=organisation, today=today)
    t1 = time.perf_counter()
    report(30, "requests")
    already = set(
        Match.objects.filter(
            organisation=organisation, status__in=Match.OPEN_STATES, request__status=HelpRequest.Status.READY
        ).values_list("request_id", flat=True)
    )
    requests = [r for r in ready_requests(organisation=organisation, now=now) if r.id not in already]
    # Ready requests without a location cannot be matched (distance is a hard
    # constraint); the loader leaves them out, the result lists them as unmatched.
    loaded = {r.id for r in requests}
    unlocated = sorted(
        set(
            HelpRequest.objects.filter(organisation=organisation, status=HelpRequest.Status.READY).values_list(
                "pk", flat=True
            )
        )
        - loaded
        - already
    )
    weights = organisation_weights(organisation)
    t2 = time.perf_counter()
    report(45, "solve")
    result = assign(requests, pool, weights=weights, today=today, now=now, max_edges_per_request=max_edges_per_request)
    t3 = time.perf_counter()
    report(80, "result")
    request_key = _keys(HelpRequest, [*loaded, *unlocated])
    volunteer_key = _keys(Volunteer, [p.volunteer_id for p in result.proposals])
    result.unmatched = sorted([*result.unmatched, *unlocated])
    data = result.as_dict(organisation=organisation.slug, request_key=request_key, volunteer_key=volunteer_key)
    stats = data["stats"]
    stats["requests"] += len(unlocated)
    stats["unmatched"] += len(unlocated)
    stats["requests_without_location"] = len(unlocated)
    stats["requests_with_open_match"] = len(already)
    if explain_unmatched:
        report(85, "explain")
        by_id = {r.id: r for r in requests}
        explained = []
        for request_id in result.unmatched[:MAX_EXPLAINED]:
            if request_id not in by_id:
                reasons = [{"code": "no_location"}]
                explained.append({"request": request_key.get(request_id, request_id), "reasons": reasons})
                continue
            found = suggest(by_id[request_id], pool, limit=1, weights=weights, today=today, now=now)
            reasons = [{"code": "taken_by_others"}] if found.eligible else list(found.summary)
            explained.append({"request": request_key.get(request_id, request_id), "reasons": reasons})
        data["unmatched_reasons"] = explained
    t4 = time.perf_counter()
    data["stats"]["timings"] = {
        "load_volunteers_s": round(t1 - t0, 4),
        "load_requests_s": round(t2 - t1, 4),
        "assign_s": round(t3 - t2, 4),
        **{f"engine_{k}": round(v, 4) for k, v in result.timings.items()},
        "total_s": round(t4 - t0, 4),
    }
    return data


def batch_result_as_contract(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as the ``match_batch --json`` file shows it (DESIGN.md): every proposal's
    reasons as sentences in the active language (``"reasons": [str, ...]``). Committing
    such a file reads the sentences back into codes (``matches.reasons.clean_reasons``)."""
    out = dict(data)
    out["proposals"] = [{**p, "reasons": reasons_text(p.get("reasons"))} for p in data.get("proposals") or []]
    if "unmatched_reasons" in data:
        out["unmatched_reasons"] = [
            {**item, "reasons": reasons_text(item.get("reasons"))} for item in data.get("unmatched_reasons") or []
        ]
    return out


# --- Commit ----------------------------------------------------------------------------


@dataclass
class CommitReport:
    """What :func:`batch_commit` did: ``created`` (index -> Match) and ``skipped``
    (index -> reason, a :class:`~matches.proposals.Refusal`), by proposal index in the result; ``already`` (index ->
    ``"confirmed"`` or ``"rejected"``): proposals the broker had reviewed before, left
    as they were (not a failure)."""

    created: dict[int, Match] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    already: dict[int, str] = field(default_factory=dict)


def _split_keys(keys: Iterable[Any]) -> tuple[set[int], set[str]]:
    pks: set[int] = set()
    external: set[str] = set()
    for key in keys:
        if isinstance(key, bool):
            continue
        if isinstance(key, int):
            pks.add(key)
        elif isinstance(key, str) and key:
            external.add(key)
    return pks, external


def resolve_keys(model, *, organisation: Organisation, keys: Iterable[Any], queryset=None) -> dict[Any, Any]:
    """Objects of ``organisation`` for result keys (external id string or pk number);
    keys that match nothing are left out."""
    pks, external = _split_keys(keys)
    if not pks and not external:
        return {}
    qs = (queryset if queryset is not None else model.objects).filter(organisation=organisation)
    found: dict[Any, Any] = {}
    for obj in qs.filter(Q(pk__in=pks) | Q(external_id__in=external)):
        if obj.pk in pks:
            found[obj.pk] = obj
        if obj.external_id and obj.external_id in external:
            found[obj.external_id] = obj
    return found


def resolve_pks(model, *, organisation: Organisation, keys: Iterable[Any]) -> dict[Any, int]:
    """:func:`resolve_keys` as primary keys only (no model instances: a commit of
    10,000 proposals needs nothing else of them)."""
    pks, external = _split_keys(keys)
    if not pks and not external:
        return {}
    found: dict[Any, int] = {}
    rows = model.objects.filter(organisation=organisation).filter(
        Q(pk__in=value_set(pks)) | Q(external_id__in=value_set(external))
    )
    for pk, external_id in rows.values_list("pk", "external_id"):
        if pk in pks:
            found[pk] = pk
        if external_id and external_id in external:
            found[external_id] = pk
    return found


def _proposals(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    proposals = result.get("proposals") if isinstance(result, Mapping) else None
    if not isinstance(proposals, list):
        raise DomainError(_("Deze uitkomst bevat geen voorstellen."))
    return proposals


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def batch_commit(
    *,
    organisation: Organisation,
    result: Mapping[str, Any],
    by,
    batch_run: BatchRun | None = None,
    indexes: Iterable[int] | None = None,
) -> CommitReport:
    """Turn proposals of a batch result into ``Match(proposed)`` objects.

    ``indexes``: which proposals (positions in ``result["proposals"]``); None for all.
    A proposal that no longer fits is skipped with a reason, the others are still
    created: the request or volunteer is gone or of another organisation, the request
    is no longer ready or already has an open match, the volunteer is full, paused or
    inactive. All in one transaction, under row locks taken in the same order as
    ``match_propose_many`` (volunteers, then requests, each in pk order), so two
    commits at the same moment never propose one request twice or put a volunteer
    over capacity.
    """
    proposals = _proposals(result)
    chosen = sorted(set(range(len(proposals)) if indexes is None else indexes))
    for i in chosen:
        if not 0 <= i < len(proposals):
            raise DomainError(_("Dit voorstel bestaat niet."))
    report = CommitReport()
    if not chosen:
        return report
    wanted = [proposals[i] for i in chosen]
    with transaction.atomic():
        requests = resolve_pks(HelpRequest, organisation=organisation, keys=[p.get("request") for p in wanted])
        volunteers = resolve_pks(Volunteer, organisation=organisation, keys=[p.get("volunteer") for p in wanted])
        # Lock as match_propose_many does (volunteers, then requests, each in pk order;
        # it locks them again, a no-op within this transaction), before reading the
        # requests' state and open matches: a concurrent commit waits here and then
        # sees ours.
        volunteer_ids = sorted(set(volunteers.values()))
        request_ids = sorted(set(requests.values()))
        if connection.vendor == "sqlite":  # no FOR UPDATE: take the write lock now
            Volunteer.objects.filter(pk__in=value_set(volunteer_ids)).update(max_active_matches=F("max_active_matches"))
        list(
            Volunteer.objects.select_for_update()
            .filter(pk__in=value_set(volunteer_ids))
            .order_by("pk")
            .values_list("pk")
        )
        status_of = dict(
            HelpRequest.objects.select_for_update()
            .filter(pk__in=value_set(request_ids))
            .order_by("pk")
            .values_list("pk", "status")
        )
        open_requests = set(
            Match.objects.filter(request_id__in=value_set(request_ids), status__in=Match.OPEN_STATES).values_list(
                "request_id", flat=True
            )
        )
        todo: dict[tuple[int, int], int] = {}
        taken: set[int] = set()
        new: list[NewProposal] = []
        for i, p in zip(chosen, wanted, strict=True):
            request_id = requests.get(p.get("request"))
            volunteer_id = volunteers.get(p.get("volunteer"))
            if request_id is None or request_id not in status_of:
                report.skipped[i] = refusal("request_gone")
            elif volunteer_id is None:
                report.skipped[i] = refusal("volunteer_gone")
            elif status_of[request_id] != HelpRequest.Status.READY:
                report.skipped[i] = refusal("request_no_longer_ready")
            elif request_id in open_requests or request_id in taken:
                report.skipped[i] = refusal("request_taken")
            else:
                reasons = p.get("reasons")
                todo[(request_id, volunteer_id)] = i
                taken.add(request_id)
                new.append(
                    NewProposal(
                        request_id,
                        volunteer_id,
                        _number(p.get("score")),
                        _number(p.get("distance_km")),
                        reasons if isinstance(reasons, list) else [],
                    )
                )
        if new:
            outcome = match_propose_many(proposals=new, by=by, batch=batch_run, organisation=organisation)
            for match in outcome.created:
                report.created[todo[(match.request_id, match.volunteer_id)]] = match
            for request_id, volunteer_id, reason in outcome.skipped:
                report.skipped[todo[(request_id, volunteer_id)]] = reason
    return report


# --- Runs: start, execute, review -------------------------------------------------------


# The Celery task that computes a run (matching/tasks.py; started by name, see common.tasks).
BATCH_RUN_TASK = "matching.tasks.batch_run"


def batch_runs_of(*, organisation: Organisation):
    return BatchRun.objects.filter(organisation=organisation).select_related("started_by")


def batch_run_start(*, organisation: Organisation, by, now: datetime.datetime | None = None) -> BatchRun:
    """Queue a batch run for ``organisation``; the task is sent after commit.

    Refuses (DomainError) while another run of the organisation is queued or running;
    a run that has been queued or running for longer than :data:`STALE_AFTER` is
    marked failed first (its worker is gone).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One starter at a time per organisation.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        BatchRun.objects.filter(
            organisation=organisation, status__in=ACTIVE_STATES, created_at__lt=now - STALE_AFTER
        ).update(status=BatchRun.Status.FAILED, step="failed", error="Niet afgemaakt binnen een uur.", finished_at=now)
        if BatchRun.objects.filter(organisation=organisation, status__in=ACTIVE_STATES).exists():
            raise DomainError(_("Er loopt al een koppelronde. Wacht tot die klaar is."))
        run = BatchRun.objects.create(organisation=organisation, started_by=by, step="queued")
        run_id = run.pk
        transaction.on_commit(lambda: _send(task_named(BATCH_RUN_TASK), run_id))
    return run


def _send(task, run_id: int) -> None:
    """Queue the task; when the broker cannot be reached, say so on the run instead
    of leaving it queued (the broker then sees it failed and can start again)."""
    try:
        task.delay(run_id)
    except Exception as exc:
        logger.exception("batch run %s could not be queued", run_id)
        BatchRun.objects.filter(pk=run_id, status=BatchRun.Status.QUEUED).update(
            status=BatchRun.Status.FAILED,
            step="failed",
            error=f"Kon de taak niet versturen: {type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )


def batch_run_execute(*, batch_run_id: int, now: datetime.datetime | None = None) -> str:
    """Compute a queued run and store its result (the body of the Celery task).

    Idempotent: only a run that is still queued is claimed (one conditional UPDATE),
    so a redelivered task does not compute a running or finished run again. Errors
    are stored on the run (status failed), not raised. Returns the final status.
    """
    claimed = BatchRun.objects.filter(pk=batch_run_id, status=BatchRun.Status.QUEUED).update(
        status=BatchRun.Status.RUNNING, progress=0, step="start"
    )
    if not claimed:
        found = BatchRun.objects.filter(pk=batch_run_id).values_list("status", flat=True).first()
        return found or "missing"
    run = BatchRun.objects.select_related("organisation").get(pk=batch_run_id)

    def progress(pct: int, step: str) -> None:
        pct = max(0, min(100, int(pct)))
        BatchRun.objects.filter(pk=batch_run_id, status=BatchRun.Status.RUNNING, progress__lte=pct).update(
            progress=pct, step=step[:100]
        )

    try:
        data = batch_compute(
            organisation=run.organisation, now=now or timezone.now(), progress=progress, explain_unmatched=True
        )
    except Exception as exc:
        logger.exception("batch run %s failed", batch_run_id)
        BatchRun.objects.filter(pk=batch_run_id, status=BatchRun.Status.RUNNING).update(
            status=BatchRun.Status.FAILED,
            step="failed",
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return BatchRun.Status.FAILED
    BatchRun.objects.filter(pk=batch_run_id, status=BatchRun.Status.RUNNING).update(
        status=BatchRun.Status.DONE, progress=100, step="done", result=data, finished_at=timezone.now()
    )
    return BatchRun.Status.DONE


def batch_run_record(
    *, organisation: Organisation, result: Mapping[str, Any], by, now: datetime.datetime | None = None
) -> BatchRun:
    """Store a result computed outside a task (the ``match_batch --commit`` command)."""
    return BatchRun.objects.create(
        organisation=organisation,
        started_by=by,
        status=BatchRun.Status.DONE,
        progress=100,
        step="done",
        result=dict(result),
        finished_at=now or timezone.now(),
    )


def _reviewable(run: BatchRun) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
    if run.status != BatchRun.Status.DONE or not isinstance(run.result, dict):
        raise DomainError(_("Deze koppelronde is nog niet klaar."))
    proposals = _proposals(run.result)
    review = run.result.get("review")
    return proposals, dict(review) if isinstance(review, dict) else {}


def review_state(result: Mapping[str, Any] | None, index: int) -> dict[str, Any]:
    review = result.get("review") if isinstance(result, Mapping) else None
    entry = review.get(str(index)) if isinstance(review, dict) else None
    return entry if isinstance(entry, dict) else {}


def _locked(batch_run: BatchRun) -> BatchRun:
    if connection.vendor == "sqlite":  # no FOR UPDATE: take the write lock now
        BatchRun.objects.filter(pk=batch_run.pk).update(progress=F("progress"))
    return BatchRun.objects.select_for_update().get(pk=batch_run.pk)


def batch_run_confirm(*, batch_run: BatchRun, indexes: Sequence[int] | None, by) -> CommitReport:
    """Confirm proposals of a finished run (``indexes`` None: all): each becomes
    ``Match(proposed)`` with ``batch=batch_run``. Proposals already confirmed or
    rejected are left as they are (``report.already``); one that no longer fits is
    reported (``report.skipped``) and can be tried again later. Raises DomainError for
    a run that is not done or an index that does not exist."""
    now = timezone.now()
    with transaction.atomic():
        run = _locked(batch_run)
        proposals, review = _reviewable(run)
        if indexes is None:
            indexes = list(range(len(proposals)))
        for i in indexes:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(proposals):
                raise DomainError(_("Dit voorstel bestaat niet."))
        report = CommitReport()
        todo = []
        for i in sorted(set(indexes)):
            state = review.get(str(i), {}).get("state")
            if state in ("confirmed", "rejected"):
                report.already[i] = state
            else:
                todo.append(i)
        done = batch_commit(organisation=run.organisation, result=run.result, by=by, batch_run=run, indexes=todo)
        by_pk = getattr(by, "pk", None)
        for i, match in done.created.items():
            review[str(i)] = {"state": "confirmed", "match": match.pk, "by": by_pk, "at": now.isoformat()}
        for i, reason in done.skipped.items():
            # The reason as a code (matches.proposals.refusal_text renders it for the reader).
            stored = reason.as_stored() if isinstance(reason, Refusal) else {"code": "text", "text": str(reason)}
            review[str(i)] = {"state": "failed", "reason": stored, "by": by_pk, "at": now.isoformat()}
        report.created.update(done.created)
        report.skipped.update(done.skipped)
        run.result = {**run.result, "review": review}
        run.save(update_fields=["result"])
    batch_run.result = run.result
    return report


def batch_run_reject(*, batch_run: BatchRun, index: int, by) -> None:
    """Mark one proposal of a finished run rejected: it will never become a Match, and
    the pair is remembered (:class:`~matches.models.BatchRejection`) so that later
    rounds and suggestions leave it out, as they do a declined proposal."""
    with transaction.atomic():
        run = _locked(batch_run)
        proposals, review = _reviewable(run)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(proposals):
            raise DomainError(_("Dit voorstel bestaat niet."))
        state = review.get(str(index), {}).get("state")
        if state == "confirmed":
            raise DomainError(_("Dit voorstel is al bevestigd. Trek de koppeling in via de hulpvraag."))
        if state == "rejected":
            raise DomainError(_("Dit voorstel is al afgewezen."))
        review[str(index)] = {"state": "rejected", "by": getattr(by, "pk", None), "at": timezone.now().isoformat()}
        run.result = {**run.result, "review": review}
        run.save(update_fields=["result"])
        # Remembered, so that the next round does not propose the pair again.
        proposal = proposals[index]
        request_id = resolve_pks(HelpRequest, organisation=run.organisation, keys=[proposal.get("request")]).get(
            proposal.get("request")
        )
        volunteer_id = resolve_pks(Volunteer, organisation=run.organisation, keys=[proposal.get("volunteer")]).get(
            proposal.get("volunteer")
        )
        if request_id is not None and volunteer_id is not None:
            BatchRejection.objects.get_or_create(
                request_id=request_id,
                volunteer_id=volunteer_id,
                defaults={"batch": run, "rejected_by": by if getattr(by, "pk", None) else None},
            )
    batch_run.result = run.result
