"""Plain data for the matching engine: no Django, no ORM.

The lead's loaders turn models into these frozen dataclasses (or, for big pools,
straight into the numpy columns of :class:`matching.engine.spatial.VolunteerPool`);
the engine never touches the database.

Conventions
-----------
* Coordinates are :class:`neighbourhoods.geo.Point` (latitude first).
* Times are wall-clock Europe/Amsterdam (:class:`common.slots.Slot`, ``datetime.time``),
  so "Tuesday 14:00" stays 14:00 across daylight-saving changes.
* Ids are integers; everything the engine returns is ordered by them where no score
  decides, so the same input always gives the same output.
* Collections may be passed as lists or sets; they are stored as tuples/frozensets.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from common.geo import Point
from common.slots import DAY_SHORT_NL, Slot, merge_touching

__all__ = [
    "URGENCIES",
    "BatchResult",
    "Candidate",
    "DateWindow",
    "Proposal",
    "Rejection",
    "Reason",
    "RequestData",
    "VolunteerData",
    "Weights",
    "Window",
]

URGENCIES = ("low", "normal", "high")

MONTHS_SHORT_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

# Why a volunteer fits, or why others fell out: a code with parameters, as plain JSON
# values (``{"code": "distance", "km": 0.8}``), stored as they are and rendered in the
# reader's language at display time. ``matches.reasons`` lists every code.
Reason = dict[str, Any]


def _frozen(value: Iterable[Any] | None) -> frozenset:
    if value is None:
        return frozenset()
    if isinstance(value, str):  # "nl" is one code, not the set {"n", "l"}
        return frozenset({value})
    return frozenset(value)


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _check_distance(name: str, value: float | None, *, optional: bool) -> float | None:
    if value is None:
        if optional:
            return None
        raise ValueError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
    return value


class DateWindow(NamedTuple):
    """One specific date with a wall-clock window, e.g. Sunday 25 October 2026 14:00-16:00."""

    date: datetime.date
    start: datetime.time
    end: datetime.time


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of time a request asks for: a weekly slot (``date is None``) or one
    specific date. Both are checked against the volunteer's weekly availability on
    that weekday, in wall-clock time."""

    weekday: int
    start: datetime.time
    end: datetime.time
    date: datetime.date | None = None

    @property
    def start_s(self) -> int:
        return _seconds(self.start)

    @property
    def end_s(self) -> int:
        return _seconds(self.end)

    @property
    def seconds(self) -> int:
        return self.end_s - self.start_s

    def sort_key(self) -> tuple:
        return (self.date is not None, self.date or datetime.date.min, self.weekday, self.start, self.end)

    def label(self) -> str:
        """``"di 12:00-18:00"`` or, for a date, ``"zo 25 okt 14:00-16:00"`` (a key for
        tests and logs; people read reasons through ``matches.reasons``)."""
        times = f"{self.start:%H:%M}-{self.end:%H:%M}"
        if self.date is None:
            return f"{DAY_SHORT_NL[self.weekday]} {times}"
        return f"{DAY_SHORT_NL[self.weekday]} {self.date.day} {MONTHS_SHORT_NL[self.date.month - 1]} {times}"


