"""Kill a gunicorn worker (SIGKILL) while clients post help requests to the production
stack: every request the client was told succeeded (a redirect to the new request's
page) has left its row in the database. A request cut off by the kill may have been
stored or not; the client saw an error and knows to try again.

Run by ``.ci/run`` (stage webkill) against a migrated PostgreSQL database with the demo
region loaded (the requests go to the organisation that serves Arnhem) and a Redis cache,
after ``collectstatic``:

    WEB_KILL_TEST=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_ci_webkill \\
    CACHE_URL=redis://127.0.0.1:6379/10 .venv/bin/python -m pytest -p no:xdist -m web_kill tests/web_kill

It runs ``collectstatic`` and starts its own gunicorn (``config/gunicorn.py``, 3 workers,
production settings), uses
the real database that gunicorn uses, not a test database, and removes its rows at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.web_kill,
    pytest.mark.skipif(
        os.environ.get("WEB_KILL_TEST") != "1"
        or not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("CACHE_URL", "").startswith("redis"),
        reason="needs WEB_KILL_TEST=1, PostgreSQL (migrated, demo loaded) and a Redis CACHE_URL, as .ci/run sets them",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 6
POSTS_PER_CLIENT = 25
KILLS = 2
PASSWORD = "Web-kill-" + secrets.token_hex(8)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DETAIL = re.compile(r"^/hulp/vraag/(\d+)/$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(master: subprocess.Popen) -> list[int]:
    done = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in done.stdout.split()]


def _start_gunicorn(port: int, log: Path, mail: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "BUURTMAKELAAR_MODE": "production",
        "SECRET_KEY": "web-kill-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "3",
        "EMAIL_URL": f"file://{mail}",
        "MATCHING_POOL_DIR": "off",
    }
    env.pop("CELERY_BROKER_URL", None)  # tasks run in the web process: nothing else to start
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # As scripts/serve does: the production pages need the static files' manifest.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    return subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _ready(url: str, seconds: float) -> bool:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/health/ready", timeout=5).status_code == 200:
                return True
        time.sleep(0.5)
    return False


def _plain_http(session) -> None:
    """Production marks its cookies Secure; this test speaks plain HTTP to 127.0.0.1 (no
    TLS proxy in front), so the client sends them anyway, as the proxy would."""
    for cookie in session.cookies:
        cookie.secure = False


def _csrf(page) -> str:
    found = CSRF.search(page.text)
    assert found, f"no form on {page.url}: {page.status_code} {page.text[:300]}"
    return found.group(1)


def _logged_in(url: str, email: str):
    import requests

    session = requests.Session()
    page = session.get(f"{url}/accounts/login/", timeout=30)
    _plain_http(session)
    response = session.post(
        f"{url}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page)},
        headers={"Referer": f"{url}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    errors = re.findall(r"(?:error[^>]*>)([^<]{3,200})", response.text)
    assert response.status_code == 302, f"login of {email}: {response.status_code} {errors}"
    _plain_http(session)
    return session


def _post_requests(url: str, session, tag: str, client: int, results: list) -> None:
    import requests

    form_url = f"{url}/hulp/vraag/nieuw/"
    token = None
    for n in range(POSTS_PER_CLIENT):
        description = f"{tag} {client}-{n}: boodschappen"
        try:
            if token is None:
                token = _csrf(session.get(form_url, timeout=30))
                _plain_http(session)
            response = session.post(
                form_url,
                data={
                    "help_with": "shopping",
                    "description": description,
                    "first_name": "Zoë",
                    "last_name": "van 't Hof-Özdemir",
                    "postcode": "6811 AB",
                    "house_number": "5",
                    "phone": "026 123 45 67",
                    "urgency": "normal",
                    "when-slot_1_day": "2",
                    "when-slot_1_start": "10:00",
                    "when-slot_1_end": "11:30",
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": form_url},
                allow_redirects=False,
                timeout=60,
            )
        except requests.RequestException as error:  # cut off by the kill: the client knows it failed
            results.append((description, None, type(error).__name__))
            token = None
            continue
        results.append((description, response.status_code, response.headers.get("Location", "")))


def test_killing_a_gunicorn_worker_loses_no_request_the_client_was_told_succeeded(django_db_blocker, tmp_path):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.models import User
    from caregivers.models import HelpRequest

    tag = f"webkill-{uuid.uuid4().hex[:10]}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    results: list[tuple[str, int | None, str]] = []
    killed: list[tuple[int, int]] = []  # (worker pid, posts answered before the kill)
    with django_db_blocker.unblock():
        emails = [f"{tag}-{i}@example.nl" for i in range(CLIENTS)]
        for email in emails:
            # Hashed the way production checks it (the suite's settings use a faster hasher).
            hasher = PBKDF2PasswordHasher()
            user = User.objects.create_user(email=email, password=None)
            user.password = hasher.encode(PASSWORD, hasher.salt())
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        master = _start_gunicorn(port, log, tmp_path / "mail")
        try:
            assert _ready(url, 90), "gunicorn did not become ready; its log:\n" + log.read_text()[-3000:]
            sessions = [_logged_in(url, email) for email in emails]
            threads = [
                threading.Thread(target=_post_requests, args=(url, session, tag, i, results))
                for i, session in enumerate(sessions)
            ]
            for thread in threads:
                thread.start()
            total = CLIENTS * POSTS_PER_CLIENT
            for k in range(KILLS):
                # Kill while every client is busy: a third and two thirds of the way.
                while len(results) < total * (k + 1) // (KILLS + 1) and any(t.is_alive() for t in threads):
                    time.sleep(0.02)
                pids = _workers(master)
                assert pids, "gunicorn has no workers"
                os.kill(pids[k % len(pids)], signal.SIGKILL)
                killed.append((pids[k % len(pids)], len(results)))
            for thread in threads:
                thread.join(timeout=600)
            assert _ready(url, 60), "gunicorn did not recover after the kills"
            rows = dict(HelpRequest.objects.filter(description__startswith=tag).values_list("description", "pk"))
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(master.pid, signal.SIGKILL)
            master.wait(timeout=30)
            HelpRequest.objects.filter(description__startswith=tag).delete()
            User.objects.filter(email__in=emails).delete()

    told_ok = [(d, status, where) for d, status, where in results if status is not None and status < 400]
    cut_off = [(d, where) for d, status, where in results if status is None]
    refused = [(d, status) for d, status, _where in results if status is not None and status >= 400]
    print(  # noqa: T201 - the CI log shows what happened
        f"\n{len(results)} posts: {len(told_ok)} told ok, {len(cut_off)} cut off by the kill, {len(refused)} refused; "
        f"killed workers {killed}; rows stored {len(rows)}"
    )
    assert len(results) == CLIENTS * POSTS_PER_CLIENT
    assert len(killed) == KILLS
    assert not refused, refused  # no 4xx or 5xx: a killed worker is not an error page
    # Every success was a redirect to the new request's page, and that request is stored.
    for description, status, where in told_ok:
        assert status == 302, (description, status)
        found = DETAIL.match(where.replace(url, ""))
        assert found, (description, where)
        assert rows.get(description) == int(found.group(1)), f"{description}: told ok, but not in the database"
    # Nothing stored twice, and nothing stored that no client sent.
    assert set(rows) <= {d for d, _status, _where in results}
    # The service went on: posts answered after the last kill succeeded too.
    assert any(status == 302 for _d, status, _where in results[killed[-1][1] :])
