"""The skills catalogue moved to neighbourhoods (neighbourhoods/migrations/0005_skill)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caregivers', '0006_skill_moved'),
        ('neighbourhoods', '0005_skill'),
        ('volunteers', '0003_volunteer_stopped_at_departure'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='volunteer',
                    name='skills',
                    field=models.ManyToManyField(blank=True, related_name='volunteers', to='neighbourhoods.skill', verbose_name='wat ik graag doe'),
                ),
                migrations.DeleteModel(
                    name='Skill',
                ),
            ],
        ),
    ]
