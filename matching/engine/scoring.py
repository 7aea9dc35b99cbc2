"""The soft score: named parts in [0, 1], weighted, each with a reason (a code).

score = sum(weight[p] * part[p]) / sum(weight), rounded to :data:`SCORE_SCALE`
units (4 decimals). The engine ranks and optimises on exactly that integer
(:func:`to_score_int`), so suggestions, batch and tests agree to the unit.

Parts (all deterministic; "no wish stated" never counts against anyone):

``distance``      1 - d / reference, clipped to [0, 1]. The reference is the request's
                  maximum distance, else :data:`DISTANCE_REFERENCE_KM`. Using one
                  reference per request keeps the part monotone: closer is always better.
``availability``  mean over the requested windows of min(1, spare / 2 h), where spare is
                  the covering available stretch minus the window: a volunteer free all
                  afternoon for a 2-hour visit has room if it runs late. 1 when the
                  request names no time.
``continuity``    1 when the volunteer helped this household before, else 0.
``language``      1 when the volunteer speaks one of the request's preferred languages
                  (or the request names none), else 0.
``preferences``   mean of: one-off/recurring fits the volunteer's wish (1/0) and the
                  target group: chosen by the volunteer 1, volunteer has no preference
                  0.5, volunteer chose only other groups 0 (1 when the request has none).
``neighbourhood`` 1 when both live in the same neighbourhood, else 0.
``load``          1 - open / max matches: spread the work, do not burn out the keen ones.
``priority``      :func:`caregivers.priority.request_priority` of the request (the rule
                  the broker's queue uses as well). The same for every candidate
                  of one request, so it never reorders suggestions; it tells the broker
                  why a request goes first and tilts batch totals towards urgent ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import numpy as np

from caregivers.priority import PRIORITY_SCALE, priority_int, request_priority, waiting_days
from common.slots import DAYS

from .constraints import covering_slot
from .types import Candidate, Reason, RequestData, VolunteerData, Weights

__all__ = [
    "DISTANCE_REFERENCE_KM",
    "PART_NAMES",
    "PRIORITY_SCALE",
    "SCORE_SCALE",
    "candidate_for",
    "candidate_from_parts",
    "combine",
    "distance_reference_km",
    "margin_fraction",
    "parts_from_facts",
    "priority_int",
    "reasons_for",
    "request_priority",
    "score_pair",
    "to_score_int",
    "waiting_days",
]

PART_NAMES = Weights.names()
SCORE_SCALE = 10_000  # score units per 1.0
DISTANCE_REFERENCE_KM = 10.0
AVAILABILITY_FULL_MARGIN_S = 2 * 3600

# --- Parts ----------------------------------------------------------------------


def distance_reference_km(r: RequestData) -> float:
    return DISTANCE_REFERENCE_KM if r.max_distance_km is None else r.max_distance_km


def margin_fraction(spare_seconds):
    """Spare time around one window as a fraction of the full margin (2 h), in [0, 1]."""
    return np.minimum(1.0, np.asarray(spare_seconds, dtype=np.float64) / AVAILABILITY_FULL_MARGIN_S)


def parts_from_facts(
    *,
    distance_km,
    distance_ref,
    availability,
    helped,
    language_fit,
    kind_fit,
    group_fit,
    same_neighbourhood,
    open_matches,
    max_matches,
    priority,
) -> dict[str, np.ndarray]:
    """Every part from the facts of one pair or, element-wise, of many (numpy arrays).

    The one formula used by the single-pair path, the column-wise path of one request
    and the batch path over pairs of many requests (there ``distance_ref`` and
    ``priority`` are arrays too, one value per pair).
    """
    d = np.asarray(distance_km, dtype=np.float64)
    ref = np.asarray(distance_ref, dtype=np.float64)
    # A 0 km reference: only distance 0 passes at all.
    if ref.ndim == 0:
        distance = np.clip(1.0 - d / ref, 0.0, 1.0) if ref > 0 else np.where(d <= 0, 1.0, 0.0)
    else:
        distance = np.where(
            ref > 0, np.clip(1.0 - d / np.where(ref > 0, ref, 1.0), 0.0, 1.0), np.where(d <= 0, 1.0, 0.0)
        )
    open_ = np.asarray(open_matches, dtype=np.float64)
    max_ = np.asarray(max_matches, dtype=np.float64)
    load = np.where(max_ > 0, 1.0 - open_ / np.where(max_ > 0, max_, 1.0), 0.0)
    shape = d.shape
    return {
        "distance": distance,
        "availability": np.broadcast_to(np.asarray(availability, dtype=np.float64), shape),
        "continuity": np.broadcast_to(np.asarray(helped, dtype=np.float64), shape),
        "language": np.broadcast_to(np.asarray(language_fit, dtype=np.float64), shape),
        "preferences": np.broadcast_to(
            (np.asarray(kind_fit, dtype=np.float64) + np.asarray(group_fit, dtype=np.float64)) / 2.0, shape
        ),
        "neighbourhood": np.broadcast_to(np.asarray(same_neighbourhood, dtype=np.float64), shape),
        "load": np.clip(np.broadcast_to(load, shape), 0.0, 1.0),
        "priority": np.broadcast_to(np.asarray(priority, dtype=np.float64), shape),
    }


def combine(parts: Mapping[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted mean of the parts, summed in :data:`PART_NAMES` order (same float result
    for one pair and for a column)."""
    total = np.zeros(np.shape(parts["distance"]), dtype=np.float64)
    for name in PART_NAMES:
        total = total + getattr(weights, name) * parts[name]
    return total / weights.total()


