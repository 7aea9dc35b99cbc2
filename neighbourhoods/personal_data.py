"""The neighbourhoods part of a person's data export (``accounts.personal_data``): where
they work and in which role."""

from __future__ import annotations

from typing import Any

from accounts.personal_data import Subject
from neighbourhoods.models import StaffMembership


def memberships_export(subject: Subject) -> list[dict[str, Any]]:
    if subject.user is None:
        return []
    return [
        {
            "organisation": membership.organisation.name,
            "role": membership.role,
            "municipality": membership.municipality.name if membership.municipality_id else None,
            "since": membership.created_at,
        }
        for membership in StaffMembership.objects.filter(user=subject.user)
        .select_related("organisation", "municipality")
        .order_by("pk")
    ]
