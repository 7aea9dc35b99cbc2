"""Kill a real Celery worker (SIGKILL, main process and pool) in the middle of
sending 1,000 e-mails from the outbox: none may be lost, and none may go out twice
except the message a pool process was sending at the moment it died (it carries the
same Message-ID, so mail programs show it once).

Run by ``.ci/run`` (stage celery) after the other worker tests, with no other worker
running, and with the worker's services in the environment:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/buurtmakelaar_ci_celery   (migrated)
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7   EMAIL_URL=file:///tmp/bm-mail
    .venv/bin/python -m pytest -p no:xdist -m worker_kill tests/celery_worker

This test starts and kills its own workers. It uses the real (migrated) database
that the workers use, not a test database, and removes its own rows at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.db import transaction

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.worker_kill,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs a real broker, PostgreSQL and EMAIL_URL=file:///dir, as .ci/run sets them",
    ),
]

TOTAL = 1000
KILL_AFTER = 250
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
ROOT = Path(__file__).resolve().parents[2]


def _mail_dir() -> Path:
    parts = urlsplit(os.environ.get("EMAIL_URL", ""))
    if parts.scheme != "file" or not parts.path:
        pytest.fail("EMAIL_URL must be file:///some/dir, the same as the workers'")
    path = Path(unquote(parts.path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _deliveries(mail_dir: Path, tag: str) -> Counter:
    """Message-ID -> how many times a message tagged ``tag`` was written."""
    seen: Counter = Counter()
    for file in sorted(mail_dir.iterdir()):
        if not file.is_file():
            continue
        try:
            data = file.read_bytes()
        except FileNotFoundError:  # pragma: no cover - being written
            continue
        for chunk in data.split(SEPARATOR):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk.strip(b"\n"), policy=default_policy)
            if tag in str(message["Subject"] or ""):
                seen[str(message["Message-ID"])] += 1
    return seen


def _start_worker(name: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        # A row left 'sending' by a killed process is taken again after 5 s, and Redis
        # hands out the killed worker's unacknowledged tasks again after 10 s.
        "NOTIFICATION_SENDING_TIMEOUT": "5",
        "CELERY_VISIBILITY_TIMEOUT": "10",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "-n", name, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool too
    )


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_killing_a_worker_loses_no_mail_and_resends_only_what_was_in_flight(django_db_blocker, tmp_path, settings):
    from notifications.models import Category, Notification
    from notifications.services import notification_queue, outbox_drain

    # The same as the workers' (see _start_worker), for the drain run from here.
    settings.NOTIFICATION_SENDING_TIMEOUT = 5

    mail_dir = _mail_dir()
    # The drain below runs here, and must write where the workers write (the suite's
    # own settings send e-mail to memory).
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    tag = f"kill-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "workers.log"
    with django_db_blocker.unblock():
        first = _start_worker(f"kill-a-{tag}@ci", log)
        second = None
        try:
            with transaction.atomic():
                for n in range(TOTAL):
                    notification_queue(
                        key=f"{tag}:{n}",
                        kind="ci",
                        category=Category.UPDATES,
                        to_email=f"vrijwilliger{n}@example.nl",
                        subject=f"[Buurtmakelaar] {tag} #{n:04d}",
                        body=f"Bericht {n} voor Zoë van 't Hof-Özdemir",
                    )
            rows = Notification.objects.filter(key__startswith=f"{tag}:")
            assert rows.count() == TOTAL

            # Kill the worker while it is busy: some sent, most not yet.
            assert _wait(lambda: sum(_deliveries(mail_dir, tag).values()) >= KILL_AFTER, 120), (
                "the first worker sent too little; its log:\n" + log.read_text()[-3000:]
            )
            _kill(first)
            at_kill = sum(_deliveries(mail_dir, tag).values())
            in_sending = rows.filter(status=Notification.Status.SENDING).count()
            assert at_kill < TOTAL, "the worker finished before it was killed: raise TOTAL"

            # A new worker takes over what is left in the queue.
            second = _start_worker(f"kill-b-{tag}@ci", log)
            _wait(lambda: not rows.exclude(status=Notification.Status.SENT).exists(), 30)
            # A row that a killed pool process had claimed stays 'sending' (its task
            # may come back from Redis after the visibility timeout, or not): the
            # periodic drain (Celery beat, every minute) takes it once it is stale.
            drained = {}
            if rows.exclude(status=Notification.Status.SENT).exists():
                time.sleep(6)
                drained = outbox_drain(min_age_seconds=0)
            assert _wait(lambda: not rows.exclude(status=Notification.Status.SENT).exists(), 60), Counter(
                rows.values_list("status", flat=True)
            )
            # Late redeliveries would show up now.
            time.sleep(2)
            deliveries = _deliveries(mail_dir, tag)
            expected = set(rows.values_list("message_id", flat=True))
            resent_rows = set(rows.filter(attempts__gt=1).values_list("message_id", flat=True))
        finally:
            for worker in (first, second):
                if worker is not None and worker.poll() is None:
                    _kill(worker)
            Notification.objects.filter(key__startswith=f"{tag}:").delete()

    missing = expected - set(deliveries)
    assert not missing, f"lost {len(missing)} of {TOTAL} e-mails"
    assert set(deliveries) == expected
    twice = {message_id: n for message_id, n in deliveries.items() if n > 1}
    print(  # noqa: T201 - the CI log shows what happened
        f"\nkilled after {at_kill} of {TOTAL} e-mails; {in_sending} row(s) were being sent; "
        f"{len(resent_rows)} row(s) tried again; the drain: {drained or 'not needed'}; "
        f"{len(twice)} e-mail(s) written twice"
    )
    # Only a message that a killed process was sending can go out twice: at most one
    # per pool process, each a row that was tried again, never more than twice.
    assert all(n == 2 for n in twice.values()), twice
    assert len(twice) <= 2, twice
    assert set(twice) <= resent_rows
