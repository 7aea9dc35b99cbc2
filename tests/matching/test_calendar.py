"""The private iCal feed (matching/calendar.py, calendar_views.py): content, time
zone and DST, privacy, tokens and the settings page."""

from __future__ import annotations

import datetime
import hashlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from caregivers.models import CareRecipient, RequestDate, RequestSlot
from demo.factories import HelpRequestFactory, MantelzorgerFactory, UserFactory, VolunteerFactory
from matches.calendar import calendar_feed_reset, calendar_ics, calendar_token_hash
from matches.models import CalendarFeed, Match
from tests.login import log_in
from volunteers.models import Volunteer

AMS = ZoneInfo("Europe/Amsterdam")
# Thursday 1 October 2026, before the DST change of Sunday 25 October 2026.
NOW = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=AMS)

CARE_NOTE = "Henk wordt onrustig na vier uur en neemt dan zijn pillen"
DESCRIPTION = "Henk heeft dementie en kan niet alleen blijven"
QUESTION_BEHIND = "Mark is uitgeput en slaapt slecht"
PHONE = "06-99988877"


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def setup(personas, region, now):
    """Vera (volunteer) actively matched with Mark's respite request for Henk:
    weekly Tuesday 13:00-17:00 plus one date; activated Wednesday 30 September."""
    org = region["org_a"]
    vera = Volunteer.objects.get(user=personas["volunteer"])
    vera.first_name = "Vera"
    vera.save()
    mark = personas["mantelzorger"]
    mz = mark.mantelzorger
    henk = CareRecipient.objects.create(
        mantelzorger=mz, name="Henk", age_band="80+", situation="dementia", notes=CARE_NOTE
    )
    request = HelpRequestFactory(
        organisation=org,
        requester=mark,
        mantelzorger=mz,
        care_recipient=henk,
        kind="respite",
        status="matched",
        requester_first_name="Henk",
        requester_last_name="Zuidervaart",
        postcode="6881 AB",
        house_number="12a",
        place="Velp",
        phone=PHONE,
        description=DESCRIPTION,
        question_behind=QUESTION_BEHIND,
    )
    slot = RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(13, 0), end=datetime.time(17, 0))
    date = RequestDate.objects.create(
        request=request, date=datetime.date(2026, 11, 12), start=datetime.time(10, 0), end=datetime.time(12, 30)
    )
    match = Match.objects.create(
        organisation=org,
        request=request,
        volunteer=vera,
        status=Match.Status.ACTIVE,
        activated_at=datetime.datetime(2026, 9, 30, 9, 0, tzinfo=AMS),
    )
    return {"vera": personas["volunteer"], "mark": mark, "match": match, "slot": slot, "date": date, "org": org}


def _ics(user) -> str:
    return calendar_ics(user=user, now=datetime.datetime.now(datetime.UTC)).decode()


def _events(ics: str) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}


def _feed_url(user) -> str:
    """A new address for the user's feed (the previous one stops working)."""
    _feed, token = calendar_feed_reset(user=user)
    return reverse("calendar:feed", kwargs={"token": token})


# --- content -----------------------------------------------------------------


def test_weekly_slot_is_a_recurring_event_in_amsterdam_time(setup):
    ics = _ics(setup["vera"])
    match, slot = setup["match"], setup["slot"]
    assert "PRODID:-//Buurtmakelaar//NL" in ics
    assert "VERSION:2.0" in ics
    assert "X-WR-CALNAME:Buurtmakelaar" in ics
    assert ics.count("BEGIN:VTIMEZONE") == 1
    assert "TZID:Europe/Amsterdam" in ics
    # The first Tuesday on or after the activation (Wednesday 30 September).
    assert "DTSTART;TZID=Europe/Amsterdam:20261006T130000" in ics
    assert "DTEND;TZID=Europe/Amsterdam:20261006T170000" in ics
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in ics
    event = _events(ics)[f"match-{match.pk}-slot-{slot.pk}@buurtmakelaar"]
    assert str(event["SUMMARY"]) == "Respijtzorg bij Henk"
    assert str(event["LOCATION"]) == "6881 AB 12a, Velp"
    assert event.decoded("DTSTAMP") == NOW.astimezone(datetime.UTC)


def test_weekly_event_keeps_wall_clock_time_across_dst_change(setup):
    calendar = Calendar.from_ical(_ics(setup["vera"]))
    event = next(e for e in calendar.walk("VEVENT") if "RRULE" in e)
    start = event.decoded("DTSTART")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    occurrences = rule.between(datetime.datetime(2026, 10, 19, tzinfo=AMS), datetime.datetime(2026, 11, 1, tzinfo=AMS))
    assert [o.date() for o in occurrences] == [datetime.date(2026, 10, 20), datetime.date(2026, 10, 27)]
    assert all(o.astimezone(AMS).time() == datetime.time(13, 0) for o in occurrences)
    assert [o.utcoffset() for o in occurrences] == [datetime.timedelta(hours=2), datetime.timedelta(hours=1)]
    assert [o.astimezone(datetime.UTC).hour for o in occurrences] == [11, 12]

    # The VTIMEZONE in the feed itself (what clients without a tz database use)
    # has the same change on 25 October 2026.
    vtimezone = calendar.walk("VTIMEZONE")[0].to_tz()
    before = datetime.datetime(2026, 10, 20, 13, 0, tzinfo=vtimezone)
    after = datetime.datetime(2026, 10, 27, 13, 0, tzinfo=vtimezone)
    assert before.utcoffset() == datetime.timedelta(hours=2)
    assert after.utcoffset() == datetime.timedelta(hours=1)


