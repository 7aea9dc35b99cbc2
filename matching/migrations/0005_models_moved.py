"""The models moved to the matches app (matches/migrations/0001_initial)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('matches', '0001_initial'),
        ('matching', '0004_match_last_checkin_at_calendarfeed'),
        ('notifications', '0002_match_moved'),
    ]

    operations = [
        # State only: the tables and their rows stay exactly where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='match',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='calendarfeed',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='evaluation',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='evaluation',
                    name='match',
                ),
                migrations.RemoveField(
                    model_name='hoursentry',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='hoursentry',
                    name='match',
                ),
                migrations.RemoveField(
                    model_name='match',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='match',
                    name='proposed_by',
                ),
                migrations.RemoveField(
                    model_name='match',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='match',
                    name='volunteer',
                ),
                migrations.RemoveField(
                    model_name='matchlinktoken',
                    name='match',
                ),
                migrations.RemoveField(
                    model_name='matchevent',
                    name='match',
                ),
                migrations.RemoveField(
                    model_name='matchevent',
                    name='by',
                ),
                migrations.DeleteModel(
                    name='BatchRun',
                ),
                migrations.DeleteModel(
                    name='CalendarFeed',
                ),
                migrations.DeleteModel(
                    name='Evaluation',
                ),
                migrations.DeleteModel(
                    name='HoursEntry',
                ),
                migrations.DeleteModel(
                    name='MatchLinkToken',
                ),
                migrations.DeleteModel(
                    name='Match',
                ),
                migrations.DeleteModel(
                    name='MatchEvent',
                ),
            ],
        ),
    ]
