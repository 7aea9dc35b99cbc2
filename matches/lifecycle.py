"""The life of a match after the proposal: accept, decline, start, cancel, end with an
evaluation; hours; single-use e-mail links; the proposal e-mail.

States (``matches.models.Match.Status``)::

    proposed ──accept──> accepted_by_volunteer ──activate──> active ──end──> ended
       │                        │                               │
       ├──decline (volunteer, broker)                           ├──decline (requester, broker)
       │                        ├──decline (volunteer, requester, broker)
       └──cancel (broker) ──────┴──cancel (broker) ─────────────┘  → cancelled

Every transition, in one transaction:

* locks the request row first, then the match row (``select_for_update``, the match
  row only: ``of=("self",)``), the same order as ``caregivers.services.request_withdraw``
  (request, then its matches), so the two never deadlock; ``match_propose`` locks the
  volunteer and then the request, and nothing here locks a volunteer while holding a
  request;
* checks the current state under the lock and then claims it with a conditional
  ``UPDATE … WHERE status = <seen>`` (which also keeps the rule on SQLite, where row
  locks do nothing); a refused step raises :class:`~common.errors.DomainError` with a
  Dutch message and changes nothing;
* writes a :class:`~matches.models.MatchEvent` (who, from → to, why) and the
  matching ``*_at`` field, and, where the request changes, a ``RequestEvent``.

Capacity: a proposal already takes one of the volunteer's places (``proposed`` is
an open state), so accepting or starting never over-fills; declining, cancelling
and ending free the place.

The request follows the match:

* ``match_activate``: the request ``ready → matched``; the request's other open
  proposals are cancelled (someone else helps now; their places free up).
* a decline or cancel of an *active* match: ``matched → ready`` (the broker looks
  for someone new). Declining or cancelling a proposal leaves the request as it is.
* ``match_end`` with the evaluation's next step: ``close`` → ``closed`` with the
  outcome derived from the goal (yes → helped, partly → partly, no → not_helped),
  the ladder step ``volunteer`` and the goal reached as the evaluation says;
  ``rematch`` → ``ready``; ``refer`` → ``intake`` with the note "doorverwijzen":
  a referral needs *to whom* and *why* (``caregivers.intake.request_refer``), which
  the evaluation does not ask, so the request goes back to the broker's intake and
  the broker refers it from there.
* A requester who says an *active* match no longer fits (``match_decline`` with
  side ``requester``) ends it as ``declined`` (``declined_by_side="requester"``),
  with the reason in the event for the broker, and the request goes back to
  ``ready``. A volunteer who wants to stop an active match asks the broker
  (who cancels or ends it): the volunteer's page offers no stop button.

Reads used by the people's and the broker's pages are at the end of this module.
"""

from __future__ import annotations

import datetime
import hmac
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestEvent
from common.errors import DomainError
from matches.links import link_hash
from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken
from matches.selectors import (
    HOURS_GRACE_DAYS,
    _hours_text,
    _local_date,
    _today,
    _user,
    is_match_requester,
    is_match_volunteer,
)
from matches.signals import open_matches_changed
from neighbourhoods.models import Organisation
from neighbourhoods.selectors import is_broker_of
from volunteers.models import Volunteer

