"""The partners part of a person's data export (``accounts.personal_data``): the
responses a volunteer sent to vacancies, and the partners a person works for."""

from __future__ import annotations

from typing import Any

from accounts.personal_data import Subject
from partners.models import PartnerMembership, Response


def partners_export(subject: Subject) -> dict[str, Any]:
    responses = (
        Response.objects.filter(volunteer_id__in=subject.volunteer_ids)
        .select_related("vacancy", "vacancy__partner")
        .order_by("created_at", "pk")
    )
    if subject.organisation_id is not None:
        responses = responses.filter(vacancy__partner__organisation_id=subject.organisation_id)
    memberships = PartnerMembership.objects.none()
    if subject.user is not None:
        memberships = PartnerMembership.objects.filter(user=subject.user).select_related("partner").order_by("pk")
    return {
        "responses": [
            {
                "vacancy": response.vacancy.title,
                "partner": response.vacancy.partner.name,
                "note": response.note,
                "status": response.status,
                "sent_at": response.created_at,
                "decided_at": response.decided_at,
            }
            for response in responses
        ],
        "partner_memberships": [
            {"partner": membership.partner.name, "since": membership.created_at} for membership in memberships
        ],
    }
