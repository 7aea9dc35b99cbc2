"""The mail preferences page (login) and the 'switch this off' link at the bottom of
every optional e-mail (no login; GET only asks, POST switches off)."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.factories import UserFactory
from notifications.links import UNSUBSCRIBE_SALT, UNSUBSCRIBE_SALT_V2, unsubscribe_token, unsubscribe_url
from notifications.models import OPTIONAL_CATEGORIES, Category, MailPreferences
from notifications.services import notification_deliver, preferences_update, wants_mail
from tests.login import log_in
from tests.notifications.helpers import queue

PREFERENCES = "notifications:preferences"
PERSONAL = ["proposals", "updates", "reminders"]
BROKER = PERSONAL + ["broker", "digest"]
INVALID_LINK = "Deze link klopt niet"
CONFIRM_BUTTON = "Ja, zet dit uit"


def _unsubscribe(email: str, category: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(email, category)})


def _stored(email: str) -> dict[str, bool]:
    prefs = MailPreferences.objects.get(email=email)
    return {name: getattr(prefs, name) for name in BROKER}


# --- The preferences page ------------------------------------------------------------------


def test_anonymous_goes_to_login(client, db):
    url = reverse(PREFERENCES)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"]
    response = client.post(url, {"proposals": ""})
    assert response.status_code == 302
    assert not MailPreferences.objects.exists()


@pytest.mark.parametrize(
    ("persona", "fields"),
    [
        ("volunteer", PERSONAL),
        ("mantelzorger", PERSONAL),
        ("municipality", PERSONAL),  # a viewer is no broker
        ("nobody", PERSONAL),
        ("broker_a", BROKER),
        ("broker_b", BROKER),
        ("admin_a", BROKER),
    ],
)
def test_who_sees_which_choices(client, personas, persona, fields):
    log_in(client, personas[persona])
    response = client.get(reverse(PREFERENCES))
    assert response.status_code == 200
    assert list(response.context["form"].fields) == fields
    html = response.content.decode()
    for name in BROKER:
        assert (f'name="{name}"' in html) is (name in fields)
    # Everything is on until someone says otherwise; looking stores nothing.
    assert all(response.context["form"][name].value() for name in fields)
    assert not MailPreferences.objects.exists()


def test_a_volunteer_saves_their_choices(client, personas):
    log_in(client, personas["volunteer"])
    response = client.post(reverse(PREFERENCES), {"proposals": "on", "reminders": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse(PREFERENCES)
    assert _stored("vera@example.nl") == {
        "proposals": True,
        "updates": False,
        "reminders": True,
        "broker": True,
        "digest": True,
    }
    page = client.get(reverse(PREFERENCES))
    assert "bewaard" in page.content.decode()
    assert page.context["form"]["updates"].value() is False
    assert page.context["form"]["proposals"].value() is True
    assert not wants_mail("vera@example.nl", Category.UPDATES)


def test_a_broker_switches_the_digest_off(client, personas):
    log_in(client, personas["broker_a"])
    response = client.post(
        reverse(PREFERENCES), {"proposals": "on", "updates": "on", "reminders": "on", "broker": "on"}
    )
    assert response.status_code == 302
    assert _stored("bea@example.nl") == {
        "proposals": True,
        "updates": True,
        "reminders": True,
        "broker": True,
        "digest": False,
    }


def test_preferences_are_kept_under_the_lowercase_address(client, db):
    user = UserFactory(email="Hanneke.De.Vries@Example.NL", first_name="Hanneke")
    log_in(client, user)
    assert client.post(reverse(PREFERENCES), {"updates": "on"}).status_code == 302
    assert list(MailPreferences.objects.values_list("email", flat=True)) == ["hanneke.de.vries@example.nl"]
    assert not wants_mail("hanneke.de.vries@example.nl", Category.PROPOSALS)
    # And the page shows what was stored.
    assert client.get(reverse(PREFERENCES)).context["form"]["proposals"].value() is False


def test_everything_off_through_a_real_browser_form(personas):
    """With CSRF checks on, as in a browser: the token comes from the page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["volunteer"])
    browser.get(reverse(PREFERENCES))
    token = browser.cookies["csrftoken"].value
    response = browser.post(reverse(PREFERENCES), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert _stored("vera@example.nl") == {
        "proposals": False,
        "updates": False,
        "reminders": False,
        "broker": True,
        "digest": True,
    }


@pytest.mark.parametrize(
    "data",
    [
        {"proposals": "on", "digest": "", "broker": ""},  # broker-only fields from a volunteer
        {"proposals": "on", "account": ""},  # account mail cannot be switched off
        {"proposals": "on", "newsletter": "on", "email": "iemand-anders@example.nl"},
        {"proposals": ["on", "off", "ja"], "updates": "garbage"},
    ],
)
def test_unexpected_post_data_is_ignored(client, personas, data):
    log_in(client, personas["volunteer"])
    response = client.post(reverse(PREFERENCES), data)
    assert response.status_code == 302
    stored = MailPreferences.objects.get()
    assert stored.email == "vera@example.nl"  # never someone else's address
    assert stored.proposals is True
    assert (stored.broker, stored.digest) == (True, True)
    assert wants_mail("vera@example.nl", Category.ACCOUNT)


def test_a_broker_posting_unknown_fields_gets_no_error(client, personas):
    log_in(client, personas["broker_a"])
    response = client.post(reverse(PREFERENCES), {"digest": "on", "account": "", "x" * 300: "y"})
    assert response.status_code == 302
    assert _stored("bea@example.nl")["digest"] is True
    assert _stored("bea@example.nl")["proposals"] is False


# --- The unsubscribe link -------------------------------------------------------------------


@pytest.mark.parametrize("category", [c.value for c in OPTIONAL_CATEGORIES])
def test_get_asks_and_post_switches_exactly_that_category_off(client, db, category):
    url = _unsubscribe("vera@example.nl", category)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(Category(category).label) in html
    assert f'action="{url}"' in html and CONFIRM_BUTTON in html
    assert not MailPreferences.objects.exists()  # GET never changes anything
    assert wants_mail("vera@example.nl", category)

    response = client.post(url)
    assert response.status_code == 200
    assert "U krijgt geen e-mail meer over" in response.content.decode()
    stored = _stored("vera@example.nl")
    assert stored == {name: name != category for name in BROKER}

    # Again: the same answer and still off; the GET now says it is done.
    assert client.post(url).status_code == 200
    page = client.get(url).content.decode()
    assert "U krijgt geen e-mail meer over" in page and CONFIRM_BUTTON not in page
    assert _stored("vera@example.nl") == stored


def test_unsubscribing_works_from_a_browser_without_login(db):
    browser = Client(enforce_csrf_checks=True)
    url = _unsubscribe("otto@example.nl", Category.REMINDERS)
    assert browser.get(url).status_code == 200
    response = browser.post(url, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert not wants_mail("otto@example.nl", Category.REMINDERS)


def _tampered(token: str) -> str:
    swapped = "A" if token[-1] != "A" else "B"
    return token[:-1] + swapped


def _edited(token: str) -> str:
    """Someone else's id in the payload, with Vera's signature."""
    _payload, stamp, signature = token.rsplit(":", 2)
    otto = unsubscribe_token("otto@example.nl", "updates")
    payload = signing.b64_encode(json.dumps(signing.loads(otto, salt=UNSUBSCRIBE_SALT_V2)).encode()).decode()
    assert payload != _payload
    return f"{payload}:{stamp}:{signature}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: _tampered(unsubscribe_token("vera@example.nl", "updates")), id="tampered"),
        pytest.param(lambda: _edited(unsubscribe_token("vera@example.nl", "updates")), id="edited"),
        pytest.param(lambda: "dit-is-geen-token", id="garbage"),
        pytest.param(lambda: ".eJyrVkpVslIqS8xRqgUAHi8EWQ:1u:abc", id="bad-signature"),
        pytest.param(lambda: signing.dumps({"e": "vera@example.nl", "c": "updates"}), id="other-salt"),
        pytest.param(lambda: signing.dumps("vera@example.nl", salt=UNSUBSCRIBE_SALT_V2), id="not-a-dict"),
        pytest.param(lambda: signing.dumps({"k": ["x"], "c": "updates"}, salt=UNSUBSCRIBE_SALT_V2), id="bad-key"),
        pytest.param(
            lambda: signing.dumps({"k": "unknown-key", "c": "updates"}, salt=UNSUBSCRIBE_SALT_V2), id="no-such-key"
        ),
        pytest.param(lambda: unsubscribe_token("vera@example.nl", "account"), id="account"),
        pytest.param(lambda: unsubscribe_token("vera@example.nl", "newsletter"), id="unknown-category"),
    ],
)
def test_a_bad_link_is_a_400_with_a_dutch_explanation(client, db, make_token):
    url = reverse("notifications:unsubscribe", kwargs={"token": make_token()})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        html = response.content.decode()
        assert INVALID_LINK in html
        assert 'lang="nl"' in html
        assert CONFIRM_BUTTON not in html
    assert not MailPreferences.objects.exists()


