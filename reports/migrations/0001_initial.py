"""The stored report months, moved here from the neighbourhoods app: the tables
neighbourhoods_reportmonth and neighbourhoods_reportmontharea keep their names and rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('neighbourhoods', '0004_report_months'),
        ('neighbourhoods', '0005_skill'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportMonth',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='maand')),
                        ('counted_at', models.DateTimeField(verbose_name='geteld op')),
                        ('invalidated_at', models.DateTimeField(blank=True, null=True, verbose_name='verouderd sinds')),
                        ('workload', models.JSONField(blank=True, null=True)),
                        ('version', models.PositiveSmallIntegerField(default=1)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_months', to='neighbourhoods.organisation')),
                    ],
                    options={
                        'verbose_name': 'getelde maand',
                        'verbose_name_plural': 'getelde maanden',
                        'db_table': 'neighbourhoods_reportmonth',
                        'ordering': ['organisation', 'month'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportMonthArea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('counts', models.JSONField(default=dict)),
                        ('days_to_match', models.JSONField(default=list)),
                        ('respite_hours', models.DecimalField(decimal_places=2, default=0, max_digits=12)),
                        ('burden_sum', models.PositiveIntegerField(default=0)),
                        ('burden_checkins', models.PositiveIntegerField(default=0)),
                        ('neighbourhood', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='neighbourhoods.neighbourhood')),
                        ('report_month', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='areas', to='reports.reportmonth')),
                    ],
                    options={
                        'verbose_name': 'getelde maand per buurt',
                        'verbose_name_plural': 'getelde maanden per buurt',
                        'db_table': 'neighbourhoods_reportmontharea',
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportmonth',
                    constraint=models.UniqueConstraint(fields=('organisation', 'month'), name='unique_report_month'),
                ),
                migrations.AddConstraint(
                    model_name='reportmontharea',
                    constraint=models.UniqueConstraint(condition=models.Q(('neighbourhood__isnull', False)), fields=('report_month', 'neighbourhood'), name='unique_report_month_area'),
                ),
                migrations.AddConstraint(
                    model_name='reportmontharea',
                    constraint=models.UniqueConstraint(condition=models.Q(('neighbourhood__isnull', True)), fields=('report_month',), name='unique_report_month_unknown_area'),
                ),
            ],
        ),
    ]
