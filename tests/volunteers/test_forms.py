"""The exact-times text field and the week grid (table-driven)."""

import datetime

import pytest

from common.slots import Slot, SlotError, slots_from_text
from volunteers.forms import WeekGridForm, slots_as_grid

T = datetime.time


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("di 13:00-17:00; do 09:00-12:00", ["di 13:00-17:00", "do 09:00-12:00"]),
        ("tue 13:00-17:00", ["di 13:00-17:00"]),
        ("Dinsdag 13.00 tot 17.00, do 9:00–12:00", ["di 13:00-17:00", "do 09:00-12:00"]),
        ("ma 9-12:30", ["ma 09:00-12:30"]),
        ("zo. 10:00 - 11:00\nza 10:00-11:00", ["za 10:00-11:00", "zo 10:00-11:00"]),
        ("ma 12:30-13:00; ma 09:00-12:30", ["ma 09:00-12:30", "ma 12:30-13:00"]),  # touching is fine
        ("vr 20:00-24:00", ["vr 20:00-23:59"]),
    ],
)
def test_slots_from_text(text, expected):
    assert [slot.label() for slot in slots_from_text(text)] == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("ma 17:00-13:00", "eindtijd moet na de begintijd"),
        ("ma 22:00-02:00", "middernacht"),
        ("ma 09:00-12:00; ma 11:00-13:00", "overlappen"),
        ("ma 25:00-26:00", "'ma 25:00-26:00': 25:00 is geen geldige tijd"),  # quotes what was typed
        ("maandagmiddag", "geen tijdvak"),
        ("xx 10:00-11:00", "'xx"),
    ],
)
def test_slots_from_text_bad_input(text, message):
    with pytest.raises(SlotError, match=message):
        slots_from_text(text)


def test_grid_and_exact_are_combined_and_split_back():
    form = WeekGridForm({"grid": ["mon-morning", "wed-evening"], "exact": "vr 14:00-16:00"})
    assert form.is_valid(), form.errors
    slots = form.cleaned_data["slots"]
    assert slots == [Slot(0, T(9), T(12, 30)), Slot(2, T(18, 30), T(21, 30)), Slot(4, T(14), T(16))]
    assert slots_as_grid(slots) == (["mon-morning", "wed-evening"], "vr 14:00-16:00")


def test_grid_renders_one_labelled_checkbox_per_cell():
    html = str(WeekGridForm(initial={"grid": ["sun-evening"]})["grid"])
    assert html.count('type="checkbox"') == 21
    assert html.count('name="grid"') == 21
    assert 'id="id_grid_20" checked' in html  # zondag avond is the last cell
    assert html.count(" checked") == 1
    assert "zondag avond, 18:30 tot 21:30" in html
    assert '<th scope="row">woensdag</th>' in html
