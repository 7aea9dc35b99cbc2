"""Signal receivers of the accounts app (connected in ``AccountsConfig.ready``)."""

from __future__ import annotations

from accounts.two_step import SECOND_STEP_TYPES, second_step_record, session_stamp_login


def stamp_login(sender, request, user, **kwargs) -> None:
    """Every login remembers its time: the staff session limits count from it."""
    session = getattr(request, "session", None)
    if session is not None:
        session_stamp_login(session)


def second_step_added(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an app or a security key means entering a code from it (or touching
    it): that is the second step for this session too, so a staff member who was
    sent to set it up can go on without logging in again."""
    if request is not None and authenticator.type in SECOND_STEP_TYPES:
        second_step_record(request, user, authenticator, enrolled=True)
