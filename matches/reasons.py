"""Reasons as codes with parameters, rendered in the reader's language at display time.

The matching engine says *why* with plain JSON values, never with sentences:
``{"code": "distance", "km": 0.8}``, ``{"code": "available", "slots": [["tue", "13:00",
"17:30"]]}``. ``Match.reasons`` and ``BatchRun.result`` store exactly those, so an
English-speaking broker reads English and a wording fix never rewrites history. This
module is the one place that turns them into text, through gettext (Dutch source
strings, English in ``locale/en``): templates use the ``reason_text`` filter of
``matches/templatetags/reasons.py``, the JSON API and the ``match_batch --json`` file
call :func:`reason_text`.

Why a volunteer fits (``matching.engine.scoring.reasons_for``), most telling first:

=========================== ===================================== ============================
code                        parameters                            Dutch
=========================== ===================================== ============================
``distance``                ``km`` (1 decimal)                    0,8 km
``available``               ``slots``: [[day, start, end], ...]   beschikbaar di 13:00-17:30
``dates``                   ``dates``: [[iso date, start, end]]   kan op zo 25 okt 14:00-16:00
``vog_valid``                                                     heeft geldige VOG
``helped_household_before``                                       hielp dit gezin eerder
``speaks``                  ``languages``: [ISO 639-1, ...]       spreekt Duits en Engels
``same_neighbourhood``                                            woont in dezelfde buurt
``wants_recurring``                                               wil graag vaste hulp geven
``wants_one_off``                                                 wil graag eenmalig helpen
``target_group``            ``group`` (volunteers.TARGET_GROUPS)  wil graag helpen bij ouderen
``no_matches_yet``                                                nog geen koppelingen
``load``                    ``open``, ``max``                     1 van 3 koppelingen bezet
``urgent``                                                        dringende vraag
``waiting_days``            ``days``                              wacht al 21 dagen
``carer_burden_high``                                             mantelzorger zwaar belast
=========================== ===================================== ============================

Why others fell out (``matching.engine.suggest.summary``) and why a batch run left a
request without a match (``matching.services.batch_compute``):

=========================== ===================================== ============================
``nearby``                  ``count``, ``km``                     12 vrijwilligers in de buurt
                                                                  (binnen 5,0 km)
``none_nearby``             ``km``                                Geen vrijwilligers in de buurt
                                                                  (binnen 5,0 km)
``rejected``                ``rule`` (a ``Rejection`` code),      3 wonen te ver weg
                            ``count``
``not_available_on``        ``count``, ``day``, optional ``date`` 9 niet beschikbaar op dinsdag
                            (iso) and ``time`` ([start, end])
``eligible``                ``count``                             3 passen bij deze vraag
``none_eligible``                                                 geen enkele vrijwilliger past
                                                                  bij deze vraag
``no_location``                                                   Deze vraag heeft geen adres ...
``taken_by_others``                                               Er waren passende vrijwilligers,
                                                                  maar ...
=========================== ===================================== ============================

``{"code": "text", "text": ...}`` is a sentence kept as it was written (a reason stored
before reasons became codes that :mod:`matches.legacy_reasons` did not recognise); it is
shown as is. A reason that cannot be rendered (unknown code, broken parameters) shows
its ``text`` when it has one, else its code: a page never fails on a stored reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext, pgettext_lazy

from common.slots import DAY_NAMES, DAY_SHORT, DAYS
from volunteers.models import TARGET_GROUPS

__all__ = [
    "LANGUAGE_NAMES",
    "MAX_REASONS",
    "MAX_TEXT_LENGTH",
    "REJECTION_LABELS",
    "clean_reasons",
    "distance_text",
    "reason_text",
    "reasons_text",
    "rejection_label",
]

Reason = dict[str, Any]

MAX_REASONS = 30
MAX_TEXT_LENGTH = 300

# Names of the languages volunteers and requests name most (ISO 639-1), as Dutch msgids;
# a code without a name is shown as it is.
LANGUAGE_NAMES: dict[str, str] = {
    "nl": gettext_noop("Nederlands"),
    "en": gettext_noop("Engels"),
    "de": gettext_noop("Duits"),
    "fr": gettext_noop("Frans"),
    "es": gettext_noop("Spaans"),
    "pt": gettext_noop("Portugees"),
    "it": gettext_noop("Italiaans"),
    "pl": gettext_noop("Pools"),
    "ro": gettext_noop("Roemeens"),
    "bg": gettext_noop("Bulgaars"),
    "hu": gettext_noop("Hongaars"),
    "uk": gettext_noop("Oekraïens"),
    "ru": gettext_noop("Russisch"),
    "tr": gettext_noop("Turks"),
    "ar": gettext_noop("Arabisch"),
    "ku": gettext_noop("Koerdisch"),
    "fa": gettext_noop("Perzisch"),
    "ps": gettext_noop("Pasjtoe"),
    "ti": gettext_noop("Tigrinya"),
    "am": gettext_noop("Amhaars"),
    "so": gettext_noop("Somalisch"),
    "zh": gettext_noop("Chinees"),
    "hi": gettext_noop("Hindi"),
    "ur": gettext_noop("Urdu"),
    "fy": gettext_noop("Fries"),
    "li": gettext_noop("Limburgs"),
    "el": gettext_noop("Grieks"),
    "sr": gettext_noop("Servisch"),
    "hr": gettext_noop("Kroatisch"),
    "bs": gettext_noop("Bosnisch"),
    "vi": gettext_noop("Vietnamees"),
    "id": gettext_noop("Indonesisch"),
}

# "zo 25 okt": the short month has its own context ("mei" is also the full name).
MONTHS_SHORT = (
    pgettext_lazy("short month", "jan"),
    pgettext_lazy("short month", "feb"),
    pgettext_lazy("short month", "mrt"),
    pgettext_lazy("short month", "apr"),
    pgettext_lazy("short month", "mei"),
    pgettext_lazy("short month", "jun"),
    pgettext_lazy("short month", "jul"),
    pgettext_lazy("short month", "aug"),
    pgettext_lazy("short month", "sep"),
    pgettext_lazy("short month", "okt"),
    pgettext_lazy("short month", "nov"),
    pgettext_lazy("short month", "dec"),
)
MONTHS = (
    pgettext_lazy("month", "januari"),
    pgettext_lazy("month", "februari"),
    pgettext_lazy("month", "maart"),
    pgettext_lazy("month", "april"),
    pgettext_lazy("month", "mei"),
    pgettext_lazy("month", "juni"),
    pgettext_lazy("month", "juli"),
    pgettext_lazy("month", "augustus"),
    pgettext_lazy("month", "september"),
    pgettext_lazy("month", "oktober"),
    pgettext_lazy("month", "november"),
    pgettext_lazy("month", "december"),
)

# What a broken hard constraint means, for one volunteer (matching.engine.Rejection codes).
REJECTION_LABELS: dict[str, Any] = {
    "organisation": gettext_lazy("hoort bij een andere organisatie"),
    "too_far_for_request": gettext_lazy("woont verder weg dan de vraag toestaat"),
    "too_far_for_volunteer": gettext_lazy("woont verder weg dan de vrijwilliger wil reizen"),
    "inactive": gettext_lazy("is niet actief"),
    "paused": gettext_lazy("heeft even pauze"),
    "excluded": gettext_lazy("is eerder afgewezen of geblokkeerd voor deze vraag"),
    "skills": gettext_lazy("mist een gevraagde vaardigheid"),
    "vog": gettext_lazy("heeft geen geldige VOG voor de gevraagde periode"),
    "not_available": gettext_lazy("is niet beschikbaar op de gevraagde tijd"),
    "capacity": gettext_lazy("heeft al het maximale aantal koppelingen"),
}


def rejection_label(code: str) -> str:
    """``"too_far_for_request"`` -> "woont verder weg dan de vraag toestaat"."""
    return str(REJECTION_LABELS.get(str(code), code))


# --- Pieces ----------------------------------------------------------------------------


def _km(value: Any) -> str:
    """``0.8`` -> "0,8" in Dutch, "0.8" in English (one decimal, as the engine rounds)."""
    return f"{float(value):.1f}".replace(".", str(get_format("DECIMAL_SEPARATOR")))


def distance_text(km: float) -> str:
    """``3.24`` -> "3,2 km" in Dutch, "3.2 km" in English."""
    return _("%(km)s km") % {"km": _km(km)}


def _weekday(day: Any) -> int:
    """A day code (``"tue"``) or number (1) as 0..6."""
    if isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
        return day
    return DAYS.index(str(day))


def _times(start: Any, end: Any) -> str:
    return f"{start}-{end}"


def _join(items: list[str]) -> str:
    """Items as "a", "a en b" or "a, b en c" (in English "a, b and c")."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s en %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _language(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return _(name) if name else code


