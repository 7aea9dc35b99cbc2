"""Messages about a sign-up for an activity (issue #16 item 4): the person who signed up,
the centre's brokers (every read in the access log) and the partner that organises the
activity; bad input, closed threads, first names and hidden contact details until the
place is confirmed, the notice, the inbox, export and erasure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, SignUp
from audit.models import AccessLogEntry
from common.errors import DomainError
from conversations.models import Message, Thread
from conversations.selectors import inbox_of, unread_count
from conversations.services import message_post
from notifications.models import Notification
from tests.login import log_in

pytestmark = pytest.mark.django_db

NOTICE = "conversations/email/notice"


@dataclass
class Act:
    activity: Any
    signup: Any  # Mark (mantelzorger), a participant on the waiting list
    helper: Any  # Vera, a helping volunteer with a confirmed place
    mantelzorger: Any


@pytest.fixture
def act(scene):
    from caregivers.models import Mantelzorger
    from partners.models import Partner

    Mantelzorger.objects.filter(user=scene.mark).update(first_name="Mark", last_name="Jansen")
    mantelzorger = Mantelzorger.objects.get(user=scene.mark)
    partner = Partner.objects.get(name="Voedselbank")
    activity = Activity.objects.create(
        organisation=scene.org,
        partner=partner,
        title="Samen eten in de wijk",
        description="Een warme maaltijd.",
        until=timezone.localdate() + datetime.timedelta(days=30),
        participant_places=1,
        volunteer_places=1,
        place="Arnhem",
        latitude=51.98,
        longitude=5.91,
        created_by=scene.bea,
    )
    now = timezone.now()
    signup = SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.PARTICIPANT,
        user=scene.mark,
        mantelzorger=mantelzorger,
        status=SignUp.Status.WAITING,
        waiting_since=now,
    )
    helper = SignUp.objects.create(
        activity=activity,
        role=SignUp.Role.HELPER,
        user=scene.vera,
        volunteer=scene.volunteer,
        status=SignUp.Status.CONFIRMED,
        confirmed_at=now,
    )
    return Act(activity=activity, signup=signup, helper=helper, mantelzorger=mantelzorger)


def _url(signup):
    return reverse("conversations:signup", kwargs={"pk": signup.pk})


def _broker_url(signup, slug):
    return reverse("conversations_activity:thread", kwargs={"slug": slug, "pk": signup.pk})


# --- Writing and reading ------------------------------------------------------------------


def test_the_person_and_the_broker_exchange_messages(client, scene, act):
    log_in(client, scene.mark)
    assert client.post(_url(act.signup), {"body": "Is er vervoer?"}).status_code == 302
    assert Message.objects.get().side == Message.Side.PARTICIPANT
    client.logout()
    log_in(client, scene.bea)
    before = AccessLogEntry.objects.count()
    page = client.get(_broker_url(act.signup, scene.org.slug))
    assert page.status_code == 200 and "Is er vervoer?" in page.content.decode()
    rows = list(AccessLogEntry.objects.order_by("seq")[before:])
    assert [(r.what, r.actor_id, r.subject_key) for r in rows] == [
        ("activity_messages", scene.bea.pk, f"mantelzorger:{act.mantelzorger.pk}")
    ]
    assert client.post(_broker_url(act.signup, scene.org.slug), {"body": "Ja, de bus."}).status_code == 302
    assert list(Message.objects.values_list("side", flat=True)) == ["participant", "broker"]


def test_a_helping_volunteer_writes_as_the_volunteer_and_the_partner_answers(client, scene, act):
    log_in(client, scene.vera)
    assert client.post(_url(act.helper), {"body": "Ik kom om vijf uur."}).status_code == 302
    client.logout()
    log_in(client, scene.partner_user)
    page = client.get(_url(act.helper))
    assert page.status_code == 200 and "Ik kom om vijf uur." in page.content.decode()
    assert client.post(_url(act.helper), {"body": "Fijn!"}).status_code == 302
    assert list(Message.objects.values_list("side", flat=True)) == ["volunteer", "partner"]
    client.logout()
    log_in(client, scene.vera)
    html = client.get(_url(act.helper)).content.decode()
    assert "Piet" in html and "(Voedselbank)" in html


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Schrijf een bericht."), ("  \n ", "Schrijf een bericht."), ("x" * 2001, "hoogstens 2000 tekens")],
)
def test_empty_or_too_long_message_is_a_form_error(client, scene, act, body, error):
    log_in(client, scene.mark)
    response = client.post(_url(act.signup), {"body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_html_in_a_message_is_shown_as_text(client, scene, act):
    log_in(client, scene.mark)
    client.post(_url(act.signup), {"body": "<script>alert('x')</script>"})
    html = client.get(_url(act.signup)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


@pytest.mark.parametrize("how", ["cancelled_signup", "cancelled_activity", "activity_over"])
def test_the_thread_closes_with_the_signup_or_the_activity(client, scene, act, how):
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Tot dan")
    if how == "cancelled_signup":
        SignUp.objects.filter(pk=act.signup.pk).update(status=SignUp.Status.CANCELLED)
    elif how == "cancelled_activity":
        Activity.objects.filter(pk=act.activity.pk).update(status=Activity.Status.CANCELLED)
    else:
        Activity.objects.filter(pk=act.activity.pk).update(until=timezone.localdate() - datetime.timedelta(days=1))
    log_in(client, scene.mark)
    response = client.post(_url(act.signup), {"body": "Nog een vraag"})
    assert response.status_code == 400 and "Dit gesprek is gesloten" in response.content.decode()
    page = client.get(_url(act.signup)).content.decode()
    assert "Tot dan" in page and 'name="body"' not in page
    with pytest.raises(DomainError):
        message_post(subject=SignUp.objects.get(pk=act.signup.pk), user=scene.bea, side="broker", body="Hallo")
    assert Message.objects.count() == 1


def test_cancelling_through_the_service_closes_the_thread(scene, act):
    from activities.services import signup_cancel

    signup_cancel(signup=act.signup, by=scene.mark)
    with pytest.raises(DomainError, match="gesloten"):
        message_post(subject=SignUp.objects.get(pk=act.signup.pk), user=scene.mark, side="participant", body="Hoi")


# --- Nobody else --------------------------------------------------------------------------


def test_nobody_else_reads_or_writes_a_signup_thread(client, scene, act):
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Geheim bericht")
    # Vera helps at the same activity, Otto is another volunteer, Sanne works for another
    # partner; brokers and the admin use the organisation's page, not this one.
    for user in (scene.vera, scene.other_volunteer, scene.other_partner_user, scene.bea, scene.ada, scene.bob):
        client.logout()
        log_in(client, user)
        assert client.get(_url(act.signup)).status_code == 404, user.email
        assert client.post(_url(act.signup), {"body": "ik lees mee"}).status_code == 404, user.email
    assert Message.objects.count() == 1


def test_a_partner_reads_only_the_signups_of_activities_it_organises(client, scene, act):
    Activity.objects.filter(pk=act.activity.pk).update(partner=None)
    log_in(client, scene.partner_user)
    assert client.get(_url(act.signup)).status_code == 404


def test_only_the_organisations_brokers_open_the_broker_thread(client, scene, act):
    log_in(client, scene.bob)  # a broker of organisation B
    assert client.get(_broker_url(act.signup, scene.org.slug)).status_code == 404
    assert client.get(_broker_url(act.signup, "org-b")).status_code == 404
    client.logout()
    for user in (scene.ada, scene.mark, scene.vera, scene.partner_user):
        log_in(client, user)
        assert client.get(_broker_url(act.signup, scene.org.slug)).status_code == 404, user.email
        client.logout()
    assert not AccessLogEntry.objects.filter(what="activity_messages").exists()


def test_the_service_refuses_a_side_the_user_does_not_have(scene, act):
    with pytest.raises(DomainError):
        message_post(subject=act.signup, user=scene.vera, side="participant", body="Hallo")
    with pytest.raises(DomainError):
        message_post(subject=act.signup, user=scene.mark, side="broker", body="Hallo")
    assert not Message.objects.exists()


# --- Until the place is confirmed --------------------------------------------------------


def test_first_names_and_no_contact_details_until_the_place_is_confirmed(client, scene, act):
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Bel 06-12345678 of mark@voorbeeld.nl")
    log_in(client, scene.partner_user)
    html = client.get(_url(act.signup)).content.decode()
    assert "Mark" in html and "Jansen" not in html
    assert "06-12345678" not in html and "mark@voorbeeld.nl" not in html and "[contactgegeven verborgen]" in html
    SignUp.objects.filter(pk=act.signup.pk).update(status=SignUp.Status.CONFIRMED, confirmed_at=timezone.now())
    html = client.get(_url(act.signup)).content.decode()
    assert "Mark Jansen" in html and "06-12345678" in html and "mark@voorbeeld.nl" in html


# --- Notices and the inbox ------------------------------------------------------------------


def test_the_notice_holds_no_content_and_goes_to_the_other_side(scene, act):
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Geheime inhoud")
    notices = Notification.objects.filter(kind=NOTICE)
    assert sorted(notices.values_list("to_email", flat=True)) == sorted([scene.bea.email, scene.partner_user.email])
    for notice in notices:
        assert "Geheime inhoud" not in notice.body and notice.subject == "U hebt een nieuw bericht"
    message_post(subject=act.signup, user=scene.bea, side="broker", body="Antwoord")
    assert notices.filter(to_email=scene.mark.email).count() == 1


def test_unread_count_and_inbox(client, scene, act):
    message_post(subject=act.signup, user=scene.bea, side="broker", body="Welkom")
    assert unread_count(scene.mark) == 1 and unread_count(scene.partner_user) == 1
    assert unread_count(scene.vera) == 0 and unread_count(scene.bob) == 0
    assert unread_count(scene.other_partner_user) == 0
    (row,) = inbox_of(scene.mark)
    assert row.url == _url(act.signup) and "Samen eten in de wijk" in row.title and "Mark" in row.title
    (row,) = inbox_of(scene.bea)
    assert row.url == _broker_url(act.signup, scene.org.slug)
    log_in(client, scene.mark)
    client.get(_url(act.signup))
    assert unread_count(scene.mark) == 0


def test_the_pages_link_to_the_thread(client, scene, act):
    log_in(client, scene.mark)
    html = client.get(reverse("activities:detail", args=[act.activity.pk])).content.decode()
    assert _url(act.signup) in html
    client.logout()
    log_in(client, scene.bea)
    html = client.get(reverse("activities_centre:detail", args=[scene.org.slug, act.activity.pk])).content.decode()
    assert _broker_url(act.helper, scene.org.slug) in html
    client.logout()
    log_in(client, scene.ada)  # the admin runs activities but does not read the messages
    html = client.get(reverse("activities_centre:detail", args=[scene.org.slug, act.activity.pk])).content.decode()
    assert _broker_url(act.helper, scene.org.slug) not in html


# --- Export and erasure ----------------------------------------------------------------------


def test_the_messages_are_exported_with_the_person(scene, act):
    from privacy.export import personal_data_collect
    from privacy.selectors import subject_for_user

    message_post(subject=act.signup, user=scene.bea, side="broker", body="Welkom Mark")
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Dank u")
    data = personal_data_collect(subject_for_user(scene.mark))
    messages = data["parts"]["messages"]["messages"]
    assert [(m["text"], m["by_me"], m["activity_signup"]) for m in messages] == [
        ("Welkom Mark", False, act.signup.pk),
        ("Dank u", True, act.signup.pk),
    ]
    other = personal_data_collect(subject_for_user(scene.other_volunteer))
    assert other["parts"]["messages"]["messages"] == []


def test_the_messages_go_with_the_signup(scene, act):
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Hallo")
    act.signup.delete()
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_the_messages_go_when_the_person_is_erased(scene, act):
    from privacy.services import account_erase

    scene.mark.set_password("Geheim-wachtwoord-1")
    scene.mark.save()
    message_post(subject=act.signup, user=scene.mark, side="participant", body="Mijn man heet Kees")
    message_post(subject=act.helper, user=scene.vera, side="volunteer", body="Ik kom ook")
    account_erase(user=scene.mark, password="Geheim-wachtwoord-1")
    assert not Message.objects.filter(body__contains="Kees").exists()
    assert SignUp.objects.filter(pk=act.signup.pk).exists()  # the row stays for the figures
    assert Message.objects.filter(body="Ik kom ook").exists()  # another person's thread stays


def test_the_messages_go_when_the_volunteer_is_erased(scene, act):
    from volunteers.services import volunteer_erase

    message_post(subject=act.helper, user=scene.vera, side="volunteer", body="Ik kom ook")
    volunteer_erase(volunteer=scene.volunteer, by=None)
    assert not Message.objects.filter(body="Ik kom ook").exists()


def test_the_messages_go_when_the_signups_retention_period_ends(scene, act):
    from privacy.retention import retention_run

    message_post(subject=act.signup, user=scene.mark, side="participant", body="Tot dan")
    Activity.objects.filter(pk=act.activity.pk).update(until=timezone.localdate() - datetime.timedelta(days=365 * 11))
    retention_run(kinds=["activity_signups"])
    assert not Message.objects.exists()
    assert SignUp.objects.filter(pk=act.signup.pk, user__isnull=True).exists()


def test_a_thread_has_exactly_one_subject(scene, act):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(organisation=scene.org, match=scene.match, signup=act.signup)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(organisation=scene.org, response=scene.response, signup=act.signup)
    assert Thread.objects.create(organisation=scene.org, signup=act.signup).kind == "signup"
