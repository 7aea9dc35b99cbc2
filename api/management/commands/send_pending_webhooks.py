"""Send the webhook deliveries that are due, for a set-up without Celery beat (cron)."""

from django.core.management.base import BaseCommand

from api.webhooks import webhooks_drain


class Command(BaseCommand):
    help = "Send webhook deliveries that are due (the same as the drain_webhooks periodic task)."

    def handle(self, *args, **options):
        counts = webhooks_drain()
        self.stdout.write(
            ", ".join(f"{outcome} {counts.get(outcome, 0)}" for outcome in ("delivered", "retry", "failed", "skipped"))
        )