def to_score_int(score) -> np.ndarray:
    """Score in whole units of 1/:data:`SCORE_SCALE` (the value the engine ranks on)."""
    return np.rint(np.asarray(score, dtype=np.float64) * SCORE_SCALE).astype(np.int64)


def kind_fit(v_one_off: bool, v_recurring: bool, recurring: bool | None) -> float:
    if recurring is None:
        return 1.0
    return 1.0 if (v_recurring if recurring else v_one_off) else 0.0


def group_fit(v_groups: frozenset[str], group: str | None) -> float:
    if group is None or group in v_groups:
        return 1.0
    return 0.5 if not v_groups else 0.0


def _availability(v: VolunteerData, r: RequestData) -> float:
    if not r.windows:
        return 1.0
    total = 0.0
    for w in r.windows:
        slot = covering_slot(v, w)
        if slot is None:
            continue  # not a candidate anyway; counts as no margin
        spare = (slot.end.hour * 3600 + slot.end.minute * 60 + slot.end.second) - (
            slot.start.hour * 3600 + slot.start.minute * 60 + slot.start.second
        )
        total += float(margin_fraction(spare - w.seconds))
    return total / len(r.windows)


def score_pair(
    v: VolunteerData, r: RequestData, *, distance_km: float, weights: Weights, now: datetime.datetime
) -> tuple[int, dict[str, float]]:
    """Score units and parts for one pair (assumed to pass the hard constraints)."""
    parts = parts_from_facts(
        distance_km=distance_km,
        distance_ref=distance_reference_km(r),
        availability=_availability(v, r),
        helped=r.household_key is not None and r.household_key in v.households_helped,
        language_fit=1.0 if not r.languages or (r.languages & v.languages) else 0.0,
        kind_fit=kind_fit(v.wants_one_off, v.wants_recurring, r.is_recurring),
        group_fit=group_fit(v.target_groups, r.target_group),
        same_neighbourhood=v.neighbourhood_id is not None and v.neighbourhood_id == r.neighbourhood_id,
        open_matches=v.open_matches,
        max_matches=v.max_active_matches,
        priority=request_priority(urgency=r.urgency, created_at=r.created_at, burden_high=r.burden_high, now=now),
    )
    score = int(to_score_int(combine(parts, weights)))
    return score, {name: float(parts[name]) for name in PART_NAMES}