@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerData:
    """A volunteer as the engine sees it.

    ``open_matches`` counts the volunteer's matches that hold a place (proposed,
    accepted, active); ``households_helped`` holds the household keys of requests
    the volunteer helped before (continuity). ``unavailable_dates`` are one-off
    exceptions (holidays) checked against requests for specific dates.
    """

    id: int
    organisation_id: int
    point: Point
    max_distance_km: float
    skills: frozenset[str] = frozenset()
    slots: tuple[Slot, ...] = ()
    vog_valid_until: datetime.date | None = None
    active: bool = True
    paused_until: datetime.date | None = None
    max_active_matches: int = 1
    open_matches: int = 0
    languages: frozenset[str] = frozenset({"nl"})
    wants_one_off: bool = True
    wants_recurring: bool = True
    target_groups: frozenset[str] = frozenset()
    neighbourhood_id: int | None = None
    households_helped: frozenset[str] = frozenset()
    unavailable_dates: frozenset[datetime.date] = frozenset()
    # Derived: the weekly slots with touching ones merged (13-15 + 15-17 = 13-17).
    available: tuple[Slot, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.point, Point):
            raise TypeError("point must be a neighbourhoods.geo.Point")
        set_ = object.__setattr__
        set_(self, "max_distance_km", _check_distance("max_distance_km", self.max_distance_km, optional=False))
        for name in ("skills", "languages", "target_groups", "households_helped", "unavailable_dates"):
            set_(self, name, _frozen(getattr(self, name)))
        slots = tuple(self.slots)
        if not all(isinstance(s, Slot) for s in slots):
            raise TypeError("slots must be common.slots.Slot objects")
        set_(self, "slots", slots)
        if self.max_active_matches < 0 or self.open_matches < 0:
            raise ValueError("max_active_matches and open_matches must be >= 0")
        set_(self, "available", tuple(merge_touching(slots)))

    @property
    def free_capacity(self) -> int:
        return max(0, self.max_active_matches - self.open_matches)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestData:
    """A help request as the engine sees it.

    When: ``weekly_slots`` (recurring help; every slot must be covered) and/or
    ``dates`` (specific dates with a window, e.g. one-off transport). ``recurring``
    may be given explicitly; otherwise weekly slots mean recurring and dates alone
    mean one-off. ``excluded_volunteer_ids``: pairs declined or blocked before.
    ``shared_organisation_ids``: other organisations of a shared region whose
    volunteers may also be proposed (the hard constraint "same organisation or
    shared region").
    """

    id: int
    organisation_id: int
    point: Point
    created_at: datetime.datetime
    max_distance_km: float | None = None
    required_skills: frozenset[str] = frozenset()
    weekly_slots: tuple[Slot, ...] = ()
    dates: tuple[DateWindow, ...] = ()
    needs_vog: bool = False
    kind: str = "other"
    urgency: str = "normal"
    burden_high: bool = False
    languages: frozenset[str] = frozenset()
    target_group: str | None = None
    neighbourhood_id: int | None = None
    household_key: str | None = None
    excluded_volunteer_ids: frozenset[int] = frozenset()
    shared_organisation_ids: frozenset[int] = frozenset()
    recurring: bool | None = None
    # Derived: weekly slots and dates as one sorted tuple of windows.
    windows: tuple[Window, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.point, Point):
            raise TypeError("point must be a neighbourhoods.geo.Point")
        set_(self, "max_distance_km", _check_distance("max_distance_km", self.max_distance_km, optional=True))
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, not {self.urgency!r}")
        if not isinstance(self.created_at, datetime.datetime) or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be an aware datetime")
        for name in ("required_skills", "languages", "excluded_volunteer_ids", "shared_organisation_ids"):
            set_(self, name, _frozen(getattr(self, name)))
        slots = tuple(self.weekly_slots)
        if not all(isinstance(s, Slot) for s in slots):
            raise TypeError("weekly_slots must be common.slots.Slot objects")
        dates = tuple(DateWindow(*d) for d in self.dates)
        for d in dates:
            if not isinstance(d.date, datetime.date) or isinstance(d.date, datetime.datetime):
                raise TypeError("a date window needs a datetime.date")
            if d.end <= d.start:
                raise ValueError(f"{d.date}: the end time must be after the start time")
        set_(self, "weekly_slots", slots)
        set_(self, "dates", dates)
        windows = {Window(s.weekday, s.start, s.end) for s in slots}
        windows |= {Window(d.date.weekday(), d.start, d.end, d.date) for d in dates}
        set_(self, "windows", tuple(sorted(windows, key=Window.sort_key)))

    @property
    def is_recurring(self) -> bool | None:
        """True for weekly help, False for one-off dates, None when the request gives no time."""
        if self.recurring is not None:
            return self.recurring
        if self.weekly_slots:
            return True
        if self.dates:
            return False
        return None

    def first_day(self, today: datetime.date) -> datetime.date:
        """The first day the volunteer is needed: today for weekly help, else the first date
        (never before today)."""
        if self.weekly_slots or not self.dates:
            return today
        return max(today, min(d.date for d in self.dates))

    def last_day(self, today: datetime.date) -> datetime.date:
        """The last day that must be covered by a VOG: today for weekly help (the VOG is
        checked again at every batch), else the last date."""
        if not self.dates:
            return today
        return max(today, max(d.date for d in self.dates))


