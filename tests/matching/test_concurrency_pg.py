"""Two batch commits at the same moment never over-fill a volunteer nor propose one
request twice: real concurrency, so real PostgreSQL (row locks), two threads with
their own connections released together by a barrier.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_dev \\
        .venv/bin/python -m pytest -p no:xdist tests/matching/test_concurrency_pg.py
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from matches.models import Match
from matching.services import batch_commit, batch_run_confirm, batch_run_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "needs PostgreSQL: SQLite has no row locks (it serialises whole-database writes) and the "
            "test database is one in-memory connection, so two threads cannot race on it"
        ),
    ),
]


@pytest.fixture
def slow_counts(monkeypatch):
    """Widen the window between counting open matches and inserting, so that a missing
    lock would show as two matches."""
    from matches import proposals as services

    count = services._pair_facts

    def slow(*args, **kwargs):
        facts = count(*args, **kwargs)
        time.sleep(0.3)
        return facts

    monkeypatch.setattr(services, "_pair_facts", slow)


def at_once(*jobs):
    """Run the jobs in threads released together; return what each returned (or raised)."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a commit hung (deadlock?)"
    return outcomes


def proposal(request, volunteer):
    return {"request": request.pk, "volunteer": volunteer.pk, "score": 0.5, "distance_km": 1.0, "reasons": ["1,0 km"]}


def test_two_batch_commits_proposing_the_same_full_volunteer_create_one_match(
    region, make_volunteer, make_request, slow_counts, id_lists
):
    org = region["org_a"]
    volunteer = make_volunteer(org, max_active_matches=1)
    r1, r2 = make_request(org), make_request(org)
    # Two different batch results (e.g. two brokers' runs): each gives the volunteer's
    # only place to another request.
    first = {"organisation": org.slug, "proposals": [proposal(r1, volunteer)], "unmatched": [], "stats": {}}
    second = {"organisation": org.slug, "proposals": [proposal(r2, volunteer)], "unmatched": [], "stats": {}}
    outcomes = at_once(
        lambda: batch_commit(organisation=org, result=first, by=None),
        lambda: batch_commit(organisation=org, result=second, by=None),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(len(o.created) for o in outcomes) == [0, 1]
    (skipped,) = [o for o in outcomes if not o.created]
    assert "geen plek meer" in skipped.skipped[0]
    assert Match.objects.filter(volunteer=volunteer, status__in=Match.OPEN_STATES).count() == 1


def test_two_runs_confirmed_at_once_do_not_propose_a_request_twice(
    region, make_volunteer, make_request, slow_counts, id_lists
):
    org = region["org_a"]
    v1, v2 = make_volunteer(org), make_volunteer(org)
    request = make_request(org)
    # Two runs that propose different volunteers for the same request.
    run_a = batch_run_record(
        organisation=org,
        result={"organisation": org.slug, "proposals": [proposal(request, v1)], "unmatched": [], "stats": {}},
        by=None,
    )
    run_b = batch_run_record(
        organisation=org,
        result={"organisation": org.slug, "proposals": [proposal(request, v2)], "unmatched": [], "stats": {}},
        by=None,
    )
    outcomes = at_once(
        lambda: batch_run_confirm(batch_run=run_a, indexes=None, by=None),
        lambda: batch_run_confirm(batch_run=run_b, indexes=None, by=None),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(len(o.created) for o in outcomes) == [0, 1]
    assert Match.objects.filter(request=request, status__in=Match.OPEN_STATES).count() == 1


def test_the_same_run_confirmed_twice_at_once_creates_each_match_once(
    region, make_volunteer, make_request, slow_counts, id_lists
):
    org = region["org_a"]
    volunteers = [make_volunteer(org) for _ in range(3)]
    requests = [make_request(org) for _ in range(3)]
    run = batch_run_record(
        organisation=org,
        result={
            "organisation": org.slug,
            "proposals": [proposal(r, v) for r, v in zip(requests, volunteers, strict=True)],
            "unmatched": [],
            "stats": {},
        },
        by=None,
    )
    outcomes = at_once(
        lambda: batch_run_confirm(batch_run=run, indexes=None, by=None),
        lambda: batch_run_confirm(batch_run=run, indexes=None, by=None),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(len(o.created) for o in outcomes) == [0, 3]
    assert Match.objects.filter(batch=run).count() == 3
    run.refresh_from_db()
    assert {entry["state"] for entry in run.result["review"].values()} == {"confirmed"}
