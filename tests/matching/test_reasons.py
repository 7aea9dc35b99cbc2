"""Reasons are codes with parameters, rendered in the reader's language (matches.reasons)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from matches.reasons import (
    CODES,
    MAX_REASONS,
    MAX_TEXT_LENGTH,
    REJECTION_LABELS,
    clean_reasons,
    distance_text,
    reason_text,
    reasons_text,
    rejection_label,
)
from matching.engine import Rejection

# (reason, Dutch, English): every code, some in more than one form.
RENDERED = [
    ({"code": "distance", "km": 0.8}, "0,8 km", "0.8 km"),
    ({"code": "distance", "km": 12.0}, "12,0 km", "12.0 km"),
    (
        {"code": "available", "slots": [["tue", "13:00", "17:30"], ["thu", "09:00", "12:00"]]},
        "beschikbaar di 13:00-17:30, do 09:00-12:00",
        "available Tue 13:00-17:30, Thu 09:00-12:00",
    ),
    (
        {"code": "dates", "dates": [["2026-10-25", "14:00", "16:00"], ["2027-03-01", "09:30", "11:00"]]},
        "kan op zo 25 okt 14:00-16:00, ma 1 mrt 09:30-11:00",
        "can help on Sun 25 Oct 14:00-16:00, Mon 1 Mar 09:30-11:00",
    ),
    ({"code": "vog_valid"}, "heeft geldige VOG", "has a valid VOG"),
    ({"code": "helped_household_before"}, "hielp dit gezin eerder", "helped this household before"),
    ({"code": "speaks", "languages": ["tr"]}, "spreekt Turks", "speaks Turkish"),
    ({"code": "speaks", "languages": ["en", "de"]}, "spreekt Duits en Engels", "speaks English and German"),
    (
        {"code": "speaks", "languages": ["nl", "en", "de", "xx"]},
        "spreekt Duits, Engels, Nederlands en xx",
        "speaks Dutch, English, German and xx",
    ),
    ({"code": "same_neighbourhood"}, "woont in dezelfde buurt", "lives in the same neighbourhood"),
    ({"code": "wants_recurring"}, "wil graag vaste hulp geven", "prefers to give regular help"),
    ({"code": "wants_one_off"}, "wil graag eenmalig helpen", "prefers to help just once"),
    ({"code": "target_group", "group": "elderly"}, "wil graag helpen bij ouderen", "would like to help older people"),
    ({"code": "target_group", "group": "sailors"}, "wil graag helpen bij sailors", "would like to help sailors"),
    ({"code": "no_matches_yet"}, "nog geen koppelingen", "no matches yet"),
    ({"code": "load", "open": 1, "max": 3}, "1 van 3 koppelingen bezet", "1 of 3 matches taken"),
    ({"code": "urgent"}, "dringende vraag", "urgent request"),
    ({"code": "waiting_days", "days": 21}, "wacht al 21 dagen", "waiting for 21 days"),
    ({"code": "waiting_days", "days": 1}, "wacht al 1 dag", "waiting for 1 day"),
    ({"code": "carer_burden_high"}, "mantelzorger zwaar belast", "carer under heavy strain"),
    (
        {"code": "nearby", "count": 12, "km": 5.0},
        "12 vrijwilligers in de buurt (binnen 5,0 km)",
        "12 volunteers nearby (within 5.0 km)",
    ),
    (
        {"code": "nearby", "count": 1, "km": 2.5},
        "1 vrijwilliger in de buurt (binnen 2,5 km)",
        "1 volunteer nearby (within 2.5 km)",
    ),
    (
        {"code": "none_nearby", "km": 5.0},
        "Geen vrijwilligers in de buurt (binnen 5,0 km)",
        "No volunteers nearby (within 5.0 km)",
    ),
    ({"code": "rejected", "rule": "too_far_for_request", "count": 3}, "3 wonen te ver weg", "3 live too far away"),
    ({"code": "rejected", "rule": "too_far_for_request", "count": 1}, "1 woont te ver weg", "1 lives too far away"),
    (
        {"code": "rejected", "rule": "too_far_for_volunteer", "count": 2},
        "2 vinden het te ver om te reizen",
        "2 find it too far to travel",
    ),
    ({"code": "rejected", "rule": "inactive", "count": 1}, "1 is niet actief", "1 is not active"),
    ({"code": "rejected", "rule": "paused", "count": 4}, "4 hebben pauze", "4 are taking a break"),
    (
        {"code": "rejected", "rule": "excluded", "count": 1},
        "1 is eerder afgewezen of geblokkeerd",
        "1 was declined or blocked before",
    ),
    (
        {"code": "rejected", "rule": "skills", "count": 1},
        "1 mist een gevraagde vaardigheid",
        "1 lacks a skill the request needs",
    ),
    (
        {"code": "rejected", "rule": "vog", "count": 2},
        "2 hebben geen geldige VOG voor die periode",
        "2 have no valid VOG for that period",
    ),
    (
        {"code": "rejected", "rule": "capacity", "count": 1},
        "1 heeft al genoeg koppelingen",
        "1 already has enough matches",
    ),
    ({"code": "rejected", "rule": "not_available", "count": 2}, "2 zijn niet beschikbaar", "2 are not available"),
    (
        {"code": "not_available_on", "count": 9, "day": "tue"},
        "9 niet beschikbaar op dinsdag",
        "9 not available on Tuesday",
    ),
    (
        {"code": "not_available_on", "count": 2, "day": "tue", "time": ["08:30", "09:30"]},
        "2 niet beschikbaar op dinsdag 08:30-09:30",
        "2 not available on Tuesday 08:30-09:30",
    ),
    (
        {"code": "not_available_on", "count": 1, "day": "sun", "date": "2026-10-25"},
        "1 niet beschikbaar op zondag 25 oktober",
        "1 not available on Sunday 25 October",
    ),
    (
        {"code": "not_available_on", "count": 1, "day": "sun", "date": "2026-10-25", "time": ["14:00", "16:00"]},
        "1 niet beschikbaar op zondag 25 oktober 14:00-16:00",
        "1 not available on Sunday 25 October 14:00-16:00",
    ),
    ({"code": "eligible", "count": 3}, "3 passen bij deze vraag", "3 fit this request"),
    ({"code": "eligible", "count": 1}, "1 past bij deze vraag", "1 fits this request"),
    ({"code": "none_eligible"}, "geen enkele vrijwilliger past bij deze vraag", "no volunteer fits this request"),
    (
        {"code": "no_location"},
        "Deze vraag heeft geen adres dat we op de kaart kunnen vinden.",
        "This request has no address we can find on the map.",
    ),
    (
        {"code": "taken_by_others"},
        "Er waren passende vrijwilligers, maar die zijn in deze ronde aan andere vragen gekoppeld.",
        "There were suitable volunteers, but they have been matched to other requests in this round.",
    ),
    ({"code": "text", "text": "kent de buurt goed"}, "kent de buurt goed", "kent de buurt goed"),
]


@pytest.mark.parametrize(("reason", "dutch", "english"), RENDERED, ids=[str(r[0]) for r in RENDERED])
def test_each_reason_reads_in_dutch_and_in_english(reason, dutch, english):
    with translation.override("nl"):
        assert reason_text(reason) == dutch
    with translation.override("en"):
        assert reason_text(reason) == english


def test_the_table_covers_every_code():
    assert {reason["code"] for reason, _nl, _en in RENDERED} == CODES


def test_the_table_covers_every_rejection_rule():
    rules = {reason["rule"] for reason, _nl, _en in RENDERED if reason["code"] == "rejected"}
    assert rules == {str(code) for code in Rejection} - {"organisation"}


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("3,2 km", "3,2 km"),  # a sentence stored before reasons were codes
        ({"code": "unheard_of", "text": "iets nieuws"}, "iets nieuws"),
        ({"code": "unheard_of"}, "unheard_of"),
        ({"code": "distance"}, "distance"),  # parameter missing
        ({"code": "available", "slots": [["someday", "13:00", "17:00"]]}, "available"),
        ({"code": "dates", "dates": [["25-10-2026", "14:00", "16:00"]]}, "dates"),
        ({"code": "load", "open": "veel", "max": 3}, "load"),
        ({"code": "rejected", "rule": "new_rule", "count": 2}, "2: new_rule"),
        ({}, ""),
        (None, "None"),
    ],
)
def test_what_cannot_be_rendered_shows_what_it_has_and_never_fails(reason, shown):
    with translation.override("en"):
        assert reason_text(reason) == shown


def test_a_list_renders_in_order():
    reasons = [{"code": "distance", "km": 1.0}, {"code": "urgent"}]
    with translation.override("en"):
        assert reasons_text(reasons) == ["1.0 km", "urgent request"]
    assert reasons_text(None) == []


@pytest.mark.parametrize(("km", "dutch", "english"), [(3.24, "3,2 km", "3.2 km"), (0.04, "0,0 km", "0.0 km")])
def test_distance_text_follows_the_language(km, dutch, english):
    with translation.override("nl"):
        assert distance_text(km) == dutch
    with translation.override("en"):
        assert distance_text(km) == english


def test_every_rejection_has_a_label_in_both_languages():
    assert set(REJECTION_LABELS) == {str(code) for code in Rejection}
    for code in Rejection:
        with translation.override("nl"):
            dutch = rejection_label(code)
        with translation.override("en"):
            english = rejection_label(code)
        assert dutch and english and dutch != english
    with translation.override("nl"):
        assert rejection_label(Rejection.TOO_FAR_FOR_REQUEST) == "woont verder weg dan de vraag toestaat"


def test_the_template_filters_render_in_the_active_language():
    template = Template(
        "{% load reasons %}{% for r in reasons %}[{{ r|reason_text }}]{% endfor %} {{ reasons|reasons_text|join:'; ' }}"
    )
    reasons = [{"code": "distance", "km": 0.8}, {"code": "text", "text": "<b>x</b>"}]
    with translation.override("en"):
        html = template.render(Context({"reasons": reasons}))
    assert html == "[0.8 km][&lt;b&gt;x&lt;/b&gt;] 0.8 km; &lt;b&gt;x&lt;/b&gt;"


def test_clean_reasons_keeps_codes_reads_sentences_and_caps():
    cleaned = clean_reasons(
        [
            {"code": "distance", "km": 3.2},
            "heeft geldige VOG",
            "iets wat de engine nooit schreef",
            {"code": "text", "text": "y" * 400},
            {"no": "code"},
            42,
        ]
    )
    assert cleaned == [
        {"code": "distance", "km": 3.2},
        {"code": "vog_valid"},
        {"code": "text", "text": "iets wat de engine nooit schreef"},
        {"code": "text", "text": "y" * MAX_TEXT_LENGTH},
        {"code": "text", "text": "{'no': 'code'}"},
        {"code": "text", "text": "42"},
    ]
    assert len(clean_reasons([{"code": "urgent"}] * 100)) == MAX_REASONS
    assert clean_reasons(()) == [] and clean_reasons(None) == []
