"""Writes for matching: proposing a volunteer for a request.

:func:`match_propose` (one pair, from the broker's suggestions) and
:func:`match_propose_many` (many pairs, from a batch run) are the only ways a
:class:`~matches.models.Match` is created.

Capacity is claimed under a row lock, never check-then-insert: inside one
transaction the volunteer rows are locked first (``select_for_update``, in id
order so two runs never deadlock), then the requests (id order), and only then
are the open matches counted again and the new ones inserted. A second broker or
batch run proposing the same volunteer at the same moment waits for the lock and
then sees the first one's match. On SQLite, where ``select_for_update`` does
nothing, a no-op UPDATE of the volunteer rows takes the database's write lock at
the start of the transaction instead, which serialises the writers the same way.
The unique constraint "one open match per pair" is the last line of defence.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestDate
from common.db import value_set
from common.errors import DomainError
from matches.models import BatchRun, Match, MatchEvent
from matches.reasons import Reason, clean_reasons
from matches.signals import match_events_inserted, open_matches_changed
from neighbourhoods.models import Organisation
from volunteers.models import Volunteer

__all__ = ["NewProposal", "ProposeManyResult", "match_propose", "match_propose_many"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# Why a pair may not be proposed, as a code with parameters (stored, e.g. in a batch
# run's review) and rendered in the reader's language by refusal_text. "name" is the
# volunteer's name: shown when known, else "de vrijwilliger".
REFUSAL_TEXTS: dict[str, Any] = {
    "not_own_organisation": lambda p: _("Deze vraag of vrijwilliger hoort niet bij uw organisatie."),
    "other_organisation": lambda p: _("%(name)s hoort bij een andere organisatie dan deze vraag.") % p,
    "request_not_ready": lambda p: (
        _("Deze vraag staat op ‘%(status)s’. Alleen een vraag die klaar is om te koppelen kunt u voorstellen.")
        % {"status": HelpRequest.Status(p["status"]).label if p.get("status") in HelpRequest.Status.values else "?"}
    ),
    "volunteer_inactive": lambda p: _("%(name)s is niet actief als vrijwilliger.") % p,
    "volunteer_paused": lambda p: (
        _("%(name)s heeft pauze tot en met %(day)s.") % {"name": p["name"], "day": _day_text(p.get("day"))}
    ),
    "already_proposed": lambda p: _("%(name)s is al voorgesteld voor deze vraag.") % p,
    "declined_before": lambda p: _("%(name)s is eerder afgewezen of geannuleerd voor deze vraag.") % p,
    "vog_needed": lambda p: _("Voor deze vraag is een geldige VOG nodig. %(name)s heeft die niet (lang genoeg).") % p,
    "volunteer_full": lambda p: _("%(name)s heeft al %(count)s van %(max)s koppelingen. Er is geen plek meer.") % p,
    "gone": lambda p: _("Deze vraag of vrijwilliger bestaat niet meer."),
    # The batch's own checks (matching.services.batch_commit).
    "request_gone": lambda p: _("Deze hulpvraag bestaat niet meer."),
    "volunteer_gone": lambda p: _("Deze vrijwilliger bestaat niet meer."),
    "request_no_longer_ready": lambda p: _("Deze hulpvraag staat niet meer klaar om te koppelen."),
    "request_taken": lambda p: _("Voor deze hulpvraag is al iemand voorgesteld."),
}


def _day_text(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "j F Y")
    except ValueError:
        return str(value or "")


def refusal_text(reason: Any, *, name: str = "") -> str:
    """A stored refusal (``{"code": ..., ...}``) in the active language; a sentence stored
    as text (``{"code": "text", "text": ...}``, or a bare string from before codes) as is."""
    if isinstance(reason, str):
        return reason
    if not isinstance(reason, dict):
        return ""
    render = REFUSAL_TEXTS.get(reason.get("code"))
    if render is None:
        return str(reason.get("text") or reason.get("code") or "")
    params = {k: v for k, v in reason.items() if k != "code"}
    params["name"] = name or params.get("name") or _("de vrijwilliger")
    try:
        return str(render(params))
    except (KeyError, TypeError, ValueError):
        return str(reason.get("code"))


class Refusal(str):
    """A refusal's text (in the active language) that also carries its code and
    parameters (``as_stored()``), so callers that show it and callers that store it
    get the same object."""

    stored: dict[str, Any]

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Refusal:
        text = cls(refusal_text(stored))
        text.stored = stored
        return text

    def as_stored(self, *, keep_name: bool = False) -> dict[str, Any]:
        """The code and parameters; without the volunteer's name unless asked (the page
        that shows it knows the volunteer)."""
        return {k: v for k, v in self.stored.items() if keep_name or k != "name"}


def refusal(code: str, **params: Any) -> Refusal:
    return Refusal.of({"code": code, **params})


class NewProposal(NamedTuple):
    """One pair to propose in :func:`match_propose_many` (ids, plus what the engine said)."""

    request_id: int
    volunteer_id: int
    score: float | None = None
    distance_km: float | None = None
    reasons: Sequence[Any] = ()


@dataclass
class ProposeManyResult:
    """What :func:`match_propose_many` did: the matches created (in input order) and
    the pairs it skipped, each with the reason in Dutch."""

    created: list[Match] = field(default_factory=list)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)


def _today() -> datetime.date:
    return timezone.now().astimezone(AMSTERDAM).date()


def _clean_number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError(_("%(name)s moet een getal zijn.") % {"name": name})
    if number != number or number in (float("inf"), float("-inf")):
        raise DomainError(_("%(name)s moet een getal zijn.") % {"name": name})
    return number


def _as_new_proposal(item: Any) -> NewProposal:
    """Accept a :class:`NewProposal`, an engine ``Proposal`` (with ``.candidate``) or a
    mapping with ``request``/``volunteer`` ids."""
    if isinstance(item, NewProposal):
        return item
    candidate = getattr(item, "candidate", None)
    if candidate is not None:
        return NewProposal(
            int(item.request_id), int(item.volunteer_id), candidate.score, candidate.distance_km, candidate.reasons
        )
    if isinstance(item, dict):
        return NewProposal(
            int(item["request"]),
            int(item["volunteer"]),
            item.get("score"),
            item.get("distance_km"),
            item.get("reasons") or (),
        )
    return NewProposal(*item)


def _lock_volunteers(ids: Iterable[int]) -> dict[int, Volunteer]:
    """Lock the volunteer rows (id order) for the rest of the transaction."""
    ids = sorted(set(ids))
    if connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE: take the database write lock now, before reading.
        Volunteer.objects.filter(pk__in=ids).update(max_active_matches=F("max_active_matches"))
    return {v.pk: v for v in Volunteer.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _lock_requests(ids: Iterable[int]) -> dict[int, HelpRequest]:
    ids = sorted(set(ids))
    return {r.pk: r for r in HelpRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


class _VolunteerFacts(NamedTuple):
    """What :func:`_refusal` reads of a volunteer, from one ``values_list`` row: a batch
    commit checks 10,000 of them, and model instances cost more than the checks. The
    rules are the model's own methods."""

    pk: int
    organisation_id: int
    first_name: str
    last_name: str
    is_active: bool
    paused_until: datetime.date | None
    vog_valid_until: datetime.date | None
    max_active_matches: int

    __str__ = Volunteer.__str__
    is_paused = Volunteer.is_paused
    has_valid_vog = Volunteer.has_valid_vog


