"""Run the retention schedule (``privacy.schedule``) by hand, or see what it would do:

    manage.py retention --dry-run                       # list per organisation and kind, change nothing
    manage.py retention                                 # do it, and print the same list
    manage.py retention --dry-run --now 2028-06-01      # as if it were that day (trying the demo)
    manage.py retention --organisation SLUG --kind requests --kind checkins

Every line: organisation (``-`` for records of no organisation), kind, what happens,
how many records, and their ids. Celery beat runs the same every night
(``privacy.tasks.run_retention``). Bad arguments stop with a message and exit status 1.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from neighbourhoods.models import Organisation
from privacy.retention import retention_run
from privacy.schedule import KINDS


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--now moet een datum zijn als 2028-06-01 of 2028-06-01T03:00; u gaf %(value)s.") % {"value": value}
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Delete or anonymise what the retention schedule says is due (--dry-run: only list it)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")
        parser.add_argument("--now", help="act as if it were this moment (ISO date or date-time)")
        parser.add_argument("--organisation", help="the organisation's slug (default: every organisation)")
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind.code for kind in KINDS],
            help="only this kind (may be given more than once)",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="records per transaction (default 500)")

    def handle(self, *args, **options):
        now = _moment(options["now"]) if options["now"] else timezone.now()
        if not 1 <= options["batch_size"] <= 10000:
            raise CommandError(_("--batch-size moet een getal van 1 tot en met 10000 zijn."))
        organisation = None
        if options["organisation"] is not None:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("Organisatie %(slug)s bestaat niet. Kijk of u de slug goed hebt geschreven.")
                    % {"slug": options["organisation"]}
                )
        dry_run = options["dry_run"]
        results = retention_run(
            now=now,
            dry_run=dry_run,
            organisation=organisation,
            kinds=options["kind"],
            batch_size=options["batch_size"],
        )
        self.stdout.write(
            (
                _("Proefdraaien op %(now)s: er verandert niets.")
                if dry_run
                else _("Bewaartermijnen toegepast op %(now)s.")
            )
            % {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}
        )
        total = 0
        for due in results:
            total += due.count
            ids = ", ".join(str(pk) for pk in due.ids) or "-"
            self.stdout.write(f"{due.organisation or '-'}\t{due.kind}\t{due.action}\t{due.count}\t{ids}")
        self.stdout.write(_("Totaal: %(n)d.") % {"n": total})
