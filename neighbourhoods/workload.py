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
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestEvent
from matching.models import HoursEntry, Match, MatchEvent
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.months import Month

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


def broker_workload(*, organisation: Organisation, month: Month, use_cache: bool = False) -> list[BrokerLoad]:
    """One row per broker or admin, busiest (most requests in hand) first. ``use_cache``:
    kept as long as the recent figures of the report pages (5 minutes)."""
    seconds = int(getattr(settings, "REPORTS_CACHE_RECENT_SECONDS", 300)) if use_cache else 0
    key = f"reports:workload:{organisation.pk}:{month}"
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found
    rows = _broker_workload(organisation=organisation, month=month)
    if seconds > 0:
        cache.set(key, rows, seconds)
    return rows


def _broker_workload(*, organisation: Organisation, month: Month) -> list[BrokerLoad]:
    memberships = (
        StaffMembership.objects.filter(
            organisation=organisation, role__in=[StaffMembership.Role.BROKER, StaffMembership.Role.ADMIN]
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    rows: dict[int, BrokerLoad] = {}
    for m in memberships:
        if m.user_id not in rows:
            rows[m.user_id] = BrokerLoad(m.user_id, _name(m.user, len(rows) + 1), m.get_role_display())
        elif m.get_role_display() not in rows[m.user_id].roles:
            rows[m.user_id].roles += f", {m.get_role_display()}"
    staff = list(rows)
    if not staff:
        return []
    in_month = {"start": month.start, "end": month.end}

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

    events = (
        RequestEvent.objects.filter(
            request__organisation=organisation, by__in=staff, at__gte=in_month["start"], at__lt=in_month["end"]
        )
        .values_list("by")
        .annotate(
            n=Count("pk"),
            intakes=Count("pk", filter=Q(to_status=HelpRequest.Status.INTAKE)),
            referrals=Count("request", distinct=True, filter=Q(to_status=HelpRequest.Status.REFERRED)),
        )
        .order_by()
    )
    for user_id, n, intakes, referrals in events:
        rows[user_id].counts["steps"] += n
        rows[user_id].counts["intakes"] += intakes
        rows[user_id].counts["referrals"] += referrals
    match_events = (
        MatchEvent.objects.filter(
            match__organisation=organisation, by__in=staff, at__gte=in_month["start"], at__lt=in_month["end"]
        )
        .values_list("by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for user_id, n in match_events:
        rows[user_id].counts["steps"] += n
    proposals = (
        Match.objects.filter(organisation=organisation, proposed_by__in=staff)
        .filter(
            Q(created_at__gte=in_month["start"], created_at__lt=in_month["end"])
            | Q(activated_at__gte=in_month["start"], activated_at__lt=in_month["end"])
        )
        .values_list("proposed_by")
        .annotate(
            proposals=Count("pk", filter=Q(created_at__gte=in_month["start"], created_at__lt=in_month["end"])),
            started=Count("pk", filter=Q(activated_at__gte=in_month["start"], activated_at__lt=in_month["end"])),
        )
        .order_by()
    )
    for user_id, n_proposals, n_started in proposals:
        rows[user_id].counts["proposals"] += n_proposals
        rows[user_id].counts["started"] += n_started
    approved = (
        HoursEntry.objects.filter(
            match__organisation=organisation,
            approved_by__in=staff,
            approved_at__gte=in_month["start"],
            approved_at__lt=in_month["end"],
        )
        .values_list("approved_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for user_id, n in approved:
        rows[user_id].counts["hours_approved"] += n
    return sorted(rows.values(), key=lambda r: (-r["in_hand"], -r["steps"], r.name))
