"""Matches, their events, e-mail links, hours, evaluations, calendar feeds and batch runs,
moved here from the matching app: every table keeps its name (matching_*) and its rows."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0004_match_last_checkin_at_calendarfeed'),
        ('caregivers', '0006_skill_moved'),
        ('neighbourhoods', '0005_skill'),
        ('volunteers', '0004_skill_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BatchRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'in de wachtrij'), ('running', 'bezig'), ('done', 'klaar'), ('failed', 'mislukt')], default='queued', max_length=20, verbose_name='stand van zaken')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='voortgang (%)')),
                        ('step', models.CharField(blank=True, max_length=100, verbose_name='stap')),
                        ('result', models.JSONField(blank=True, null=True, verbose_name='uitkomst')),
                        ('error', models.TextField(blank=True, verbose_name='fout')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='batch_runs', to='neighbourhoods.organisation')),
                        ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'koppelronde',
                        'verbose_name_plural': 'koppelrondes',
                        'db_table': 'matching_batchrun',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'agenda-koppeling',
                        'verbose_name_plural': 'agenda-koppelingen',
                        'db_table': 'matching_calendarfeed',
                    },
                ),
                migrations.CreateModel(
                    name='Match',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('proposed', 'voorgesteld'), ('accepted_by_volunteer', 'vrijwilliger zegt ja'), ('active', 'loopt'), ('ended', 'afgerond'), ('declined', 'afgewezen'), ('cancelled', 'geannuleerd')], default='proposed', max_length=30, verbose_name='stand van zaken')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='score')),
                        ('distance_km', models.FloatField(blank=True, null=True, verbose_name='afstand (km)')),
                        ('reasons', models.JSONField(blank=True, default=list, verbose_name='redenen')),
                        ('intro_meeting_at', models.DateTimeField(blank=True, null=True, verbose_name='kennismaking op')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='vrijwilliger zei ja op')),
                        ('activated_at', models.DateTimeField(blank=True, null=True, verbose_name='gestart op')),
                        ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='gestopt op')),
                        ('last_checkin_at', models.DateTimeField(blank=True, null=True, verbose_name='laatste check-in')),
                        ('decline_reason', models.CharField(blank=True, choices=[('no_time', 'geen tijd op dat moment'), ('too_far', 'te ver weg'), ('not_my_thing', 'past niet bij wat ik wil doen'), ('no_click', 'geen klik na de kennismaking'), ('no_longer_needed', 'hulp is niet meer nodig'), ('other', 'anders')], max_length=30, verbose_name='reden')),
                        ('declined_by_side', models.CharField(blank=True, choices=[('volunteer', 'vrijwilliger'), ('requester', 'hulpvrager'), ('broker', 'makelaar')], max_length=20, verbose_name='afgewezen door')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='matches', to='matches.batchrun')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='matches', to='neighbourhoods.organisation')),
                        ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='caregivers.helprequest')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='volunteers.volunteer')),
                    ],
                    options={
                        'verbose_name': 'koppeling',
                        'verbose_name_plural': 'koppelingen',
                        'db_table': 'matching_match',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='HoursEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='datum')),
                        ('hours', models.DecimalField(decimal_places=2, max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0.25'))], verbose_name='uren')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='opmerking')),
                        ('approved_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('match', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hours', to='matches.match')),
                    ],
                    options={
                        'verbose_name': 'uren',
                        'verbose_name_plural': 'uren',
                        'db_table': 'matching_hoursentry',
                        'ordering': ['-date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Evaluation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('goal_reached', models.CharField(choices=[('yes', 'ja'), ('partly', 'gedeeltelijk'), ('no', 'nee')], max_length=10, verbose_name='doel bereikt?')),
                        ('volunteer_satisfaction', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='tevredenheid vrijwilliger (1-5)')),
                        ('requester_satisfaction', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='tevredenheid hulpvrager (1-5)')),
                        ('next_step', models.CharField(choices=[('close', 'vraag afsluiten'), ('rematch', 'nieuwe vrijwilliger zoeken'), ('refer', 'doorverwijzen')], max_length=20, verbose_name='hoe verder?')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='toelichting')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('match', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation', to='matches.match')),
                    ],
                    options={
                        'verbose_name': 'evaluatie',
                        'verbose_name_plural': 'evaluaties',
                        'db_table': 'matching_evaluation',
                    },
                ),
                migrations.CreateModel(
                    name='MatchEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(blank=True, max_length=30)),
                        ('to_status', models.CharField(max_length=30)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('note', models.TextField(blank=True, max_length=2000)),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('match', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='matches.match')),
                    ],
                    options={
                        'verbose_name': 'gebeurtenis',
                        'verbose_name_plural': 'gebeurtenissen',
                        'db_table': 'matching_matchevent',
                        'ordering': ['at', 'pk'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='MatchLinkToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('accept', 'ja zeggen'), ('decline', 'nee zeggen')], max_length=20)),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('match', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='link_tokens', to='matches.match')),
                    ],
                    options={
                        'verbose_name': 'e-maillink',
                        'verbose_name_plural': 'e-maillinks',
                        'db_table': 'matching_matchlinktoken',
                    },
                ),
                migrations.AddIndex(
                    model_name='match',
                    index=models.Index(fields=['volunteer', 'status'], name='matching_ma_volunte_ac0f6a_idx'),
                ),
                migrations.AddConstraint(
                    model_name='match',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['proposed', 'accepted_by_volunteer', 'active'])), fields=('request', 'volunteer'), name='one_open_match_per_pair'),
                ),
                migrations.AddConstraint(
                    model_name='hoursentry',
                    constraint=models.CheckConstraint(condition=models.Q(('hours__gt', 0), ('hours__lte', 24)), name='hours_between_0_and_24'),
                ),
            ],
        ),
    ]
