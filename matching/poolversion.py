"""The pool version in the database: written with every change that matters to matching.

:func:`pool_changes_record` bumps the organisation's :class:`~matching.models.PoolVersion`
(one atomic upsert, ``version = version + 1``) and logs the volunteers concerned as
:class:`~matching.models.PoolChange` rows with that version, in the caller's transaction.
It is called by the receivers at the bottom of this module, which listen to what the
lower apps announce:

==================================================  =========================================
``post_save`` / ``post_delete`` of ``Volunteer``     profile, location, VOG, pause, erasure
``post_save`` / ``post_delete`` of ``AvailabilitySlot``  weekly slots
``m2m_changed`` of ``Volunteer.skills``              skills
``post_save`` / ``post_delete`` of ``Match``         proposals, answers, start, end, cancel
``matches.signals.open_matches_changed``             the same by conditional UPDATE / bulk insert
``volunteers.signals.volunteers_changed``            slots, skills, erasure and imports in bulk
``post_delete`` of ``Skill``                         a catalogue skill gone (rebuild)
==================================================  =========================================

Django runs these receivers inside the transaction of the write, so the bump commits
or rolls back with the change. The version row stays locked until the commit: versions
of one organisation commit in order, so a reader that sees version V has every change
up to V. Lock order: a writer takes its row locks (volunteer, request, match) before
the change that bumps the version, so the version row is the last lock it takes.

:func:`pool_version_bump` is for code that changes volunteers or matches in bulk
without any of these signals: it logs "anything may have changed" (a rebuild).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Max, Sum
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from matches.models import Match
from matches.signals import open_matches_changed
from matching.models import PoolChange, PoolVersion
from neighbourhoods.models import Organisation, Skill
from volunteers.models import AvailabilitySlot, Volunteer
from volunteers.signals import volunteers_changed

__all__ = [
    "LOG_ALL_FROM",
    "pool_changes_prune",
    "pool_changes_read",
    "pool_changes_record",
    "pool_version_bump",
    "pool_version_read",
]

# A write that touches more volunteers than this logs "everything changed" (one row)
# instead of one row per volunteer: the reader rebuilds the pool anyway.
LOG_ALL_FROM = 1_000


def _bump_sql() -> str:
    table = PoolVersion._meta.db_table
    return (
        f'INSERT INTO "{table}" ("organisation_id", "version") VALUES (%s, 1) '  # noqa: S608 - our table name
        f'ON CONFLICT ("organisation_id") DO UPDATE SET "version" = "{table}"."version" + 1 '
        'RETURNING "version"'
    )


class _Logged:
    """What this transaction has logged already, so that a transaction that deletes 30,000
    slots writes one log row per volunteer, not one per slot (the reader reads each logged
    volunteer after the commit, so once is enough).

    Kept per connection and per savepoint stack, and trusted only while an ``on_commit``
    marker registered in that same savepoint is still pending: Django drops the marker
    when the savepoint or the transaction rolls back (and with it the log rows), and runs
    it, clearing everything, when the transaction commits. A read of the version on the
    same connection forgets everything too: a pool read inside this transaction must
    see a later change of the same volunteer as a new version (other connections do not
    see the transaction's changes before the commit anyway)."""

    @staticmethod
    def forget(alias: str) -> None:
        connections[alias].__dict__.pop("_matching_pool_logged", None)

    @staticmethod
    def _state(alias: str) -> tuple[dict, set[int], tuple]:
        connection = connections[alias]
        memo = connection.__dict__.setdefault("_matching_pool_logged", {})
        pending = {id(func) for _sids, func, *_rest in connection.run_on_commit}
        # None: an atomic block without a savepoint, which rolls back with the one around it.
        return memo, pending, tuple(sid for sid in connection.savepoint_ids if sid is not None)

    @classmethod
    def seen(cls, alias: str, key: tuple) -> bool:
        if not connections[alias].in_atomic_block:
            return False
        memo, pending, stack = cls._state(alias)
        for depth in range(len(stack) + 1):
            entry = memo.get(stack[:depth])
            if entry is not None and id(entry[0]) in pending and key in entry[1]:
                return True
        return False

    @classmethod
    def remember(cls, alias: str, keys: Iterable[tuple]) -> None:
        if not connections[alias].in_atomic_block:
            return
        memo, pending, stack = cls._state(alias)
        entry = memo.get(stack)
        if entry is None or id(entry[0]) not in pending:
            marker = memo.clear
            # A bound method is a new object each time: keep this one, its id is the mark.
            transaction.on_commit(marker, using=alias)
            memo[stack] = entry = (marker, set())
        entry[1].update(keys)


def pool_changes_record(*, organisation_id: int, volunteer_ids: Iterable[int | None]) -> int | None:
    """Bump the pool version of ``organisation_id`` and log ``volunteer_ids`` (None in
    it, or none at all: everything may have changed). Returns the new version, or None
    when this transaction has logged all of them already.

    Runs in the caller's transaction (its own when there is none): both rows commit or
    roll back with the change they describe."""
    ids = set(volunteer_ids)
    if not ids or None in ids or len(ids) > LOG_ALL_FROM:
        ids = {None}
    alias = router.db_for_write(PoolVersion)
    keys = {(organisation_id, v) for v in ids}
    if all(_Logged.seen(alias, key) or _Logged.seen(alias, (organisation_id, None)) for key in keys):
        return None
    now = timezone.now()
    with transaction.atomic(using=alias, savepoint=False):
        with connections[alias].cursor() as cursor:
            cursor.execute(_bump_sql(), [organisation_id])
            version = int(cursor.fetchone()[0])
        PoolChange.objects.using(alias).bulk_create(
            PoolChange(organisation_id=organisation_id, seq=version, volunteer_id=v, created_at=now)
            for v in sorted(ids, key=lambda v: -1 if v is None else v)
        )
        _Logged.remember(alias, keys)
    return version


def pool_version_read(organisation_id: int | None = None) -> int:
    """The stored pool version of ``organisation_id`` (0 before its first change); with
    None, the sum over every organisation (goes up with every change anywhere). One
    query; raises when the database is down (the readiness check calls it)."""
    _Logged.forget(router.db_for_read(PoolVersion))
    versions = PoolVersion.objects.all()
    if organisation_id is not None:
        found = versions.filter(pk=organisation_id).values_list("version", flat=True).first()
        return int(found or 0)
    return int(versions.aggregate(total=Sum("version"))["total"] or 0)


def pool_changes_read(*, organisation_id: int, since: int, limit: int) -> tuple[int, set[int | None] | None]:
    """The pool version of ``organisation_id`` now and the volunteers changed after
    version ``since``, in one query. The set holds None when a change said "anything";
    it is None itself when the log cannot tell (pruned past ``since``, or more than
    ``limit`` rows): then the caller rebuilds."""
    version_table = PoolVersion._meta.db_table
    change_table = PoolChange._meta.db_table
    sql = (
        f'SELECT v."version", c."seq", c."volunteer_id" FROM "{version_table}" v '  # noqa: S608 - our tables
        f'LEFT JOIN "{change_table}" c ON c."organisation_id" = v."organisation_id" AND c."seq" > %s '
        'WHERE v."organisation_id" = %s ORDER BY c."seq" LIMIT %s'
    )
    alias = router.db_for_read(PoolVersion)
    _Logged.forget(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [since, organisation_id, limit + 1])
        rows = cursor.fetchall()
    if not rows:
        return 0, (set() if since == 0 else None)
    version = int(rows[0][0])
    if version <= since:
        return version, (set() if version == since else None)
    seqs = {seq for _v, seq, _vid in rows if seq is not None}
    if len(rows) > limit or len(seqs) != version - since:
        return version, None
    return version, {vid for _v, _seq, vid in rows}


def pool_version_bump(organisation_id: int | None = None) -> None:
    """Log "anything may have changed" for ``organisation_id`` (None: every
    organisation), so every process rebuilds its pool on the next suggestion. For
    writes that send none of the signals below (a raw bulk update)."""
    ids = [organisation_id] if organisation_id is not None else Organisation.objects.values_list("pk", flat=True)
    with transaction.atomic(using=router.db_for_write(PoolVersion), savepoint=False):
        for pk in sorted(ids):
            pool_changes_record(organisation_id=pk, volunteer_ids=[None])


def pool_changes_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete log rows older than ``MATCHING_POOL_CHANGES_KEEP_HOURS`` (default 24),
    but never an organisation's latest version. A process whose pool is older than the
    kept log rebuilds it (the log tells it so). Returns the number of rows deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=getattr(settings, "MATCHING_POOL_CHANGES_KEEP_HOURS", 24))
    latest = PoolChange.objects.values("organisation_id").annotate(last=Max("seq"))
    deleted = 0
    for row in latest:
        deleted += PoolChange.objects.filter(
            organisation_id=row["organisation_id"], created_at__lt=cutoff, seq__lt=row["last"]
        ).delete()[0]
    return deleted


