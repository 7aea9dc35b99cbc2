"""The broker's batch matching pages: start, progress, review (confirm, reject), list;
bad input and permissions."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from caregivers.models import HelpRequest
from matches.models import BatchRun, Match
from matches.reasons import reasons_text
from matching.services import batch_compute, batch_run_record
from tests.login import log_in
from tests.matching.conftest import NOW

pytestmark = pytest.mark.django_db

R1_AT, V1_AT, V2_AT, R2_AT = (51.98, 5.91), (51.98, 5.92), (51.98, 5.95), (51.98, 5.88)


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def broker(personas):
    return personas["broker_a"]


@pytest.fixture
def tight(org, make_volunteer, make_request, frozen_now):
    """Greedy would match 1 of these 2 requests, the batch matches both (see
    test_batch_service.tight)."""
    v1 = make_volunteer(org, at=V1_AT, max_distance_km=3, first_name="Vincent", last_name="Één")
    v2 = make_volunteer(org, at=V2_AT, max_distance_km=3, first_name="Zoë", last_name="van 't Hof-Özdemir")
    r1 = make_request(org, at=R1_AT, urgency="high", requester_first_name="Riet")
    frozen_now.shift(60)
    r2 = make_request(org, at=R2_AT, requester_first_name="Ruud")
    return {"v1": v1, "v2": v2, "r1": r1, "r2": r2}


@pytest.fixture
def done_run(org, tight, broker):
    run = batch_run_record(
        organisation=org, result=batch_compute(organisation=org, now=NOW, explain_unmatched=True), by=broker
    )
    return run


def url(name, run=None, slug="org-a"):
    args = [slug] if run is None else [slug, run.pk]
    return reverse(f"matching_batch:{name}", args=args)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def index_of(run, request_obj):
    keys = [p["request"] for p in run.result["proposals"]]
    return keys.index(request_obj.external_id or request_obj.pk)


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["broker_b", "volunteer", "mantelzorger", "municipality", "nobody"])
def test_others_get_404_everywhere(client, personas, done_run, who):
    log_in(client, personas[who])
    for name, run in [("list", None), ("detail", done_run), ("progress", done_run)]:
        assert client.get(url(name, run)).status_code == 404
    for name, run in [("start", None), ("confirm", done_run), ("reject", done_run)]:
        assert client.post(url(name, run), {"index": "0"}).status_code == 404
    assert Match.objects.count() == 0 and BatchRun.objects.count() == 1


def test_anonymous_is_sent_to_login(client, done_run):
    for name, run in [("list", None), ("detail", done_run)]:
        response = client.get(url(name, run))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post(url("confirm", done_run), {"index": "all"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert Match.objects.count() == 0


def test_a_run_of_another_organisation_is_404(client, personas, region, done_run):
    other = BatchRun.objects.create(organisation=region["org_b"], status=BatchRun.Status.DONE, result=done_run.result)
    log_in(client, personas["broker_a"])
    assert client.get(url("detail", other)).status_code == 404
    assert client.get(url("progress", other)).status_code == 404
    assert client.post(url("confirm", other), {"index": "all"}).status_code == 404
    assert client.post(url("reject", other), {"index": "0"}).status_code == 404
    assert Match.objects.count() == 0


# --- list and start --------------------------------------------------------------------


def test_list_shows_recent_runs_and_the_start_button(client, personas, done_run, region):
    BatchRun.objects.create(organisation=region["org_b"], status=BatchRun.Status.DONE)
    log_in(client, personas["admin_a"])
    response = client.get(url("list"))
    assert response.status_code == 200
    assert list(response.context["runs"]) == [done_run]
    body = response.content.decode()
    assert "Koppelronde starten" in body
    assert "2 van 2" in body
    assert "Er staan nu 2 vragen klaar om te koppelen." in body


def test_start_runs_and_shows_the_result(client, broker, tight, django_capture_on_commit_callbacks):
    log_in(client, broker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("start"))
    run = BatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", run)
    assert (run.status, run.started_by) == (BatchRun.Status.DONE, broker)
    assert Match.objects.count() == 0  # only proposals to review
    assert "De koppelronde is gestart." in texts(response)


def test_start_refuses_while_a_run_is_busy(client, broker, org, django_capture_on_commit_callbacks):
    BatchRun.objects.create(organisation=org, status=BatchRun.Status.QUEUED)
    log_in(client, broker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("start"))
    assert response.status_code == 302 and response["Location"] == url("list")
    assert BatchRun.objects.count() == 1
    assert any("loopt al een koppelronde" in t for t in texts(response))
    page = client.get(url("list")).content.decode()
    assert "Koppelronde starten" not in page


def test_start_needs_post(client, broker):
    log_in(client, broker)
    assert client.get(url("start")).status_code == 405
    assert BatchRun.objects.count() == 0


# --- progress --------------------------------------------------------------------------


def test_a_busy_run_shows_progress_that_polls(client, broker, org):
    run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.RUNNING, progress=45, step="solve")
    log_in(client, broker)
    body = client.get(url("detail", run)).content.decode()
    assert f'hx-get="{url("progress", run)}"' in body
    assert 'hx-trigger="every 1s"' in body
    assert '<progress id="batch-progress-bar" max="100" value="45">' in body
    assert "Beste verdeling berekenen" in body
    assert '<noscript><meta http-equiv="refresh"' in body  # works without JavaScript
    assert f'href="{url("detail", run)}"' in body

    fragment = client.get(url("progress", run), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'value="45"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_progress_of_a_finished_run_reloads_the_page(client, broker, done_run):
    log_in(client, broker)
    response = client.get(url("progress", done_run), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    response = client.get(url("progress", done_run))
    assert response.status_code == 302 and response["Location"] == url("detail", done_run)


def test_a_failed_run_says_so(client, broker, org):
    run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.FAILED, error="RuntimeError: boom")
    log_in(client, broker)
    body = client.get(url("detail", run)).content.decode()
    assert "Deze koppelronde is mislukt." in body and "RuntimeError: boom" in body
    assert "Bevestigen" not in body


# --- review ----------------------------------------------------------------------------


def test_detail_shows_the_proposals_and_the_greedy_comparison(
    client, broker, done_run, tight, django_assert_max_num_queries
):
    log_in(client, broker)
    with django_assert_max_num_queries(12):
        response = client.get(url("detail", done_run))
    body = response.content.decode()
    assert "Deze ronde koppelt 2 vragen; een eenvoudige dichtstbijzijnde-eerst-aanpak zou er 1 koppelen." in body
    assert "Riet" in body and "Ruud" in body
    assert "Zoë van &#x27;t Hof-Özdemir" in body
    assert "2,7 km" in body  # Dutch decimal comma
    assert body.count(">Bevestigen<") == 2 and body.count(">Afwijzen<") == 2
    assert "Alles bevestigen (2 voorstellen)" in body
    assert reverse("caregivers_broker:detail", args=["org-a", tight["r1"].pk]) in body
    for reason in reasons_text(done_run.result["proposals"][0]["reasons"]):
        assert reason.replace("'", "&#x27;") in body
    assert "beschikbaar di " in body


def test_detail_lists_unmatched_requests_with_why(client, broker, org, make_volunteer, make_request, frozen_now):
    make_volunteer(org, at=V1_AT, max_distance_km=3)
    far = make_request(org, at=(52.2, 6.2), requester_first_name="Verre")
    run = batch_run_record(
        organisation=org, result=batch_compute(organisation=org, now=NOW, explain_unmatched=True), by=None
    )
    log_in(client, broker)
    body = client.get(url("detail", run)).content.decode()
    assert "Vragen zonder koppeling" in body
    assert reverse("caregivers_broker:detail", args=["org-a", far.pk]) in body
    assert "Geen vrijwilligers in de buurt" in body
    assert "Deze ronde heeft geen voorstellen gedaan." in body


def test_confirm_one(client, broker, done_run, tight):
    log_in(client, broker)
    i = index_of(done_run, tight["r2"])
    response = client.post(url("confirm", done_run), {"index": str(i)})
    assert response.status_code == 302 and response["Location"].startswith(url("detail", done_run))
    match = Match.objects.get()
    assert (match.request, match.volunteer, match.status, match.batch) == (
        tight["r2"],
        tight["v1"],
        Match.Status.PROPOSED,
        done_run,
    )
    assert match.proposed_by == broker
    assert any("1 voorstel bevestigd" in t for t in texts(response))
    body = client.get(url("detail", done_run)).content.decode()
    assert "bevestigd" in body and body.count(">Bevestigen<") == 1


def test_confirm_all_then_again(client, broker, done_run):
    log_in(client, broker)
    response = client.post(url("confirm", done_run), {"index": "all"})
    assert Match.objects.filter(batch=done_run).count() == 2
    assert any("2 voorstellen bevestigd" in t for t in texts(response))
    response = client.post(url("confirm", done_run), {"index": "all"})
    assert Match.objects.count() == 2
    # Issue 18.4: what was confirmed before is said as such, not as a failure.
    assert "2 voorstellen waren al bevestigd." in texts(response)
    assert not any("niet bevestigd" in t for t in texts(response))


def test_confirm_all_after_a_rejection_reports_no_failure(client, broker, done_run):
    log_in(client, broker)
    client.post(url("reject", done_run), {"index": "1"})
    client.post(url("confirm", done_run), {"index": "0"})
    response = client.post(url("confirm", done_run), {"index": "all"})
    assert {"1 voorstel was al bevestigd.", "1 voorstel had u afgewezen. Dat blijft zo."} <= set(texts(response))
    assert not any("niet bevestigd" in t for t in texts(response))
    assert Match.objects.filter(batch=done_run).count() == 1


def test_the_page_says_that_confirming_sends_the_mail(client, broker, done_run):
    log_in(client, broker)
    body = client.get(url("detail", done_run)).content.decode()
    assert "krijgt de vrijwilliger meteen een e-mail" in body
    assert "Er gaat nog geen bericht naar de vrijwilliger" not in body


@pytest.mark.parametrize("bad", ["", "abc", "-1", "2", "99999999999999", "1.0", " "])
def test_confirm_bad_input_creates_nothing(client, broker, done_run, bad):
    log_in(client, broker)
    response = client.post(url("confirm", done_run), {"index": bad})
    assert response.status_code == 302
    assert Match.objects.count() == 0
    assert texts(response) and all(("voorstel" in t.lower()) for t in texts(response))


def test_confirm_a_rejected_proposal_creates_nothing(client, broker, done_run):
    log_in(client, broker)
    response = client.post(url("reject", done_run), {"index": "0"})
    assert any("afgewezen" in t for t in texts(response))
    done_run.refresh_from_db()
    assert done_run.result["review"]["0"]["state"] == "rejected"
    response = client.post(url("confirm", done_run), {"index": "0"})
    assert Match.objects.count() == 0
    assert any("afgewezen" in t for t in texts(response))
    body = client.get(url("detail", done_run)).content.decode()
    assert body.count(">Bevestigen<") == 1  # only the other one is still open


def test_confirm_when_the_volunteer_got_full_meanwhile(client, broker, done_run, tight, make_request, make_match):
    make_match(make_request(done_run.organisation, at=V1_AT), tight["v1"])
    log_in(client, broker)
    i = index_of(done_run, tight["r2"])  # R2 was proposed V1
    response = client.post(url("confirm", done_run), {"index": str(i)})
    assert not Match.objects.filter(request=tight["r2"]).exists()
    assert any("geen plek meer" in t for t in texts(response))
    body = client.get(url("detail", done_run)).content.decode()
    assert "lukte niet" in body


def test_confirm_when_the_request_is_no_longer_ready(client, broker, done_run, tight):
    HelpRequest.objects.filter(pk=tight["r1"].pk).update(status=HelpRequest.Status.WITHDRAWN)
    log_in(client, broker)
    response = client.post(url("confirm", done_run), {"index": str(index_of(done_run, tight["r1"]))})
    assert Match.objects.count() == 0
    assert any("niet meer klaar" in t for t in texts(response))


def test_confirm_or_reject_a_run_that_is_not_done(client, broker, org):
    run = BatchRun.objects.create(organisation=org, status=BatchRun.Status.RUNNING)
    log_in(client, broker)
    for name in ("confirm", "reject"):
        response = client.post(url(name, run), {"index": "0"})
        assert response.status_code == 302
        assert any("nog niet klaar" in t for t in texts(response))
    assert Match.objects.count() == 0


@pytest.mark.parametrize("bad", ["", "x", "2", "all"])
def test_reject_bad_input(client, broker, done_run, bad):
    log_in(client, broker)
    response = client.post(url("reject", done_run), {"index": bad})
    assert response.status_code == 302
    assert texts(response)
    done_run.refresh_from_db()
    assert "review" not in done_run.result


def test_reject_a_confirmed_proposal_is_refused(client, broker, done_run):
    log_in(client, broker)
    client.post(url("confirm", done_run), {"index": "0"})
    response = client.post(url("reject", done_run), {"index": "0"})
    assert any("al bevestigd" in t for t in texts(response))
    done_run.refresh_from_db()
    assert done_run.result["review"]["0"]["state"] == "confirmed"
    assert Match.objects.count() == 1


def test_in_english_the_proposals_and_why_not_read_in_english(
    client, broker, org, tight, make_volunteer, make_request, in_english
):
    """A run stores codes, so it reads in the language of whoever reviews it."""
    far = make_request(org, at=(52.2, 6.2), requester_first_name="Verre")
    nowhere = make_request(org, at=None, requester_first_name="Nergens")
    run = batch_run_record(
        organisation=org, result=batch_compute(organisation=org, now=NOW, explain_unmatched=True), by=broker
    )
    log_in(client, broker)
    body = client.get(url("detail", run)).content.decode()
    assert reverse("caregivers_broker:detail", args=["org-a", far.pk]) in body
    assert reverse("caregivers_broker:detail", args=["org-a", nowhere.pk]) in body
    assert "available Tue 13:00-17:00" in body and "no matches yet" in body
    assert "No volunteers nearby (within" in body
    assert "This request has no address we can find on the map." in body
    for dutch in ("beschikbaar di", "nog geen koppelingen", "Geen vrijwilligers in de buurt", "geen adres"):
        assert dutch not in body


def test_why_a_proposal_failed_is_stored_as_a_code_and_read_in_the_readers_language(
    client, broker, done_run, tight, make_request, make_match
):
    """Issue 18.5: the "lukte niet" line is a code with parameters, rendered at display time."""
    from tests.matching.test_batch_service import V1_AT

    make_match(make_request(done_run.organisation, at=V1_AT), tight["v1"])  # V1 is now full
    log_in(client, broker)
    client.post(url("confirm", done_run), {"index": "all"})
    done_run.refresh_from_db()
    (failed,) = [e for e in done_run.result["review"].values() if e["state"] == "failed"]
    assert failed["reason"] == {"code": "volunteer_full", "count": 1, "max": 1}  # no name, no sentence
    dutch = client.get(url("detail", done_run)).content.decode()
    assert "heeft al 1 van 1 koppelingen. Er is geen plek meer." in dutch
    client.cookies["django_language"] = "en"
    try:
        english = client.get(url("detail", done_run)).content.decode()
    finally:
        translation.activate("nl")  # the request left English active in this thread
    assert "Er is geen plek meer" not in english
    assert "already has 1 of 1 matches." in english


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deze hulpvraag bestaat niet meer.", {"code": "request_gone"}),
        ("Zoë van 't Hof heeft pauze tot en met 03-06-2030.", {"code": "volunteer_paused", "day": "2030-06-03"}),
        (
            "Vera Jansen heeft al 2 van 2 koppelingen. Er is geen plek meer.",
            {"code": "volunteer_full", "count": 2, "max": 2},
        ),
        ("Iets anders.", {"code": "text", "text": "Iets anders."}),
    ],
)
def test_the_migration_turns_stored_sentences_into_codes(text, expected):
    from importlib import import_module

    migration = import_module("matches.migrations.0006_batch_review_reasons_as_codes")
    assert migration.reason_code(text) == expected
