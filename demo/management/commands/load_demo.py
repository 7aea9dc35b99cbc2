from django.conf import settings
from django.core.management.base import BaseCommand

from demo.conversations import demo_conversations_load
from demo.history import demo_history_load
from demo.people import DEMO_STAFF_ROLES, REGIONS, demo_accounts, demo_load
from neighbourhoods.models import StaffMembership
from reports.store import NIGHTLY_MONTHS, reports_refresh


class Command(BaseCommand):
    help = (
        "Load a demo region (regio Arnhem by default, or Stadskanaal, or Brabant Noordoost-oost): its "
        "municipalities and villages, one volunteer centre, demo accounts, demo people and history. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", choices=sorted(REGIONS), default="arnhem", help="Which demo region.")
        parser.add_argument(
            "--no-people", action="store_true", help="Only geography, organisation, skills and accounts."
        )
        parser.add_argument("--volunteers", type=int, default=300)
        parser.add_argument("--requests", type=int, default=150)
        parser.add_argument(
            "--history-months",
            type=int,
            default=12,
            help="Months of past requests, matches, hours and check-ins for the reports (0: none).",
        )

    def handle(self, *args, **options):
        if options["volunteers"] < 0 or options["requests"] < 0 or options["history_months"] < 0:
            self.stderr.write("--volunteers, --requests and --history-months must be 0 or more")
            raise SystemExit(2)
        region = REGIONS[options["region"]]
        result = demo_load(
            people=not options["no_people"],
            volunteers=options["volunteers"],
            requests=options["requests"],
            region=region,
        )
        self.stdout.write(
            f"Demo: {result['organisation'].name}, {result['municipalities']} gemeenten, "
            f"{result['neighbourhoods']} buurten en kernen; "
            f"{result['volunteers_created']} vrijwilligers en {result['requests_created']} hulpvragen nieuw."
        )
        if not options["no_people"] and options["history_months"]:
            organisation = result["organisation"]
            brokers = [
                m.user
                for m in StaffMembership.objects.filter(
                    organisation=organisation, role__in=StaffMembership.CASEWORK_ROLES
                ).select_related("user")
            ]
            history = demo_history_load(
                organisation=organisation,
                brokers=brokers,
                months=options["history_months"],
                main_municipality=region.main_municipality,
            )
            if history["requests"]:
                self.stdout.write(
                    f"Geschiedenis: {history['requests']} eerdere hulpvragen en {history['matches']} koppelingen "
                    f"in {options['history_months']} maanden."
                )
            broker = next(
                (
                    m.user
                    for m in StaffMembership.objects.filter(organisation=organisation, role=StaffMembership.Role.BROKER)
                    .select_related("user")
                    .order_by("pk")
                ),
                None,
            )
            conversations = demo_conversations_load(organisation=organisation, broker=broker)
            if conversations:
                self.stdout.write(f"Berichten: voorbeeldgesprekken bij {conversations} lopende koppelingen.")
        # The report pages read stored figures: count them now, so the demo dashboard is fast at once.
        reports_refresh(months=NIGHTLY_MONTHS, organisation=result["organisation"])
        if settings.DEBUG:
            # The demo passwords are printed only in the local run (DEBUG on).
            self.stdout.write(f"\nDemo-accounts (wachtwoord voor allemaal: {settings.DEMO_PASSWORD})")
            for account in demo_accounts(region):
                self.stdout.write(f"  {account.email:<36} {account.description}")
            self.stdout.write("  Django-beheer: /admin/ (met beheer@)")
            if settings.DEMO_TOTP_SECRET:
                self._print_second_step(region)

    def _print_second_step(self, region) -> None:
        import pyotp

        secret = settings.DEMO_TOTP_SECRET
        totp = pyotp.TOTP(secret)
        uri = totp.provisioning_uri(name="demo-medewerker", issuer_name="Buurtmakelaar demo")
        accounts = [a for a in demo_accounts(region) if a.role in DEMO_STAFF_ROLES]
        staff = ", ".join(account.email.split("@")[0] + "@" for account in accounts)
        self.stdout.write(
            f"\nMedewerkers ({staff}) loggen in met twee stappen. De tweede stap is een code uit een app.\n"
            f"  Geheime sleutel voor uw app (Google Authenticator, FreeOTP, ...): {secret}\n"
            f"  of als link: {uri}\n"
            f"  Of vraag de code hier op: .venv/bin/python manage.py demo_totp makelaar@{region.mail_domain}\n"
            f"  De code van nu: {totp.now()} (elke 30 seconden een nieuwe)"
        )
