"""The demo shows conversations: sample messages on running matches, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conversations.models import Message, Thread
from tests.login import log_in

pytestmark = pytest.mark.django_db


def test_demo_has_sample_conversations_once_and_the_broker_reads_them(client):
    from neighbourhoods.models import StaffMembership

    args = ("load_demo", "--volunteers", "40", "--requests", "0", "--history-months", "6")
    call_command(*args, stdout=io.StringIO())
    threads = Thread.objects.filter(match__isnull=False)
    assert threads.count() == 3
    assert all(t.match.status == "active" for t in threads)
    count = Message.objects.count()
    assert count == 8
    call_command(*args, stdout=io.StringIO())
    assert Message.objects.count() == count

    broker = StaffMembership.objects.filter(role="broker").select_related("user", "organisation").first()
    log_in(client, broker.user)
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    match = threads.order_by("pk").first().match
    url = reverse("conversations_broker:thread", kwargs={"slug": broker.organisation.slug, "pk": match.pk})
    assert url in inbox
    page = client.get(url).content.decode()
    assert "Zullen we dinsdag om twee uur kennismaken?" in page
