"""Content types of the models that moved from the matching app to the matches app keep their
permissions and admin history (common.contenttypes)."""

from functools import partial

from django.db import migrations

from common.contenttypes import content_types_move


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("matches", "0001_initial"),
        ("matching", "0005_models_moved"),
    ]

    operations = [
        migrations.RunPython(
            partial(content_types_move, old_app="matching", new_app="matches", models=["match", "matchevent", "matchlinktoken", "hoursentry", "evaluation", "calendarfeed", "batchrun"]),
            migrations.RunPython.noop,
        ),
    ]