def test_after_unsubscribing_from_a_mail_that_kind_is_not_queued_again(client, db, settings):
    settings.SITE_URL = "https://buurt.example"
    row = queue("match:1:event:1:volunteer", category=Category.UPDATES, to_email="Vera@Example.nl")
    # The link is signed with the time: stop the clock so that both are signed in one second.
    with time_machine.travel(timezone.now(), tick=False):
        notification_deliver(pk=row.pk)
        header = mail.outbox[0].extra_headers["List-Unsubscribe"]
        link = header.strip("<>")
        assert link == unsubscribe_url("vera@example.nl", Category.UPDATES)
    assert client.post(urlsplit(link).path).status_code == 200

    assert queue("match:1:event:2:volunteer", category=Category.UPDATES, to_email="vera@example.nl") is None
    assert queue("match:1:event:3:volunteer", category=Category.UPDATES, to_email="VERA@example.nl") is None
    # Other kinds of mail, and other people, still go out.
    assert queue("match:1:proposal-reminder", category=Category.REMINDERS, to_email="vera@example.nl") is not None
    assert queue("match:2:event:2:volunteer", category=Category.UPDATES, to_email="otto@example.nl") is not None


def test_the_link_of_an_uppercase_address_switches_off_the_lowercase_one(client, db):
    client.post(_unsubscribe("Vera@Example.NL", Category.PROPOSALS))
    assert not wants_mail("vera@example.nl", Category.PROPOSALS)
    assert list(MailPreferences.objects.values_list("email", flat=True)) == ["vera@example.nl"]


