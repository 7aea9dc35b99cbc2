"""Shared fixtures for the outbox tests (notifications/).

* ``clock``: time frozen at :data:`T0` (a Monday morning in Amsterdam, away from DST
  changes); ``clock.shift(seconds)`` moves it on.
* ``mailserver``: the locmem e-mail backend with a plan: ``mailserver.plan = [error,
  None, …]`` makes the n-th send raise that error (``None``: deliver normally);
  ``mailserver.always(error)`` makes every send fail. ``mailserver.calls`` counts
  attempts that reached the backend.
* ``broker_down``: ``deliver_notification.apply_async`` raises kombu's
  ``OperationalError``, as when Redis/RabbitMQ cannot be reached.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime.datetime(2030, 6, 3, 9, 0, tzinfo=AMSTERDAM)  # Monday


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class MailServer:
    def __init__(self):
        self.plan: list[BaseException | None] = []
        self.error: BaseException | None = None
        self.calls = 0

    def always(self, error: BaseException | None) -> None:
        self.error = error


@pytest.fixture
def mailserver(monkeypatch):
    from django.core.mail.backends import locmem

    server = MailServer()
    original = locmem.EmailBackend.send_messages

    def send_messages(backend, messages):
        server.calls += 1
        error = server.plan.pop(0) if server.plan else server.error
        if error is not None:
            raise error
        return original(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return server


@pytest.fixture
def broker_down(monkeypatch):
    from kombu.exceptions import OperationalError

    from notifications.tasks import deliver_notification

    calls: list = []

    def apply_async(*args, **kwargs):
        calls.append((args, kwargs))
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(deliver_notification, "apply_async", apply_async)
    return calls