_STATUS_LABELS = dict(HelpRequest.Status.choices)


class _RequestFacts(NamedTuple):
    """What :func:`_refusal` reads of a help request (see :class:`_VolunteerFacts`)."""

    pk: int
    organisation_id: int
    status: str
    needs_vog: bool

    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))


def _lock_volunteer_facts(ids: Iterable[int]) -> dict[int, _VolunteerFacts]:
    """:func:`_lock_volunteers` (same locks, same order), reading only what the checks need."""
    ids = sorted(set(ids))
    if connection.vendor == "sqlite":
        Volunteer.objects.filter(pk__in=value_set(ids)).update(max_active_matches=F("max_active_matches"))
    rows = (
        Volunteer.objects.select_for_update()
        .filter(pk__in=value_set(ids))
        .order_by("pk")
        .values_list(*_VolunteerFacts._fields)
    )
    return {row[0]: _VolunteerFacts(*row) for row in rows}


def _lock_request_facts(ids: Iterable[int]) -> dict[int, _RequestFacts]:
    ids = sorted(set(ids))
    rows = (
        HelpRequest.objects.select_for_update()
        .filter(pk__in=value_set(ids))
        .order_by("pk")
        .values_list(*_RequestFacts._fields)
    )
    return {row[0]: _RequestFacts(*row) for row in rows}


