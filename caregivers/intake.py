"""The broker's intake desk: the queue, one request's file, and the
intake transitions (``new -> intake -> ready``, ``-> referred``, ``referred/withdrawn -> intake``;
withdrawing is :func:`caregivers.services.request_withdraw`, shared with the requester).

Reads (selectors) and writes (services) of the desk live together here because
they share the lifecycle rules; the requester's own side is in ``services.py``
and ``selectors.py``. Every function takes the organisation or a request that a
view already looked up within the broker's organisation.

Each transition locks the request row (``select_for_update``), checks the
current state *after* the lock, saves, and records a :class:`RequestEvent`
(who, when, from -> to, note). Two brokers pressing a button at the same time
therefore never both succeed: the second one gets a DomainError that says what
happened.
"""

from __future__ import annotations

import datetime
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import (
    BurdenCheckIn,
    HelpRequest,
    Mantelzorger,
    NetworkMember,
    RequestDate,
    RequestEvent,
    RequestSlot,
)
from caregivers.priority import (
    URGENCY_VALUE,
    known_urgency,
    priority_int,
    priority_key,
    priority_percent,
    request_priority,
    waiting_days,
)
from caregivers.services import (
    NetworkMemberData,
    ladder_texts_check,
    network_check,
    network_replace,
    preferred_language_check,
    request_dates_check,
    request_slots_check,
)
from caregivers.signals import request_solved_without_volunteer
from common.errors import DomainError
from common.slots import Slot
from neighbourhoods.models import Organisation, Skill
from neighbourhoods.selectors import skills_for_organisation

Status = HelpRequest.Status

# The queue: requests a broker still has to act on.
OPEN_STATUSES: tuple[str, ...] = (Status.NEW, Status.INTAKE, Status.READY)
OTHER_STATUSES: tuple[str, ...] = tuple(s for s in Status.values if s not in OPEN_STATUSES)
QUEUE_PAGE_SIZE = 50


def is_waiting_long(*, request: HelpRequest, organisation: Organisation, now: datetime.datetime) -> bool:
    """Open and older than the organisation's ``waiting_flag_days``."""
    return request.status in OPEN_STATUSES and now - request.created_at > datetime.timedelta(
        days=organisation.waiting_flag_days
    )


# --- Queue (selectors) -------------------------------------------------------------------


def requests_of_organisation(*, organisation: Organisation) -> QuerySet[HelpRequest]:
    """All requests of ``organisation``: the base of every broker list and look-up."""
    return HelpRequest.objects.filter(organisation=organisation)


