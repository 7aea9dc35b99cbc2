"""Writing the access log: :func:`access_record`, the one function every read of care
data goes through, and :func:`access_log_prune`, the one way rows leave the log.

What counts as a read of care data, and where it is recorded, is listed in
``docs/architecture.md`` ("The access log") and enforced by
``tests/audit/test_coverage.py``, which walks every such URL.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.chain import GENESIS, HASHED_FIELDS, row_hash
from audit.models import AccessLogAnchor, AccessLogEntry
from common.errors import DomainError
from neighbourhoods.models import StaffMembership

What = AccessLogEntry.What

# NEN 7513 asks to keep the log at least five years; pruning never goes closer to now.
KEEP_DAYS = 5 * 365 + 1
USER_AGENT_LENGTH = 200
OBJECT_REF_LENGTH = 1000
# One number for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 7_513_000_001


@dataclass(frozen=True)
class Subject:
    """Whose file was read, as the log keeps it: a pseudonymous key and plain ids.

    ``key`` is ``mantelzorger:<id>`` when the data belongs to a mantelzorger's care
    file, ``user:<id>`` for a help seeker with an account, ``request:<id>`` for a
    request entered on behalf of someone without one, ``organisation:<id>`` for a list
    (the queue) or the log itself. The people apps build these (``caregivers.access``);
    the log never follows an id back to a row, so erasure of the row changes nothing here.
    """

    key: str
    organisation_id: int | None = None
    mantelzorger_id: int | None = None
    user_id: int | None = None
    request_id: int | None = None

    @classmethod
    def organisation(cls, organisation) -> Subject:
        return cls(key=f"organisation:{organisation.pk}", organisation_id=organisation.pk)


def object_ref(obj: Any) -> str:
    """``model:pk`` for a model instance, the text for a string, and for a list of those
    the refs joined by commas (the queue lists the requests it showed)."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    if hasattr(obj, "_meta") and hasattr(obj, "pk"):
        return f"{obj._meta.model_name}:{obj.pk}"
    if isinstance(obj, Iterable):
        return ",".join(object_ref(item) for item in obj)
    return str(obj)