def test_request_date_is_a_single_event(setup):
    events = _events(_ics(setup["vera"]))
    event = events[f"match-{setup['match'].pk}-date-{setup['date'].pk}@buurtmakelaar"]
    assert "RRULE" not in event
    assert event.decoded("DTSTART") == datetime.datetime(2026, 11, 12, 10, 0, tzinfo=AMS)
    assert event.decoded("DTEND") == datetime.datetime(2026, 11, 12, 12, 30, tzinfo=AMS)
    assert "DTSTART;TZID=Europe/Amsterdam:20261112T100000" in event.to_ical().decode()


def test_requester_sees_who_comes_without_location(setup):
    ics = _ics(setup["mark"])
    events = _events(ics)
    assert len(events) == 2
    assert {str(e["SUMMARY"]) for e in events.values()} == {"Vera komt helpen"}
    assert "LOCATION" not in ics
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in ics


def test_mantelzorger_of_a_request_entered_for_them_sees_it(setup, region):
    carer_user = UserFactory(email="carla@example.nl")
    carer = MantelzorgerFactory(user=carer_user, organisation=region["org_a"])
    request = HelpRequestFactory(organisation=region["org_a"], requester=None, mantelzorger=carer, status="matched")
    RequestSlot.objects.create(request=request, weekday=4, start=datetime.time(9, 0), end=datetime.time(11, 0))
    Match.objects.create(
        organisation=region["org_a"],
        request=request,
        volunteer=Volunteer.objects.get(user=setup["vera"]),
        status=Match.Status.ACTIVE,
        activated_at=NOW,
    )
    ics = _ics(carer_user)
    assert "RRULE:FREQ=WEEKLY;BYDAY=FR" in ics
    assert "DTSTART;TZID=Europe/Amsterdam:20261002T090000" in ics
    assert "BYDAY=TU" not in ics  # Mark's match is not hers


def test_intro_meeting_only_when_still_to_come(setup):
    match = setup["match"]
    match.intro_meeting_at = datetime.datetime(2026, 10, 3, 15, 0, tzinfo=AMS)
    match.save()
    intro_uid = f"match-{match.pk}-intro@buurtmakelaar"
    event = _events(_ics(setup["vera"]))[intro_uid]
    assert str(event["SUMMARY"]) == "Kennismaking met Henk"
    assert event.decoded("DTSTART") == datetime.datetime(2026, 10, 3, 15, 0, tzinfo=AMS)
    assert str(_events(_ics(setup["mark"]))[intro_uid]["SUMMARY"]) == "Kennismaking met Vera"

    match.intro_meeting_at = datetime.datetime(2026, 9, 28, 15, 0, tzinfo=AMS)
    match.save()
    assert intro_uid not in _events(_ics(setup["vera"]))


def test_no_care_details_in_any_feed(setup):
    for user in (setup["vera"], setup["mark"]):
        ics = _ics(user)
        assert len(_events(ics)) == 2
        for secret in (CARE_NOTE, DESCRIPTION, QUESTION_BEHIND, PHONE, "Zuidervaart", "dementie", "dementia"):
            assert secret not in ics
        assert "DESCRIPTION" not in ics


def test_other_peoples_matches_never_appear(setup, region):
    org = region["org_a"]
    otto = VolunteerFactory(user=UserFactory(email="otto@example.nl"), organisation=org, first_name="Otto")
    rita = UserFactory(email="rita@example.nl")
    other_request = HelpRequestFactory(
        organisation=org, requester=rita, requester_first_name="Gerrit", status="matched", kind="practical"
    )
    RequestSlot.objects.create(request=other_request, weekday=2, start=datetime.time(9, 0), end=datetime.time(10, 0))
    Match.objects.create(
        organisation=org, request=other_request, volunteer=otto, status=Match.Status.ACTIVE, activated_at=NOW
    )
    for user in (setup["vera"], setup["mark"]):
        ics = _ics(user)
        assert "Gerrit" not in ics and "Otto" not in ics and "BYDAY=WE" not in ics
    assert "Helpen bij Gerrit" in _ics(otto.user)
    assert "Respijtzorg bij Henk" not in _ics(otto.user)
    # Someone without any match: a valid, empty calendar.
    empty = _ics(UserFactory(email="niemand@example.nl"))
    assert "BEGIN:VEVENT" not in empty
    assert "BEGIN:VTIMEZONE" in empty