def _latest_checkin_id() -> Subquery:
    """The latest check-in of the request's mantelzorger, else of the carer behind the
    person cared for (as :func:`request_care_owner` and the matching loaders find it)."""
    return Subquery(
        BurdenCheckIn.objects.filter(
            mantelzorger=Coalesce(OuterRef("mantelzorger"), OuterRef("care_recipient__mantelzorger"))
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )


def _checkins(ids: Iterable[int | None]) -> dict[int, BurdenCheckIn]:
    wanted = {pk for pk in ids if pk is not None}
    return BurdenCheckIn.objects.in_bulk(wanted) if wanted else {}


@dataclass(frozen=True)
class QueueEntry:
    """One row of the queue: the request plus what the broker should notice."""

    request: HelpRequest
    priority: float | None  # caregivers.priority.request_priority; None when no longer open
    waiting_days: int
    waiting_long: bool
    burden_high: bool
    slots: tuple[RequestSlot, ...] = ()  # when help is needed: weekly times, in week order
    dates: tuple[RequestDate, ...] = ()  # and dates, in date order

    @property
    def priority_percent(self) -> int | None:
        return None if self.priority is None else priority_percent(self.priority)


@dataclass(frozen=True)
class _Rank:
    pk: int
    priority: float | None  # None when the request is no longer open
    burden_high: bool | None  # the stored flag the open request was ranked by


class _RankedQueue:
    """The filtered requests in queue order, read one slice at a time.

    Open requests come first, in the order of :func:`caregivers.priority.priority_key`
    (the order the matching engine's greedy pass uses too: highest priority, then
    oldest, then lowest id); the others follow, the most recently changed first.

    The work per slice does not grow with the number of requests. The rule's inputs
    are the urgency, the stored burden flag (``HelpRequest.burden_high``,
    :mod:`caregivers.burden`) and the days waited; among requests with the same urgency
    and burden, an older one never has less priority. So each of those few groups,
    read oldest first from an index, is already in queue order, and merging their
    heads by the rule's own key gives the queue: a slice up to position ``n`` needs at
    most ``n`` rows of each group. The closed part is ordered by the database."""

    def __init__(self, *, queryset: QuerySet[HelpRequest], now: datetime.datetime):
        self.open = queryset.filter(status__in=OPEN_STATUSES).order_by()
        self.other = queryset.exclude(status__in=OPEN_STATUSES).order_by(
            Coalesce("status_changed_at", "created_at").desc(), "-pk"
        )
        self.now = now
        self._open_count: int | None = None
        self._count: int | None = None

    def open_count(self) -> int:
        if self._open_count is None:
            self._open_count = self.open.count()
        return self._open_count

    def count(self) -> int:
        if self._count is None:
            self._count = self.open_count() + self.other.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _groups(self) -> list[tuple[str, bool, QuerySet[HelpRequest]]]:
        default = known_urgency("")  # what an urgency the rule does not know counts as
        groups = []
        for urgency in URGENCY_VALUE:
            same = Q(urgency=urgency)
            if urgency == default:
                same |= ~Q(urgency__in=list(URGENCY_VALUE))
            for burden in (False, True):
                # ``__in`` and not ``=``: Django writes ``burden_high=False`` as ``NOT burden_high``,
                # which SQLite cannot match to the index request_queue_rank; it then walks
                # the organisation's requests by date until it has found enough (issue #12).
                groups.append((urgency, burden, self.open.filter(same, burden_high__in=[burden])))
        return groups

    def _open_ranks(self, stop: int) -> Iterator[_Rank]:
        """The first ``stop`` open requests in queue order."""
        now = self.now

        def ranked(urgency: str, burden: bool, rows) -> Iterator[tuple[tuple, _Rank]]:
            for pk, created_at in rows:
                priority = request_priority(urgency=urgency, created_at=created_at, burden_high=burden, now=now)
                key = priority_key(units=priority_int(priority), created_at=created_at, pk=pk)
                yield key, _Rank(pk, priority, burden)

        streams = [
            ranked(urgency, burden, group.order_by("created_at", "pk").values_list("pk", "created_at")[:stop])
            for urgency, burden, group in self._groups()
        ]
        for _key, rank in islice(heapq.merge(*streams, key=lambda item: item[0]), stop):
            yield rank

    def __getitem__(self, index: slice) -> list[_Rank]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("the queue is read in slices")
        start, stop = max(0, index.start or 0), index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        n_open = self.open_count()
        ranks = list(islice(self._open_ranks(min(stop, n_open)), start, None)) if start < n_open else []
        if stop > n_open:
            pks = self.other.values_list("pk", flat=True)[max(0, start - n_open) : stop - n_open]
            ranks += [_Rank(pk, None, None) for pk in pks]
        return ranks


def queue_rows(
    *, pks: Sequence[int], organisation: Organisation, latest_checkin: bool = True
) -> dict[int, HelpRequest]:
    """The requests ``pks`` of ``organisation`` with what a queue row shows (no N+1;
    their times come from :func:`_queue_times`). With ``latest_checkin`` each has
    ``latest_checkin_id`` too (for requests no longer open, whose burden flag is not the
    stored one)."""
    requests = requests_of_organisation(organisation=organisation).filter(pk__in=pks)
    if latest_checkin:
        requests = requests.annotate(latest_checkin_id=_latest_checkin_id())
    return {request.pk: request for request in requests.select_related("neighbourhood", "assigned_to")}


def _queue_times(pks: Sequence[int]) -> tuple[dict[int, list[RequestSlot]], dict[int, list[RequestDate]]]:
    """The weekly times and the dates of the requests ``pks``, per request. Two plain
    queries: ``prefetch_related`` did the same with twice the work in Python (issue #12)."""
    slots: dict[int, list[RequestSlot]] = defaultdict(list)
    dates: dict[int, list[RequestDate]] = defaultdict(list)
    for slot in RequestSlot.objects.filter(request_id__in=pks).order_by("weekday", "start"):
        slots[slot.request_id].append(slot)
    for date in RequestDate.objects.filter(request_id__in=pks).order_by("date", "start"):
        dates[date.request_id].append(date)
    return slots, dates


def queue_page(
    *,
    queryset: QuerySet[HelpRequest],
    organisation: Organisation,
    now: datetime.datetime,
    page_number: str | int | None = 1,
    per_page: int = QUEUE_PAGE_SIZE,
) -> Page:
    """One page of the queue, ranked by :func:`caregivers.priority.request_priority`.

    The database orders (see :class:`_RankedQueue`); only the rows on the page are
    loaded in full. The page's ``object_list`` is a list of :class:`QueueEntry`. A bad
    or too-high page number gives the nearest valid page."""
    page = Paginator(_RankedQueue(queryset=queryset, now=now), per_page).get_page(page_number)
    ranks = list(page.object_list)
    # Open requests are ranked by their stored burden flag; only closed ones need the check-ins.
    closed = any(rank.burden_high is None for rank in ranks)
    requests = queue_rows(pks=[rank.pk for rank in ranks], organisation=organisation, latest_checkin=closed)
    checkins = _checkins(request.latest_checkin_id for request in requests.values()) if closed else {}
    slots, dates = _queue_times(list(requests))
    flag_after = datetime.timedelta(days=organisation.waiting_flag_days)
    entries = []
    for rank in ranks:
        request = requests.get(rank.pk)
        if request is None:
            continue
        if rank.burden_high is None:  # no longer open: the flag as the check-ins say now
            checkin = checkins.get(request.latest_checkin_id)
            burden_high = bool(checkin and checkin.is_high)
        else:
            burden_high = rank.burden_high
        entries.append(
            QueueEntry(
                request=request,
                priority=rank.priority,
                waiting_days=waiting_days(created_at=request.created_at, now=now),
                waiting_long=rank.priority is not None and now - request.created_at > flag_after,
                burden_high=burden_high,
                slots=tuple(slots.get(request.pk, ())),
                dates=tuple(dates.get(request.pk, ())),
            )
        )
    page.object_list = entries
    return page


def queue_counts(*, organisation: Organisation) -> dict[str, int]:
    """How many requests per status, plus ``open``, ``other`` and ``all`` (for the tabs)."""
    counts = dict(
        requests_of_organisation(organisation=organisation)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts["open"] = sum(counts.get(status, 0) for status in OPEN_STATUSES)
    counts["other"] = sum(counts.get(status, 0) for status in OTHER_STATUSES)
    counts["all"] = counts["open"] + counts["other"]
    return counts


# --- One request (selectors) ---------------------------------------------------------------


def request_for_broker(*, organisation: Organisation, pk: int) -> HelpRequest:
    """A request of ``organisation`` with everything its page shows; Http404 otherwise."""
    request = (
        requests_of_organisation(organisation=organisation)
        .filter(pk=pk)
        .select_related(
            "neighbourhood__municipality", "mantelzorger", "care_recipient", "entered_by", "requester", "assigned_to"
        )
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("code")),
            Prefetch("slots", queryset=RequestSlot.objects.order_by("weekday", "start")),
            Prefetch("dates", queryset=RequestDate.objects.order_by("date", "start")),
            Prefetch("events", queryset=RequestEvent.objects.select_related("by").order_by("at", "pk")),
            Prefetch("network", queryset=NetworkMember.objects.order_by("pk")),
        )
        .first()
    )
    if request is None:
        raise Http404
    return request


