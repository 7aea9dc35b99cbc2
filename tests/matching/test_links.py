"""Single-use e-mail links: the services and the page (GET confirms, POST acts)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from matches.lifecycle import LinkError, match_cancel, match_link_check, match_link_use
from matches.links import match_link_create
from matches.models import Match, MatchEvent, MatchLinkToken
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW
from tests.matching.lifecycle_factories import SECRET_HOUSE_NUMBER, SECRET_PHONE, SECRET_POSTCODE

# Fixtures shared by the lifecycle tests.
lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")


def link_url(purpose: str, secret: str) -> str:
    return reverse("matching_people:link", kwargs={"purpose": purpose, "secret": secret})


def _status(match: Match) -> str:
    return Match.objects.values_list("status", flat=True).get(pk=match.pk)


# --- Services ------------------------------------------------------------------------


def test_accept_by_link_marks_all_links_of_the_match_used(world):
    match = world.match("proposed")
    accept = match_link_create(match=match, purpose="accept")
    decline = match_link_create(match=match, purpose="decline")
    assert match_link_use(secret=accept, purpose="accept").pk == match.pk
    assert _status(match) == "accepted_by_volunteer"
    event = match.events.latest("pk")
    assert event.by == world.volunteer_user and "link" in event.note_text
    assert not MatchLinkToken.objects.filter(match=match, used_at__isnull=True).exists()
    with pytest.raises(LinkError, match="al gebruikt"):
        match_link_use(secret=decline, purpose="decline", reason="no_time")
    assert _status(match) == "accepted_by_volunteer"


def test_reused_link(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    match_link_use(secret=secret, purpose="accept")
    events = MatchEvent.objects.filter(match=match).count()
    with pytest.raises(LinkError, match="al gebruikt") as info:
        match_link_use(secret=secret, purpose="accept")
    assert info.value.status == 410
    assert MatchEvent.objects.filter(match=match).count() == events


def test_expired_link(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept", days=7)
    later = NOW + datetime.timedelta(days=7, seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(LinkError, match="verlopen") as info:
        match_link_use(secret=secret, purpose="accept")
    assert info.value.status == 410
    assert _status(match) == "proposed"
    assert MatchLinkToken.objects.get(match=match).used_at is None
    # Just before the end it still works.
    with time_machine.travel(NOW + datetime.timedelta(days=6, hours=23), tick=False):
        match_link_use(secret=secret, purpose="accept")
    assert _status(match) == "accepted_by_volunteer"


@pytest.mark.parametrize(
    "secret",
    ["x" * 43, "short", "a" * 101, "../../etc/passwd", "ééééééééééééééééééééééé", ""],
)
def test_unknown_link(world, secret):
    world.match("proposed")
    with pytest.raises(LinkError, match="kennen we niet") as info:
        match_link_use(secret=secret, purpose="accept")
    assert info.value.status == 404


def test_a_link_only_works_for_its_own_purpose(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="decline")
    with pytest.raises(LinkError, match="kennen we niet"):
        match_link_use(secret=secret, purpose="accept")
    assert _status(match) == "proposed"


def test_proposal_cancelled_meanwhile(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    match_cancel(match=match, by=world.broker, reason="Vraag is vervallen.")
    events = MatchEvent.objects.filter(match=match).count()
    with pytest.raises(LinkError, match="intussen ingetrokken") as info:
        match_link_use(secret=secret, purpose="accept")
    assert info.value.status == 409
    assert _status(match) == "cancelled"
    assert MatchEvent.objects.filter(match=match).count() == events
    with pytest.raises(LinkError, match="intussen ingetrokken"):
        match_link_check(secret=secret, purpose="accept")


def test_decline_by_link_needs_a_reason(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="decline")
    with pytest.raises(Exception, match="anders"):
        match_link_use(secret=secret, purpose="decline", reason="other", note="")
    assert MatchLinkToken.objects.get(match=match).used_at is None
    match_link_use(secret=secret, purpose="decline", reason="too_far")
    match.refresh_from_db()
    assert (match.status, match.declined_by_side, match.decline_reason) == ("declined", "volunteer", "too_far")


def test_only_the_hash_is_stored(world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    token = MatchLinkToken.objects.get(match=match)
    assert secret not in token.token_hash and len(token.token_hash) == 64
    assert token.expires_at == NOW + datetime.timedelta(days=7)


def test_link_create_refuses_bad_input(world):
    match = world.match("proposed")
    with pytest.raises(Exception, match="Onbekend"):
        match_link_create(match=match, purpose="hack")
    with pytest.raises(Exception, match="60 dagen"):
        match_link_create(match=match, purpose="accept", days=0)
    assert not MatchLinkToken.objects.exists()


# --- Page --------------------------------------------------------------------------------


def test_get_shows_the_proposal_and_changes_nothing(client, world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    response = client.get(link_url("accept", secret))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ja, ik help graag" in body and "Soort hulp" in body and "Centrum" in body
    assert "2,4 km" in body
    # The requester's own words wait until the volunteer logs in (issue #13, point 7).
    assert "supermarkt om de hoek" not in body and "Log in" in body
    for private in (SECRET_POSTCODE, SECRET_HOUSE_NUMBER, SECRET_PHONE, "Özdemir", "Maria"):
        assert private not in body
    assert response["Referrer-Policy"] == "same-origin"
    assert _status(match) == "proposed"
    assert MatchLinkToken.objects.get(match=match).used_at is None


@pytest.mark.parametrize(("who", "sees"), [("volunteer_user", True), ("other_volunteer_user", False)])
def test_the_requesters_words_show_only_to_the_logged_in_volunteer_of_the_match(client, world, who, sees):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    log_in(client, getattr(world, who))
    body = client.get(link_url("accept", secret)).content.decode()
    assert ("supermarkt om de hoek" in body) is sees


def test_post_accepts_without_login(client, world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    response = client.post(link_url("accept", secret))
    assert response.status_code == 200
    assert "U zei ja" in response.content.decode()
    assert _status(match) == "accepted_by_volunteer"
    # Second time: used.
    again = client.post(link_url("accept", secret))
    assert again.status_code == 410
    assert "al gebruikt" in again.content.decode()
    assert client.get(link_url("accept", secret)).status_code == 410


def test_post_decline_asks_a_reason(client, world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="decline")
    page = client.get(link_url("decline", secret))
    assert page.status_code == 200 and "Waarom past het niet?" in page.content.decode()
    missing = client.post(link_url("decline", secret), {"reason": ""})
    assert missing.status_code == 400
    assert "Kies een reden." in missing.content.decode()
    other = client.post(link_url("decline", secret), {"reason": "other", "note": ""})
    assert other.status_code == 400 and "anders" in other.content.decode()
    assert _status(match) == "proposed"
    assert MatchLinkToken.objects.get(match=match).used_at is None
    done = client.post(link_url("decline", secret), {"reason": "not_my_thing", "note": "Liever buiten."})
    assert done.status_code == 200
    match.refresh_from_db()
    assert match.status == "declined" and match.decline_reason == "not_my_thing"
    assert "Liever buiten." in match.events.latest("pk").note_text


def test_expired_link_page(client, world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept", days=1)
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        response = client.post(link_url("accept", secret))
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert _status(match) == "proposed"


def test_unknown_link_page(client, world):
    response = client.get(link_url("accept", "A" * 43))
    assert response.status_code == 404
    assert "kennen we niet" in response.content.decode()
    assert client.get(link_url("hack", "A" * 43)).status_code == 404


def test_cancelled_meanwhile_page(client, world):
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    match_cancel(match=match, by=world.broker, reason="Vervallen.")
    response = client.post(link_url("accept", secret))
    assert response.status_code == 409
    assert "intussen ingetrokken" in response.content.decode()
    assert _status(match) == "cancelled"


# --- Real concurrency (PostgreSQL only) ------------------------------------------------


def _at_once(*jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    import threading

    from django.db import connection

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
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "hung (deadlock?)"
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_one_link_clicked_twice_at_the_same_moment_acts_once(world, monkeypatch):
    import time

    from django.db import connection

    from matches import lifecycle

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite tests run on one in-memory connection")
    lock = lifecycle._lock

    def slow_lock(match):
        locked = lock(match)
        time.sleep(0.3)  # widen the window a missing token lock would show in
        return locked

    monkeypatch.setattr(lifecycle, "_lock", slow_lock)
    match = world.match("proposed")
    secret = match_link_create(match=match, purpose="accept")
    outcomes = _at_once(
        lambda: match_link_use(secret=secret, purpose="accept"),
        lambda: match_link_use(secret=secret, purpose="accept"),
    )
    assert sum(isinstance(o, Match) for o in outcomes) == 1
    assert sum(isinstance(o, LinkError) for o in outcomes) == 1
    assert MatchEvent.objects.filter(match=match, to_status="accepted_by_volunteer").count() == 1
