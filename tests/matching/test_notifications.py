"""Who hears what when a match moves, and the periodic reminders
(matches/mails.py, called from matches/lifecycle.py): each transition
queues each e-mail once, nobody is told about their own step, nothing private is in
any e-mail; reminders only in waking hours (Europe/Amsterdam, also in DST weeks); the
daily broker digest."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from caregivers.models import CareRecipient, HelpRequest, Mantelzorger
from common.errors import DomainError
from demo.factories import MantelzorgerFactory, UserFactory
from matches.lifecycle import (
    match_accept,
    match_activate,
    match_cancel,
    match_decline,
    match_end,
    match_link_check,
    match_link_use,
    match_proposal_mail,
)
from matches.mails import match_event_notify, reminders_send
from matches.models import Match, MatchEvent, MatchLinkToken
from matches.tasks import send_reminders
from neighbourhoods.models import StaffMembership
from notifications.models import Category, Notification
from notifications.services import outbox_drain, preferences_update
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import AMSTERDAM, NOW, TODAY
from tests.matching.lifecycle_factories import SECRET_HOUSE_NUMBER, SECRET_PHONE, SECRET_POSTCODE
from volunteers.models import Volunteer

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
V, R, B = "volunteer", "requester", "broker"

# The first line of each template, as people see it in their inbox ({name} = Vera).
SUBJECTS = {
    "accepted_requester": "Vera wil u graag helpen",
    "accepted_requester_offline": "Er is een vrijwilliger voor uw vraag",
    "accepted_broker": "Vera zegt ja op vraag #{request}",
    "declined_broker": "Nee op vraag #{request}",
    "declined_requester": "We zoeken verder voor uw vraag",
    "declined_volunteer": "De hulp gaat niet door",
    "active_volunteer": "Het gaat door: u gaat helpen",
    "active_requester": "Vera komt helpen",
    "cancelled_volunteer": "Het voorstel gaat niet door",
    "cancelled_requester": "Er is iets veranderd in uw hulp",
    "ended_volunteer": "Dank u wel voor uw hulp",
}


def _address(world, role: str) -> str:
    return {V: world.volunteer.email, R: world.requester_user.email, B: world.broker.email}[role]


def _do(action: str, match: Match, world, by: str):
    user = getattr(world, by)
    if action == "accept":
        return match_accept(match=match, by=user)
    if action == "decline_volunteer":
        return match_decline(match=match, by=user, side="volunteer", reason="no_time")
    if action == "decline_requester":
        return match_decline(match=match, by=user, side="requester", reason="no_click")
    if action == "decline_broker":
        return match_decline(match=match, by=user, side="broker", reason="other", note="Telefonisch afgezegd.")
    if action == "activate":
        return match_activate(match=match, by=user)
    if action == "cancel":
        return match_cancel(match=match, by=user, reason="Vrijwilliger verhuist.")
    if action == "end":
        return match_end(
            match=match,
            by=user,
            goal_reached="yes",
            volunteer_satisfaction=4,
            requester_satisfaction=5,
            next_step="close",
        )
    raise AssertionError(action)


def _mails(match: Match) -> dict[str, Notification]:
    """The rows queued about ``match``, by role (the last part of the key)."""
    rows = list(Notification.objects.filter(match=match).exclude(key__contains=":proposal"))
    by_role = {row.key.rsplit(":", 1)[-1]: row for row in rows}
    assert len(by_role) == len(rows)  # one e-mail per role and transition
    return by_role


def _text(row) -> str:
    return f"{row.subject}\n{row.body}\n{row.html}"


def _quiet_personas():
    """The personas' own request (status new, maybe made before the clock was frozen)
    must not count as 'waiting long' in the digest."""
    HelpRequest.objects.update(created_at=timezone.now())


# --- Each transition: who is told ------------------------------------------------------------


TRANSITIONS = [
    # action, from state, by, {role: template}
    ("accept", "proposed", "volunteer_user", {R: "accepted_requester", B: "accepted_broker"}),
    ("accept", "proposed", "broker", {R: "accepted_requester"}),  # the proposer recorded it
    ("accept", "proposed", "admin", {R: "accepted_requester", B: "accepted_broker"}),
    ("decline_volunteer", "proposed", "volunteer_user", {B: "declined_broker"}),
    (
        "decline_volunteer",
        "accepted_by_volunteer",
        "volunteer_user",
        {R: "declined_requester", B: "declined_broker"},
    ),
    (
        "decline_requester",
        "accepted_by_volunteer",
        "requester_user",
        {V: "declined_volunteer", B: "declined_broker"},
    ),
    ("decline_requester", "active", "requester_user", {V: "declined_volunteer", B: "declined_broker"}),
    ("activate", "accepted_by_volunteer", "broker", {V: "active_volunteer", R: "active_requester"}),
    ("activate", "accepted_by_volunteer", "requester_user", {V: "active_volunteer"}),
    ("cancel", "proposed", "broker", {V: "cancelled_volunteer"}),
    ("cancel", "accepted_by_volunteer", "broker", {V: "cancelled_volunteer", R: "cancelled_requester"}),
    ("cancel", "active", "broker", {V: "cancelled_volunteer", R: "cancelled_requester"}),
    ("end", "active", "broker", {V: "ended_volunteer"}),
]


@pytest.mark.parametrize(("action", "state", "by", "expected"), TRANSITIONS)
def test_who_is_told_of_each_transition(world, django_capture_on_commit_callbacks, action, state, by, expected):
    match = world.match(state)
    with django_capture_on_commit_callbacks(execute=True):
        _do(action, match, world, by)
        assert mail.outbox == []  # only after the commit
    event = MatchEvent.objects.filter(match=match).latest("pk")
    rows = _mails(match)
    assert {role: row.kind for role, row in rows.items()} == expected
    for role, row in rows.items():
        assert row.to_email == _address(world, role)
        assert row.key == f"match:{match.pk}:event:{event.pk}:{role}"
        assert row.category == (Category.BROKER if role == B else Category.UPDATES)
        assert row.subject == SUBJECTS[row.kind].format(request=match.request_id)
        assert row.organisation == world.org
        assert row.status == Notification.Status.SENT
    # Nobody is told about a step they took themselves.
    actor = getattr(world, by)
    assert actor.pk not in {row.user_id for row in rows.values()}
    assert actor.email not in {row.to_email for row in rows.values()}
    # One e-mail each, and the outbox agrees with the rows.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(row.to_email for row in rows.values())
    assert sorted(m.subject for m in mail.outbox) == sorted(row.subject for row in rows.values())


@pytest.mark.parametrize(("action", "state", "by", "expected"), TRANSITIONS)
def test_each_mail_of_a_transition_is_queued_once(world, action, state, by, expected):
    match = world.match(state)
    _do(action, match, world, by)
    event = MatchEvent.objects.filter(match=match).latest("pk")
    before = Notification.objects.count()
    assert before == len(expected)
    # The same event told again (a retry, a second caller) queues nothing new.
    assert match_event_notify(match=match, event=event, by=getattr(world, by)) == 0
    assert Notification.objects.count() == before


@pytest.mark.parametrize("state", ["accepted_by_volunteer", "active"])
def test_a_broker_who_records_a_no_tells_the_volunteer(world, state):
    """A match the volunteer said yes to (or that runs) stops: the volunteer must hear
    of it, as with a cancel; otherwise they keep coming."""
    match = world.match(state)
    _do("decline_broker", match, world, "broker")
    rows = _mails(match)
    assert V in rows, f"the volunteer was not told; queued: {sorted(rows)}"
    assert rows[V].to_email == world.volunteer.email
    assert R in rows and rows[R].to_email == world.requester_user.email
    assert B not in rows  # the broker did it


def test_a_yes_through_the_email_link_tells_requester_and_broker(world):
    match = world.match("proposed")
    secrets_ = match_proposal_mail(match=match)
    match_link_use(secret=secrets_["accept"], purpose="accept")
    rows = _mails(match)
    assert {role: row.kind for role, row in rows.items()} == {R: "accepted_requester", B: "accepted_broker"}


def test_the_broker_hears_why_the_volunteer_said_no(world):
    match = world.match("proposed")
    match_decline(match=match, by=world.volunteer_user, side="volunteer", reason="too_far")
    row = _mails(match)[B]
    assert "Vrijwilliger Vera zegt nee op uw voorstel" in row.body
    assert "Reden: te ver weg" in row.body
    assert reverse("matching_broker:detail", kwargs={"slug": world.org.slug, "pk": match.pk}) in row.body


def test_the_broker_hears_when_the_requester_stops(world):
    match = world.match("active")
    match_decline(match=match, by=world.requester_user, side="requester", reason="no_click")
    rows = _mails(match)
    assert "De hulpvrager van vraag" in rows[B].body
    assert "Reden: geen klik na de kennismaking" in rows[B].body
    assert "niet of niet meer past" in rows[V].body


def test_a_broker_who_left_the_organisation_is_not_told(world):
    StaffMembership.objects.filter(user=world.broker, organisation=world.org).delete()
    match = world.match("proposed")
    match_accept(match=match, by=world.volunteer_user)
    assert set(_mails(match)) == {R}


def test_starting_tells_the_volunteers_whose_proposal_is_cancelled(world):
    request = world.new_request()
    mine = world.match("accepted_by_volunteer", request=request)
    other = world.match("proposed", request=request, volunteer=world.other_volunteer)
    match_activate(match=mine, by=world.requester_user)
    assert {role: row.kind for role, row in _mails(other).items()} == {V: "cancelled_volunteer"}
    assert _mails(other)[V].to_email == world.other_volunteer.email


@pytest.mark.parametrize(
    ("action", "state", "by", "role", "dutch", "english"),
    [
        ("accept", "proposed", "volunteer_user", R, "(praktische hulp)", "practical help"),
        ("accept", "proposed", "volunteer_user", R, "Wanneer: elke dinsdag 14:00-16:00", "every tuesday"),
        ("decline_volunteer", "proposed", "volunteer_user", B, "Reden: geen tijd op dat moment", "no time"),
        ("activate", "accepted_by_volunteer", "broker", V, "De hulp (praktische hulp)", "practical help"),
    ],
)
def test_mails_are_dutch_when_the_step_is_taken_in_english(world, action, state, by, role, dutch, english):
    """The site can be used in English (LocaleMiddleware); the e-mails are Dutch
    templates, so every part of them must be Dutch too, whoever took the step."""
    match = world.match(state)
    with translation.override("en"):
        _do(action, match, world, by)
    row = _mails(match)[role]
    assert english not in _text(row).lower()
    assert dutch in row.body


def test_the_proposal_is_dutch_when_the_broker_works_in_english(world):
    match = world.match("proposed")
    with translation.override("en"):
        match_proposal_mail(match=match)
    row = Notification.objects.get()
    assert row.subject == "Wilt u helpen? Praktische hulp in Centrum"
    assert "Wanneer: elke dinsdag 14:00-16:00" in row.body


# --- The requester's address: account, mantelzorger, or none ----------------------------------


def _request_for(world, who: str) -> tuple[HelpRequest, str, bool]:
    """A request whose contact is ``who``; returns it, the address mail should go
    to ('' for none) and whether that person has an account."""
    request = world.new_request()
    if who == "requester_account":
        return request, world.requester_user.email, True
    if who == "mantelzorger_account":
        carla = UserFactory(email="carla@example.nl", first_name="Carla")
        carer = MantelzorgerFactory(user=carla, organisation=world.org, email="carla.prive@example.nl")
        HelpRequest.objects.filter(pk=request.pk).update(requester=None, mantelzorger=carer)
        return request, "carla@example.nl", True
    if who == "request_email":
        HelpRequest.objects.filter(pk=request.pk).update(requester=None, mantelzorger=None, email="maria@example.nl")
        return request, "maria@example.nl", False
    if who == "mantelzorger_email":
        carer = MantelzorgerFactory(user=None, organisation=world.org, email="Kees@Example.nl")
        HelpRequest.objects.filter(pk=request.pk).update(requester=None, mantelzorger=carer, email="")
        return request, "kees@example.nl", False
    if who == "nobody":
        HelpRequest.objects.filter(pk=request.pk).update(requester=None, mantelzorger=None, email="")
        return request, "", False
    raise AssertionError(who)


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("requester_account", "accepted_requester"),
        ("mantelzorger_account", "accepted_requester"),
        ("request_email", "accepted_requester_offline"),
        ("mantelzorger_email", "accepted_requester_offline"),
        ("nobody", None),
    ],
)
def test_a_requester_without_an_account_gets_the_offline_yes(world, who, kind):
    request, address, has_account = _request_for(world, who)
    match = world.match("proposed", request=request)
    match_accept(match=match, by=world.volunteer_user)
    rows = _mails(match)
    assert B in rows  # the broker hears in every case
    if kind is None:
        assert set(rows) == {B}
        return
    row = rows[R]
    assert (row.kind, row.to_email) == (kind, address)
    assert (row.user is not None) is has_account
    who_comes = reverse("matching_people:requester")
    if has_account:
        assert who_comes in row.body and who_comes in row.html
        assert "Wie komt er?" in row.body
    else:
        assert who_comes not in row.body and who_comes not in row.html
        assert "Wie komt er" not in row.body
        assert "Centrale A belt u" in row.body


@pytest.mark.parametrize("who", ["requester_account", "request_email"])
def test_the_start_mail_links_the_requester_page_only_for_an_account(world, who):
    request, address, has_account = _request_for(world, who)
    match = world.match("accepted_by_volunteer", request=request)
    match_activate(match=match, by=world.broker)
    row = _mails(match)[R]
    assert (row.kind, row.to_email) == ("active_requester", address)
    assert (reverse("matching_people:requester") in row.body) is has_account


# --- A step that fails tells nobody --------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state", "by"),
    [
        ("accept", "cancelled", "volunteer_user"),  # accepting a proposal that was withdrawn
        ("accept", "declined", "volunteer_user"),
        ("accept", "proposed", "other_volunteer_user"),  # not theirs
        ("activate", "proposed", "requester_user"),
        ("decline_requester", "proposed", "requester_user"),
        ("cancel", "ended", "broker"),
        ("end", "accepted_by_volunteer", "broker"),
        ("cancel", "active", "broker_b"),
    ],
)
def test_a_refused_step_queues_nothing(world, django_capture_on_commit_callbacks, action, state, by):
    match = world.match(state)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        _do(action, match, world, by)
    assert not Notification.objects.exists()
    assert not any("notification" in repr(c) for c in callbacks)
    assert mail.outbox == []


def test_a_rolled_back_transition_sends_nothing(world, django_capture_on_commit_callbacks):
    """The transition succeeds but the caller's transaction fails afterwards."""
    match = world.match("proposed")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        match_accept(match=match, by=world.volunteer_user)
        assert Notification.objects.count() == 2
        raise RuntimeError("the page failed after the yes")
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert Match.objects.get(pk=match.pk).status == "proposed"


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_yes_is_saved_and_its_mails_wait(world, monkeypatch):
    from kombu.exceptions import OperationalError

    from notifications.tasks import deliver_notification

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(deliver_notification, "apply_async", refuse)
    match = world.match("proposed")
    match_accept(match=match, by=world.volunteer_user)  # commits; nothing raised
    assert Match.objects.get(pk=match.pk).status == "accepted_by_volunteer"
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []
    assert outbox_drain(min_age_seconds=0)["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.requester_user.email, world.broker.email])
    assert outbox_drain(min_age_seconds=0)["sent"] == 0


# --- Nothing private in any e-mail ---------------------------------------------------------


ALL_KINDS = {
    *SUBJECTS,
    "proposal",
    "proposal_alert_broker",
    "vog_volunteer",
    "digest_broker",
}
_URL = re.compile(r"https?://[^\s\"'<>]+")


def test_no_mail_holds_an_address_a_phone_or_care_details(world, frozen_now):
    """Every kind of e-mail once, for requests with an address, a phone and a care
    recipient; none of those (nor a last name) is in any subject, text or HTML."""
    _quiet_personas()
    Mantelzorger.objects.filter(pk=world.mantelzorger.pk).update(
        postcode="6541 KL", house_number="9", phone="06-99988877", email="mark.prive@example.nl"
    )
    Volunteer.objects.filter(pk=world.volunteer.pk).update(
        last_name="Quackenbosch",
        postcode="6543 QW",
        house_number="12c",
        phone="06-11122233",
        vog_valid_until=TODAY + 30 * DAY,
    )
    care = CareRecipient.objects.create(
        mantelzorger=world.mantelzorger,
        name="Gerrit-Jan Quirijnsen",
        age_band="80+",
        situation="dementia",
        notes="Sleutel ligt onder de mat bij de achterdeur.",
    )

    def request(**fields):
        return world.new_request(kind="respite", care_recipient=care, **fields)

    first = world.match("proposed", request=request())
    match_proposal_mail(match=first)
    frozen_now.move_to(NOW + 7 * DAY)
    reminders_send()  # reminder, broker alert, VOG, digest
    match_accept(match=first, by=world.volunteer_user)
    match_activate(match=first, by=world.broker)
    _do("end", first, world, "broker")
    _do("decline_volunteer", world.match("accepted_by_volunteer", request=request()), world, "volunteer_user")
    _do("decline_requester", world.match("active", request=request(status="matched")), world, "requester_user")
    _do("cancel", world.match("accepted_by_volunteer", request=request()), world, "broker")
    offline = request()
    HelpRequest.objects.filter(pk=offline.pk).update(
        requester=None, mantelzorger=None, email="maria@example.nl", phone="06-44433322"
    )
    _do("accept", world.match("proposed", request=offline), world, "volunteer_user")

    rows = list(Notification.objects.all())
    assert {row.kind for row in rows} == ALL_KINDS  # every template was checked
    private = [
        SECRET_POSTCODE,
        SECRET_HOUSE_NUMBER,
        SECRET_PHONE,
        "06-44433322",
        "Özdemir-Zwanenburg",  # last names stay behind the login
        "Quackenbosch",
        "6541 KL",
        "06-99988877",
        "mark.prive@example.nl",
        "6543 QW",
        "12c",
        "06-11122233",
        "Quirijnsen",
        "Gerrit",
        "Sleutel ligt onder de mat",
        "dementie",
        "80 jaar of ouder",
    ]
    for row in rows:
        text = _URL.sub("", _text(row))  # links hold random secrets, not private data
        leaked = [value for value in private if value in text]
        assert not leaked, f"{row.kind} to {row.to_email} holds {leaked}"


# --- The proposal ---------------------------------------------------------------------------


def test_the_proposal_is_queued_once_per_match(world):
    match = world.match("proposed")
    secrets_ = match_proposal_mail(match=match, request_factory_or_base_url="https://bm.example")
    assert set(secrets_) == {"accept", "decline"}
    row = Notification.objects.get()
    assert (row.key, row.kind, row.category) == (f"match:{match.pk}:proposal", "proposal", Category.PROPOSALS)
    assert (row.to_email, row.user, row.match, row.organisation) == (
        world.volunteer.email,
        world.volunteer_user,
        match,
        world.org,
    )
    assert f"https://bm.example/koppelingen/link/accept/{secrets_['accept']}/" in row.body
    assert match_proposal_mail(match=match, request_factory_or_base_url="https://bm.example") is None
    assert Notification.objects.count() == 1
    assert MatchLinkToken.objects.filter(match=match).count() == 2  # no new links either


def test_with_proposals_off_nothing_is_queued_and_no_links_are_made(world):
    preferences_update(email=world.volunteer.email.upper(), values={"proposals": False})
    match = world.match("proposed")
    assert match_proposal_mail(match=match) is None
    assert not Notification.objects.exists()
    assert not MatchLinkToken.objects.exists()


def test_other_preferences_do_not_stop_the_proposal(world):
    preferences_update(email=world.volunteer.email, values={"updates": False, "reminders": False})
    assert match_proposal_mail(match=world.match("proposed")) is not None
    assert Notification.objects.get().category == Category.PROPOSALS


def test_the_choice_on_the_settings_page_governs_the_volunteers_mail(client, world):
    """Vera's volunteer profile has its own address (entered by the broker) besides her
    login. When she switches proposals off on her e-mail settings page, which says it
    is about 'a mail when the centre asks you to help', no proposal mail may go out."""
    assert world.volunteer.email != world.volunteer_user.email
    log_in(client, world.volunteer_user)
    response = client.post(reverse("notifications:preferences"), {"updates": "on", "reminders": "on"})
    assert response.status_code == 302
    assert match_proposal_mail(match=world.match("proposed")) is None
    assert not Notification.objects.filter(kind="proposal").exists()


def test_with_updates_off_the_requester_is_not_told_but_the_broker_is(world):
    preferences_update(email=world.requester_user.email, values={"updates": False})
    match = world.match("proposed")
    match_accept(match=match, by=world.volunteer_user)
    assert set(_mails(match)) == {B}


# --- Reminders --------------------------------------------------------------------------------


_LINK = re.compile(r"/koppelingen/link/(accept|decline)/([A-Za-z0-9_-]+)/")


def _links(text: str) -> dict[str, str]:
    return dict(_LINK.findall(text))


def test_a_proposal_without_answer_is_reminded_once_then_the_broker_is_told(
    world, frozen_now, django_capture_on_commit_callbacks
):
    match = world.match("proposed")  # proposed at NOW (Monday 10:00)
    with django_capture_on_commit_callbacks(execute=True):
        original = match_proposal_mail(match=match)

    frozen_now.move_to(NOW + 3 * DAY - MINUTE)
    assert reminders_send()["proposal_reminder"] == 0
    assert not Notification.objects.filter(key__endswith="proposal-reminder").exists()

    frozen_now.move_to(NOW + 3 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send()
    assert counts["proposal_reminder"] == 1
    assert counts["proposal_alert"] == 0
    row = Notification.objects.get(key=f"match:{match.pk}:proposal-reminder")
    assert (row.category, row.to_email) == (Category.REMINDERS, world.volunteer.email)
    reminder = next(m for m in mail.outbox if m.subject.startswith("Herinnering:"))
    assert reminder.to == [world.volunteer.email]
    links = _links(reminder.body)
    assert set(links) == {"accept", "decline"}
    assert set(links.values()).isdisjoint(original.values())  # new links
    for purpose, secret in links.items():
        assert match_link_check(secret=secret, purpose=purpose) == match
    tokens = MatchLinkToken.objects.count()
    assert tokens == 4

    # Again, later that day: nothing new, no new links.
    frozen_now.move_to(NOW + 3 * DAY + 5 * 60 * MINUTE)
    assert reminders_send()["proposal_reminder"] == 0
    assert MatchLinkToken.objects.count() == tokens
    assert Notification.objects.filter(key__endswith="proposal-reminder").count() == 1

    # After 7 days the broker who proposed hears, once.
    frozen_now.move_to(NOW + 7 * DAY - MINUTE)
    assert reminders_send()["proposal_alert"] == 0
    frozen_now.move_to(NOW + 7 * DAY)
    counts = reminders_send()
    assert (counts["proposal_alert"], counts["proposal_reminder"]) == (1, 0)
    alert = Notification.objects.get(key=f"match:{match.pk}:proposal-alert")
    assert (alert.kind, alert.category, alert.to_email) == ("proposal_alert_broker", Category.BROKER, "bea@example.nl")
    assert alert.subject == f"Nog geen antwoord op vraag #{match.request_id}"
    assert reminders_send()["proposal_alert"] == 0
    assert Notification.objects.filter(key__endswith="proposal-alert").count() == 1

    # The link from the reminder works.
    match_link_use(secret=links["accept"], purpose="accept")
    assert Match.objects.get(pk=match.pk).status == "accepted_by_volunteer"


def test_the_organisations_own_reminder_intervals_count(world, frozen_now, django_capture_on_commit_callbacks):
    """Set on the settings page: reminder after 5 days, broker alert after 10."""
    match = world.match("proposed")
    with django_capture_on_commit_callbacks(execute=True):
        match_proposal_mail(match=match)  # a reminder only follows a proposal that was e-mailed
    organisation = match.organisation
    organisation.proposal_reminder_days, organisation.proposal_alert_days = 5, 10
    organisation.save()
    frozen_now.move_to(NOW + 5 * DAY - MINUTE)
    assert reminders_send()["proposal_reminder"] == 0  # the default 3 days no longer counts
    frozen_now.move_to(NOW + 5 * DAY)
    assert reminders_send()["proposal_reminder"] == 1
    frozen_now.move_to(NOW + 10 * DAY - MINUTE)
    assert reminders_send()["proposal_alert"] == 0  # nor the default 7
    frozen_now.move_to(NOW + 10 * DAY)
    assert reminders_send()["proposal_alert"] == 1


def test_no_reminder_for_an_answered_proposal(world, frozen_now):
    answered = world.match("proposed")
    match_accept(match=answered, by=world.volunteer_user)
    frozen_now.move_to(NOW + 8 * DAY)
    counts = reminders_send()
    assert (counts["proposal_reminder"], counts["proposal_alert"]) == (0, 0)
    assert not Notification.objects.filter(key__contains=":proposal-").exists()


def test_with_reminders_off_the_volunteer_gets_none_but_the_broker_still_hears(world, frozen_now):
    preferences_update(email=world.volunteer.email, values={"reminders": False})
    match = world.match("proposed")
    frozen_now.move_to(NOW + 7 * DAY)
    counts = reminders_send()
    assert (counts["proposal_reminder"], counts["proposal_alert"]) == (0, 1)
    assert not MatchLinkToken.objects.filter(match=match).exists()


def test_no_alert_when_the_proposer_left_the_organisation(world, frozen_now):
    StaffMembership.objects.filter(user=world.broker, organisation=world.org).delete()
    world.match("proposed")
    frozen_now.move_to(NOW + 7 * DAY)
    assert reminders_send()["proposal_alert"] == 0
    assert not Notification.objects.filter(kind="proposal_alert_broker").exists()


QUIET_HOURS = [
    (datetime.datetime(2030, 6, 3, 23, 30, tzinfo=AMSTERDAM), False),
    (datetime.datetime(2030, 6, 4, 7, 59, tzinfo=AMSTERDAM), False),
    (datetime.datetime(2030, 6, 4, 8, 0, tzinfo=AMSTERDAM), True),
    (datetime.datetime(2030, 6, 4, 8, 5, tzinfo=AMSTERDAM), True),
    (datetime.datetime(2030, 6, 4, 19, 59, tzinfo=AMSTERDAM), True),
    (datetime.datetime(2030, 6, 4, 20, 0, tzinfo=AMSTERDAM), False),
    # The first summer-time day: CEST is UTC+2.
    (datetime.datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True),  # 09:30 CEST
    (datetime.datetime(2026, 3, 29, 6, 30, tzinfo=UTC), True),  # 08:30 CEST (07:30 in winter time)
    (datetime.datetime(2026, 3, 29, 5, 30, tzinfo=UTC), False),  # 07:30 CEST
    (datetime.datetime(2026, 3, 29, 18, 30, tzinfo=UTC), False),  # 20:30 CEST (19:30 in winter time)
    # The first winter-time day: CET is UTC+1.
    (datetime.datetime(2026, 10, 25, 6, 30, tzinfo=UTC), False),  # 07:30 CET (08:30 in summer time)
    (datetime.datetime(2026, 10, 25, 7, 30, tzinfo=UTC), True),  # 08:30 CET
    (datetime.datetime(2026, 10, 25, 18, 30, tzinfo=UTC), True),  # 19:30 CET (20:30 in summer time)
]


def _mailed_proposal(world, **fields):
    """A proposal whose e-mail was queued (a reminder only follows a proposal mail)."""
    match = world.match("proposed", **fields)
    assert match_proposal_mail(match=match) is not None
    return match


def test_no_reminder_for_a_proposal_that_was_never_mailed(world, frozen_now):
    frozen_now.move_to(NOW - 4 * DAY)
    world.match("proposed")  # e.g. entered while the volunteer had proposal mail switched off
    frozen_now.move_to(NOW)
    assert reminders_send()["proposal_reminder"] == 0
    assert not Notification.objects.filter(key__contains=":proposal").exists()


@pytest.mark.parametrize(("moment", "allowed"), QUIET_HOURS, ids=lambda v: v.isoformat() if hasattr(v, "year") else v)
def test_reminders_only_in_waking_hours_amsterdam_time(world, frozen_now, moment, allowed):
    frozen_now.move_to(moment - 4 * DAY)
    match = _mailed_proposal(world)
    frozen_now.move_to(moment)
    counts = reminders_send()
    if allowed:
        assert counts["proposal_reminder"] == 1
        assert Notification.objects.filter(key=f"match:{match.pk}:proposal-reminder").exists()
    else:
        assert counts == Counter(quiet_hours=1)
        assert not Notification.objects.filter(key__endswith="proposal-reminder").exists()
        # It was due: only the hour held it back.
        assert reminders_send(force=True)["proposal_reminder"] == 1


def test_quiet_hours_cost_no_queries(world, frozen_now, django_assert_num_queries):
    frozen_now.move_to(NOW - 4 * DAY)
    world.match("proposed")
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 2, 0, tzinfo=AMSTERDAM))
    with django_assert_num_queries(0):
        assert reminders_send() == Counter(quiet_hours=1)