def test_a_link_for_a_category_already_off_is_done_on_get(client, db):
    preferences_update(email="vera@example.nl", values={"digest": False})
    html = client.get(_unsubscribe("vera@example.nl", Category.DIGEST)).content.decode()
    assert "U krijgt geen e-mail meer over" in html
    assert CONFIRM_BUTTON not in html


def test_one_click_unsubscribe_from_a_mail_program_without_csrf(db, settings):
    """RFC 8058: the mail program POSTs ``List-Unsubscribe=One-Click`` to the link in
    the header, with no page, no cookie and no CSRF token."""
    with_mail = queue(to_email="vera@example.nl", category=Category.REMINDERS)
    notification_deliver(pk=with_mail.pk)
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(headers["List-Unsubscribe"].strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not wants_mail("vera@example.nl", Category.REMINDERS)
    assert wants_mail("vera@example.nl", Category.UPDATES)


def test_unsubscribe_answers_only_get_and_post(client, db):
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token("vera@example.nl", "updates")})
    assert client.put(path).status_code == 405
    assert wants_mail("vera@example.nl", Category.UPDATES)


# --- Unsubscribe links expire and carry no address (issue #13, point 6) ----------------------

EXPIRED_LINK = "Deze link is verlopen"


def test_the_link_carries_an_opaque_id_not_the_address(db):
    token = unsubscribe_token("Vera@Example.NL", Category.UPDATES)
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT_V2)
    assert set(payload) == {"k", "c"} and payload["c"] == "updates"
    decoded = signing.b64_decode(token.split(":")[0].lstrip(".").encode())
    assert b"vera" not in decoded.lower() and b"vera" not in token.lower().encode()
    # One id per address, the same in every mail; another address, another id.
    assert (
        signing.loads(unsubscribe_token("vera@example.nl", "reminders"), salt=UNSUBSCRIBE_SALT_V2)["k"] == payload["k"]
    )
    assert signing.loads(unsubscribe_token("otto@example.nl", "updates"), salt=UNSUBSCRIBE_SALT_V2)["k"] != payload["k"]


@pytest.mark.parametrize("days, works", [(364, True), (366, False)])
def test_a_link_works_for_a_year(client, db, days, works):
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        url = _unsubscribe("vera@example.nl", Category.UPDATES)
    with time_machine.travel(start + datetime.timedelta(days=days), tick=False):
        response = client.post(url)
    if works:
        assert response.status_code == 200
        assert not wants_mail("vera@example.nl", Category.UPDATES)
    else:
        assert response.status_code == 410
        html = response.content.decode()
        assert EXPIRED_LINK in html and reverse(PREFERENCES) in html and CONFIRM_BUTTON not in html
        assert wants_mail("vera@example.nl", Category.UPDATES)


def test_an_old_link_with_the_address_in_it_says_it_expired(client, db):
    old = signing.dumps({"e": "vera@example.nl", "c": "updates"}, salt=UNSUBSCRIBE_SALT, compress=True)
    url = reverse("notifications:unsubscribe", kwargs={"token": old})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        html = response.content.decode()
        assert EXPIRED_LINK in html and "E-mailinstellingen" in html
    assert not MailPreferences.objects.exists()


def test_after_erasure_the_link_no_longer_names_anyone(client, db):
    from notifications.services import preferences_erase

    url = _unsubscribe("vera@example.nl", Category.UPDATES)
    preferences_erase(email="vera@example.nl")
    response = client.post(url)
    assert response.status_code == 400 and INVALID_LINK in response.content.decode()
    assert not MailPreferences.objects.exists()
