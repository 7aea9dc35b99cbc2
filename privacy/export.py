"""All data about one person, from every app (AVG art. 15 access, art. 20 portability).

The parts come from the export sources the apps register
(``accounts.personal_data.export_source``); this module only puts them together, as JSON
and as a readable page. The format (stable; a change of meaning raises ``version``)::

    {
      "format": "buurtmakelaar.personal-data",
      "version": 1,
      "generated_at": "2026-12-06T20:45:00+00:00",    # ISO 8601, UTC
      "scope": "account" | "organisation",             # everything, or one centre's records
      "parts": {
        "account":           {email, first_name, last_name, date_joined, last_login, email_addresses},
        "caregivers":        {mantelzorgers: [... care_recipients, burden_checkins, file_opened],
                              requests: [... weekly_times, dates, history],
                              requests_entered, request_steps_taken,
                              requests_assigned, saved_queue_filters},
        "volunteers":        {profiles: [... availability, screenings], screenings_recorded},
        "matches":           {matches: [role, status, dates, history, hours, evaluation],
                              calendar_feed, as_staff: {proposed, match_steps_taken,
                              hours_approved, evaluations_written, batch_runs_started}},
        "staff_memberships": [{organisation, role, municipality, since}],
        "notifications":     {mail_preferences, mail_sent},
        "privacy":           {rights: [{action, subject_kind, on_behalf, reason, at, by_this_person}],
                              inactivity_warning, retention_settings_changed}
      }
    }

Codes (``kind``, ``status``, ``role``, ``skills``) are the stable codes of the
application, as in the CSV import and the API; dates and times are ISO 8601. A part
that does not apply is ``null`` or empty. Another person appears by role only ("the
volunteer", "the requester"), never by name."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.personal_data import Subject, export_sources

EXPORT_FORMAT = "buurtmakelaar.personal-data"
EXPORT_VERSION = 1

# Words for the keys on the readable page (the JSON keeps the English keys).
LABELS = {
    "account": _("Uw account"),
    "caregivers": _("Mantelzorg en hulpvragen"),
    "volunteers": _("Vrijwilligerswerk"),
    "matches": _("Koppelingen"),
    "staff_memberships": _("Werk bij een organisatie"),
    "notifications": _("E-mail"),
    "privacy": _("Uw privacyverzoeken"),
    "email": _("e-mailadres"),
    "first_name": _("voornaam"),
    "last_name": _("achternaam"),
    "phone": _("telefoon"),
    "postcode": _("postcode"),
    "house_number": _("huisnummer"),
    "place": _("plaats"),
    "neighbourhood": _("buurt"),
    "organisation": _("organisatie"),
    "profiles": _("profiel"),
    "mantelzorgers": _("mantelzorger"),
    "care_recipients": _("voor wie u zorgt"),
    "burden_checkins": _("hoe zwaar de zorg voelt"),
    "file_opened": _("wie uw dossier opende"),
    "requests": _("hulpvragen"),
    "history": _("geschiedenis"),
    "availability": _("wanneer u kunt"),
    "screenings": _("VOG"),
    "mail_preferences": _("e-mailinstellingen"),
    "mail_sent": _("verstuurde e-mails"),
    "description": _("wat is er nodig?"),
    "created_at": _("gemaakt op"),
    "status": _("stand van zaken"),
    "kind": _("soort"),
    "skills": _("vaardigheden"),
    # conversations
    "messages": _("Berichten"),
    "about": _("over"),
    "match": _("koppeling"),
    "vacancy_response": _("reactie op een vacature"),
    "written_as": _("geschreven als"),
    "by_me": _("door u geschreven"),
    "text": _("tekst"),
    "sent_at": _("verstuurd op"),
    "read_up_to": _("gelezen tot"),
    "thread": _("gesprek"),
    "read_at": _("gelezen op"),
}


def personal_data_collect(subject: Subject) -> dict[str, Any]:
    """Every registered part for ``subject``, in JSON values (dates as ISO strings)."""
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now(),
        "scope": "account" if subject.user is not None else "organisation",
        "parts": {source.key: source.export(subject) for source in export_sources()},
    }
    # One round trip through the encoder: the page shows exactly what the file holds.
    return json.loads(personal_data_json(data))


def personal_data_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False, sort_keys=False)


def readable(value: Any, key: str = "") -> dict[str, Any]:
    """A tree the page template walks: each node has a ``type`` and a ``label`` and
    either a ``text``, ``items`` (a list) or ``fields`` (a dict)."""
    label = str(LABELS.get(key, key.replace("_", " "))) if key else ""
    if isinstance(value, dict):
        return {"type": "fields", "label": label, "fields": [readable(v, k) for k, v in value.items()]}
    if isinstance(value, list):
        return {"type": "items", "label": label, "items": [readable(v) for v in value]}
    if value is None or value == "":
        return {"type": "text", "label": label, "text": "–"}
    if isinstance(value, bool):
        return {"type": "text", "label": label, "text": str(_("ja") if value else _("nee"))}
    return {"type": "text", "label": label, "text": str(value)}