def request_care_owner(request: HelpRequest) -> Mantelzorger | None:
    """The mantelzorger whose care file a request belongs to, if any."""
    if request.mantelzorger_id:
        return request.mantelzorger
    if request.care_recipient_id:
        return request.care_recipient.mantelzorger
    return None


# --- Transitions (services) ---------------------------------------------------------------


def state_error(status: str) -> DomainError:
    """Why a request in ``status`` cannot take the step that was asked for."""
    messages = {
        Status.NEW: _("Deze vraag is nog nieuw. Begin eerst het gesprek."),
        Status.INTAKE: _("Het gesprek over deze vraag is al begonnen."),
        Status.READY: _("Deze vraag staat al klaar om te koppelen."),
        Status.MATCHED: _("Deze vraag is al gekoppeld aan een vrijwilliger."),
        Status.CLOSED: _("Deze vraag is al afgesloten."),
        Status.REFERRED: _("Deze vraag is al doorverwezen."),
        Status.WITHDRAWN: _("Deze vraag is al ingetrokken."),
    }
    return DomainError(messages.get(status, _("Deze stap kan nu niet.")))


def _check_field(name: str, value, instance: HelpRequest):
    """Validate one model field the way full_clean() would (lengths, choices, ranges)."""
    field = HelpRequest._meta.get_field(name)
    label = str(field.verbose_name)
    label = f"{label[:1].upper()}{label[1:]}"
    # TextField.max_length is not a model validator; the desk enforces it anyway.
    if isinstance(value, str) and field.max_length and len(value) > field.max_length:
        raise DomainError(
            _("%(label)s: hoogstens %(limit)s tekens, nu %(count)s.")
            % {"label": label, "limit": field.max_length, "count": len(value)},
            field=name,
        )
    try:
        return field.clean(value, instance)
    except ValidationError as error:
        raise DomainError(f"{label}: {' '.join(error.messages)}", field=name) from None


