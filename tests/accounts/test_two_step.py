"""Two-step login for staff (issue #13): required for brokers, admins, municipality
viewers and superusers, optional for everyone else; wrong and reused codes; the admin's
own login form cannot skip it; staff cannot remove their last second step."""

import re

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.two_step import has_second_step, two_step_required
from demo.factories import UserFactory
from tests.login import TEST_TOTP_SECRET, log_in

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord-123"  # demo.factories.UserFactory
STAFF = ["broker_a", "admin_a", "municipality", "superuser"]
NOT_STAFF = ["volunteer", "mantelzorger", "nobody"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth remembers used codes in the cache (per user id and code, 30 s): a code of
    an earlier test with the same user id must not count as used here."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(personas):
    superuser = UserFactory(email="root@example.nl", is_staff=True, is_superuser=True)
    return {**personas, "superuser": superuser}


def staff_url(who: str) -> str:
    """A page only this person's staff role opens."""
    return {
        "broker_a": reverse("caregivers_broker:queue", args=["org-a"]),
        "admin_a": reverse("neighbourhoods:team", args=["org-a"]),
        "municipality": reverse("reports:municipality_overview", args=["org-a"]),
        "superuser": reverse("admin:index"),
    }[who]


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def password_login(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.mark.parametrize("who", STAFF)
def test_staff_are_staff_and_the_rest_are_not(people, who):
    assert two_step_required(people[who])
    for other in NOT_STAFF:
        assert not two_step_required(people[other])


@pytest.mark.parametrize("who", STAFF)
def test_staff_without_a_second_step_are_sent_to_set_it_up_and_no_staff_page_opens(client, people, who):
    client.force_login(people[who])  # a login without the second step
    for url in [staff_url(who), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index")
    # The set-up pages themselves, logging out and the privacy page stay open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("privacy")).status_code == 200
    # A form sent to a staff page is refused too (nothing is done).
    assert client.post(staff_url(who), {}).status_code == 302


@pytest.mark.parametrize("who", STAFF)
def test_staff_after_the_second_step_open_their_pages(client, people, who):
    log_in(client, people[who])
    assert client.get(staff_url(who)).status_code == 200


@pytest.mark.parametrize("who", NOT_STAFF)
def test_everyone_else_logs_in_with_a_password_only(client, people, who):
    client.force_login(people[who])
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "niet verplicht" in page.content.decode()


def test_log_in_helper_without_second_step_is_refused_like_force_login(client, people):
    log_in(client, people["broker_a"], second_step=False)
    assert client.get(staff_url("broker_a"))["Location"] == reverse("mfa_index")


def test_index_tells_staff_it_is_required(client, people):
    client.force_login(people["broker_a"])
    response = client.get(reverse("mfa_index"))
    assert "verplicht" in response.content.decode()
    assert "Medewerkers loggen in met twee stappen" in " ".join(texts(client.get(reverse("home"))))


@pytest.mark.django_db(transaction=True)  # allauth announces the new app after the commit
def test_a_new_broker_sets_up_an_app_and_can_go_on(client, people):
    """The real path: password, sent to set up, the password once more (allauth asks it
    before a change to the login), the app's code, then the queue opens."""
    broker = people["broker_a"]
    response = password_login(client, broker.email)
    assert response.status_code == 302
    assert client.get(staff_url("broker_a"))["Location"] == reverse("mfa_index")

    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302:  # allauth: confirm the password first
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "data:image" not in page  # the QR code, without a data: URI
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert not has_second_step(broker)

    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert has_second_step(broker)
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert client.get(staff_url("broker_a")).status_code == 200


@pytest.fixture
def broker_with_app(people):
    broker = people["broker_a"]
    TOTP.activate(broker, TEST_TOTP_SECRET)
    return broker


def test_login_asks_for_the_code_and_refuses_a_wrong_one(client, broker_with_app):
    response = password_login(client, broker_with_app.email)
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Inloggen: stap 2" in page and "Stoppen en uitloggen" in page
    # Not logged in yet: the staff page sends to the login.
    assert client.get(staff_url("broker_a"))["Location"].startswith(reverse("account_login"))

    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    not_a_code = client.post(reverse("mfa_authenticate"), {"code": "x" * 5000})
    assert not_a_code.status_code == 200

    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.get(staff_url("broker_a")).status_code == 200


def test_a_code_from_the_window_before_still_works(client, broker_with_app):
    """Read off the app at 09:00:29, sent at 09:00:31: the next 30-second window."""
    with time_machine.travel("2026-03-10 09:00:29 +01:00", tick=False):
        code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    with time_machine.travel("2026-03-10 09:00:31 +01:00", tick=False):
        password_login(client, broker_with_app.email)
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302


def test_a_code_two_windows_old_is_refused(client, broker_with_app):
    with time_machine.travel("2026-03-10 09:00:29 +01:00", tick=False):
        code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    with time_machine.travel("2026-03-10 09:01:01 +01:00", tick=False):
        password_login(client, broker_with_app.email)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200
        assert "Deze code klopt niet" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_a_code_works_once(client, broker_with_app):
    with time_machine.travel("2026-03-10 09:00:05 +01:00", tick=False):
        code = pyotp.TOTP(TEST_TOTP_SECRET).now()
        password_login(client, broker_with_app.email)
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        client.post(reverse("account_logout"))

        password_login(client, broker_with_app.email)
        reused = client.post(reverse("mfa_authenticate"), {"code": code})
        assert reused.status_code == 200
        assert "Deze code klopt niet" in reused.content.decode()
        assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(client, broker_with_app):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(broker_with_app).generate_codes()
    password_login(client, broker_with_app.email)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    client.post(reverse("account_logout"))
    password_login(client, broker_with_app.email)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200


def test_a_session_that_skipped_the_second_step_must_confirm_it(client, broker_with_app):
    """A staff member who has an app but whose session did not pass it (a login that
    went around allauth's form) confirms with a code and lands where they wanted."""
    client.force_login(broker_with_app)
    url = staff_url("broker_a")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(response["Location"], {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_the_admin_login_form_cannot_skip_the_second_step(client, people):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("admin:login"), {"username": "root@example.nl", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_staff_cannot_turn_off_their_only_app(client, broker_with_app):
    log_in(client, broker_with_app)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "Als medewerker heeft u tweestapsverificatie altijd nodig" in response.content.decode()
    assert has_second_step(broker_with_app)


def test_a_volunteer_can_turn_the_app_off(client, people):
    volunteer = people["volunteer"]
    TOTP.activate(volunteer, TEST_TOTP_SECRET)
    log_in(client, volunteer)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not has_second_step(volunteer)


def _security_key(user) -> Authenticator:
    return Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Sleutel"})


def test_staff_cannot_remove_their_only_security_key(client, people):
    broker = people["broker_a"]
    key = _security_key(broker)
    log_in(client, broker)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert response.status_code == 302
    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert any("altijd nodig" in text for text in texts(response))


def test_staff_can_remove_a_key_when_the_app_remains(client, people):
    broker = people["broker_a"]
    TOTP.activate(broker, TEST_TOTP_SECRET)
    key = _security_key(broker)
    log_in(client, broker)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert not Authenticator.objects.filter(pk=key.pk).exists()


def test_someone_elses_key_cannot_be_removed(client, people):
    key = _security_key(people["broker_b"])
    log_in(client, people["volunteer"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.post(reverse("mfa_remove_webauthn", args=[key.pk])).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_generate_recovery_codes",
    ],
)
def test_the_pages_speak_dutch_and_carry_no_inline_script(client, people, name):
    volunteer = people["volunteer"]
    log_in(client, volunteer)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    if name == "mfa_generate_recovery_codes":
        TOTP.activate(volunteer, TEST_TOTP_SECRET)
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Two-Factor" not in page and "Authenticator App" not in page
    for script in re.findall(r"<script\b[^>]*>", page):
        # Either a file, or a data block that browsers never run.
        assert "src=" in script or 'type="application/json"' in script, script


def test_a_wrong_code_when_setting_up_says_what_to_do(client, people):
    log_in(client, people["volunteer"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    for code in ["000000", "", "abc", "1" * 5000]:
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
    assert not has_second_step(people["volunteer"])


def test_adding_a_security_key_with_a_broken_answer_is_a_form_error(client, people):
    """What the browser sends back is checked by allauth/fido2: garbage is a form error."""
    log_in(client, people["volunteer"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_add_webauthn"))
    for credential in ["", "{}", '{"id": "x"}', "not json", "[" * 1000]:
        response = client.post(reverse("mfa_add_webauthn"), {"name": "Sleutel", "credential": credential})
        assert response.status_code == 200, credential
        assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=people["volunteer"]).exists()
    page = client.get(reverse("mfa_add_webauthn")).content.decode()
    assert "Naam van de sleutel" in page and "Passwordless" not in page and "Wachtwoordloos" not in page


MALFORMED_KEY_ANSWERS = [
    "",
    "{}",
    '{"id": "x"}',
    '{"id": "x", "rawId": "x", "type": "public-key", "response": {}}',
    '{"id": 1, "rawId": [], "type": 5, "response": "x"}',
    "not json",
    "[" * 1000,
]


@pytest.mark.parametrize("credential", MALFORMED_KEY_ANSWERS)
def test_a_broken_security_key_answer_at_login_is_a_form_error(client, broker_with_app, credential):
    password_login(client, broker_with_app.email)
    client.get(reverse("mfa_authenticate"))
    response = client.post(reverse("mfa_authenticate"), {"credential": credential})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("credential", MALFORMED_KEY_ANSWERS)
def test_a_broken_security_key_answer_when_confirming_is_a_form_error(client, people, credential):
    broker = people["broker_a"]
    _security_key(broker)
    client.force_login(broker)
    response = client.post(reverse("mfa_reauthenticate_webauthn"), {"credential": credential})
    # allauth's answer to a failed key: back to the start with the reason as a message.
    assert response.status_code == 302
    assert texts(response)
    assert client.get(staff_url("broker_a"))["Location"].startswith(reverse("mfa_reauthenticate"))
