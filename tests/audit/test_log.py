"""The log itself: the hash chain, append-only, tampering found, pruning, erasure."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import GENESIS
from audit.models import AccessLogAnchor, AccessLogEntry, AppendOnlyError
from audit.services import Subject, access_log_prune, access_log_verify, access_record, client_network
from common.errors import DomainError

pytestmark = pytest.mark.django_db


def _record(user=None, n=1, key="mantelzorger:1"):
    return [
        access_record(request=None, user=user, subject=Subject(key=key, mantelzorger_id=1), what="request_detail")
        for _ in range(n)
    ]


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_rows_form_a_chain_that_verifies():
    first, second, third = _record(n=3)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    result = access_log_verify()
    assert result.ok and result.checked == 3 and result.last_seq == 3


def test_the_app_cannot_change_or_delete_a_row():
    (entry,) = _record()
    entry.what = "queue"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(what="queue")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.bulk_create([AccessLogEntry(seq=99, hash="x")])
    assert AccessLogEntry.objects.get().what == "request_detail"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_trigger_refuses_an_update_and_verify_finds_an_edit_made_around_it():
    _record(n=3)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_accesslogentry SET actor_label = 'someone@else.nl' WHERE seq = 2")
    assert access_log_verify().ok
    # Someone with the database file drops the trigger and edits a row: the chain says so.
    _raw("DROP TRIGGER audit_accesslogentry_no_update")
    _raw("UPDATE audit_accesslogentry SET actor_label = 'someone@else.nl' WHERE seq = 2")
    result = access_log_verify()
    assert not result.ok and result.bad_seq == 2 and "hash" in result.reason
    with pytest.raises(CommandError, match="broken at row 2"):
        call_command("access_log_verify")


def test_a_removed_row_breaks_the_chain_at_the_next_one():
    _record(n=4)
    _raw("DELETE FROM audit_accesslogentry WHERE seq = 2") if connection.vendor == "sqlite" else pytest.skip(
        "PostgreSQL's trigger refuses the DELETE (test_postgres_trigger_refuses_update_and_delete)"
    )
    result = access_log_verify()
    assert result.bad_seq == 3 and "missing" in result.reason


def test_verify_command_reports_an_intact_log(capsys):
    _record(n=2)
    call_command("access_log_verify")
    assert "access log intact: 2 rows checked; last row 2" in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_trigger_refuses_update_and_delete():
    (entry,) = _record()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE audit_accesslogentry SET what = 'queue' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])
    # Nulling the actor together with another column is refused too.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE audit_accesslogentry SET actor_id = NULL, hash = 'x' WHERE id = %s", [entry.pk])
    assert AccessLogEntry.objects.get().what == "request_detail"
    assert access_log_verify().ok


def test_deleting_the_actor_keeps_the_row_and_the_chain(django_user_model):
    user = django_user_model.objects.create_user(email="bea@example.nl", password="x-Very-secret-1")
    (entry,) = _record(user=user)
    user.delete()
    kept = AccessLogEntry.objects.get(pk=entry.pk)
    assert kept.actor is None and kept.actor_label == "bea@example.nl" and kept.actor_key == f"user:{entry.actor_id}"
    assert access_log_verify().ok


def test_deleting_a_mantelzorger_keeps_the_rows_about_them(personas):
    from caregivers.access import mantelzorger_subject
    from caregivers.models import Mantelzorger

    mantelzorger = Mantelzorger.objects.get(user=personas["mantelzorger"])
    key = f"mantelzorger:{mantelzorger.pk}"
    access_record(
        request=None, user=personas["broker_a"], subject=mantelzorger_subject(mantelzorger), what="admin_view"
    )
    mantelzorger.help_requests.all().delete()
    mantelzorger.delete()
    personas["mantelzorger"].delete()
    assert AccessLogEntry.objects.filter(subject_key=key).count() == 1
    assert access_log_verify().ok


def test_prune_removes_only_old_rows_and_the_rest_still_verifies():
    now = timezone.now()
    old = _record(n=3)
    new = _record(n=2)
    # Make the first three six years old (raw, as the trigger allows no UPDATE through
    # the app): re-chain them so the log is intact before the prune.
    six_years = now - datetime.timedelta(days=6 * 365)
    _rechain_with_dates({e.seq: six_years for e in old})
    assert access_log_verify().ok
    with pytest.raises(DomainError):
        access_log_prune(before=now - datetime.timedelta(days=365))
    removed = access_log_prune(before=now - datetime.timedelta(days=5 * 365 + 2))
    assert removed == 3
    assert sorted(AccessLogEntry.objects.values_list("seq", flat=True)) == [e.seq for e in new]
    anchor = AccessLogAnchor.objects.get()
    assert anchor.seq == 3 and anchor.pruned_count == 3
    assert access_log_verify().ok
    # The chain goes on from the end, and after pruning everything from the anchor.
    (later,) = _record()
    assert later.seq == 6 and later.prev_hash == AccessLogEntry.objects.get(seq=5).hash
    assert access_log_verify().ok


def _rechain_with_dates(dates: dict[int, datetime.datetime]) -> None:
    """Test helper: rewrite the log as if rows had been written at ``dates`` (by
    re-inserting the whole chain; the triggers refuse UPDATE)."""
    from django.db.models import QuerySet

    from audit.chain import row_hash
    from audit.services import _ROW_FIELDS

    rows = list(AccessLogEntry.objects.order_by("seq").values(*_ROW_FIELDS, "actor_id"))
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _raw("SET LOCAL audit.prune = 'on'")
            _raw("DELETE FROM audit_accesslogentry")
    else:
        _raw("DELETE FROM audit_accesslogentry")
    prev = GENESIS
    for row in rows:
        row["at"] = dates.get(row["seq"], row["at"])
        row["prev_hash"] = prev
        row["hash"] = prev = row_hash(row)
        QuerySet(AccessLogEntry).bulk_create([AccessLogEntry(**row)])


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.77", "192.0.2.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("", ""),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_client_address_is_truncated_to_its_network(address, network):
    assert client_network(address) == network
