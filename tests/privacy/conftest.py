"""Builders for the retention tests: records with their dates set in the past relative
to a fixed :data:`NOW` (the services take ``now`` explicitly: time travel without
freezing the clock). ``ago(months=24, days=1)`` is one day beyond two years."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from privacy.schedule import months_before

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 6, 3, 10, 0, tzinfo=AMSTERDAM)


def ago(*, months: int = 0, days: int = 0) -> datetime.datetime:
    return months_before(NOW, months) - datetime.timedelta(days=days)


class Builder:
    def __init__(self, region):
        self.region = region
        self.org = region["org_a"]
        self.area = region["areas"]["Arnhem"]
        self.counter = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def user(self, *, last_login=None, joined=None, **fields):
        from demo.factories import UserFactory

        user = UserFactory(**fields)
        type(user).objects.filter(pk=user.pk).update(
            last_login=last_login, date_joined=joined or last_login or ago(months=120)
        )
        user.refresh_from_db()
        return user

    def mantelzorger(self, *, created=None, org=None, **fields):
        from caregivers.models import CareRecipient, Mantelzorger
        from demo.factories import MantelzorgerFactory

        fields.setdefault("email", f"mz{self._n()}@example.nl")
        fields.setdefault("phone", "06-12345678")
        fields.setdefault("neighbourhood", self.area)
        mz = MantelzorgerFactory(organisation=org or self.org, care_hours_per_week=20, **fields)
        CareRecipient.objects.create(
            mantelzorger=mz, name="Opa Henk", age_band="80+", situation="dementia", notes="Vergeetachtig"
        )
        Mantelzorger.objects.filter(pk=mz.pk).update(created_at=created or ago(months=120))
        mz.refresh_from_db()
        return mz

    def request(self, *, status="closed", closed=None, created=None, org=None, mantelzorger=None, **fields):
        from caregivers.models import HelpRequest, RequestDate, RequestEvent, RequestSlot
        from demo.factories import HelpRequestFactory

        fields.setdefault("email", f"vraag{self._n()}@example.nl")
        fields.setdefault("phone", "06-87654321")
        fields.setdefault("description", "Boodschappen, mijn man heeft dementie")
        fields.setdefault("question_behind", "Eenzaam")
        fields.setdefault("own_network", "Dochter woont ver weg")
        fields.setdefault("neighbourhood", self.area)
        request = HelpRequestFactory(
            organisation=org or self.org,
            status=status,
            mantelzorger=mantelzorger,
            care_recipient=mantelzorger.care_recipients.first() if mantelzorger else None,
            **fields,
        )
        RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(14), end=datetime.time(16))
        RequestDate.objects.create(
            request=request, date=datetime.date(2020, 1, 2), start=datetime.time(9), end=datetime.time(10)
        )
        RequestEvent.objects.create(request=request, to_status="new", note="Belde zelf, huilde")
        created = created or (closed or ago(months=1)) - datetime.timedelta(days=30)
        RequestEvent.objects.filter(request=request).update(at=created)
        HelpRequest.objects.filter(pk=request.pk).update(
            created_at=created, status_changed_at=closed, updated_at=closed or created
        )
        request.refresh_from_db()
        return request

    def volunteer(self, *, user=None, org=None, **fields):
        from demo.factories import VolunteerFactory

        fields.setdefault("neighbourhood", self.area)
        return VolunteerFactory(organisation=org or self.org, user=user, **fields)

    def match(self, *, request, volunteer, status="ended", ended=None, activated=None, evaluation=True):
        from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken

        ended = ended or ago(months=1)
        activated = activated or ended - datetime.timedelta(days=60)
        match = Match.objects.create(
            organisation=request.organisation,
            request=request,
            volunteer=volunteer,
            status=status,
            distance_km=1.3,
            reasons=[{"code": "distance", "km": 1.3}],
            accepted_at=activated - datetime.timedelta(days=2),
            activated_at=activated,
            ended_at=ended,
        )
        Match.objects.filter(pk=match.pk).update(created_at=activated, updated_at=ended)
        MatchEvent.objects.create(match=match, to_status=status, note="Klikte goed met mevrouw Jansen")
        MatchLinkToken.objects.create(
            match=match, purpose="accept", token_hash=f"h{match.pk}x{self._n()}", expires_at=activated
        )
        if evaluation and status == "ended":
            Evaluation.objects.create(match=match, goal_reached="yes", next_step="close", note="Mevrouw was blij")
        HoursEntry.objects.create(
            match=match, date=activated.date(), hours=Decimal("2.5"), note="Naar de dokter", approved_at=activated
        )
        match.refresh_from_db()
        return match


@pytest.fixture
def build(region):
    return Builder(region)
