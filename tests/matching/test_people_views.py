"""The people's own match pages: the volunteer's proposals and matches, the
requester's "Wie komt er?", who may see and do what."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from matches.models import HoursEntry, Match
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import TODAY
from tests.matching.lifecycle_factories import SECRET_HOUSE_NUMBER, SECRET_PHONE, SECRET_POSTCODE

# Fixtures shared by the lifecycle tests.
lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")


def url(name: str, pk: int | None = None) -> str:
    return reverse(f"matching_people:{name}", kwargs={"pk": pk} if pk is not None else None)


def _status(match: Match) -> str:
    return Match.objects.values_list("status", flat=True).get(pk=match.pk)


# --- Volunteer -----------------------------------------------------------------------------


def test_proposal_hides_the_address_until_accepted(client, world):
    match = world.match("proposed")
    log_in(client, world.volunteer_user)
    body = client.get(url("mine")).content.decode()
    assert "Mijn voorstellen en koppelingen" in body
    assert "Boodschappen doen" in body and "Centrum" in body and "2,4 km" in body
    assert "elke dinsdag 14:00-16:00" in body
    for private in (SECRET_POSTCODE, SECRET_HOUSE_NUMBER, SECRET_PHONE, "Özdemir"):
        assert private not in body
    response = client.post(url("accept", match.pk))
    assert response.status_code == 302
    assert _status(match) == "accepted_by_volunteer"
    body = client.get(url("mine")).content.decode()
    for private in (SECRET_POSTCODE, SECRET_HOUSE_NUMBER, SECRET_PHONE):
        assert private in body


def test_active_match_shows_schedule_contact_and_hours(client, world):
    match = world.match("active")
    HoursEntry.objects.create(match=match, date=TODAY, hours="1.50", approved_at=None)
    HoursEntry.objects.create(match=match, date=TODAY, hours="2.00", approved_at=match.activated_at)
    log_in(client, world.volunteer_user)
    body = client.get(url("mine")).content.decode()
    assert SECRET_PHONE in body and "elke dinsdag 14:00-16:00" in body
    assert "Uren opslaan" in body
    assert "3,5" in body  # total
    assert "2 goedgekeurd, 1,5 nog niet" in body


def test_mine_page_has_no_n_plus_1(client, world, django_assert_max_num_queries):
    for status in ("proposed", "proposed", "accepted_by_volunteer", "active", "active", "declined", "ended"):
        world.match(status)
    log_in(client, world.volunteer_user)
    with django_assert_max_num_queries(21):  # +1 on PostgreSQL: the access log's advisory lock
        response = client.get(url("mine"))
    assert response.status_code == 200


def test_someone_who_is_not_a_volunteer_gets_a_way_in(client, world):
    log_in(client, world.nobody)
    body = client.get(url("mine")).content.decode()
    assert "U bent nog geen vrijwilliger" in body


def test_decline_with_reason(client, world):
    match = world.match("proposed")
    log_in(client, world.volunteer_user)
    page = client.get(url("decline", match.pk))
    assert page.status_code == 200 and "Waarom past het niet?" in page.content.decode()
    bad = client.post(url("decline", match.pk), {"reason": "bored"})
    assert bad.status_code == 400 and "Kies een reden uit de lijst." in bad.content.decode()
    other = client.post(url("decline", match.pk), {"reason": "other", "note": "  "})
    assert other.status_code == 400 and "Schrijf kort waarom" in other.content.decode()
    assert _status(match) == "proposed"
    done = client.post(url("decline", match.pk), {"reason": "too_far", "note": "Net te ver."})
    assert done.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.decline_reason, match.declined_by_side) == ("declined", "too_far", "volunteer")


def test_accept_twice_says_why(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.volunteer_user)
    response = client.post(url("accept", match.pk))
    assert response.status_code == 400
    assert "De vrijwilliger heeft al ja gezegd" in response.content.decode()


def test_accept_a_cancelled_proposal(client, world):
    match = world.match("cancelled")
    log_in(client, world.volunteer_user)
    response = client.post(url("accept", match.pk))
    assert response.status_code == 400
    assert "intussen ingetrokken" in response.content.decode()
    assert _status(match) == "cancelled"


def test_hours_form(client, world):
    match = world.match("active")
    log_in(client, world.volunteer_user)
    ok = client.post(url("hours", match.pk), {"date": TODAY.isoformat(), "hours": "1,5", "note": "Wandeling"})
    assert ok.status_code == 302
    entry = HoursEntry.objects.get()
    assert (entry.match_id, str(entry.hours), entry.note) == (match.pk, "1.50", "Wandeling")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": TODAY.isoformat(), "hours": "-1"}, "groter is dan 0"),
        ({"date": TODAY.isoformat(), "hours": "0"}, "groter is dan 0"),
        ({"date": TODAY.isoformat(), "hours": "25"}, "Meer dan 24 uur"),
        ({"date": TODAY.isoformat(), "hours": "1,1"}, "kwartier"),
        ({"date": (TODAY + datetime.timedelta(days=1)).isoformat(), "hours": "1"}, "toekomst"),
        ({"date": "31-02-2030", "hours": "1"}, "geldige datum"),
        ({"date": "", "hours": "1"}, "Vul een datum in."),
        ({"date": TODAY.isoformat(), "hours": ""}, "Vul het aantal uren in."),
    ],
)
def test_hours_form_bad_input_keeps_what_was_typed(client, world, data, message):
    match = world.match("active")
    log_in(client, world.volunteer_user)
    response = client.post(url("hours", match.pk), {**data, "note": "mijn notitie"})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'value="mijn notitie"' in body
    assert not HoursEntry.objects.exists()


def test_hours_on_a_match_that_is_not_active(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.volunteer_user)
    response = client.post(url("hours", match.pk), {"date": TODAY.isoformat(), "hours": "1"})
    assert response.status_code == 400
    assert "koppeling die loopt" in response.content.decode()
    assert not HoursEntry.objects.exists()


# --- Requester -----------------------------------------------------------------------------


def test_requester_sees_who_comes_and_agrees(client, world):
    waiting = world.match("proposed", volunteer=world.other_volunteer)
    match = world.match("accepted_by_volunteer")
    log_in(client, world.requester_user)
    body = client.get(url("requester")).content.decode()
    assert "Wie komt er?" in body and "Vera" in body and "Ja, dit past" in body
    assert "Otto" not in body  # not named before the volunteer said yes
    assert "wachten op antwoord" in body
    response = client.post(url("activate", match.pk))
    assert response.status_code == 302
    assert _status(match) == "active"
    assert Match.objects.get(pk=match.pk).request.status == "matched"
    assert _status(waiting) == "proposed"  # another request: untouched
    body = client.get(url("requester")).content.decode()
    assert "Past niet meer" in body


def test_requester_agrees_with_the_day_of_the_introduction(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.requester_user)
    when = (TODAY - datetime.timedelta(days=2)).isoformat() + "T15:30"
    assert client.post(url("activate", match.pk), {"intro_meeting_at": when}).status_code == 302
    match.refresh_from_db()
    assert match.status == "active"
    amsterdam = ZoneInfo("Europe/Amsterdam")
    expected = datetime.datetime.combine(TODAY - datetime.timedelta(days=2), datetime.time(15, 30), tzinfo=amsterdam)
    assert match.intro_meeting_at == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("gisteren", "Vul een datum en tijd in"),
        ((TODAY + datetime.timedelta(days=800)).isoformat() + "T10:00", "binnen een jaar"),
    ],
)
def test_requester_bad_introduction_day_changes_nothing(client, world, value, message):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.requester_user)
    response = client.post(url("activate", match.pk), {"intro_meeting_at": value})
    assert response.status_code == 400 and message in response.content.decode()
    assert _status(match) == "accepted_by_volunteer"


def test_requester_says_it_does_not_fit(client, world):
    match = world.match("accepted_by_volunteer")
    log_in(client, world.requester_user)
    page = client.get(url("requester_decline", match.pk))
    assert page.status_code == 200 and "Past niet" in page.content.decode()
    missing = client.post(url("requester_decline", match.pk), {})
    assert missing.status_code == 400 and "Kies een reden." in missing.content.decode()
    assert _status(match) == "accepted_by_volunteer"
    done = client.post(url("requester_decline", match.pk), {"reason": "no_click"})
    assert done.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.declined_by_side) == ("declined", "requester")


def test_requester_stops_an_active_match(client, world):
    match = world.match("active")
    log_in(client, world.requester_user)
    page = client.get(url("requester_decline", match.pk)).content.decode()
    assert "Past niet meer" in page
    client.post(url("requester_decline", match.pk), {"reason": "no_longer_needed"})
    match.refresh_from_db()
    assert match.status == "declined"
    assert match.request.status == "ready"


def test_requester_cannot_act_on_a_proposal(client, world):
    match = world.match("proposed")
    log_in(client, world.requester_user)
    assert client.get(url("requester_decline", match.pk)).status_code == 404
    response = client.post(url("activate", match.pk))
    assert response.status_code == 400
    assert _status(match) == "proposed"


# --- Who may see and do what -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "state"),
    [
        ("accept", "post", "proposed"),
        ("decline", "get", "proposed"),
        ("decline", "post", "proposed"),
        ("hours", "post", "active"),
    ],
)
@pytest.mark.parametrize("who", ["other_volunteer_user", "requester_user", "broker", "nobody"])
def test_volunteer_actions_on_someone_elses_match_are_404(client, world, name, method, state, who):
    match = world.match(state)
    log_in(client, getattr(world, who))
    data = {"reason": "no_time", "date": TODAY.isoformat(), "hours": "1"}
    response = getattr(client, method)(url(name, match.pk), data)
    assert response.status_code == 404
    assert _status(match) == state
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"), [("activate", "post"), ("requester_decline", "get"), ("requester_decline", "post")]
)
@pytest.mark.parametrize("who", ["other_requester_user", "volunteer_user", "broker"])
def test_requester_actions_on_someone_elses_match_are_404(client, world, name, method, who):
    match = world.match("accepted_by_volunteer")
    log_in(client, getattr(world, who))
    response = getattr(client, method)(url(name, match.pk), {"reason": "no_click"})
    assert response.status_code == 404
    assert _status(match) == "accepted_by_volunteer"


def test_other_people_do_not_see_the_match_on_their_pages(client, world):
    world.match("active")
    log_in(client, world.other_volunteer_user)
    assert SECRET_PHONE not in client.get(url("mine")).content.decode()
    log_in(client, world.other_requester_user)
    body = client.get(url("requester")).content.decode()
    assert "Vera" not in body and "Er is nog geen vrijwilliger" in body


@pytest.mark.parametrize(
    ("name", "method", "pk"),
    [
        ("mine", "get", None),
        ("requester", "get", None),
        ("accept", "post", True),
        ("decline", "get", True),
        ("hours", "post", True),
        ("activate", "post", True),
        ("requester_decline", "get", True),
    ],
)
def test_anonymous_is_sent_to_login(client, world, name, method, pk):
    match = world.match("proposed")
    response = getattr(client, method)(url(name, match.pk if pk else None))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _status(match) == "proposed"
