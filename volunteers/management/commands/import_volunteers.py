from django.core.management.base import BaseCommand

from neighbourhoods.csvimport import add_import_arguments, run_import_command
from volunteers.imports import volunteers_import


class Command(BaseCommand):
    help = (
        "Import volunteers from a UTF-8 CSV file (comma or semicolon separated), by external_id. "
        "A file with any bad row imports nothing; each problem is printed as 'line N: column: reason'. "
        "Lists in a cell (skills, availability, languages, schedule) use ';': in a ';'-separated file, "
        "quote those cells (Excel does)."
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, **options):
        run_import_command(self, volunteers_import, options)
