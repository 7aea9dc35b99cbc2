"""The privacy part of a person's data export: the rights they (or a broker for them)
exercised, and those a broker exercised for others (without whose); the warning that
their account was unused; the retention periods they set as an admin."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from privacy.models import InactivityWarning, RetentionSettings, RightsEvent


def privacy_export(subject: Subject) -> dict[str, Any]:
    data: dict[str, Any] = {"rights": _rights(subject), "inactivity_warning": None, "retention_settings_changed": []}
    if subject.user is not None:
        warning = InactivityWarning.objects.filter(user=subject.user).first()
        if warning is not None:
            data["inactivity_warning"] = {"warned_at": warning.warned_at}
        data["retention_settings_changed"] = [
            {"organisation": name, "at": at}
            for name, at in RetentionSettings.objects.filter(updated_by=subject.user).values_list(
                "organisation__name", "updated_at"
            )
        ]
    return data


def _rights(subject: Subject) -> list[dict[str, Any]]:
    about = (
        Q(subject_kind=RightsEvent.SubjectKind.VOLUNTEER, subject_ref__in=subject.volunteer_ids)
        | Q(subject_kind=RightsEvent.SubjectKind.MANTELZORGER, subject_ref__in=subject.mantelzorger_ids)
        | Q(subject_kind=RightsEvent.SubjectKind.REQUEST, subject_ref__in=subject.request_ids)
    )
    rows = RightsEvent.objects.filter(about)
    if subject.user is not None:
        rows = RightsEvent.objects.filter(about | Q(by=subject.user))
    return [
        {
            "action": row.action,
            "subject_kind": row.subject_kind,
            "on_behalf": row.on_behalf,
            "reason": row.reason,
            "at": row.at,
            "by_this_person": subject.user is not None and row.by_id == subject.user.pk,
        }
        for row in rows.order_by("at", "pk")
    ]
