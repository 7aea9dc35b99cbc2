"""The priority of a request (caregivers/priority.py): one rule for the broker's queue
and the matching engine."""

import datetime
import itertools

import pytest

from caregivers.priority import (
    PRIORITY_SCALE,
    URGENCY_VALUE,
    WAITING_FULL_DAYS,
    known_urgency,
    priority_int,
    priority_key,
    priority_percent,
    request_priority,
    waiting_days,
)

NOW = datetime.datetime(2026, 3, 29, 12, 0, tzinfo=datetime.UTC)  # the night of the DST change in NL


def ago(**kwargs):
    return NOW - datetime.timedelta(**kwargs)


def priority(urgency, created_at, burden_high=False):
    return request_priority(urgency=urgency, created_at=created_at, burden_high=burden_high, now=NOW)


# --- The rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "created_at", "burden_high", "expected"),
    [
        ("low", NOW, False, 0.0),
        ("normal", NOW, False, 0.25),
        ("high", NOW, False, 0.5),
        ("high", NOW, True, 0.7),
        ("normal", ago(days=28, hours=1), False, 0.4),
        ("normal", ago(days=27, hours=23), False, 0.25 + 0.3 * 27 / 56),  # full days only
        ("low", ago(days=56), False, 0.3),
        ("low", ago(days=400), False, 0.3),  # waiting counts for 8 weeks, then it is full
        ("high", ago(days=56), True, 1.0),
        ("normal", NOW + datetime.timedelta(hours=1), False, 0.25),  # clock skew: never negative
        ("low", NOW + datetime.timedelta(days=3), False, 0.0),
    ],
)
def test_priority_formula(urgency, created_at, burden_high, expected):
    assert priority(urgency, created_at, burden_high) == pytest.approx(expected)


def test_the_parts_weigh_as_documented():
    assert URGENCY_VALUE == {"low": 0.0, "normal": 0.5, "high": 1.0}
    assert WAITING_FULL_DAYS == 56
    # One urgency step is worth about 47 days of waiting, a high burden about 37.
    assert priority("normal", ago(days=46)) < priority("high", NOW) < priority("normal", ago(days=47))
    assert priority("normal", ago(days=37)) < priority("normal", NOW, True) < priority("normal", ago(days=38))


def test_urgency_first_but_a_long_wait_catches_up():
    fresh_high = priority("high", NOW)
    assert priority("normal", NOW) < fresh_high < priority("normal", ago(days=56))
    # After 8 weeks waiting adds nothing: a low request stays behind a fresh urgent one.
    assert priority("low", ago(days=365)) < fresh_high


def test_unknown_urgency_is_an_error_and_stored_data_counts_as_normal():
    with pytest.raises(ValueError):
        priority("asap", NOW)
    assert known_urgency("asap") == "normal"
    assert [known_urgency(u) for u in ("low", "normal", "high")] == ["low", "normal", "high"]


def test_waiting_days_counts_full_days():
    assert waiting_days(created_at=ago(hours=23), now=NOW) == 0
    assert waiting_days(created_at=ago(days=23, hours=1), now=NOW) == 23
    assert waiting_days(created_at=NOW + datetime.timedelta(days=1), now=NOW) == 0


def test_percent_for_people():
    assert [priority_percent(p) for p in (0.0, 0.25, 0.5732, 1.0)] == [0, 25, 57, 100]


# --- Units and order -------------------------------------------------------------------

EVERY_COMBINATION = list(itertools.product(URGENCY_VALUE, range(WAITING_FULL_DAYS + 3), (False, True)))


def test_units_keep_the_order_of_the_priority_and_add_no_ties():
    """Ordering by whole units (what the batch sums, what the queue and greedy sort by)
    is ordering by the priority itself, for every combination of the ingredients."""
    values = [priority(u, ago(days=d, hours=1), b) for u, d, b in EVERY_COMBINATION]
    for a, b in itertools.combinations(values, 2):
        assert (a < b) == (priority_int(a) < priority_int(b))
        assert (a == b) == (priority_int(a) == priority_int(b))
    assert max(priority_int(v) for v in values) == PRIORITY_SCALE
    assert min(priority_int(v) for v in values) == 0