def test_reminder_hours_follow_the_setting(world, frozen_now, settings):
    settings.REMINDER_HOURS = (9, 17)
    frozen_now.move_to(NOW - 4 * DAY)
    _mailed_proposal(world)
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 8, 30, tzinfo=AMSTERDAM))
    assert reminders_send() == Counter(quiet_hours=1)
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 16, 59, tzinfo=AMSTERDAM))
    assert reminders_send()["proposal_reminder"] == 1


# --- VOG ------------------------------------------------------------------------------------


def _vog(world, valid_until):
    Volunteer.objects.filter(pk=world.volunteer.pk).update(vog_valid_until=valid_until)


@pytest.mark.parametrize(
    ("valid_until", "subject"),
    [
        (TODAY + 61 * DAY, None),
        (TODAY + 60 * DAY, "Uw VOG verloopt binnenkort"),
        (TODAY + 10 * DAY, "Uw VOG verloopt binnenkort"),
        (TODAY, "Uw VOG verloopt binnenkort"),
        (TODAY - DAY, "Uw VOG is niet (meer) geldig"),
        (None, "Uw VOG is niet (meer) geldig"),
    ],
)
def test_vog_reminder_once_per_vog_date(world, valid_until, subject):
    world.match("active", request=world.new_request(kind="respite", status="matched"))
    _vog(world, valid_until)
    counts = reminders_send()
    rows = Notification.objects.filter(kind="vog_volunteer")
    if subject is None:
        assert counts["vog_reminder"] == 0 and not rows.exists()
        return
    assert counts["vog_reminder"] == 1
    row = rows.get()
    assert row.key == f"volunteer:{world.volunteer.pk}:vog:{valid_until or 'none'}"
    assert (row.to_email, row.category, row.subject) == (world.volunteer.email, Category.REMINDERS, subject)
    assert reminders_send()["vog_reminder"] == 0
    assert rows.count() == 1