# --- Receivers: who changed, in which organisation ------------------------------------------


def _record_volunteers(volunteer_ids: Iterable[int], known: dict[int, int] | None = None) -> None:
    """Log the volunteers under their organisation (from ``known``, else one query)."""
    ids = {int(v) for v in volunteer_ids if v is not None}
    alias = router.db_for_write(PoolVersion)
    ids = {v for v in ids if not _Logged.seen(alias, ("volunteer", v))}
    if not ids:
        return
    organisation_of = dict(known or {})
    missing = ids - organisation_of.keys()
    if missing:
        organisation_of.update(Volunteer.objects.filter(pk__in=missing).values_list("pk", "organisation_id"))
    by_organisation: dict[int, set[int]] = {}
    for vid in ids:
        if vid in organisation_of:  # a volunteer deleted meanwhile was logged by its own delete
            by_organisation.setdefault(organisation_of[vid], set()).add(vid)
    for organisation_id in sorted(by_organisation):
        pool_changes_record(organisation_id=organisation_id, volunteer_ids=by_organisation[organisation_id])
    _Logged.remember(alias, {("volunteer", v) for v in ids})


def _cached_volunteer_organisation(instance) -> dict[int, int]:
    """{volunteer id: organisation id} when ``instance.volunteer`` is already loaded."""
    volunteer = instance._state.fields_cache.get("volunteer")
    return {volunteer.pk: volunteer.organisation_id} if volunteer is not None else {}


