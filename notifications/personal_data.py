"""The notifications part of a person's data export (``accounts.personal_data``): their
mail preferences and the record of e-mail sent to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from notifications.models import MailPreferences, Notification

PREFERENCE_FIELDS = ("proposals", "updates", "reminders", "broker", "digest")


def notifications_export(subject: Subject) -> dict[str, Any]:
    emails = sorted(subject.emails)
    sent = Q(to_email__in=emails)
    if subject.user is not None:
        sent |= Q(user=subject.user)
    mails = Notification.objects.filter(sent)
    if subject.organisation_id is not None:
        mails = mails.filter(organisation_id=subject.organisation_id)
    return {
        "mail_preferences": [
            {"email": prefs.email, **{name: getattr(prefs, name) for name in PREFERENCE_FIELDS}}
            for prefs in MailPreferences.objects.filter(email__in=emails).order_by("email")
        ],
        # The record of mail sent (the text itself is cleared once sent; the subject
        # line may name the other side of a match, so the kind of mail stands for it).
        "mail_sent": [
            {
                "kind": mail.kind,
                "category": mail.category,
                "to_email": mail.to_email,
                "status": mail.status,
                "created_at": mail.created_at,
                "sent_at": mail.sent_at,
            }
            for mail in mails.order_by("created_at", "pk")
        ],
    }