def _check_note(note: str) -> str:
    note = (note or "").strip()
    limit = RequestEvent._meta.get_field("note").max_length
    if len(note) > limit:
        raise DomainError(
            _("De notitie is te lang: hoogstens %(limit)s tekens, nu %(count)s.")
            % {"limit": limit, "count": len(note)},
            field="note",
        )
    return note


def _claim(locked: HelpRequest, *, from_status: str, values: dict) -> None:
    """Write ``values`` only if the stored status is still ``from_status``.

    The row lock already serialises brokers on PostgreSQL; this conditional
    UPDATE keeps the rule on databases without row locks (SQLite) too."""
    claimed = HelpRequest.objects.filter(pk=locked.pk, status=from_status).update(**values)
    if not claimed:
        raise state_error(HelpRequest.objects.filter(pk=locked.pk).values_list("status", flat=True).first() or "")
    for name, value in values.items():
        setattr(locked, name, value)


def _transition(
    *,
    request: HelpRequest,
    to: str,
    allowed_from: Iterable[str],
    by,
    note: str = "",
    code: str = "",
    params: dict[str, str] | None = None,
    updates: dict | None = None,
    check=None,
) -> HelpRequest:
    """Move ``request`` to ``to`` under a row lock and record the event.

    ``updates`` are field values saved in the same step (validated first);
    ``check(locked)`` may raise DomainError after the state check. The caller's
    ``request`` object is brought up to date as well."""
    note = _check_note(note)
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in allowed_from:
            raise state_error(locked.status)
        cleaned = {name: _check_field(name, value, locked) for name, value in (updates or {}).items()}
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if check is not None:
            check(locked)
        now = timezone.now()
        from_status = locked.status
        values = {"status": to, "status_changed_at": now, "updated_at": now, **cleaned}
        _claim(locked, from_status=from_status, values=values)
        RequestEvent.objects.create(
            request=locked, from_status=from_status, to_status=to, by=by, code=code, params=params, note=note
        )
    for name in values:
        setattr(request, name, getattr(locked, name))
    return locked


def request_start_intake(*, request: HelpRequest, by, note: str = "") -> HelpRequest:
    """``new -> intake``: a broker takes the request and starts the conversation."""
    return _transition(request=request, to=Status.INTAKE, allowed_from=(Status.NEW,), by=by, note=note)


def _check_ready(request: HelpRequest) -> None:
    if not request.question_behind.strip():
        raise DomainError(
            _("Vul eerst de vraag achter de vraag in. Dan weet de vrijwilliger waar het om gaat."),
            field="question_behind",
        )
    if not (request.slots.exists() or request.dates.exists()):
        raise DomainError(
            _("Deze vraag heeft nog geen tijd. Leg eerst vast wanneer de hulp nodig is: een vast tijdvak of een datum.")
        )


def request_mark_ready(*, request: HelpRequest, by, note: str = "") -> HelpRequest:
    """``intake -> ready``: clarified, with the question behind the question and a
    time, so matching can start."""
    return _transition(
        request=request, to=Status.READY, allowed_from=(Status.INTAKE,), by=by, note=note, check=_check_ready
    )


