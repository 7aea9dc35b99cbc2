"""Reasons become codes with parameters (issue 11 item 4, issue 18 item 5).

``Match.reasons`` and the reasons in ``BatchRun.result`` (each proposal's, and each
unmatched request's in ``unmatched_reasons``) were stored as Dutch sentences. Every
sentence the engine could write is read back into its code and parameters by
``matches.legacy_reasons`` ("3,2 km" -> ``{"code": "distance", "km": 3.2}``); any other
text is kept as ``{"code": "text", "text": ...}`` and shown as it was. Reasons that
are codes already are left alone, so running it twice changes nothing.

Backwards: every code is rendered in Dutch again (``matches.reasons``), as the old
code expects.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import translation

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHUNK = 1000


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(AMSTERDAM)
    return value.date()


def _to_codes(reasons, near):
    from matches.legacy_reasons import reason_from_text

    if not isinstance(reasons, list) or not any(isinstance(r, str) for r in reasons):
        return None
    return [reason_from_text(r, near=near) if isinstance(r, str) else r for r in reasons]


def _to_text(reasons, near):
    from matches.reasons import reason_text

    if not isinstance(reasons, list) or not any(isinstance(r, dict) for r in reasons):
        return None
    return [reason_text(r) if isinstance(r, dict) else r for r in reasons]


def _result(result, convert, near):
    """``result`` with every reason converted, or None when nothing changed."""
    if not isinstance(result, dict):
        return None
    changed = False
    out = dict(result)
    for key in ("proposals", "unmatched_reasons"):
        items = result.get(key)
        if not isinstance(items, list):
            continue
        new_items = []
        for item in items:
            new = convert(item.get("reasons"), near) if isinstance(item, dict) else None
            if new is not None:
                item = {**item, "reasons": new}
                changed = True
            new_items.append(item)
        out[key] = new_items
    return out if changed else None


def _migrate(apps, convert):
    Match = apps.get_model("matches", "Match")
    BatchRun = apps.get_model("matches", "BatchRun")
    todo = []
    for match in Match.objects.only("pk", "reasons", "created_at").order_by("pk").iterator(chunk_size=CHUNK):
        new = convert(match.reasons, _day(match.created_at))
        if new is not None:
            match.reasons = new
            todo.append(match)
        if len(todo) >= CHUNK:
            Match.objects.bulk_update(todo, ["reasons"])
            todo = []
    if todo:
        Match.objects.bulk_update(todo, ["reasons"])
    for run in BatchRun.objects.only("pk", "result", "created_at").order_by("pk").iterator(chunk_size=50):
        new = _result(run.result, convert, _day(run.created_at))
        if new is not None:
            BatchRun.objects.filter(pk=run.pk).update(result=new)


def forwards(apps, schema_editor):
    _migrate(apps, _to_codes)


def backwards(apps, schema_editor):
    # The old code read these as Dutch sentences, whatever the site's language.
    with translation.override("nl"):
        _migrate(apps, _to_text)


class Migration(migrations.Migration):
    dependencies = [("matches", "0002_content_types")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
