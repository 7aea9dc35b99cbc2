"""A year of history for the demo, so that the outcome reports have something to
show: requests that came in month after month and were matched, referred,
withdrawn or closed with an evaluation; matches that ran for weeks or months;
approved respite hours; burden check-ins of mantelzorgers that go down after
respite starts; volunteers who joined and some who stopped.

Deterministic (seeded) and idempotent: it does nothing when the organisation
already has history requests (external ids ``DEMO-H…``). Only made-up people;
the personal demo accounts are left alone.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from caregivers.burden import requests_burden_refresh
from caregivers.models import BurdenCheckIn, HelpRequest, Mantelzorger, RequestDate, RequestEvent, RequestSlot
from matches.models import Evaluation, HoursEntry, Match, MatchEvent
from neighbourhoods.models import Neighbourhood, Organisation, Skill
from reports.months import AMSTERDAM, Month
from volunteers.models import Volunteer

PREFIX = "DEMO-H"
KINDS = ["respite", "practical", "companionship", "transport", "other"]
KIND_WEIGHTS = [3, 4, 3, 2, 1]
KIND_SKILLS = {
    "respite": "respite",
    "practical": "shopping",
    "companionship": "companionship",
    "transport": "transport",
    "other": "digital",
}
Status = HelpRequest.Status


@dataclass
class _Plan:
    """Everything written for one request (times are aware datetimes)."""

    request: HelpRequest
    created: datetime.datetime
    events: list[tuple[str, str, datetime.datetime]] = field(default_factory=list)
    match: Match | None = None
    match_events: list[tuple[str, str, datetime.datetime]] = field(default_factory=list)
    evaluation: str = ""
    hours: list[tuple[datetime.date, Decimal, datetime.datetime | None]] = field(default_factory=list)
    checkins: list[tuple[int, datetime.datetime]] = field(default_factory=list)
    # When the help happens (a running match shows it in the calendar feeds): weekly
    # slots (weekday, start, end) or dates (day, start, end).
    slots: list[tuple[int, datetime.time, datetime.time]] = field(default_factory=list)
    dates: list[tuple[datetime.date, datetime.time, datetime.time]] = field(default_factory=list)


def _set_times(model, column: str, pairs: list[tuple[int, datetime.datetime]]) -> None:
    """``UPDATE table SET column = %s WHERE id = %s`` for many rows at once: ``auto_now_add``
    fields cannot be given to ``bulk_create``."""
    if not pairs:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {col} = %s WHERE id = %s",  # noqa: S608 - names from the model
            [(connection.ops.adapt_datetimefield_value(at), pk) for pk, at in pairs],
        )


def _when_in(rng: random.Random, month: Month, now: datetime.datetime) -> datetime.datetime:
    start = month.start
    end = min(month.end, now)
    seconds = max(1, int((end - start).total_seconds()))
    return (start + datetime.timedelta(seconds=rng.randrange(seconds))).astimezone(AMSTERDAM)


@transaction.atomic
def demo_history_load(
    *,
    organisation: Organisation,
    brokers: list,
    months: int = 12,
    per_month: int = 55,
    seed: int = 2026,
    main_municipality: str = "Arnhem",
) -> dict:
    """Write ``months`` months of history for the demo organisation (see the module docstring)."""
    if months <= 0 or HelpRequest.objects.filter(organisation=organisation, external_id__startswith=PREFIX).exists():
        return {"requests": 0, "matches": 0}
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 7)
    now = timezone.now()
    today = now.astimezone(AMSTERDAM).date()
    areas = list(Neighbourhood.objects.filter(municipality__organisations=organisation).select_related("municipality"))
    if not areas:
        return {"requests": 0, "matches": 0}
    weights = [3 if a.municipality.name == main_municipality else 1 for a in areas]
    volunteers = list(
        Volunteer.objects.filter(organisation=organisation, user__isnull=True, is_active=True)
        .select_related("neighbourhood")
        .prefetch_related("skills")
    )
    if not volunteers:
        return {"requests": 0, "matches": 0}
    skills_of = {v.pk: {s.code for s in v.skills.all()} for v in volunteers}
    by_municipality: dict[int, list[Volunteer]] = {}
    for v in volunteers:
        if v.neighbourhood_id:
            by_municipality.setdefault(v.neighbourhood.municipality_id, []).append(v)
    open_now = dict.fromkeys((v.pk for v in volunteers), 0)
    for vid, n in (
        Match.objects.filter(volunteer__in=volunteers, status__in=Match.OPEN_STATES)
        .values_list("volunteer")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        open_now[vid] = n
    skills = {s.code: s for s in Skill.objects.filter(organisation__isnull=True)}
    first_start: dict[int, datetime.datetime] = {}

    def pick_volunteer(kind: str, area: Neighbourhood, until: datetime.datetime | None) -> Volunteer | None:
        """A volunteer nearby with the skill (and a VOG for respite); room for one more
        match when it is still running now."""
        code = KIND_SKILLS[kind]
        pool = by_municipality.get(area.municipality_id) or volunteers
        for candidates in (
            [v for v in pool if code in skills_of[v.pk]],
            [v for v in volunteers if code in skills_of[v.pk]],
            pool,
        ):
            if kind == "respite":
                candidates = [v for v in candidates if v.vog_valid_until and v.vog_valid_until > today]
            if until is None:
                candidates = [v for v in candidates if open_now[v.pk] < v.max_active_matches]
            if candidates:
                return rng.choice(candidates)
        return None

    plans: list[_Plan] = []
    first = Month.current(now).minus(months)
    number = 0
    for i in range(months + 1):
        month = first.minus(-i)
        if month > Month.current(now):
            break
        # A little seasonal: fewer requests in the summer holidays, more in winter.
        season = 1 + 0.25 * math.cos((month.month - 1) / 12 * 2 * math.pi)
        count = max(5, int(per_month * season * (0.6 if month == Month.current(now) else 1) + rng.randint(-6, 6)))
        for _n in range(count):
            number += 1
            created = _when_in(rng, month, now)
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            area = rng.choices(areas, weights)[0]
            plans.append(_plan_request(rng, fake, organisation, number, created, kind, area, now, pick_volunteer))
            plan = plans[-1]
            if plan.match is not None:
                vid = plan.match.volunteer_id
                if plan.match.status in Match.OPEN_STATES:
                    open_now[vid] += 1
                first_start[vid] = min(first_start.get(vid, plan.match.activated_at), plan.match.activated_at)

    # Mantelzorgers first (the requests point at them), then requests and the rest.
    carers = [p.request.mantelzorger for p in plans if p.request.mantelzorger is not None]
    Mantelzorger.objects.bulk_create(carers)
    for p in plans:
        if p.request.mantelzorger is not None:
            p.request.mantelzorger_id = p.request.mantelzorger.pk
    HelpRequest.objects.bulk_create([p.request for p in plans])
    RequestSlot.objects.bulk_create(
        RequestSlot(request=p.request, weekday=day, start=start, end=end) for p in plans for day, start, end in p.slots
    )
    RequestDate.objects.bulk_create(
        RequestDate(request=p.request, date=day, start=start, end=end) for p in plans for day, start, end in p.dates
    )
    _set_times(HelpRequest, "created_at", [(p.request.pk, p.created) for p in plans])
    _set_times(
        Mantelzorger, "created_at", [(p.request.mantelzorger_id, p.created) for p in plans if p.request.mantelzorger_id]
    )
    HelpRequest.skills.through.objects.bulk_create(
        [
            HelpRequest.skills.through(helprequest_id=p.request.pk, skill_id=skills[KIND_SKILLS[p.request.kind]].pk)
            for p in plans
            if KIND_SKILLS[p.request.kind] in skills
        ]
    )
    broker_for = {p.request.pk: rng.choice(brokers) if brokers else None for p in plans}
    events = [
        (RequestEvent(request=p.request, from_status=a, to_status=b, by=broker_for[p.request.pk] if a else None), at)
        for p in plans
        for a, b, at in p.events
    ]
    RequestEvent.objects.bulk_create([e for e, _at in events])
    _set_times(RequestEvent, "at", [(e.pk, at) for e, at in events])
    with_match = [p for p in plans if p.match is not None]
    for p in with_match:
        p.match.request = p.request
        p.match.proposed_by = broker_for[p.request.pk]
    Match.objects.bulk_create([p.match for p in with_match])
    _set_times(Match, "created_at", [(p.match.pk, p.match_events[0][2]) for p in with_match])
    match_events = [
        (MatchEvent(match=p.match, from_status=a, to_status=b, by=broker_for[p.request.pk]), at)
        for p in with_match
        for a, b, at in p.match_events
    ]
    MatchEvent.objects.bulk_create([e for e, _at in match_events])
    _set_times(MatchEvent, "at", [(e.pk, at) for e, at in match_events])
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                match=p.match,
                goal_reached=p.evaluation,
                next_step=Evaluation.Next.CLOSE,
                volunteer_satisfaction=rng.randint(3, 5),
                requester_satisfaction=rng.randint(3, 5),
                by=broker_for[p.request.pk],
            )
            for p in with_match
            if p.evaluation
        ]
    )
    hours = [
        (
            HoursEntry(
                match=p.match,
                date=day,
                hours=h,
                approved_at=approved,
                approved_by=broker_for[p.request.pk] if approved else None,
            ),
            day,
        )
        for p in with_match
        for day, h, approved in p.hours
    ]
    HoursEntry.objects.bulk_create([e for e, _day in hours])
    _set_times(
        HoursEntry,
        "created_at",
        [(e.pk, datetime.datetime.combine(day, datetime.time(20), tzinfo=AMSTERDAM)) for e, day in hours],
    )
    checkins = [
        (BurdenCheckIn(mantelzorger_id=p.request.mantelzorger_id, score=score, no_time_for_self=score >= 7), at)
        for p in plans
        if p.request.mantelzorger_id
        for score, at in p.checkins
    ]
    BurdenCheckIn.objects.bulk_create([c for c, _at in checkins])
    _set_times(BurdenCheckIn, "created_at", [(c.pk, at) for c, at in checkins])
    # bulk_create sends no signals: store the burden flag the queue ranks by.
    requests_burden_refresh(requests=HelpRequest.objects.filter(organisation=organisation))

    # Volunteers joined before their first match, spread over two years; a few stopped.
    joined = []
    for v in volunteers:
        start = now - datetime.timedelta(days=rng.randint(20, 730))
        if v.pk in first_start:
            start = min(start, first_start[v.pk] - datetime.timedelta(days=rng.randint(5, 60)))
        joined.append((v.pk, start))
    _set_times(Volunteer, "created_at", joined)
    idle = [v for v in volunteers if v.pk not in first_start]
    stopped = rng.sample(idle, min(len(idle), max(1, len(volunteers) // 25)))
    joined_at = dict(joined)
    for v in stopped:
        at = joined_at[v.pk] + (now - joined_at[v.pk]) * rng.uniform(0.3, 0.95)
        Volunteer.objects.filter(pk=v.pk).update(is_active=False, stopped_at=at)
    return {"requests": len(plans), "matches": len(with_match), "volunteers_stopped": len(stopped)}


def _plan_when(plan: _Plan, rng: random.Random, *, recurring: bool, activated, now) -> None:
    """The time of running help: recurring help weekly on the weekday it began, other
    help on a day in the coming weeks (the request's ``recurring`` says which)."""
    hour = rng.choice([9, 10, 13, 14, 15])
    start, end = datetime.time(hour), datetime.time(hour + rng.choice([2, 3]))
    plan.request.recurring = recurring
    if recurring:
        plan.slots.append((activated.astimezone(AMSTERDAM).weekday(), start, end))
    else:
        plan.dates.append((now.astimezone(AMSTERDAM).date() + datetime.timedelta(days=rng.randint(2, 20)), start, end))


def _plan_request(rng, fake, organisation, number, created, kind, area, now, pick_volunteer) -> _Plan:
    days = datetime.timedelta
    carer = None
    if kind == "respite":
        carer = Mantelzorger(
            organisation=organisation,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            relation=rng.choice(list(Mantelzorger.Relation)),
            care_hours_per_week=rng.choice([12, 20, 30, 40, 60]),
            place=area.name if area.kind == Neighbourhood.Kind.KERN else area.municipality.name,
            latitude=area.latitude,
            longitude=area.longitude,
            neighbourhood=area,
        )
    request = HelpRequest(
        organisation=organisation,
        external_id=f"{PREFIX}{number:05d}",
        requester_first_name=carer.first_name if carer else fake.first_name(),
        requester_last_name=carer.last_name if carer else fake.last_name(),
        mantelzorger=carer,
        kind=kind,
        needs_vog=kind == "respite",
        urgency=rng.choices(["low", "normal", "high"], [2, 6, 2])[0],
        place=area.name if area.kind == Neighbourhood.Kind.KERN else area.municipality.name,
        latitude=area.latitude,
        longitude=area.longitude,
        neighbourhood=area,
    )
    plan = _Plan(request=request, created=created)
    intake = created + days(days=rng.uniform(0.5, 3))
    ready = intake + days(days=rng.uniform(0.5, 4))
    plan.events.append(("", Status.NEW, created))
    if intake < now:
        plan.events.append((Status.NEW, Status.INTAKE, intake))
    status = Status.INTAKE if intake < now else Status.NEW
    roll = rng.random()
    if roll < 0.1:  # referred to professional care
        at = created + days(days=rng.uniform(2, 20))
        if at < now:
            plan.events.append((status, Status.REFERRED, at))
            status = Status.REFERRED
            request.referred_to = "Wijkteam"
            request.ladder_step = HelpRequest.LadderStep.REFERRAL
    elif roll < 0.18:  # withdrawn: no longer needed
        at = created + days(days=rng.uniform(3, 30))
        if at < now:
            plan.events.append((status, Status.WITHDRAWN, at))
            status = Status.WITHDRAWN
    else:
        if ready < now:
            plan.events.append((status, Status.READY, ready))
            status = Status.READY
        # Most get a volunteer: about two weeks on average, some much longer.
        wait = min(90.0, max(0.8, rng.lognormvariate(math.log(11), 0.75)))
        activated = created + days(days=wait)
        if status == Status.READY and activated < now:
            recurring = kind in ("respite", "companionship")
            length = rng.uniform(30, 270) if recurring else rng.uniform(5, 60)
            ended = activated + days(days=length)
            still = ended >= now
            volunteer = pick_volunteer(kind, area, None if still else ended)
            if volunteer is not None:
                proposed = max(ready, activated - days(days=rng.uniform(1, 6)))
                accepted = proposed + (activated - proposed) * 0.4
                plan.match = Match(
                    organisation=organisation,
                    volunteer=volunteer,
                    status=Match.Status.ACTIVE if still else Match.Status.ENDED,
                    accepted_at=accepted,
                    activated_at=activated,
                    ended_at=None if still else ended,
                    intro_meeting_at=accepted,
                    last_checkin_at=(now - days(days=rng.uniform(1, 80))) if still else None,
                    distance_km=round(rng.uniform(0.3, 6), 1),
                    reasons=[],
                )
                plan.match_events += [
                    ("", Match.Status.PROPOSED, proposed),
                    (Match.Status.PROPOSED, Match.Status.ACCEPTED_BY_VOLUNTEER, accepted),
                    (Match.Status.ACCEPTED_BY_VOLUNTEER, Match.Status.ACTIVE, activated),
                ]
                plan.events.append((Status.READY, Status.MATCHED, activated))
                if still:
                    _plan_when(plan, rng, recurring=recurring, activated=activated, now=now)
                status = Status.MATCHED
                if not still:
                    plan.evaluation = rng.choices(["yes", "partly", "no"], [6, 3, 1])[0]
                    plan.match_events.append((Match.Status.ACTIVE, Match.Status.ENDED, ended))
                    plan.events.append((Status.MATCHED, Status.CLOSED, ended))
                    status = Status.CLOSED
                    request.outcome = {"yes": "helped", "partly": "partly", "no": "not_helped"}[plan.evaluation]
                    request.ladder_step = HelpRequest.LadderStep.VOLUNTEER
                    request.goal_reached = plan.evaluation
                if kind == "respite":
                    day = activated.astimezone(AMSTERDAM).date()
                    last = min(ended, now).astimezone(AMSTERDAM).date()
                    while day <= last:
                        approved = datetime.datetime.combine(day + days(days=3), datetime.time(10), tzinfo=AMSTERDAM)
                        plan.hours.append(
                            (
                                day,
                                Decimal(rng.choice(["2", "2.5", "3", "3.5", "4"])),
                                approved if approved < now else None,
                            )
                        )
                        day += days(days=7)
        if status in (Status.INTAKE, Status.READY) and now - created > days(days=75):
            # Nobody could help for a long time: the person withdrew.
            at = created + days(days=rng.uniform(60, 75))
            plan.events.append((status, Status.WITHDRAWN, at))
            status = Status.WITHDRAWN
            request.outcome = "no_longer_needed"
    request.status = status
    request.status_changed_at = plan.events[-1][2]
    if carer is not None:
        # Burden: heavy at the start, a little lighter once respite runs.
        score = rng.randint(6, 9)
        at = created
        relief = plan.match.activated_at if plan.match else None
        while at < now and len(plan.checkins) < 8:
            plan.checkins.append((score, at))
            at += days(days=rng.uniform(25, 50))
            if relief and at > relief:
                score = max(2, score - rng.choice([0, 1, 1, 2]))
            else:
                score = min(10, score + rng.choice([0, 0, 1]))
    return plan
