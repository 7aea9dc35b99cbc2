"""The history of a request stored some steps as a sentence in the language of the
person who took the step ("Ingetrokken door aanvrager: ...", "Aangevraagd"). They
become codes (``RequestEvent.Code``), shown in the reader's language; what a person
typed after the sentence (the reason of a withdrawal) stays in ``note``. A note that
is not recognised is left as it was and shown as stored: so are the sentences that
hold a volunteer's name or labels ("Gekoppeld aan Anna.", "Opgelost met ..."), which
are not taken apart."""

from django.db import migrations

# The sentences as stored, in Dutch and in English (the active language at the time).
FIXED = {
    "Aangevraagd": "submitted",
    "Requested": "submitted",
    "Ingevoerd door makelaar": "entered_by_broker",
    "Entered by broker": "entered_by_broker",
    "Gevraagd via de website, zonder account": "asked_without_account",
    "Asked on the website, without an account": "asked_without_account",
    "Gekoppeld aan het account van de hulpvrager": "linked_to_account",
    "Linked to the account of the person asking for help": "linked_to_account",
    "Ingelezen uit een bestand.": "imported",
    "Imported from a file.": "imported",
    "Ingetrokken: de gegevens zijn gewist op verzoek.": "erased_on_request",
    "Withdrawn: the data were erased on request.": "erased_on_request",
    "Na de evaluatie: we zoeken een nieuwe vrijwilliger.": "rematch_after_evaluation",
    "After the evaluation: we're looking for a new volunteer.": "rematch_after_evaluation",
    "Na de evaluatie: doorverwijzen. Leg vast naar wie en waarom.": "refer_after_evaluation",
    "After the evaluation: refer. Record who to and why.": "refer_after_evaluation",
    # Had no English text: stored in Dutch only.
    "De vrijwilliger is gestopt.": "volunteer_stopped",
}
# A sentence followed by ": <the reason the person typed>".
PREFIXED = {
    "Ingetrokken door makelaar": "withdrawn_by_broker",
    "Withdrawn by broker": "withdrawn_by_broker",
    "Ingetrokken door aanvrager": "withdrawn_by_requester",
    "Withdrawn by the person who asked": "withdrawn_by_requester",
}


def note_code(note):
    """(code, the note that remains) for a stored note; ("", note) when not recognised."""
    if note in FIXED:
        return FIXED[note], ""
    for prefix, code in PREFIXED.items():
        if note == prefix:
            return code, ""
        if note.startswith(prefix + ": "):
            return code, note[len(prefix) + 2 :]
    return "", note


def forwards(apps, schema_editor):
    RequestEvent = apps.get_model("caregivers", "RequestEvent")
    for pk, note in RequestEvent.objects.filter(code="").exclude(note="").values_list("pk", "note").iterator():
        code, rest = note_code(note)
        if code:
            RequestEvent.objects.filter(pk=pk).update(code=code, note=rest)


class Migration(migrations.Migration):
    dependencies = [("caregivers", "0017_request_event_note_codes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
