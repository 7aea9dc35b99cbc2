"""Background work of the matching app. Tasks are thin: they take ids and call a
service. Eager (in process) when no broker is configured."""

from __future__ import annotations

from celery import shared_task

from matching import poolversion
from matching.services import batch_run_execute


@shared_task(acks_late=True, ignore_result=True)
def batch_run(batch_run_id: int) -> str:
    """Compute a queued :class:`~matches.models.BatchRun` and store its result.

    Idempotent (a redelivered message finds the run running or done and does
    nothing), so ``acks_late`` is safe; errors are stored on the run, not raised.
    """
    return batch_run_execute(batch_run_id=batch_run_id)


@shared_task(ignore_result=True)
def pool_changes_prune() -> int:
    """Delete old rows of the matching pool's change log (Celery beat, hourly)."""
    return poolversion.pool_changes_prune()
