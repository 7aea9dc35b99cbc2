"""Where a broker can refer a request to: the known partners of the organisation.

The partners live in an app above this one (``partners``), so caregivers cannot ask
it: it registers a *source* here in its ``AppConfig.ready`` (the pattern of
``accounts.roles``). A source returns ``(id, name)`` of the partners an organisation
may refer to; ``HelpRequest.referred_partner`` points at the chosen one by model name.
Someone not in the list is still written as free text (``referred_to``)."""

from __future__ import annotations

from collections.abc import Callable

ReferralSource = Callable[[int], list[tuple[int, str]]]
_sources: list[ReferralSource] = []


def referral_targets_source(source: ReferralSource) -> ReferralSource:
    """Register ``source(organisation_id) -> [(partner id, name), ...]`` (idempotent)."""
    if source not in _sources:
        _sources.append(source)
    return source


def referral_targets(*, organisation_id: int) -> list[tuple[int, str]]:
    """The partners of the organisation a request can be referred to, by name."""
    found: dict[int, str] = {}
    for source in _sources:
        found.update(source(organisation_id))
    return sorted(found.items(), key=lambda item: item[1].casefold())
