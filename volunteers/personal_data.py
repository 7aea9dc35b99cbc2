"""The volunteers part of a person's data export (``accounts.personal_data``): their
volunteer profile, availability, what they like to do, screening (status and dates),
and the screenings they recorded as a broker."""

from __future__ import annotations

from typing import Any

from accounts.personal_data import Subject
from volunteers.models import VogCheck, Volunteer


def volunteers_export(subject: Subject) -> dict[str, Any]:
    profiles = Volunteer.objects.filter(pk__in=subject.volunteer_ids).select_related("organisation", "neighbourhood")
    recorded = VogCheck.objects.none()
    if subject.user is not None:
        recorded = VogCheck.objects.filter(checked_by=subject.user).order_by("checked_at", "pk")
    return {
        "profiles": [_profile(volunteer) for volunteer in profiles.order_by("pk")],
        # As a broker: which screenings this person recorded (no names of the volunteers).
        "screenings_recorded": [
            {"id": check.pk, "status": check.status, "recorded_at": check.checked_at} for check in recorded
        ],
    }


def _profile(volunteer: Volunteer) -> dict[str, Any]:
    return {
        "id": volunteer.pk,
        "organisation": volunteer.organisation.name,
        "external_id": volunteer.external_id,
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "email": volunteer.email,
        "phone": volunteer.phone,
        "postcode": volunteer.postcode,
        "house_number": volunteer.house_number,
        "place": volunteer.place,
        "latitude": volunteer.latitude,
        "longitude": volunteer.longitude,
        "neighbourhood": volunteer.neighbourhood.name if volunteer.neighbourhood_id else None,
        "max_distance_km": volunteer.max_distance_km,
        "skills": sorted(volunteer.skills.values_list("code", flat=True)),
        "languages": volunteer.language_codes(),
        "target_groups": list(volunteer.target_groups),
        "wants_one_off": volunteer.wants_one_off,
        "wants_recurring": volunteer.wants_recurring,
        "max_active_matches": volunteer.max_active_matches,
        "is_active": volunteer.is_active,
        "paused_until": volunteer.paused_until,
        "vog_valid_until": volunteer.vog_valid_until,
        "created_at": volunteer.created_at,
        "stopped_at": volunteer.stopped_at,
        "availability": [slot.as_slot().label() for slot in volunteer.availability.order_by("weekday", "start")],
        "screenings": [
            {"status": check.status, "issued_on": check.issued_on, "valid_until": check.valid_until, "note": check.note}
            for check in volunteer.vog_checks.order_by("checked_at", "pk")
        ],
    }