def _when(item: Mapping[str, Any]) -> str:
    """The day of a ``not_available_on`` line: "dinsdag", "dinsdag 13:00-15:00",
    "zondag 25 oktober" or "zondag 25 oktober 14:00-16:00"."""
    day = str(DAY_NAMES[_weekday(item["day"])])
    date = item.get("date")
    if date:
        d = datetime.date.fromisoformat(str(date))
        day = pgettext("weekday day month", "%(weekday)s %(day)s %(month)s") % {
            "weekday": DAY_NAMES[d.weekday()],
            "day": d.day,
            "month": MONTHS[d.month - 1],
        }
    time = item.get("time")
    if time:
        day = f"{day} {_times(*time)}"
    return day


# --- Why this volunteer ----------------------------------------------------------------


def _available(r: Mapping[str, Any]) -> str:
    slots = ", ".join(f"{DAY_SHORT[_weekday(day)]} {_times(start, end)}" for day, start, end in r["slots"])
    return _("beschikbaar %(slots)s") % {"slots": slots}


def _dates(r: Mapping[str, Any]) -> str:
    labels = []
    for date, start, end in r["dates"]:
        d = datetime.date.fromisoformat(str(date))
        labels.append(
            pgettext("short weekday day month", "%(weekday)s %(day)s %(month)s")
            % {
                "weekday": DAY_SHORT[d.weekday()],
                "day": d.day,
                "month": MONTHS_SHORT[d.month - 1],
            }
            + f" {_times(start, end)}"
        )
    return _("kan op %(dates)s") % {"dates": ", ".join(labels)}


