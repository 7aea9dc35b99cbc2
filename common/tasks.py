"""Starting a Celery task from a service, the same way everywhere.

A task module imports its service; the service never imports its task module back
(that would be an import circle). A service that must start a task looks it up here by
its registered name, usually inside ``transaction.on_commit`` so the worker sees the
committed rows. The lookup goes through the Celery app's registry, so eager mode (the
embedded default) and a real worker behave the same."""

from __future__ import annotations

import importlib

from celery import Task, current_app


def task_named(name: str) -> Task:
    """The registered task called ``name`` (e.g. ``"matching.tasks.batch_run"``).

    Raises ``KeyError`` for an unknown name: a typo is a programming error, not a
    passing fault."""
    if name not in current_app.tasks:
        # A web process does not import every tasks module up front (workers do, at
        # start); importing the module registers its tasks.
        importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]
