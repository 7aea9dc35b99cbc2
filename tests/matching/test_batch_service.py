"""Batch matching services: compute (the contract JSON), commit (proposals become
matches, with skips), runs (start, execute with progress, idempotency) and review."""

from __future__ import annotations

import datetime
import json

import pytest

from caregivers.models import HelpRequest
from common.errors import DomainError
from matches.models import BatchRun, Match, MatchEvent
from matching import services as batch_service
from matching.services import (
    batch_commit,
    batch_compute,
    batch_run_confirm,
    batch_run_execute,
    batch_run_record,
    batch_run_reject,
    batch_run_start,
)
from tests.matching.conftest import NOW

pytestmark = pytest.mark.django_db

# On one east-west line through Arnhem (0.01 degree of longitude is about 0.69 km).
R1_AT = (51.98, 5.91)
V1_AT = (51.98, 5.92)  # 0.7 km from R1, 2.8 km from R2
V2_AT = (51.98, 5.95)  # 2.7 km from R1, 4.8 km from R2 (beyond its 3 km)
R2_AT = (51.98, 5.88)


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def broker(personas):
    return personas["broker_a"]


@pytest.fixture
def tight(org, make_volunteer, make_request, frozen_now):
    """Two requests, two volunteers with one place each. Greedy (nearest first, the
    urgent R1 first) gives R1 its nearest volunteer V1 and strands R2, whom only V1
    can reach; the optimal batch gives R1 V2 and R2 V1."""
    v1 = make_volunteer(org, at=V1_AT, max_distance_km=3, external_id="V-1")
    v2 = make_volunteer(org, at=V2_AT, max_distance_km=3)
    r1 = make_request(org, at=R1_AT, urgency="high", external_id="R-1")
    frozen_now.shift(60)
    r2 = make_request(org, at=R2_AT)
    return {"v1": v1, "v2": v2, "r1": r1, "r2": r2}


def compute(org, **kw):
    return batch_compute(organisation=org, now=NOW, **kw)


def strip_timings(data):
    data = json.loads(json.dumps(data))
    data["stats"].pop("timings")
    return data


# --- compute ---------------------------------------------------------------------------


def test_compute_follows_the_contract_and_beats_greedy(org, tight):
    data = compute(org)
    assert set(data) == {"organisation", "proposals", "unmatched", "stats"}
    assert data["organisation"] == "org-a"
    pairs = {(p["request"], p["volunteer"]) for p in data["proposals"]}
    # External ids where there are some (strings), else the pk (numbers).
    assert pairs == {("R-1", tight["v2"].pk), (tight["r2"].pk, "V-1")}
    for p in data["proposals"]:
        assert set(p) == {"request", "volunteer", "score", "distance_km", "reasons"}
        assert isinstance(p["score"], float) and 0 <= p["score"] <= 1
        assert isinstance(p["distance_km"], float)
        assert p["reasons"] and all(isinstance(r["code"], str) for r in p["reasons"])
    by_request = {p["request"]: p for p in data["proposals"]}
    assert by_request["R-1"]["distance_km"] == pytest.approx(2.7, abs=0.1)
    assert data["unmatched"] == []
    stats = data["stats"]
    assert (stats["matched"], stats["greedy_matched"], stats["requests"]) == (2, 1, 2)
    assert set(stats["timings"]) >= {"load_volunteers_s", "load_requests_s", "assign_s", "total_s"}
    json.dumps(data)  # serialisable as it is


def test_compute_is_deterministic(org, tight):
    assert strip_timings(compute(org)) == strip_timings(compute(org))


def test_compute_with_nothing_ready_gives_empty_lists(org, make_volunteer):
    make_volunteer(org)
    data = compute(org)
    assert (data["proposals"], data["unmatched"]) == ([], [])
    assert data["stats"]["matched"] == 0


def test_compute_reports_progress_in_order(org, tight):
    calls = []
    compute(org, progress=lambda pct, step: calls.append((pct, step)))
    assert [step for _, step in calls] == ["volunteers", "requests", "solve", "result"]
    assert [pct for pct, _ in calls] == sorted(pct for pct, _ in calls)


def test_compute_leaves_out_other_organisations_and_requests_with_an_open_match(
    org, region, tight, make_volunteer, make_request, make_match
):
    make_request(region["org_b"], at=R1_AT)
    make_volunteer(region["org_b"], at=R1_AT)
    make_match(tight["r2"], tight["v1"])  # R2 already has a proposal; V1 is now full
    data = compute(org)
    assert [(p["request"], p["volunteer"]) for p in data["proposals"]] == [("R-1", tight["v2"].pk)]
    assert data["unmatched"] == []
    assert data["stats"]["requests_with_open_match"] == 1