def _insert_many(model, *, same: dict[str, Any], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT one row of ``model`` per item of ``rows`` (database values of the fields
    ``names``), each also with the fields ``same`` (Python values, the same for every
    row), in one ``executemany``: no model instances and no SQL compiled per row
    (``bulk_create`` costs about 100 microseconds per Match). Like ``bulk_create``,
    it sends no signals and calls no ``save()``; fields left out get NULL."""
    if not rows:
        return
    meta = model._meta
    fixed = [meta.get_field(name) for name in same]
    fixed_values = tuple(f.get_db_prep_save(same[f.name], connection) for f in fixed)
    columns = [f.column for f in fixed] + [meta.get_field(name).column for name in names]
    qn = connection.ops.quote_name
    # Table and column names come from the model and are quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a third of the time of executemany for 10,000 rows (psycopg 3).
            copy_sql = "COPY {} ({}) FROM STDIN".format(qn(meta.db_table), ", ".join(qn(c) for c in columns))
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(fixed_values + tuple(row))
        else:
            cursor.executemany(sql, [fixed_values + tuple(row) for row in rows])


def _insert_proposals(*, pairs: Sequence[NewProposal], organisation_ids: Sequence[int], by, batch) -> list[Match]:
    """Insert ``Match(proposed)`` rows for checked pairs and their first MatchEvent; return
    the matches (in the order of ``pairs``), as saved model instances."""
    if not pairs:
        return []
    who = by if getattr(by, "is_authenticated", False) else None
    now = timezone.now()
    reasons_field = Match._meta.get_field("reasons")
    by_organisation: dict[int, list[int]] = {}
    for k, org_id in enumerate(organisation_ids):
        by_organisation.setdefault(org_id, []).append(k)
    common = {
        "status": Match.Status.PROPOSED,
        "proposed_by": getattr(who, "pk", None),
        "batch": getattr(batch, "pk", None),
        "decline_reason": "",
        "declined_by_side": "",
        "created_at": now,
        "updated_at": now,
    }
    for org_id, ks in by_organisation.items():
        _insert_many(
            Match,
            same={**common, "organisation": org_id},
            names=("request", "volunteer", "score", "distance_km", "reasons"),
            rows=[
                (
                    pairs[k].request_id,
                    pairs[k].volunteer_id,
                    pairs[k].score,
                    pairs[k].distance_km,
                    reasons_field.get_db_prep_save(list(pairs[k].reasons), connection),
                )
                for k in ks
            ],
        )
    # The new ids: an open match is unique per pair (a constraint), so the pair finds it.
    pk_of = {
        (request_id, volunteer_id): pk
        for pk, request_id, volunteer_id in Match.objects.filter(
            request_id__in=value_set({p.request_id for p in pairs}), status__in=Match.OPEN_STATES
        ).values_list("pk", "request_id", "volunteer_id")
    }
    pks = [pk_of[(p.request_id, p.volunteer_id)] for p in pairs]
    _insert_many(
        MatchEvent,
        same={
            "from_status": "",
            "to_status": Match.Status.PROPOSED,
            "by": getattr(who, "pk", None),
            "at": now,
            "code": MatchEvent.Code.FROM_BATCH if batch is not None else "",
            "note": "",
        },
        names=("match",),
        rows=[(pk,) for pk in pks],
    )
    names = [f.attname for f in Match._meta.concrete_fields]
    matches = []
    for pk, p, org_id in zip(pks, pairs, organisation_ids, strict=True):
        values = {
            "id": pk,
            "organisation_id": org_id,
            "request_id": p.request_id,
            "volunteer_id": p.volunteer_id,
            "status": Match.Status.PROPOSED,
            "score": p.score,
            "distance_km": p.distance_km,
            "reasons": list(p.reasons),
            "proposed_by_id": getattr(who, "pk", None),
            "batch_id": getattr(batch, "pk", None),
            "decline_reason": "",
            "declined_by_side": "",
            "created_at": now,
            "updated_at": now,
        }
        matches.append(Match.from_db(connection.alias, names, [values.get(name) for name in names]))
    # The events above sent no post_save: tell their listeners (the API's webhooks).
    match_events_inserted.send(
        sender=MatchEvent, matches=matches, from_status="", to_status=Match.Status.PROPOSED, at=now
    )
    return matches


def _refusal_code(
    *,
    request: HelpRequest | _RequestFacts,
    volunteer: Volunteer | _VolunteerFacts,
    organisation: Organisation | None,
    open_count: int,
    open_pair: bool,
    excluded_pair: bool,
    last_day: datetime.date,
    today: datetime.date,
    first_day: datetime.date | None = None,
) -> Refusal | None:
    """Why this pair may not be proposed now (:class:`Refusal`: the Dutch sentence, with
    its code and parameters), or None. A pause is in the way when it lasts until the
    first day the volunteer is needed (the engine's rule)."""
    name = str(volunteer)
    if organisation is not None and (
        request.organisation_id != organisation.pk or volunteer.organisation_id != organisation.pk
    ):
        return refusal("not_own_organisation")
    if request.organisation_id != volunteer.organisation_id:
        return refusal("other_organisation", name=name)
    if request.status != HelpRequest.Status.READY:
        return refusal("request_not_ready", status=request.status)
    if not volunteer.is_active:
        return refusal("volunteer_inactive", name=name)
    if volunteer.is_paused(first_day or today):
        return refusal("volunteer_paused", name=name, day=volunteer.paused_until.isoformat())
    if open_pair:
        return refusal("already_proposed", name=name)
    if excluded_pair:
        return refusal("declined_before", name=name)
    if request.needs_vog and not volunteer.has_valid_vog(last_day):
        return refusal("vog_needed", name=name)
    if open_count >= volunteer.max_active_matches:
        return refusal("volunteer_full", name=name, count=open_count, max=volunteer.max_active_matches)
    return None


def _refusal(
    *,
    request: HelpRequest | _RequestFacts,
    volunteer: Volunteer | _VolunteerFacts,
    organisation: Organisation | None,
    open_count: int,
    open_pair: bool,
    excluded_pair: bool,
    last_day: datetime.date,
    today: datetime.date,
    first_day: datetime.date | None = None,
) -> str | None:
    """:func:`_refusal_code` (Dutch, or the active language)."""
    return _refusal_code(
        request=request,
        volunteer=volunteer,
        organisation=organisation,
        open_count=open_count,
        open_pair=open_pair,
        excluded_pair=excluded_pair,
        last_day=last_day,
        today=today,
        first_day=first_day,
    )


def _build(
    *,
    request: HelpRequest,
    volunteer: Volunteer,
    by,
    score: float | None,
    distance_km: float | None,
    reasons: Sequence[Reason],
    batch: BatchRun | None,
) -> tuple[Match, MatchEvent]:
    """An unsaved proposal and its first event."""
    who = by if getattr(by, "is_authenticated", False) else None
    match = Match(
        organisation_id=request.organisation_id,
        request=request,
        volunteer=volunteer,
        status=Match.Status.PROPOSED,
        score=score,
        distance_km=distance_km,
        reasons=list(reasons),
        proposed_by=who,
        batch=batch,
    )
    event = MatchEvent(
        match=match,
        from_status="",
        to_status=Match.Status.PROPOSED,
        by=who,
        code=MatchEvent.Code.FROM_BATCH if batch is not None else "",
    )
    return match, event


def _create(**kwargs) -> Match:
    match, event = _build(**kwargs)
    match.save()
    event.match = match
    event.save()
    return match


def _pair_facts(request_ids: set[int], volunteer_ids: set[int]):
    """Open match counts per volunteer, open and excluded pairs, and the last date
    of each request (for the VOG check): three queries, read after the locks."""
    counts = dict(
        Match.objects.filter(volunteer_id__in=value_set(volunteer_ids), status__in=Match.OPEN_STATES)
        .values("volunteer_id")
        .annotate(n=Count("pk"))
        .values_list("volunteer_id", "n")
    )
    pairs = Match.objects.filter(
        request_id__in=value_set(request_ids), volunteer_id__in=value_set(volunteer_ids)
    ).values_list("request_id", "volunteer_id", "status")
    open_pairs, excluded = set(), set()
    for req, vol, status in pairs:
        if status in Match.OPEN_STATES:
            open_pairs.add((req, vol))
        elif status in (Match.Status.DECLINED, Match.Status.CANCELLED):
            excluded.add((req, vol))
    # (first, last) date of each request with dates: the first day someone is needed
    # (a pause must end before it) and the last (a VOG must last until then).
    last_dates = {
        request_id: (first, last)
        for request_id, first, last in RequestDate.objects.filter(request_id__in=value_set(request_ids))
        .values("request_id")
        .annotate(first=Min("date"), last=Max("date"))
        .values_list("request_id", "first", "last")
    }
    return counts, open_pairs, excluded, last_dates


def _needed_days(
    request_id: int, last_dates: dict, today: datetime.date, *, weekly: bool
) -> tuple[datetime.date, datetime.date]:
    """The first and the last day the volunteer is needed, as the engine reckons them
    (``RequestData.first_day``/``last_day``): today for weekly help (a VOG must be
    valid now; its renewal is a broker's task), else the dates of a one-off request
    (never before today)."""
    dates = last_dates.get(request_id)
    if dates is None or weekly:
        return today, today
    first, last = dates
    return max(today, first), max(today, last)


def match_propose(
    *,
    request: HelpRequest,
    volunteer: Volunteer,
    by,
    score: float | None = None,
    distance_km: float | None = None,
    reasons: Iterable[Any] = (),
    batch: BatchRun | None = None,
    organisation: Organisation | None = None,
) -> Match:
    """Propose ``volunteer`` for ``request`` (a new Match in state ``proposed`` and its
    first MatchEvent), in one transaction under the volunteer's row lock.

    Refuses with a DomainError (Dutch, for the broker) when the request is not
    ready, belongs to another organisation (than the volunteer, or than
    ``organisation`` when given), the volunteer is inactive or paused, the pair
    already has an open match or was declined/cancelled before, a needed VOG is
    missing, or the volunteer has no free place. Nothing is written then.

    ``reasons`` are the engine's codes with parameters (``matches.reasons``), stored as
    they are; a sentence is read back into a code where it can be.
    """
    score = _clean_number(score, "score")
    distance_km = _clean_number(distance_km, _("afstand"))
    reasons = clean_reasons(reasons)
    today = _today()
    try:
        with transaction.atomic():
            locked_volunteer = _lock_volunteers([volunteer.pk]).get(volunteer.pk)
            locked_request = _lock_requests([request.pk]).get(request.pk)
            if locked_volunteer is None or locked_request is None:
                raise DomainError(_("Deze vraag of vrijwilliger bestaat niet meer."))
            counts, open_pairs, excluded, last_dates = _pair_facts({request.pk}, {volunteer.pk})
            first_day, last_day = _needed_days(request.pk, last_dates, today, weekly=locked_request.slots.exists())
            refusal = _refusal(
                request=locked_request,
                volunteer=locked_volunteer,
                organisation=organisation,
                open_count=counts.get(volunteer.pk, 0),
                open_pair=(request.pk, volunteer.pk) in open_pairs,
                excluded_pair=(request.pk, volunteer.pk) in excluded,
                first_day=first_day,
                last_day=last_day,
                today=today,
            )
            if refusal:
                raise DomainError(refusal)
            return _create(
                request=locked_request,
                volunteer=locked_volunteer,
                by=by,
                score=score,
                distance_km=distance_km,
                reasons=reasons,
                batch=batch,
            )
    except IntegrityError:
        # The unique open-pair constraint caught a race the locks did not (should not happen).
        raise DomainError(_("%(name)s is al voorgesteld voor deze vraag.") % {"name": volunteer})


def match_propose_many(
    *,
    proposals: Iterable[Any],
    by,
    batch: BatchRun | None = None,
    organisation: Organisation | None = None,
) -> ProposeManyResult:
    """Propose many pairs at once (a batch run's commit), in one transaction.

    ``proposals``: :class:`NewProposal` items, engine ``Proposal`` objects or dicts
    with ``request``/``volunteer`` ids (the ``match_batch --json`` shape with pks).
    All volunteer rows involved are locked in id order, then the requests; then
    every pair is checked as in :func:`match_propose` against the counts *after*
    the lock, in input order (the batch's order), counting the pairs created so far.
    A pair that no longer fits (e.g. another broker took the last place meanwhile)
    is skipped with its reason; the others are created. ``organisation`` defaults
    to the batch's organisation: ids outside it are skipped.
    """
    items = [_as_new_proposal(p) for p in proposals]
    if organisation is None and batch is not None:
        organisation = batch.organisation
    result = ProposeManyResult()
    if not items:
        return result
    today = _today()
    checked: list[NewProposal] = []
    organisation_ids: list[int] = []
    with transaction.atomic():
        volunteers = _lock_volunteer_facts(p.volunteer_id for p in items)
        requests = _lock_request_facts(p.request_id for p in items)
        counts, open_pairs, excluded, last_dates = _pair_facts(set(requests), set(volunteers))
        with_slots = set(
            HelpRequest.objects.filter(pk__in=value_set(requests), slots__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        for p in items:
            request, volunteer = requests.get(p.request_id), volunteers.get(p.volunteer_id)
            if request is None or volunteer is None:
                result.skipped.append((p.request_id, p.volunteer_id, refusal("gone")))
                continue
            first_day, last_day = _needed_days(request.pk, last_dates, today, weekly=request.pk in with_slots)
            refused = _refusal_code(
                request=request,
                volunteer=volunteer,
                organisation=organisation,
                open_count=counts.get(volunteer.pk, 0),
                open_pair=(request.pk, volunteer.pk) in open_pairs,
                excluded_pair=(request.pk, volunteer.pk) in excluded,
                first_day=first_day,
                last_day=last_day,
                today=today,
            )
            if refused is None:
                try:
                    score = _clean_number(p.score, "score")
                    distance = _clean_number(p.distance_km, _("afstand"))
                except DomainError as error:
                    refused = Refusal.of({"code": "text", "text": str(error.message)})
            if refused:
                result.skipped.append((p.request_id, p.volunteer_id, refused))
                continue
            checked.append(NewProposal(request.pk, volunteer.pk, score, distance, clean_reasons(p.reasons)))
            organisation_ids.append(request.organisation_id)
            counts[volunteer.pk] = counts.get(volunteer.pk, 0) + 1
            open_pairs.add((request.pk, volunteer.pk))
        # One executemany per table instead of two INSERTs per proposal (10k proposals
        # took 4.7 s on SQLite and 10 s on PostgreSQL one by one, about 1 s with
        # bulk_create; benchmarks/README.md).
        result.created.extend(_insert_proposals(pairs=checked, organisation_ids=organisation_ids, by=by, batch=batch))
        if checked:
            # These inserts send no post_save: tell the cached volunteer pools directly.
            open_matches_changed.send(
                sender=Match, organisation_ids=set(organisation_ids), volunteer_ids={p.volunteer_id for p in checked}
            )
    return result
