"""Reads for mantelzorgers and requesters: whose requests, the burden trend and its sparkline."""

import datetime

import pytest

from caregivers.models import BurdenCheckIn, HelpRequest, RequestDate, RequestSlot
from caregivers.selectors import (
    burden_direction,
    burden_sparkline,
    burden_trend,
    latest_burden,
    request_times,
    requests_of,
)
from demo.factories import HelpRequestFactory, MantelzorgerFactory
from tests.caregivers.factories import BurdenCheckInFactory

pytestmark = pytest.mark.django_db


def add_checkins(mantelzorger, scores):
    """Check-ins on consecutive days, oldest first."""
    start = datetime.datetime(2030, 5, 1, 12, tzinfo=datetime.UTC)
    made = []
    for i, score in enumerate(scores):
        checkin = BurdenCheckInFactory(mantelzorger=mantelzorger, score=score)
        BurdenCheckIn.objects.filter(pk=checkin.pk).update(created_at=start + datetime.timedelta(days=i))
        made.append(checkin)
    return made


def test_requests_of_includes_own_and_those_entered_for_the_carer(mark, personas, other_carer):
    own = HelpRequest.objects.get(requester=mark.user)
    for_mark = HelpRequestFactory(organisation=mark.organisation, mantelzorger=mark, entered_by=personas["broker_a"])
    HelpRequestFactory(organisation=mark.organisation, mantelzorger=other_carer)
    HelpRequestFactory(organisation=mark.organisation, requester=personas["volunteer"])
    assert set(requests_of(mark.user)) == {own, for_mark}
    assert set(requests_of(personas["nobody"])) == set()


def test_requests_of_anonymous_is_empty(mark):
    from django.contrib.auth.models import AnonymousUser

    assert list(requests_of(AnonymousUser())) == []


def test_burden_trend_is_the_last_six_oldest_first(mark, other_carer):
    add_checkins(mark, [1, 2, 3, 4, 5, 6, 7, 8])
    add_checkins(other_carer, [10])
    assert [c.score for c in burden_trend(mark)] == [3, 4, 5, 6, 7, 8]
    assert [c.score for c in burden_trend(mark, limit=2)] == [7, 8]
    assert latest_burden(mark).score == 8
    assert latest_burden(MantelzorgerFactory()) is None
    assert burden_trend(MantelzorgerFactory()) == []


@pytest.mark.parametrize("scores, direction", [([3, 5], "up"), ([5, 3], "down"), ([4, 4], "same"), ([4], ""), ([], "")])
def test_burden_direction(mark, scores, direction):
    add_checkins(mark, scores)
    assert burden_direction(burden_trend(mark)) == direction


def test_sparkline_puts_ten_at_the_top_and_zero_at_the_bottom(mark):
    add_checkins(mark, [0, 10, 5])
    line = burden_sparkline(burden_trend(mark), width=100, height=40, pad=4)
    ys = [p.y for p in line.points]
    assert ys == [36, 4, 20]
    assert [p.x for p in line.points] == [4, 50, 96]
    assert line.polyline == "4,36 50,4 96,20"
    assert [p.high for p in line.points] == [False, True, False]
    assert 4 < line.high_y < 20  # the "heavy" line lies at 7


def test_sparkline_of_one_checkin_is_a_dot_in_the_middle(mark):
    add_checkins(mark, [6])
    line = burden_sparkline(burden_trend(mark), width=100, height=40)
    assert len(line.points) == 1 and line.points[0].x == 50


def test_request_times_in_words(mark):
    request = HelpRequestFactory(organisation=mark.organisation)
    RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(13), end=datetime.time(17))
    RequestDate.objects.create(
        request=request, date=datetime.date(2030, 6, 3), start=datetime.time(10), end=datetime.time(12, 30)
    )
    assert request_times(request) == ["elke dinsdag 13:00-17:00", "maandag 3 juni 2030, 10:00-12:30"]