def request_refer(
    *,
    request: HelpRequest,
    by,
    referred_to: str = "",
    referral_reason: str,
    referred_partner_id: int | None = None,
    note: str = "",
) -> HelpRequest:
    """``new/intake/ready -> referred``: a warm referral to professional care, to a known
    partner of the organisation (``caregivers.referral``) or to someone else (free text).
    To whom and why are both required."""
    from caregivers.referral import referral_targets

    referred_to = (referred_to or "").strip()
    referral_reason = (referral_reason or "").strip()
    if referred_partner_id is not None:
        partners = dict(referral_targets(organisation_id=request.organisation_id))
        if referred_partner_id not in partners:
            raise DomainError(_("Kies een partner uit de lijst."), field="referred_partner")
        referred_to = partners[referred_partner_id][: HelpRequest._meta.get_field("referred_to").max_length]
    if not referred_to:
        raise DomainError(_("Vul in naar wie u de vraag doorverwijst."), field="referred_to")
    if not referral_reason:
        raise DomainError(_("Vul in waarom u de vraag doorverwijst."), field="referral_reason")
    event_note = f"{referred_to}: {referral_reason}"
    if note.strip():
        event_note = f"{event_note}\n{note.strip()}"
    return _transition(
        request=request,
        to=Status.REFERRED,
        allowed_from=OPEN_STATUSES,
        by=by,
        note=event_note[: RequestEvent._meta.get_field("note").max_length],
        updates={
            "referred_to": referred_to,
            "referral_reason": referral_reason,
            # The ladder's last step: professional care or the municipality.
            "ladder_step": HelpRequest.LadderStep.REFERRAL,
            "goal_reached": "",
            "referred_partner_id": referred_partner_id,
        },
    )


def request_reopen(*, request: HelpRequest, by, note: str = "") -> HelpRequest:
    """``referred/withdrawn -> intake``: the referral did not work out, or the
    person asks again. The old referral stays in the history; the question is no
    longer solved on any step of the ladder."""
    return _transition(
        request=request,
        to=Status.INTAKE,
        allowed_from=(Status.REFERRED, Status.WITHDRAWN),
        by=by,
        note=note,
        updates={"ladder_step": "", "goal_reached": ""},
    )


# The steps of the ladder a broker closes a request with by hand; the volunteer step
# closes through the match's evaluation (matches.lifecycle.match_end), the referral
# through request_refer.
SOLVED_BY_OWN = (HelpRequest.LadderStep.OWN_STRENGTH, HelpRequest.LadderStep.OWN_NETWORK)
OUTCOME_FOR_GOAL = {"yes": "helped", "partly": "partly", "no": "not_helped"}


def request_close_solved(
    *, request: HelpRequest, by, ladder_step: str, goal_reached: str, note: str = ""
) -> HelpRequest:
    """``new/intake/ready -> closed``: solved with the person's own strength or their own
    network, without a volunteer. ``goal_reached`` (yes/partly/no) says how far the
    goal was reached; the outcome follows from it, as after a match's evaluation."""
    if ladder_step not in SOLVED_BY_OWN:
        raise DomainError(
            _("Kies of de vraag is opgelost met eigen kracht of met het eigen netwerk."), field="ladder_step"
        )
    if goal_reached not in HelpRequest.GoalReached.values:
        raise DomainError(_("Kies of het doel bereikt is: ja, gedeeltelijk of nee."), field="goal_reached")

    def cancel_proposals(locked: HelpRequest) -> None:
        # Proposals to volunteers end with it (matches.receivers), in this transaction.
        request_solved_without_volunteer.send(sender=HelpRequest, request=locked, by=by)

    return _transition(
        request=request,
        to=Status.CLOSED,
        allowed_from=OPEN_STATUSES,
        by=by,
        code=RequestEvent.Code.SOLVED_WITHOUT_VOLUNTEER,
        params={"step": ladder_step, "goal": goal_reached},
        note=note.strip()[: RequestEvent._meta.get_field("note").max_length],
        updates={"ladder_step": ladder_step, "goal_reached": goal_reached, "outcome": OUTCOME_FOR_GOAL[goal_reached]},
        check=cancel_proposals,
    )


def _check_skills(skills: Iterable[Skill], organisation: Organisation) -> list[Skill]:
    skills = list(skills)
    allowed = set(skills_for_organisation(organisation).values_list("pk", flat=True))
    unknown = [skill for skill in skills if skill.pk not in allowed]
    if unknown:
        raise DomainError(
            _("Deze vaardigheid kennen we niet: %(skill)s.") % {"skill": unknown[0].display_label}, field="skills"
        )
    return skills


DateRow = tuple[datetime.date, datetime.time, datetime.time]


