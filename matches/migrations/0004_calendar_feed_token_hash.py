"""Calendar-feed tokens are stored as their SHA-256 (issue #13, point 6).

The existing plain tokens are hashed, so every address already in someone's phone
keeps working. Going back cannot recover the plain tokens: it gives every feed a new
random token (those people then make a new address on the calendar page).
"""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("matches", "CalendarFeed")
    for feed in CalendarFeed.objects.all().only("pk", "token"):
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def new_plain_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("matches", "CalendarFeed")
    for feed in CalendarFeed.objects.all().only("pk"):
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("matches", "0003_reasons_as_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_plain_tokens),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
