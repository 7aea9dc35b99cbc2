"""The activities part of a person's data export (``accounts.personal_data``): their
sign-ups for activities, with their place on the waiting list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from activities.models import SignUp


def activities_export(subject: Subject) -> list[dict[str, Any]]:
    person = Q(volunteer_id__in=subject.volunteer_ids) | Q(mantelzorger_id__in=subject.mantelzorger_ids)
    if subject.user is not None:
        person |= Q(user=subject.user)
    signups = SignUp.objects.filter(person).select_related("activity").order_by("created_at", "pk")
    if subject.organisation_id is not None:
        signups = signups.filter(activity__organisation_id=subject.organisation_id)
    return [
        {
            "activity": signup.activity.title,
            "role": signup.role,
            "status": signup.status,
            "signed_up_at": signup.created_at,
            "waiting_since": signup.waiting_since,
            "offered_at": signup.offered_at,
            "offer_expires_at": signup.offer_expires_at,
            "confirmed_at": signup.confirmed_at,
            "ended_at": signup.ended_at,
        }
        for signup in signups
    ]
