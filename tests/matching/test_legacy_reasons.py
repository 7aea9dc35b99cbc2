"""Sentences the engine wrote before reasons were codes are read back into codes
(matches.legacy_reasons, used by the data migration matches.0003 and when a
match_batch --json file is committed)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from matches.legacy_reasons import reason_from_text
from matches.reasons import reason_text

NEAR = datetime.date(2026, 10, 1)

# Every form the old reasons_nl and summary_nl could write, and the batch run's two
# sentences; each with the code it becomes.
SENTENCES = [
    # reasons_nl
    ("0,8 km", {"code": "distance", "km": 0.8}),
    ("0,0 km", {"code": "distance", "km": 0.0}),
    ("13,0 km", {"code": "distance", "km": 13.0}),
    ("beschikbaar di 13:00-17:30", {"code": "available", "slots": [["tue", "13:00", "17:30"]]}),
    (
        "beschikbaar ma 09:00-12:00, di 13:00-17:30, wo 08:00-09:00, do 09:00-12:00, vr 10:00-11:00, "
        "za 10:00-16:00, zo 23:00-23:59",
        {
            "code": "available",
            "slots": [
                ["mon", "09:00", "12:00"],
                ["tue", "13:00", "17:30"],
                ["wed", "08:00", "09:00"],
                ["thu", "09:00", "12:00"],
                ["fri", "10:00", "11:00"],
                ["sat", "10:00", "16:00"],
                ["sun", "23:00", "23:59"],
            ],
        },
    ),
    ("kan op zo 25 okt 14:00-16:00", {"code": "dates", "dates": [["2026-10-25", "14:00", "16:00"]]}),
    (
        "kan op di 29 sep 09:00-10:00, wo 6 jan 14:00-16:00",
        {"code": "dates", "dates": [["2026-09-29", "09:00", "10:00"], ["2027-01-06", "14:00", "16:00"]]},
    ),
    ("heeft geldige VOG", {"code": "vog_valid"}),
    ("hielp dit gezin eerder", {"code": "helped_household_before"}),
    ("spreekt Turks", {"code": "speaks", "languages": ["tr"]}),
    ("spreekt Duits en Engels", {"code": "speaks", "languages": ["de", "en"]}),
    ("spreekt Arabisch, Nederlands en Oekraïens", {"code": "speaks", "languages": ["ar", "nl", "uk"]}),
    ("spreekt xx", {"code": "speaks", "languages": ["xx"]}),  # a code without a Dutch name
    ("woont in dezelfde buurt", {"code": "same_neighbourhood"}),
    ("wil graag vaste hulp geven", {"code": "wants_recurring"}),
    ("wil graag eenmalig helpen", {"code": "wants_one_off"}),
    ("wil graag helpen bij ouderen", {"code": "target_group", "group": "elderly"}),
    ("wil graag helpen bij mensen met psychische klachten", {"code": "target_group", "group": "psychiatric"}),
    ("wil graag helpen bij kinderen en gezinnen", {"code": "target_group", "group": "children"}),
    ("wil graag helpen bij sailors", {"code": "target_group", "group": "sailors"}),  # an unknown code
    ("nog geen koppelingen", {"code": "no_matches_yet"}),
    ("2 van 3 koppelingen bezet", {"code": "load", "open": 2, "max": 3}),
    ("1 van 1 koppelingen bezet", {"code": "load", "open": 1, "max": 1}),
    ("dringende vraag", {"code": "urgent"}),
    ("wacht al 12 dagen", {"code": "waiting_days", "days": 12}),
    ("wacht al 140 dagen", {"code": "waiting_days", "days": 140}),
    ("mantelzorger zwaar belast", {"code": "carer_burden_high"}),
    # summary_nl
    ("Geen vrijwilligers in de buurt (binnen 5,0 km)", {"code": "none_nearby", "km": 5.0}),
    ("12 vrijwilligers in de buurt (binnen 5,0 km)", {"code": "nearby", "count": 12, "km": 5.0}),
    ("1 vrijwilliger in de buurt (binnen 12,5 km)", {"code": "nearby", "count": 1, "km": 12.5}),
    ("3 wonen te ver weg", {"code": "rejected", "rule": "too_far_for_request", "count": 3}),
    ("1 woont te ver weg", {"code": "rejected", "rule": "too_far_for_request", "count": 1}),
    ("1 vindt het te ver om te reizen", {"code": "rejected", "rule": "too_far_for_volunteer", "count": 1}),
    ("4 vinden het te ver om te reizen", {"code": "rejected", "rule": "too_far_for_volunteer", "count": 4}),
    ("1 is niet actief", {"code": "rejected", "rule": "inactive", "count": 1}),
    ("2 zijn niet actief", {"code": "rejected", "rule": "inactive", "count": 2}),
    ("1 heeft pauze", {"code": "rejected", "rule": "paused", "count": 1}),
    ("2 hebben pauze", {"code": "rejected", "rule": "paused", "count": 2}),
    ("1 is eerder afgewezen of geblokkeerd", {"code": "rejected", "rule": "excluded", "count": 1}),
    ("2 zijn eerder afgewezen of geblokkeerd", {"code": "rejected", "rule": "excluded", "count": 2}),
    ("1 mist een gevraagde vaardigheid", {"code": "rejected", "rule": "skills", "count": 1}),
    ("5 missen een gevraagde vaardigheid", {"code": "rejected", "rule": "skills", "count": 5}),
    ("1 heeft geen geldige VOG voor die periode", {"code": "rejected", "rule": "vog", "count": 1}),
    ("2 hebben geen geldige VOG voor die periode", {"code": "rejected", "rule": "vog", "count": 2}),
    ("1 heeft al genoeg koppelingen", {"code": "rejected", "rule": "capacity", "count": 1}),
    ("7 hebben al genoeg koppelingen", {"code": "rejected", "rule": "capacity", "count": 7}),
    ("9 niet beschikbaar op dinsdag", {"code": "not_available_on", "count": 9, "day": "tue"}),
    (
        "2 niet beschikbaar op dinsdag 08:30-09:30",
        {"code": "not_available_on", "count": 2, "day": "tue", "time": ["08:30", "09:30"]},
    ),
    (
        "1 niet beschikbaar op zondag 25 oktober",
        {"code": "not_available_on", "count": 1, "day": "sun", "date": "2026-10-25"},
    ),
    (
        "1 niet beschikbaar op zondag 25 oktober 14:00-16:00",
        {"code": "not_available_on", "count": 1, "day": "sun", "date": "2026-10-25", "time": ["14:00", "16:00"]},
    ),
    ("geen enkele vrijwilliger past bij deze vraag", {"code": "none_eligible"}),
    ("1 past bij deze vraag", {"code": "eligible", "count": 1}),
    ("3 passen bij deze vraag", {"code": "eligible", "count": 3}),
    # batch_compute's sentences for unmatched requests
    ("Deze vraag heeft geen adres dat we op de kaart kunnen vinden.", {"code": "no_location"}),
    (
        "Er waren passende vrijwilligers, maar die zijn in deze ronde aan andere vragen gekoppeld.",
        {"code": "taken_by_others"},
    ),
]


@pytest.mark.parametrize(("sentence", "code"), SENTENCES, ids=[s for s, _c in SENTENCES])
def test_every_old_sentence_becomes_its_code_and_reads_the_same_in_dutch(sentence, code):
    assert reason_from_text(sentence, near=NEAR) == code
    with translation.override("nl"):
        assert reason_text(code) == sentence  # the reverse migration gives the old text back


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        # A batch run computed with the broker's session in English (Celery eager) stored these.
        ("This request has no address we can find on the map.", {"code": "no_location"}),
        (
            "There were suitable volunteers, but they have been matched to other requests in this round.",
            {"code": "taken_by_others"},
        ),
    ],
)
def test_the_batch_sentences_are_recognised_in_english_too(sentence, code):
    assert reason_from_text(sentence, near=NEAR) == code


@pytest.mark.parametrize(
    "sentence",
    [
        "kent de buurt goed",  # never written by the engine (a broker's note, say)
        "",
        "3,25 km",
        "0.8 km",
        "beschikbaar",
        "beschikbaar dinsdag 13:00-17:00",
        "beschikbaar di 13:00-17:00,do 09:00-12:00",
        "kan op zo 25 oktober 14:00-16:00",
        "kan op ma 30 feb 14:00-16:00",  # no such date
        "kan op di 25 okt 14:00-16:00",  # not a Tuesday in 2025, 2026 or 2027
        "spreekt Klingon",
        "spreekt Duits, Engels",
        "wil graag helpen bij Mensen Met Dementie",
        "2 van drie koppelingen bezet",
        "12 vrijwilligers in de buurt",
        "3 wonen te ver",
        "9 niet beschikbaar op dinsdagmiddag",
        "1 niet beschikbaar op zondag 25 okt",
        "drie passen bij deze vraag",
    ],
)
def test_anything_else_is_kept_as_text(sentence):
    assert reason_from_text(sentence, near=NEAR) == {"code": "text", "text": sentence}
    with translation.override("en"):
        assert reason_text(reason_from_text(sentence, near=NEAR)) == sentence


@pytest.mark.parametrize(
    ("near", "year"),
    [
        (datetime.date(2026, 10, 1), 2026),  # 25 October 2026 is a Sunday
        (datetime.date(2027, 6, 1), 2026),  # the nearest Sunday 25 October
        (datetime.date(2020, 10, 20), 2020),
    ],
)
def test_the_year_of_a_date_is_the_nearest_with_that_weekday(near, year):
    found = reason_from_text("kan op zo 25 okt 14:00-16:00", near=near)
    assert found == {"code": "dates", "dates": [[f"{year}-10-25", "14:00", "16:00"]]}


def test_surrounding_blanks_are_ignored_but_kept_in_text():
    assert reason_from_text("  heeft geldige VOG ") == {"code": "vog_valid"}
    assert reason_from_text(" iets ") == {"code": "text", "text": " iets "}
