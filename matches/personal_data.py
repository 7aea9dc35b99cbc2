"""The matches part of a person's data export (``accounts.personal_data``): their matches
(as volunteer or as the one who asked) with the history, hours and evaluation, their
calendar feed, and what they did as a broker (ids and steps only).

A match names the other side by role only ("volunteer", "requester"): the export holds
nothing about another person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.personal_data import Subject
from matches.models import BatchRun, CalendarFeed, Evaluation, HoursEntry, Match, MatchEvent, VolunteerMilestone


def matches_export(subject: Subject) -> dict[str, Any]:
    mine = Match.objects.filter(
        Q(volunteer_id__in=subject.volunteer_ids) | Q(request_id__in=subject.request_ids)
    ).select_related("request", "evaluation")
    data: dict[str, Any] = {
        "matches": [_match(match, subject) for match in mine.order_by("created_at", "pk")],
        "calendar_feed": None,
        "as_staff": {},
        # The milestones the volunteer was thanked for (or reached unmailed).
        "milestones": [
            {"kind": kind, "reached_at": reached_at, "mailed": mailed}
            for kind, reached_at, mailed in VolunteerMilestone.objects.filter(volunteer_id__in=subject.volunteer_ids)
            .order_by("reached_at", "pk")
            .values_list("kind", "reached_at", "mailed")
        ],
    }
    user = subject.user
    if user is None:
        return data
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        data["calendar_feed"] = {"created_at": feed.created_at}
    data["as_staff"] = {
        "proposed": list(Match.objects.filter(proposed_by=user).order_by("pk").values_list("pk", flat=True)),
        "match_steps_taken": [
            {"match_id": match_id, "from_status": from_status, "to_status": to_status, "at": at}
            for match_id, from_status, to_status, at in MatchEvent.objects.filter(by=user)
            .order_by("at", "pk")
            .values_list("match_id", "from_status", "to_status", "at")
        ],
        "hours_approved": [
            {"hours_id": pk, "at": at}
            for pk, at in HoursEntry.objects.filter(approved_by=user).order_by("pk").values_list("pk", "approved_at")
        ],
        "evaluations_written": [
            {"match_id": match_id, "goal_reached": goal, "next_step": step, "at": at}
            for match_id, goal, step, at in Evaluation.objects.filter(by=user)
            .order_by("pk")
            .values_list("match_id", "goal_reached", "next_step", "created_at")
        ],
        "batch_runs_started": [
            {"batch_run_id": pk, "at": at}
            for pk, at in BatchRun.objects.filter(started_by=user).order_by("pk").values_list("pk", "created_at")
        ],
    }
    return data


def _match(match: Match, subject: Subject) -> dict[str, Any]:
    as_volunteer = match.volunteer_id in subject.volunteer_ids
    evaluation = getattr(match, "evaluation", None)
    return {
        "id": match.pk,
        "role": "volunteer" if as_volunteer else "requester",
        "request_id": match.request_id,
        "kind": match.request.kind,
        "status": match.status,
        "created_at": match.created_at,
        "accepted_at": match.accepted_at,
        "activated_at": match.activated_at,
        "ended_at": match.ended_at,
        "intro_meeting_at": match.intro_meeting_at,
        "decline_reason": match.decline_reason,
        "declined_by_side": match.declined_by_side,
        # The engine's reasons are about the volunteer; only they see them.
        "reasons": list(match.reasons) if as_volunteer else [],
        # The steps, without the notes: those may name the other side.
        "history": [
            {"from_status": e.from_status, "to_status": e.to_status, "at": e.at}
            for e in match.events.order_by("at", "pk")
        ],
        "hours": [
            {"date": h.date, "hours": h.hours, "note": h.note, "approved": h.approved_at is not None}
            for h in match.hours.order_by("date", "pk")
        ]
        if as_volunteer
        else [{"date": h.date, "hours": h.hours} for h in match.hours.order_by("date", "pk")],
        "evaluation": {
            "goal_reached": evaluation.goal_reached,
            "volunteer_satisfaction": evaluation.volunteer_satisfaction,
            "requester_satisfaction": evaluation.requester_satisfaction,
            "next_step": evaluation.next_step,
            "note": evaluation.note,
            "at": evaluation.created_at,
        }
        if evaluation is not None
        else None,
    }
