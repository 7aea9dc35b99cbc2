"""The e-mail outbox (notifications/services.py, tasks.py, the management command):
queued with the change and sent only after the commit; queued once and sent once;
what happens when the mail server or the Celery broker is away; the drain, the
purge, people's preferences and their erasure."""

from __future__ import annotations

import datetime
import io
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command, execute_from_command_line
from django.db import transaction
from django.urls import resolve

from common.errors import DomainError
from notifications.links import unsubscribe_read
from notifications.models import OPTIONAL_CATEGORIES, Category, MailPreferences, Notification
from notifications.services import (
    DeliveryFailed,
    notification_deliver,
    outbox_drain,
    outbox_purge,
    outbox_waiting,
    preferences_erase,
    preferences_update,
    wants_mail,
)
from notifications.tasks import deliver_notification
from tests.notifications.conftest import T0
from tests.notifications.helpers import BODY, HTML, SECRET_LINK, fresh, queue, waiting

pytestmark = pytest.mark.django_db

Status = Notification.Status
SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)


def _unsubscribe_target(header: str) -> tuple[str, str] | None:
    """(email, category) behind a ``List-Unsubscribe: <url>`` header."""
    url = header.strip().removeprefix("<").removesuffix(">")
    match = resolve(urlsplit(url).path)
    assert match.view_name == "notifications:unsubscribe"
    return unsubscribe_read(match.kwargs["token"])


# --- Queued with the change, sent after the commit -------------------------------------------


