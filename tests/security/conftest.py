"""The two-organisation world (``tests/security/world.py``), built once per test module.

The data is written inside a transaction that stays open for the whole module and is
rolled back at its end; each test runs in a savepoint inside it (pytest-django's
``django_db``), so a test that changes something (a POST) leaves the next test the
same world. This keeps the matrix of a thousand requests to one build per module.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test import override_settings

    from matching.loaders import pool_cache_clear
    from tests.security.world import world_build

    # The organisations' logos are files: in a folder of this module's own.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            pool_cache_clear()
            yield world_build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            pool_cache_clear()


@pytest.fixture(autouse=True)
def _fresh_pool_cache(settings):
    """As in tests/matching: the volunteer pool cache is checked against the database on
    every use (inside a test transaction the change counters do not move)."""
    from matching.loaders import pool_cache_clear

    settings.MATCHING_POOL_RECHECK_SECONDS = 0
    pool_cache_clear()
    yield
    pool_cache_clear()


@pytest.fixture(autouse=True)
def _sessions_in_the_cache(settings):
    """Sessions live in the (per-process) cache, not in a table: "a refused request
    writes nothing" is about the project's own tables, and a visitor's session row
    (allauth keeps a sent-on visitor's state there, even before login) is not one."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
