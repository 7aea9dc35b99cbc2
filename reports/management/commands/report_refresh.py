"""Count and store the monthly report figures, for set-ups without Celery beat:

    manage.py report_refresh                              # every organisation, the last 24 months
    manage.py report_refresh --organisation SLUG --months 3
    manage.py report_refresh --recount                     # everything again (after changes by hand)

Counts the months that are missing, still open (within 30 days of their end) or
invalidated, and the final months whose rows changed since they were counted (the
nightly task's rule, ``reports.store``). Bad arguments stop with a
message and exit status 1.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from neighbourhoods.models import Organisation
from reports.store import NIGHTLY_MONTHS, reports_refresh

MAX_MONTHS = 120


class Command(BaseCommand):
    help = "Count and store the monthly report figures (the pages read them)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="the organisation's slug (default: every organisation)")
        parser.add_argument(
            "--months", type=int, default=NIGHTLY_MONTHS, help=f"the last N months (default {NIGHTLY_MONTHS})"
        )
        parser.add_argument("--recount", action="store_true", help="count every month again, also final ones")

    def handle(self, *args, **options):
        months = options["months"]
        if not 1 <= months <= MAX_MONTHS:
            raise CommandError(
                _("--months moet een getal van 1 tot en met %(max)s zijn; u gaf %(n)s.")
                % {"max": MAX_MONTHS, "n": months}
            )
        organisation = None
        if options["organisation"] is not None:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("Organisatie %(slug)s bestaat niet. Kijk of u de slug goed hebt geschreven.")
                    % {"slug": options["organisation"]}
                )
        for result in reports_refresh(
            months=months, organisation=organisation, check_changes=True, recount=options["recount"]
        ):
            counted = ", ".join(str(m) for m in result.counted) or _("geen")
            self.stdout.write(
                _("%(slug)s: %(n)s van %(total)s maanden geteld (%(months)s).")
                % {"slug": result.organisation.slug, "n": len(result.counted), "total": months, "months": counted}
            )
