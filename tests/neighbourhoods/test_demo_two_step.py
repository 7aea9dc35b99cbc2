"""The demo's staff accounts log in with a known TOTP secret (issue #13): load_demo sets
it and prints it, manage.py demo_totp prints the current code, and both refuse to hand
out a code where the secret is not set (production) or for an account that is not a demo
staff account."""

import io

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from demo.people import DEMO_ACCOUNTS, DEMO_STAFF_ACCOUNTS

pytestmark = pytest.mark.django_db

SECRET = "BUURTMAKELAARDEMOREGIOARNHEMVELP"


@pytest.fixture
def demo(settings):
    settings.DEMO_TOTP_SECRET = SECRET
    cache.clear()  # used codes of other tests
    call_command("load_demo", "--no-people", stdout=io.StringIO())


def test_every_demo_staff_account_has_the_known_secret_and_nobody_else(demo):
    staff = {account.email for account in DEMO_STAFF_ACCOUNTS}
    assert staff == {
        "beheer@buurtmakelaar.demo",
        "coordinator@buurtmakelaar.demo",
        "makelaar@buurtmakelaar.demo",
        "gemeente.arnhem@buurtmakelaar.demo",
        "privacy@buurtmakelaar.demo",
    }
    with_app = set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))
    assert with_app == staff
    assert {a.email for a in DEMO_ACCOUNTS} - staff  # the others log in with a password only


def test_the_printed_code_logs_a_demo_broker_in(demo, settings):
    out = io.StringIO()
    call_command("demo_totp", "makelaar@buurtmakelaar.demo", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert code == pyotp.TOTP(SECRET).now()

    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "makelaar@buurtmakelaar.demo", "password": settings.DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("caregivers_broker:queue", args=["regio-arnhem"])).status_code == 200


def test_load_demo_prints_the_secret_only_in_the_local_run(settings, capsys):
    settings.DEMO_TOTP_SECRET = SECRET
    settings.DEBUG = False
    call_command("load_demo", "--no-people")
    assert SECRET not in capsys.readouterr().out
    settings.DEBUG = True
    call_command("load_demo", "--no-people")
    out = capsys.readouterr().out
    assert SECRET in out
    assert "otpauth://totp/" in out and "manage.py demo_totp" in out


def test_without_the_setting_there_is_no_known_secret_and_no_code(settings):
    settings.DEMO_TOTP_SECRET = None  # production: config/settings.py refuses the variable there
    call_command("load_demo", "--no-people", stdout=io.StringIO())
    assert not Authenticator.objects.exists()  # staff set up their own app at first login
    with pytest.raises(CommandError, match="only in the local demo"):
        call_command("demo_totp", "makelaar@buurtmakelaar.demo", stdout=io.StringIO())


@pytest.mark.parametrize("email", ["vrijwilliger@buurtmakelaar.demo", "niemand@example.nl", "", "x" * 300])
def test_demo_totp_refuses_other_accounts(demo, email):
    with pytest.raises(CommandError, match="not a demo staff account"):
        call_command("demo_totp", email, stdout=io.StringIO())


def test_demo_totp_refuses_a_demo_account_whose_secret_was_changed(demo):
    from allauth.mfa.utils import encrypt

    totp = Authenticator.objects.get(user__email="makelaar@buurtmakelaar.demo", type=Authenticator.Type.TOTP)
    totp.data = {"secret": encrypt(pyotp.random_base32())}
    totp.save()
    with pytest.raises(CommandError):
        call_command("demo_totp", "makelaar@buurtmakelaar.demo", stdout=io.StringIO())
    # load_demo puts the known secret back (idempotent).
    call_command("load_demo", "--no-people", stdout=io.StringIO())
    assert User.objects.get(email="makelaar@buurtmakelaar.demo").authenticator_set.count() == 1
    call_command("demo_totp", "makelaar@buurtmakelaar.demo", stdout=io.StringIO(), stderr=io.StringIO())
