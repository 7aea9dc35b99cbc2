"""Reads of the outbox for the broker's pages."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Notification


def notifications_for_match(*, match) -> QuerySet[Notification]:
    """The e-mails sent (or waiting) about one match, oldest first: the broker sees
    who was told what and when ("was the volunteer reminded?")."""
    return (
        Notification.objects.filter(match_id=match.pk)
        .only("subject", "to_email", "status", "created_at", "sent_at", "kind")
        .order_by("created_at", "pk")
    )