def test_unmatched_requests_are_listed_and_explained(org, make_volunteer, make_request, frozen_now):
    make_volunteer(org, at=V1_AT, max_distance_km=3)
    first = make_request(org, at=R1_AT, urgency="high")
    second = make_request(org, at=R1_AT)  # competes for the only volunteer
    far = make_request(org, at=(52.2, 6.2))
    nowhere = make_request(org, at=None, external_id="NO-ADDR")
    data = compute(org, explain_unmatched=True)
    assert [p["request"] for p in data["proposals"]] == [first.pk]
    assert data["unmatched"] == [second.pk, far.pk, "NO-ADDR"]  # by pk, shown by external id
    assert nowhere.pk > far.pk
    assert data["stats"]["requests_without_location"] == 1
    reasons = {item["request"]: item["reasons"] for item in data["unmatched_reasons"]}
    assert reasons[second.pk] == [{"code": "taken_by_others"}]
    assert reasons[far.pk] == [{"code": "none_nearby", "km": 3.0}]
    assert reasons["NO-ADDR"] == [{"code": "no_location"}]


# --- commit ----------------------------------------------------------------------------


def test_commit_creates_proposed_matches(org, tight, broker, id_lists):
    data = compute(org)
    run = batch_run_record(organisation=org, result=data, by=broker)
    report = batch_commit(organisation=org, result=data, by=broker, batch_run=run)
    assert report.skipped == {}
    matches = Match.objects.filter(batch=run)
    assert {(m.request, m.volunteer) for m in matches} == {
        (tight["r1"], tight["v2"]),
        (tight["r2"], tight["v1"]),
    }
    for m in matches:
        assert m.status == Match.Status.PROPOSED and m.proposed_by == broker and m.reasons
        assert MatchEvent.objects.filter(match=m, to_status=Match.Status.PROPOSED).count() == 1
    assert set(report.created) == {0, 1}


def test_commit_skips_what_no_longer_fits(org, tight, broker, make_volunteer, make_request, make_match, id_lists):
    data = compute(org)
    other = make_request(org, at=V1_AT)
    make_match(other, tight["v1"])  # V1's only place is taken meanwhile
    HelpRequest.objects.filter(pk=tight["r1"].pk).update(status=HelpRequest.Status.WITHDRAWN)
    report = batch_commit(organisation=org, result=data, by=broker)
    assert report.created == {}
    by_request = {data["proposals"][i]["request"]: reason for i, reason in report.skipped.items()}
    assert "niet meer klaar" in by_request["R-1"]
    assert "geen plek meer" in by_request[tight["r2"].pk]
    assert Match.objects.count() == 1


def test_commit_does_not_propose_a_request_twice(org, tight, broker, id_lists):
    data = compute(org)
    first = batch_commit(organisation=org, result=data, by=broker)
    second = batch_commit(organisation=org, result=data, by=broker)
    assert len(first.created) == 2 and second.created == {}
    assert all("al iemand voorgesteld" in reason for reason in second.skipped.values())
    assert Match.objects.count() == 2


def test_commit_of_other_organisations_ids_creates_nothing(region, tight, broker, id_lists):
    data = compute(region["org_a"])
    report = batch_commit(organisation=region["org_b"], result=data, by=broker)
    assert report.created == {} and len(report.skipped) == 2
    assert Match.objects.count() == 0


def test_commit_rejects_a_bad_index_and_a_bad_result(org, tight, broker):
    data = compute(org)
    with pytest.raises(DomainError):
        batch_commit(organisation=org, result=data, by=broker, indexes=[2])
    with pytest.raises(DomainError):
        batch_commit(organisation=org, result={"proposals": "nope"}, by=broker)
    assert Match.objects.count() == 0


# --- runs ------------------------------------------------------------------------------


