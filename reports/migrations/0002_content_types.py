"""Content types of the models that moved from the neighbourhoods app to the reports app keep their
permissions and admin history (common.contenttypes)."""

from functools import partial

from django.db import migrations

from common.contenttypes import content_types_move


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0001_initial"),
        ("neighbourhoods", "0006_move_report_months"),
    ]

    operations = [
        migrations.RunPython(
            partial(content_types_move, old_app="neighbourhoods", new_app="reports", models=["reportmonth", "reportmontharea"]),
            migrations.RunPython.noop,
        ),
    ]
