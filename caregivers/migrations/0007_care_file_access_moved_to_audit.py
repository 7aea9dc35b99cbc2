"""The care-file log now lives in the audit app (audit.AccessLogEntry); its rows moved there."""

from django.db import migrations


class Migration(migrations.Migration):

    # After its rows were copied into the access log (audit 0003).
    dependencies = [
        ('audit', '0003_from_care_file_access'),
        ('caregivers', '0006_skill_moved'),
    ]

    operations = [
        migrations.DeleteModel(
            name='CareFileAccess',
        ),
    ]
