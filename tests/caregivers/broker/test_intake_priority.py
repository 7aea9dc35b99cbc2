"""request_priority: urgency base + days waited + carer burden."""

import datetime

import pytest

from caregivers.intake import BURDEN_POINTS, URGENCY_POINTS, request_priority, waiting_days

NOW = datetime.datetime(2026, 3, 29, 12, 0, tzinfo=datetime.UTC)  # the night of the DST change in NL


def ago(**kwargs):
    return NOW - datetime.timedelta(**kwargs)


@pytest.mark.parametrize(
    ("urgency", "created_at", "burden_high", "expected"),
    [
        ("normal", NOW, False, 10.0),
        ("high", NOW, False, 30.0),
        ("low", NOW, False, 0.0),
        ("normal", ago(days=5), False, 15.0),
        ("normal", ago(days=5, hours=23), False, 15.0),  # full days only
        ("low", ago(days=40), False, 40.0),  # waiting has no cap: nobody waits forever
        ("normal", NOW, True, 30.0),
        ("high", ago(days=3), True, 53.0),
        ("normal", NOW + datetime.timedelta(hours=1), False, 10.0),  # clock skew: never negative
        ("unknown", NOW, False, 10.0),  # imported nonsense counts as normal
    ],
)
def test_priority_formula(urgency, created_at, burden_high, expected):
    assert request_priority(urgency=urgency, created_at=created_at, burden_high=burden_high, now=NOW) == expected


def test_the_parts_weigh_as_documented():
    assert URGENCY_POINTS["high"] - URGENCY_POINTS["normal"] == 20
    assert URGENCY_POINTS["normal"] - URGENCY_POINTS["low"] == 10
    assert BURDEN_POINTS == 20


def test_urgent_new_request_goes_before_a_normal_one_of_a_fortnight_but_not_of_a_month():
    urgent_today = request_priority(urgency="high", created_at=NOW, burden_high=False, now=NOW)
    normal_14 = request_priority(urgency="normal", created_at=ago(days=14), burden_high=False, now=NOW)
    normal_30 = request_priority(urgency="normal", created_at=ago(days=30), burden_high=False, now=NOW)
    assert normal_14 < urgent_today < normal_30


def test_high_burden_raises_priority():
    without = request_priority(urgency="normal", created_at=ago(days=2), burden_high=False, now=NOW)
    with_burden = request_priority(urgency="normal", created_at=ago(days=2), burden_high=True, now=NOW)
    assert with_burden > without


def test_waiting_days_counts_full_days():
    assert waiting_days(created_at=ago(hours=23), now=NOW) == 0
    assert waiting_days(created_at=ago(days=23, hours=1), now=NOW) == 23
    assert waiting_days(created_at=NOW + datetime.timedelta(days=1), now=NOW) == 0


@pytest.mark.django_db
def test_request_priorities_in_bulk(region, django_assert_num_queries):
    from caregivers.intake import request_priorities
    from caregivers.models import HelpRequest
    from demo.factories import HelpRequestFactory, MantelzorgerFactory

    from .factories import BurdenCheckInFactory

    org = region["org_a"]
    overloaded = MantelzorgerFactory(organisation=org)
    BurdenCheckInFactory(mantelzorger=overloaded, score=9)
    calm = MantelzorgerFactory(organisation=org)
    BurdenCheckInFactory(mantelzorger=calm, score=2)
    a = HelpRequestFactory(organisation=org, urgency="high", mantelzorger=overloaded)
    b = HelpRequestFactory(organisation=org, urgency="low", mantelzorger=calm)
    c = HelpRequestFactory(organisation=org, urgency="normal")
    HelpRequest.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=NOW)
    HelpRequest.objects.filter(pk=c.pk).update(created_at=NOW - datetime.timedelta(days=4))
    queryset = HelpRequest.objects.filter(pk__in=[a.pk, b.pk, c.pk])
    with django_assert_num_queries(2):
        result = request_priorities(queryset=queryset, now=NOW)
    assert result == {a.pk: 50.0, b.pk: 0.0, c.pk: 14.0}
