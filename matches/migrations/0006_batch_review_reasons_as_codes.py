"""A koppelronde's review stored why a proposal could not be confirmed as a Dutch
sentence ("failed" entries of ``BatchRun.result["review"]``). They become codes with
parameters (``matches.proposals.REFUSAL_TEXTS``), shown in the reader's language; the
volunteer's name is left out (the page shows the volunteer). A sentence that is not
recognised is kept as ``{"code": "text", "text": ...}`` and shown as it was."""

import re

from django.db import migrations

FIXED = {
    "Deze vraag of vrijwilliger hoort niet bij uw organisatie.": "not_own_organisation",
    "Deze vraag of vrijwilliger bestaat niet meer.": "gone",
    "Deze hulpvraag bestaat niet meer.": "request_gone",
    "Deze vrijwilliger bestaat niet meer.": "volunteer_gone",
    "Deze hulpvraag staat niet meer klaar om te koppelen.": "request_no_longer_ready",
    "Voor deze hulpvraag is al iemand voorgesteld.": "request_taken",
}
PATTERNS = [
    (re.compile(r"^.+ hoort bij een andere organisatie dan deze vraag\.$"), "other_organisation"),
    (re.compile(r"^.+ is niet actief als vrijwilliger\.$"), "volunteer_inactive"),
    (re.compile(r"^.+ heeft pauze tot en met (?P<d>\d\d)-(?P<m>\d\d)-(?P<y>\d{4})\.$"), "volunteer_paused"),
    (re.compile(r"^.+ is al voorgesteld voor deze vraag\.$"), "already_proposed"),
    (re.compile(r"^.+ is eerder afgewezen of geannuleerd voor deze vraag\.$"), "declined_before"),
    (re.compile(r"^Voor deze vraag is een geldige VOG nodig\. .+ heeft die niet \(lang genoeg\)\.$"), "vog_needed"),
    (
        re.compile(r"^.+ heeft al (?P<count>\d+) van (?P<max>\d+) koppelingen\. Er is geen plek meer\.$"),
        "volunteer_full",
    ),
]


def reason_code(text):
    if text in FIXED:
        return {"code": FIXED[text]}
    for pattern, code in PATTERNS:
        found = pattern.match(text)
        if found:
            groups = found.groupdict()
            if code == "volunteer_paused":
                return {"code": code, "day": f"{groups['y']}-{groups['m']}-{groups['d']}"}
            if code == "volunteer_full":
                return {"code": code, "count": int(groups["count"]), "max": int(groups["max"])}
            return {"code": code}
    return {"code": "text", "text": text}


def forwards(apps, schema_editor):
    BatchRun = apps.get_model("matches", "BatchRun")
    for run in BatchRun.objects.exclude(result=None).iterator():
        result = run.result if isinstance(run.result, dict) else None
        review = result.get("review") if result else None
        if not isinstance(review, dict):
            continue
        changed = False
        for entry in review.values():
            if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
                entry["reason"] = reason_code(entry["reason"])
                changed = True
        if changed:
            BatchRun.objects.filter(pk=run.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [("matches", "0005_batch_rejection")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
