"""The queue's order comes from the database (the stored burden flag, urgency and age,
caregivers.burden and intake._RankedQueue). These tests compare it, after every kind of
change that moves a request's priority, with the priority rule applied from scratch to
the check-ins themselves, over several pages, and check that a page's work does not
grow with the number of requests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caregivers.intake import OPEN_STATUSES, queue_page, request_reopen, requests_of_organisation
from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger
from caregivers.priority import known_urgency, priority_int, priority_key, request_priority
from caregivers.services import mantelzorgers_erase, requests_erase
from demo.factories import HelpRequestFactory, MantelzorgerFactory
from tests.caregivers.factories import BurdenCheckInFactory, CareRecipientFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def rule_order(organisation, now) -> list[tuple[int, float | None, bool]]:
    """The queue as the rule orders it, with the burden read from the check-ins now."""
    rows = []
    for request in requests_of_organisation(organisation=organisation).select_related(
        "mantelzorger", "care_recipient__mantelzorger"
    ):
        owner = request.mantelzorger or (request.care_recipient and request.care_recipient.mantelzorger)
        latest = (
            BurdenCheckIn.objects.filter(mantelzorger=owner).order_by("-created_at", "-pk").first() if owner else None
        )
        burden = bool(latest and latest.is_high)
        if request.status in OPEN_STATUSES:
            priority = request_priority(
                urgency=known_urgency(request.urgency), created_at=request.created_at, burden_high=burden, now=now
            )
            key = (0, *priority_key(units=priority_int(priority), created_at=request.created_at, pk=request.pk))
        else:
            priority = None
            key = (1, -(request.status_changed_at or request.created_at).timestamp(), -request.pk)
        rows.append((key, request.pk, priority, burden))
    return [(pk, priority, burden) for _key, pk, priority, burden in sorted(rows)]


def queue_order(organisation, now, per_page=4) -> list[tuple[int, float | None, bool]]:
    queryset = requests_of_organisation(organisation=organisation)
    result, number = [], 1
    while True:
        page = queue_page(queryset=queryset, organisation=organisation, now=now, page_number=number, per_page=per_page)
        result += [(e.request.pk, e.priority, e.burden_high) for e in page.object_list]
        if not page.has_next():
            return result
        number += 1


def assert_same_order(organisation, now=None):
    now = now or timezone.now()
    expected = rule_order(organisation, now)
    assert queue_order(organisation, now) == expected
    assert queue_order(organisation, now, per_page=50) == expected
    return [pk for pk, _priority, _burden in expected]


@pytest.fixture
def world(region):
    """Requests of every urgency and age, with and without a carer, directly or through
    the person cared for, a few no longer open."""
    org = region["org_a"]
    now = timezone.now()
    carers = [MantelzorgerFactory(organisation=org) for _ in range(4)]
    recipient = CareRecipientFactory(mantelzorger=carers[1])
    requests = {}
    plan = [
        ("a", "high", 1, carers[0], None, S.READY),
        ("b", "normal", 40, carers[0], None, S.NEW),
        ("c", "low", 70, None, recipient, S.INTAKE),
        ("d", "normal", 3, None, None, S.READY),
        ("e", "high", 60, carers[2], None, S.READY),
        ("f", "low", 3, carers[3], None, S.READY),
        ("g", "normal", 3, None, None, S.READY),  # the same day as d: the older first
        ("h", "normal", 10, carers[1], None, S.MATCHED),
        ("i", "high", 5, None, None, S.CLOSED),
        ("j", "odd", 12, carers[3], None, S.READY),  # an urgency the rule does not know: normal
    ]
    for name, urgency, days, carer, recipient_, status in plan:
        item = HelpRequestFactory(
            organisation=org,
            requester_first_name=name,
            urgency=urgency,
            mantelzorger=carer,
            care_recipient=recipient_,
            status=status,
            status_changed_at=now - datetime.timedelta(days=days / 2),
        )
        minutes = 5 if name == "g" else 0
        HelpRequest.objects.filter(pk=item.pk).update(created_at=now - datetime.timedelta(days=days, minutes=minutes))
        requests[name] = item
    return {"org": org, "carers": carers, "recipient": recipient, "requests": requests}


def test_order_equals_the_rule_after_every_kind_of_change(world, personas):
    org, carers, recipient, req = world["org"], world["carers"], world["recipient"], world["requests"]
    assert_same_order(org)

    # A high check-in lifts the carer's requests, a later low one lowers them again.
    BurdenCheckInFactory(mantelzorger=carers[0], score=8)
    assert [b for pk, _p, b in queue_order(org, timezone.now()) if pk == req["b"].pk] == [True]
    assert_same_order(org)
    BurdenCheckIn.objects.filter(mantelzorger=carers[0]).update(created_at=timezone.now() - datetime.timedelta(days=2))
    BurdenCheckInFactory(mantelzorger=carers[0], score=2)
    assert_same_order(org)
    # Two signals make a check-in high too; through the person cared for as well.
    BurdenCheckInFactory(mantelzorger=carers[1], score=3, sleeps_badly=True, feels_alone=True)
    assert [b for pk, _p, b in queue_order(org, timezone.now()) if pk == req["c"].pk] == [True]
    assert_same_order(org)
    # Deleting the latest check-in (retention deletes a queryset) brings the one before back.
    BurdenCheckIn.objects.filter(mantelzorger=carers[0], score=2).delete()
    assert [b for pk, _p, b in queue_order(org, timezone.now()) if pk == req["b"].pk] == [True]
    assert_same_order(org)

    # A request linked to another carer (save, and save with update_fields).
    BurdenCheckInFactory(mantelzorger=carers[2], score=9)
    req["d"].mantelzorger = carers[2]
    req["d"].save()
    assert_same_order(org)
    req["g"].mantelzorger = carers[1]
    req["g"].save(update_fields=["mantelzorger"])
    assert_same_order(org)
    req["g"].mantelzorger = None
    req["g"].care_recipient = recipient
    req["g"].save()
    assert_same_order(org)
    # A new request of a burdened carer.
    HelpRequestFactory(organisation=org, mantelzorger=carers[2], urgency="low", status=S.NEW)
    assert_same_order(org)

    # Urgency and status change, the broker's way (update) and by save.
    HelpRequest.objects.filter(pk=req["f"].pk).update(urgency="high")
    req["h"].status = S.READY
    req["h"].save()
    HelpRequest.objects.filter(pk=req["a"].pk).update(status=S.CLOSED, status_changed_at=timezone.now())
    assert_same_order(org)

    # The person cared for is deleted: the requests through them lose the carer.
    CareRecipient.objects.filter(pk=recipient.pk).delete()
    assert [b for pk, _p, b in queue_order(org, timezone.now()) if pk == req["c"].pk] == [False]
    assert_same_order(org)
    # A carer is deleted (the check-ins go, the requests stay without a carer).
    Mantelzorger.objects.filter(pk=carers[2].pk).delete()
    assert_same_order(org)

    # Erasure: the link to the person cared for goes, the request is withdrawn; reopened,
    # it ranks with what is left.
    recipient2 = CareRecipientFactory(mantelzorger=carers[3])
    BurdenCheckInFactory(mantelzorger=carers[3], score=10)
    HelpRequest.objects.filter(pk=req["g"].pk).update(care_recipient=recipient2)
    from caregivers.burden import requests_burden_refresh

    requests_burden_refresh(requests=HelpRequest.objects.filter(pk=req["g"].pk))
    assert_same_order(org)
    requests_erase(request_ids=[req["g"].pk], by=None)
    request_reopen(request=HelpRequest.objects.get(pk=req["g"].pk), by=None)
    assert_same_order(org)
    mantelzorgers_erase(mantelzorger_ids=[carers[3].pk])
    assert_same_order(org)

    # Time passes: waiting counts up to 8 weeks, the order moves with it.
    order_now = assert_same_order(org)
    order_later = assert_same_order(org, timezone.now() + datetime.timedelta(days=50))
    assert order_now != order_later


def test_a_page_reads_the_same_whatever_the_number_of_requests(region):
    org = region["org_a"]
    carer = MantelzorgerFactory(organisation=org)
    BurdenCheckInFactory(mantelzorger=carer, score=9)
    now = timezone.now()

    def page_queries(n):
        HelpRequest.objects.filter(organisation=org).delete()
        for i in range(n):
            HelpRequestFactory(
                organisation=org, urgency=("low", "normal", "high")[i % 3], mantelzorger=carer if i % 4 == 0 else None
            )
        queryset = requests_of_organisation(organisation=org).filter(status__in=OPEN_STATUSES)
        with CaptureQueriesContext(connection) as queries:
            page = queue_page(queryset=queryset, organisation=org, now=now, per_page=5)
        assert len(page.object_list) == 5
        return [q["sql"] for q in queries.captured_queries]

    few, many = page_queries(8), page_queries(60)
    assert len(few) == len(many)
    # Each group of the rule is read with a limit of one page, never in full.
    group_reads = [sql for sql in many if "ORDER BY 2 ASC, 1 ASC" in sql]
    assert len(group_reads) == 6
    assert all(sql.rstrip().endswith("LIMIT 5") for sql in group_reads)
    assert rule_order(org, now)[:5] == [
        (e.request.pk, e.priority, e.burden_high)
        for e in queue_page(
            queryset=requests_of_organisation(organisation=org), organisation=org, now=now, per_page=5
        ).object_list
    ]
