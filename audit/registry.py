"""Finding a person in the log by name: the apps that hold people register a finder.

The log keeps only pseudonymous keys; the privacy officer knows names. A finder takes an
organisation id and the typed text and returns the ids it knows by that name
(``{"mantelzorger": [...], "request": [...], "user": [...]}``); the log page filters on
those ids. Registered in the apps' ``AppConfig.ready`` (audit cannot import them)."""

from __future__ import annotations

from collections.abc import Callable

SubjectFinder = Callable[..., dict[str, list[int]]]
_finders: list[SubjectFinder] = []
MAX_IDS = 500


def subject_finder(finder: SubjectFinder) -> SubjectFinder:
    """Register ``finder(organisation_id=..., text=...)`` (idempotent)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def subjects_named(*, organisation_id: int, text: str) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"mantelzorger": set(), "request": set(), "user": set()}
    for finder in _finders:
        for kind, ids in finder(organisation_id=organisation_id, text=text).items():
            found.setdefault(kind, set()).update(list(ids)[:MAX_IDS])
    return found
