"""Account e-mail now goes through the outbox (``notifications``); this module is
kept so that tasks already queued under the old name still run after an upgrade."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8, acks_late=True)
def send_email(self, *, subject: str, body: str, to: list[str], from_email: str, html: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
