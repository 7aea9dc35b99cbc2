"""``manage.py access_log_verify``: check the hash chain of the access log.

Exit 0 and the number of rows checked plus the last row's number and hash (note them:
a later run that ends earlier means the newest rows were removed); exit 1 and the first
row that does not fit when a row was changed, removed or inserted."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import access_log_verify


class Command(BaseCommand):
    help = "Check the hash chain of the access log (NEN 7513); exit 1 at the first bad row."

    def handle(self, *args, **options):
        result = access_log_verify()
        if not result.ok:
            raise CommandError(
                f"access log broken at row {result.bad_seq}: {result.reason} "
                f"({result.checked} rows before it are intact)",
                returncode=1,
            )
        last = f"last row {result.last_seq}, hash {result.last_hash}" if result.last_seq else "the log is empty"
        self.stdout.write(f"access log intact: {result.checked} rows checked; {last}")
