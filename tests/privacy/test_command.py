"""``manage.py retention`` and the nightly task."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from caregivers.models import HelpRequest
from tests.privacy.conftest import ago

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_per_organisation_and_kind_and_the_real_run_prints_the_same(build):
    old = [build.request(status="closed", closed=ago(months=30)) for _ in range(2)]
    build.request(status="closed", closed=ago(months=3))

    dry = _call("--dry-run", "--now", "2030-06-03T10:00")
    ids = ", ".join(str(r.pk) for r in old)
    assert f"org-a\trequests\tanonymise\t2\t{ids}" in dry
    assert "org-b\trequests\tanonymise\t0\t-" in dry
    assert "er verandert niets" in dry
    assert HelpRequest.objects.exclude(email="").count() == 3

    real = _call("--now", "2030-06-03T10:00")
    assert f"org-a\trequests\tanonymise\t2\t{ids}" in real
    assert dry.splitlines()[1:] == real.splitlines()[1:]
    assert HelpRequest.objects.exclude(email="").count() == 1
    assert "Totaal: 0." in _call("--now", "2030-06-03T10:00")


def test_one_organisation_and_one_kind(build):
    build.request(status="closed", closed=ago(months=30))
    out = _call("--dry-run", "--now", "2030-06-03", "--organisation", "org-b", "--kind", "requests")
    assert out.splitlines()[1:] == ["org-b\trequests\tanonymise\t0\t-", "Totaal: 0."]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--now", "gisteren"], "--now"),
        (["--organisation", "bestaat-niet"], "bestaat niet"),
        (["--batch-size", "0"], "--batch-size"),
    ],
)
def test_bad_arguments_stop_with_a_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        _call("--dry-run", *args)


def test_the_nightly_task_runs_the_schedule(build, settings):
    from django.utils import timezone

    from privacy.schedule import months_before
    from privacy.tasks import run_retention

    build.request(status="closed", closed=months_before(timezone.now(), 30))
    counts = run_retention.delay().get()
    assert counts["requests"] == 1
    assert run_retention.delay().get()["requests"] == 0


def test_beat_starts_the_retention_task_every_night(settings):
    import privacy.tasks  # noqa: F401 - registers the task
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.run_retention"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {3}
