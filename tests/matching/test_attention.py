"""The broker's "needs attention" list (matches/attention.py) and its page with the
inline check-in (matches/views/attention.py): each kind appears exactly when due,
never for another organisation, in constant queries; the check-in and its bad input;
who may see the page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caregivers.models import BurdenCheckIn, HelpRequest
from common.errors import DomainError
from demo.factories import HelpRequestFactory, MantelzorgerFactory, VolunteerFactory
from matches.attention import Kind, attention_count, attention_items, match_checkin
from matches.models import HoursEntry, Match, MatchEvent
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW as LOCAL_NOW
from tests.matching.conftest import TODAY

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")

# Offsets in whole 24-hour days (the rules count those, also across DST).
NOW = LOCAL_NOW.astimezone(datetime.UTC)

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


def _items(org, kind=None):
    found = attention_items(organisation=org, now=NOW)
    return [item for item in found if kind is None or item.kind == kind]


def _about(org, kind, obj):
    return [item for item in _items(org, kind) if item.obj.pk == obj.pk]


def _set(model, obj, **fields):
    model.objects.filter(pk=obj.pk).update(**fields)


def _list_url(world, slug=None):
    return reverse("attention:list", kwargs={"slug": slug or world.org.slug})


def _checkin_url(world, match, slug=None):
    return reverse("attention:checkin", kwargs={"slug": slug or world.org.slug, "pk": match.pk})


# --- Each kind exactly when due ----------------------------------------------------------


@pytest.mark.parametrize(
    ("proposed_ago", "due"),
    [(3 * DAY - MINUTE, False), (3 * DAY, True), (5 * DAY, True)],
)
def test_proposal_without_answer_after_three_days(world, proposed_ago, due):
    match = world.match("proposed")
    _set(Match, match, created_at=NOW - proposed_ago)
    found = _about(world.org, Kind.PROPOSAL, match)
    assert bool(found) is due
    if due:
        item = found[0]
        assert item.age_days == proposed_ago.days
        assert item.text == (
            f"Vrijwilliger Vera {world.volunteer.last_name} heeft na {proposed_ago.days} dagen nog niet "
            f"gereageerd op het voorstel voor vraag #{match.request_id}."
        )
        assert (item.url_name, item.url_args) == ("matching_broker:detail", (world.org.slug, match.pk))
        assert item.url == reverse("matching_broker:detail", kwargs={"slug": world.org.slug, "pk": match.pk})


@pytest.mark.parametrize(("accepted_ago", "due"), [(3 * DAY - MINUTE, False), (3 * DAY, True)])
def test_requester_has_not_agreed_after_three_days(world, accepted_ago, due):
    match = world.match("accepted_by_volunteer")
    # Proposed long ago: the clock is the volunteer's yes, not the proposal.
    _set(Match, match, created_at=NOW - 30 * DAY, accepted_at=NOW - accepted_ago)
    found = _about(world.org, Kind.REQUESTER, match)
    assert bool(found) is due
    assert not _about(world.org, Kind.PROPOSAL, match)
    if due:
        assert found[0].age_days == 3
        assert "nog niet ingestemd" in found[0].text


@pytest.mark.parametrize(
    ("activated_ago", "checked_ago", "due"),
    [
        (14 * DAY - MINUTE, None, False),
        (14 * DAY, None, True),
        (200 * DAY, 91 * DAY - MINUTE, False),
        (200 * DAY, 91 * DAY, True),
        (200 * DAY, 2 * DAY, False),
    ],
)
def test_checkin_after_two_weeks_then_every_91_days(world, activated_ago, checked_ago, due):
    match = world.match("active")
    _set(
        Match,
        match,
        activated_at=NOW - activated_ago,
        last_checkin_at=None if checked_ago is None else NOW - checked_ago,
    )
    found = _about(world.org, Kind.CHECKIN, match)
    assert bool(found) is due
    if due and checked_ago is None:
        assert found[0].age_days == 14
        assert "eerste check-in" in found[0].text
    if due and checked_ago is not None:
        assert found[0].age_days == 91
        assert "91 dagen geleden" in found[0].text


@pytest.mark.parametrize("status", ["proposed", "accepted_by_volunteer", "ended", "cancelled", "declined"])
def test_no_checkin_for_a_match_that_is_not_active(world, status):
    match = world.match(status)
    _set(Match, match, activated_at=NOW - 100 * DAY)
    assert not _about(world.org, Kind.CHECKIN, match)


@pytest.mark.parametrize(
    ("valid_until", "due", "words"),
    [
        (TODAY + 61 * DAY, False, ""),
        (TODAY + 60 * DAY, True, "verloopt over 60 dagen"),
        (TODAY, True, "verloopt vandaag"),
        (TODAY - DAY, True, "is verlopen op"),
        (None, True, "geen geldige VOG"),
    ],
)
def test_vog_expiring_for_a_volunteer_with_an_open_match_that_needs_one(world, valid_until, due, words):
    request = world.new_request(kind="respite")  # respite always needs a VOG
    world.match("active", request=request)
    _set(type(world.volunteer), world.volunteer, vog_valid_until=valid_until)
    found = _about(world.org, Kind.VOG, world.volunteer)
    assert bool(found) is due
    if due:
        assert words in found[0].text
        assert found[0].url_name == "volunteers_broker:detail"
        assert found[0].url_args == (world.org.slug, world.volunteer.pk)


def test_vog_not_flagged_when_no_open_match_needs_one(world):
    _set(type(world.volunteer), world.volunteer, vog_valid_until=TODAY + 5 * DAY)
    world.match("active", request=world.new_request(kind="practical", needs_vog=False))
    world.match("ended", request=world.new_request(kind="respite"))
    assert not _items(world.org, Kind.VOG)
    world.match("proposed", request=world.new_request(kind="respite"))
    assert len(_items(world.org, Kind.VOG)) == 1  # one item per volunteer


@pytest.mark.parametrize(
    ("waiting", "status", "due"),
    [
        (14 * DAY, "new", False),  # "longer than" the organisation's 14 days
        (14 * DAY + SECOND, "new", True),
        (20 * DAY, "intake", True),
        (20 * DAY, "ready", True),
        (20 * DAY, "matched", False),
        (20 * DAY, "closed", False),
    ],
)
def test_request_waiting_longer_than_the_organisation_allows(world, waiting, status, due):
    assert world.org.waiting_flag_days == 14
    request = world.new_request(status=status)
    _set(HelpRequest, request, created_at=NOW - waiting)
    found = _about(world.org, Kind.REQUEST, request)
    assert bool(found) is due
    if due:
        assert found[0].url_name == "caregivers_broker:detail"
        assert f"Vraag #{request.pk}" in found[0].text


def test_request_waiting_follows_the_organisations_setting(world):
    request = world.new_request(status="ready")
    _set(HelpRequest, request, created_at=NOW - 20 * DAY)
    world.org.waiting_flag_days = 30
    world.org.save()
    assert not _about(world.org, Kind.REQUEST, request)


@pytest.mark.parametrize(
    ("logged_ago", "approved", "due"),
    [(7 * DAY - MINUTE, False, False), (7 * DAY, False, True), (30 * DAY, True, False)],
)
def test_hours_waiting_for_approval_after_seven_days(world, logged_ago, approved, due):
    match = world.match("active")
    entry = HoursEntry.objects.create(
        match=match,
        date=TODAY - 10 * DAY,
        hours=Decimal("2"),
        approved_at=NOW if approved else None,
        approved_by=world.broker if approved else None,
    )
    _set(HoursEntry, entry, created_at=NOW - logged_ago)
    found = _about(world.org, Kind.HOURS, match)
    assert bool(found) is due
    if due:
        assert found[0].url_args == (world.org.slug, match.pk)
        assert f"koppeling #{match.pk}" in found[0].text


def test_hours_are_one_item_per_match(world):
    match = world.match("active")
    for days in (8, 9, 12):
        entry = HoursEntry.objects.create(match=match, date=TODAY - days * DAY, hours=Decimal("1"))
        _set(HoursEntry, entry, created_at=NOW - days * DAY)
    found = _about(world.org, Kind.HOURS, match)
    assert len(found) == 1
    assert found[0].age_days == 12
    assert "3 keer" in found[0].text


# --- The whole list ------------------------------------------------------------------------


def _all_due(org, *, count=1, prefix="Vol"):
    """``count`` items of every kind in ``org`` (factories, not the world)."""
    made = []
    for i in range(count):
        volunteer = VolunteerFactory(
            organisation=org, first_name=f"{prefix}{i}", vog_valid_until=TODAY + 10 * DAY, max_active_matches=10
        )

        def match(status, **fields):
            request = HelpRequestFactory(organisation=org, kind="respite", status="ready")
            found = Match.objects.create(organisation=org, request=request, volunteer=volunteer, status=status)
            _set(Match, found, **fields)
            made.append(found)
            return found

        match("proposed", created_at=NOW - 4 * DAY)
        match("accepted_by_volunteer", created_at=NOW - 9 * DAY, accepted_at=NOW - 5 * DAY)
        active = match("active", created_at=NOW - 40 * DAY, activated_at=NOW - 30 * DAY)
        entry = HoursEntry.objects.create(match=active, date=TODAY - 9 * DAY, hours=Decimal("1.5"))
        _set(HoursEntry, entry, created_at=NOW - 9 * DAY)
        waiting = HelpRequestFactory(organisation=org, status="new")
        _set(HelpRequest, waiting, created_at=NOW - 20 * DAY)
        carer = MantelzorgerFactory(organisation=org, first_name=f"{prefix}Zorg{i}")
        _set(BurdenCheckIn, BurdenCheckIn.objects.create(mantelzorger=carer, score=8), created_at=NOW - 3 * DAY)
        talk = HelpRequestFactory(organisation=org, status="new", topic="consultant", kind="other")
        _set(HelpRequest, talk, created_at=NOW - 2 * DAY)
        # Not due: a fresh proposal, a request that just came in.
        match("proposed", created_at=NOW - DAY)
        HelpRequestFactory(organisation=org, status="new")
    return made


def _quiet_personas(world):
    """The personas' own request (status new) is not part of these counts."""
    HelpRequest.objects.filter(organisation=world.org).update(created_at=NOW)


