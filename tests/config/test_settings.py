"""Settings come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_config, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    """Import config.settings in a clean interpreter with exactly ``env``."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(env)
    code = f"import config.settings as s; print({expr})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_no_variables_gives_the_embedded_default():
    result = settings_in_subprocess(
        {},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.GEOCODER, s.DEBUG",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 True django.core.mail.backends.console.EmailBackend offline False"
    )


def test_variables_switch_to_services():
    result = settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://bm:pw@db.example:5433/bm",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp://u:p%40ss@mail.example.nl:587?tls=1",
            "GEOCODER": "nominatim",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['PORT'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.GEOCODER",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "5433",
        "False",
        "mail.example.nl",
        "587",
        "p@ss",
        "True",
        "nominatim",
    ]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"BUURTMAKELAAR_MODE": "production", "ALLOWED_HOSTS": "bm.example.nl"}, "SECRET_KEY"),
        ({"BUURTMAKELAAR_MODE": "production", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"BUURTMAKELAAR_MODE": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "a"}, "SECRET_KEY"),
        (
            {"BUURTMAKELAAR_MODE": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a", "DEBUG": "1"},
            "DEBUG",
        ),
        ({"BUURTMAKELAAR_MODE": "staging"}, "BUURTMAKELAAR_MODE"),
        ({"GEOCODER": "google"}, "GEOCODER"),
        ({"DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_production_and_bad_values_refuse_to_start(env, message):
    result = settings_in_subprocess(env, "1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_with_secret_and_hosts_starts_secure():
    result = settings_in_subprocess(
        {"BUURTMAKELAAR_MODE": "production", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "bm.example.nl"},
        "s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['bm.example.nl'] True True"


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_helpers_defaults_and_errors(monkeypatch):
    monkeypatch.delenv("X_MISSING", raising=False)
    assert env_bool("X_MISSING", True) is True
    assert env_int("X_MISSING", 7) == 7
    assert env_list("X_MISSING", ["a"]) == ["a"]
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", " a.nl, ,b.nl ")
    assert env_list("X_LIST") == ["a.nl", "b.nl"]


@pytest.mark.parametrize(
    "url, key, value",
    [
        ("console://", "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"),
        ("file:///tmp/mail", "EMAIL_FILE_PATH", "/tmp/mail"),
        ("smtps://mail.example.nl", "EMAIL_PORT", 465),
        ("smtps://mail.example.nl", "EMAIL_USE_SSL", True),
        ("smtp://mail.example.nl", "EMAIL_USE_TLS", False),
    ],
)
def test_email_config(url, key, value):
    assert email_config(url)[key] == value


@pytest.mark.parametrize("url", ["ftp://x", "smtp://"])
def test_email_config_rejects_bad_urls(url):
    with pytest.raises(ImproperlyConfigured):
        email_config(url)
