"""The skills catalogue moves here from the volunteers app (caregivers and volunteers both
use it and must not import each other); its table keeps its name, volunteers_skill."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('neighbourhoods', '0004_report_months'),
        ('volunteers', '0003_volunteer_stopped_at_departure'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Skill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, verbose_name='code')),
                        ('label', models.CharField(max_length=100, verbose_name='omschrijving')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='skills', to='neighbourhoods.organisation')),
                    ],
                    options={
                        'verbose_name': 'vaardigheid',
                        'verbose_name_plural': 'vaardigheden',
                        'db_table': 'volunteers_skill',
                        'ordering': ['code'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='skill',
                    constraint=models.UniqueConstraint(fields=('organisation', 'code'), name='unique_skill_code_per_organisation'),
                ),
                migrations.AddConstraint(
                    model_name='skill',
                    constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('code',), name='unique_default_skill_code'),
                ),
            ],
        ),
    ]