def test_every_kind_once_oldest_first_and_count_agrees(world):
    _quiet_personas(world)
    _all_due(world.org)
    items = _items(world.org)
    assert sorted(item.kind for item in items) == sorted(Kind.ORDER)
    moments = [item.since for item in items]
    assert moments == sorted(moments)
    # since: vog window opened 50 days ago, then active 30, request 20, hours 9, said yes 5, proposed 4
    assert [item.kind for item in items] == [
        Kind.VOG,
        Kind.CHECKIN,
        Kind.REQUEST,
        Kind.HOURS,
        Kind.REQUESTER,
        Kind.PROPOSAL,
        Kind.BURDEN,
        Kind.CONSULTANT,
    ]
    assert [item.age_days for item in items] == [50, 30, 20, 9, 5, 4, 3, 2]
    assert attention_count(organisation=world.org, now=NOW) == len(items) == 8


def test_other_organisations_never_appear(world):
    _quiet_personas(world)
    _all_due(world.org_b, count=2, prefix="Bert")
    assert _items(world.org) == []
    assert attention_count(organisation=world.org, now=NOW) == 0
    org_b_items = _items(world.org_b)
    assert len(org_b_items) == 16
    assert all(item.url_args[0] == world.org_b.slug for item in org_b_items)
    mine = _all_due(world.org)
    assert {item.obj.pk for item in _items(world.org, Kind.PROPOSAL)} <= {m.pk for m in mine}
    assert len(_items(world.org)) == 8