def _speaks(r: Mapping[str, Any]) -> str:
    names = sorted(_language(str(code)) for code in r["languages"])
    return _("spreekt %(languages)s") % {"languages": _join(names)}


def _target_group(r: Mapping[str, Any]) -> str:
    group = str(r["group"])
    return _("wil graag helpen bij %(group)s") % {"group": TARGET_GROUPS.get(group, group)}


def _load(r: Mapping[str, Any]) -> str:
    return _("%(open)s van %(max)s koppelingen bezet") % {"open": int(r["open"]), "max": int(r["max"])}


def _waiting(r: Mapping[str, Any]) -> str:
    days = int(r["days"])
    # The broker's queue says it the same way (templates/caregivers/broker/).
    return ngettext("wacht al %(counter)s dag", "wacht al %(counter)s dagen", days) % {"counter": days}


# --- Why others fell out ---------------------------------------------------------------


def _nearby(r: Mapping[str, Any]) -> str:
    count = int(r["count"])
    return ngettext(
        "%(count)s vrijwilliger in de buurt (binnen %(km)s km)",
        "%(count)s vrijwilligers in de buurt (binnen %(km)s km)",
        count,
    ) % {"count": count, "km": _km(r["km"])}


def _rejected(r: Mapping[str, Any]) -> str:
    count = int(r["count"])
    rule = str(r["rule"])
    # Written out one by one so that makemessages finds every pair.
    if rule == "too_far_for_request":
        text = ngettext("%(count)s woont te ver weg", "%(count)s wonen te ver weg", count)
    elif rule == "too_far_for_volunteer":
        text = ngettext("%(count)s vindt het te ver om te reizen", "%(count)s vinden het te ver om te reizen", count)
    elif rule == "inactive":
        text = ngettext("%(count)s is niet actief", "%(count)s zijn niet actief", count)
    elif rule == "paused":
        text = ngettext("%(count)s heeft pauze", "%(count)s hebben pauze", count)
    elif rule == "excluded":
        text = ngettext(
            "%(count)s is eerder afgewezen of geblokkeerd", "%(count)s zijn eerder afgewezen of geblokkeerd", count
        )
    elif rule == "skills":
        text = ngettext("%(count)s mist een gevraagde vaardigheid", "%(count)s missen een gevraagde vaardigheid", count)
    elif rule == "vog":
        text = ngettext(
            "%(count)s heeft geen geldige VOG voor die periode",
            "%(count)s hebben geen geldige VOG voor die periode",
            count,
        )
    elif rule == "capacity":
        text = ngettext("%(count)s heeft al genoeg koppelingen", "%(count)s hebben al genoeg koppelingen", count)
    elif rule == "not_available":
        text = ngettext("%(count)s is niet beschikbaar", "%(count)s zijn niet beschikbaar", count)
    else:
        # A rule this code does not know (yet): the count and the rule's label.
        return f"{count}: {rejection_label(rule)}"
    return text % {"count": count}