def test_execute_stores_the_result_and_progress(org, tight, broker, monkeypatch):
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    seen = []
    real_assign = batch_service.assign

    def spying_assign(*args, **kwargs):
        seen.append(BatchRun.objects.values_list("status", "progress", "step").get(pk=run.pk))
        return real_assign(*args, **kwargs)

    monkeypatch.setattr(batch_service, "assign", spying_assign)
    assert batch_run_execute(batch_run_id=run.pk, now=NOW) == BatchRun.Status.DONE
    assert seen == [(BatchRun.Status.RUNNING, 45, "solve")]
    run.refresh_from_db()
    assert (run.status, run.progress, run.step, run.error) == (BatchRun.Status.DONE, 100, "done", "")
    assert run.finished_at is not None
    assert strip_timings(run.result) == strip_timings(compute(org, explain_unmatched=True))


def test_execute_is_idempotent(org, tight, broker, monkeypatch):
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    batch_run_execute(batch_run_id=run.pk, now=NOW)
    run.refresh_from_db()
    calls = []
    monkeypatch.setattr(batch_service, "batch_compute", lambda **kw: calls.append(kw))
    assert batch_run_execute(batch_run_id=run.pk) == BatchRun.Status.DONE
    running = BatchRun.objects.create(organisation=org, status=BatchRun.Status.RUNNING, progress=30)
    assert batch_run_execute(batch_run_id=running.pk) == BatchRun.Status.RUNNING
    assert batch_run_execute(batch_run_id=999_999) == "missing"
    assert calls == []
    running.refresh_from_db()
    assert running.progress == 30
    assert BatchRun.objects.get(pk=run.pk).finished_at == run.finished_at


def test_execute_stores_a_failure(org, broker, monkeypatch):
    def broken(**kw):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(batch_service, "batch_compute", broken)
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    assert batch_run_execute(batch_run_id=run.pk) == BatchRun.Status.FAILED
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "solver exploded" in run.error
    assert run.finished_at is not None and run.result is None