@pytest.mark.parametrize(
    ("score", "signals", "request_status", "due"),
    [
        (7, (), None, True),
        (6, (), None, False),
        (3, ("sleeps_badly", "feels_alone"), None, True),
        (3, ("sleeps_badly",), None, False),
        (9, (), "intake", False),  # an open request: the broker is already on it
        (9, (), "matched", False),
        (9, (), "closed", True),
    ],
)
def test_carer_with_a_high_last_checkin_and_no_open_request(world, score, signals, request_status, due):
    _quiet_personas(world)
    carer = MantelzorgerFactory(organisation=world.org, first_name="Hanna")
    BurdenCheckIn.objects.create(mantelzorger=carer, score=score, **dict.fromkeys(signals, True))
    if request_status:
        HelpRequestFactory(organisation=world.org, mantelzorger=carer, kind="respite", status=request_status)
    found = _about(world.org, Kind.BURDEN, carer)
    assert len(found) == int(due)
    if due:
        assert "Hanna" in found[0].text and f"({score} van 10)" in found[0].text
        assert attention_count(organisation=world.org, now=NOW) == len(_items(world.org))


def test_a_carer_whose_care_ended_leaves_the_burden_list(world):
    """A high last check-in, no open request, but the care ended (issue #15): no item,
    and the count agrees; clearing the day brings the carer back."""
    from caregivers.services import care_ended_set

    _quiet_personas(world)
    carer = MantelzorgerFactory(organisation=world.org, first_name="Hanna")
    BurdenCheckIn.objects.create(mantelzorger=carer, score=9)
    assert len(_about(world.org, Kind.BURDEN, carer)) == 1
    before = attention_count(organisation=world.org, now=NOW)
    care_ended_set(mantelzorger=carer, by=world.broker, ended_on=TODAY)
    assert _about(world.org, Kind.BURDEN, carer) == []
    assert attention_count(organisation=world.org, now=NOW) == before - 1 == len(_items(world.org))
    care_ended_set(mantelzorger=carer, by=world.broker, ended_on=None)
    assert len(_about(world.org, Kind.BURDEN, carer)) == 1


