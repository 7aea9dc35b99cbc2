"""The threads follow the people and requests they are about (``volunteers.signals``,
``caregivers.signals``): an erased person's messages go with their matches and
responses, in the same transaction."""

from __future__ import annotations

from django.dispatch import receiver

from caregivers.signals import request_erasing
from conversations.services import threads_erase
from matches.models import Match
from volunteers.signals import volunteer_erasing


@receiver(volunteer_erasing, dispatch_uid="conversations.volunteer_erasing")
def volunteer_erasing_threads(sender, *, volunteer, by=None, **kwargs) -> bool:
    threads_erase(volunteer_ids=[volunteer.pk])
    return False


@receiver(request_erasing, dispatch_uid="conversations.request_erasing")
def request_erasing_threads(sender, *, request, by=None, **kwargs) -> None:
    threads_erase(match_ids=Match.objects.filter(request=request).values_list("pk", flat=True))