def test_start_sends_the_task_after_commit(org, tight, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = batch_run_start(organisation=org, by=broker)
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == BatchRun.Status.DONE  # eager: computed in process
    assert run.started_by == broker
    assert run.result["stats"]["matched"] == 2
    assert Match.objects.count() == 0  # nothing proposed before a broker confirms


def test_start_refuses_a_second_run_while_one_is_busy(org, broker, django_capture_on_commit_callbacks):
    BatchRun.objects.create(organisation=org, status=BatchRun.Status.RUNNING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError) as info:
        batch_run_start(organisation=org, by=broker)
    assert "loopt al" in info.value.message
    assert callbacks == []
    assert BatchRun.objects.count() == 1


def test_start_gives_up_on_a_lost_run(org, broker, region, django_capture_on_commit_callbacks):
    lost = BatchRun.objects.create(organisation=org, status=BatchRun.Status.RUNNING)
    BatchRun.objects.filter(pk=lost.pk).update(created_at=NOW - datetime.timedelta(hours=2))
    other_org = BatchRun.objects.create(organisation=region["org_b"], status=BatchRun.Status.QUEUED)
    with django_capture_on_commit_callbacks(execute=False):
        batch_run_start(organisation=org, by=broker, now=NOW)
    lost.refresh_from_db()
    other_org.refresh_from_db()
    assert lost.status == BatchRun.Status.FAILED and lost.error
    assert other_org.status == BatchRun.Status.QUEUED


# --- review ----------------------------------------------------------------------------


@pytest.fixture
def done_run(org, tight, broker):
    return batch_run_record(organisation=org, result=compute(org), by=broker)


def test_confirm_one_then_all_skips_what_was_reviewed(done_run, tight, broker, id_lists):
    report = batch_run_confirm(batch_run=done_run, indexes=[0], by=broker)
    assert list(report.created) == [0]
    done_run.refresh_from_db()
    assert done_run.result["review"]["0"]["state"] == "confirmed"
    assert done_run.result["review"]["0"]["match"] == report.created[0].pk
    report = batch_run_confirm(batch_run=done_run, indexes=None, by=broker)
    assert list(report.created) == [1]
    assert report.already == {0: "confirmed"} and report.skipped == {}
    assert Match.objects.filter(batch=done_run).count() == 2


def test_rejected_proposals_are_never_proposed(done_run, broker):
    batch_run_reject(batch_run=done_run, index=1, by=broker)
    report = batch_run_confirm(batch_run=done_run, indexes=None, by=broker)
    assert list(report.created) == [0]
    assert report.already == {1: "rejected"} and report.skipped == {}
    rejected = done_run.result["proposals"][1]
    assert not Match.objects.filter(volunteer__external_id=str(rejected["volunteer"])).exists()
    assert Match.objects.count() == 1
    with pytest.raises(DomainError):
        batch_run_reject(batch_run=done_run, index=1, by=broker)  # already rejected
    with pytest.raises(DomainError):
        batch_run_reject(batch_run=done_run, index=0, by=broker)  # already confirmed


def test_review_needs_a_finished_run_and_an_existing_index(org, broker, done_run):
    queued = BatchRun.objects.create(organisation=org)
    with pytest.raises(DomainError):
        batch_run_confirm(batch_run=queued, indexes=None, by=broker)
    with pytest.raises(DomainError):
        batch_run_reject(batch_run=queued, index=0, by=broker)
    for bad in (-1, 2, True):
        with pytest.raises(DomainError):
            batch_run_confirm(batch_run=done_run, indexes=[bad], by=broker)
        with pytest.raises(DomainError):
            batch_run_reject(batch_run=done_run, index=bad, by=broker)
    assert Match.objects.count() == 0
    done_run.refresh_from_db()
    assert "review" not in done_run.result


def test_a_proposal_that_failed_can_be_tried_again(done_run, tight, broker, make_request, make_match):
    blocker = make_match(make_request(done_run.organisation, at=V1_AT), tight["v1"])
    report = batch_run_confirm(batch_run=done_run, indexes=None, by=broker)
    assert len(report.created) == 1 and len(report.skipped) == 1
    (failed,) = report.skipped
    done_run.refresh_from_db()
    assert done_run.result["review"][str(failed)]["state"] == "failed"
    blocker.status = Match.Status.CANCELLED
    blocker.save()
    report = batch_run_confirm(batch_run=done_run, indexes=[failed], by=broker)
    assert list(report.created) == [failed]


# --- the Celery task -------------------------------------------------------------------


def test_task_is_thin_late_acked_and_eager_here(org, tight, broker, settings):
    from matching import tasks

    assert tasks.batch_run.acks_late is True
    assert settings.CELERY_TASK_ALWAYS_EAGER  # no broker configured in the tests
    run = BatchRun.objects.create(organisation=org, started_by=broker)
    assert tasks.batch_run.delay(run.pk).get() == BatchRun.Status.DONE
    run.refresh_from_db()
    assert (run.status, run.progress, run.step) == (BatchRun.Status.DONE, 100, "done")
    assert run.result["stats"]["matched"] == 2
    # Delivered again (acks_late after a worker crash): nothing is computed twice.
    assert tasks.batch_run.delay(run.pk).get() == BatchRun.Status.DONE
    assert BatchRun.objects.get(pk=run.pk).finished_at == run.finished_at


def test_start_with_the_broker_down_marks_the_run_failed(org, broker, monkeypatch, django_capture_on_commit_callbacks):
    from matching import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.batch_run, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        run = batch_run_start(organisation=org, by=broker)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "broker down" in run.error
    # Not stuck: a new run can be started.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        assert batch_run_start(organisation=org, by=broker).status == BatchRun.Status.QUEUED


def test_a_rejected_pair_does_not_come_back_in_the_next_round(org, done_run, tight, broker):
    """Issue 18.12: a rejection is remembered like a declined proposal."""
    from matches.models import BatchRejection

    rejected = done_run.result["proposals"][0]
    batch_run_reject(batch_run=done_run, index=0, by=broker)
    (row,) = BatchRejection.objects.all()
    assert (row.batch, row.rejected_by) == (done_run, broker)
    pair = (rejected["request"], rejected["volunteer"])
    again = compute(org)
    assert pair not in {(p["request"], p["volunteer"]) for p in again["proposals"]}
    # The request itself is still matched, with the other volunteer.
    assert rejected["request"] in {p["request"] for p in again["proposals"]}


def test_rejections_stored_before_are_remembered_by_the_migration(org, done_run, tight, broker):
    from importlib import import_module

    from django.apps import apps

    from matches.models import BatchRejection

    migration = import_module("matches.migrations.0005_batch_rejection")
    done_run.result = {**done_run.result, "review": {"1": {"state": "rejected"}, "0": {"state": "confirmed"}}}
    done_run.save()
    migration.remember_earlier_rejections(apps, None)
    migration.remember_earlier_rejections(apps, None)  # twice: nothing doubled
    rejected = done_run.result["proposals"][1]
    row = BatchRejection.objects.get()
    assert (row.request.external_id or row.request.pk, row.volunteer.external_id or row.volunteer.pk) == (
        rejected["request"],
        rejected["volunteer"],
    )
