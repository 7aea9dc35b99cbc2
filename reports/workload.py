"""Workload per broker: what each broker or admin of an organisation has in hand
and did in a month. For the organisation's own overview only (it names staff,
never the people they help).

* **in hand**: open requests (new, intake, ready) whose most recent step by a staff
  member of the organisation was taken by this person;
* **steps**: request and match steps (events) they recorded in the month;
* **intakes**: requests they moved to intake in the month;
* **proposals**: matches they proposed in the month; **started**: matches they
  proposed that started in the month;
* **referrals**: requests they referred to professional care in the month;
* **hours approved**: hours entries they approved in the month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestEvent
from neighbourhoods.models import Organisation, StaffMembership
from reports.counting import workload_month_counts
from reports.months import Month
from reports.store import stored_workload

OPEN_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY)
COLUMNS = ("in_hand", "steps", "intakes", "proposals", "started", "referrals", "hours_approved")


@dataclass
class BrokerLoad:
    user_id: int
    name: str
    roles: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __getitem__(self, key: str) -> int:
        return self.counts.get(key, 0)


def _name(user, n: int) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return full or _("Medewerker %(n)s") % {"n": n}


def broker_workload(
    *, organisation: Organisation, month: Month, use_cache: bool = False, use_stored: bool = False
) -> list[BrokerLoad]:
    """One row per broker or admin, busiest (most requests in hand) first. ``use_cache``:
    kept as long as the recent figures of the report pages (5 minutes). ``use_stored``:
    the month's numbers as stored with the report figures (``reports.store``), when they
    may be used; "in hand" is always counted now."""
    seconds = int(getattr(settings, "REPORTS_CACHE_RECENT_SECONDS", 300)) if use_cache else 0
    key = f"reports:workload:{organisation.pk}:{month}"
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found
    counts = None
    if use_stored:
        counts = stored_workload(organisation=organisation, month=month)
    rows = _broker_workload(organisation=organisation, month=month, counts=counts)
    if seconds > 0:
        cache.set(key, rows, seconds)
    return rows


def _staff_rows(organisation: Organisation) -> dict[int, BrokerLoad]:
    memberships = (
        StaffMembership.objects.filter(organisation=organisation, role__in=StaffMembership.CASEWORK_ROLES)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    rows: dict[int, BrokerLoad] = {}
    for m in memberships:
        if m.user_id not in rows:
            rows[m.user_id] = BrokerLoad(m.user_id, _name(m.user, len(rows) + 1), m.get_role_display())
        elif m.get_role_display() not in rows[m.user_id].roles:
            rows[m.user_id].roles += f", {m.get_role_display()}"
    return rows


def _broker_workload(
    *, organisation: Organisation, month: Month, counts: dict[int, dict[str, int]] | None = None
) -> list[BrokerLoad]:
    rows = _staff_rows(organisation)
    staff = list(rows)
    if not staff:
        return []
    last_staff_step = (
        RequestEvent.objects.filter(request=OuterRef("pk"), by__in=staff).order_by("-at", "-pk").values("by")[:1]
    )
    in_hand = (
        HelpRequest.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
        .annotate(holder=Subquery(last_staff_step))
        .exclude(holder=None)
        .values_list("holder")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for user_id, n in in_hand:
        rows[user_id].counts["in_hand"] += n
    if counts is None:
        counts = workload_month_counts(organisation=organisation, months=[month], staff=staff)[month]
    for user_id, values in counts.items():
        if int(user_id) in rows:
            for column, n in values.items():
                rows[int(user_id)].counts[column] += n
    return sorted(rows.values(), key=lambda r: (-r["in_hand"], -r["steps"], r.name))