def _not_available_on(r: Mapping[str, Any]) -> str:
    count = int(r["count"])
    return ngettext("%(count)s niet beschikbaar op %(when)s", "%(count)s niet beschikbaar op %(when)s", count) % {
        "count": count,
        "when": _when(r),
    }


def _eligible(r: Mapping[str, Any]) -> str:
    count = int(r["count"])
    return ngettext("%(count)s past bij deze vraag", "%(count)s passen bij deze vraag", count) % {"count": count}


_RENDER: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "distance": lambda r: distance_text(r["km"]),
    "available": _available,
    "dates": _dates,
    "vog_valid": lambda r: _("heeft geldige VOG"),
    "helped_household_before": lambda r: _("hielp dit gezin eerder"),
    "speaks": _speaks,
    "same_neighbourhood": lambda r: _("woont in dezelfde buurt"),
    "wants_recurring": lambda r: _("wil graag vaste hulp geven"),
    "wants_one_off": lambda r: _("wil graag eenmalig helpen"),
    "target_group": _target_group,
    "no_matches_yet": lambda r: _("nog geen koppelingen"),
    "load": _load,
    "urgent": lambda r: _("dringende vraag"),
    "waiting_days": _waiting,
    "carer_burden_high": lambda r: _("mantelzorger zwaar belast"),
    "nearby": _nearby,
    "none_nearby": lambda r: _("Geen vrijwilligers in de buurt (binnen %(km)s km)") % {"km": _km(r["km"])},
    "rejected": _rejected,
    "not_available_on": _not_available_on,
    "eligible": _eligible,
    "none_eligible": lambda r: _("geen enkele vrijwilliger past bij deze vraag"),
    "no_location": lambda r: _("Deze vraag heeft geen adres dat we op de kaart kunnen vinden."),
    "taken_by_others": lambda r: _(
        "Er waren passende vrijwilligers, maar die zijn in deze ronde aan andere vragen gekoppeld."
    ),
    "text": lambda r: str(r["text"]),
}

CODES = frozenset(_RENDER)


def reason_text(reason: Any) -> str:
    """One stored reason as text in the active language.

    A plain string (a reason stored before reasons became codes, not migrated) is shown
    as it is; so is anything that cannot be rendered, by its ``text`` or its code."""
    if isinstance(reason, str):
        return reason
    if not isinstance(reason, Mapping):
        return str(reason)
    render = _RENDER.get(str(reason.get("code")))
    if render is not None:
        try:
            return render(reason)
        except (KeyError, TypeError, ValueError, IndexError):
            pass
    return str(reason.get("text") or reason.get("code") or "")


def reasons_text(reasons: Iterable[Any] | None) -> list[str]:
    return [reason_text(r) for r in reasons or ()]


# --- Storing ---------------------------------------------------------------------------


def clean_reasons(reasons: Iterable[Any], *, near: datetime.date | None = None) -> list[Reason]:
    """Reasons as ``Match.reasons`` stores them: at most :data:`MAX_REASONS` dicts with
    a code. Sentences (a ``match_batch --json`` file carries rendered Dutch) are read
    back into codes by :mod:`matches.legacy_reasons`; ``near`` is the day the sentence
    was written (default today), to find the year of a date like "zo 25 okt"."""
    from matches.legacy_reasons import reason_from_text

    cleaned: list[Reason] = []
    for item in list(reasons or ())[:MAX_REASONS]:
        if isinstance(item, Mapping) and isinstance(item.get("code"), str) and item["code"]:
            reason = {str(k): v for k, v in item.items()}
        else:
            reason = reason_from_text(str(item), near=near)
        if reason.get("code") == "text":
            reason["text"] = str(reason.get("text", ""))[:MAX_TEXT_LENGTH]
        cleaned.append(reason)
    return cleaned
