"""Content types of the models that moved from the volunteers app to the neighbourhoods app keep their
permissions and admin history (common.contenttypes)."""

from functools import partial

from django.db import migrations

from common.contenttypes import content_types_move


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("neighbourhoods", "0006_move_report_months"),
        ("volunteers", "0004_skill_moved"),
    ]

    operations = [
        migrations.RunPython(
            partial(content_types_move, old_app="volunteers", new_app="neighbourhoods", models=["skill"]),
            migrations.RunPython.noop,
        ),
    ]
