"""Queue the lifecycle reminders that are due, for a set-up without Celery beat (cron)."""

from django.core.management.base import BaseCommand

from matches.mails import reminders_send


class Command(BaseCommand):
    help = (
        "Queue the reminders that are due (the same as the send_reminders periodic task): "
        "proposals without an answer, VOGs running out, the brokers' morning digest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="also outside waking hours (REMINDER_FROM_HOUR-REMINDER_UNTIL_HOUR)"
        )

    def handle(self, *args, force, **options):
        counts = reminders_send(force=force)
        if counts.get("quiet_hours"):
            self.stdout.write("Outside waking hours (Europe/Amsterdam): nothing sent. Use --force to send anyway.")
            return
        done = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()) if count) or "nothing due"
        self.stdout.write(f"queued: {done}")
