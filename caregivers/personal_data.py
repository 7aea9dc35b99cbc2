"""The caregivers part of a person's data export (``accounts.personal_data``): the
mantelzorger profile with the people cared for and the burden check-ins, who opened
the care file and when, the help requests with their times and history, and the
requests and signals this person entered, moved or was given as a broker (ids and steps
only) with their saved queue filters, and the signals about the person: those that became
one of their requests, and those nobody handled yet that name their e-mail address or phone
number (the same lookup as the erasure, ``caregivers.outreach.open_signal_ids_about``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from audit.selectors import reads_about_person, role_label
from caregivers.models import CareSignal, HelpRequest, Mantelzorger, RequestEvent, SavedQueueFilter
from caregivers.outreach import open_signal_ids_about


def caregivers_export(subject: Subject) -> dict[str, Any]:
    carers = Mantelzorger.objects.filter(pk__in=subject.mantelzorger_ids).select_related(
        "organisation", "neighbourhood"
    )
    requests = (
        HelpRequest.objects.filter(pk__in=subject.request_ids)
        .select_related("organisation", "neighbourhood", "care_recipient")
        .prefetch_related("skills", "slots", "dates", "events", "network")
    )
    data: dict[str, Any] = {
        "mantelzorgers": [_mantelzorger(carer) for carer in carers.order_by("pk")],
        "requests": [_request(request) for request in requests.order_by("created_at", "pk")],
        # Signals about this person: those that became one of their requests, and the open
        # ones found by their e-mail address or phone number (erased with them too).
        "signals": [
            _signal(signal)
            for signal in CareSignal.objects.filter(
                Q(request_id__in=subject.request_ids)
                | Q(pk__in=open_signal_ids_about(contacts=subject.contacts, organisation_id=subject.organisation_id))
            ).order_by("created_at", "pk")
        ],
        "requests_entered": [],
        "request_steps_taken": [],
        "signals_entered": [],
        "requests_assigned": [],
        "saved_queue_filters": [],
        # Who else opened this person's file (the access log): the role and the
        # organisation, not the staff member's name; when, and what.
        "file_opened": [
            {
                "at": entry.at,
                "what": entry.what,
                "role": role_label(entry.actor_role),
                "organisation": entry.organisation.name if entry.organisation else "",
            }
            for entry in reads_about_person(
                user_id=subject.user.pk if subject.user is not None else None,
                mantelzorger_ids=subject.mantelzorger_ids,
                request_ids=subject.request_ids,
                limit=None,
            )
        ],
    }
    if subject.user is not None:
        # As a broker (or as the person themselves): what they did, without other people's data.
        data["requests_entered"] = [
            {"request_id": pk, "created_at": at}
            for pk, at in HelpRequest.objects.filter(entered_by=subject.user)
            .order_by("created_at", "pk")
            .values_list("pk", "created_at")
        ]
        data["signals_entered"] = [
            {"signal_id": pk, "created_at": at}
            for pk, at in CareSignal.objects.filter(entered_by=subject.user)
            .order_by("created_at", "pk")
            .values_list("pk", "created_at")
        ]
        data["request_steps_taken"] = [
            {"request_id": request_id, "from_status": from_status, "to_status": to_status, "at": at}
            for request_id, from_status, to_status, at in RequestEvent.objects.filter(by=subject.user)
            .order_by("at", "pk")
            .values_list("request_id", "from_status", "to_status", "at")
        ]
        # As a broker: the requests given to them (ids only) and their saved queue filters.
        data["requests_assigned"] = list(
            HelpRequest.objects.filter(assigned_to=subject.user).order_by("pk").values_list("pk", flat=True)
        )
        data["saved_queue_filters"] = [
            {"organisation": organisation, "name": name, "query": query, "created_at": at}
            for organisation, name, query, at in SavedQueueFilter.objects.filter(user=subject.user)
            .order_by("organisation__name", "name", "pk")
            .values_list("organisation__name", "name", "query", "created_at")
        ]
    return data


def _mantelzorger(carer: Mantelzorger) -> dict[str, Any]:
    return {
        "id": carer.pk,
        "organisation": carer.organisation.name,
        "first_name": carer.first_name,
        "last_name": carer.last_name,
        "email": carer.email,
        "phone": carer.phone,
        "postcode": carer.postcode,
        "house_number": carer.house_number,
        "place": carer.place,
        "latitude": carer.latitude,
        "longitude": carer.longitude,
        "neighbourhood": carer.neighbourhood.name if carer.neighbourhood_id else None,
        "relation": carer.relation,
        "care_hours_per_week": carer.care_hours_per_week,
        "created_at": carer.created_at,
        "care_recipients": [
            {
                "id": person.pk,
                "name": person.name,
                "age_band": person.age_band,
                "situation": person.situation,
                "notes": person.notes,
                "created_at": person.created_at,
            }
            for person in carer.care_recipients.order_by("pk")
        ],
        "burden_checkins": [
            {
                "score": checkin.score,
                "sleeps_badly": checkin.sleeps_badly,
                "no_time_for_self": checkin.no_time_for_self,
                "health_suffers": checkin.health_suffers,
                "feels_alone": checkin.feels_alone,
                "at": checkin.created_at,
            }
            for checkin in carer.checkins.order_by("created_at", "pk")
        ],
    }


def _signal(signal: CareSignal) -> dict[str, Any]:
    return {
        "id": signal.pk,
        "first_name": signal.first_name,
        "contact": signal.contact,
        "postcode": signal.postcode,
        "place": signal.place,
        "noticed": signal.noticed,
        "about_carer": signal.about_carer,
        "source_kind": signal.source_kind,
        "source_name": signal.source_name,
        "consent_how": signal.consent_how,
        "consent_at": signal.consent_at,
        "status": signal.status,
        "request_id": signal.request_id,
        "created_at": signal.created_at,
    }


def _request(request: HelpRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "organisation": request.organisation.name,
        "kind": request.kind,
        "status": request.status,
        "urgency": request.urgency,
        "requester_first_name": request.requester_first_name,
        "requester_last_name": request.requester_last_name,
        "email": request.email,
        "phone": request.phone,
        "postcode": request.postcode,
        "house_number": request.house_number,
        "place": request.place,
        "latitude": request.latitude,
        "longitude": request.longitude,
        "neighbourhood": request.neighbourhood.name if request.neighbourhood_id else None,
        "description": request.description,
        "source": request.source,
        "contact_name": request.contact_name,
        "call_time": request.call_time,
        "skills": sorted(skill.code for skill in request.skills.all()),
        "care_recipient": request.care_recipient.name if request.care_recipient_id else None,
        "entered_by_broker": request.entered_by_id is not None and request.entered_by_id != request.requester_id,
        "recurring": request.recurring,
        "weekly_times": [slot.as_slot().label() for slot in request.slots.all()],
        "dates": [
            {"date": row.date, "start": row.start, "end": row.end}
            for row in sorted(request.dates.all(), key=lambda r: (r.date, r.start))
        ],
        "needs_vog": request.needs_vog,
        "max_distance_km": request.max_distance_km,
        "question_behind": request.question_behind,
        "own_strength": request.own_strength,
        "goal_own_words": request.goal_own_words,
        "goal_measurable": request.goal_measurable,
        "ladder_step": request.ladder_step,
        "goal_reached": request.goal_reached,
        "preferred_language": request.preferred_language,
        # Who in the person's network helps or could help (contact details only with consent).
        "network": [
            {
                "name": member.name,
                "relation": member.relation,
                "helps": member.helps,
                "what": member.what,
                "contact_consent": member.contact_consent,
                "contact_consent_on": member.contact_consent_on,
                "phone": member.phone,
                "email": member.email,
            }
            for member in sorted(request.network.all(), key=lambda m: m.pk)
        ],
        "referred_to": request.referred_to,
        "referral_reason": request.referral_reason,
        "outcome": request.outcome,
        "created_at": request.created_at,
        "status_changed_at": request.status_changed_at,
        # The steps, without the notes: those name the volunteer ("Gekoppeld aan ...").
        "history": [
            {"from_status": event.from_status, "to_status": event.to_status, "at": event.at}
            for event in sorted(request.events.all(), key=lambda e: (e.at, e.pk))
        ],
    }
