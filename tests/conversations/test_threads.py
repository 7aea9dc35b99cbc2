"""Messages about a match and about a vacancy response: who may read and write, bad input,
what is shown before both sides agreed, the notice by e-mail, the unread count, the access
log, export and erasure."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from conversations.models import Message, Thread
from conversations.selectors import unread_count
from conversations.services import message_post
from matches.models import Match
from notifications.models import Notification
from tests.login import log_in

pytestmark = pytest.mark.django_db


def _match_url(scene):
    return reverse("conversations:match", kwargs={"pk": scene.match.pk})


def _broker_url(scene, slug=None):
    return reverse("conversations_broker:thread", kwargs={"slug": slug or scene.org.slug, "pk": scene.match.pk})


def _post(client, user, url, body, **extra):
    log_in(client, user)
    return client.post(url, {"body": body}, **extra)


# --- Writing and reading ------------------------------------------------------------------


def test_volunteer_and_requester_exchange_messages(client, scene):
    response = _post(client, scene.vera, _match_url(scene), "Hallo Mark, zullen we dinsdag kennismaken?")
    assert response.status_code == 302
    assert Message.objects.get().side == Message.Side.VOLUNTEER
    client.logout()
    log_in(client, scene.mark)
    page = client.get(_match_url(scene))
    assert page.status_code == 200
    assert "zullen we dinsdag kennismaken?" in page.content.decode()
    assert _post(client, scene.mark, _match_url(scene), "Ja, graag!").status_code == 302
    assert list(Message.objects.values_list("side", flat=True)) == ["volunteer", "requester"]


def test_htmx_post_answers_the_thread_fragment(client, scene):
    response = _post(client, scene.vera, _match_url(scene), "Via htmx", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Via htmx" in html and "<html" not in html
    assert "thread__message" in html


def test_htmx_post_with_bad_input_shows_the_reason_in_the_fragment(client, scene):
    response = _post(client, scene.vera, _match_url(scene), "", HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only a 2xx in
    assert "Schrijf een bericht." in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Schrijf een bericht."), ("   \n ", "Schrijf een bericht."), ("x" * 2001, "hoogstens 2000 tekens")],
)
def test_empty_or_too_long_message_is_a_form_error(client, scene, body, error):
    response = _post(client, scene.vera, _match_url(scene), body)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_html_in_a_message_is_shown_as_text(client, scene):
    _post(client, scene.vera, _match_url(scene), "<script>alert('x')</script><b>vet</b>")
    html = client.get(_match_url(scene)).content.decode()
    assert "<script>alert" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in html


def test_a_closed_thread_can_be_read_not_written(client, scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Tot dinsdag")
    Match.objects.filter(pk=scene.match.pk).update(status=Match.Status.CANCELLED)
    response = _post(client, scene.mark, _match_url(scene), "Nog een vraag")
    assert response.status_code == 400
    assert "Dit gesprek is gesloten" in response.content.decode()
    assert Message.objects.count() == 1
    page = client.get(_match_url(scene))
    assert page.status_code == 200 and "Tot dinsdag" in page.content.decode()
    assert 'name="body"' not in page.content.decode()


def test_a_bare_proposal_has_no_thread_for_the_people(client, scene):
    Match.objects.filter(pk=scene.match.pk).update(status=Match.Status.PROPOSED, accepted_at=None)
    for user in (scene.vera, scene.mark):
        log_in(client, user)
        assert client.get(_match_url(scene)).status_code == 404
        assert client.post(_match_url(scene), {"body": "Hallo"}).status_code == 404
    assert not Message.objects.exists()


def test_post_without_csrf_token_is_refused(scene):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    log_in(client, scene.vera)
    assert client.post(_match_url(scene), {"body": "Hallo"}).status_code == 403
    assert not Message.objects.exists()


# --- Nobody else --------------------------------------------------------------------------


def test_nobody_else_reads_or_writes_a_match_thread(client, scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Geheim bericht")
    for user in (scene.other_volunteer, scene.partner_user, scene.bea, scene.ada, scene.bob):
        client.logout()
        log_in(client, user)
        for method in (client.get, client.post):
            response = method(_match_url(scene), {"body": "ik lees mee"} if method == client.post else None)
            assert response.status_code == 404, user.email
    assert Message.objects.count() == 1


def test_only_the_organisations_brokers_open_the_broker_thread(client, scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Geheim bericht")
    log_in(client, scene.bob)  # a broker of organisation B: own slug and A's slug
    assert client.get(_broker_url(scene)).status_code == 404
    assert client.get(_broker_url(scene, slug="org-b")).status_code == 404
    client.logout()
    log_in(client, scene.ada)  # the admin of A: not a reader of care files
    assert client.get(_broker_url(scene)).status_code == 404
    client.logout()
    for user in (scene.vera, scene.mark, scene.partner_user):
        log_in(client, user)
        assert client.get(_broker_url(scene)).status_code == 404
        client.logout()


def test_the_broker_reads_and_writes_and_each_read_is_logged(client, scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Vraag aan de makelaar")
    log_in(client, scene.bea)
    before = AccessLogEntry.objects.count()
    page = client.get(_broker_url(scene))
    assert page.status_code == 200 and "Vraag aan de makelaar" in page.content.decode()
    rows = list(AccessLogEntry.objects.order_by("seq")[before:])
    assert [(r.what, r.actor_id, r.subject_request_id) for r in rows] == [
        ("messages", scene.bea.pk, scene.match.request_id)
    ]
    assert client.post(_broker_url(scene), {"body": "Ik bel u morgen."}).status_code == 302
    assert Message.objects.filter(side="broker", author=scene.bea).exists()


def test_a_partner_reads_its_own_responses_only(client, scene):
    own = reverse("conversations:response", kwargs={"pk": scene.response.pk})
    other = reverse("conversations:response", kwargs={"pk": scene.other_response.pk})
    assert _post(client, scene.partner_user, own, "Welkom! Wanneer kunt u langskomen?").status_code == 302
    assert client.get(other).status_code == 404
    assert client.post(other, {"body": "meelezen"}).status_code == 404
    client.logout()
    log_in(client, scene.vera)
    page = client.get(own)
    assert page.status_code == 200 and "Wanneer kunt u langskomen?" in page.content.decode()
    assert client.get(other).status_code == 404  # another volunteer's response
    client.logout()
    log_in(client, scene.other_volunteer)
    assert client.get(own).status_code == 404


def test_a_stopped_partner_no_longer_reads_its_responses(client, scene):
    from partners.models import Partner

    url = reverse("conversations:response", kwargs={"pk": scene.response.pk})
    Partner.objects.filter(pk=scene.response.vacancy.partner_id).update(is_active=False)
    log_in(client, scene.partner_user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hallo"}).status_code == 404
    assert not Message.objects.exists()


# --- Before both sides agreed ------------------------------------------------------------


def test_first_names_and_no_contact_details_until_both_agreed(client, scene):
    message_post(
        subject=scene.match, user=scene.vera, side="volunteer", body="Bel me op 06-12345678 of mail vera@voorbeeld.nl"
    )
    log_in(client, scene.mark)
    html = client.get(_match_url(scene)).content.decode()
    assert "Vera" in html and "de Vries" not in html
    assert "06-12345678" not in html and "vera@voorbeeld.nl" not in html
    assert "[contactgegeven verborgen]" in html
    Match.objects.filter(pk=scene.match.pk).update(status=Match.Status.ACTIVE, activated_at=timezone.now())
    html = client.get(_match_url(scene)).content.decode()
    assert "Vera de Vries" in html and "06-12345678" in html and "vera@voorbeeld.nl" in html


def test_response_thread_shows_contact_details_once_accepted(client, scene):
    from partners.models import Response

    url = reverse("conversations:response", kwargs={"pk": scene.response.pk})
    _post(client, scene.vera, url, "Mijn nummer is 0612345678")
    client.logout()
    log_in(client, scene.partner_user)
    assert "0612345678" not in client.get(url).content.decode()
    Response.objects.filter(pk=scene.response.pk).update(status=Response.Status.ACCEPTED)
    assert "0612345678" in client.get(url).content.decode()


# --- Notices, unread ----------------------------------------------------------------------


def test_notice_holds_no_content_and_comes_once_per_thread_per_window(scene, settings):
    settings.MESSAGE_NOTICE_MINUTES = 15
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Geheime inhoud")
    notices = Notification.objects.filter(kind="conversations/email/notice")
    assert sorted(notices.values_list("to_email", flat=True)) == [scene.bea.email, scene.mark.email]
    for notice in notices:
        assert "Geheime inhoud" not in notice.body and "Geheime inhoud" not in notice.subject
        assert notice.subject == "U hebt een nieuw bericht"
        assert "/berichten/" in notice.body
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Nog iets")
    assert notices.all().count() == 2
    # After the window, a new notice.
    Notification.objects.filter(kind="conversations/email/notice").update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Later")
    assert notices.all().count() == 4


def test_notice_respects_mail_preferences(scene):
    from notifications.services import preferences_update

    preferences_update(email=scene.mark.email, values={"updates": False})
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Hallo")
    assert not Notification.objects.filter(to_email=scene.mark.email, kind="conversations/email/notice").exists()


def test_unread_count_and_inbox(client, scene):
    assert unread_count(scene.mark) == 0
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Een")
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Twee")
    assert unread_count(scene.mark) == 2
    assert unread_count(scene.vera) == 0
    assert unread_count(scene.bea) == 2
    assert unread_count(scene.bob) == 0 and unread_count(scene.other_volunteer) == 0
    log_in(client, scene.mark)
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert "Koppeling Vera en Mark" in inbox and "nieuw" in inbox
    client.get(_match_url(scene))
    assert unread_count(scene.mark) == 0


def test_home_page_shows_the_unread_count(client, scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Een")
    log_in(client, scene.mark)
    html = client.get(reverse("home")).content.decode()
    assert "1 nieuw bericht" in html


# --- Export and erasure ----------------------------------------------------------------------


def test_messages_are_exported_with_the_person(scene):
    from accounts.personal_data import Subject
    from conversations.personal_data import conversations_export

    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Hallo Mark")
    part = conversations_export(Subject(user=scene.vera, volunteer_ids=frozenset({scene.volunteer.pk})))
    assert [m["text"] for m in part["messages"]] == ["Hallo Mark"]
    assert part["messages"][0]["by_me"] is True


def test_messages_go_with_the_match(scene):
    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Hallo")
    scene.match.delete()
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_messages_go_when_the_volunteer_is_erased(scene):
    from volunteers.services import volunteer_erase

    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Hallo")
    message_post(subject=scene.response, user=scene.vera, side="volunteer", body="Over de vacature")
    volunteer_erase(volunteer=scene.volunteer, by=None)
    assert not Message.objects.exists()


def test_a_thread_has_exactly_one_subject(scene):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(organisation=scene.org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(organisation=scene.org, match=scene.match, response=scene.response)
