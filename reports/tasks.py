"""Background work of the neighbourhoods app: keeping the stored report figures
current (``reports.store``). Thin tasks: they take ids and call the
service; counting again is idempotent, so a redelivered task does no harm."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from neighbourhoods.models import Organisation
from reports.store import RECENT_MONTHS, last_months, report_months_refresh

# The 10-minute run leaves months alone that a page counted in the last 5 minutes.
RECENT_MAX_AGE_SECONDS = 5 * 60


@shared_task(acks_late=True, ignore_result=True)
def reports_refresh(
    months: int = RECENT_MONTHS, check_changes: bool = False, max_age_seconds: int = RECENT_MAX_AGE_SECONDS
) -> int:
    """Celery beat: refresh the last ``months`` months of every organisation, one task
    per organisation (so several workers can share the work). Returns how many."""
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        report_refresh_organisation.delay(pk, months, check_changes, max_age_seconds)
    return len(ids)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def report_refresh_organisation(
    organisation_id: int, months: int, check_changes: bool = False, max_age_seconds: int = 0
) -> list[str]:
    """Count and store the months of one organisation that need it (see
    ``report_months_refresh``); the months counted, as ``YYYY-MM``."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return []  # deleted since the task was queued
    result = report_months_refresh(
        organisation=organisation,
        months=last_months(months),
        check_changes=check_changes,
        max_age=datetime.timedelta(seconds=max_age_seconds),
    )
    return [str(m) for m in result.counted]
