"""Move the rows of the old care-file log (caregivers.CareFileAccess) into the access
log, oldest first, as one hash chain. The old rows knew who, when and whose file; the
client was not recorded, and the actor's e-mail is the one they have now."""

import re

from django.db import migrations

from audit.chain import GENESIS, row_hash


def forward(apps, schema_editor):
    CareFileAccess = apps.get_model("caregivers", "CareFileAccess")
    AccessLogEntry = apps.get_model("audit", "AccessLogEntry")
    last = AccessLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = last if last else (0, GENESIS)
    rows = CareFileAccess.objects.select_related("mantelzorger", "viewed_by").order_by("at", "pk")
    for old in rows.iterator(chunk_size=1000):
        number = re.search(r"#(\d+)", old.what or "")
        request_id = int(number.group(1)) if number else None
        seq += 1
        fields = {
            "seq": seq,
            "at": old.at,
            "actor_key": f"user:{old.viewed_by_id}" if old.viewed_by_id else "",
            "actor_label": old.viewed_by.email if old.viewed_by_id else "",
            "actor_role": "broker",
            "organisation_id": old.mantelzorger.organisation_id,
            "subject_key": f"mantelzorger:{old.mantelzorger_id}",
            "subject_mantelzorger_id": old.mantelzorger_id,
            "subject_user_id": None,
            "subject_request_id": request_id,
            "what": "request_detail",
            "object_ref": f"helprequest:{request_id}" if request_id else "",
            "client_ip": "",
            "user_agent": "",
            "prev_hash": prev,
        }
        prev = row_hash(fields)
        # The historical model has no save() guard; this is an insert all the same.
        AccessLogEntry.objects.create(actor_id=old.viewed_by_id, hash=prev, **fields)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        ("caregivers", "0006_skill_moved"),
    ]

    # Backwards: the old table comes back empty (caregivers 0007 reversed); the log keeps its rows.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
