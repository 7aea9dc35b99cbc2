"""Builders for the report tests: requests, matches, events, hours, check-ins and
volunteers with the timestamps a test wants (``auto_now_add`` fields are set
afterwards with an UPDATE)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

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
        from common.factories import HelpRequestFactory

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
        event = RequestEvent.objects.create(request=request, from_status="", to_status="new", note="Aangevraagd")
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
        from common.factories import VolunteerFactory
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
        from common.factories import MantelzorgerFactory

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
        from matching.models import Evaluation, Match

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

        from matching.models import HoursEntry

        return HoursEntry.objects.create(
            match=match,
            date=day,
            hours=Decimal(hours),
            note="Geheime uren-notitie",
            approved_at=timezone.now() if approved else None,
        )

    def area(self, municipality, name, kind="wijk", lat=51.99, lon=5.93):
        from common.factories import NeighbourhoodFactory

        return NeighbourhoodFactory(municipality=municipality, name=name, kind=kind, latitude=lat, longitude=lon)


@pytest.fixture
def build(region):
    return Builder(region)
