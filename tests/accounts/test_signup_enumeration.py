"""Sign-up reveals nothing about existing accounts (issue #13, point 5; the README
promises "no account enumeration"): a known and a new address get the same page,
the same text and the same amount of work (a password hash and one e-mail); the
owner of the known address gets a mail that someone tried, with a reset link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import hashers
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit sends the mail

PASSWORD = "Zonnebloem-aan-de-Rijn-42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def _page(response, email: str) -> str:
    """The page as text, without the CSRF token (random per answer) and with the
    typed address replaced, so that two answers can be compared."""
    return CSRF.sub("", response.content.decode()).replace(email, "ADDRESS")


def test_known_and_new_address_get_the_same_answer(client, personas, django_user_model):
    known = _signup(client, "vera@example.nl")
    client.cookies.clear()
    new = _signup(client, "nieuw-persoon@example.nl")
    assert known.status_code == new.status_code == 200
    assert [url for url, _status in known.redirect_chain] == [url for url, _status in new.redirect_chain]
    assert known.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert _page(known, "vera@example.nl") == _page(new, "nieuw-persoon@example.nl")
    # Each got one mail: a confirmation link for the new one, "you already have an account" for Vera.
    assert sorted(m.to[0] for m in mail.outbox) == ["nieuw-persoon@example.nl", "vera@example.nl"]
    assert django_user_model.objects.filter(email="vera@example.nl").count() == 1


def test_the_owner_is_told_in_dutch_with_a_password_reset_link(client, personas):
    _signup(client, "vera@example.nl")
    (message,) = mail.outbox
    assert message.to == ["vera@example.nl"]
    assert "U heeft al een account" in message.subject
    assert "Iemand wilde een account maken met het e-mailadres vera@example.nl" in message.body
    assert reverse("account_reset_password") in message.body
    assert PASSWORD not in message.body
    # Nothing changed on Vera's account.
    assert User.objects.get(email="vera@example.nl").check_password(PASSWORD) is False


def test_a_known_address_costs_a_password_hash_too(client, personas, monkeypatch):
    """The expensive part of a sign-up (hashing the password) runs in both branches,
    so the answer takes about as long (benchmarks/signup_timing.py measures it)."""
    hashed: list[str] = []
    real = hashers.make_password

    def counting(password, *args, **kwargs):
        hashed.append(password)
        return real(password, *args, **kwargs)

    monkeypatch.setattr(hashers, "make_password", counting)
    monkeypatch.setattr("accounts.forms.make_password", counting)
    monkeypatch.setattr("django.contrib.auth.base_user.make_password", counting)
    _signup(client, "vera@example.nl")
    assert hashed.count(PASSWORD) == 1
    hashed.clear()
    client.cookies.clear()
    _signup(client, "nieuw-persoon@example.nl")
    assert hashed.count(PASSWORD) == 1


def test_a_second_try_within_the_rate_limit_still_answers_the_same(client, personas, settings):
    """allauth sends at most one verification mail per address per few seconds; the
    page must not show whether a mail went out (the flash message did)."""
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": "1/10m/key"}
    first = _signup(client, "vera@example.nl")
    client.cookies.clear()
    second = _signup(client, "vera@example.nl")
    assert _page(first, "vera@example.nl") == _page(second, "vera@example.nl")
    assert len(mail.outbox) == 1
