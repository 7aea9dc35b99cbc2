"""Health checks for load balancers, process managers and the load test.

``/health/live``: the process answers (no database, no cache): restart it if not.
``/health/ready``: the services a page needs answer: the database, the cache, the Celery
broker (when one is configured), the matching pool version (in the database,
``matching.poolversion``) and, when the pool is shared through files
(``MATCHING_POOL_DIR``, on in production), that its folder is usable. Take the
process out of rotation if not.

Both answer JSON ``{"status": "ok"|"fail", "checks": {"database": "ok"|"<reason>", ...}}``
with 200 or 503, never 500: every check catches its own errors. A reason names the kind
of error, not its message (the answer is public; the message, which may name hosts, goes
to the log). No login, no session, no CSRF; SECURE_REDIRECT_EXEMPT keeps them on plain
HTTP in production.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from matching.loaders import pool_version_read

logger = logging.getLogger(__name__)

OK = "ok"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 gave an unexpected answer")


def check_cache() -> None:
    key = f"health:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was written")
    finally:
        cache.delete(key)


def check_broker() -> None:
    timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    with celery_app.connection_for_write() as conn:
        # Connects for real (Redis and AMQP alike): a broker that is down fails here.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)


def check_pool_version() -> None:
    version = pool_version_read()
    if not isinstance(version, int):
        raise RuntimeError(f"the pool version is not a number: {type(version).__name__}")


def check_pool_files() -> None:
    """The shared pool's folder (``MATCHING_POOL_DIR``) is there, or can be made, and the
    web process may write it: else every worker builds and keeps its own pool (it works,
    at a multiple of the memory and a slow first suggestion per worker)."""
    folder = Path(settings.MATCHING_POOL_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise PermissionError("the pool folder is not writable by this process")
    # A pool file that exists must be readable (the loader maps it read-only).
    for path in folder.glob("*.pool"):
        if not os.access(path, os.R_OK):
            raise PermissionError("a pool file is not readable by this process")


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database, "cache": check_cache}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = check_broker
    checks["pool_version"] = check_pool_version
    if settings.MATCHING_POOL_DIR:
        checks["pool_files"] = check_pool_files
    return checks


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, str]:
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is a "fail", never a 500
            logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = f"fail: {type(exc).__name__}"
        else:
            results[name] = OK
    return results


def _answer(checks: dict[str, str]) -> JsonResponse:
    ok = all(result == OK for result in checks.values())
    return JsonResponse({"status": OK if ok else "fail", "checks": checks}, status=200 if ok else 503)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return _answer({"process": OK})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    return _answer(run_checks(readiness_checks()))
