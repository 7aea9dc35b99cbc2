"""The match lifecycle services (matches/lifecycle.py): every transition allowed or
refused, what the request does, evaluations, hours and the proposal e-mail."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from caregivers.models import HelpRequest, RequestEvent
from common.errors import DomainError
from matches import lifecycle
from matches.lifecycle import (
    hours_approve,
    hours_approve_all,
    hours_log,
    match_accept,
    match_activate,
    match_cancel,
    match_decline,
    match_end,
    match_proposal_mail,
)
from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken
from matches.proposals import match_propose
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW, TODAY
from tests.matching.lifecycle_factories import SECRET_HOUSE_NUMBER, SECRET_POSTCODE

# Fixtures shared by the lifecycle tests.
lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")

STATES = [s.value for s in Match.Status]


def _do(action: str, match: Match, w) -> Match:
    """Run one transition as the person who would normally take it."""
    if action == "accept":
        return match_accept(match=match, by=w.volunteer_user)
    if action == "decline_volunteer":
        return match_decline(match=match, by=w.volunteer_user, side="volunteer", reason="no_time")
    if action == "decline_requester":
        return match_decline(match=match, by=w.requester_user, side="requester", reason="no_click")
    if action == "decline_broker":
        return match_decline(match=match, by=w.broker, side="broker", reason="other", note="Telefonisch afgezegd.")
    if action == "activate":
        return match_activate(match=match, by=w.requester_user)
    if action == "cancel":
        return match_cancel(match=match, by=w.broker, reason="Vrijwilliger verhuist.")
    if action == "end":
        match_end(
            match=match,
            by=w.broker,
            goal_reached="yes",
            volunteer_satisfaction=4,
            requester_satisfaction=5,
            next_step="close",
            note="",
        )
        return match
    raise AssertionError(action)


# Which state each action leads to, from each state; a missing state means "refused".
ALLOWED = {
    "accept": {"proposed": "accepted_by_volunteer"},
    "decline_volunteer": {"proposed": "declined", "accepted_by_volunteer": "declined"},
    "decline_requester": {"accepted_by_volunteer": "declined", "active": "declined"},
    "decline_broker": {"proposed": "declined", "accepted_by_volunteer": "declined", "active": "declined"},
    "activate": {"accepted_by_volunteer": "active"},
    "cancel": {"proposed": "cancelled", "accepted_by_volunteer": "cancelled", "active": "cancelled"},
    "end": {"active": "ended"},
}
CASES = [(action, state) for action in ALLOWED for state in STATES]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_transition_table(world, action, state):
    match = world.match(state)
    request_before = HelpRequest.objects.get(pk=match.request_id).status
    events_before = MatchEvent.objects.filter(match=match).count()
    expected = ALLOWED[action].get(state)
    if expected is None:
        with pytest.raises(DomainError) as info:
            _do(action, match, world)
        assert info.value.message  # a sentence for people, not a code
        match.refresh_from_db()
        assert match.status == state
        assert MatchEvent.objects.filter(match=match).count() == events_before
        assert HelpRequest.objects.get(pk=match.request_id).status == request_before
        assert not Evaluation.objects.filter(match=match).exists()
        return
    _do(action, match, world)
    match.refresh_from_db()
    assert match.status == expected
    event = MatchEvent.objects.filter(match=match).order_by("-pk").first()
    assert (event.from_status, event.to_status) == (state, expected)
    assert event.at is not None
    stamp = {
        "accepted_by_volunteer": "accepted_at",
        "active": "activated_at",
        "declined": "ended_at",
        "cancelled": "ended_at",
        "ended": "ended_at",
    }[expected]
    assert getattr(match, stamp) == NOW


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("accept", "other_volunteer_user"),
        ("accept", "requester_user"),
        ("accept", "broker_b"),
        ("decline_volunteer", "other_volunteer_user"),
        ("decline_requester", "other_requester_user"),
        ("decline_requester", "volunteer_user"),
        ("decline_broker", "volunteer_user"),
        ("activate", "other_requester_user"),
        ("activate", "volunteer_user"),
        ("cancel", "volunteer_user"),
        ("cancel", "broker_b"),
        ("cancel", "municipality"),
        ("end", "requester_user"),
        ("end", "broker_b"),
    ],
)
def test_only_the_right_people_may_act(world, action, who):
    state = {"accept": "proposed", "decline_volunteer": "proposed", "end": "active", "cancel": "active"}.get(
        action, "accepted_by_volunteer"
    )
    match = world.match(state)
    user = getattr(world, who)
    side = {"decline_volunteer": "volunteer", "decline_requester": "requester", "decline_broker": "broker"}
    with pytest.raises(DomainError, match="U mag dit niet doen"):
        if action == "accept":
            match_accept(match=match, by=user)
        elif action in side:
            match_decline(match=match, by=user, side=side[action], reason="no_time")
        elif action == "activate":
            match_activate(match=match, by=user)
        elif action == "cancel":
            match_cancel(match=match, by=user, reason="Waarom niet.")
        else:
            match_end(
                match=match,
                by=user,
                goal_reached="yes",
                volunteer_satisfaction=None,
                requester_satisfaction=None,
                next_step="close",
            )
    match.refresh_from_db()
    assert match.status == state


def test_a_broker_may_record_the_volunteers_yes(world):
    match = world.match("proposed")
    match_accept(match=match, by=world.broker)
    match.refresh_from_db()
    assert match.status == "accepted_by_volunteer"
    assert "makelaar" in match.events.order_by("-pk").first().note_text


def test_activate_matches_the_request_and_cancels_the_other_proposals(world):
    request = world.new_request()
    mine = world.match("accepted_by_volunteer", request=request)
    other = world.match("proposed", request=request, volunteer=world.other_volunteer)
    when = datetime.datetime(2030, 6, 1, 14, 0, tzinfo=lifecycle.AMSTERDAM)
    match_activate(match=mine, by=world.broker, intro_meeting_at=when)
    mine.refresh_from_db()
    other.refresh_from_db()
    request.refresh_from_db()
    assert mine.status == "active" and mine.intro_meeting_at == when
    assert request.status == "matched"
    event = RequestEvent.objects.filter(request=request).latest("pk")
    assert (event.from_status, event.to_status, event.by) == ("ready", "matched", world.broker)
    assert other.status == "cancelled"
    assert "andere vrijwilliger" in other.events.latest("pk").note_text


@pytest.mark.parametrize("request_status", ["withdrawn", "referred", "intake", "matched"])
def test_activate_refuses_when_the_request_moved_on(world, request_status):
    request = world.new_request(status=request_status)
    match = world.match("accepted_by_volunteer", request=request)
    with pytest.raises(DomainError, match="Starten kan alleen"):
        match_activate(match=match, by=world.requester_user)
    match.refresh_from_db()
    assert match.status == "accepted_by_volunteer"
    assert HelpRequest.objects.get(pk=request.pk).status == request_status


def test_intro_meeting_far_away_is_refused(world):
    match = world.match("accepted_by_volunteer")
    with pytest.raises(DomainError, match="binnen een jaar") as info:
        match_activate(match=match, by=world.broker, intro_meeting_at=NOW + datetime.timedelta(days=800))
    assert info.value.field == "intro_meeting_at"
    match.refresh_from_db()
    assert match.status == "accepted_by_volunteer"


def test_requester_stops_an_active_match_request_back_to_ready(world):
    match = world.match("active")
    match_decline(match=match, by=world.requester_user, side="requester", reason="no_click", note="Geen klik.")
    match.refresh_from_db()
    assert (match.status, match.declined_by_side, match.decline_reason) == ("declined", "requester", "no_click")
    assert "hulpvrager" in match.events.latest("pk").note_text and "Geen klik." in match.events.latest("pk").note_text
    request = HelpRequest.objects.get(pk=match.request_id)
    assert request.status == "ready"
    assert RequestEvent.objects.filter(request=request, from_status="matched", to_status="ready").exists()


def test_declining_a_proposal_leaves_the_request_alone(world):
    match = world.match("proposed")
    match_decline(match=match, by=world.volunteer_user, side="volunteer", reason="too_far")
    assert HelpRequest.objects.get(pk=match.request_id).status == "ready"
    assert not RequestEvent.objects.filter(request_id=match.request_id).exists()


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("", "", "Kies een reden"),
        ("bored", "", "Kies een reden"),
        ("other", "", "anders"),
        ("no_time", "x" * 2001, "te lang"),
    ],
)
def test_decline_needs_a_reason(world, reason, note, message):
    match = world.match("proposed")
    with pytest.raises(DomainError, match=message):
        match_decline(match=match, by=world.volunteer_user, side="volunteer", reason=reason, note=note)
    match.refresh_from_db()
    assert match.status == "proposed"


def test_cancel_needs_a_reason(world):
    match = world.match("proposed")
    with pytest.raises(DomainError, match="waarom") as info:
        match_cancel(match=match, by=world.broker, reason="   ")
    assert info.value.field == "reason"
    match.refresh_from_db()
    assert match.status == "proposed"


def test_cancelling_frees_the_place(world):
    world.volunteer.max_active_matches = 1
    world.volunteer.save()
    first = world.match("active")
    second_request = world.new_request()
    with pytest.raises(DomainError, match="geen plek"):
        match_propose(request=second_request, volunteer=world.volunteer, by=world.broker)
    match_cancel(match=first, by=world.broker, reason="Past toch niet.")
    assert HelpRequest.objects.get(pk=first.request_id).status == "ready"
    proposed = match_propose(request=second_request, volunteer=world.volunteer, by=world.broker)
    assert proposed.status == "proposed"


def test_accepting_never_overfills(world):
    """The proposal took the place: accepting and starting keep the count the same."""
    world.volunteer.max_active_matches = 1
    world.volunteer.save()
    match = world.match("proposed")
    match_accept(match=match, by=world.volunteer_user)
    match_activate(match=match, by=world.requester_user)
    open_count = Match.objects.filter(volunteer=world.volunteer, status__in=Match.OPEN_STATES).count()
    assert open_count == 1


# --- End and evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "next_step", "request_status", "outcome"),
    [
        ("yes", "close", "closed", "helped"),
        ("partly", "close", "closed", "partly"),
        ("no", "close", "closed", "not_helped"),
        ("yes", "rematch", "ready", ""),
        ("no", "refer", "intake", ""),
    ],
)
def test_end_with_evaluation(world, goal, next_step, request_status, outcome):
    match = world.match("active")
    evaluation = match_end(
        match=match,
        by=world.broker,
        goal_reached=goal,
        volunteer_satisfaction=4,
        requester_satisfaction=3,
        next_step=next_step,
        note="Ging goed.",
    )
    match.refresh_from_db()
    assert match.status == "ended" and match.ended_at == NOW
    assert evaluation.pk and evaluation.match_id == match.pk and evaluation.by == world.broker
    assert (evaluation.volunteer_satisfaction, evaluation.requester_satisfaction) == (4, 3)
    request = HelpRequest.objects.get(pk=match.request_id)
    assert request.status == request_status
    assert request.outcome == outcome
    event = RequestEvent.objects.filter(request=request).latest("pk")
    assert event.from_status == "matched" and event.to_status == request_status
    if next_step == "refer":
        assert "doorverwijzen" in event.note_text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("volunteer_satisfaction", 6, "1 tot 5"),
        ("requester_satisfaction", 0, "1 tot 5"),
        ("requester_satisfaction", "veel", "1 tot 5"),
        ("volunteer_satisfaction", 2.5, "1 tot 5"),
        ("goal_reached", "maybe", "doel"),
        ("next_step", "party", "verder"),
        ("note", "x" * 2001, "te lang"),
    ],
)
def test_end_refuses_bad_evaluation(world, field, value, message):
    match = world.match("active")
    values = {
        "goal_reached": "yes",
        "volunteer_satisfaction": 4,
        "requester_satisfaction": 4,
        "next_step": "close",
        "note": "",
    }
    values[field] = value
    with pytest.raises(DomainError, match=message) as info:
        match_end(match=match, by=world.broker, **values)
    assert info.value.field == field
    match.refresh_from_db()
    assert match.status == "active"
    assert not Evaluation.objects.exists()
    assert HelpRequest.objects.get(pk=match.request_id).status == "matched"


@pytest.mark.parametrize("state", ["proposed", "accepted_by_volunteer", "ended", "declined", "cancelled"])
def test_evaluation_on_a_match_that_is_not_active(world, state):
    match = world.match(state)
    with pytest.raises(DomainError, match="Alleen een koppeling die loopt"):
        _do("end", match, world)
    assert not Evaluation.objects.filter(match=match).exists()


def test_unknown_satisfaction_is_allowed(world):
    match = world.match("active")
    evaluation = match_end(
        match=match,
        by=world.broker,
        goal_reached="partly",
        volunteer_satisfaction=None,
        requester_satisfaction="",
        next_step="rematch",
    )
    assert evaluation.volunteer_satisfaction is None and evaluation.requester_satisfaction is None


# --- Hours -----------------------------------------------------------------------------


_VOLUNTEER = object()


def _log(world, match, *, date=TODAY, hours="2", by=_VOLUNTEER, note=""):
    by = world.volunteer_user if by is _VOLUNTEER else by
    return hours_log(match=match, by=by, date=date, hours=hours, note=note)


def test_hours_logged_on_an_active_match(world):
    match = world.match("active")
    entry = _log(world, match, hours="1,75", note="Boodschappen")
    assert entry.hours == Decimal("1.75") and entry.date == TODAY and entry.approved_at is None


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "groter is dan 0"),
        ("0", "groter is dan 0"),
        ("25", "24 uur"),
        ("0,3", "kwartier"),
        ("1.1", "kwartier"),
        ("abc", "als getal"),
        ("NaN", "als getal"),
        ("", "als getal"),
    ],
)
def test_bad_hours_are_refused(world, hours, message):
    match = world.match("active")
    with pytest.raises(DomainError, match=message) as info:
        _log(world, match, hours=hours)
    assert info.value.field == "hours"
    assert not HoursEntry.objects.exists()


def test_hours_in_the_future_are_refused(world):
    match = world.match("active")
    with pytest.raises(DomainError, match="toekomst") as info:
        _log(world, match, date=TODAY + datetime.timedelta(days=1))
    assert info.value.field == "date"
    assert not HoursEntry.objects.exists()


def test_hours_at_late_evening_use_amsterdam_date(world):
    """At 23:30 in Amsterdam (21:30 UTC) "today" is the Amsterdam date."""
    match = world.match("active")
    late = datetime.datetime(2030, 6, 3, 23, 30, tzinfo=lifecycle.AMSTERDAM)
    with time_machine.travel(late, tick=False):
        assert _log(world, match, date=datetime.date(2030, 6, 3)).date == datetime.date(2030, 6, 3)
        with pytest.raises(DomainError, match="toekomst"):
            _log(world, match, date=datetime.date(2030, 6, 4))


def test_hours_before_the_match_started_are_refused(world):
    match = world.match("active")  # accepted 10 days ago
    with pytest.raises(DomainError, match="vóór het begin"):
        _log(world, match, date=TODAY - datetime.timedelta(days=11))
    assert _log(world, match, date=TODAY - datetime.timedelta(days=10)).pk


@pytest.mark.parametrize("state", ["proposed", "accepted_by_volunteer", "declined", "cancelled"])
def test_hours_on_a_match_that_is_not_active(world, state):
    match = world.match(state)
    with pytest.raises(DomainError, match="koppeling die loopt"):
        _log(world, match)
    assert not HoursEntry.objects.exists()


def test_hours_after_the_end_within_30_days_only(world):
    recent = world.match(
        "ended",
        accepted_at=NOW - datetime.timedelta(days=60),
        ended_at=NOW - datetime.timedelta(days=30),
    )
    assert _log(world, recent, date=TODAY - datetime.timedelta(days=31)).pk
    with pytest.raises(DomainError, match="na het einde"):
        _log(world, recent, date=TODAY - datetime.timedelta(days=29))
    old = world.match(
        "ended",
        accepted_at=NOW - datetime.timedelta(days=90),
        ended_at=NOW - datetime.timedelta(days=31),
    )
    with pytest.raises(DomainError, match="30 dagen"):
        _log(world, old, date=TODAY - datetime.timedelta(days=40))


def test_at_most_24_hours_a_day_over_all_matches(world):
    first, second = world.match("active"), world.match("active")
    _log(world, first, hours="20")
    with pytest.raises(DomainError, match="al 20 uur"):
        _log(world, second, hours="4,25")
    assert _log(world, second, hours="4").pk
    assert HoursEntry.objects.count() == 2


def test_only_the_matchs_volunteer_logs_hours(world):
    match = world.match("active")
    for user in (world.other_volunteer_user, world.broker, world.requester_user, None):
        with pytest.raises(DomainError, match="Alleen de vrijwilliger"):
            _log(world, match, by=user)
    assert not HoursEntry.objects.exists()


def test_hours_approval(world):
    match = world.match("active")
    entry = _log(world, match)
    with pytest.raises(DomainError, match="makelaar van deze organisatie"):
        hours_approve(entry=entry, by=world.broker_b)
    with pytest.raises(DomainError, match="makelaar van deze organisatie"):
        hours_approve(entry=entry, by=world.volunteer_user)
    hours_approve(entry=entry, by=world.broker)
    entry.refresh_from_db()
    assert entry.approved_by == world.broker and entry.approved_at == NOW
    with pytest.raises(DomainError, match="al goedgekeurd"):
        hours_approve(entry=entry, by=world.admin)


def test_approve_all_pending(world):
    one, two = world.match("active"), world.match("active")
    _log(world, one, hours="1")
    _log(world, one, hours="2", date=TODAY - datetime.timedelta(days=1))
    _log(world, two, hours="3")
    assert hours_approve_all(organisation=world.org, by=world.broker, match=one) == 2
    assert HoursEntry.objects.filter(approved_at__isnull=True).count() == 1
    assert hours_approve_all(organisation=world.org, by=world.broker) == 1
    with pytest.raises(DomainError):
        hours_approve_all(organisation=world.org, by=world.broker_b)


# --- Proposal e-mail ---------------------------------------------------------------


def test_proposal_mail_is_sent_after_commit_with_two_links(world, django_capture_on_commit_callbacks):
    match = world.match("proposed")
    # Free text may say something about someone's health: behind the link, not in the mail.
    HelpRequest.objects.filter(pk=match.request_id).update(description="Gerrit heeft dementie en valt vaak.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        secrets_ = match_proposal_mail(match=match, request_factory_or_base_url="https://bm.example/")
        assert len(mail.outbox) == 0  # not before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.volunteer.email]
    assert "Wilt u helpen?" in message.subject
    accept_url = f"https://bm.example/koppelingen/link/accept/{secrets_['accept']}/"
    decline_url = f"https://bm.example/koppelingen/link/decline/{secrets_['decline']}/"
    assert accept_url in message.body and decline_url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and accept_url in html
    # Nothing private of the requester in the mail.
    for private in (SECRET_POSTCODE, SECRET_HOUSE_NUMBER, match.request.requester_last_name, "dementie"):
        assert private not in message.body and private not in html
    # Only hashes are stored.
    hashes = set(MatchLinkToken.objects.filter(match=match).values_list("token_hash", flat=True))
    assert hashes == {hashlib.sha256(s.encode()).hexdigest() for s in secrets_.values()}


def test_proposal_mail_prefers_site_url(world, settings, django_capture_on_commit_callbacks, rf):
    settings.SITE_URL = "https://buurt.example"
    match = world.match("proposed")
    with django_capture_on_commit_callbacks(execute=True):
        match_proposal_mail(match=match, request_factory_or_base_url=rf.get("/"))
    assert "https://buurt.example/koppelingen/link/accept/" in mail.outbox[0].body


def test_proposal_mail_uses_the_request_host(world, settings, django_capture_on_commit_callbacks, rf):
    settings.SITE_URL = ""
    match = world.match("proposed")
    with django_capture_on_commit_callbacks(execute=True):
        match_proposal_mail(match=match, request_factory_or_base_url=rf.get("/", HTTP_HOST="testserver"))
    assert "http://testserver/koppelingen/link/accept/" in mail.outbox[0].body


def test_proposal_mail_without_address_sends_nothing(world, django_capture_on_commit_callbacks):
    world.volunteer.email = ""
    world.volunteer.save()
    world.volunteer_user.email = ""
    world.volunteer_user.save()
    match = world.match("proposed")
    with django_capture_on_commit_callbacks(execute=True):
        assert match_proposal_mail(match=match, request_factory_or_base_url="https://bm.example") is None
    assert mail.outbox == []
    assert not MatchLinkToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_requester_agrees_while_broker_cancels_one_wins_consistently(world, monkeypatch):
    """Real concurrency (PostgreSQL): the request row is locked first, so the request
    and the match always agree."""
    import threading
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite tests run on one in-memory connection")
    lock = lifecycle._lock

    def slow_lock(match):
        locked = lock(match)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(lifecycle, "_lock", slow_lock)
    match = world.match("accepted_by_volunteer")
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = job()
        except Exception as error:  # noqa: BLE001
            outcomes[i] = error
        finally:
            connection.close()

    jobs = [
        lambda: match_activate(match=Match.objects.get(pk=match.pk), by=world.requester_user),
        lambda: match_cancel(match=Match.objects.get(pk=match.pk), by=world.broker, reason="Gaat niet door."),
    ]
    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    match.refresh_from_db()
    request = HelpRequest.objects.get(pk=match.request_id)
    # Whoever went first, the cancel wins in the end (it may cancel a match that just
    # started); the request agrees with the match, and its history with what happened.
    assert (match.status, request.status) == ("cancelled", "ready")
    activated = isinstance(outcomes[0], Match)
    assert isinstance(outcomes[1], Match)
    assert activated or "Dit voorstel is intussen ingetrokken" in outcomes[0].message
    to_matched = RequestEvent.objects.filter(request=request, to_status="matched").count()
    back_to_ready = RequestEvent.objects.filter(request=request, from_status="matched", to_status="ready").count()
    assert to_matched == back_to_ready == (1 if activated else 0)


def test_proposal_mail_subject_is_plain_text(world, django_capture_on_commit_callbacks):
    request = world.new_request(neighbourhood=None, place="'s-Heerenberg")
    match = world.match("proposed", request=request)
    with django_capture_on_commit_callbacks(execute=True):
        match_proposal_mail(match=match, request_factory_or_base_url="https://bm.example")
    assert mail.outbox[0].subject == "Wilt u helpen? Praktische hulp in 's-Heerenberg"
