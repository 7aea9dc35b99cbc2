"""Reads about activities: the public list and page, the centre's list and one
activity with its places and waiting list, a person's own sign-ups."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from activities.models import Activity, SignUp


def public_activities() -> QuerySet[Activity]:
    """Open activities that still run (until today or later), of every centre."""
    return (
        Activity.objects.filter(status=Activity.Status.OPEN, until__gte=timezone.localdate())
        .select_related("partner", "neighbourhood", "organisation")
        .prefetch_related("dates", "slots")
        .annotate(
            participants=Count(
                "signups",
                filter=Q(signups__role=SignUp.Role.PARTICIPANT, signups__status__in=SignUp.HOLDING),
            )
        )
        .order_by("until", "pk")
    )


def public_activity(*, pk: int) -> Activity:
    return get_object_or_404(public_activities(), pk=pk)


def organisation_activities(organisation) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(organisation=organisation)
        .select_related("partner", "neighbourhood")
        .annotate(
            participants=Count(
                "signups",
                filter=Q(signups__role=SignUp.Role.PARTICIPANT, signups__status__in=SignUp.HOLDING),
            ),
            waiting=Count("signups", filter=Q(signups__status=SignUp.Status.WAITING)),
        )
        .order_by("-until", "-pk")
    )


def partner_activities(partner) -> QuerySet[Activity]:
    """What a partner organises (shown on its pages)."""
    return public_activities().filter(partner=partner)


def signups_of(activity: Activity, role: str) -> list[SignUp]:
    """Who holds a place (confirmed or offered), in sign-up order."""
    return list(
        SignUp.objects.filter(activity=activity, role=role, status__in=SignUp.HOLDING)
        .select_related("user", "mantelzorger", "volunteer")
        .order_by("created_at", "pk")
    )


def own_signup(*, activity: Activity, user) -> SignUp | None:
    if not user.is_authenticated:
        return None
    return SignUp.objects.filter(activity=activity, user=user, status__in=SignUp.ACTIVE).first()


def places_left(activity: Activity, role: str = SignUp.Role.PARTICIPANT) -> int:
    places = activity.participant_places if role == SignUp.Role.PARTICIPANT else activity.volunteer_places
    held = SignUp.objects.filter(activity=activity, role=role, status__in=SignUp.HOLDING).count()
    return max(0, places - held)


def organised_for_partner(partner_id: int) -> list:
    """The open activities the centre organises for a partner (``partners.organised``)."""
    from django.urls import reverse

    from partners.organised import Organised

    return [
        Organised(
            title=activity.title,
            url=reverse("activities:detail", args=[activity.pk]),
            until=activity.until,
            taken=activity.participants,
            places=activity.participant_places,
        )
        for activity in public_activities().filter(partner_id=partner_id)
    ]