def test_only_the_last_checkin_counts_for_burden(world):
    carer = MantelzorgerFactory(organisation=world.org, first_name="Hanna")
    old = BurdenCheckIn.objects.create(mantelzorger=carer, score=9)
    _set(BurdenCheckIn, old, created_at=NOW - 10 * DAY)
    newer = BurdenCheckIn.objects.create(mantelzorger=carer, score=4)
    _set(BurdenCheckIn, newer, created_at=NOW - 2 * DAY)
    assert _about(world.org, Kind.BURDEN, carer) == []
    assert _about(world.org_b, Kind.BURDEN, carer) == []


def test_vog_of_a_partner_volunteer_links_to_the_match(world):
    partner = VolunteerFactory(organisation=world.org_b, first_name="Pim", vog_valid_until=TODAY - DAY)
    match = world.match("active", volunteer=partner, request=world.new_request(kind="respite"))
    found = _about(world.org, Kind.VOG, partner)
    assert len(found) == 1
    assert (found[0].url_name, found[0].url_args) == ("matching_broker:detail", (world.org.slug, match.pk))


def test_queries_do_not_grow_with_the_number_of_items(world, django_assert_max_num_queries):
    _quiet_personas(world)
    _all_due(world.org, count=1, prefix="A")
    with CaptureQueriesContext(connection) as few:
        assert len(_items(world.org)) == 8
    _all_due(world.org, count=6, prefix="B")
    with django_assert_max_num_queries(8):
        assert len(_items(world.org)) == 56
    assert len(few.captured_queries) == 8
    with django_assert_max_num_queries(8):
        attention_count(organisation=world.org, now=NOW)


def test_page_queries_do_not_grow(client, world):
    _quiet_personas(world)
    log_in(client, world.broker)
    _all_due(world.org, count=1, prefix="A")
    with CaptureQueriesContext(connection) as few:
        assert client.get(_list_url(world)).status_code == 200
    _all_due(world.org, count=5, prefix="B")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_list_url(world))
    assert response.status_code == 200
    assert len(response.context["items"]) == 48
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The page --------------------------------------------------------------------------------


def test_page_lists_items_with_links_and_checkin_forms(client, world):
    proposal = world.match("proposed")
    _set(Match, proposal, created_at=NOW - 5 * DAY)
    active = world.match("active")
    _set(Match, active, activated_at=NOW - 20 * DAY)
    not_due = world.match("active", volunteer=world.other_volunteer)
    log_in(client, world.broker)
    response = client.get(_list_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "heeft na 5 dagen nog niet gereageerd" in html
    assert reverse("matching_broker:detail", kwargs={"slug": world.org.slug, "pk": proposal.pk}) in html
    assert _checkin_url(world, active) in html
    assert _checkin_url(world, not_due) not in html
    assert _checkin_url(world, proposal) not in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("broker", 200), ("admin", 200), ("broker_b", 404), ("volunteer_user", 404), ("municipality", 404)],
)
def test_who_may_see_the_page(client, world, who, expected):
    log_in(client, getattr(world, who))
    assert client.get(_list_url(world)).status_code == expected