# --- Reasons --------------------------------------------------------------------


def _hhmm(t: datetime.time) -> str:
    return f"{t:%H:%M}"


def reasons_for(
    v: VolunteerData, r: RequestData, *, distance_km: float, parts: Mapping[str, float], now: datetime.datetime
) -> list[Reason]:
    """Why this volunteer, most telling first, as codes with parameters (plain JSON
    values; ``matches.reasons`` lists the codes and renders them in the reader's
    language).

    Only parts that speak for the volunteer get a reason, plus the facts a broker
    checks anyway: the distance, when the volunteer is free, the VOG.
    """
    # One decimal, as shown: the stored reason says what the broker saw.
    reasons: list[Reason] = [{"code": "distance", "km": round(float(distance_km), 1)}]
    weekly: list[list[str]] = []
    dated: list[list[str]] = []
    for w in r.windows:
        slot = covering_slot(v, w)
        if slot is None:
            continue
        if w.date is None:
            item = [DAYS[slot.weekday], _hhmm(slot.start), _hhmm(slot.end)]
            if item not in weekly:
                weekly.append(item)
        else:
            dated.append([w.date.isoformat(), _hhmm(w.start), _hhmm(w.end)])
    if weekly:
        reasons.append({"code": "available", "slots": weekly})
    if dated:
        reasons.append({"code": "dates", "dates": dated})
    if r.needs_vog:
        reasons.append({"code": "vog_valid"})
    if parts.get("continuity", 0) > 0:
        reasons.append({"code": "helped_household_before"})
    shared = sorted(r.languages & v.languages)
    if shared:
        reasons.append({"code": "speaks", "languages": shared})
    if parts.get("neighbourhood", 0) > 0:
        reasons.append({"code": "same_neighbourhood"})
    if r.is_recurring is True and v.wants_recurring and not v.wants_one_off:
        reasons.append({"code": "wants_recurring"})
    elif r.is_recurring is False and v.wants_one_off and not v.wants_recurring:
        reasons.append({"code": "wants_one_off"})
    if r.target_group is not None and r.target_group in v.target_groups:
        reasons.append({"code": "target_group", "group": r.target_group})
    if v.open_matches == 0:
        reasons.append({"code": "no_matches_yet"})
    else:
        reasons.append({"code": "load", "open": int(v.open_matches), "max": int(v.max_active_matches)})
    if r.urgency == "high":
        reasons.append({"code": "urgent"})
    days = waiting_days(created_at=r.created_at, now=now)
    if days >= 14:
        reasons.append({"code": "waiting_days", "days": int(days)})
    if r.burden_high:
        reasons.append({"code": "carer_burden_high"})
    return reasons


def candidate_from_parts(
    v: VolunteerData,
    r: RequestData,
    *,
    distance_km: float,
    parts: Mapping[str, float],
    score_units: int,
    now: datetime.datetime,
) -> Candidate:
    """A :class:`Candidate` from parts already computed (by :func:`score_pair` or, for
    many pairs at once, :meth:`matching.engine.edges.CandidateEdges.parts`)."""
    return Candidate(
        volunteer_id=v.id,
        score=int(score_units) / SCORE_SCALE,
        distance_km=float(distance_km),
        parts={name: round(float(parts[name]), 4) for name in PART_NAMES},
        reasons=reasons_for(v, r, distance_km=distance_km, parts=parts, now=now),
    )


def candidate_for(
    v: VolunteerData,
    r: RequestData,
    *,
    distance_km: float,
    weights: Weights,
    now: datetime.datetime,
    score_units: int | None = None,
) -> Candidate:
    """A :class:`Candidate` with parts and reasons for one feasible pair.

    ``score_units`` lets the column-wise path keep the exact value it ranked on.
    """
    units, parts = score_pair(v, r, distance_km=distance_km, weights=weights, now=now)
    if score_units is not None:
        units = int(score_units)
    return candidate_from_parts(v, r, distance_km=distance_km, parts=parts, score_units=units, now=now)