def client_network(remote_addr: str | None) -> str:
    """The client's address truncated to its network (IPv4 /24, IPv6 /48): enough to
    see where a read came from, not enough to point at one household."""
    try:
        address = ipaddress.ip_address((remote_addr or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _actor_role(user, organisation_id: int | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    roles = []
    if organisation_id is not None:
        roles = sorted(
            StaffMembership.objects.filter(user=user, organisation_id=organisation_id).values_list("role", flat=True)
        )
    if roles:
        return ",".join(roles)
    return "superuser" if user.is_superuser else "person"


def _lock_chain() -> None:
    """Serialise appends: on PostgreSQL an advisory lock for the transaction; SQLite
    (``transaction_mode=IMMEDIATE``) already holds the write lock in ``atomic()``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def _head() -> tuple[int, str]:
    """The number and hash of the chain's end: the newest row, else the newest anchor
    (everything was pruned), else the start. One query, whatever the state."""
    quote = connection.ops.quote_name
    entries, anchors = quote(AccessLogEntry._meta.db_table), quote(AccessLogAnchor._meta.db_table)
    sql = (
        f"SELECT seq, hash FROM (SELECT seq, hash FROM {entries} ORDER BY seq DESC LIMIT 1) AS e "  # noqa: S608
        f"UNION ALL SELECT seq, hash FROM (SELECT seq, hash FROM {anchors} ORDER BY seq DESC LIMIT 1) AS a "
        "ORDER BY seq DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchone()
    return (int(found[0]), found[1]) if found else (0, GENESIS)


def access_append(*, at: datetime.datetime, user=None, rows: list[dict[str, Any]]) -> list[AccessLogEntry]:
    """Add rows at the end of the chain, in order, in one transaction (one insert)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                _lock_chain()
                seq, prev = _head()
                entries = []
                for fields in rows:
                    seq += 1
                    entry = AccessLogEntry(seq=seq, at=at, actor=user, prev_hash=prev, **fields)
                    entry.hash = prev = row_hash({**fields, "seq": seq, "at": at, "prev_hash": prev})
                    entries.append(entry)
                # The queryset refuses bulk_create for everyone else; this is the chain's own insert.
                models.QuerySet(AccessLogEntry).bulk_create(entries)
                return entries
        except IntegrityError:
            # Another writer took this place in the chain (a database without the lock).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def access_record(
    *,
    request,
    subject: Subject,
    what: str,
    obj: Any = None,
    user=None,
    role: str = "",
) -> AccessLogEntry:
    """Record that care data of ``subject`` was shown.

    ``request`` is the HttpRequest (who, from where) or None outside the web (then pass
    ``user``). ``what`` is a code of :class:`AccessLogEntry.What`; ``obj`` the object
    (or objects) shown. ``role`` overrides the actor's role at the subject's
    organisation (``volunteer``, ``link``, ``superuser``). Raises if the row cannot be
    written: a page with care data is not shown without its log row."""
    return access_record_many(request=request, reads=[(subject, obj)], what=what, user=user, role=role)[0]


def access_record_many(
    *, request, reads: list[tuple[Subject, Any]], what: str, user=None, role: str = ""
) -> list[AccessLogEntry]:
    """:func:`access_record` for a page that shows several people's files at once (the
    volunteer's matches): one row per ``(subject, obj)``, written together."""
    if what not in What.values:
        raise ValueError(f"Unknown access log code: {what!r}")
    if request is not None:
        user = getattr(request, "user", None)
        meta = request.META
    else:
        meta = {}
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if not reads:
        return []
    roles: dict[int | None, str] = {}
    rows = []
    for subject, obj in reads:
        if subject.organisation_id not in roles:
            roles[subject.organisation_id] = (role or _actor_role(user, subject.organisation_id))[:40]
        rows.append(
            {
                "actor_key": f"user:{user.pk}" if user is not None else "",
                "actor_label": (user.email or "")[:254] if user is not None else "",
                "actor_role": roles[subject.organisation_id],
                "organisation_id": subject.organisation_id,
                "subject_key": subject.key[:64],
                "subject_mantelzorger_id": subject.mantelzorger_id,
                "subject_user_id": subject.user_id,
                "subject_request_id": subject.request_id,
                "what": what,
                "object_ref": object_ref(obj)[:OBJECT_REF_LENGTH],
                "client_ip": client_network(meta.get("REMOTE_ADDR")),
                "user_agent": str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH],
            }
        )
    return access_append(at=timezone.now(), user=user, rows=rows)


# --- Verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    bad_seq: int | None = None
    reason: str = ""
    last_seq: int | None = None
    last_hash: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None


_ROW_FIELDS = (*HASHED_FIELDS, "hash")


def access_log_verify() -> VerifyResult:
    """Walk the chain from the newest anchor (or the start) and return the first row
    that does not fit: a number out of order (a row removed or inserted), a ``prev_hash``
    that is not the hash of the row before, or content that no longer gives its hash.

    Removing the *newest* rows leaves a shorter chain that still fits: the command
    prints the last number and hash, for the operator to compare with an earlier run."""
    anchor = AccessLogAnchor.objects.order_by("-seq").values_list("seq", "hash").first()
    expected_seq, expected_prev = (anchor[0] + 1, anchor[1]) if anchor else (1, GENESIS)
    checked = 0
    last_seq, last_hash = (anchor[0], anchor[1]) if anchor else (None, "")
    rows = AccessLogEntry.objects.filter(seq__gte=expected_seq if anchor else 0).order_by("seq")
    for row in rows.values(*_ROW_FIELDS).iterator(chunk_size=2000):
        if row["seq"] != expected_seq:
            return VerifyResult(
                checked,
                row["seq"],
                f"expected row {expected_seq}, found {row['seq']} (rows missing or inserted)",
                last_seq,
                last_hash,
            )
        if row["prev_hash"] != expected_prev:
            return VerifyResult(checked, row["seq"], "prev_hash is not the hash of the row before", last_seq, last_hash)
        if row_hash(row) != row["hash"]:
            return VerifyResult(checked, row["seq"], "the row's content does not match its hash", last_seq, last_hash)
        checked += 1
        expected_seq, expected_prev = row["seq"] + 1, row["hash"]
        last_seq, last_hash = row["seq"], row["hash"]
    return VerifyResult(checked, None, "", last_seq, last_hash)


# --- Retention --------------------------------------------------------------------------


def access_log_prune(*, before: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """Delete the log rows older than ``before``: the only deletion path (retention).

    Only the oldest part of the chain goes (every row up to the first one at or after
    ``before``), and the last pruned row's number and hash are stored as an
    :class:`AccessLogAnchor`, so the rest still verifies. ``before`` must lie at least
    five years back (NEN 7513); a later date raises DomainError. On PostgreSQL the trigger
    lets this DELETE through because of the transaction-local setting ``audit.prune``,
    which is switched on for this statement only. Returns the number of rows removed."""
    now = now or timezone.now()
    if before > now - datetime.timedelta(days=KEEP_DAYS):
        raise DomainError(_("Het inzagelog blijft minstens vijf jaar bewaard."), field="before")
    with transaction.atomic():
        _lock_chain()
        rows = AccessLogEntry.objects.filter(at__lt=before)
        first_kept = AccessLogEntry.objects.filter(at__gte=before).order_by("seq").values_list("seq", flat=True).first()
        if first_kept is not None:
            rows = rows.filter(seq__lt=first_kept)
        last = rows.order_by("-seq").values_list("seq", "hash").first()
        if last is None:
            return 0
        table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL audit.prune = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last[0]])  # noqa: S608 (table name from _meta)
            count = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL audit.prune = 'off'")
        AccessLogAnchor.objects.create(seq=last[0], hash=last[1], pruned_before=before, pruned_count=count)
        return count