def _on_volunteer_saved(sender, instance: Volunteer, **kwargs) -> None:
    organisations = {instance.organisation_id, getattr(instance, "_loaded_organisation_id", None)}
    for organisation_id in sorted(o for o in organisations if o is not None):
        pool_changes_record(organisation_id=organisation_id, volunteer_ids=[instance.pk])


def _on_volunteer_deleted(sender, instance: Volunteer, **kwargs) -> None:
    pool_changes_record(organisation_id=instance.organisation_id, volunteer_ids=[instance.pk])


def _on_volunteer_part(sender, instance, **kwargs) -> None:
    """A slot or a match: its volunteer changed."""
    if instance.volunteer_id is not None:
        _record_volunteers([instance.volunteer_id], _cached_volunteer_organisation(instance))


def _on_skills(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        pool_changes_record(organisation_id=instance.organisation_id, volunteer_ids=[instance.pk])
    elif pk_set:
        _record_volunteers(pk_set)
    else:  # a skill cleared of all its volunteers: who they were is gone
        _record_everyone(instance)


def _record_everyone(skill: Skill) -> None:
    if skill.organisation_id is not None:
        pool_changes_record(organisation_id=skill.organisation_id, volunteer_ids=[None])
    else:
        pool_version_bump(None)


def _on_skill_deleted(sender, instance: Skill, **kwargs) -> None:
    _record_everyone(instance)


def _on_open_matches_changed(sender, *, organisation_ids, volunteer_ids=None, **kwargs) -> None:
    if volunteer_ids:
        _record_volunteers(volunteer_ids)
    else:
        for organisation_id in sorted(organisation_ids):
            pool_changes_record(organisation_id=organisation_id, volunteer_ids=[None])


def _on_volunteers_changed(sender, *, organisation_id, volunteer_ids, **kwargs) -> None:
    ids = {int(v) for v in volunteer_ids}
    pool_changes_record(organisation_id=organisation_id, volunteer_ids=ids)
    # Sent before a bulk delete of slots: the post_delete of each slot then costs nothing.
    _Logged.remember(router.db_for_write(PoolVersion), {("volunteer", v) for v in ids})


post_save.connect(_on_volunteer_saved, sender=Volunteer, dispatch_uid="matching-pool-volunteer-save")
post_delete.connect(_on_volunteer_deleted, sender=Volunteer, dispatch_uid="matching-pool-volunteer-delete")
for _model in (AvailabilitySlot, Match):
    post_save.connect(_on_volunteer_part, sender=_model, dispatch_uid=f"matching-pool-{_model.__name__}-save")
    post_delete.connect(_on_volunteer_part, sender=_model, dispatch_uid=f"matching-pool-{_model.__name__}-delete")
m2m_changed.connect(_on_skills, sender=Volunteer.skills.through, dispatch_uid="matching-pool-skills")
post_delete.connect(_on_skill_deleted, sender=Skill, dispatch_uid="matching-pool-skill-delete")
open_matches_changed.connect(_on_open_matches_changed, dispatch_uid="matching-pool-open-matches")
volunteers_changed.connect(_on_volunteers_changed, dispatch_uid="matching-pool-volunteers-changed")