def test_priority_key_orders_by_units_then_oldest_then_lowest_id():
    older, newer = ago(days=3), ago(days=2)
    keys = {
        "urgent": priority_key(units=500, created_at=newer, pk=9),
        "normal_old": priority_key(units=250, created_at=older, pk=7),
        "normal_new_low_id": priority_key(units=250, created_at=newer, pk=1),
        "normal_new_high_id": priority_key(units=250, created_at=newer, pk=2),
    }
    assert sorted(keys, key=keys.get) == ["urgent", "normal_old", "normal_new_low_id", "normal_new_high_id"]


# --- The queue and the engine agree --------------------------------------------------------

# name, urgency, days waited, the carer's latest check-in score (None: no carer), and
# whether the carer is known only through the person cared for
REQUESTS = [
    ("Vandaag-a", "normal", 0, None, False),
    ("Vandaag-b", "normal", 0, None, False),  # same priority and age as Vandaag-a: the lower id first
    ("Dringend", "high", 0, None, False),  # 0.5
    ("Dringend-oud", "high", 10, None, False),
    ("Zwaar", "normal", 5, 9, False),
    ("Zwaar-via-oma", "normal", 4, 9, True),
    ("Gewoon", "normal", 2, 2, False),  # a calm carer counts as no burden
    ("Lang", "normal", 47, None, False),  # 47 days of waiting overtake one urgency step
    ("Laag-jaar", "low", 365, None, False),  # waiting is full after 8 weeks: 0.3
    ("Laag-zwaar", "low", 60, 8, False),  # 0.3 + 0.2 = 0.5, as Dringend, but older
]
EXPECTED_ORDER = [
    "Dringend-oud",
    "Lang",
    "Laag-zwaar",
    "Dringend",
    "Zwaar",
    "Zwaar-via-oma",
    "Laag-jaar",
    "Gewoon",
    "Vandaag-a",
    "Vandaag-b",
]


@pytest.mark.django_db
def test_the_queue_and_the_engine_put_requests_in_the_same_order(region):
    from caregivers.intake import queue_page, requests_of_organisation
    from caregivers.models import HelpRequest
    from demo.factories import HelpRequestFactory, MantelzorgerFactory
    from matching import loaders
    from matching.engine.greedy import greedy_order, request_priorities
    from tests.caregivers.factories import BurdenCheckInFactory, CareRecipientFactory

    org = region["org_a"]
    pks = {}
    for name, urgency, days, score, via_recipient in REQUESTS:
        mantelzorger = recipient = None
        if score is not None:
            mantelzorger = MantelzorgerFactory(organisation=org)
            BurdenCheckInFactory(mantelzorger=mantelzorger, score=score)
            if via_recipient:
                mantelzorger, recipient = None, CareRecipientFactory(mantelzorger=mantelzorger)
        item = HelpRequestFactory(
            organisation=org,
            requester_first_name=name,
            urgency=urgency,
            mantelzorger=mantelzorger,
            care_recipient=recipient,
            status=HelpRequest.Status.READY,
        )
        HelpRequest.objects.filter(pk=item.pk).update(created_at=NOW - datetime.timedelta(days=days, hours=1))
        pks[item.pk] = name

    queryset = requests_of_organisation(organisation=org).filter(pk__in=pks)
    entries = queue_page(queryset=queryset, organisation=org, now=NOW).object_list
    queue = [entry.request.pk for entry in entries]
    requests = [r for r in loaders.ready_requests(organisation=org, now=NOW) if r.id in pks]
    engine = [r.id for r in greedy_order(requests, request_priorities(requests, NOW))]

    assert [pks[pk] for pk in queue] == EXPECTED_ORDER
    assert engine == queue
    # The same value too, from the same ingredients (the engine's priority score part).
    engine_priority = {
        r.id: request_priority(urgency=r.urgency, created_at=r.created_at, burden_high=r.burden_high, now=NOW)
        for r in requests
    }
    assert {entry.request.pk: entry.priority for entry in entries} == engine_priority
