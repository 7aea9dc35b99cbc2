"""The ladder at intake (issue #15): own strength, network members, goal, the step on
which a question was solved and whether the goal was reached; the preferred language.

The free text ``own_network`` becomes ``own_strength`` (what the person and the people
around them can do): nothing stored is lost. Requests that already ended get their
step where the history says it: closed after a match's evaluation (an outcome of
helped/partly/not helped) -> volunteer, with the goal from the outcome; referred ->
referral."""

import django.db.models.deletion
from django.db import migrations, models


OUTCOME_GOAL = {"helped": "yes", "partly": "partly", "not_helped": "no"}


def forwards(apps, schema_editor):
    HelpRequest = apps.get_model("caregivers", "HelpRequest")
    # An UPDATE per rule, not save(): updated_at stays, so stored report months stay valid.
    HelpRequest.objects.exclude(own_network="").update(own_strength=models.F("own_network"))
    for outcome, goal in OUTCOME_GOAL.items():
        HelpRequest.objects.filter(status="closed", outcome=outcome, ladder_step="").update(
            ladder_step="volunteer", goal_reached=goal
        )
    HelpRequest.objects.filter(status="referred", ladder_step="").update(ladder_step="referral")


def backwards(apps, schema_editor):
    HelpRequest = apps.get_model("caregivers", "HelpRequest")
    HelpRequest.objects.exclude(own_strength="").update(own_network=models.F("own_strength"))


class Migration(migrations.Migration):

    dependencies = [
        ('caregivers', '0009_caresignal'),
    ]

    operations = [
        migrations.AddField(
            model_name='helprequest',
            name='goal_measurable',
            field=models.TextField(blank=True, max_length=500, verbose_name='meetbaar doel'),
        ),
        migrations.AddField(
            model_name='helprequest',
            name='goal_own_words',
            field=models.TextField(blank=True, max_length=1000, verbose_name='doel in eigen woorden'),
        ),
        migrations.AddField(
            model_name='helprequest',
            name='goal_reached',
            field=models.CharField(blank=True, choices=[('yes', 'ja'), ('partly', 'gedeeltelijk'), ('no', 'nee')], max_length=10, verbose_name='doel bereikt?'),
        ),
        migrations.AddField(
            model_name='helprequest',
            name='ladder_step',
            field=models.CharField(blank=True, choices=[('own_strength', 'eigen kracht'), ('own_network', 'eigen netwerk'), ('volunteer', 'vrijwilliger of buurt'), ('referral', 'doorverwezen naar professionele hulp of gemeente')], max_length=20, verbose_name='opgelost met'),
        ),
        migrations.AddField(
            model_name='helprequest',
            name='own_strength',
            field=models.TextField(blank=True, max_length=2000, verbose_name='wat kan de persoon zelf?'),
        ),
        migrations.AddField(
            model_name='helprequest',
            name='preferred_language',
            field=models.CharField(blank=True, max_length=3, verbose_name='voorkeurstaal'),
        ),
        migrations.CreateModel(
            name='NetworkMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='voornaam of omschrijving')),
                ('relation', models.CharField(choices=[('partner', 'partner'), ('family', 'familie'), ('neighbour', 'buren'), ('friend', 'vriend of kennis'), ('club', 'kerk, vereniging of club'), ('other', 'anders')], max_length=20, verbose_name='wie is het?')),
                ('helps', models.CharField(choices=[('now', 'helpt al'), ('could', 'zou kunnen helpen')], max_length=10, verbose_name='helpt al of zou kunnen helpen')),
                ('what', models.CharField(blank=True, max_length=300, verbose_name='wat doet hij of zij, of wat zou kunnen?')),
                ('contact_consent', models.BooleanField(default=False, verbose_name='de persoon vindt het goed dat we contactgegevens bewaren')),
                ('contact_consent_on', models.DateField(blank=True, null=True, verbose_name='toestemming gegeven op')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='telefoon')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mailadres')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='network', to='caregivers.helprequest')),
            ],
            options={
                'verbose_name': 'iemand uit het netwerk',
                'verbose_name_plural': 'eigen netwerk',
                'ordering': ['pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('contact_consent', True), ('contact_consent_on__isnull', False)), models.Q(('contact_consent', False), ('contact_consent_on__isnull', True), ('phone', ''), ('email', '')), _connector='OR'), name='network_member_contact_needs_consent')],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name='helprequest',
            name='own_network',
        ),
    ]
