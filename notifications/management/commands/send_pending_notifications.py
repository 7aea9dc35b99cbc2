"""Deliver what waits in the e-mail outbox, for a set-up without Celery beat (cron)."""

from django.core.management.base import BaseCommand

from notifications.services import outbox_drain


class Command(BaseCommand):
    help = "Deliver e-mail that waits in the outbox (the same as the drain_outbox periodic task)."

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=0, help="only rows waiting at least this many seconds")
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, min_age, limit, **options):
        if min_age < 0 or limit < 1:
            self.stderr.write("--min-age must be 0 or more and --limit 1 or more.")
            raise SystemExit(1)
        counts = outbox_drain(min_age_seconds=min_age, limit=limit)
        self.stdout.write(
            f"sent {counts['sent']}, skipped {counts['skipped']}, failed {counts['failed']}, "
            f"still waiting {counts['waiting']}"
        )
