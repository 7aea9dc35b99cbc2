"""Background work about matches. Tasks are thin: they call a service."""

from __future__ import annotations

from celery import shared_task

from matches.mails import reminders_send


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> dict:
    """Queue the lifecycle reminders that are due (Celery beat, every 15 minutes).
    Idempotent: each reminder has its own outbox key."""
    return dict(reminders_send())
