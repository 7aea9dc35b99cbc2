"""Sign-up, verification, login and password reset by e-mail, without account
enumeration, in Dutch."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit sends the mail

PASSWORD = "Zonnebloem-aan-de-Rijn-42"


def signup(client, email, password=PASSWORD, password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password2 or password},
    )


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_signup_verify_and_login(client):
    response = signup(client, "Nieuw@Example.nl")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nieuw@example.nl")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Not logged in until verified: the home page shows the public landing.
    assert "_auth_user_id" not in client.session

    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    client.logout()

    response = client.post(reverse("account_login"), {"login": "nieuw@example.nl", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["roles"].has_any is False


def test_login_before_verification_is_refused(client):
    signup(client, "wacht@example.nl")
    client.logout()
    response = client.post(reverse("account_login"), {"login": "wacht@example.nl", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_duplicate_signup_does_not_reveal_the_account(client, personas):
    """Same answer as for a new address; the owner gets a mail instead."""
    before = User.objects.count()
    response = signup(client, "vera@example.nl")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == before
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vera@example.nl"]


def test_password_reset_same_answer_for_known_and_unknown(client, personas):
    known = client.post(reverse("account_reset_password"), {"email": "vera@example.nl"})
    unknown = client.post(reverse("account_reset_password"), {"email": "niemand@example.nl"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2  # reset link to the known one, "no account" note to the unknown one
    reset_mail = next(m for m in mail.outbox if m.to == ["vera@example.nl"])
    reset_url = link_in(reset_mail)
    response = client.get(reset_url, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else reset_url,
        {"password1": "Nieuw-wachtwoord-2026", "password2": "Nieuw-wachtwoord-2026"},
    )
    assert response.status_code == 302
    assert client.login(email="vera@example.nl", password="Nieuw-wachtwoord-2026")


@pytest.mark.parametrize(
    "email, password, password2, field",
    [
        ("geen-adres", PASSWORD, None, "email"),
        ("a" * 250 + "@example.nl", PASSWORD, None, "email"),
        ("kort@example.nl", "kort", None, "password1"),
        ("anders@example.nl", PASSWORD, PASSWORD + "x", "password2"),
        ("1234@example.nl", "12345678901", None, "password1"),
    ],
)
def test_signup_bad_input_is_a_form_error_in_dutch(client, email, password, password2, field):
    response = signup(client, email, password, password2)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert not User.objects.filter(email=email.lower()).exists()
    assert 'lang="nl"' in response.content.decode()
    assert email[:50] in response.content.decode()  # typed e-mail kept


def test_login_pages_speak_dutch(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "Wachtwoord" in body


def test_wrong_password_gives_generic_error(client, personas):
    response = client.post(reverse("account_login"), {"login": "vera@example.nl", "password": "fout"})
    unknown = client.post(reverse("account_login"), {"login": "niemand@example.nl", "password": "fout"})
    assert response.status_code == unknown.status_code == 200
    assert response.context["form"].errors["__all__"] == unknown.context["form"].errors["__all__"]