def _check_new_times(
    locked: HelpRequest, weekly_slots: Sequence[Slot] | None, dates: Sequence[DateRow] | None
) -> tuple[list[Slot] | None, list[DateRow] | None]:
    """The times to store, or None where nothing changed.

    Dates that were already stored may lie in the past by now; only new ones are
    held to the submit rules (not past, within a year), overlaps across all."""
    new_slots = new_dates = None
    if weekly_slots is not None:
        current = sorted(slot.as_slot() for slot in locked.slots.all())
        wanted = request_slots_check(weekly_slots)
        new_slots = None if wanted == current else wanted
    if dates is not None:
        current_dates = sorted((d.date, d.start, d.end) for d in locked.dates.all())
        wanted_dates = sorted(set(dates))
        if wanted_dates != current_dates:
            request_dates_check([row for row in wanted_dates if row not in current_dates])
            for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(wanted_dates, wanted_dates[1:], strict=False):
                if day_a == day_b and start_b < end_a:
                    raise DomainError(
                        _("De tijden op %(date)s overlappen. Maak er één tijd van.")
                        % {"date": day_a.strftime("%d-%m-%Y")},
                        field="dates",
                    )
            new_dates = wanted_dates
    return new_slots, new_dates


def request_intake_save(
    *,
    request: HelpRequest,
    by,
    question_behind: str,
    kind: str,
    urgency: str,
    skills: Iterable[Skill],
    max_distance_km: float | None,
    weekly_slots: Sequence[Slot] | None = None,
    dates: Sequence[DateRow] | None = None,
    note: str = "",
    own_strength: str = "",
    goal_own_words: str = "",
    goal_measurable: str = "",
    preferred_language: str = "",
    network: Sequence[NetworkMemberData] | None = None,
) -> HelpRequest:
    """Save the intake (vraagverheldering) of an open request: the question behind the
    question, the ladder (what the person can do, the goal in their own words and as
    something measurable, ``network``: who helps or could help; None keeps the stored
    network), the preferred language, and adjustments.

    ``weekly_slots`` / ``dates`` replace the request's times when given (None:
    keep them). A ``new`` request moves to ``intake`` (the conversation has
    clearly started); ``intake`` and ``ready`` stay where they are, but a ready
    request must stay complete (question behind the question, a time). Either
    way an event records who changed the intake, when, and the broker's note."""
    note = _check_note(note)
    skills = _check_skills(skills, request.organisation)
    members = network_check(network) if network is not None else None
    updates = {
        "question_behind": (question_behind or "").strip(),
        **ladder_texts_check(own_strength=own_strength, goal_own_words=goal_own_words, goal_measurable=goal_measurable),
        "preferred_language": preferred_language_check(preferred_language),
        "kind": kind,
        "urgency": urgency,
        "max_distance_km": max_distance_km,
    }
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in OPEN_STATUSES:
            raise state_error(locked.status)
        for name, value in updates.items():
            setattr(locked, name, _check_field(name, value, locked))
        new_slots, new_dates = _check_new_times(locked, weekly_slots, dates)
        stored_ids = set(locked.network.values_list("pk", flat=True))
        from_status = locked.status
        now = timezone.now()
        values = {name: getattr(locked, name) for name in updates}
        # HelpRequest.save() would force this; update() does not call save().
        values["needs_vog"] = locked.needs_vog or locked.kind == HelpRequest.Kind.RESPITE
        values["updated_at"] = now
        if new_slots is not None:
            locked.slots.all().delete()
            RequestSlot.objects.bulk_create(
                RequestSlot(request=locked, weekday=s.weekday, start=s.start, end=s.end) for s in new_slots
            )
        if new_dates is not None:
            locked.dates.all().delete()
            RequestDate.objects.bulk_create(
                RequestDate(request=locked, date=day, start=start, end=end) for day, start, end in new_dates
            )
        if new_slots is not None or new_dates is not None:
            values["recurring"] = locked.slots.exists()
        if from_status == Status.READY:
            _check_ready(locked)
        if from_status == Status.NEW:
            values.update(status=Status.INTAKE, status_changed_at=now)
        _claim(locked, from_status=from_status, values=values)
        locked.skills.set(skills)
        if members is not None:
            if any(m.id is not None and m.id not in stored_ids for m in members):
                raise DomainError(_("Deze persoon uit het netwerk hoort niet bij deze vraag."), field="network")
            network_replace(request=locked, members=members)
        RequestEvent.objects.create(request=locked, from_status=from_status, to_status=locked.status, by=by, note=note)
    for name in values:
        setattr(request, name, getattr(locked, name))
    return locked
