"""The matching engine: pure Python/numpy over plain data, no Django, no ORM.

* :mod:`.types` - ``VolunteerData``, ``RequestData``, ``Weights``, ``Candidate``,
  ``Rejection`` codes, ``Reason``, ``BatchResult``.
* :mod:`.constraints` - the hard constraints, one named function each.
* :mod:`.scoring` - the soft score: named parts, reasons as codes with parameters
  (``matches.reasons`` renders them in the reader's language); the request priority
  part is :func:`caregivers.priority.request_priority`, the rule the broker's queue
  uses too (plain Python, so the engine stays Django-free).
* :mod:`.spatial` - ``VolunteerPool``: numpy columns + grid index (radius queries
  without scanning the pool).
* :mod:`.suggest` - ``suggest()``: top-N candidates for one request, with reasons and
  why others fell out.
* :mod:`.edges` - ``candidate_edges()``: the hard constraints and the score of many
  requests at once (the batch path of ``suggest.evaluate``).
* :mod:`.batch` - ``assign()``: optimal batch assignment as a min-cost flow.
* :mod:`.greedy` - ``greedy_assign()``: nearest-first baseline.
"""

from .batch import assign
from .constraints import all_rejections, first_rejection
from .greedy import greedy_assign
from .scoring import request_priority
from .spatial import VolunteerPool
from .suggest import SuggestResult, suggest
from .types import (
    BatchResult,
    Candidate,
    DateWindow,
    Proposal,
    Reason,
    Rejection,
    RequestData,
    VolunteerData,
    Weights,
    Window,
)

__all__ = [
    "BatchResult",
    "Candidate",
    "DateWindow",
    "Proposal",
    "Reason",
    "Rejection",
    "RequestData",
    "SuggestResult",
    "VolunteerData",
    "VolunteerPool",
    "Weights",
    "Window",
    "all_rejections",
    "assign",
    "first_rejection",
    "greedy_assign",
    "request_priority",
    "suggest",
]
