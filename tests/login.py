"""Logging in from tests: ``log_in(client, user)`` instead of ``log_in(client, user)``.

A staff member (``accounts.two_step.two_step_required``) is logged in the way a
completed two-step login leaves them: with an app (TOTP) authenticator of a known
secret, and the second step recorded in the session in allauth's own format. Everyone
else is simply logged in. The requirement itself stays on in every test: a plain
``log_in(client, staff)`` is sent to set up the second step
(tests/accounts/test_two_step.py shows it), and so is ``log_in(..., second_step=False)``.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import RequestFactory

from accounts.two_step import SECOND_STEP_TYPES, second_step_record, two_step_required

# The TOTP secret of staff logged in by log_in (base32); pyotp.TOTP(TEST_TOTP_SECRET).now()
# gives a code that the login form accepts.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def log_in(client, user, *, second_step: bool = True) -> None:
    client.force_login(user)
    if not second_step or not two_step_required(user):
        return
    authenticator = Authenticator.objects.filter(user=user, type__in=SECOND_STEP_TYPES).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, TEST_TOTP_SECRET).instance
    request = RequestFactory().get("/")
    request.session = client.session
    second_step_record(request, user, authenticator)
    request.session.save()
