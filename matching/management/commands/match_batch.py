"""``python manage.py match_batch --organisation SLUG [--json FILE] [--commit]`` (DESIGN.md).

Without ``--commit`` it only computes. ``--json FILE`` writes the contract JSON
(``-`` = standard output; the summary then goes to standard error, so the output
stays valid JSON), with each proposal's reasons as sentences in the site's
language, Dutch (the stored run keeps them as codes). ``--commit`` stores the run
and turns its proposals into ``Match(proposed)`` objects; proposals that no longer
fit are skipped and counted.
"""

from __future__ import annotations

import argparse
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import DomainError
from matching.services import batch_compute, batch_result_as_contract, batch_run_confirm, batch_run_record
from neighbourhoods.models import Organisation


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}")
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Assign all ready help requests of an organisation to volunteers at once (optimal batch). "
        "Without --commit it only computes; --json FILE writes the result ('-' = stdout); "
        "--commit turns the proposals into proposed matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, metavar="SLUG", help="the organisation's slug")
        parser.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE ('-' = standard output)")
        parser.add_argument("--commit", action="store_true", help="create the proposed matches")
        parser.add_argument(
            "--max-edges-per-request",
            type=_positive_int,
            default=None,
            metavar="K",
            help=(
                "keep only each request's K best candidates (plus its greedy pick); the result is then "
                "optimal on that smaller graph. Default: every candidate (optimal on all of them)"
            ),
        )

    def handle(self, *args, **options):
        slug = options["organisation"]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(
                _("Organisatie %(slug)s bestaat niet. Kijk of u de slug goed hebt geschreven.") % {"slug": slug}
            )
        now = timezone.now()
        data = batch_compute(organisation=organisation, now=now, max_edges_per_request=options["max_edges_per_request"])
        target = options["json"]
        # With JSON on stdout, the summary goes to stderr to keep stdout parseable.
        out = self.stderr if target == "-" else self.stdout
        if target:
            # The file reads the same whoever runs the command: the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                text = json.dumps(batch_result_as_contract(data), ensure_ascii=False, indent=2) + "\n"
            if target == "-":
                self.stdout.write(text, ending="")
            else:
                try:
                    with open(target, "w", encoding="utf-8") as fh:
                        fh.write(text)
                except OSError as error:
                    raise CommandError(
                        _("Kan %(path)s niet schrijven: %(e)s") % {"path": target, "e": error.strerror or error}
                    )

        stats = data["stats"]
        out.write(
            _(
                "%(org)s: %(requests)s vragen klaar om te koppelen, %(volunteers)s vrijwilligers. "
                "Gekoppeld: %(matched)s, niet gekoppeld: %(unmatched)s (totale score %(score).4f)."
            )
            % {
                "org": organisation.slug,
                "requests": stats["requests"],
                "volunteers": stats["volunteers"],
                "matched": stats["matched"],
                "unmatched": stats["unmatched"],
                "score": stats["total_score"],
            }
        )
        out.write(
            _("Dichtstbijzijnde-eerst (ter vergelijking): gekoppeld %(matched)s (totale score %(score).4f).")
            % {"matched": stats["greedy_matched"], "score": stats["greedy_total_score"]}
        )
        out.write(_("Berekend in %(s).2f s.") % {"s": stats["timings"]["total_s"]})

        if not options["commit"]:
            out.write(_("Niets opgeslagen. Gebruik --commit om de voorstellen op te slaan."))
            return
        run = batch_run_record(organisation=organisation, result=data, by=None, now=now)
        try:
            report = batch_run_confirm(batch_run=run, indexes=None, by=None)
        except DomainError as error:
            raise CommandError(error.message)
        out.write(
            _("Opgeslagen: %(created)s voorstellen gemaakt, %(skipped)s overgeslagen (koppelronde %(run)s).")
            % {"created": len(report.created), "skipped": len(report.skipped), "run": run.pk}
        )
        for i, reason in sorted(report.skipped.items()):
            p = data["proposals"][i]
            out.write(
                _("  Overgeslagen: vraag %(request)s / vrijwilliger %(volunteer)s: %(reason)s")
                % {"request": p["request"], "volunteer": p["volunteer"], "reason": reason}
            )