def test_anonymous_goes_to_login(client, world):
    response = client.get(_list_url(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    match = world.match("active")
    response = client.post(_checkin_url(world, match), {"note": "Gaat goed."})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert Match.objects.get(pk=match.pk).last_checkin_at is None


def test_broker_b_cannot_see_or_check_in_on_org_a(client, world):
    match = world.match("active")
    log_in(client, world.broker_b)
    assert client.get(_list_url(world)).status_code == 404
    assert client.post(_checkin_url(world, match), {"note": "Hallo"}).status_code == 404
    # Under their own organisation's address the match of org A does not exist either.
    assert client.post(_checkin_url(world, match, slug=world.org_b.slug), {"note": "Hallo"}).status_code == 404
    assert Match.objects.get(pk=match.pk).last_checkin_at is None


# --- The check-in ------------------------------------------------------------------------------


def test_checkin_records_event_and_clears_the_item(client, world):
    match = world.match("active")
    _set(Match, match, activated_at=NOW - 15 * DAY)
    assert _about(world.org, Kind.CHECKIN, match)
    log_in(client, world.broker)
    response = client.post(_checkin_url(world, match), {"note": "  Gaat goed, ze wandelen elke dinsdag.  "})
    assert response.status_code == 302
    assert response["Location"] == _list_url(world)
    match.refresh_from_db()
    assert match.last_checkin_at == NOW
    assert match.status == "active"
    event = MatchEvent.objects.filter(match=match).latest("pk")
    assert (event.from_status, event.to_status, event.by) == ("active", "active", world.broker)
    assert event.note == "Check-in: Gaat goed, ze wandelen elke dinsdag."
    assert not _about(world.org, Kind.CHECKIN, match)
    page = client.get(_list_url(world)).content.decode()
    assert f"De check-in is opgeslagen bij koppeling #{match.pk}." in page


def test_checkin_on_a_match_that_is_not_due_yet_is_fine(client, world):
    match = world.match("active")
    log_in(client, world.admin)
    assert client.post(_checkin_url(world, match), {"note": "Even gebeld."}).status_code == 302
    assert Match.objects.get(pk=match.pk).last_checkin_at == NOW


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Schrijf kort hoe het gaat."),
        ("   ", "Schrijf kort hoe het gaat."),
        ("x" * 2001, "Hoogstens 2000 tekens, nu 2001."),
    ],
)
def test_checkin_bad_note_changes_nothing_and_keeps_the_text(client, world, note, message):
    match = world.match("active")
    _set(Match, match, activated_at=NOW - 15 * DAY)
    events = MatchEvent.objects.filter(match=match).count()
    log_in(client, world.broker)
    response = client.post(_checkin_url(world, match), {"note": note})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if note.strip():
        assert note in html  # what was typed is kept
    assert Match.objects.get(pk=match.pk).last_checkin_at is None
    assert MatchEvent.objects.filter(match=match).count() == events


def test_checkin_bad_note_on_a_match_not_on_the_list_shows_the_reason(client, world):
    match = world.match("active")  # started 9 days ago: not due
    log_in(client, world.broker)
    response = client.post(_checkin_url(world, match), {"note": ""})
    assert response.status_code == 400
    assert "Schrijf kort hoe het gaat." in response.content.decode()


def test_checkin_a_note_of_2000_characters_is_fine(client, world):
    match = world.match("active")
    log_in(client, world.broker)
    assert client.post(_checkin_url(world, match), {"note": "y" * 2000}).status_code == 302
    assert MatchEvent.objects.filter(match=match).latest("pk").note == "Check-in: " + "y" * 2000


@pytest.mark.parametrize("status", ["proposed", "accepted_by_volunteer", "ended", "cancelled", "declined"])
def test_checkin_on_a_match_that_is_not_active_says_why(client, world, status):
    match = world.match(status)
    events = MatchEvent.objects.filter(match=match).count()
    log_in(client, world.broker)
    response = client.post(_checkin_url(world, match), {"note": "Gaat goed."}, follow=True)
    assert response.status_code == 200
    assert "Een check-in kan alleen bij een koppeling die loopt." in response.content.decode()
    stored = Match.objects.get(pk=match.pk)
    assert (stored.status, stored.last_checkin_at) == (status, None)
    assert MatchEvent.objects.filter(match=match).count() == events


def test_checkin_unknown_match_and_get_are_refused(client, world):
    log_in(client, world.broker)
    assert client.post(reverse("attention:checkin", kwargs={"slug": world.org.slug, "pk": 999999})).status_code == 404
    match = world.match("active")
    assert client.get(_checkin_url(world, match)).status_code == 405


def test_service_refuses_someone_who_is_not_a_broker_there(world):
    match = world.match("active")
    for user in (world.broker_b, world.volunteer_user, None):
        with pytest.raises(DomainError):
            match_checkin(match=match, by=user, note="Gaat goed.")
    assert Match.objects.get(pk=match.pk).last_checkin_at is None


def test_service_empty_note_has_the_note_field(world):
    match = world.match("active")
    with pytest.raises(DomainError) as caught:
        match_checkin(match=match, by=world.broker, note=" ")
    assert caught.value.field == "note"
    event = match_checkin(match=match, by=world.broker, note="Prima")
    assert event.note == "Check-in: Prima"
    assert match.last_checkin_at == NOW
