"""Monthly delivery of a municipality's figures:

    manage.py report --organisation SLUG --municipality NAME --month YYYY-MM --csv FILE [--json FILE]
    manage.py report --organisation SLUG --municipality NAME --month 2026-01 --to 2026-03 --csv q1.csv
    manage.py report --municipality NAME --month YYYY-MM --csv FILE   (when one organisation works there)

The same figures as the municipality's dashboard and CSV export, with small numbers
hidden (``reports.figures``). ``--csv -`` writes to standard output. Any bad
argument stops with a message and exit status 1; nothing is written then.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from neighbourhoods.models import Organisation
from neighbourhoods.selectors import municipality_lookup_message, municipality_resolve, organisations_serving
from reports.export import report_csv_write
from reports.figures import report_as_json, report_build
from reports.forms import MAX_EXPORT_MONTHS
from reports.months import Month, PeriodError, check_period


class Command(BaseCommand):
    help = "Write a municipality's outcome figures for a month (or months) as CSV and/or JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", help="the organisation's slug (may be left out when one organisation works there)"
        )
        parser.add_argument("--municipality", required=True, help="the municipality's name, e.g. Arnhem")
        parser.add_argument("--month", required=True, help="YYYY-MM (Europe/Amsterdam calendar month)")
        parser.add_argument("--to", help="YYYY-MM: the last month of a period that starts at --month")
        parser.add_argument("--csv", help="the CSV file to write ('-' for standard output)")
        parser.add_argument("--json", help="the JSON file to write ('-' for standard output)")

    def handle(self, *args, **options):
        if not options["csv"] and not options["json"]:
            raise CommandError(_("Geef --csv BESTAND en/of --json BESTAND: waar moeten de cijfers heen?"))
        name = options["municipality"].strip()
        # Also "Den Haag" or a CBS code; a former municipality ("Boxmeer") says what it is now.
        municipality = municipality_resolve(name)
        if municipality is None:
            raise CommandError(municipality_lookup_message(name))
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("Organisatie %(slug)s bestaat niet. Kijk of u de slug goed hebt geschreven.")
                    % {"slug": options["organisation"]}
                )
        else:
            serving = list(organisations_serving(municipality=municipality).order_by("slug")[:10])
            if len(serving) != 1:
                raise CommandError(
                    _("Welke organisatie? Geef --organisation; in %(name)s werken: %(list)s.")
                    % {"name": municipality.name, "list": ", ".join(o.slug for o in serving) or _("geen")}
                )
            organisation = serving[0]
        if not organisation.municipalities.filter(pk=municipality.pk).exists():
            served = ", ".join(organisation.municipalities.order_by("name").values_list("name", flat=True))
            raise CommandError(
                _("%(org)s werkt niet in %(name)s. Werkgebied: %(served)s.")
                % {"org": organisation.slug, "name": municipality.name, "served": served or _("geen")}
            )
        try:
            first = Month.parse(options["month"])
            last = Month.parse(options["to"]) if options["to"] else first
            months = check_period(first, last, max_months=MAX_EXPORT_MONTHS)
        except PeriodError as error:
            raise CommandError(error.message)

        report = report_build(organisation=organisation, municipality=municipality, months=months, suppress=True)
        outputs = []
        if options["csv"]:
            buffer = io.StringIO()
            rows = report_csv_write(report, buffer)
            outputs.append((options["csv"], buffer.getvalue(), _("CSV (%(n)s regels)") % {"n": rows}))
        if options["json"]:
            text = json.dumps(report_as_json(report), ensure_ascii=False, indent=1) + "\n"
            outputs.append((options["json"], text, "JSON"))
        # Check every target before writing any, so that a bad path leaves nothing half done.
        for target, _text, _what in outputs:
            if target != "-" and not Path(target).expanduser().resolve().parent.is_dir():
                raise CommandError(_("Kan %(path)s niet schrijven: die map bestaat niet.") % {"path": target})
        for target, text, what in outputs:
            if target == "-":
                self.stdout.write(text, ending="")
                continue
            try:
                Path(target).expanduser().write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("Kan %(path)s niet schrijven: %(e)s") % {"path": target, "e": error.strerror or error}
                )
            period = str(first) if first == last else f"{first} – {last}"
            self.stderr.write(
                _("%(name)s %(period)s: %(what)s geschreven naar %(path)s.")
                % {"name": municipality.name, "period": period, "what": what, "path": target}
            )
