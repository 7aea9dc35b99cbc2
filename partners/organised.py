"""What the centre organises for a partner, shown on the partner's pages: the
activities (issue #16) live in an app above this one, so it registers a *source* here
in its ``AppConfig.ready`` (the pattern of ``caregivers.referral``). A source returns,
for a partner, what is organised for it as plain items."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Organised:
    title: str
    url: str
    until: datetime.date
    taken: int  # places taken
    places: int


OrganisedSource = Callable[[int], list[Organised]]
_sources: list[OrganisedSource] = []


def organised_source(source: OrganisedSource) -> OrganisedSource:
    """Register ``source(partner_id) -> [Organised, ...]`` (idempotent)."""
    if source not in _sources:
        _sources.append(source)
    return source


def organised_for(*, partner_id: int) -> list[Organised]:
    return sorted((item for source in _sources for item in source(partner_id)), key=lambda item: item.until)
