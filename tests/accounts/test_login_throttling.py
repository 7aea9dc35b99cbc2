"""Login throttling counts in the shared cache (issue #13): allauth's rate limits use
Django's default cache, which production must point at Redis (config/settings.py
refuses a per-process cache there; tests/config/test_settings.py). Here the default
cache is a Redis database of its own: failed logins counted through one cache client
stop a login through another one, as they would across two web processes."""

from uuid import uuid4

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from config.env import cache_config

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "geheim-wachtwoord-123"  # demo.factories.UserFactory


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis database 12, under a key prefix of this test alone."""
    raw = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        raw.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"throttle-test-{uuid4().hex}"
    settings.CACHES = {"default": {**cache_config(REDIS_URL), "KEY_PREFIX": prefix}}
    # The project's real limits (the test settings turn them off elsewhere).
    del settings.ACCOUNT_RATE_LIMITS
    yield raw, prefix
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def failed_login(client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": "fout-wachtwoord"})
    assert response.status_code == 200
    return response


def test_failed_logins_are_counted_in_redis_and_hold_for_another_cache_client(redis_cache, personas):
    raw, prefix = redis_cache
    email = personas["broker_a"].email
    for _ in range(5):  # allauth's default: 5 failures per address in 5 minutes
        failed_login(Client(), email)

    # A client of its own (not Django's) sees the counter in Redis.
    keys = [key.decode() for key in raw.scan_iter(f"{prefix}:*")]
    assert any("login_failed" in key for key in keys), keys

    # Another process: a fresh cache client with its own connections to the same database.
    first = caches["default"]
    caches.close_all()
    delattr(caches._connections, "default")
    assert caches["default"] is not first

    response = Client().post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a login
    assert response.context["form"].errors
    assert "_auth_user_id" not in response.wsgi_request.session


def test_without_failures_the_same_login_works(redis_cache, personas):
    client = Client()
    response = client.post(reverse("account_login"), {"login": personas["volunteer"].email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
