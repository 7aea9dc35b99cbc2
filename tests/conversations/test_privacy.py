"""What the privacy page promises about messages (templates/privacy.html, #berichten):
who reads them (the who-sees table, tests/privacy/test_who_sees.py holds it against the
authorization matrix), that they go with the match or the response when the retention
period ends, and when the person asks to be erased; and that they are in the export."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Message, Thread
from conversations.services import message_post
from matches.models import Match

pytestmark = pytest.mark.django_db


def test_the_privacy_page_says_what_is_kept_who_reads_it_and_how_long(client, db):
    html = client.get(reverse("privacy")).content.decode()
    assert 'id="berichten"' in html
    for words in ("Bijlagen kunnen niet", "staat in het logboek", "alleen uw voornaam", "We wissen de berichten"):
        assert words in html
    assert 'id="ziet-messages"' in html


def test_messages_go_with_the_match_when_its_retention_period_ends(scene):
    from privacy.retention import retention_run

    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Tot dinsdag")
    long_ago = timezone.now() - datetime.timedelta(days=365 * 11)
    Match.objects.filter(pk=scene.match.pk).update(status=Match.Status.ENDED, ended_at=long_ago)
    due = retention_run(dry_run=True, kinds=["matches"])
    assert scene.match.pk in [pk for d in due for pk in d.ids]
    retention_run(kinds=["matches"])
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert Match.objects.filter(pk=scene.match.pk).exists()  # the match itself stays for the figures


def test_messages_go_with_the_response_when_its_retention_period_ends(scene):
    from partners.models import Response
    from privacy.retention import retention_run

    message_post(subject=scene.response, user=scene.vera, side="volunteer", body="Wanneer kan ik komen?")
    Response.objects.filter(pk=scene.response.pk).update(created_at=timezone.now() - datetime.timedelta(days=365 * 4))
    retention_run(kinds=["vacancy_responses"])
    assert not Message.objects.exists()


def test_an_erased_requester_takes_the_messages_of_their_match(scene):
    from privacy.services import account_erase

    scene.mark.set_password("Geheim-wachtwoord-1")
    scene.mark.save()
    message_post(subject=scene.match, user=scene.mark, side="requester", body="Mijn moeder heet Truus")
    account_erase(user=scene.mark, password="Geheim-wachtwoord-1")
    assert not Message.objects.filter(body__contains="Truus").exists()


def test_a_partner_who_leaves_keeps_no_text_in_the_thread(scene):
    from privacy.services import account_erase

    scene.partner_user.set_password("Geheim-wachtwoord-1")
    scene.partner_user.save()
    message_post(subject=scene.response, user=scene.partner_user, side="partner", body="Groet van Piet, 026-1234567")
    account_erase(user=scene.partner_user, password="Geheim-wachtwoord-1")
    assert not Message.objects.filter(body__contains="Piet").exists()


def test_the_export_holds_the_messages(scene):
    from privacy.export import personal_data_collect
    from privacy.selectors import subject_for_user

    message_post(subject=scene.match, user=scene.vera, side="volunteer", body="Hallo Mark")
    message_post(subject=scene.match, user=scene.mark, side="requester", body="Hallo Vera")
    data = personal_data_collect(subject_for_user(scene.mark))
    assert [m["text"] for m in data["parts"]["messages"]["messages"]] == ["Hallo Mark", "Hallo Vera"]
    assert [m["by_me"] for m in data["parts"]["messages"]["messages"]] == [False, True]


def test_the_readable_export_page_shows_the_messages(client, scene):
    from tests.login import log_in

    message_post(subject=scene.match, user=scene.mark, side="requester", body="Tot dinsdag, Vera!")
    log_in(client, scene.mark)
    page = client.get(reverse("mydata:export_page")).content.decode()
    assert "Berichten" in page and "Tot dinsdag, Vera!" in page and "door u geschreven" in page
