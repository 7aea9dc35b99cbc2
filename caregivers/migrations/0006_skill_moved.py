"""A request's skills point at the catalogue in its new app (neighbourhoods.Skill)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caregivers', '0005_report_indexes'),
        ('neighbourhoods', '0005_skill'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='helprequest',
                    name='skills',
                    field=models.ManyToManyField(blank=True, related_name='help_requests', to='neighbourhoods.skill', verbose_name='nodig'),
                ),
            ],
        ),
    ]
