"""Thin Celery task around the retention run (``privacy.retention``). Beat starts it
every night (``config/settings.py``, ``privacy-retention``). Idempotent: a second run
(or a redelivered task) finds nothing left to do, because records are selected by
what they still hold."""

from __future__ import annotations

from celery import shared_task

from privacy.retention import retention_counts, retention_run


@shared_task(acks_late=True, ignore_result=True)
def run_retention() -> dict[str, int]:
    return retention_counts(retention_run(keep_ids=False))
