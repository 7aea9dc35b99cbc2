"""The stored report months move to the reports app (reports/migrations/0001); their
tables keep their names."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('neighbourhoods', '0005_skill'),
        ('reports', '0001_initial'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='reportmontharea',
                    name='report_month',
                ),
                migrations.RemoveField(
                    model_name='reportmontharea',
                    name='neighbourhood',
                ),
                migrations.DeleteModel(
                    name='ReportMonth',
                ),
                migrations.DeleteModel(
                    name='ReportMonthArea',
                ),
            ],
        ),
    ]
