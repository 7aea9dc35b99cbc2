"""match_propose / match_propose_many: the only way a Match is created, with its rules
and the capacity lock."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caregivers.models import HelpRequest
from common.errors import DomainError
from matches.models import BatchRun, Match, MatchEvent
from matches.proposals import NewProposal, match_propose, match_propose_many
from matching.engine import Candidate, Proposal
from tests.matching.conftest import TODAY

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def broker(personas):
    return personas["broker_a"]


def test_propose_creates_a_proposed_match_with_its_event(org, broker, make_volunteer, make_request, frozen_now):
    v, r = make_volunteer(org), make_request(org)
    reasons = [{"code": "distance", "km": 3.2}, {"code": "vog_valid"}]
    match = match_propose(request=r, volunteer=v, by=broker, score=0.8123, distance_km=3.24, reasons=reasons)
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    assert (match.organisation, match.request, match.volunteer, match.proposed_by) == (org, r, v, broker)
    assert (match.score, match.distance_km, match.reasons) == (0.8123, 3.24, reasons)
    assert match.batch is None
    event = MatchEvent.objects.get(match=match)
    assert (event.from_status, event.to_status, event.by) == ("", Match.Status.PROPOSED, broker)


def _refused(**kw):
    count = Match.objects.count()
    events = MatchEvent.objects.count()
    with pytest.raises(DomainError) as info:
        match_propose(**kw)
    assert Match.objects.count() == count and MatchEvent.objects.count() == events  # nothing half-saved
    return info.value.message


@pytest.mark.parametrize(
    ("status", "refused"),
    [(s, s != HelpRequest.Status.READY) for s in HelpRequest.Status.values],
)
def test_only_ready_requests_can_be_proposed(status, refused, org, broker, make_volunteer, make_request, frozen_now):
    v, r = make_volunteer(org), make_request(org, status=status)
    if refused:
        assert "die klaar is om te koppelen" in _refused(request=r, volunteer=v, by=broker)
    else:
        assert match_propose(request=r, volunteer=v, by=broker).status == Match.Status.PROPOSED


@pytest.mark.parametrize(
    ("volunteer_fields", "words"),
    [
        ({"is_active": False}, "niet actief"),
        ({"paused_until": TODAY}, "pauze tot en met 3 juni 2030"),
        ({"paused_until": TODAY - datetime.timedelta(days=1)}, None),  # the pause is over
        ({"vog_valid_until": None}, "VOG"),
        ({"vog_valid_until": TODAY - datetime.timedelta(days=1)}, "VOG"),
        ({"vog_valid_until": TODAY}, None),
    ],
)
def test_volunteer_rules(volunteer_fields, words, org, broker, make_volunteer, make_request, frozen_now):
    v = make_volunteer(org, **volunteer_fields)
    r = make_request(org, kind=HelpRequest.Kind.RESPITE)  # respite: VOG needed
    if words:
        assert words in _refused(request=r, volunteer=v, by=broker)
    else:
        assert match_propose(request=r, volunteer=v, by=broker).pk


def test_vog_must_last_until_the_last_date_of_a_one_off_request(org, broker, make_volunteer, make_request, frozen_now):
    v = make_volunteer(org, vog_valid_until=TODAY + datetime.timedelta(days=10))
    later = make_request(org, slots="", needs_vog=True, dates=[(TODAY + datetime.timedelta(days=20), T(9), T(10))])
    soon = make_request(org, slots="", needs_vog=True, dates=[(TODAY + datetime.timedelta(days=5), T(9), T(10))])
    assert "VOG" in _refused(request=later, volunteer=v, by=broker)
    assert match_propose(request=soon, volunteer=v, by=broker).pk


@pytest.mark.parametrize(
    ("pause_days", "first_date_days", "weekly", "refused"),
    [
        (7, 14, False, False),  # back before the first date: fine (the engine's rule too)
        (14, 14, False, True),  # paused until that very day
        (20, 14, False, True),
        (7, 14, True, True),  # weekly help starts now
        (-1, 14, True, False),  # the pause is over
    ],
)
def test_a_pause_only_stops_a_proposal_when_it_lasts_until_the_help_starts(
    pause_days, first_date_days, weekly, refused, org, broker, make_volunteer, make_request, frozen_now
):
    day = datetime.timedelta(days=1)
    v = make_volunteer(org, paused_until=TODAY + pause_days * day, max_active_matches=2)
    dates = [(TODAY + first_date_days * day, T(9), T(10)), (TODAY + 30 * day, T(9), T(10))]
    r = make_request(org, slots="tue 14:00-16:00" if weekly else "", dates=[] if weekly else dates)
    if refused:
        assert "pauze tot en met" in _refused(request=r, volunteer=v, by=broker)
    else:
        assert match_propose(request=r, volunteer=v, by=broker).status == Match.Status.PROPOSED
    # The batch commit keeps the same rule.
    r2 = make_request(org, slots="tue 14:00-16:00" if weekly else "", dates=[] if weekly else dates)
    report = match_propose_many(proposals=[NewProposal(r2.pk, v.pk, 0.5, 1.0, ["1,0 km"])], by=broker)
    assert (len(report.skipped) == 1) is refused


def test_other_organisation_is_refused(region, broker, make_volunteer, make_request, frozen_now):
    v_b = make_volunteer(region["org_b"])
    r_a = make_request(region["org_a"])
    assert "andere organisatie" in _refused(request=r_a, volunteer=v_b, by=broker)
    # Scoped to the broker's organisation: a request of B is refused even with a volunteer of B.
    r_b = make_request(region["org_b"])
    assert "niet bij uw organisatie" in _refused(request=r_b, volunteer=v_b, by=broker, organisation=region["org_a"])


def test_an_open_pair_is_not_proposed_twice(org, broker, make_volunteer, make_request, frozen_now):
    v, r = make_volunteer(org, max_active_matches=5), make_request(org)
    match_propose(request=r, volunteer=v, by=broker)
    assert "al voorgesteld" in _refused(request=r, volunteer=v, by=broker)


@pytest.mark.parametrize("status", [Match.Status.DECLINED, Match.Status.CANCELLED])
def test_a_declined_or_cancelled_pair_is_not_proposed_again(
    status, org, broker, make_volunteer, make_request, make_match, frozen_now
):
    v, r = make_volunteer(org), make_request(org)
    make_match(r, v, status)
    assert "eerder afgewezen" in _refused(request=r, volunteer=v, by=broker)


@pytest.mark.parametrize(
    ("capacity", "existing", "refused"),
    [
        (1, [Match.Status.ACTIVE], True),
        (1, [Match.Status.PROPOSED], True),
        (1, [Match.Status.ACCEPTED_BY_VOLUNTEER], True),
        (2, [Match.Status.ACTIVE], False),
        (2, [Match.Status.ACTIVE, Match.Status.PROPOSED], True),
        (1, [Match.Status.ENDED, Match.Status.DECLINED, Match.Status.CANCELLED], False),  # none holds a place
    ],
)
def test_capacity(capacity, existing, refused, org, broker, make_volunteer, make_request, make_match, frozen_now):
    v = make_volunteer(org, max_active_matches=capacity)
    for status in existing:
        make_match(make_request(org), v, status)
    r = make_request(org)
    if refused:
        assert "geen plek meer" in _refused(request=r, volunteer=v, by=broker)
    else:
        assert match_propose(request=r, volunteer=v, by=broker).pk


def test_full_capacity_refuses_the_next_proposal_and_a_cancel_frees_the_place(
    org, broker, make_volunteer, make_request, frozen_now
):
    v = make_volunteer(org, max_active_matches=1)
    first, second = make_request(org), make_request(org)
    match = match_propose(request=first, volunteer=v, by=broker)
    assert "1 van 1 koppelingen" in _refused(request=second, volunteer=v, by=broker)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.CANCELLED)
    assert match_propose(request=second, volunteer=v, by=broker).request == second


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "veel"])
def test_bad_numbers_are_refused(bad, org, broker, make_volunteer, make_request, frozen_now):
    v, r = make_volunteer(org), make_request(org)
    assert "getal" in _refused(request=r, volunteer=v, by=broker, score=bad)


# --- Many at once (a batch run's commit) --------------------------------------------------------


def test_propose_many_respects_capacity_within_the_run(org, broker, make_volunteer, make_request, frozen_now, id_lists):
    busy, free = make_volunteer(org, max_active_matches=1), make_volunteer(org, max_active_matches=2)
    r1, r2, r3, r4 = (make_request(org) for _ in range(4))
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    candidate = Candidate(
        volunteer_id=free.pk, score=0.7, distance_km=1.5, parts={}, reasons=[{"code": "distance", "km": 1.5}]
    )
    result = match_propose_many(
        proposals=[
            NewProposal(r1.pk, busy.pk, 0.9, 1.0, [{"code": "distance", "km": 1.0}]),
            NewProposal(r2.pk, busy.pk, 0.8, 1.0),  # over capacity: skipped
            Proposal(r3.pk, free.pk, candidate),
            {"request": r4.pk, "volunteer": free.pk, "score": 0.5, "distance_km": 2.0, "reasons": []},
        ],
        by=broker,
        batch=run,
    )
    assert [(m.request_id, m.volunteer_id) for m in result.created] == [
        (r1.pk, busy.pk),
        (r3.pk, free.pk),
        (r4.pk, free.pk),
    ]
    assert [(s[0], s[1]) for s in result.skipped] == [(r2.pk, busy.pk)]
    assert "geen plek meer" in result.skipped[0][2]
    assert set(Match.objects.values_list("batch", flat=True)) == {run.pk}
    assert Match.objects.get(request=r3).reasons == [{"code": "distance", "km": 1.5}]
    assert MatchEvent.objects.filter(to_status=Match.Status.PROPOSED).count() == 3


def test_propose_many_skips_what_is_outside_the_batch_organisation_or_gone(
    region, broker, make_volunteer, make_request, frozen_now, id_lists
):
    run = BatchRun.objects.create(organisation=region["org_a"])
    v_b, r_b = make_volunteer(region["org_b"]), make_request(region["org_b"])
    result = match_propose_many(
        proposals=[NewProposal(r_b.pk, v_b.pk), NewProposal(999999, v_b.pk)], by=None, batch=run
    )
    assert result.created == []
    assert ["niet bij uw organisatie" in s[2] or "bestaat niet meer" in s[2] for s in result.skipped] == [True, True]
    assert not Match.objects.exists()


def test_propose_many_writes_the_rows_a_single_proposal_writes(org, broker, make_volunteer, make_request, id_lists):
    """The bulk insert fills every column as match_propose does (and returns saved
    matches equal to what the database holds)."""
    v1, v2 = make_volunteer(org, max_active_matches=2), make_volunteer(org)
    single = match_propose(request=make_request(org), volunteer=v2, by=broker, score=0.5, distance_km=1.0)
    r1, r2 = make_request(org), make_request(org, needs_vog=True)
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    result = match_propose_many(
        proposals=[
            # Sentences (as a match_batch --json file has them) are read back into codes.
            NewProposal(r1.pk, v1.pk, 0.8123, 3.24, ["3,2 km", "Zoë van 't Hof-Özdemir", "x" * 400]),
            NewProposal(r2.pk, v1.pk, None, None, []),
        ],
        by=broker,
        batch=run,
    )
    assert len(result.created) == 2 and not result.skipped
    for made in result.created:
        stored = Match.objects.get(pk=made.pk)
        assert not made._state.adding
        for field in Match._meta.concrete_fields:
            assert getattr(made, field.attname) == getattr(stored, field.attname), field.name
        assert stored.organisation_id == org.pk and stored.batch_id == run.pk and stored.proposed_by == broker
        assert stored.status == Match.Status.PROPOSED and stored.created_at and stored.updated_at
        assert stored.created_at >= single.created_at
        (event,) = MatchEvent.objects.filter(match=stored)
        assert (event.from_status, event.to_status, event.by) == ("", Match.Status.PROPOSED, broker)
        assert (event.code, event.note) == ("from_batch", "") and event.at == stored.created_at
    first = Match.objects.get(request=r1)
    assert (first.score, first.distance_km) == (0.8123, 3.24)
    assert first.reasons == [
        {"code": "distance", "km": 3.2},
        {"code": "text", "text": "Zoë van 't Hof-Özdemir"},
        {"code": "text", "text": "x" * 300},  # cut to MAX_TEXT_LENGTH
    ]
    assert Match.objects.get(request=r2).reasons == []


def test_propose_many_takes_a_fixed_number_of_queries(org, broker, make_volunteer, make_request, id_lists):
    def queries(n):
        pairs = [NewProposal(make_request(org).pk, make_volunteer(org).pk, 0.5, 1.0, ["1,0 km"]) for _ in range(n)]
        with CaptureQueriesContext(connection) as counted:
            match_propose_many(proposals=pairs, by=broker)
        return len(counted.captured_queries)

    assert queries(3) == queries(12)  # no query per pair
    assert Match.objects.count() == 15


# --- Real concurrency (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_brokers_proposing_the_same_volunteer_at_once_create_one_match(
    region, make_volunteer, make_request, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises whole-database writes differently (and the test "
            "database is one in-memory connection); runs in CI's PostgreSQL stage"
        )
    from matches import proposals as services

    # Widen the window between counting and inserting, so that a missing lock shows.
    count_open = services._pair_facts

    def slow_count(*args, **kwargs):
        facts = count_open(*args, **kwargs)
        time.sleep(0.2)
        return facts

    monkeypatch.setattr(services, "_pair_facts", slow_count)
    org = region["org_a"]
    v = make_volunteer(org, max_active_matches=1)
    requests = [make_request(org), make_request(org)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def propose(request):
        try:
            barrier.wait(timeout=10)
            match_propose(request=request, volunteer=v, by=None)
            outcomes.append("created")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(o == "created" for o in outcomes) == [False, True]
    assert Match.objects.filter(volunteer=v, status__in=Match.OPEN_STATES).count() == 1
