"""Print the current second-step code of a demo staff account (local run only).

    .venv/bin/python manage.py demo_totp makelaar@buurtmakelaar.demo

The demo's staff accounts share the known TOTP secret of ``DEMO_TOTP_SECRET``
(config/settings.py, refused in production). The command prints a code only for those
accounts, and only while they use that secret: never for a real account.
"""

import time

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from demo.people import DEMO_STAFF_ACCOUNTS, demo_totp_secret_of


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (local demo only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="e.g. makelaar@buurtmakelaar.demo")

    def handle(self, *args, **options):
        if not settings.DEMO_TOTP_SECRET:
            raise CommandError("demo_totp works only in the local demo (DEMO_TOTP_SECRET is not set in production).")
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        secret = demo_totp_secret_of(user) if user is not None else None
        if secret is None:
            known = ", ".join(account.email for account in DEMO_STAFF_ACCOUNTS)
            raise CommandError(
                f"{email} is not a demo staff account with the demo secret (run load_demo; one of: {known})."
            )
        totp = pyotp.TOTP(secret)
        left = totp.interval - int(time.time()) % totp.interval
        self.stdout.write(totp.now())
        self.stderr.write(f"(nog {left} seconden geldig)")
