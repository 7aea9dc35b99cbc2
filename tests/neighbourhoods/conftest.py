"""Builders for the report tests: requests, matches, events, hours, check-ins and
volunteers with the timestamps a test wants (``auto_now_add`` fields are set
afterwards with an UPDATE)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.months import Month

AMS = ZoneInfo("Europe/Amsterdam")


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    """An aware datetime, wall-clock Europe/Amsterdam."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMS)


class Builder:
    def __init__(self, region):
        self.region = region
        self.org = region["org_a"]
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def request(self, area, *, at, kind="practical", status="ready", org=None, mantelzorger=None, **fields):
        from caregivers.models import HelpRequest, RequestEvent
        from demo.factories import HelpRequestFactory

        n = self._next()
        fields.setdefault("requester_first_name", f"Hulpvrager{n}")
        fields.setdefault("requester_last_name", f"Achternaam{n}")
        fields.setdefault("email", f"hulpvrager{n}@example.nl")
        request = HelpRequestFactory(
            organisation=org or self.org,
            neighbourhood=area,
            kind=kind,
            status=status,
            mantelzorger=mantelzorger,
            **fields,
        )
        HelpRequest.objects.filter(pk=request.pk).update(created_at=at, status_changed_at=at)
        event = RequestEvent.objects.create(request=request, from_status="", to_status="new", code="submitted")
        RequestEvent.objects.filter(pk=event.pk).update(at=at)
        request.refresh_from_db()
        return request

    def event(self, request, to_status, *, at, from_status=""):
        from caregivers.models import RequestEvent

        event = RequestEvent.objects.create(
            request=request, from_status=from_status, to_status=to_status, note="Geheime notitie van de makelaar"
        )
        RequestEvent.objects.filter(pk=event.pk).update(at=at)
        return event

    def volunteer(self, area, *, created=None, stopped=None, org=None, **fields):
        from demo.factories import VolunteerFactory
        from volunteers.models import Volunteer

        n = self._next()
        fields.setdefault("first_name", f"Vrijwilliger{n}")
        fields.setdefault("last_name", f"Achternaam{n}")
        fields.setdefault("max_active_matches", 3)
        volunteer = VolunteerFactory(organisation=org or self.org, neighbourhood=area, **fields)
        values = {}
        if created:
            values["created_at"] = created
        if stopped:
            values.update(is_active=False, stopped_at=stopped)
        if values:
            Volunteer.objects.filter(pk=volunteer.pk).update(**values)
            volunteer.refresh_from_db()
        return volunteer

    def departure(self, area, *, registered, stopped, org=None):
        from volunteers.models import VolunteerDeparture

        return VolunteerDeparture.objects.create(
            organisation=org or self.org, neighbourhood=area, registered_at=registered, stopped_at=stopped
        )

    def mantelzorger(self, area, **fields):
        from demo.factories import MantelzorgerFactory

        n = self._next()
        fields.setdefault("first_name", f"Mantelzorger{n}")
        fields.setdefault("last_name", f"Achternaam{n}")
        fields.setdefault("email", f"mantelzorger{n}@example.nl")
        return MantelzorgerFactory(organisation=self.org, neighbourhood=area, **fields)

    def checkin(self, mantelzorger, score, *, at):
        from caregivers.models import BurdenCheckIn

        checkin = BurdenCheckIn.objects.create(mantelzorger=mantelzorger, score=score)
        BurdenCheckIn.objects.filter(pk=checkin.pk).update(created_at=at)
        return checkin

    def match(self, request, volunteer, *, activated=None, ended=None, status=None, goal=None, created=None):
        from matches.models import Evaluation, Match

        if status is None:
            status = "ended" if ended and goal else ("cancelled" if ended else ("active" if activated else "proposed"))
        match = Match.objects.create(
            organisation=request.organisation,
            request=request,
            volunteer=volunteer,
            status=status,
            accepted_at=activated,
            activated_at=activated,
            ended_at=ended,
        )
        if created:
            Match.objects.filter(pk=match.pk).update(created_at=created)
        if goal:
            Evaluation.objects.create(match=match, goal_reached=goal, next_step="close", note="Geheime evaluatie")
        return match

    def hours(self, match, day: datetime.date, hours: str, *, approved=True):
        from django.utils import timezone

        from matches.models import HoursEntry

        return HoursEntry.objects.create(
            match=match,
            date=day,
            hours=Decimal(hours),
            note="Geheime uren-notitie",
            approved_at=timezone.now() if approved else None,
        )

    def area(self, municipality, name, kind="wijk", lat=51.99, lon=5.93):
        from demo.factories import NeighbourhoodFactory

        return NeighbourhoodFactory(municipality=municipality, name=name, kind=kind, latitude=lat, longitude=lon)


@pytest.fixture(autouse=True)
def _reports_count_afresh(settings):
    """Report pages keep the map's counts and the workload in the cache for minutes; tests
    count every time (test_reports_cache.py turns it back on). The monthly figures are
    stored in the database instead (test_report_store.py)."""
    settings.REPORTS_CACHE_RECENT_SECONDS = 0


@pytest.fixture
def build(region):
    return Builder(region)


# --- The hand-made month of the report tests (March 2026 in Arnhem) -------------------------

