"""ORM -> engine data: what the loaders read, and that they read it in a constant
number of queries whatever the size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caregivers.models import HelpRequest
from common.errors import DomainError
from common.geo import Point
from common.slots import Slot
from demo.factories import MantelzorgerFactory, UserFactory
from matches.models import Match
from matches.reasons import reason_text
from matching import loaders
from matching.engine import Weights, suggest
from tests.caregivers.factories import BurdenCheckInFactory, CareRecipientFactory
from tests.matching.conftest import NOW, TODAY, VELP

pytestmark = pytest.mark.django_db

T = datetime.time


def _populate(org, make_volunteer, make_request, make_match, n):
    """n volunteers with skills, two slots each, and a mix of matches."""
    vols = [
        make_volunteer(org, slots="tue 13:00-17:00; thu 09:00-12:00", skill_codes=("shopping", "walking"))
        for _ in range(n)
    ]
    request = make_request(org)
    for i, v in enumerate(vols):
        make_match(request, v, status=[Match.Status.ACTIVE, Match.Status.ENDED, Match.Status.DECLINED][i % 3])
    return vols


@pytest.mark.parametrize("n", [3, 30])
def test_volunteer_pool_uses_a_constant_number_of_queries(
    n, region, make_volunteer, make_request, make_match, django_assert_max_num_queries
):
    _populate(region["org_a"], make_volunteer, make_request, make_match, n)
    with django_assert_max_num_queries(5):
        pool = loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
    assert len(pool) == n


def test_query_count_does_not_grow_with_the_pool(region, make_volunteer, make_request, make_match):
    counts = []
    for n in (3, 30):
        _populate(region["org_a"], make_volunteer, make_request, make_match, n)
        with CaptureQueriesContext(connection) as ctx:
            loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_pool_holds_only_located_volunteers_of_the_organisation(region, make_volunteer):
    mine = make_volunteer(region["org_a"])
    make_volunteer(region["org_b"])
    make_volunteer(region["org_a"], at=None)  # no location: cannot be matched on distance
    pool = loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
    assert pool.ids.tolist() == [mine.pk]


def test_pool_carries_every_fact_the_engine_needs(region, make_volunteer):
    v = make_volunteer(
        region["org_a"],
        slots="tue 13:00-15:00; tue 15:00-17:00; sun 02:00-03:30",
        skill_codes=("shopping", "dementia"),
        at=VELP,
        max_distance_km=7.5,
        languages="nl; EN ;",
        target_groups=["elderly", "dementia"],
        vog_valid_until=datetime.date(2031, 1, 31),
        paused_until=datetime.date(2030, 6, 10),
        max_active_matches=3,
        wants_one_off=False,
        neighbourhood=region["areas"]["Velp"],
        is_active=False,
    )
    pool = loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
    data = pool.volunteer(pool.row_of(v.pk))
    assert data.point == Point(*VELP)
    assert data.organisation_id == region["org_a"].pk
    assert data.max_distance_km == 7.5
    assert data.skills == {"shopping", "dementia"}
    assert data.languages == {"nl", "en"}
    assert data.target_groups == {"elderly", "dementia"}
    assert data.vog_valid_until == datetime.date(2031, 1, 31)
    assert data.paused_until == datetime.date(2030, 6, 10)
    assert data.max_active_matches == 3
    assert data.wants_one_off is False and data.wants_recurring is True
    assert data.neighbourhood_id == region["areas"]["Velp"].pk
    assert data.active is False
    # Wall-clock slots, touching ones merged; 02:00-03:30 on a Sunday stays as written.
    assert set(data.slots) == {Slot(1, T(13), T(17)), Slot(6, T(2), T(3, 30))}


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (T(0), T(0, 30), (0, 1800)),
        (T(9, 15, 30), T(12, 0, 59), (33330, 43259)),
        (T(13, 0, 0, 500_000), T(17, 0, 0, 999_999), (46800, 61200)),  # microseconds are dropped
        (T(20), T(23, 59), (72000, 86340)),  # "24:00" is stored as 23:59
    ],
)
def test_slot_times_arrive_as_seconds_since_midnight(region, make_volunteer, start, end, seconds):
    from volunteers.models import AvailabilitySlot

    v = make_volunteer(region["org_a"], slots="")
    AvailabilitySlot.objects.create(volunteer=v, weekday=2, start=start, end=end)
    pool = loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
    assert (int(pool.slot_wd[0]), int(pool.slot_start[0]), int(pool.slot_end[0])) == (2, *seconds)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [([], set()), (["children"], {"children"}), (["elderly", "newcomers", "elderly"], {"elderly", "newcomers"})],
)
def test_target_groups_are_read_from_their_json(region, make_volunteer, groups, expected):
    v = make_volunteer(region["org_a"], target_groups=groups)
    w = make_volunteer(region["org_a"], target_groups=["dementia"])
    pool = loaders.volunteer_pool(organisation=region["org_a"], today=TODAY)
    assert pool.volunteer(pool.row_of(v.pk)).target_groups == expected
    assert pool.volunteer(pool.row_of(w.pk)).target_groups == {"dementia"}


def test_open_match_counts_and_households(region, make_volunteer, make_request, make_match):
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=5)
    other = make_volunteer(org)
    mz = MantelzorgerFactory(organisation=org)
    carer_via_recipient = MantelzorgerFactory(organisation=org)
    requester = UserFactory()
    r_mz = make_request(org, mantelzorger=mz)
    r_recipient = make_request(org, care_recipient=CareRecipientFactory(mantelzorger=carer_via_recipient))
    r_user = make_request(org, requester=requester)
    r_anon = make_request(org)
    r_x, r_y = make_request(org), make_request(org)
    make_match(r_mz, v, Match.Status.ENDED)
    make_match(r_recipient, v, Match.Status.ACTIVE)
    make_match(r_user, v, Match.Status.PROPOSED)
    make_match(r_anon, v, Match.Status.ACCEPTED_BY_VOLUNTEER)
    make_match(r_x, v, Match.Status.DECLINED)
    make_match(r_y, v, Match.Status.CANCELLED)
    make_match(r_x, other, Match.Status.ENDED)

    pool = loaders.volunteer_pool(organisation=org, today=TODAY)
    data = pool.volunteer(pool.row_of(v.pk))
    # proposed + accepted + active hold a place; ended, declined, cancelled do not.
    assert data.open_matches == 3
    # Only active and ended matches count as "helped this household before".
    assert data.households_helped == {f"mz:{mz.pk}", f"mz:{carer_via_recipient.pk}"}
    assert pool.volunteer(pool.row_of(other.pk)).households_helped == {f"req:{r_x.pk}"}
    assert pool.volunteer(pool.row_of(other.pk)).open_matches == 0


def test_household_keys_of_requests(region, make_request):
    org = region["org_a"]
    mz = MantelzorgerFactory(organisation=org)
    user = UserFactory()
    with_mz = make_request(org, mantelzorger=mz, requester=user)
    with_user = make_request(org, requester=user)
    anonymous = make_request(org)
    keys = {r.id: r.household_key for r in loaders.ready_requests(organisation=org, now=NOW)}
    assert keys == {with_mz.pk: f"mz:{mz.pk}", with_user.pk: f"user:{user.pk}", anonymous.pk: f"req:{anonymous.pk}"}


def test_request_data_reads_the_request(region, make_request, make_volunteer, make_match):
    org = region["org_a"]
    declined, cancelled, proposed, elsewhere = (make_volunteer(org) for _ in range(4))
    r = make_request(
        org,
        slots="tue 14:00-16:00; thu 09:00-10:00",
        skill_codes=("respite", "dementia"),
        kind=HelpRequest.Kind.RESPITE,
        urgency=HelpRequest.Urgency.HIGH,
        max_distance_km=4,
        neighbourhood=region["areas"]["Arnhem"],
        care_recipient=CareRecipientFactory(situation="dementia"),
    )
    other_request = make_request(org)
    make_match(r, declined, Match.Status.DECLINED)
    make_match(r, cancelled, Match.Status.CANCELLED)
    make_match(r, proposed, Match.Status.PROPOSED)
    make_match(other_request, elsewhere, Match.Status.DECLINED)

    data = loaders.request_data(request=r, now=NOW)
    assert data.id == r.pk and data.organisation_id == org.pk
    assert data.required_skills == {"respite", "dementia"}
    assert data.weekly_slots == (Slot(1, T(14), T(16)), Slot(3, T(9), T(10)))
    assert data.needs_vog is True  # respite always needs a VOG
    assert data.urgency == "high" and data.kind == "respite"
    assert data.max_distance_km == 4
    assert data.neighbourhood_id == region["areas"]["Arnhem"].pk
    assert data.target_group == "dementia"
    assert data.is_recurring is True
    # Declined and cancelled pairs are excluded; an open proposal or another request's "no" is not.
    assert data.excluded_volunteer_ids == {declined.pk, cancelled.pk}
    # The one-request path (compiled queries) gives what the many-requests path gives.
    assert loaders._request_rows(HelpRequest.objects.filter(pk=r.pk)) == [data]


def test_dst_sunday_date_is_kept_in_wall_clock_time_and_matched(region, make_request, make_volunteer):
    """The last Sunday of March 2030 (clocks go 02:00 -> 03:00) and of October (03:00 -> 02:00):
    a request for 14:00-16:00 is 14:00-16:00 that day, whatever the UTC offset."""
    org = region["org_a"]
    spring, autumn = datetime.date(2030, 3, 31), datetime.date(2030, 10, 27)
    v = make_volunteer(org, slots="sun 13:00-17:00")
    make_volunteer(org, slots="sun 15:00-17:00")  # starts too late
    r = make_request(org, slots="", dates=[(spring, T(14), T(16)), (autumn, T(14), T(16))])
    data = loaders.request_data(request=r, now=NOW)
    assert [(d.date, d.start, d.end) for d in data.dates] == [(spring, T(14), T(16)), (autumn, T(14), T(16))]
    assert data.is_recurring is False
    pool = loaders.volunteer_pool(organisation=org, today=datetime.date(2030, 3, 1))
    now = datetime.datetime(2030, 3, 1, 9, tzinfo=datetime.UTC)
    result = suggest(data, pool, now=now)
    assert [c.volunteer_id for c in result.candidates] == [v.pk]
    dates = {"code": "dates", "dates": [["2030-03-31", "14:00", "16:00"], ["2030-10-27", "14:00", "16:00"]]}
    assert dates in result.candidates[0].reasons
    assert reason_text(dates) == "kan op zo 31 mrt 14:00-16:00, zo 27 okt 14:00-16:00"


@pytest.mark.parametrize(
    ("checkins", "expected"),
    [
        ([], False),
        ([{"score": 8}], True),
        ([{"score": 3, "sleeps_badly": True, "feels_alone": True}], True),
        ([{"score": 3, "sleeps_badly": True}], False),
        ([{"score": 9}, {"score": 2}], False),  # the latest one counts
        ([{"score": 2}, {"score": 9}], True),
    ],
)
def test_burden_high_comes_from_the_latest_check_in(checkins, expected, region, make_request, time_machine):
    org = region["org_a"]
    mz = MantelzorgerFactory(organisation=org)
    for i, fields in enumerate(checkins):
        time_machine.move_to(NOW - datetime.timedelta(days=10 - i))
        BurdenCheckInFactory(mantelzorger=mz, **fields)
    r = make_request(org, mantelzorger=mz)
    assert loaders.request_data(request=r, now=NOW).burden_high is expected


def test_burden_of_the_carer_behind_the_person_cared_for(region, make_request):
    mz = MantelzorgerFactory(organisation=region["org_a"])
    BurdenCheckInFactory(mantelzorger=mz, score=10)
    r = make_request(region["org_a"], care_recipient=CareRecipientFactory(mantelzorger=mz))
    assert loaders.request_data(request=r, now=NOW).burden_high is True


def test_ready_requests_only_ready_located_ones_of_the_organisation(region, make_request):
    org = region["org_a"]
    ready = make_request(org)
    make_request(org, status=HelpRequest.Status.INTAKE)
    make_request(org, status=HelpRequest.Status.MATCHED)
    make_request(org, at=None)  # no location: cannot be matched
    make_request(region["org_b"])
    assert [r.id for r in loaders.ready_requests(organisation=org, now=NOW)] == [ready.pk]


def test_ready_requests_without_an_open_match(region, make_request, make_volunteer, make_match):
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=5)
    free, proposed, declined = make_request(org), make_request(org), make_request(org)
    make_match(proposed, v, Match.Status.PROPOSED)
    make_match(declined, v, Match.Status.DECLINED)
    found = loaders.ready_requests(organisation=org, now=NOW, without_open_match=True)
    assert [r.id for r in found] == [free.pk, declined.pk]
    assert len(loaders.ready_requests(organisation=org, now=NOW)) == 3


def test_request_without_location_is_refused_with_a_reason(region, make_request):
    r = make_request(region["org_a"], at=None)
    with pytest.raises(DomainError, match="adres"):
        loaders.request_data(request=r, now=NOW)


@pytest.mark.parametrize("n", [3, 30])
def test_ready_requests_use_a_constant_number_of_queries(
    n, region, make_request, make_volunteer, make_match, django_assert_max_num_queries
):
    org = region["org_a"]
    v = make_volunteer(org)
    for _ in range(n):
        mz = MantelzorgerFactory(organisation=org)
        BurdenCheckInFactory(mantelzorger=mz, score=8)
        r = make_request(org, mantelzorger=mz, skill_codes=("shopping",), dates=[(TODAY, T(9), T(10))])
        make_match(r, v, Match.Status.DECLINED)
    with django_assert_max_num_queries(6):
        found = loaders.ready_requests(organisation=org, now=NOW)
    assert len(found) == n
    assert all(r.burden_high and r.excluded_volunteer_ids == {v.pk} for r in found)


def test_organisation_weights(region):
    org = region["org_a"]
    assert loaders.organisation_weights(org) == Weights()
    org.matching_weights = {"distance": 5, "load": 0}
    assert loaders.organisation_weights(org) == Weights(distance=5, load=0)
    org.matching_weights = {"distanse": 5}  # a typo must not break matching
    assert loaders.organisation_weights(org) == Weights()
    org.matching_weights = {"distance": -1}
    assert loaders.organisation_weights(org) == Weights()


def test_the_preferred_language_drives_the_language_part(region, make_request, make_volunteer):
    """Issue #15 item 6: the request's preferred language against the volunteer's
    languages; without a preference the part stays neutral (1 for everyone)."""
    org = region["org_a"]
    speaks = make_volunteer(org, languages="nl;tr")
    does_not = make_volunteer(org, languages="nl")
    pool = loaders.volunteer_pool(organisation=org, today=TODAY)

    turkish = make_request(org, preferred_language="tr")
    data = loaders.request_data(request=turkish, now=NOW)
    assert data.languages == {"tr"}
    result = suggest(data, pool, now=NOW)
    parts = {c.volunteer_id: c.parts["language"] for c in result.candidates}
    assert parts == {speaks.pk: 1.0, does_not.pk: 0.0}
    assert result.candidates[0].volunteer_id == speaks.pk
    assert {"code": "speaks", "languages": ["tr"]} in result.candidates[0].reasons

    neutral = loaders.request_data(request=make_request(org), now=NOW)
    assert neutral.languages == frozenset()
    result = suggest(neutral, pool, now=NOW)
    assert {c.volunteer_id: c.parts["language"] for c in result.candidates} == {speaks.pk: 1.0, does_not.pk: 1.0}
    # The batch's loader reads it the same way.
    by_id = {r.id: r for r in loaders.ready_requests(organisation=org)}
    assert by_id[turkish.pk].languages == {"tr"}
