"""The priority of a help request: who goes first. One rule for the broker's queue
and the matching engine (suggestions, the batch objective and its greedy baseline).

    priority = 0.5 * urgency + 0.3 * waiting + 0.2 * burden          (in [0, 1])

* urgency: low 0, normal 0.5, high 1;
* waiting: full days waited / 56, at most 1 (waiting counts for 8 weeks);
* burden: 1 when the mantelzorger's latest check-in is high, else 0.

Urgency weighs most. One urgency step (0.25) is worth about 47 days of waiting and a
carer near breaking point (0.2) about 37 days: a normal request that has waited 47
days overtakes a fresh urgent one, and an overloaded carer is lifted by nearly one
urgency step. After 8 weeks waiting adds nothing more, so a low-urgency request
without a high burden (at most 0.3) stays behind every fresh urgent one; the queue
flags requests that wait long (``Organisation.waiting_flag_days``) so that a broker
looks at them by hand.

The value is bounded on purpose: it is a part of the engine's soft score (weighted
with the other parts, all in [0, 1]) and the batch objective sums it as whole units
(:func:`priority_int`, at most :data:`PRIORITY_SCALE` per request), whose size the
solver's overflow check relies on.

Plain Python, no Django: the engine imports it and must run without settings.
"""

from __future__ import annotations

import datetime

__all__ = [
    "PRIORITY_SCALE",
    "URGENCY_VALUE",
    "WAITING_FULL_DAYS",
    "known_urgency",
    "priority_int",
    "priority_key",
    "priority_percent",
    "request_priority",
    "waiting_days",
]

URGENCY_VALUE: dict[str, float] = {"low": 0.0, "normal": 0.5, "high": 1.0}
WAITING_FULL_DAYS = 56  # after 8 weeks of waiting the waiting share is full
PRIORITY_SCALE = 1_000  # priority units per 1.0


def waiting_days(*, created_at: datetime.datetime, now: datetime.datetime) -> int:
    """Full days since the request was made (never negative: clocks can be skewed)."""
    return max(0, (now - created_at) // datetime.timedelta(days=1))


def known_urgency(urgency: str) -> str:
    """``urgency`` if the rule knows it, else ``"normal"``: an odd value in imported
    data must not break the queue or a batch run."""
    return urgency if urgency in URGENCY_VALUE else "normal"


def request_priority(
    *, urgency: str, created_at: datetime.datetime, burden_high: bool, now: datetime.datetime
) -> float:
    """How much a request should go first, in [0, 1] (see the module docstring).

    Raises ValueError for an unknown urgency; callers reading stored data pass it
    through :func:`known_urgency` first."""
    if urgency not in URGENCY_VALUE:
        raise ValueError(f"unknown urgency {urgency!r}")
    waiting = min(1.0, waiting_days(created_at=created_at, now=now) / WAITING_FULL_DAYS)
    return 0.5 * URGENCY_VALUE[urgency] + 0.3 * waiting + 0.2 * (1.0 if burden_high else 0.0)


def priority_int(priority: float) -> int:
    """The priority in whole units (0..:data:`PRIORITY_SCALE`), as the batch objective
    sums it and as requests are ordered (:func:`priority_key`).

    Rounding loses no order and adds no ties: in 560ths a priority is a whole number
    (an urgency step is 140, the burden 112, a day of waiting 3), so two different
    priorities differ by at least 1/560, 1.8 units, and never share a unit. Requests
    with equal priorities get the same float, so the same unit (the tests check every
    combination)."""
    return int(round(priority * PRIORITY_SCALE))


def priority_key(*, units: int, created_at: datetime.datetime, pk: int) -> tuple[int, datetime.datetime, int]:
    """Sort key for "who goes first": more priority units (:func:`priority_int`), then
    the one waiting longest, then the lower id. The broker's queue and the engine's
    greedy pass both sort by it, so they agree on the order."""
    return (-units, created_at, pk)


def priority_percent(priority: float) -> int:
    """The priority as people see it: 0 to 100."""
    return round(priority * 100)
