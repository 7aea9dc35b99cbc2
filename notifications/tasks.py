"""Thin Celery tasks around the outbox (``notifications.services``).

``deliver_notification`` is queued after each commit; ``drain_outbox`` runs every
minute from Celery beat and delivers whatever is still waiting; ``purge_outbox``
runs daily and forgets old records. Idempotent: running any of them twice sends
nothing twice (the row is claimed atomically)."""

from __future__ import annotations

from celery import shared_task

from notifications.services import DeliveryFailed, notification_deliver, outbox_drain, outbox_purge


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    ignore_result=True,
)
def deliver_notification(self, pk: int) -> str:
    try:
        return notification_deliver(pk=pk)
    except DeliveryFailed as error:
        if self.app.conf.task_always_eager:
            # In process (no broker): no sleeping retries inside a web request; the
            # row is pending again and the next drain sends it.
            return "waiting"
        # 30 s, 60 s, 120 s, … up to 30 minutes; the drain catches anything after that.
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 1800))


@shared_task(acks_late=True, ignore_result=True)
def drain_outbox() -> dict:
    return outbox_drain()


@shared_task(acks_late=True, ignore_result=True)
def purge_outbox() -> int:
    return outbox_purge()
