"""Hard constraints: a volunteer who breaks one is never proposed for the request.

Each constraint is a small named function ``check_<name>(volunteer, request, ctx)``
that returns a :class:`~matching.engine.types.Rejection` code when it is broken and
``None`` when it holds. :data:`CONSTRAINTS` lists them in the order the engine checks
them; :func:`first_rejection` gives the first broken one (how suggestions count
"why others fell out") and :func:`all_rejections` every broken one (to explain a
single volunteer to a broker).

These functions are the readable reference. The suggestion and batch paths apply
the same rules column-wise with numpy (:mod:`matching.engine.suggest`); the tests
check that both agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import NamedTuple

from common.geo import haversine_km

from .types import Rejection, RequestData, VolunteerData, Window

__all__ = [
    "CONSTRAINTS",
    "Context",
    "all_rejections",
    "check_active",
    "check_availability",
    "check_capacity",
    "check_distance_request",
    "check_distance_volunteer",
    "check_not_excluded",
    "check_not_paused",
    "check_organisation",
    "check_skills",
    "check_vog",
    "covering_slot",
    "first_rejection",
    "uncovered_windows",
]


class Context(NamedTuple):
    """What a check needs besides the pair: the day it is judged on and the distance."""

    today: datetime.date
    distance_km: float


def check_organisation(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Same organisation, or one the request's region shares with."""
    if v.organisation_id == r.organisation_id or v.organisation_id in r.shared_organisation_ids:
        return None
    return Rejection.ORGANISATION


def check_distance_request(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Within the request's maximum distance, when it has one."""
    if r.max_distance_km is None or ctx.distance_km <= r.max_distance_km:
        return None
    return Rejection.TOO_FAR_FOR_REQUEST


def check_distance_volunteer(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Within the distance the volunteer is willing to travel."""
    return None if ctx.distance_km <= v.max_distance_km else Rejection.TOO_FAR_FOR_VOLUNTEER


def check_active(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    return None if v.active else Rejection.INACTIVE


def check_not_paused(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Paused until (and including) ``paused_until``: out when that reaches the first day
    the request needs someone (today for weekly help, else its first date)."""
    if v.paused_until is not None and v.paused_until >= r.first_day(ctx.today):
        return Rejection.PAUSED
    return None


def check_not_excluded(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """The pair was declined or blocked before."""
    return Rejection.EXCLUDED if v.id in r.excluded_volunteer_ids else None


def check_skills(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Every required skill, not just one of them."""
    return None if r.required_skills <= v.skills else Rejection.SKILLS


def check_vog(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """When the request needs a VOG, it must be valid today and on every requested date
    (a VOG has an end date only, so: valid until at least the last of them)."""
    if not r.needs_vog:
        return None
    if v.vog_valid_until is not None and v.vog_valid_until >= r.last_day(ctx.today):
        return None
    return Rejection.VOG


def covering_slot(v: VolunteerData, window: Window):
    """The volunteer's (merged) weekly slot that covers ``window`` in wall-clock time,
    or None. A dated window also needs the date free of the volunteer's exceptions."""
    if window.date is not None and window.date in v.unavailable_dates:
        return None
    for slot in v.available:
        if slot.weekday == window.weekday and slot.start <= window.start and slot.end >= window.end:
            return slot
    return None


def uncovered_windows(v: VolunteerData, r: RequestData) -> list[Window]:
    """The requested windows the volunteer does not fully cover, in request order."""
    return [w for w in r.windows if covering_slot(v, w) is None]


def check_availability(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Every requested weekly slot and every requested date's window lies fully inside
    the volunteer's weekly availability on that weekday (touching slots count as one).

    Wall-clock comparison: a Sunday 13:00-17:00 availability covers 14:00-16:00 on
    the daylight-saving Sundays too, though that afternoon is 3 real hours apart
    from UTC in one case and 2 in the other.
    """
    return Rejection.NOT_AVAILABLE if uncovered_windows(v, r) else None


def check_capacity(v: VolunteerData, r: RequestData, ctx: Context) -> Rejection | None:
    """Fewer open (proposed, accepted or active) matches than the volunteer's maximum."""
    return None if v.open_matches < v.max_active_matches else Rejection.CAPACITY


Check = Callable[[VolunteerData, RequestData, Context], Rejection | None]

# In checking order; must list the Rejection members in their declared order.
CONSTRAINTS: tuple[tuple[Rejection, Check], ...] = (
    (Rejection.ORGANISATION, check_organisation),
    (Rejection.TOO_FAR_FOR_REQUEST, check_distance_request),
    (Rejection.TOO_FAR_FOR_VOLUNTEER, check_distance_volunteer),
    (Rejection.INACTIVE, check_active),
    (Rejection.PAUSED, check_not_paused),
    (Rejection.EXCLUDED, check_not_excluded),
    (Rejection.SKILLS, check_skills),
    (Rejection.VOG, check_vog),
    (Rejection.NOT_AVAILABLE, check_availability),
    (Rejection.CAPACITY, check_capacity),
)
assert tuple(code for code, _ in CONSTRAINTS) == tuple(Rejection)


def _context(v: VolunteerData, r: RequestData, today: datetime.date, distance_km: float | None) -> Context:
    return Context(today, haversine_km(v.point, r.point) if distance_km is None else distance_km)


def first_rejection(
    v: VolunteerData, r: RequestData, *, today: datetime.date, distance_km: float | None = None
) -> Rejection | None:
    """The first broken constraint in checking order, or None when the volunteer is a candidate."""
    ctx = _context(v, r, today, distance_km)
    for _code, check in CONSTRAINTS:
        broken = check(v, r, ctx)
        if broken is not None:
            return broken
    return None


def all_rejections(
    v: VolunteerData, r: RequestData, *, today: datetime.date, distance_km: float | None = None
) -> list[Rejection]:
    """Every broken constraint, in checking order (empty: a candidate)."""
    ctx = _context(v, r, today, distance_km)
    return [code for code, check in CONSTRAINTS if check(v, r, ctx) is not None]
