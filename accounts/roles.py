"""What a person may do here, derived from their profiles and staff memberships.

Accounts is the ground floor: it cannot know the apps that hold the profiles. Each of
those apps registers what it knows about a user in its ``AppConfig.ready``:

* a *role source* returns some :class:`Roles` fields for a user (``{"is_volunteer":
  True}``, the organisations a user is broker of, ...);
* a *profile source* returns the person's own profile (name, postcode, house number,
  phone) for prefilling forms, or None.

:func:`roles_for` asks every role source each time (a few indexed look-ups); the
template context asks once per page, lazily."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RoleSource = Callable[[Any], dict[str, Any]]
ProfileSource = Callable[[Any], Any]

_role_sources: list[RoleSource] = []
_profile_sources: list[tuple[int, ProfileSource]] = []


@dataclass(frozen=True)
class Roles:
    is_volunteer: bool = False
    is_mantelzorger: bool = False
    is_help_seeker: bool = False
    # Organisations (neighbourhoods.Organisation) and memberships (StaffMembership).
    broker_of: tuple[Any, ...] = ()
    admin_of: tuple[Any, ...] = ()
    municipality_of: tuple[Any, ...] = field(default_factory=tuple)
    privacy_officer_of: tuple[Any, ...] = ()
    # Partner organisations (partners.Partner) this person works for: not staff of the
    # centre (no requests, care files or volunteers), their own vacancies only.
    partner_of: tuple[Any, ...] = ()

    @property
    def is_staff_member(self) -> bool:
        return bool(self.broker_of or self.admin_of or self.municipality_of or self.privacy_officer_of)

    @property
    def home_organisation(self) -> Any:
        """The organisation whose logo the page header shows: the first one this
        person administers, else the first one they broker for."""
        return next(iter((*self.admin_of, *self.broker_of)), None)

    @property
    def has_any(self) -> bool:
        return (
            self.is_volunteer
            or self.is_mantelzorger
            or self.is_help_seeker
            or self.is_staff_member
            or bool(self.partner_of)
        )


def role_source(source: RoleSource) -> RoleSource:
    """Register ``source`` (idempotent, so a second ``ready()`` adds nothing)."""
    if source not in _role_sources:
        _role_sources.append(source)
    return source


def profile_source(*, order: int) -> Callable[[ProfileSource], ProfileSource]:
    """Register a profile source; the lowest ``order`` that has a profile wins."""

    def register(source: ProfileSource) -> ProfileSource:
        if all(existing is not source for _order, existing in _profile_sources):
            _profile_sources.append((order, source))
            _profile_sources.sort(key=lambda item: item[0])
        return source

    return register


def roles_for(user) -> Roles:
    """The roles of ``user`` as they are now."""
    if not user.is_authenticated:
        return Roles()
    values: dict[str, Any] = {}
    for source in _role_sources:
        values.update(source(user))
    return Roles(**values)


def profile_of(user) -> Any:
    """The person's own profile (an object with ``first_name``, ``last_name``,
    ``postcode``, ``house_number`` and ``phone``), or None."""
    if not user.is_authenticated:
        return None
    for _order, source in _profile_sources:
        profile = source(user)
        if profile is not None:
            return profile
    return None
