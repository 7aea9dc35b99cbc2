"""Thin Celery tasks around the webhooks (``api.webhooks``).

``deliver_webhook`` is queued after the commit of each event; ``drain_webhooks`` runs
every minute from beat and sends whatever is due (first tries the queue missed, and
retries after their backoff); ``purge_webhooks`` forgets old deliveries every night.
Running the first two twice sends nothing twice at once: each delivery is claimed under
a row lock."""

from __future__ import annotations

from celery import shared_task

from api.webhooks import webhook_deliver, webhooks_drain, webhooks_purge


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(pk: int) -> str:
    return webhook_deliver(pk=pk)


@shared_task(acks_late=True, ignore_result=True)
def drain_webhooks() -> dict:
    return webhooks_drain()


@shared_task(acks_late=True, ignore_result=True)
def purge_webhooks() -> int:
    return webhooks_purge()
