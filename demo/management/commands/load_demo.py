from django.conf import settings
from django.core.management.base import BaseCommand

from demo.history import demo_history_load
from demo.people import REGIONS, demo_accounts, demo_load
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
        # The report pages read stored figures: count them now, so the demo dashboard is fast at once.
        reports_refresh(months=NIGHTLY_MONTHS, organisation=result["organisation"])
        if settings.DEBUG:
            # The demo passwords are printed only in the local run (DEBUG on).
            self.stdout.write(f"\nDemo-accounts (wachtwoord voor allemaal: {settings.DEMO_PASSWORD})")
            for account in demo_accounts(region):
                self.stdout.write(f"  {account.email:<36} {account.description}")
            self.stdout.write("  Django-beheer: /admin/ (met beheer@)")