def test_a_new_vog_date_gets_its_own_reminder(world, frozen_now):
    world.match("proposed", request=world.new_request(kind="respite"))
    _vog(world, TODAY + 20 * DAY)
    assert reminders_send()["vog_reminder"] == 1
    frozen_now.move_to(NOW + DAY)
    assert reminders_send()["vog_reminder"] == 0
    _vog(world, TODAY + 50 * DAY)  # renewed, still within the 60 days
    assert reminders_send()["vog_reminder"] == 1
    assert Notification.objects.filter(kind="vog_volunteer").count() == 2


@pytest.mark.parametrize(
    ("status", "kind", "due"),
    [
        ("active", "respite", True),
        ("proposed", "respite", True),
        ("active", "practical", False),  # this help needs no VOG
        ("ended", "respite", False),  # no open match
        ("cancelled", "respite", False),
    ],
)
def test_vog_reminder_only_for_an_open_match_that_needs_one(world, status, kind, due):
    world.match(status, request=world.new_request(kind=kind))
    _vog(world, TODAY + 5 * DAY)
    assert reminders_send()["vog_reminder"] == int(due)


# --- The daily digest ---------------------------------------------------------------------


def _digests():
    return Notification.objects.filter(kind="digest_broker")


def _one_of_each(world, frozen_now):
    """A proposal without answer for 4 days and a VOG ending soon: two items."""
    frozen_now.move_to(NOW - 4 * DAY)
    _mailed_proposal(world, request=world.new_request(kind="respite"))
    _vog(world, TODAY + 20 * DAY)
    frozen_now.move_to(NOW)
    _quiet_personas()


