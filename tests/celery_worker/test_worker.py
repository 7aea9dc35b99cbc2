"""Account e-mail through a real Celery worker and broker (run by .ci/run).

Needs a running worker started with the same ``CELERY_BROKER_URL`` and an
``EMAIL_URL=file:///some/dir`` so that the worker writes every message it sends
into that directory, where these tests count them. No database is used.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 EMAIL_URL=file:///tmp/bm-mail \\
        .venv/bin/celery -A config worker --concurrency=2 &
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 EMAIL_URL=file:///tmp/bm-mail \\
        .venv/bin/python -m pytest -m celery_worker -p no:xdist tests/celery_worker
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from celery.result import AsyncResult, EagerResult

from accounts.tasks import send_email

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="needs a real broker and worker: set CELERY_BROKER_URL (and EMAIL_URL=file:///dir) as .ci/run does",
    ),
]

# Django's file e-mail backend ends every message with this line.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
WAIT_SECONDS = 30
FROM = "Buurtmakelaar <noreply@buurtmakelaar.local>"


@pytest.fixture
def mail_dir() -> Path:
    """The directory the worker's file e-mail backend writes to."""
    url = os.environ.get("EMAIL_URL", "")
    parts = urlsplit(url)
    if parts.scheme != "file" or not parts.path:
        pytest.fail(
            f"EMAIL_URL must be file:///some/dir, the same as the worker's, so the test can see its mail (got {url!r})"
        )
    path = Path(unquote(parts.path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def subjects_in(mail_dir: Path, tag: str) -> list[str]:
    """Every subject containing ``tag`` in the messages the worker wrote, duplicates kept."""
    found = []
    for file in sorted(mail_dir.iterdir()):
        if not file.is_file():
            continue
        for chunk in file.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            subject = str(message_from_bytes(chunk.strip(b"\n"), policy=default_policy)["Subject"] or "")
            if tag in subject:
                found.append(subject)
    return found


def wait_for_subjects(mail_dir: Path, tag: str, count: int) -> list[str]:
    """Poll until ``count`` messages tagged ``tag`` are there, then a little longer
    so that a late duplicate would be seen too."""
    deadline = time.monotonic() + WAIT_SECONDS
    subjects = subjects_in(mail_dir, tag)
    while len(subjects) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        subjects = subjects_in(mail_dir, tag)
    time.sleep(1.5)
    return subjects_in(mail_dir, tag)


def test_twenty_messages_arrive_exactly_once(mail_dir):
    tag = f"ci-{uuid.uuid4().hex[:12]}"
    expected = [f"[Buurtmakelaar] Test {tag} #{n:02d}" for n in range(20)]

    results = [
        send_email.delay(
            subject=subject,
            body=f"Bericht {subject}\nMet vriendelijke groet, Zoë van 't Hof-Özdemir",
            to=[f"vrijwilliger{n}@example.nl"],
            from_email=FROM,
        )
        for n, subject in enumerate(expected)
    ]

    assert len({r.id for r in results}) == 20
    subjects = wait_for_subjects(mail_dir, tag, 20)
    counts = Counter(subjects)
    missing = sorted(set(expected) - set(counts))
    duplicated = sorted(s for s, n in counts.items() if n > 1)
    assert not missing, f"lost {len(missing)} of 20 messages after {WAIT_SECONDS}s: {missing}"
    assert not duplicated, f"sent more than once: {duplicated}"
    assert sorted(counts) == sorted(expected)


def test_delay_goes_through_the_broker_not_in_process(mail_dir, settings, mailoutbox):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert send_email.app.conf.task_always_eager is False
    assert send_email.app.conf.broker_url == os.environ["CELERY_BROKER_URL"]

    tag = f"ci-{uuid.uuid4().hex[:12]}"
    subject = f"[Buurtmakelaar] Via de worker {tag}"
    result = send_email.delay(subject=subject, body="Hallo", to=["mantelzorger@example.nl"], from_email=FROM)

    assert isinstance(result, AsyncResult)
    assert not isinstance(result, EagerResult)
    assert result.id
    # Had the task run here, this process's (locmem) outbox would hold it.
    assert mailoutbox == []
    assert wait_for_subjects(mail_dir, tag, 1) == [subject]
    assert mailoutbox == []
