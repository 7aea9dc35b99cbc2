"""The conversations part of a person's data export (``accounts.personal_data``): the
messages in the threads of their matches and vacancy responses, and the messages they
wrote themselves, with who wrote each (as a side: volunteer, requester, broker, partner)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from conversations.models import Message, ThreadRead


def conversations_export(subject: Subject) -> dict[str, Any]:
    query = (
        Q(thread__match__volunteer_id__in=subject.volunteer_ids)
        | Q(thread__match__request_id__in=subject.request_ids)
        | Q(thread__response__volunteer_id__in=subject.volunteer_ids)
    )
    if subject.user is not None:
        query |= Q(author=subject.user)
    messages = Message.objects.filter(query).select_related("thread")
    if subject.organisation_id is not None:
        messages = messages.filter(thread__organisation_id=subject.organisation_id)
    reads = ThreadRead.objects.none()
    if subject.user is not None:
        reads = ThreadRead.objects.filter(user=subject.user).order_by("pk")
    return {
        "messages": [
            {
                "about": message.thread.kind,
                "match": message.thread.match_id,
                "vacancy_response": message.thread.response_id,
                "written_as": message.side,
                "by_me": subject.user is not None and message.author_id == subject.user.pk,
                "text": message.body,
                "sent_at": message.created_at,
            }
            for message in messages.order_by("created_at", "pk")
        ],
        "read_up_to": [{"thread": read.thread_id, "read_at": read.read_at} for read in reads],
    }
