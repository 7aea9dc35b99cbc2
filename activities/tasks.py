"""Celery tasks of activities (thin: the services do the work)."""

from __future__ import annotations

from celery import shared_task

from activities.services import offers_expire as offers_expire_service


@shared_task(name="activities.tasks.offers_expire")
def offers_expire() -> int:
    """Beat, every 5 minutes: waiting-list offers past their 48 hours move on, once."""
    return offers_expire_service()
