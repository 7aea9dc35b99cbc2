"""Settings come from the environment with safe defaults."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_config, email_config, env_bool, env_int, env_list

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
        {
            "BUURTMAKELAAR_MODE": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "bm.example.nl",
            "CACHE_URL": "redis://127.0.0.1:6379/11",
        },
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


@pytest.mark.parametrize(
    "url, backend",
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("rediss://cache.example.nl:6380/0", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_config(url, backend):
    assert cache_config(url)["BACKEND"] == backend


@pytest.mark.parametrize("url", ["memcached://x", "redis://"])
def test_cache_config_rejects_bad_urls(url):
    with pytest.raises(ImproperlyConfigured):
        cache_config(url)


def test_cache_url_switches_to_redis_with_short_timeouts():
    result = settings_in_subprocess(
        {"CACHE_URL": "redis://127.0.0.1:6379/11"},
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.CACHES['default']['OPTIONS']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/11 "
        "{'socket_connect_timeout': 2, 'socket_timeout': 2}"
    )


PRODUCTION_ENV = {
    "BUURTMAKELAAR_MODE": "production",
    "SECRET_KEY": "a-long-random-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "buurtmakelaar.example.nl",
    "DATABASE_URL": "sqlite:////tmp/bm_prod_deploy_check.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/11",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/10",
    "EMAIL_URL": "smtp://mail.example.nl:587?tls=1",
}


def check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(PRODUCTION_ENV, **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_in_production_prints_no_warnings():
    """``manage.py check --deploy`` with the production variables: nothing to report
    (issue #13), HSTS preload included."""
    result = check_deploy({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_the_operator_leaves_hsts_preload_out():
    result = check_deploy({"SECURE_HSTS_PRELOAD": "0"})
    output = result.stdout + result.stderr
    assert "ERRORS:" not in output
    assert set(re.findall(r"\((\S+\.[WE]\d+)\)", output)) == {"security.W021"}


# --- Issue #13: login throttling needs the shared cache; the demo TOTP secret stays local ---

_PROD = {"BUURTMAKELAAR_MODE": "production", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "bm.example.nl"}


@pytest.mark.parametrize(
    "cache",
    [
        {},
        {"CACHE_URL": "locmem://"},
        {"CACHE_URL": "dummy://"},
        {"CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    ],
    ids=["default", "locmem-url", "dummy-url", "locmem-backend"],
)
def test_production_refuses_a_cache_private_to_one_process(cache):
    result = settings_in_subprocess({**_PROD, **cache}, "1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "shared cache" in result.stderr


def test_production_starts_with_redis_as_the_cache_and_has_no_demo_totp_secret():
    result = settings_in_subprocess(
        {**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11"},
        "s.CACHES['default']['BACKEND'], s.DEMO_TOTP_SECRET",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "None"]


def test_production_refuses_a_demo_totp_secret():
    result = settings_in_subprocess(
        {**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11", "DEMO_TOTP_SECRET": "JBSWY3DPEHPK3PXP"}, "1"
    )
    assert result.returncode != 0
    assert "DEMO_TOTP_SECRET" in result.stderr


def test_local_run_has_the_known_demo_totp_secret_and_checks_it():
    ok = settings_in_subprocess({}, "s.DEMO_TOTP_SECRET")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "BUURTMAKELAARDEMOREGIOARNHEMVELP"
    bad = settings_in_subprocess({"DEMO_TOTP_SECRET": "not base32 0189"}, "1")
    assert bad.returncode != 0
    assert "DEMO_TOTP_SECRET" in bad.stderr


def test_the_local_run_passes_its_port_on_to_the_links_in_mails():
    """Issue 18.2: scripts/run exports PORT and the settings read it (LOCAL_PORT)."""
    assert re.search(r"^export PORT=", (ROOT / "scripts" / "run").read_text(), re.MULTILINE)
    assert settings_in_subprocess({"PORT": "8101"}, "s.LOCAL_PORT").stdout.strip() == "8101"
    assert settings_in_subprocess({}, "s.LOCAL_PORT").stdout.strip() == "8000"


# --- Issue #12: the pool shared through files is on in production, off in the embedded run ---


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ""),
        ({"MATCHING_POOL_DIR": "/srv/pools"}, "/srv/pools"),
        ({**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11"}, str(ROOT / "var" / "pools")),
        ({**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11", "MATCHING_POOL_DIR": "/srv/pools"}, "/srv/pools"),
        ({**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11", "MATCHING_POOL_DIR": "off"}, ""),
        ({**_PROD, "CACHE_URL": "redis://127.0.0.1:6379/11", "MATCHING_POOL_DIR": ""}, ""),
    ],
    ids=["local", "local-set", "production", "production-set", "production-off", "production-empty"],
)
def test_the_shared_pool_folder_by_mode(env, expected):
    result = settings_in_subprocess(env, "repr(s.MATCHING_POOL_DIR)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)
