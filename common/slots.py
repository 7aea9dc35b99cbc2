"""Weekly wall-clock slots, as written in DESIGN.md: ``mon 09:00-12:00; tue 13:00-17:00``.

A slot is a weekday with a start and end time in Europe/Amsterdam wall-clock
time (not UTC instants), so "Tuesday 14:00" stays 14:00 across daylight-saving
changes. A slot never crosses midnight: write two slots instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAY_SHORT_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")
# Shown to people: translated (Dutch source, English via i18n). Written out so
# that makemessages finds them.
DAY_NAMES = (
    gettext_lazy("maandag"),
    gettext_lazy("dinsdag"),
    gettext_lazy("woensdag"),
    gettext_lazy("donderdag"),
    gettext_lazy("vrijdag"),
    gettext_lazy("zaterdag"),
    gettext_lazy("zondag"),
)
DAY_SHORT = (
    gettext_lazy("ma"),
    gettext_lazy("di"),
    gettext_lazy("wo"),
    gettext_lazy("do"),
    gettext_lazy("vr"),
    gettext_lazy("za"),
    gettext_lazy("zo"),
)

_SLOT_RE = re.compile(r"^\s*([a-z]{2,9})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)


class SlotError(ValueError):
    """A slot text or set of slots is not valid; the message says why, in Dutch."""


@dataclass(frozen=True, order=True, slots=True)
class Slot:
    weekday: int  # 0 = Monday
    start: datetime.time
    end: datetime.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise SlotError(_("Een dag moet tussen maandag en zondag liggen."))
        if self.end <= self.start:
            raise SlotError(
                _(
                    "%(slot)s: de eindtijd moet na de begintijd liggen. "
                    "Gaat het over middernacht? Maak dan twee tijdvakken."
                )
                % {"slot": f"{DAY_NAMES[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"}
            )

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def covers(self, other: Slot) -> bool:
        return self.weekday == other.weekday and self.start <= other.start and self.end >= other.end

    def overlaps(self, other: Slot) -> bool:
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end

    def code(self) -> str:
        return f"{DAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"

    def label(self) -> str:
        return f"{DAY_SHORT[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


def _time(hours: str, minutes: str, text: str) -> datetime.time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        # "24:00" is the end of the day; we store the last minute.
        return datetime.time(23, 59)
    if h > 23 or m > 59:
        raise SlotError(
            _("'%(text)s': %(time)s is geen geldige tijd.") % {"text": text.strip()[:40], "time": f"{hours}:{minutes}"}
        )
    return datetime.time(h, m)


def parse_slot(text: str) -> Slot:
    match = _SLOT_RE.match(text)
    if not match:
        raise SlotError(
            _("'%(text)s' is geen tijdvak. Schrijf het zo: di 13:00-17:00 (of tue 13:00-17:00).")
            % {"text": text.strip()[:40]}
        )
    day, sh, sm, eh, em = match.groups()
    day = day.lower()
    if day[:3] in DAYS:  # mon, tue, ... and monday, tuesday, ...
        weekday = DAYS.index(day[:3])
    else:
        short = {name[:2]: i for i, name in enumerate(DAY_NAMES_NL)} | {name: i for i, name in enumerate(DAY_SHORT_NL)}
        if day[:2] not in short:
            raise SlotError(_("'%(day)s' is geen dag. Gebruik ma, di, wo, do, vr, za of zo.") % {"day": day})
        weekday = short[day[:2]]
    return Slot(weekday, _time(sh, sm, text), _time(eh, em, text))


def check_no_overlap(slots: Iterable[Slot]) -> list[Slot]:
    ordered = sorted(slots)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.overlaps(b):
            raise SlotError(
                _("De tijdvakken %(a)s en %(b)s overlappen. Maak er één tijdvak van.")
                % {"a": a.label(), "b": b.label()}
            )
    return ordered


def parse_slots(text: str) -> list[Slot]:
    """Parse ``"mon 09:00-12:00; tue 13:00-17:00"``; empty text gives no slots."""
    parts = [part for part in (text or "").split(";") if part.strip()]
    return check_no_overlap(parse_slot(part) for part in parts)


def format_slots(slots: Iterable[Slot]) -> str:
    return "; ".join(slot.code() for slot in sorted(slots))


def merge_touching(slots: Iterable[Slot]) -> list[Slot]:
    """Join slots that touch or overlap on the same day: 13-15 and 15-17 give 13-17."""
    merged: list[Slot] = []
    for slot in sorted(slots):
        last = merged[-1] if merged else None
        if last and last.weekday == slot.weekday and slot.start <= last.end:
            merged[-1] = Slot(last.weekday, last.start, max(last.end, slot.end))
        else:
            merged.append(slot)
    return merged


def covers_all(available: Iterable[Slot], wanted: Iterable[Slot]) -> bool:
    """True when every wanted slot lies inside the available time (touching
    available slots count as one)."""
    merged = merge_touching(available)
    return all(any(a.covers(w) for a in merged) for w in wanted)


# --- What people type ------------------------------------------------------------

# Dutch (and English) ways of writing a day, mapped to the codes of common.slots.
_DAY_WORDS = {
    **{name: DAYS[i] for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{
        name: DAYS[i]
        for i, name in enumerate(("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"))
    },
    **{name: DAYS[i] for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"))},
    "sunday": "sun",
    **{day: day for day in DAYS},
}
_DAY_RE = re.compile(r"^\s*([^\W\d_]+)\.?\s*(?=\d)")


def _normalise_slot_text(part: str) -> str:
    """Accept what people type: ``di 13.00 tot 17.00`` or ``dinsdag 13-17`` becomes
    ``tue 13:00-17:00`` for :func:`common.slots.parse_slot`."""
    part = re.sub(r"\s*(?:[–—]|\btot\b)\s*", "-", part, flags=re.IGNORECASE)
    part = re.sub(r"(\d{1,2})[.hu](\d{2})", r"\1:\2", part)
    part = re.sub(r"(?<![:\d])(\d{1,2})(?![:\d])", r"\1:00", part)  # "9-12" means 9:00-12:00
    match = _DAY_RE.match(part)
    if match and match.group(1).lower() in _DAY_WORDS:
        part = f"{_DAY_WORDS[match.group(1).lower()]} {part[match.end() :]}"
    return part


def slots_from_text(text: str) -> list[Slot]:
    """Parse the "exact times" field (``;``, ``,`` or new lines between slots);
    raises SlotError with a Dutch message that quotes what the person typed."""
    slots = []
    for part in re.split(r"[;,\n]", text or ""):
        if not part.strip():
            continue
        normalised = _normalise_slot_text(part)
        try:
            slots.append(parse_slot(normalised))
        except SlotError as error:
            raise SlotError(str(error).replace(normalised.strip()[:40], part.strip()[:40])) from None
    return check_no_overlap(slots)