def test_each_broker_and_admin_gets_one_digest_with_counts_and_no_names(world, frozen_now):
    _one_of_each(world, frozen_now)
    Volunteer.objects.filter(pk=world.volunteer.pk).update(last_name="Quackenbosch")
    counts = reminders_send()
    assert counts["digest"] == 2
    rows = {row.to_email: row for row in _digests()}
    assert set(rows) == {"bea@example.nl", "ada@example.nl"}  # not Bob (B), not the municipality
    assert all(row.category == Category.DIGEST and row.organisation == world.org for row in rows.values())
    bea = rows["bea@example.nl"]
    assert bea.key == f"digest:{world.org.pk}:{world.broker.pk}:{TODAY.isoformat()}"
    assert bea.subject == "Aandacht nodig: 2 punten"
    assert "- Voorstel zonder antwoord: 1" in bea.body
    assert "- VOG verloopt: 1" in bea.body
    assert "Goedemorgen Bea" in bea.body
    assert reverse("attention:list", kwargs={"slug": world.org.slug}) in bea.body
    names = [
        "Vera",
        "Quackenbosch",
        "Maria",
        "Özdemir-Zwanenburg",
        world.requester_user.first_name,
        "Otto",
    ]
    for row in rows.values():
        text = _URL.sub("", _text(row))
        assert not [name for name in names if name in text]