def test_queued_mail_goes_out_once_after_the_commit(clock, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://buurt.example"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            row = queue("match:1:event:1:requester", to_email="Vera@Example.nl")
        assert row.status == Status.PENDING
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vera@example.nl"]
    assert message.subject == "Wilt u helpen?"
    assert message.body == BODY
    assert message.alternatives[0] == (HTML, "text/html")
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.message()["Message-ID"] == row.message_id
    assert _unsubscribe_target(message.extra_headers["List-Unsubscribe"]) == ("vera@example.nl", "updates")

    row = fresh(row)
    assert row.status == Status.SENT
    assert row.sent_at == T0
    assert row.attempts == 1
    # The record stays; the text with its secret link does not.
    assert (row.body, row.html) == ("", "")
    assert SECRET_LINK not in str(Notification.objects.values().get(pk=row.pk))
    assert row.subject == "Wilt u helpen?" and row.to_email == "vera@example.nl"


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_sends_and_a_real_rollback_sends_nothing():
    with transaction.atomic():
        kept = queue("kept")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert fresh(kept).status == Status.SENT

    with pytest.raises(RuntimeError), transaction.atomic():
        queue("rolled-back", to_email="otto@example.nl")
        raise RuntimeError("the change failed")
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(key="rolled-back").exists()


def test_a_rolled_back_savepoint_queues_nothing(django_capture_on_commit_callbacks):
    """The change inside a savepoint fails, the outer transaction commits: the mail of
    the failed change must not go out (its row is gone with the savepoint)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        queue("outer", to_email="otto@example.nl")
        try:
            with transaction.atomic():
                queue("inner")
                raise DomainError("Deze stap kan nu niet.")
        except DomainError:
            pass
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["otto@example.nl"]]
    assert list(Notification.objects.values_list("key", flat=True)) == ["outer"]


@pytest.mark.parametrize("category", [c.value for c in Category])
def test_list_unsubscribe_only_on_optional_mail(category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(f"cat:{category}", category=category)
    headers = mail.outbox[0].extra_headers
    if category == Category.ACCOUNT:
        assert "List-Unsubscribe" not in headers
        assert "List-Unsubscribe" not in mail.outbox[0].message()
    else:
        assert _unsubscribe_target(headers["List-Unsubscribe"]) == ("vera@example.nl", category)


def test_the_same_key_twice_is_one_row_and_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue("digest:1:2:2030-06-03")
        second = queue("digest:1:2:2030-06-03", subject="Iets anders")
    assert first is not None
    assert second is None
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get().subject == "Wilt u helpen?"


def test_message_ids_differ_per_key_and_never_change():
    one, two = queue("a"), queue("b")
    assert one.message_id != two.message_id
    assert one.message_id.startswith("<") and one.message_id.endswith(">") and "@" in one.message_id
    again = queue("a")  # not queued again: the stored id stays
    assert again is None and fresh(one).message_id == one.message_id


# --- What is not queued ----------------------------------------------------------------------


@pytest.mark.parametrize("to_email", ["", "   ", None])
def test_no_address_queues_nothing(to_email):
    assert queue(to_email=to_email) is None
    assert not Notification.objects.exists()


def test_unknown_category_is_refused():
    with pytest.raises(ValueError, match="newsletter"):
        queue(category="newsletter")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("category", [c.value for c in OPTIONAL_CATEGORIES])
def test_a_category_switched_off_is_not_queued_but_the_others_are(category):
    preferences_update(email="Vera@Example.NL", values={category: False})  # any case
    assert queue("off", category=category, to_email="vera@example.nl") is None
    assert queue("off-upper", category=category, to_email="VERA@example.nl") is None
    others = [c for c in Category if c != category]
    for other in others:
        assert queue(f"on:{other}", category=other) is not None
    assert set(Notification.objects.values_list("category", flat=True)) == {c.value for c in others}
    # Someone else's preference does not count for Vera, nor Vera's for them.
    assert queue("otto", category=category, to_email="otto@example.nl") is not None


def test_account_mail_always_goes_out():
    preferences_update(email="vera@example.nl", values={c.value: False for c in OPTIONAL_CATEGORIES})
    assert all(not wants_mail("vera@example.nl", c) for c in OPTIONAL_CATEGORIES)
    assert wants_mail("vera@example.nl", Category.ACCOUNT)
    assert queue("reset", category=Category.ACCOUNT) is not None


def test_addresses_are_stored_lowercase_and_trimmed():
    row = queue(to_email="  Vera.De-Vries@Example.NL ")
    assert row.to_email == "vera.de-vries@example.nl"


def test_a_long_key_still_fits_the_column_and_stays_unique():
    limit = Notification._meta.get_field("key").max_length
    prefix = "match:1:event:2:" + "x" * 250
    one = queue(prefix + "a")
    two = queue(prefix + "b")
    assert one is not None and two is not None
    assert one.key != two.key
    assert len(one.key) <= limit and len(two.key) <= limit
    assert queue(prefix + "a") is None  # the same long key again: not queued twice


# --- Delivery: sent once ---------------------------------------------------------------------


def test_delivering_twice_sends_once():
    row = queue()
    assert notification_deliver(pk=row.pk) == "sent"
    assert notification_deliver(pk=row.pk) == "skipped"
    assert deliver_notification.apply(args=[row.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    assert fresh(row).attempts == 1


def test_delivering_a_row_that_is_gone_is_skipped():
    assert notification_deliver(pk=987654) == "skipped"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("timeout", "later", "expected"),
    [
        (600, 599 * SECOND, "skipped"),  # another worker may still be sending it
        (600, 600 * SECOND, "skipped"),
        (600, 601 * SECOND, "sent"),  # that worker died: take it again
        (60, 61 * SECOND, "sent"),
    ],
)
def test_a_row_left_sending_is_taken_again_after_the_timeout(clock, settings, mailserver, timeout, later, expected):
    settings.NOTIFICATION_SENDING_TIMEOUT = timeout
    row = queue()
    mailserver.plan = [RuntimeError("worker killed mid-send")]  # neither transient nor permanent
    with pytest.raises(RuntimeError):
        notification_deliver(pk=row.pk)
    stuck = fresh(row)
    assert (stuck.status, stuck.claimed_at, stuck.attempts) == (Status.SENDING, T0, 1)
    clock.shift(later)
    in_drain = row.pk in list(outbox_waiting(min_age_seconds=0))
    assert notification_deliver(pk=row.pk) == expected
    assert in_drain is (expected == "sent")
    if expected == "sent":
        assert len(mail.outbox) == 1
        assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id  # same id: shown once
        assert fresh(row).attempts == 2
    else:
        assert mail.outbox == []
        assert fresh(row).status == Status.SENDING


TRANSIENT = [
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    smtplib.SMTPConnectError(421, b"Too many connections"),
    smtplib.SMTPDataError(451, b"Try again later"),
    smtplib.SMTPAuthenticationError(454, b"Temporary authentication failure"),
    ConnectionRefusedError(111, "Connection refused"),
    TimeoutError("timed out"),
    OSError("Network is unreachable"),
]
PERMANENT = [
    smtplib.SMTPRecipientsRefused({"vera@example.nl": (550, b"5.1.1 User unknown")}),
    smtplib.SMTPSenderRefused(553, b"Sender not allowed", "noreply@buurtmakelaar.local"),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_a_transient_failure_puts_the_row_back(clock, mailserver, error):
    row = queue()
    mailserver.plan = [error]
    with pytest.raises(DeliveryFailed):
        notification_deliver(pk=row.pk)
    row = fresh(row)
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert type(error).__name__ in row.last_error
    assert row.sent_at is None
    assert row.body == BODY  # kept for the next try
    assert mail.outbox == []
    # The next try succeeds and clears the error.
    assert notification_deliver(pk=row.pk) == "sent"
    row = fresh(row)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_after_max_attempts_the_row_fails_for_good(settings, mailserver):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = queue()
    mailserver.always(smtplib.SMTPServerDisconnected("gone"))
    for attempt in (1, 2):
        with pytest.raises(DeliveryFailed):
            notification_deliver(pk=row.pk)
        assert (fresh(row).status, fresh(row).attempts) == (Status.PENDING, attempt)
    assert notification_deliver(pk=row.pk) == "failed"
    row = fresh(row)
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert "SMTPServerDisconnected" in row.last_error
    # Given up: neither a task nor the drain tries again.
    mailserver.always(None)
    assert notification_deliver(pk=row.pk) == "skipped"
    assert row.pk not in list(outbox_waiting(min_age_seconds=0))
    assert mail.outbox == [] and mailserver.calls == 3


@pytest.mark.parametrize("error", PERMANENT, ids=lambda e: type(e).__name__)
def test_a_permanent_failure_fails_at_once(mailserver, error):
    row = queue()
    mailserver.plan = [error]
    assert notification_deliver(pk=row.pk) == "failed"
    row = fresh(row)
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert type(error).__name__ in row.last_error
    assert notification_deliver(pk=row.pk) == "skipped"
    assert mailserver.calls == 1


def test_a_long_error_is_cut_to_fit(mailserver):
    row = queue()
    mailserver.plan = [OSError("x" * 2000)]
    with pytest.raises(DeliveryFailed):
        notification_deliver(pk=row.pk)
    assert 0 < len(fresh(row).last_error) <= Notification._meta.get_field("last_error").max_length


def test_the_task_in_process_does_not_raise_on_a_transient_failure(mailserver):
    """Eager Celery (no broker): the web request is not held up by retries; the row
    waits for the drain."""
    row = queue()
    mailserver.plan = [smtplib.SMTPServerDisconnected("gone")]
    assert deliver_notification.apply(args=[row.pk]).get() == "waiting"
    assert fresh(row).status == Status.PENDING
    assert deliver_notification.apply(args=[row.pk]).get() == "sent"
    assert len(mail.outbox) == 1


def test_a_failing_delivery_after_the_commit_never_reaches_the_caller(mailserver, django_capture_on_commit_callbacks):
    mailserver.always(smtplib.SMTPServerDisconnected("gone"))
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row = fresh(row)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert mail.outbox == []


# --- The broker is down ------------------------------------------------------------------------


def test_broker_down_the_row_waits_and_the_drain_sends_it_once(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        row = queue()
    assert len(callbacks) == 1
    assert len(broker_down) == 1  # it was tried, and it failed quietly
    row = fresh(row)
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    assert mail.outbox == []

    assert outbox_drain(min_age_seconds=0) == {"sent": 1, "skipped": 0, "failed": 0, "waiting": 0}
    assert len(mail.outbox) == 1
    assert outbox_drain(min_age_seconds=0)["sent"] == 0
    assert len(mail.outbox) == 1
    assert fresh(row).status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_commit_still_succeeds(broker_down):
    with transaction.atomic():
        queue("committed")
    # The commit went through (the row is in the database) and nothing was raised.
    assert Notification.objects.get(key="committed").status == Status.PENDING
    assert len(broker_down) == 1
    assert mail.outbox == []
    call_command("send_pending_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 1


# --- What waits, and the drain ---------------------------------------------------------------


def test_outbox_waiting_skips_fresh_rows_and_gives_the_oldest_first(clock):
    newest, oldest, middle = queue("newest"), queue("oldest"), queue("middle")
    Notification.objects.filter(pk=oldest.pk).update(created_at=T0 - 300 * SECOND)
    Notification.objects.filter(pk=middle.pk).update(created_at=T0 - 60 * SECOND)
    Notification.objects.filter(pk=newest.pk).update(created_at=T0 - 59 * SECOND)
    sent, failed = queue("sent"), queue("failed")
    Notification.objects.filter(pk=sent.pk).update(status=Status.SENT, created_at=T0 - DAY)
    Notification.objects.filter(pk=failed.pk).update(status=Status.FAILED, created_at=T0 - DAY)

    assert list(outbox_waiting(min_age_seconds=60)) == [oldest.pk, middle.pk]
    assert list(outbox_waiting(min_age_seconds=0)) == [oldest.pk, middle.pk, newest.pk]
    assert list(outbox_waiting(min_age_seconds=3600)) == []
    clock.shift(60 * SECOND)
    assert list(outbox_waiting()) == [oldest.pk, middle.pk, newest.pk]


def test_outbox_waiting_is_one_query(django_assert_num_queries):
    waiting(5)
    with django_assert_num_queries(1):
        assert len(list(outbox_waiting(min_age_seconds=0))) == 5


def test_the_drain_stops_at_the_first_transient_failure(mailserver):
    first, second, third = waiting(3)
    mailserver.plan = [None, smtplib.SMTPServerDisconnected("gone")]
    assert outbox_drain(min_age_seconds=0) == {"sent": 1, "skipped": 0, "failed": 0, "waiting": 1}
    assert [fresh(r).status for r in (first, second, third)] == [Status.SENT, Status.PENDING, Status.PENDING]
    assert fresh(second).attempts == 1
    assert fresh(third).attempts == 0  # not even tried: the mail server is away
    assert mailserver.calls == 2
    # The next run delivers the rest.
    assert outbox_drain(min_age_seconds=0) == {"sent": 2, "skipped": 0, "failed": 0, "waiting": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [f"persoon{i}@example.nl" for i in range(3)]


def test_the_drain_goes_on_after_a_permanent_failure(mailserver):
    refused, fine = waiting(2)
    mailserver.plan = [smtplib.SMTPRecipientsRefused({"persoon0@example.nl": (550, b"unknown")})]
    assert outbox_drain(min_age_seconds=0) == {"sent": 1, "skipped": 0, "failed": 1, "waiting": 0}
    assert (fresh(refused).status, fresh(fine).status) == (Status.FAILED, Status.SENT)


def test_the_drain_respects_its_limit():
    rows = waiting(3)
    assert outbox_drain(min_age_seconds=0, limit=2)["sent"] == 2
    assert [fresh(r).status for r in rows] == [Status.SENT, Status.SENT, Status.PENDING]


def test_the_drain_leaves_rows_whose_own_task_may_still_run(clock):
    row = queue()
    assert outbox_drain()["sent"] == 0  # the default min age is a minute
    clock.shift(60 * SECOND)
    assert outbox_drain()["sent"] == 1
    assert fresh(row).status == Status.SENT


# --- Purge and erasure -------------------------------------------------------------------------


def test_purge_forgets_old_sent_and_failed_rows_only(clock, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    rows = {name: queue(name) for name in ("old_sent", "old_failed", "old_pending", "edge_sent", "new_sent")}
    ages = {"old_sent": 31 * DAY, "old_failed": 31 * DAY, "old_pending": 400 * DAY, "edge_sent": 30 * DAY}
    for name, row in rows.items():
        status = Status.PENDING if name == "old_pending" else Status.FAILED if name == "old_failed" else Status.SENT
        Notification.objects.filter(pk=row.pk).update(status=status, created_at=T0 - ages.get(name, DAY))
    assert outbox_purge() == 2
    assert set(Notification.objects.values_list("key", flat=True)) == {"old_pending", "edge_sent", "new_sent"}


def test_preferences_erase_forgets_one_address_only():
    preferences_update(email="vera@example.nl", values={"updates": False})
    preferences_update(email="otto@example.nl", values={"updates": False})
    queue("vera:1", category=Category.REMINDERS)
    queue("vera:2", category=Category.ACCOUNT)
    queue("otto:1", category=Category.REMINDERS, to_email="otto@example.nl")
    assert preferences_erase(email=" VERA@Example.nl ") == 3
    assert list(MailPreferences.objects.values_list("email", flat=True)) == ["otto@example.nl"]
    assert list(Notification.objects.values_list("key", flat=True)) == ["otto:1"]
    assert wants_mail("vera@example.nl", Category.UPDATES)  # back to the default
    assert not wants_mail("otto@example.nl", Category.UPDATES)
    assert preferences_erase(email="") == 0
    assert Notification.objects.count() == 1


# --- Preferences -------------------------------------------------------------------------------


def test_preferences_update_changes_only_what_is_named():
    prefs = preferences_update(email="Vera@Example.nl", values={"proposals": False, "digest": False})
    assert prefs.email == "vera@example.nl"
    prefs = preferences_update(email="vera@example.nl", values={"proposals": True})
    stored = MailPreferences.objects.get()
    assert stored.pk == prefs.pk
    assert (stored.proposals, stored.updates, stored.reminders, stored.broker, stored.digest) == (
        True,
        True,
        True,
        True,
        False,
    )


@pytest.mark.parametrize(
    ("email", "values", "message"),
    [
        ("vera@example.nl", {"account": False}, "Onbekende soort"),  # account mail cannot be switched off
        ("vera@example.nl", {"newsletter": False}, "Onbekende soort"),
        ("", {"updates": False}, "geen e-mailadres"),
        ("  ", {"updates": False}, "geen e-mailadres"),
    ],
)
def test_preferences_update_refuses(email, values, message):
    with pytest.raises(DomainError, match=message):
        preferences_update(email=email, values=values)
    assert not MailPreferences.objects.exists()


def test_no_preferences_means_everything_on():
    assert all(wants_mail("nieuw@example.nl", c) for c in Category)
    assert not MailPreferences.objects.exists()  # asking stores nothing


# --- The management command ----------------------------------------------------------------


def test_the_command_sends_what_waits_and_prints_counts(mailserver):
    rows = waiting(3)
    mailserver.plan = [None, smtplib.SMTPRecipientsRefused({"persoon1@example.nl": (550, b"unknown")})]
    out = io.StringIO()
    call_command("send_pending_notifications", stdout=out)
    assert out.getvalue().strip() == "sent 2, skipped 0, failed 1, still waiting 0"
    assert [fresh(r).status for r in rows] == [Status.SENT, Status.FAILED, Status.SENT]
    out = io.StringIO()
    call_command("send_pending_notifications", stdout=out)
    assert out.getvalue().strip() == "sent 0, skipped 0, failed 0, still waiting 0"
    assert len(mail.outbox) == 2


def test_the_command_honours_min_age_and_limit(clock):
    rows = waiting(3)
    out = io.StringIO()
    call_command("send_pending_notifications", "--min-age", "60", stdout=out)
    assert out.getvalue().startswith("sent 0,")
    clock.shift(60 * SECOND)
    call_command("send_pending_notifications", "--min-age", "60", "--limit", "2", stdout=out)
    assert [fresh(r).status for r in rows] == [Status.SENT, Status.SENT, Status.PENDING]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(["--limit", "0"], {}), (["--min-age", "-1"], {}), ([], {"limit": -5}), ([], {"min_age": -1})],
)
def test_the_command_refuses_bad_arguments(args, kwargs):
    row = queue()
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("send_pending_notifications", *args, stdout=io.StringIO(), stderr=err, **kwargs)
    assert info.value.code == 1
    assert "--limit" in err.getvalue() and "--min-age" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert fresh(row).status == Status.PENDING
    assert mail.outbox == []


def test_the_command_line_exits_with_status_1_and_no_traceback(capsys, monkeypatch):
    from django.db import connections

    # run_from_argv closes every connection when it ends, the test database's too.
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test database open
    queue()
    with pytest.raises(SystemExit) as info:
        execute_from_command_line(["manage.py", "send_pending_notifications", "--limit", "0"])
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert "--limit 1 or more" in captured.err
    assert "Traceback" not in captured.err + captured.out
    # The test's transaction is still there: nothing was sent, the row waits.
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 1


# --- The periodic tasks ------------------------------------------------------------------------


def test_the_periodic_tasks_drain_and_purge(clock, settings):
    from notifications.tasks import drain_outbox, purge_outbox

    settings.NOTIFICATION_RETENTION_DAYS = 30
    row = queue()
    assert drain_outbox.delay().get()["sent"] == 0  # its own task may still come
    clock.shift(61 * SECOND)
    assert drain_outbox.delay().get() == {"sent": 1, "skipped": 0, "failed": 0, "waiting": 0}
    assert purge_outbox.delay().get() == 0
    clock.shift(31 * DAY)
    assert purge_outbox.delay().get() == 1
    assert not Notification.objects.filter(pk=row.pk).exists()


def test_the_beat_schedule_names_registered_tasks(settings):
    import activities.tasks  # noqa: F401 - registers the shared tasks
    import api.tasks  # noqa: F401
    import matches.tasks  # noqa: F401
    import matching.tasks  # noqa: F401
    import notifications.tasks  # noqa: F401
    import privacy.tasks  # noqa: F401
    import reports.tasks  # noqa: F401
    from config.celery import app

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.tasks.drain_outbox", "notifications.tasks.purge_outbox"} <= names
    assert "matches.tasks.send_reminders" in names
    assert {"api.tasks.drain_webhooks", "api.tasks.purge_webhooks"} <= names
    assert names <= set(app.tasks)