@pytest.mark.parametrize("status", ["proposed", "accepted_by_volunteer", "ended", "cancelled", "declined"])
def test_only_active_matches_are_in_the_feed(setup, client, status):
    url = _feed_url(setup["vera"])
    assert "BEGIN:VEVENT" in client.get(url).content.decode()
    Match.objects.filter(pk=setup["match"].pk).update(status=status)
    body = client.get(url).content.decode()
    assert "BEGIN:VEVENT" not in body
    assert "Henk" not in body


# --- the feed URL -------------------------------------------------------------


def test_feed_response(setup, client):
    response = client.get(_feed_url(setup["vera"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in response.content.decode()


@pytest.mark.parametrize("token", ["onbekend", "x" * 100, "a-b_c"])
def test_unknown_token_is_404_plain_text(setup, client, token):
    calendar_feed_reset(user=setup["vera"])
    response = client.get(reverse("calendar:feed", kwargs={"token": token}))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert "BEGIN:VCALENDAR" not in response.content.decode()


def test_only_the_hash_of_the_token_is_stored(setup, client):
    feed, token = calendar_feed_reset(user=setup["vera"])
    assert len(token) >= 43
    feed.refresh_from_db()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() == calendar_token_hash(token)
    stored = [str(value) for value in CalendarFeed.objects.values().get(user=setup["vera"]).values()]
    assert token not in stored
    # Looked up by the hash: the token works, the hash itself does not.
    assert client.get(reverse("calendar:feed", kwargs={"token": token})).status_code == 200
    assert client.get(reverse("calendar:feed", kwargs={"token": feed.token_hash})).status_code == 404
    _other, other_token = calendar_feed_reset(user=setup["mark"])
    assert other_token != token


def test_reset_makes_old_address_stop_working(setup, client):
    old_url = _feed_url(setup["vera"])
    _feed, token = calendar_feed_reset(user=setup["vera"])
    new_url = reverse("calendar:feed", kwargs={"token": token})
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    assert CalendarFeed.objects.filter(user=setup["vera"]).count() == 1


# --- the settings page ---------------------------------------------------------


def test_manage_page_requires_login(client, db):
    response = client.get(reverse("calendar:manage"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    response = client.post(reverse("calendar:manage"), {"confirm": "on"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def _shown_token(body: str) -> str | None:
    found = re.search(r"http://testserver/agenda/([A-Za-z0-9_-]+)\.ics", body)
    return found.group(1) if found else None


def test_the_address_is_made_on_request_and_shown_once(setup, client):
    log_in(client, setup["vera"])
    first = client.get(reverse("calendar:manage"))
    assert first.status_code == 200
    assert "Agenda-adres maken" in first.content.decode()
    assert not CalendarFeed.objects.exists()  # a GET makes nothing

    response = client.post(reverse("calendar:manage"))
    assert response.status_code == 200
    body = response.content.decode()
    token = _shown_token(body)
    assert token and f"webcal://testserver/agenda/{token}.ics" in body
    assert "U ziet het maar één keer" in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert CalendarFeed.objects.get(user=setup["vera"]).token_hash == calendar_token_hash(token)

    # Later the page says it exists and how to get a new one; the address is not shown.
    later = client.get(reverse("calendar:manage")).content.decode()
    assert _shown_token(later) is None and token not in later
    assert "U heeft al een agenda-adres gemaakt" in later and "Nieuw adres maken" in later
    client.logout()
    assert client.get(reverse("calendar:feed", kwargs={"token": token})).status_code == 200


def test_another_person_never_sees_vera_s_address(setup, client):
    log_in(client, setup["vera"])
    token = _shown_token(client.post(reverse("calendar:manage")).content.decode())
    log_in(client, setup["mark"])
    page = client.post(reverse("calendar:manage")).content.decode()
    assert token not in page and _shown_token(page) not in (None, token)


def test_reset_needs_confirmation(setup, client):
    log_in(client, setup["vera"])
    feed, _token = calendar_feed_reset(user=setup["vera"])
    response = client.post(reverse("calendar:manage"), {})
    assert response.status_code == 400
    assert "Zet een vinkje" in response.content.decode()
    assert CalendarFeed.objects.get(user=setup["vera"]).token_hash == feed.token_hash


def test_reset_from_the_page(setup, client):
    log_in(client, setup["vera"])
    old_url = _feed_url(setup["vera"])
    response = client.post(reverse("calendar:manage"), {"confirm": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    new_token = _shown_token(body)
    assert CalendarFeed.objects.get(user=setup["vera"]).token_hash == calendar_token_hash(new_token)
    assert "nieuw agenda-adres" in body
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("calendar:feed", kwargs={"token": new_token})).status_code == 200


def test_feed_of_inactive_user_is_gone(setup, client):
    url = _feed_url(setup["vera"])
    setup["vera"].is_active = False
    setup["vera"].save()
    assert client.get(url).status_code == 404