def test_no_digest_when_nothing_needs_attention(world, frozen_now):
    _quiet_personas()
    world.match("proposed")  # fresh
    world.match("active")
    counts = reminders_send()
    assert counts["digest"] == 0
    assert not _digests().exists()


def test_one_digest_a_day_and_a_new_one_the_next_day(world, frozen_now):
    _one_of_each(world, frozen_now)
    assert reminders_send()["digest"] == 2
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 19, 59, tzinfo=AMSTERDAM))
    assert reminders_send()["digest"] == 0
    frozen_now.move_to(datetime.datetime(2030, 6, 4, 8, 5, tzinfo=AMSTERDAM))
    assert reminders_send()["digest"] == 2
    days = sorted({row.key.rsplit(":", 1)[-1] for row in _digests()})
    assert days == ["2030-06-03", "2030-06-04"]
    assert _digests().filter(to_email="bea@example.nl").count() == 2


def test_the_broker_of_another_organisation_gets_only_their_own(world, frozen_now):
    _one_of_each(world, frozen_now)
    reminders_send()
    assert not _digests().filter(to_email=world.broker_b.email).exists()
    assert not _digests().filter(organisation=world.org_b).exists()


def test_no_digest_for_a_broker_who_switched_it_off_or_left(world, frozen_now):
    _one_of_each(world, frozen_now)
    preferences_update(email="bea@example.nl", values={"digest": False})
    type(world.admin).objects.filter(pk=world.admin.pk).update(is_active=False)
    extra = UserFactory(email="bram@example.nl", first_name="Bram")
    StaffMembership.objects.create(user=extra, organisation=world.org, role=StaffMembership.Role.BROKER)
    assert reminders_send()["digest"] == 1
    assert list(_digests().values_list("to_email", flat=True)) == ["bram@example.nl"]


