"""How matches follow what happens to the people and requests they join.

The lower apps announce a change with a signal (``caregivers.signals``,
``volunteers.signals``) and know nothing of matches; the receivers here run in the
same transaction as the change."""

from __future__ import annotations

from django.dispatch import receiver

from caregivers.signals import request_erasing, request_solved_without_volunteer, request_withdrawn
from matches.lifecycle import matches_end_for_departing_volunteer, matches_end_for_erased_request
from matches.models import Match, MatchEvent, VolunteerMilestone
from volunteers.signals import volunteer_erasing


@receiver(request_withdrawn, dispatch_uid="matches.request_withdrawn")
def cancel_open_proposals(sender, *, request, by, **kwargs) -> None:
    """Proposals that were not yet active end when their request is withdrawn, so the
    volunteer's place frees up."""
    _cancel_proposals(request=request, by=by, code=MatchEvent.Code.REQUEST_WITHDRAWN)


@receiver(request_solved_without_volunteer, dispatch_uid="matches.request_solved_without_volunteer")
def cancel_proposals_of_solved_request(sender, *, request, by, **kwargs) -> None:
    """The person's own strength or network solved it: proposals not yet active end."""
    _cancel_proposals(request=request, by=by, code=MatchEvent.Code.REQUEST_SOLVED)


def _cancel_proposals(*, request, by, code: str) -> None:
    for match in Match.objects.select_for_update().filter(
        request=request, status__in=[Match.Status.PROPOSED, Match.Status.ACCEPTED_BY_VOLUNTEER]
    ):
        MatchEvent.objects.create(
            match=match,
            from_status=match.status,
            to_status=Match.Status.CANCELLED,
            by=by,
            code=code,
        )
        match.status = Match.Status.CANCELLED
        match.save(update_fields=["status", "updated_at"])


@receiver(volunteer_erasing, dispatch_uid="matches.volunteer_erasing")
def volunteer_leaves_matches(sender, *, volunteer, by=None, **kwargs) -> bool:
    """Open proposals and running help of an erased volunteer end properly; a volunteer
    who ever had a match stays as an anonymous row (the reports count it)."""
    matches_end_for_departing_volunteer(volunteer=volunteer, by=by)
    # The milestones reached are about the person: they go (an anonymous row is never thanked).
    VolunteerMilestone.objects.filter(volunteer=volunteer).delete()
    return Match.objects.filter(volunteer=volunteer).exists()


@receiver(request_erasing, dispatch_uid="matches.request_erasing")
def erased_request_leaves_matches(sender, *, request, by=None, **kwargs) -> None:
    """Open proposals and running help of a request whose requester is erased end
    properly: the volunteer is told that the help does not go on, without details."""
    matches_end_for_erased_request(request=request, by=by)
