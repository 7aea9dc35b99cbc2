"""The volunteer pool's version per organisation, and the log of what changed.

Every write that changes what the matching engine sees of a volunteer (profile, skills,
weekly slots, VOG, pause, erasure, a match opened or closed) bumps the organisation's
:class:`PoolVersion` and writes one :class:`PoolChange` row per volunteer, in the same
transaction as the change (``matching.loaders`` listens to the signals of the apps
below and writes them; see "The pool version" there). A web process compares its
cached pool's version with the stored one (one primary-key read per suggestion) and
reads only the volunteers logged since, so no suggestion rests on data older than the
last committed change. The log is pruned by ``matching.tasks.pool_changes_prune``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PoolVersion(models.Model):
    """How many times the organisation's volunteer pool changed (only ever goes up).

    Incremented with one atomic upsert (``version = version + 1``): the row stays
    locked until the writer commits, so versions commit in order and no bump is lost."""

    organisation = models.OneToOneField(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.version}"


class PoolChange(models.Model):
    """Version ``seq`` of the organisation's pool changed this volunteer (``volunteer_id``
    None: anything may have changed, rebuild). Every version has at least one row, so a
    reader can tell a complete log from a pruned one. No foreign key to the volunteer:
    the row must outlive a deleted volunteer."""

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    seq = models.BigIntegerField()
    volunteer_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "seq"], name="matching_poolchange_org_seq")]

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.seq}: {self.volunteer_id or 'all'}"
