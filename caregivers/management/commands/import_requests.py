from django.core.management.base import BaseCommand

from caregivers.imports import STATUSES, requests_import
from neighbourhoods.csvimport import add_import_arguments, run_import_command


class Command(BaseCommand):
    help = (
        "Import help requests from a UTF-8 CSV file (comma or semicolon separated), by external_id. "
        "A file with any bad row imports nothing; each problem is printed as 'line N: column: reason'. "
        "Lists in a cell (skills, availability, languages, schedule) use ';': in a ';'-separated file, "
        "quote those cells (Excel does)."
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)
        parser.add_argument(
            "--status",
            choices=[str(s) for s in STATUSES],
            default="new",
            help="Status of new requests (default: new). 'ready' also moves existing new/intake requests on.",
        )

    def handle(self, *args, **options):
        run_import_command(self, requests_import, options, status=options["status"])