class Rejection(enum.StrEnum):
    """Why a volunteer is not a candidate (a hard constraint is broken).

    The order of the members is the order in which the engine checks them; each
    volunteer is counted under the first constraint it breaks. What each means for a
    volunteer, in words: ``matches.reasons.REJECTION_LABELS``.
    """

    ORGANISATION = "organisation"
    TOO_FAR_FOR_REQUEST = "too_far_for_request"
    TOO_FAR_FOR_VOLUNTEER = "too_far_for_volunteer"
    INACTIVE = "inactive"
    PAUSED = "paused"
    EXCLUDED = "excluded"
    SKILLS = "skills"
    VOG = "vog"
    NOT_AVAILABLE = "not_available"
    CAPACITY = "capacity"


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the soft-score parts (per organisation; these are the defaults).

    The score is the weighted mean of the parts, so only the ratios matter and the
    score stays in [0, 1]. A weight of 0 switches a part off.
    """

    distance: float = 3.0
    availability: float = 1.5
    continuity: float = 2.0
    language: float = 1.5
    preferences: float = 1.0
    neighbourhood: float = 1.0
    load: float = 1.5
    priority: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"weight {f.name} must be a number")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {f.name} must be a finite number >= 0, not {value!r}")
            object.__setattr__(self, f.name, float(value))
        if self.total() <= 0:
            raise ValueError("at least one weight must be above 0")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, values: Mapping[str, float] | None) -> Weights:
        """Defaults overridden by ``values`` (e.g. an organisation's settings); unknown
        names are an error so a typo does not silently do nothing."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(unknown)}")
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.names()}

    def total(self) -> float:
        return sum(getattr(self, name) for name in self.names())


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed volunteer for a request.

    ``score`` is in [0, 1] with 4 decimals (the engine ranks on exactly this value);
    ``parts`` holds each named score part in [0, 1]; ``reasons`` say why, most important
    first, as :data:`Reason` codes with parameters (rendered for the broker at display
    time).
    """

    volunteer_id: int
    score: float
    distance_km: float
    parts: dict[str, float]
    reasons: list[Reason]

    def as_dict(self) -> dict[str, Any]:
        return {
            "volunteer": self.volunteer_id,
            "score": self.score,
            "distance_km": round(self.distance_km, 2),
            "parts": dict(self.parts),
            "reasons": [dict(reason) for reason in self.reasons],
        }


class Proposal(NamedTuple):
    """One assignment of a batch run: the request, the volunteer and why."""

    request_id: int
    volunteer_id: int
    candidate: Candidate


@dataclass
class BatchResult:
    """Proposals (ordered by request id), unmatched request ids (ascending) and
    statistics. ``timings`` (seconds per phase) is left out of equality, so two runs
    on the same input compare equal."""

    proposals: list[Proposal]
    unmatched: list[int]
    stats: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def as_dict(
        self,
        *,
        organisation: str | None = None,
        request_key: Mapping[int, Any] | None = None,
        volunteer_key: Mapping[int, Any] | None = None,
    ) -> dict[str, Any]:
        """The ``match_batch --json`` shape of DESIGN.md. ``request_key`` /
        ``volunteer_key`` map engine ids to what the file should show (external id
        or pk); ids without an entry are shown as they are."""
        rk, vk = request_key or {}, volunteer_key or {}
        return {
            "organisation": organisation,
            "proposals": [
                {
                    "request": rk.get(p.request_id, p.request_id),
                    "volunteer": vk.get(p.volunteer_id, p.volunteer_id),
                    "score": p.candidate.score,
                    "distance_km": round(p.candidate.distance_km, 2),
                    "reasons": [dict(reason) for reason in p.candidate.reasons],
                }
                for p in self.proposals
            ],
            "unmatched": [rk.get(i, i) for i in self.unmatched],
            "stats": dict(self.stats),
        }
