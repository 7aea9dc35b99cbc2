"""How responses follow what happens to the volunteer (``volunteers.signals``)."""

from __future__ import annotations

from django.dispatch import receiver

from partners.services import responses_erase
from volunteers.signals import volunteer_erasing


@receiver(volunteer_erasing, dispatch_uid="partners.volunteer_erasing")
def volunteer_leaves_responses(sender, *, volunteer, by=None, **kwargs) -> bool:
    """An erased volunteer's responses lose the note and the link to them; the rows stay
    for the centre's figures, so the volunteer's row itself is not needed."""
    responses_erase(volunteer_ids=[volunteer.pk])
    return False
