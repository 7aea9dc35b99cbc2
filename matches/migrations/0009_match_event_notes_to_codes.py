"""The history of a match stored some steps as a sentence in the language of the
person who took the step ("De hulpvraag is ingetrokken."). They become codes
(``MatchEvent.Code``), shown in the reader's language. A note that is not recognised
is left as it was and shown as stored: so are the sentences with labels and what was
typed after them ("Afgewezen door ...: ...", "Afgerond. Doel bereikt: ..."), which are
not taken apart."""

from django.db import migrations

# The sentences as stored, in Dutch and in English (the active language at the time).
FIXED = {
    "De hulpvraag is ingetrokken.": "request_withdrawn",
    "The request for help has been withdrawn.": "request_withdrawn",
    "De vraag is opgelost zonder vrijwilliger.": "request_solved",
    "The request was solved without a volunteer.": "request_solved",
    "Er helpt al een andere vrijwilliger bij deze vraag.": "other_volunteer",
    "Another volunteer is already helping with this request.": "other_volunteer",
    "Ja gezegd via de link in de e-mail.": "accepted_by_mail",
    "Said yes via the link in the email.": "accepted_by_mail",
    "Ja van de vrijwilliger, vastgelegd door de makelaar.": "accepted_for_volunteer",
    "Yes from the volunteer, recorded by the broker.": "accepted_for_volunteer",
    "voorgesteld uit een koppelronde": "from_batch",
    "proposed from a matching round": "from_batch",
    "De hulpvrager is gestopt.": "requester_stopped",
    "The person who asked for help has stopped.": "requester_stopped",
    # Had no English text: stored in Dutch only.
    "De vrijwilliger is gestopt.": "volunteer_stopped",
}


def forwards(apps, schema_editor):
    MatchEvent = apps.get_model("matches", "MatchEvent")
    for note, code in FIXED.items():
        MatchEvent.objects.filter(code="", note=note).update(code=code, note="")


class Migration(migrations.Migration):
    dependencies = [("matches", "0008_match_event_note_codes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
