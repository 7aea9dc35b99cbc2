"""One log line per request: route pattern and name, status, duration; no ids, no query."""

import logging

import pytest
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.login import log_in


def request_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "buurtmakelaar.request"]


def test_log_line_names_the_route_not_the_path(client, personas, caplog):
    from caregivers.models import HelpRequest

    request = HelpRequest.objects.get()
    log_in(client, personas["broker_a"])
    with caplog.at_level(logging.INFO, logger="buurtmakelaar.request"):
        client.get(f"/organisatie/org-a/vragen/{request.pk}/?q=Jansen&naam=Vera")
    [line] = request_lines(caplog)
    fields = dict(part.split("=", 1) for part in line.split(" "))
    assert fields["method"] == "GET"
    assert fields["route"] == "/organisatie/<slug:slug>/vragen/<int:pk>/"
    assert fields["name"] == "caregivers_broker:detail"
    assert fields["status"] == "200"
    assert float(fields["ms"]) > 0
    assert set(fields) == {"method", "route", "name", "status", "ms"}  # nothing about the person
    assert "Jansen" not in line and "org-a" not in line and f"/{request.pk}/" not in line


@pytest.mark.django_db
def test_unresolved_paths_log_a_dash(client, caplog):
    with caplog.at_level(logging.INFO, logger="buurtmakelaar.request"):
        client.get("/bestaat-niet/12345/")
    [line] = request_lines(caplog)
    assert line.startswith("method=GET route=- name=- status=404 ms=")
    assert "12345" not in line


@pytest.mark.django_db
def test_server_errors_are_logged_as_warnings(client, caplog, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "check_database", lambda: (_ for _ in ()).throw(OperationalError()))
    with caplog.at_level(logging.INFO, logger="buurtmakelaar.request"):
        client.get("/health/ready")
    [record] = [r for r in caplog.records if r.name == "buurtmakelaar.request"]
    assert record.levelno == logging.WARNING
    assert "route=/health/ready name=health_ready status=503" in record.getMessage()


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), RedisConnectionError("Error 111")],
    ids=["database", "cache"],
)
def test_an_outage_during_a_page_gives_the_friendly_503_page(client, personas, monkeypatch, error):
    """No traceback, no 500: the Dutch page that says to try again, with Retry-After."""
    from caregivers.views import broker

    def down(*args, **kwargs):
        raise error

    monkeypatch.setattr(broker, "render", down)
    client.raise_request_exception = False
    log_in(client, personas["broker_a"])
    response = client.get("/organisatie/org-a/vragen/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = response.content.decode()
    assert "Buurtmakelaar is even niet bereikbaar" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_djangos_own_4xx_line_with_the_raw_path_is_off_and_5xx_still_on():
    """Django logs "Not Found: <path>" for every 404 on django.request; a path may hold a
    calendar token. Its 5xx lines (with the traceback) stay."""
    django_request = logging.getLogger("django.request")
    assert not django_request.isEnabledFor(logging.WARNING)
    assert django_request.isEnabledFor(logging.ERROR)
