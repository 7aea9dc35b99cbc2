"""/health/live and /health/ready: JSON, 200 or 503 (never 500), no login."""

import pytest
from django.db import OperationalError

from config import health
from config.env import cache_config


@pytest.mark.django_db
def test_live_answers_without_login(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"process": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_live_needs_no_database(client):
    # No django_db mark: a query here would raise "Database access not allowed".
    assert client.get("/health/live").status_code == 200


@pytest.mark.django_db
def test_ready_checks_database_cache_and_pool_version(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    # The test settings run Celery eagerly: no broker, so no broker check.
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "pool_version": "ok"},
    }


@pytest.mark.django_db
def test_ready_checks_the_broker_when_one_is_configured(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_broker", lambda: None)
    assert client.get("/health/ready").json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_ready_fails_with_503_and_the_reason_when_the_database_is_down(client, monkeypatch):
    def down():
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "fail: OperationalError"
    assert body["checks"]["cache"] == "ok"
    # The error message (host names) stays in the log, not in the public answer.
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_ready_fails_with_503_when_the_cache_is_down(client, settings):
    # The real Redis cache backend, on a port nothing listens on.
    settings.CACHES = {"default": cache_config("redis://127.0.0.1:1/0")}
    response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == "fail: ConnectionError"
    # The pool version is in the database now, not in the cache.
    assert checks["pool_version"] == "ok"
    assert checks["database"] == "ok"


@pytest.mark.django_db
def test_ready_reads_the_pool_version_from_the_database(client, monkeypatch):
    from matching.models import PoolVersion

    # As if the table were missing (a migration not run): the check fails, not the page.
    monkeypatch.setattr(PoolVersion._meta, "db_table", "matching_poolversion_missing")
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["pool_version"].startswith("fail: ")


@pytest.mark.django_db
def test_ready_fails_with_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A port nothing listens on: the real check, a refused connection.
    from config.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health/ready")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"].startswith("fail: ")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_an_unexpected_error_in_a_check_is_a_503_not_a_500(client, monkeypatch):
    def broken():
        raise ZeroDivisionError

    monkeypatch.setattr(health, "check_pool_version", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["pool_version"] == "fail: ZeroDivisionError"


@pytest.mark.django_db
def test_health_checks_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live").status_code == 200
    assert client.get("/privacy/").status_code == 301


# --- The pool shared through files (MATCHING_POOL_DIR, on in production) ------------------


@pytest.mark.django_db
def test_ready_checks_the_pool_folder_when_the_pool_is_shared(client, settings, tmp_path):
    settings.MATCHING_POOL_DIR = str(tmp_path / "var" / "pools")
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["pool_files"] == "ok"
    assert (tmp_path / "var" / "pools").is_dir()  # made on the first probe, as the loader would


@pytest.mark.django_db
def test_ready_fails_when_the_pool_folder_cannot_be_made(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.MATCHING_POOL_DIR = str(tmp_path / "a-file" / "pools")
    response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["pool_files"].startswith("fail: ")
    assert checks["database"] == checks["pool_version"] == "ok"
    assert str(tmp_path) not in response.content.decode()  # no paths in the public answer


@pytest.mark.django_db
def test_ready_fails_when_the_pool_folder_is_read_only(client, settings, tmp_path, monkeypatch):
    settings.MATCHING_POOL_DIR = str(tmp_path)
    real_access = health.os.access
    monkeypatch.setattr(
        health.os, "access", lambda path, mode: False if str(path) == str(tmp_path) else real_access(path, mode)
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["pool_files"] == "fail: PermissionError"