# --- The periodic task ------------------------------------------------------------------------


def test_send_reminders_task_returns_the_counts(world, frozen_now):
    _one_of_each(world, frozen_now)
    result = send_reminders.delay().get()
    assert isinstance(result, dict)
    json.dumps(result)  # a plain, serialisable result
    assert {k: v for k, v in result.items() if v} == {"proposal_reminder": 1, "vog_reminder": 1, "digest": 2}
    again = send_reminders.delay().get()
    assert {k: v for k, v in again.items() if v} == {}
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 22, 0, tzinfo=AMSTERDAM))
    assert send_reminders.delay().get() == {"quiet_hours": 1}


def test_the_digest_is_a_morning_mail(world, frozen_now):
    _one_of_each(world, frozen_now)
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 14, 0, tzinfo=AMSTERDAM))
    counts = reminders_send()
    assert counts["digest"] == 0 and not _digests().exists()
    frozen_now.move_to(datetime.datetime(2030, 6, 4, 8, 15, tzinfo=AMSTERDAM))
    assert reminders_send()["digest"] == 2
    assert all(row.subject.startswith("Aandacht nodig") for row in _digests())


def test_send_reminders_command(world, frozen_now):
    from io import StringIO

    from django.core.management import call_command

    _one_of_each(world, frozen_now)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "proposal_reminder 1" in out.getvalue() and "digest 2" in out.getvalue()
    frozen_now.move_to(datetime.datetime(2030, 6, 3, 23, 0, tzinfo=AMSTERDAM))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Outside waking hours" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--force", stdout=out)
    assert "nothing due" in out.getvalue()
