"""What the system says about a step in a request's (or a match's) history is stored as
a code and shown in the reader's language; what a person typed stays as typed. Rows
stored as sentences before are turned into codes by the data migrations."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from caregivers.models import HelpRequest, RequestEvent
from caregivers.services import request_withdraw

pytestmark = pytest.mark.django_db


def _history(client, item, *, language: str) -> str:
    client.cookies["django_language"] = language
    # The middleware activates the page's language in this thread: put it back after.
    with translation.override("nl"):
        response = client.get(reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": item.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="events-caption"') :]


def test_a_withdrawal_is_stored_as_a_code_and_shown_in_dutch_and_english(broker_client, make_request, broker):
    item = make_request(status=HelpRequest.Status.NEW)
    request_withdraw(request=item, by=broker, reason="Mijn zus helpt nu.")
    event = item.events.get(to_status=HelpRequest.Status.WITHDRAWN)
    # Stored: the code and the reason as typed, no sentence in anyone's language.
    assert (event.code, event.note) == ("withdrawn_by_broker", "Mijn zus helpt nu.")

    dutch = _history(broker_client, item, language="nl")
    assert "Ingetrokken door makelaar\nMijn zus helpt nu." in dutch
    english = _history(broker_client, item, language="en")
    assert "Withdrawn by broker\nMijn zus helpt nu." in english
    assert "Ingetrokken" not in english


def test_the_text_of_a_code_follows_the_active_language():
    event = RequestEvent(code=RequestEvent.Code.WITHDRAWN_BY_REQUESTER, note="")
    with translation.override("nl"):
        assert event.note_text == "Ingetrokken door aanvrager"
    with translation.override("en"):
        assert event.note_text == "Withdrawn by the person who asked"
    # An unknown code (say, from a newer version) shows only what was typed.
    assert RequestEvent(code="later", note="getypt").note_text == "getypt"


def test_every_code_has_an_english_text():
    from matches.models import MatchEvent

    for model in (RequestEvent, MatchEvent):
        for code, text in model.NOTES.items():
            with translation.override("nl"):
                dutch = str(text)
            with translation.override("en"):
                english = str(text)
            assert english != dutch, f"{model.__name__}.{code} has no English text"


@pytest.mark.parametrize(
    ("stored", "code", "note"),
    [
        ("Ingetrokken door aanvrager: Mijn zus helpt nu.", "withdrawn_by_requester", "Mijn zus helpt nu."),
        ("Withdrawn by broker: Moved away.", "withdrawn_by_broker", "Moved away."),
        ("Ingetrokken door makelaar", "withdrawn_by_broker", ""),
        ("Aangevraagd", "submitted", ""),
        ("Asked on the website, without an account", "asked_without_account", ""),
        ("Ingetrokken: de gegevens zijn gewist op verzoek.", "erased_on_request", ""),
        ("Belde zelf, wil liever dinsdag.", "", "Belde zelf, wil liever dinsdag."),
    ],
)
def test_the_data_migration_turns_known_request_sentences_into_codes(make_request, stored, code, note):
    migration = importlib.import_module("caregivers.migrations.0018_request_event_notes_to_codes")
    event = RequestEvent.objects.create(request=make_request(), from_status="", to_status="new", note=stored)
    migration.forwards(apps, None)
    event.refresh_from_db()
    assert (event.code, event.note) == (code, note)


def test_the_data_migration_turns_known_match_sentences_into_codes():
    from matches.models import MatchEvent

    migration = importlib.import_module("matches.migrations.0009_match_event_notes_to_codes")
    for stored, code in migration.FIXED.items():
        # The stored sentences are the texts of the codes, in Dutch or in English.
        with translation.override("nl"):
            dutch = str(MatchEvent.NOTES[code])
        with translation.override("en"):
            english = str(MatchEvent.NOTES[code])
        assert stored in (dutch, english)


def test_a_request_solved_without_a_volunteer_shows_the_step_and_goal_in_both_languages(make_request, broker):
    from caregivers.intake import request_close_solved

    item = make_request(status=HelpRequest.Status.INTAKE)
    request_close_solved(request=item, by=broker, ladder_step="own_network", goal_reached="partly", note="Zoon helpt")
    event = item.events.latest("pk")
    assert (event.code, event.params, event.note) == (
        "solved_without_volunteer",
        {"step": "own_network", "goal": "partly"},
        "Zoon helpt",
    )
    with translation.override("nl"):
        assert event.note_text == "Opgelost met eigen netwerk. Doel bereikt: gedeeltelijk.\nZoon helpt"
    with translation.override("en"):
        assert event.note_text.startswith("Solved with ") and "Goal reached: " in event.note_text
        assert "gedeeltelijk" not in event.note_text and event.note_text.endswith("\nZoon helpt")


def test_a_declined_match_step_shows_who_and_why_in_both_languages():
    from matches.models import MatchEvent

    event = MatchEvent(code="declined", params={"side": "requester", "reason": "no_click"}, note="Geen klik.")
    with translation.override("nl"):
        dutch = event.note_text
    with translation.override("en"):
        english = event.note_text
    assert dutch == "Afgewezen door de hulpvrager. Reden: geen klik na de kennismaking.\nGeen klik."
    assert english.startswith("Declined by the person asking for help. Reason: ") and "Afgewezen" not in english