MARCH = Month(2026, 3)
NOW = local(2026, 6, 10, 12)  # March is final (more than 30 days after its end)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def march(build, region, frozen):
    """The month, built by hand. The comments give the figure each row feeds."""
    arnhem, centrum = region["arnhem"], region["areas"]["Arnhem"]
    presikhaaf = build.area(arnhem, "Presikhaaf")
    velp = region["areas"]["Velp"]
    b = build

    # Volunteers: vA new in March; vB, vC, vD older; v_new2 new on 31 March 23:30.
    va = b.volunteer(centrum, created=local(2026, 3, 3))
    vb = b.volunteer(centrum, created=local(2025, 5, 1))
    vc = b.volunteer(presikhaaf, created=local(2025, 5, 1))
    vd = b.volunteer(velp, created=local(2025, 5, 1))
    b.volunteer(centrum, created=local(2026, 3, 31, 23, 30))
    b.volunteer(centrum, created=local(2025, 1, 1), stopped=local(2026, 3, 15))  # stopped in March
    b.volunteer(centrum, created=local(2025, 1, 1), stopped=local(2026, 4, 1, 0, 0))  # stopped in April
    b.departure(centrum, registered=local(2026, 3, 10), stopped=local(2026, 3, 20))  # new and stopped

    mz1 = b.mantelzorger(centrum)
    mz2 = b.mantelzorger(presikhaaf)
    mz3 = b.mantelzorger(centrum)

    # Twelve new requests in Centrum: 5 respite, 4 practical, 2 companionship, 1 transport.
    r1 = b.request(centrum, at=local(2026, 3, 2), kind="respite", mantelzorger=mz1, status="matched")
    r2 = b.request(centrum, at=local(2026, 3, 3), kind="respite", mantelzorger=mz2, status="matched")
    r3 = b.request(centrum, at=local(2026, 3, 10), kind="respite", status="referred")
    r4 = b.request(centrum, at=local(2026, 3, 20), kind="respite", status="matched")
    b.request(centrum, at=local(2026, 3, 31, 23, 30), kind="respite")  # r5: still March (DST has begun)
    r6 = b.request(centrum, at=local(2026, 3, 1, 0, 30), kind="practical", status="matched")  # 28 Feb 23:30 UTC
    r7 = b.request(centrum, at=local(2026, 3, 4), kind="practical")
    r8 = b.request(centrum, at=local(2026, 3, 15), kind="practical", status="matched")
    b.request(centrum, at=local(2026, 3, 16), kind="practical", status="withdrawn")  # r9
    r10 = b.request(centrum, at=local(2026, 3, 5), kind="companionship", status="matched")
    b.request(centrum, at=local(2026, 3, 6), kind="companionship")  # r11
    b.request(centrum, at=local(2026, 3, 7), kind="transport")  # r12
    # Not March: just before and just after; another organisation in the same neighbourhood.
    b.request(centrum, at=local(2026, 2, 28, 23, 30))
    b.request(centrum, at=local(2026, 4, 1, 0, 0))
    b.request(centrum, at=local(2026, 3, 10), org=region["org_b"])
    # Presikhaaf: two new practical requests. Velp (Rheden): one.
    b.request(presikhaaf, at=local(2026, 3, 10))
    b.request(presikhaaf, at=local(2026, 3, 11))
    b.request(velp, at=local(2026, 3, 12))

    # Answers.
    m1 = b.match(r1, va, activated=local(2026, 3, 5))  # 3 days
    m2 = b.match(r2, va, activated=local(2026, 3, 13))  # 10 days
    b.event(r3, "referred", at=local(2026, 3, 12))  # 2 days (a referral)
    b.event(r3, "intake", at=local(2026, 3, 14), from_status="referred")
    b.event(r3, "referred", at=local(2026, 3, 16), from_status="intake")  # referred again: still one request
    b.match(r4, vb, activated=local(2026, 4, 25))  # 36 days minus the DST hour
    b.match(r6, vb, activated=local(2026, 3, 8, 0, 30))  # exactly 7 days
    b.match(r7, vb, status="declined", ended=local(2026, 3, 6))  # proposal declined: no answer
    b.match(r8, vc, activated=local(2026, 3, 20), ended=local(2026, 3, 25), status="cancelled")  # 5 days
    b.match(r8, vb, activated=local(2026, 4, 1, 0, 0))  # the second start does not count; not running in March
    b.event(r10, "referred", at=local(2026, 3, 20))  # 15 days
    b.match(r10, vc, activated=local(2026, 4, 10))  # 36 days minus the DST hour (the referral came first)
    b.event(b.request(centrum, at=local(2026, 4, 2)), "referred", at=local(2026, 4, 3))  # April referral

    # Older requests with matches that ran into March and ended in it.
    old1 = b.request(centrum, at=local(2025, 12, 1), status="closed")
    b.match(old1, vd, activated=local(2026, 1, 10), ended=local(2026, 3, 1, 0, 0), goal="yes")
    old2 = b.request(centrum, at=local(2025, 12, 2), status="closed")
    b.match(old2, vb, activated=local(2026, 2, 1), ended=local(2026, 3, 20), goal="partly")
    old3 = b.request(centrum, at=local(2025, 12, 3), status="closed")
    b.match(old3, vb, activated=local(2026, 1, 1), ended=local(2026, 2, 28, 23, 59), goal="yes")  # February

    # Respite hours: approved ones in March count.
    b.hours(m1, datetime.date(2026, 3, 10), "2.5")
    b.hours(m1, datetime.date(2026, 3, 17), "3")
    b.hours(m1, datetime.date(2026, 3, 24), "1.5", approved=False)
    b.hours(m2, datetime.date(2026, 3, 31), "2")
    b.hours(m2, datetime.date(2026, 4, 1), "4")

    # Burden check-ins.
    b.checkin(mz1, 9, at=local(2026, 2, 20))  # February
    b.checkin(mz1, 8, at=local(2026, 3, 3))
    b.checkin(mz1, 6, at=local(2026, 3, 28))
    b.checkin(mz2, 5, at=local(2026, 3, 15))
    b.checkin(mz3, 9, at=local(2026, 3, 20))
    return {"arnhem": arnhem, "centrum": centrum, "presikhaaf": presikhaaf}
