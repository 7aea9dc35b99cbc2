"""allauth's mail (verify your address, reset your password) goes through the outbox
(notifications/account_mail.py): one row of category ``account``, one e-mail, no unsubscribe
link, and it waits in the outbox when the Celery broker is away."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from notifications.models import OPTIONAL_CATEGORIES, Category, Notification
from notifications.services import outbox_drain, preferences_update

pytestmark = pytest.mark.django_db(transaction=True)  # allauth's mail goes out on commit

PASSWORD = "Zonnebloem-aan-de-Rijn-42"


def _signup(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def _path_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_signup_queues_one_account_row_and_one_verification_mail(client):
    response = _signup(client, "Nieuw@Example.nl")
    assert response.status_code == 302
    row = Notification.objects.get()
    assert row.category == Category.ACCOUNT
    assert row.kind == "email_confirmation_signup"
    assert row.to_email == "nieuw@example.nl"
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1 and row.sent_at is not None
    assert row.body == "" and row.html == ""  # the verification link is not kept

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.nl"]
    assert message.subject.startswith("[Buurtmakelaar]")
    assert row.subject == message.subject
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "List-Unsubscribe" not in message.extra_headers
    # The link in it works.
    confirm = _path_in(message)
    assert client.post(confirm).status_code == 302
    assert User.objects.get(email="nieuw@example.nl").emailaddress_set.get().verified


def test_account_mail_ignores_optional_preferences(client):
    preferences_update(email="nieuw@example.nl", values={c.value: False for c in OPTIONAL_CATEGORIES})
    _signup(client, "nieuw@example.nl")
    assert len(mail.outbox) == 1
    assert Notification.objects.get().category == Category.ACCOUNT


def test_each_account_mail_is_its_own_row(client, personas):
    client.post(reverse("account_reset_password"), {"email": "vera@example.nl"})
    client.post(reverse("account_reset_password"), {"email": "vera@example.nl"})
    rows = Notification.objects.filter(to_email="vera@example.nl", category=Category.ACCOUNT)
    assert rows.count() == 2
    assert len({row.key for row in rows}) == 2
    assert len({row.message_id for row in rows}) == 2
    assert len(mail.outbox) == 2


def test_signup_with_the_broker_down_still_works_and_the_drain_sends_the_mail(client, broker_down):
    response = _signup(client, "later@example.nl")
    assert response.status_code == 302
    assert User.objects.filter(email="later@example.nl").exists()
    row = Notification.objects.get()
    assert row.status == Notification.Status.PENDING
    assert mail.outbox == []
    assert outbox_drain(min_age_seconds=0)["sent"] == 1
    assert [m.to for m in mail.outbox] == [["later@example.nl"]]
    assert client.post(_path_in(mail.outbox[0])).status_code == 302
