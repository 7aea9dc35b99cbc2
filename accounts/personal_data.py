"""Who holds what about a person: the registry behind "Mijn gegevens" (AVG art. 15/20).

Accounts is the ground floor and cannot know the apps that hold personal data. Each of
those apps registers an *export source* in its ``AppConfig.ready``: a function that
returns that app's part of everything about one :class:`Subject`, as plain JSON values
(str, int, float, bool, None, lists and dicts with stable English keys), and the models
it covers. ``privacy.export`` asks every source and puts the parts together; a test
(``tests/privacy/test_registry.py``) fails when a model that points at a person is in
no source and not in the privacy app's commented list of exclusions, so a new model
cannot be forgotten.

A subject is either a person with an account (``user`` set: everything about them, in
every organisation) or the records one organisation holds about someone (``user`` None,
``organisation_id`` set: a broker acting for someone without an account, or for someone
who asked by phone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Subject:
    user: Any = None
    # A broker acting on behalf of someone: only this organisation's records.
    organisation_id: int | None = None
    volunteer_ids: frozenset[int] = field(default_factory=frozenset)
    mantelzorger_ids: frozenset[int] = field(default_factory=frozenset)
    request_ids: frozenset[int] = field(default_factory=frozenset)
    # The person's own e-mail addresses (lower case): mail sent to them, preferences.
    emails: frozenset[str] = field(default_factory=frozenset)
    # The person's own phone numbers, as their records hold them.
    phones: frozenset[str] = field(default_factory=frozenset)

    @property
    def contacts(self) -> frozenset[str]:
        """The e-mail addresses and phone numbers: how a record without a link to the
        person (an open signal about them) is found, for the export and the erasure alike."""
        return frozenset(contact for contact in self.emails | self.phones if contact)


ExportFunction = Callable[[Subject], Any]


@dataclass(frozen=True)
class ExportSource:
    key: str  # the stable key of this part in the export ("volunteers", "requests", ...)
    export: ExportFunction
    models: tuple[str, ...]  # "app_label.ModelName" of every model this part covers
    order: int


_sources: dict[str, ExportSource] = {}


def export_source(key: str, *, models: tuple[str, ...], order: int) -> Callable[[ExportFunction], ExportFunction]:
    """Register ``function`` as the export of part ``key`` (idempotent: a second
    ``ready()`` replaces the entry with the same one)."""

    def register(function: ExportFunction) -> ExportFunction:
        _sources[key] = ExportSource(key=key, export=function, models=tuple(models), order=order)
        return function

    return register


def export_sources() -> list[ExportSource]:
    """The registered sources in their order (the order of the parts in the export)."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def covered_models() -> set[str]:
    """Every ``app_label.ModelName`` some source exports."""
    return {name for source in _sources.values() for name in source.models}


# --- This app's own part -------------------------------------------------------------------


def account_export(subject: Subject) -> dict[str, Any] | None:
    """The login: e-mail, name, when made and last used, the e-mail addresses that
    belong to it (allauth). Nothing when a broker acts for someone (the account is
    the person's own business)."""
    user = subject.user
    if user is None:
        return None
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }
