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
        "vacancy_responses": {responses: [vacancy, partner, note, status, sent_at, decided_at],
                              partner_memberships: [{partner, since}]},
        "messages":          {messages: [about, match, vacancy_response, written_as, by_me, text,
                              sent_at], read_up_to: [{thread, read_at}]},
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
    # Every other key of the export (tests/privacy/test_export.py checks that each has one).
    "vacancy_responses": _("Reacties op vacatures"),
    "activity_signups": _("Aanmeldingen voor activiteiten"),
    "requests_assigned": _("hulpvragen aan u toegewezen"),
    "saved_queue_filters": _("bewaarde filters van de wachtrij"),
    "responses": _("reacties"),
    "partner_memberships": _("werk voor een partnerorganisatie"),
    "vacancy": _("vacature"),
    "partner": _("partnerorganisatie"),
    "decided_at": _("besloten op"),
    "since": _("sinds"),
    "date_joined": _("account gemaakt op"),
    "last_login": _("laatst ingelogd op"),
    "email_addresses": _("e-mailadressen"),
    "primary": _("hoofdadres"),
    "verified": _("bevestigd"),
    "is_active": _("actief"),
    "id": _("nummer"),
    "external_id": _("nummer in een ander systeem"),
    "municipality": _("gemeente"),
    "role": _("rol"),
    "latitude": _("breedtegraad"),
    "longitude": _("lengtegraad"),
    "about_carer": _("over de mantelzorger"),
    "age_band": _("leeftijd"),
    "call_time": _("wanneer we kunnen bellen"),
    "care_hours_per_week": _("uren zorg per week"),
    "care_recipient": _("voor wie de hulp is"),
    "consent_at": _("toestemming gegeven op"),
    "consent_how": _("hoe de toestemming is gegeven"),
    "contact": _("contactgegevens"),
    "contact_name": _("naam van de contactpersoon"),
    "contact_consent": _("mag gebeld of gemaild worden"),
    "contact_consent_on": _("toestemming om te bellen gegeven op"),
    "dates": _("datums"),
    "weekly_times": _("vaste tijden per week"),
    "entered_by_broker": _("ingevoerd door een makelaar"),
    "feels_alone": _("voelt zich alleen"),
    "health_suffers": _("gezondheid lijdt eronder"),
    "no_time_for_self": _("geen tijd voor zichzelf"),
    "sleeps_badly": _("slaapt slecht"),
    "score": _("cijfer"),
    "goal_measurable": _("doel van de makelaar"),
    "goal_own_words": _("doel in eigen woorden"),
    "goal_reached": _("doel bereikt"),
    "ladder_step": _("opgelost met"),
    "needs_vog": _("VOG nodig"),
    "network": _("netwerk"),
    "name": _("naam"),
    "notes": _("aantekeningen"),
    "note": _("opmerking"),
    "noticed": _("wat is opgemerkt"),
    "outcome": _("uitkomst"),
    "own_strength": _("wat u zelf kunt"),
    "preferred_language": _("taal"),
    "question_behind": _("de vraag achter de vraag"),
    "recurring": _("elke week"),
    "referral_reason": _("waarom doorverwezen"),
    "referred_to": _("doorverwezen naar"),
    "relation": _("wie het is"),
    "helps": _("helpt"),
    "what": _("wat"),
    "requester_first_name": _("voornaam van de aanvrager"),
    "requester_last_name": _("achternaam van de aanvrager"),
    "situation": _("situatie"),
    "source": _("hoe de vraag binnenkwam"),
    "source_kind": _("wie het signaal gaf"),
    "source_name": _("naam van wie het signaal gaf"),
    "status_changed_at": _("stand veranderd op"),
    "urgency": _("hoe dringend"),
    "signals": _("signalen"),
    "signals_entered": _("signalen die u invoerde"),
    "requests_entered": _("hulpvragen die u invoerde"),
    "request_steps_taken": _("stappen die u zette bij hulpvragen"),
    "request_id": _("nummer van de hulpvraag"),
    "match_id": _("nummer van de koppeling"),
    "hours_id": _("nummer van de uren"),
    "from_status": _("van"),
    "to_status": _("naar"),
    "at": _("wanneer"),
    "date": _("datum"),
    "category": _("soort"),
    "languages": _("talen"),
    "max_active_matches": _("hoeveel koppelingen tegelijk"),
    "max_distance_km": _("hoe ver (km)"),
    "paused_until": _("pauze tot en met"),
    "stopped_at": _("gestopt op"),
    "target_groups": _("voor wie u wilt helpen"),
    "wants_one_off": _("wil eenmalig helpen"),
    "wants_recurring": _("wil vast helpen"),
    "issued_on": _("afgegeven op"),
    "valid_until": _("geldig tot"),
    "vog_valid_until": _("VOG geldig tot"),
    "screenings_recorded": _("VOG's die u vastlegde"),
    "broker": _("meldingen voor makelaars"),
    "accepted_at": _("ja gezegd op"),
    "activated_at": _("begonnen op"),
    "ended_at": _("gestopt op"),
    "intro_meeting_at": _("kennismaking op"),
    "decline_reason": _("reden van nee"),
    "declined_by_side": _("wie nee zei"),
    "evaluation": _("evaluatie"),
    "next_step": _("wat daarna"),
    "requester_satisfaction": _("tevredenheid van de hulpvrager"),
    "volunteer_satisfaction": _("tevredenheid van de vrijwilliger"),
    "hours": _("uren"),
    "approved": _("goedgekeurd"),
    "reasons": _("waarom het past"),
    "calendar_feed": _("agenda-koppeling"),
    "milestones": _("mijlpalen"),
    "proposals": _("nieuwe voorstellen om te helpen"),
    "as_staff": _("wat u deed als medewerker"),
    "proposed": _("koppelingen die u voorstelde"),
    "match_steps_taken": _("stappen die u zette bij koppelingen"),
    "hours_approved": _("uren die u goedkeurde"),
    "evaluations_written": _("evaluaties die u schreef"),
    "batch_runs_started": _("koppelrondes die u startte"),
    "reminders": _("herinneringen"),
    "digest": _("dagelijks overzicht voor makelaars"),
    "updates": _("nieuws over mijn koppelingen"),
    "to_email": _("naar e-mailadres"),
    "rights": _("uw privacyverzoeken"),
    "inactivity_warning": _("waarschuwing bij lang niet inloggen"),
    "retention_settings_changed": _("bewaartermijnen die u veranderde"),
    "batch_run_id": _("nummer van de koppelronde"),
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