__all__ = [
    "DECLINE_SIDES",
    "LinkError",
    "hours_approve",
    "hours_approve_all",
    "hours_log",
    "match_accept",
    "match_activate",
    "match_cancel",
    "match_decline",
    "match_end",
    "match_link_check",
    "match_link_use",
    "match_proposal_mail",
    "match_state_error",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Status = Match.Status
RequestStatus = HelpRequest.Status

MAX_HOURS_PER_DAY = Decimal("24")
QUARTER = Decimal("0.25")
NOTE_MAX = MatchEvent._meta.get_field("note").max_length  # 2000
HOURS_NOTE_MAX = HoursEntry._meta.get_field("note").max_length  # 300
# An introduction meeting is recorded within this many days of today (either way).
INTRO_RANGE_DAYS = 366

SIDE_VOLUNTEER, SIDE_REQUESTER, SIDE_BROKER = "volunteer", "requester", "broker"
DECLINE_SIDES = (SIDE_VOLUNTEER, SIDE_REQUESTER, SIDE_BROKER)
# From which states each side may decline.
DECLINE_FROM: dict[str, tuple[str, ...]] = {
    SIDE_VOLUNTEER: (Status.PROPOSED, Status.ACCEPTED_BY_VOLUNTEER),
    SIDE_REQUESTER: (Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE),
    SIDE_BROKER: (Status.PROPOSED, Status.ACCEPTED_BY_VOLUNTEER, Status.ACTIVE),
}
OUTCOME_FOR_GOAL = {
    Evaluation.Goal.YES: "helped",
    Evaluation.Goal.PARTLY: "partly",
    Evaluation.Goal.NO: "not_helped",
}
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{20,100}")


class LinkError(DomainError):
    """A link from an e-mail that cannot be used; ``status`` is the HTTP status a page
    answers with (404 unknown, 410 expired or used, 409 the proposal moved on)."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


# --- Small helpers -------------------------------------------------------------------


def match_state_error(status: str) -> DomainError:
    """Why a match in ``status`` cannot take the step that was asked for (Dutch)."""
    messages = {
        Status.PROPOSED: _("Dit is nog een voorstel: de vrijwilliger heeft nog geen ja gezegd."),
        Status.ACCEPTED_BY_VOLUNTEER: _("De vrijwilliger heeft al ja gezegd. Nu is de hulpvrager aan de beurt."),
        Status.ACTIVE: _("Deze koppeling loopt al."),
        Status.ENDED: _("Deze koppeling is al afgerond."),
        Status.DECLINED: _("Deze koppeling is al afgewezen."),
        Status.CANCELLED: _("Dit voorstel is intussen ingetrokken door de vrijwilligerscentrale."),
    }
    return DomainError(messages.get(status, _("Deze stap kan nu niet.")))


def _check_note(note: str | None, *, limit: int = NOTE_MAX, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > limit:
        raise DomainError(
            _("De toelichting is te lang: hoogstens %(limit)s tekens, nu %(count)s.")
            % {"limit": limit, "count": len(note)},
            field=field,
        )
    return note


def _not_allowed() -> DomainError:
    return DomainError(_("U mag dit niet doen bij deze koppeling."))


# --- Locking and recording -----------------------------------------------------------


def _lock(match: Match) -> Match:
    """Lock the request row, then the match row (in that order; see the module
    docstring) and return the locked match with ``.request`` set to the locked request."""
    request_id = match.request_id
    if request_id is None:  # pragma: no cover - a match always has a request
        raise DomainError(_("Deze koppeling bestaat niet meer."))
    if connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE: take the database write lock now, before reading
        # (as matches.proposals does), so two transitions never interleave.
        HelpRequest.objects.filter(pk=request_id).update(status=F("status"))
    locked_request = HelpRequest.objects.select_for_update().filter(pk=request_id).first()
    locked = Match.objects.select_for_update(of=("self",)).filter(pk=match.pk).first()
    if locked is None or locked_request is None:
        raise DomainError(_("Deze koppeling bestaat niet meer."))
    locked.request = locked_request
    return locked


def _move(
    locked: Match,
    *,
    to: str,
    by,
    note: str = "",
    code: str = "",
    params: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
    departed: bool = False,
) -> MatchEvent:
    """Claim ``locked.status → to`` with a conditional UPDATE, save ``fields`` with
    it, and record the event. Raises the state error when the stored status moved.
    ``departed``: one side's data is being erased; the other side's e-mail then says
    only that the help does not go on (no name, no reason)."""
    from_status = locked.status
    now = timezone.now()
    values = {"status": to, "updated_at": now, **(fields or {})}
    claimed = Match.objects.filter(pk=locked.pk, status=from_status).update(**values)
    if not claimed:
        raise match_state_error(Match.objects.filter(pk=locked.pk).values_list("status", flat=True).first() or "")
    for name, value in values.items():
        setattr(locked, name, value)
    _bump_pool(locked)
    event = MatchEvent.objects.create(
        match=locked,
        from_status=from_status,
        to_status=to,
        by=_user(by),
        code=code,
        params=params,
        note=note[:NOTE_MAX],
    )
    # The people concerned hear of it through the outbox, in this same transaction.
    from matches.mails import match_event_notify

    match_event_notify(match=locked, event=event, by=_user(by), departed=departed)
    return event


def _move_request(
    request: HelpRequest,
    *,
    to: str,
    by,
    note: str = "",
    code: str = "",
    params: dict[str, str] | None = None,
    allowed_from: Iterable[str] = (RequestStatus.MATCHED,),
    **fields,
) -> bool:
    """Move the (locked) request when it is in ``allowed_from``; False (and nothing
    written) otherwise: a request that already moved on is left alone."""
    from_status = request.status
    if from_status not in tuple(allowed_from):
        return False
    now = timezone.now()
    values = {"status": to, "status_changed_at": now, "updated_at": now, **fields}
    if not HelpRequest.objects.filter(pk=request.pk, status=from_status).update(**values):
        # Only possible without row locks: the request moved between the read and the write.
        raise DomainError(_("De hulpvraag is net veranderd. Laad de pagina opnieuw en probeer het nog eens."))
    for name, value in values.items():
        setattr(request, name, value)
    RequestEvent.objects.create(
        request=request, from_status=from_status, to_status=to, by=_user(by), code=code, params=params, note=note
    )
    return True


def _bump_pool(match: Match) -> None:
    """Tell the matching pool that this volunteer's matches changed: conditional
    UPDATEs send no ``post_save``."""
    open_matches_changed.send(
        sender=Match, organisation_ids={match.organisation_id}, volunteer_ids={match.volunteer_id}
    )


def _sync(match: Match, locked: Match) -> Match:
    """Bring the caller's object up to date with the locked one."""
    for name in (
        "status",
        "accepted_at",
        "activated_at",
        "ended_at",
        "intro_meeting_at",
        "decline_reason",
        "declined_by_side",
        "updated_at",
    ):
        setattr(match, name, getattr(locked, name))
    return locked


# --- Transitions -----------------------------------------------------------------------


def _accept(match: Match, *, by, code: str = "", check=None) -> Match:
    with transaction.atomic():
        locked = _lock(match)
        if check is not None:
            check(locked)
        if locked.status != Status.PROPOSED:
            raise match_state_error(locked.status)
        _move(locked, to=Status.ACCEPTED_BY_VOLUNTEER, by=by, code=code, fields={"accepted_at": timezone.now()})
    return _sync(match, locked)


def match_accept(*, match: Match, by) -> Match:
    """``proposed → accepted_by_volunteer``: the volunteer says yes (or a broker
    records a yes given by phone). Now the requester is asked."""

    def check(locked: Match) -> None:
        if not (is_match_volunteer(by, locked) or is_broker_of(by, locked.organisation_id)):
            raise _not_allowed()

    code = "" if is_match_volunteer(by, match) else MatchEvent.Code.ACCEPTED_FOR_VOLUNTEER
    return _accept(match, by=by, code=code, check=check)


def _check_decline(side: str, reason: str, note: str) -> str:
    if side not in DECLINE_SIDES:
        raise DomainError(_("Onbekend wie er nee zegt."), field="side")
    if reason not in Match.DeclineReason.values:
        raise DomainError(_("Kies een reden uit de lijst."), field="reason")
    note = _check_note(note)
    if reason == Match.DeclineReason.OTHER and not note:
        raise DomainError(_("U koos ‘anders’. Schrijf kort waarom."), field="note")
    return note


def _decline(match: Match, *, by, side: str, reason: str, note: str, check=None) -> Match:
    with transaction.atomic():
        locked = _lock(match)
        if check is not None:
            check(locked)
        if locked.status not in DECLINE_FROM[side]:
            raise match_state_error(locked.status)
        was_active = locked.status == Status.ACTIVE
        _move(
            locked,
            to=Status.DECLINED,
            by=by,
            code=MatchEvent.Code.DECLINED,
            params={"side": side, "reason": reason},
            note=note,
            fields={"decline_reason": reason, "declined_by_side": side, "ended_at": timezone.now()},
        )
        if was_active:
            _move_request(
                locked.request,
                to=RequestStatus.READY,
                by=by,
                code=RequestEvent.Code.MATCH_STOPPED,
            )
    return _sync(match, locked)


def match_decline(*, match: Match, by, side: str, reason: str, note: str = "") -> Match:
    """``→ declined``, with a reason from :class:`Match.DeclineReason` (``other``
    needs a note) and the side that said no.

    * side ``volunteer`` (the volunteer, or a broker for them): from ``proposed`` or
      ``accepted_by_volunteer``;
    * side ``requester`` (the requester or their mantelzorger, or a broker for
      them): from ``accepted_by_volunteer`` or ``active`` ("past niet meer");
    * side ``broker``: from any open state.

    Declining an active match puts the request back to ``ready``."""
    note = _check_decline(side, reason, note)

    def check(locked: Match) -> None:
        if is_broker_of(by, locked.organisation_id):
            return
        if side == SIDE_VOLUNTEER and is_match_volunteer(by, locked):
            return
        if side == SIDE_REQUESTER and is_match_requester(by, locked):
            return
        raise _not_allowed()

    return _decline(match, by=by, side=side, reason=reason, note=note, check=check)


def _check_intro(intro_meeting_at: datetime.datetime | None) -> datetime.datetime | None:
    if intro_meeting_at is None:
        return None
    if not isinstance(intro_meeting_at, datetime.datetime):
        raise DomainError(_("Vul een datum en tijd in voor de kennismaking."), field="intro_meeting_at")
    if timezone.is_naive(intro_meeting_at):
        intro_meeting_at = intro_meeting_at.replace(tzinfo=AMSTERDAM)
    if abs((_local_date(intro_meeting_at) - _today()).days) > INTRO_RANGE_DAYS:
        raise DomainError(
            _("De kennismaking moet binnen een jaar van vandaag liggen. Kijk de datum na."),
            field="intro_meeting_at",
        )
    return intro_meeting_at


def match_activate(*, match: Match, by, intro_meeting_at: datetime.datetime | None = None, note: str = "") -> Match:
    """``accepted_by_volunteer → active``: the requester or mantelzorger agrees ("Ja,
    dit past"), or a broker records it, optionally with the date of the introduction
    meeting. The request goes ``ready → matched`` and its other open proposals are
    cancelled (their places free up). Refused when the request is no longer ready
    (withdrawn, referred, already matched)."""
    intro_meeting_at = _check_intro(intro_meeting_at)
    note = _check_note(note)
    with transaction.atomic():
        locked = _lock(match)
        if not (is_match_requester(by, locked) or is_broker_of(by, locked.organisation_id)):
            raise _not_allowed()
        if locked.status != Status.ACCEPTED_BY_VOLUNTEER:
            raise match_state_error(locked.status)
        request = locked.request
        if request.status != RequestStatus.READY:
            raise DomainError(
                _("De hulpvraag staat op ‘%(status)s’. Starten kan alleen bij een vraag die klaar is om te koppelen.")
                % {"status": request.get_status_display()}
            )
        fields: dict[str, Any] = {"activated_at": timezone.now()}
        if intro_meeting_at is not None:
            fields["intro_meeting_at"] = intro_meeting_at
        if not note:
            note = (
                _("De hulpvrager zegt: ja, dit past.")
                if is_match_requester(by, locked)
                else _("Gestart, vastgelegd door de makelaar.")
            )
        _move(locked, to=Status.ACTIVE, by=by, note=note, fields=fields)
        _move_request(
            request,
            to=RequestStatus.MATCHED,
            by=by,
            code=RequestEvent.Code.MATCHED,
            allowed_from=(RequestStatus.READY,),
        )
        others = Match.objects.select_for_update(of=("self",)).filter(
            request_id=request.pk, status__in=[Status.PROPOSED, Status.ACCEPTED_BY_VOLUNTEER]
        )
        for other in others.exclude(pk=locked.pk).order_by("pk"):
            other.request = request
            _move(
                other,
                to=Status.CANCELLED,
                by=by,
                code=MatchEvent.Code.OTHER_VOLUNTEER,
                fields={"ended_at": timezone.now()},
            )
    return _sync(match, locked)


def match_cancel(*, match: Match, by, reason: str) -> Match:
    """``proposed / accepted_by_volunteer / active → cancelled`` by a broker of the
    organisation, with a reason (required). Cancelling an active match puts the
    request back to ``ready``."""
    reason = _check_note(reason, field="reason")
    if not reason:
        raise DomainError(_("Schrijf kort waarom u deze koppeling annuleert."), field="reason")
    with transaction.atomic():
        locked = _lock(match)
        if not is_broker_of(by, locked.organisation_id):
            raise _not_allowed()
        if locked.status not in Match.OPEN_STATES:
            raise match_state_error(locked.status)
        was_active = locked.status == Status.ACTIVE
        _move(locked, to=Status.CANCELLED, by=by, note=reason, fields={"ended_at": timezone.now()})
        if was_active:
            _move_request(
                locked.request,
                to=RequestStatus.READY,
                by=by,
                code=RequestEvent.Code.MATCH_CANCELLED,
                note=reason,
            )
    return _sync(match, locked)


def matches_end_for_departing_volunteer(*, volunteer: Volunteer, by) -> int:
    """The volunteer's open matches end when their data is erased: proposals and running
    help are cancelled (the other side is told, without details), and a request whose
    help was running goes back to ``ready`` so a broker can find someone new. Returns how
    many ended. Runs inside the erasure's transaction."""
    ended = 0
    for match in Match.objects.filter(volunteer=volunteer, status__in=Match.OPEN_STATES).order_by("pk"):
        locked = _lock(match)
        if locked.status not in Match.OPEN_STATES:
            continue
        was_active = locked.status == Status.ACTIVE
        _move(
            locked,
            to=Status.CANCELLED,
            by=by,
            code=MatchEvent.Code.VOLUNTEER_STOPPED,
            fields={"ended_at": timezone.now()},
            departed=True,
        )
        if was_active:
            _move_request(locked.request, to=RequestStatus.READY, by=by, code=RequestEvent.Code.VOLUNTEER_STOPPED)
        ended += 1
    return ended


def matches_end_for_erased_request(*, request: HelpRequest, by) -> int:
    """The request's open matches end when its requester's (or mantelzorger's) data is
    erased: proposals and running help are cancelled and the volunteer is told, without
    details. The request itself is withdrawn by ``caregivers.services.requests_erase``.
    Returns how many ended. Runs inside the erasure's transaction."""
    ended = 0
    for match in Match.objects.filter(request_id=request.pk, status__in=Match.OPEN_STATES).order_by("pk"):
        locked = _lock(match)
        if locked.status not in Match.OPEN_STATES:
            continue
        _move(
            locked,
            to=Status.CANCELLED,
            by=by,
            code=MatchEvent.Code.REQUESTER_STOPPED,
            fields={"ended_at": timezone.now()},
            departed=True,
        )
        ended += 1
    return ended


def _check_satisfaction(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DomainError(_("Kies een getal van 1 tot 5."), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Kies een getal van 1 tot 5."), field=field)
    if number != value and str(number) != str(value).strip():
        raise DomainError(_("Kies een getal van 1 tot 5."), field=field)
    if not 1 <= number <= 5:
        raise DomainError(_("Kies een getal van 1 tot 5."), field=field)
    return number


def match_end(
    *,
    match: Match,
    by,
    goal_reached: str,
    volunteer_satisfaction: int | None,
    requester_satisfaction: int | None,
    next_step: str,
    note: str = "",
) -> Evaluation:
    """``active → ended`` by a broker, with the evaluation (goal reached yes/partly/no,
    satisfaction of both sides 1-5 or unknown, what happens next, a note).

    The request (when still ``matched``) follows ``next_step``: ``close`` →
    ``closed`` with the outcome derived from the goal; ``rematch`` → ``ready``;
    ``refer`` → ``intake`` with the note "doorverwijzen" (the broker refers it from
    there, with to whom and why)."""
    if goal_reached not in Evaluation.Goal.values:
        raise DomainError(_("Kies of het doel bereikt is: ja, gedeeltelijk of nee."), field="goal_reached")
    if next_step not in Evaluation.Next.values:
        raise DomainError(_("Kies hoe het verder gaat."), field="next_step")
    volunteer_satisfaction = _check_satisfaction(volunteer_satisfaction, "volunteer_satisfaction")
    requester_satisfaction = _check_satisfaction(requester_satisfaction, "requester_satisfaction")
    note = _check_note(note)
    with transaction.atomic():
        locked = _lock(match)
        if not is_broker_of(by, locked.organisation_id):
            raise _not_allowed()
        if locked.status != Status.ACTIVE:
            raise DomainError(
                _("Alleen een koppeling die loopt kunt u afronden met een evaluatie. %(why)s")
                % {"why": match_state_error(locked.status).message}
            )
        evaluation = Evaluation(
            match=locked,
            goal_reached=goal_reached,
            volunteer_satisfaction=volunteer_satisfaction,
            requester_satisfaction=requester_satisfaction,
            next_step=next_step,
            note=note,
            by=_user(by),
        )
        try:
            evaluation.full_clean(exclude=["match", "by"])
        except ValidationError as error:  # pragma: no cover - checked above
            raise DomainError(" ".join(error.messages))
        _move(
            locked,
            to=Status.ENDED,
            by=by,
            code=MatchEvent.Code.ENDED,
            params={"goal": goal_reached, "step": next_step},
            note=note,
            fields={"ended_at": timezone.now()},
        )
        evaluation.save()
        request = locked.request
        if next_step == Evaluation.Next.CLOSE:
            _move_request(
                request,
                to=RequestStatus.CLOSED,
                by=by,
                code=RequestEvent.Code.CLOSED_AFTER_EVALUATION,
                params={"goal": goal_reached},
                outcome=OUTCOME_FOR_GOAL[goal_reached],
                # Solved on the ladder's volunteer step, with the evaluation's goal.
                ladder_step=HelpRequest.LadderStep.VOLUNTEER,
                goal_reached=goal_reached,
            )
        elif next_step == Evaluation.Next.REMATCH:
            _move_request(
                request,
                to=RequestStatus.READY,
                by=by,
                code=RequestEvent.Code.REMATCH_AFTER_EVALUATION,
            )
        else:
            _move_request(
                request,
                to=RequestStatus.INTAKE,
                by=by,
                code=RequestEvent.Code.REFER_AFTER_EVALUATION,
            )
    _sync(match, locked)
    return evaluation


# --- Hours -------------------------------------------------------------------------------


def _check_hours(hours: Any) -> Decimal:
    message = _("Vul het aantal uren in als getal, bijvoorbeeld 1,5.")
    if isinstance(hours, bool) or hours is None:
        raise DomainError(message, field="hours")
    try:
        value = Decimal(str(hours).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(message, field="hours")
    if not value.is_finite():
        raise DomainError(message, field="hours")
    if value <= 0:
        raise DomainError(_("Vul een aantal uren in dat groter is dan 0."), field="hours")
    if value > MAX_HOURS_PER_DAY:
        raise DomainError(_("Meer dan 24 uur op één dag kan niet."), field="hours")
    if value % QUARTER != 0:
        raise DomainError(
            _("Schrijf uren per kwartier: bijvoorbeeld 1, 1,25, 1,5 of 1,75."),
            field="hours",
        )
    return value.quantize(Decimal("0.01"))


def _match_start_date(match: Match) -> datetime.date:
    start = match.accepted_at or match.activated_at or match.created_at
    return _local_date(start)


def hours_log(*, match: Match, by, date: datetime.date, hours: Any, note: str = "") -> HoursEntry:
    """The match's volunteer writes hours: on a match that runs, or ended at most
    :data:`HOURS_GRACE_DAYS` days ago; a date from the start of the match (the day
    the volunteer said yes) up to today (Europe/Amsterdam); hours in quarters,
    more than 0 and at most 24, and at most 24 per day summed over all the
    volunteer's matches (checked under the volunteer's row lock)."""
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise DomainError(_("Vul een datum in."), field="date")
    value = _check_hours(hours)
    note = _check_note(note, limit=HOURS_NOTE_MAX)
    today = _today()
    with transaction.atomic():
        if connection.vendor == "sqlite":
            # No row locks on SQLite: take the write lock before summing the day's hours.
            Volunteer.objects.filter(pk=match.volunteer_id).update(max_active_matches=F("max_active_matches"))
        volunteer = Volunteer.objects.select_for_update().filter(pk=match.volunteer_id).first()
        current = Match.objects.filter(pk=match.pk).first()
        if volunteer is None or current is None:
            raise DomainError(_("Deze koppeling bestaat niet meer."))
        if _user(by) is None or volunteer.user_id != by.pk:
            raise DomainError(_("Alleen de vrijwilliger van deze koppeling kan hier uren schrijven."))
        open_for_hours = current.status == Status.ACTIVE or (
            current.status == Status.ENDED
            and current.ended_at is not None
            and (today - _local_date(current.ended_at)).days <= HOURS_GRACE_DAYS
        )
        if not open_for_hours:
            raise DomainError(
                _("U kunt alleen uren schrijven bij een koppeling die loopt, of tot %(days)s dagen na het einde.")
                % {"days": HOURS_GRACE_DAYS}
            )
        if date > today:
            raise DomainError(
                _("Deze datum ligt in de toekomst. U kunt uren schrijven voor vandaag of eerder."), field="date"
            )
        start = _match_start_date(current)
        if date < start:
            raise DomainError(
                _("Deze datum ligt vóór het begin van de koppeling (%(date)s).") % {"date": start.strftime("%d-%m-%Y")},
                field="date",
            )
        if current.status == Status.ENDED and current.ended_at and date > _local_date(current.ended_at):
            raise DomainError(
                _("Deze datum ligt na het einde van de koppeling (%(date)s).")
                % {"date": _local_date(current.ended_at).strftime("%d-%m-%Y")},
                field="date",
            )
        done = HoursEntry.objects.filter(match__volunteer_id=volunteer.pk, date=date).aggregate(total=Sum("hours"))[
            "total"
        ] or Decimal("0")
        if done + value > MAX_HOURS_PER_DAY:
            raise DomainError(
                _("Op %(date)s heeft u al %(done)s uur geschreven. Meer dan 24 uur op één dag kan niet.")
                % {"date": date.strftime("%d-%m-%Y"), "done": _hours_text(done)},
                field="hours",
            )
        return HoursEntry.objects.create(match=current, date=date, hours=value, note=note)


def hours_approve(*, entry: HoursEntry, by) -> HoursEntry:
    """A broker of the match's organisation approves one entry (once)."""
    organisation_id = Match.objects.filter(pk=entry.match_id).values_list("organisation_id", flat=True).first()
    if organisation_id is None or not is_broker_of(by, organisation_id):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan uren goedkeuren."))
    now = timezone.now()
    with transaction.atomic():
        claimed = HoursEntry.objects.filter(pk=entry.pk, approved_at__isnull=True).update(
            approved_at=now, approved_by=by
        )
        if not claimed:
            raise DomainError(_("Deze uren zijn al goedgekeurd."))
    entry.approved_at, entry.approved_by = now, by
    return entry


def hours_approve_all(*, organisation: Organisation, by, match: Match | None = None) -> int:
    """Approve all pending hours of the organisation (or of one of its matches);
    returns how many entries were approved."""
    if not is_broker_of(by, organisation.pk):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan uren goedkeuren."))
    pending = HoursEntry.objects.filter(match__organisation=organisation, approved_at__isnull=True)
    if match is not None:
        if match.organisation_id != organisation.pk:
            raise DomainError(_("Deze koppeling hoort niet bij uw organisatie."))
        pending = pending.filter(match=match)
    ids = list(pending.values_list("pk", flat=True))
    return HoursEntry.objects.filter(pk__in=ids, approved_at__isnull=True).update(
        approved_at=timezone.now(), approved_by=by
    )


# --- Single-use e-mail links ------------------------------------------------------------


def _unknown_link() -> LinkError:
    return LinkError(
        _("Deze link kennen we niet. Gebruik de hele link uit de e-mail, of log in om het voorstel te bekijken."),
        status=404,
    )


def _find_token(secret: str, purpose: str, *, lock: bool) -> MatchLinkToken:
    """The token for ``secret`` or a :class:`LinkError`. The lookup is by the hash of
    the secret (the secret itself never reaches the database), and the stored hash
    is compared once more in constant time."""
    if not isinstance(secret, str) or not _SECRET_RE.fullmatch(secret) or purpose not in MatchLinkToken.Purpose.values:
        raise _unknown_link()
    wanted = link_hash(secret)
    tokens = MatchLinkToken.objects.filter(token_hash=wanted).select_related("match")
    if lock:
        tokens = tokens.select_for_update(of=("self",))
    token = tokens.first()
    if token is None or not hmac.compare_digest(token.token_hash, wanted) or token.purpose != purpose:
        raise _unknown_link()
    if token.used_at is not None:
        raise LinkError(
            _("Deze link is al gebruikt. Een link werkt maar één keer. Log in om te zien hoe het ervoor staat."),
            status=410,
        )
    if token.expires_at <= timezone.now():
        raise LinkError(
            _(
                "Deze link is verlopen. Log in om het voorstel te bekijken, of neem contact op met de "
                "vrijwilligerscentrale."
            ),
            status=410,
        )
    return token


def _no_longer_proposed(status: str) -> LinkError:
    messages = {
        Status.CANCELLED: _(
            "Dit voorstel is intussen ingetrokken door de vrijwilligerscentrale. U hoeft niets te doen."
        ),
        Status.ACCEPTED_BY_VOLUNTEER: _("U heeft al ja gezegd op dit voorstel."),
        Status.ACTIVE: _("Deze koppeling loopt al."),
        Status.DECLINED: _("Dit voorstel is al afgewezen. U hoeft niets te doen."),
        Status.ENDED: _("Deze koppeling is al afgerond."),
    }
    return LinkError(messages.get(status, _("Dit voorstel kan niet meer.")), status=409)


def match_link_check(*, secret: str, purpose: str) -> Match:
    """The match a link is for, if the link can still be used (the confirmation page
    shown on GET: nothing changes). Raises :class:`LinkError` otherwise."""
    token = _find_token(secret, purpose, lock=False)
    if token.match.status != Status.PROPOSED:
        raise _no_longer_proposed(token.match.status)
    return token.match


def match_link_use(*, secret: str, purpose: str, reason: str = Match.DeclineReason.OTHER, note: str = "") -> Match:
    """Use an e-mail link: accept or decline the proposal (as the volunteer; the
    secret is the proof). The token is marked used, together with the match's other
    unused links, in the same transaction as the transition. Unknown, used or
    expired links and proposals that moved on raise :class:`LinkError` and change
    nothing. A decline needs ``reason`` (``other`` with a ``note``)."""
    if purpose == MatchLinkToken.Purpose.DECLINE:
        note = _check_decline(SIDE_VOLUNTEER, reason, note)
    with transaction.atomic():
        token = _find_token(secret, purpose, lock=True)
        match = token.match
        if match.status != Status.PROPOSED:
            raise _no_longer_proposed(match.status)
        volunteer = Volunteer.objects.select_related("user").filter(pk=match.volunteer_id).first()
        user = volunteer.user if volunteer is not None else None
        try:
            if purpose == MatchLinkToken.Purpose.ACCEPT:
                _accept(match, by=user, code=MatchEvent.Code.ACCEPTED_BY_MAIL)
            else:
                _decline(match, by=user, side=SIDE_VOLUNTEER, reason=reason, note=note)
        except LinkError:
            raise
        except DomainError as error:
            # The state moved between the check and the lock: same answer as above.
            current = Match.objects.filter(pk=match.pk).values_list("status", flat=True).first() or ""
            raise _no_longer_proposed(current) from error
        MatchLinkToken.objects.filter(match=match, used_at__isnull=True).update(used_at=timezone.now())
    return match


# --- The proposal e-mail -----------------------------------------------------------------


def _base_url(request_factory_or_base_url) -> str | None:
    if isinstance(request_factory_or_base_url, str):
        return request_factory_or_base_url.rstrip("/")
    if request_factory_or_base_url is None:
        return None
    return request_factory_or_base_url.build_absolute_uri("/").rstrip("/")


def match_proposal_mail(*, match: Match, request_factory_or_base_url=None) -> dict[str, str] | None:
    """Create an accept and a decline link for a new proposal and queue the volunteer's
    Dutch e-mail (plain text + HTML) with both in the outbox; it goes out after the
    transaction commits (``matches.mails.proposal_notify``).

    ``request_factory_or_base_url``: the current ``HttpRequest`` or a base URL such
    as ``"https://buurtmakelaar.example"``; ``settings.SITE_URL`` wins when set.
    Returns the two secrets ({"accept": …, "decline": …}), or None when nothing was
    queued: the volunteer has no e-mail address or switched proposal mail off, or
    this proposal was mailed before."""
    from matches.mails import proposal_notify

    return proposal_notify(match=match, base_url=_base_url(request_factory_or_base_url))
