"""Reading reasons written as Dutch sentences back into codes with parameters.

Until reasons became codes (``matches.reasons``), the engine stored them as Dutch
text: ``"0,8 km"``, ``"beschikbaar di 13:00-17:30, do 09:00-12:00"``, ``"wacht al 21
dagen"``, ``"9 niet beschikbaar op dinsdag"``. :func:`reason_from_text` recognises every
sentence the old ``reasons_nl`` and ``summary_nl`` could write (and the two batch-run
sentences, which were translated when the run was computed, so in Dutch or English);
anything else becomes ``{"code": "text", "text": <the sentence>}`` and is shown as it
was, so nothing is lost.

Used by the data migration ``matches.0003_reasons_as_codes`` and when a
``match_batch --json`` file (which carries rendered Dutch) is committed. The wording
here is history: it must keep matching what was written then, so it does not follow
the renderer's msgids when those change.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

__all__ = ["reason_from_text"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
# The engine's LANGUAGE_NAMES_NL and TARGET_GROUPS_NL as they were.
_LANGUAGES = {
    "Nederlands": "nl",
    "Engels": "en",
    "Duits": "de",
    "Frans": "fr",
    "Spaans": "es",
    "Portugees": "pt",
    "Italiaans": "it",
    "Pools": "pl",
    "Roemeens": "ro",
    "Bulgaars": "bg",
    "Hongaars": "hu",
    "Oekraïens": "uk",
    "Russisch": "ru",
    "Turks": "tr",
    "Arabisch": "ar",
    "Koerdisch": "ku",
    "Perzisch": "fa",
    "Pasjtoe": "ps",
    "Tigrinya": "ti",
    "Amhaars": "am",
    "Somalisch": "so",
    "Chinees": "zh",
    "Hindi": "hi",
    "Urdu": "ur",
    "Fries": "fy",
    "Limburgs": "li",
    "Grieks": "el",
    "Servisch": "sr",
    "Kroatisch": "hr",
    "Bosnisch": "bs",
    "Vietnamees": "vi",
    "Indonesisch": "id",
}
_TARGET_GROUPS = {
    "ouderen": "elderly",
    "mensen met dementie": "dementia",
    "mensen met een beperking": "disability",
    "mensen met psychische klachten": "psychiatric",
    "kinderen en gezinnen": "children",
    "nieuwkomers": "newcomers",
}
# Sentences without parameters, and the codes they became.
_FIXED = {
    "heeft geldige VOG": "vog_valid",
    "hielp dit gezin eerder": "helped_household_before",
    "woont in dezelfde buurt": "same_neighbourhood",
    "wil graag vaste hulp geven": "wants_recurring",
    "wil graag eenmalig helpen": "wants_one_off",
    "nog geen koppelingen": "no_matches_yet",
    "dringende vraag": "urgent",
    "mantelzorger zwaar belast": "carer_burden_high",
    "geen enkele vrijwilliger past bij deze vraag": "none_eligible",
    "Deze vraag heeft geen adres dat we op de kaart kunnen vinden.": "no_location",
    "This request has no address we can find on the map.": "no_location",
    "Er waren passende vrijwilligers, maar die zijn in deze ronde aan andere vragen gekoppeld.": "taken_by_others",
    "There were suitable volunteers, but they have been matched to other requests in this round.": "taken_by_others",
}
# "N woont te ver weg" / "N wonen te ver weg": the Rejection code of each pair.
_REJECTED = {
    ("woont te ver weg", "wonen te ver weg"): "too_far_for_request",
    ("vindt het te ver om te reizen", "vinden het te ver om te reizen"): "too_far_for_volunteer",
    ("is niet actief", "zijn niet actief"): "inactive",
    ("heeft pauze", "hebben pauze"): "paused",
    ("is eerder afgewezen of geblokkeerd", "zijn eerder afgewezen of geblokkeerd"): "excluded",
    ("mist een gevraagde vaardigheid", "missen een gevraagde vaardigheid"): "skills",
    ("heeft geen geldige VOG voor die periode", "hebben geen geldige VOG voor die periode"): "vog",
    ("heeft al genoeg koppelingen", "hebben al genoeg koppelingen"): "capacity",
}
_REJECTED_BY_TEXT = {text: code for pair, code in _REJECTED.items() for text in pair}

_TIME = r"(\d{2}:\d{2})"
_KM = re.compile(r"^(\d+),(\d) km$")
_SLOT = re.compile(rf"^({'|'.join(_DAY_SHORT)}) {_TIME}-{_TIME}$")
_SHORT_DATE = re.compile(rf"^({'|'.join(_DAY_SHORT)}) (\d{{1,2}}) ({'|'.join(_MONTHS_SHORT)}) {_TIME}-{_TIME}$")
_LOAD = re.compile(r"^(\d+) van (\d+) koppelingen bezet$")
_WAITING = re.compile(r"^wacht al (\d+) dagen$")
_NEARBY = re.compile(r"^(\d+) vrijwilligers? in de buurt \(binnen (\d+),(\d) km\)$")
_NONE_NEARBY = re.compile(r"^Geen vrijwilligers in de buurt \(binnen (\d+),(\d) km\)$")
_NOT_AVAILABLE = re.compile(
    rf"^(\d+) niet beschikbaar op ({'|'.join(_DAY_NAMES)})"
    rf"(?: (\d{{1,2}}) ({'|'.join(_MONTHS)}))?(?: {_TIME}-{_TIME})?$"
)
_ELIGIBLE = re.compile(r"^(\d+) (?:past|passen) bij deze vraag$")
_COUNTED = re.compile(r"^(\d+) (.+)$")


def _year_for(day: int, month: int, weekday: int, near: datetime.date) -> datetime.date | None:
    """The date with this day and month, on this weekday, closest to ``near`` (the
    sentence names no year; the weekday pins it down)."""
    found = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            date = datetime.date(year, month, day)
        except ValueError:  # 29 February
            continue
        if date.weekday() == weekday:
            found.append(date)
    return min(found, key=lambda d: abs(d - near)) if found else None


def _split_names(text: str) -> list[str]:
    """The names in "A", "A en B" or "A, B en C"."""
    head, sep, last = text.rpartition(" en ")
    if not sep:
        return [text]
    return [*head.split(", "), last]


def _list_of(text: str, pattern: re.Pattern) -> list[re.Match] | None:
    found = [pattern.match(part) for part in text.split(", ")]
    return None if not found or any(m is None for m in found) else found  # type: ignore[return-value]


def _parse(text: str, near: datetime.date) -> dict[str, Any] | None:
    if text in _FIXED:
        return {"code": _FIXED[text]}
    if m := _KM.match(text):
        return {"code": "distance", "km": float(f"{m[1]}.{m[2]}")}
    if text.startswith("beschikbaar "):
        slots = _list_of(text.removeprefix("beschikbaar "), _SLOT)
        if slots:
            return {"code": "available", "slots": [[_DAYS[_DAY_SHORT.index(s[1])], s[2], s[3]] for s in slots]}
        return None
    if text.startswith("kan op "):
        dates = _list_of(text.removeprefix("kan op "), _SHORT_DATE)
        if not dates:
            return None
        items = []
        for d in dates:
            date = _year_for(int(d[2]), _MONTHS_SHORT.index(d[3]) + 1, _DAY_SHORT.index(d[1]), near)
            if date is None:
                return None
            items.append([date.isoformat(), d[4], d[5]])
        return {"code": "dates", "dates": items}
    if text.startswith("spreekt "):
        codes = []
        for name in _split_names(text.removeprefix("spreekt ")):
            if name in _LANGUAGES:
                codes.append(_LANGUAGES[name])
            elif re.fullmatch(r"[a-z]{2,3}", name):  # a code without a Dutch name was shown as is
                codes.append(name)
            else:
                return None
        return {"code": "speaks", "languages": sorted(codes)}
    if text.startswith("wil graag helpen bij "):
        group = text.removeprefix("wil graag helpen bij ")
        if group in _TARGET_GROUPS:
            return {"code": "target_group", "group": _TARGET_GROUPS[group]}
        if re.fullmatch(r"[a-z_]+", group):  # an unknown group code was shown as is
            return {"code": "target_group", "group": group}
        return None
    if m := _LOAD.match(text):
        return {"code": "load", "open": int(m[1]), "max": int(m[2])}
    if m := _WAITING.match(text):
        return {"code": "waiting_days", "days": int(m[1])}
    if m := _NONE_NEARBY.match(text):
        return {"code": "none_nearby", "km": float(f"{m[1]}.{m[2]}")}
    if m := _NEARBY.match(text):
        return {"code": "nearby", "count": int(m[1]), "km": float(f"{m[2]}.{m[3]}")}
    if m := _NOT_AVAILABLE.match(text):
        weekday = _DAY_NAMES.index(m[2])
        item: dict[str, Any] = {"code": "not_available_on", "count": int(m[1]), "day": _DAYS[weekday]}
        if m[3]:
            date = _year_for(int(m[3]), _MONTHS.index(m[4]) + 1, weekday, near)
            if date is None:
                return None
            item["date"] = date.isoformat()
        if m[5]:
            item["time"] = [m[5], m[6]]
        return item
    if m := _ELIGIBLE.match(text):
        return {"code": "eligible", "count": int(m[1])}
    if (m := _COUNTED.match(text)) and m[2] in _REJECTED_BY_TEXT:
        return {"code": "rejected", "rule": _REJECTED_BY_TEXT[m[2]], "count": int(m[1])}
    return None


def reason_from_text(text: str, *, near: datetime.date | None = None) -> dict[str, Any]:
    """The code and parameters of a sentence the engine wrote before reasons were codes,
    or ``{"code": "text", "text": text}`` when it is not one of them.

    ``near`` is about when it was written (the match's or run's creation day; default
    today): "kan op zo 25 okt 14:00-16:00" names no year, so the year is the one nearest
    to ``near`` in which 25 October is a Sunday."""
    found = _parse(text.strip(), near or datetime.date.today())
    return found if found is not None else {"code": "text", "text": text}
