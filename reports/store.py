"""The counted monthly figures, stored in the database for the report pages.

Counting a year of figures for a large centre takes 0.5-0.9 s (``raw_figures``), too
slow for a page. So the raw numbers of each month (per organisation and
neighbourhood, the numbers of ``reports.Raw``, which add up) are kept in
:class:`~neighbourhoods.models.ReportMonth` and ``ReportMonthArea``; a page adds
them up and hides small numbers as before. The month's numbers of the workload
per broker (``workload.workload_month_counts``) are kept with them when a task or
the command counts (a page that has to count leaves them out, and the overview
then counts its one month); what a broker has in hand is counted on the page (it
is "now"). Exports and the ``report`` command do not use them: a delivery is always
counted at that moment.

When stored figures are used (the freshness rule)
=================================================

A month is *open* until 30 days after its end (``reports.PROVISIONAL_DAYS``: its
answers within 30 days can still come in; the page marks it provisional). A
stored month is *final* when it was counted after that moment.

* Final months are used as they are: counted once, never again on a page.
* Figures counted while the month was open are used for ``REPORTS_FRESH_SECONDS``
  (15 minutes); after that the page counts them again (and stores them).
* Months not stored yet, stored with another ``STORE_VERSION``, or invalidated
  since they were counted (see below) are counted by the page that needs them.

Who counts (``reports.tasks``, Celery beat, UTC):

* every 10 minutes the last three months of every organisation (the open ones,
  and a month that just closed, once, so that its figures become final): with beat
  running, a page never has to count;
* every night the last 24 months: the ones missing, open, invalidated or counted by
  a page (without the workload), and the final ones that changed (next section);
* ``manage.py report_refresh`` does the same by hand (set-ups without beat; the demo).

Changes to months that are final
================================

Some figures of a closed month can still change: a request of the month that gets
its first volunteer 40 days later (days to a match), hours entered or approved
late, a late evaluation, an edit or re-import (``import_requests``) that moves a
request to another neighbourhood or kind, a volunteer who moves house. The nightly
task finds these with :func:`report_months_changed`: per month, the latest change
(``updated_at``, ``created_at``, ``approved_at``, the event's ``at``) of the rows
that count towards it; a final month with a change after (or shortly before, the
margin ``CHANGE_MARGIN``) its count is counted again. Row edits are attributed
generously (a step of a match marks every month it ran), so this may count more
than needed. Burden check-ins are only ever added, in their own month, and a
volunteer departure only by an erasure that leaves the figures as they were (below),
so neither needs a check. Until that night the page shows the figures as
counted; the exports always show the change at once.

Deletions leave no timestamp. The application deletes no requests or matches (a
volunteer's erasure leaves a ``VolunteerDeparture`` with the same dates and
neighbourhood, so the figures stay the same); when it happens anyway (Django's
admin) or a mantelzorger is edited there, the signals below mark the organisation's
stored months invalidated, and so does deleting a neighbourhood. Rows changed
straight in the database: run ``manage.py report_refresh --recount``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from activities.models import Activity, SignUp
from caregivers.models import BurdenCheckIn, CareSignal, HelpRequest, Mantelzorger, RequestEvent
from matches.models import Evaluation, HoursEntry, Match
from neighbourhoods.models import Neighbourhood, Organisation
from partners.models import Partner, Response, Vacancy
from reports.counting import (
    PROVISIONAL_DAYS,
    MonthCounts,
    Raw,
    Scope,
    _bucket,
    _in_months,
    raw_figures,
    workload_month_counts,
)
from reports.models import ReportMonth, ReportMonthArea
from reports.months import Month, months_between
from volunteers.models import Volunteer

# Bump when ``raw_figures`` changes what it counts: stored months of another version
# are counted again (by the pages that need them and the nightly task).
# 2: the ladder, goals and satisfaction (issue #15); 3: partners' vacancies (issue #16);
# 4: collective activities (issue #16)
STORE_VERSION = 4
FRESH_SECONDS = 15 * 60
# A row changed this long before a count may have been committed after the count read
# its table (long transactions, imports): the nightly check looks back this far.
CHANGE_MARGIN = datetime.timedelta(minutes=5)
RECENT_MONTHS = 3  # the 10-minute task
NIGHTLY_MONTHS = 24


def closes_at(month: Month) -> datetime.datetime:
    """From this moment the figures of ``month`` no longer change in the normal course."""
    return month.end + datetime.timedelta(days=PROVISIONAL_DAYS)


def fresh_seconds() -> int:
    return int(getattr(settings, "REPORTS_FRESH_SECONDS", FRESH_SECONDS))


def last_months(n: int, *, now: datetime.datetime | None = None) -> list[Month]:
    """The last ``n`` months up to and including the current one, oldest first."""
    current = Month.current(now)
    return months_between(current.minus(n - 1), current)


@dataclass(frozen=True)
class Stored:
    """What is known about a stored month without reading its figures."""

    pk: int
    month: Month
    counted_at: datetime.datetime
    invalidated_at: datetime.datetime | None
    version: int
    with_workload: bool = True  # False: a page counted it; the tasks count it again, with the workload

    @property
    def final(self) -> bool:
        return self.counted_at >= closes_at(self.month)

    @property
    def invalidated(self) -> bool:
        return self.invalidated_at is not None and self.invalidated_at >= self.counted_at

    def usable(self, *, now: datetime.datetime, max_age: datetime.timedelta) -> bool:
        """May these figures be shown (or be left alone by a refresh)?"""
        if self.version != STORE_VERSION or self.invalidated:
            return False
        return self.final or self.counted_at > now - max_age


def _month_of(day: datetime.date) -> Month:
    return Month(day.year, day.month)


def stored_months(*, organisation: Organisation, months: Iterable[Month]) -> dict[Month, Stored]:
    rows = (
        ReportMonth.objects.filter(organisation=organisation, month__in=[m.first_day for m in months])
        .annotate(with_workload=ExpressionWrapper(Q(workload__isnull=False), output_field=BooleanField()))
        .values_list("pk", "month", "counted_at", "invalidated_at", "version", "with_workload")
    )
    return {_month_of(day): Stored(pk, _month_of(day), *rest) for pk, day, *rest in rows}


# --- Writing ------------------------------------------------------------------------------


def _consecutive(months: Sequence[Month]) -> list[list[Month]]:
    runs: list[list[Month]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][-1].next() == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def _area_row(raw: Raw) -> dict:
    return {
        "counts": {code: n for code, n in sorted(raw.counts.items()) if n},
        "days_to_match": sorted(raw.days_to_match),
        "respite_hours": raw.respite_hours,
        "burden_sum": raw.burden_sum,
        "burden_checkins": raw.burden_checkins,
    }


def _raw_of(counts: dict, days: list, hours, burden_sum: int, burden_checkins: int) -> Raw:
    raw = Raw()
    raw.counts.update(counts)
    raw.days_to_match = list(days)
    raw.respite_hours = Decimal(hours)
    raw.burden_sum = burden_sum
    raw.burden_checkins = burden_checkins
    return raw


def _store(
    *,
    organisation: Organisation,
    figures: dict[Month, dict[int | None, Raw]],
    counted_at: datetime.datetime,
    workload: MonthCounts | None = None,
) -> list[Month]:
    """Put the figures of these months in place of the stored ones, unless a later
    count is already there. Safe when two counts run at once: the unique constraint
    lets only one row per month exist, the row lock lets one writer at a time replace
    it, and the newest count wins. A fixed number of queries; returns the months written."""
    with transaction.atomic():
        ReportMonth.objects.bulk_create(
            [
                ReportMonth(organisation=organisation, month=m.first_day, counted_at=counted_at, version=STORE_VERSION)
                for m in figures
            ],
            ignore_conflicts=True,  # created by another count just now: handled below
        )
        headers = ReportMonth.objects.select_for_update().filter(
            organisation=organisation, month__in=[m.first_day for m in figures]
        )
        replace = {
            _month_of(day): pk
            for pk, day, at, version in headers.values_list("pk", "month", "counted_at", "version")
            if at <= counted_at or version != STORE_VERSION
        }
        if not replace:
            return []
        ReportMonthArea.objects.filter(report_month__in=replace.values()).delete()
        ReportMonth.objects.bulk_update(
            [
                ReportMonth(
                    pk=pk,
                    counted_at=counted_at,
                    version=STORE_VERSION,
                    workload=(
                        None
                        if workload is None
                        else {str(user): values for user, values in workload.get(month, {}).items()}
                    ),
                )
                for month, pk in replace.items()
            ],
            ["counted_at", "version", "workload"],
        )
        ReportMonthArea.objects.bulk_create(
            [
                ReportMonthArea(report_month_id=pk, neighbourhood_id=area, **_area_row(raw))
                for month, pk in replace.items()
                for area, raw in figures[month].items()
            ],
            batch_size=500,
        )
    return sorted(replace)


def report_months_count(
    *,
    organisation: Organisation,
    months: Iterable[Month],
    now: datetime.datetime | None = None,
    workload: bool = True,
) -> dict[Month, dict[int | None, Raw]]:
    """Count ``months`` of the whole organisation afresh and store them (consecutive
    months in one go), with the month's workload per broker unless ``workload`` is
    False (a page that has to count counts only what it shows). Idempotent; returns the
    figures counted, per month."""
    months = sorted(set(months))
    current = Month.current(now)
    if any(m > current for m in months):
        raise ValueError("months that have not begun cannot be counted")
    scope = Scope.of(organisation)
    counted: dict[Month, dict[int | None, Raw]] = {}
    for run in _consecutive(months):
        # The moment before the counting: what changes after it is not in the figures.
        counted_at = timezone.now()
        table = raw_figures(scope=scope, months=run)
        figures: dict[Month, dict[int | None, Raw]] = {m: {} for m in run}
        for (i, area), raw in table.items():
            figures[run[i]][area] = raw
        per_staff = workload_month_counts(organisation=organisation, months=run) if workload else None
        _store(organisation=organisation, figures=figures, counted_at=counted_at, workload=per_staff)
        counted.update(figures)
    return counted


def report_month_count(*, organisation: Organisation, month: Month) -> ReportMonth:
    """Count one month afresh and store it."""
    report_months_count(organisation=organisation, months=[month])
    return ReportMonth.objects.get(organisation=organisation, month=month.first_day)


def report_months_invalidate(*, organisation_id: int | None = None, neighbourhood_id: int | None = None) -> int:
    """Mark stored months as no longer showing everything (they are counted again when
    needed): all of an organisation, or those with figures for a neighbourhood."""
    qs = ReportMonth.objects.all()
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if neighbourhood_id is not None:
        qs = qs.filter(pk__in=ReportMonthArea.objects.filter(neighbourhood_id=neighbourhood_id).values("report_month"))
    return qs.update(invalidated_at=timezone.now())


@dataclass
class Refreshed:
    organisation: Organisation
    counted: list[Month]
    changed: list[Month]  # final months counted again because rows of them changed


def report_months_refresh(
    *,
    organisation: Organisation,
    months: Sequence[Month],
    max_age: datetime.timedelta = datetime.timedelta(0),
    check_changes: bool = False,
    recount: bool = False,
    now: datetime.datetime | None = None,
) -> Refreshed:
    """Count and store those of ``months`` that are missing, invalidated, of another
    version, counted by a page (without the workload) or counted while open more than
    ``max_age`` ago; with ``check_changes`` also
    the final months with rows changed since their count; with ``recount`` all of them."""
    now = now or timezone.now()
    current = Month.current(now)
    months = sorted(m for m in set(months) if m <= current)
    stored = stored_months(organisation=organisation, months=months)
    todo = [
        m
        for m in months
        if recount or m not in stored or not stored[m].usable(now=now, max_age=max_age) or not stored[m].with_workload
    ]
    changed: list[Month] = []
    final = [m for m in months if m not in todo and stored[m].final]
    if check_changes and final:
        latest = report_months_changed(organisation=organisation, months=final)
        changed = [m for m in final if latest.get(m) and latest[m] >= stored[m].counted_at - CHANGE_MARGIN]
    counted = report_months_count(organisation=organisation, months=[*todo, *changed], now=now)
    return Refreshed(organisation, sorted(counted), changed)


def reports_refresh(
    *,
    months: int,
    organisation: Organisation | None = None,
    check_changes: bool = False,
    recount: bool = False,
    now: datetime.datetime | None = None,
) -> list[Refreshed]:
    """:func:`report_months_refresh` for the last ``months`` months of every
    organisation (or one)."""
    if months < 1:
        raise ValueError("months must be 1 or more")
    orgs = [organisation] if organisation is not None else list(Organisation.objects.order_by("pk"))
    window = last_months(months, now=now)
    return [
        report_months_refresh(organisation=org, months=window, check_changes=check_changes, recount=recount, now=now)
        for org in orgs
    ]


# --- Reading (the pages) -------------------------------------------------------------------


def stored_raw_by_month(
    *, scope: Scope, months: Sequence[Month], now: datetime.datetime
) -> tuple[dict[Month, dict[int | None, Raw]], datetime.datetime]:
    """For each month: neighbourhood id -> raw numbers, from the stored figures (months
    that may not be used as stored are counted and stored first, see the module
    docstring), and when the figures that can still change were counted (the oldest
    of them; with only final months, the oldest count). Two queries when every month
    is stored and usable."""
    organisation = scope.organisation
    max_age = datetime.timedelta(seconds=fresh_seconds())
    stored = stored_months(organisation=organisation, months=months)
    todo = [m for m in months if m not in stored or not stored[m].usable(now=now, max_age=max_age)]
    result: dict[Month, dict[int | None, Raw]] = {m: {} for m in months}
    when = {m: s.counted_at for m, s in stored.items() if m not in todo}
    final = {m for m, s in stored.items() if m not in todo and s.final}
    if todo:
        counted_at = timezone.now()
        wanted = set(scope.neighbourhood_ids) if scope.municipality is not None else None
        for month, areas in report_months_count(organisation=organisation, months=todo, workload=False).items():
            result[month] = {a: raw for a, raw in areas.items() if wanted is None or a in wanted}
            when[month] = counted_at
            if counted_at >= closes_at(month):
                final.add(month)
    by_pk = {s.pk: m for m, s in stored.items() if m not in todo}
    if by_pk:
        rows = ReportMonthArea.objects.filter(report_month__in=list(by_pk))
        if scope.municipality is not None:
            rows = rows.filter(neighbourhood_id__in=scope.neighbourhood_ids or [0])
        for pk, area, counts, days, hours, burden_sum, burden_checkins in rows.values_list(
            "report_month", "neighbourhood", "counts", "days_to_match", "respite_hours", "burden_sum", "burden_checkins"
        ):
            result[by_pk[pk]][area] = _raw_of(counts, days, hours, burden_sum, burden_checkins)
    still_open = [when[m] for m in months if m not in final]
    computed_at = min(still_open) if still_open else min(when.values())
    return result, computed_at


def stored_workload(
    *, organisation: Organisation, month: Month, now: datetime.datetime | None = None
) -> dict[int, dict[str, int]] | None:
    """The month's numbers per staff member as stored, when they may be used (the same
    rule as the figures); None otherwise, or when a page counted the month without them
    (count them now)."""
    now = now or timezone.now()
    row = (
        ReportMonth.objects.filter(organisation=organisation, month=month.first_day)
        .values_list("pk", "counted_at", "invalidated_at", "version", "workload")
        .first()
    )
    if row is None or row[-1] is None:
        return None
    pk, counted_at, invalidated_at, version, workload = row
    stored = Stored(pk, month, counted_at, invalidated_at, version)
    if not stored.usable(now=now, max_age=datetime.timedelta(seconds=fresh_seconds())):
        return None
    return {int(user): values for user, values in workload.items()}


# --- What changed since a month was counted -------------------------------------------------


def _index(path: str, months: Sequence[Month], *, dates: bool = False) -> Case:
    """The index of the month ``path`` falls in: -1 before the first, ``len(months)``
    after the last, NULL for NULL."""
    whens = [When(**{f"{path}__isnull": True}, then=Value(None))]
    bound = (lambda m: m.first_day) if dates else (lambda m: m.start)
    whens.append(When(**{f"{path}__lt": bound(months[0])}, then=Value(-1)))
    for i, month in enumerate(months):
        whens.append(When(**{f"{path}__lt": bound(month.next())}, then=Value(i)))
    return Case(*whens, default=Value(len(months)), output_field=IntegerField())


def report_months_changed(*, organisation: Organisation, months: Sequence[Month]) -> dict[Month, datetime.datetime]:
    """For each of ``months``: the latest change of a row of the organisation that counts
    (or may count) towards it. Eleven grouped queries over the rows of the months' span."""
    months = months_between(min(months), max(months))
    n = len(months)
    latest: dict[int, datetime.datetime] = {}

    def touch(indexes: Iterable[int | None], *moments: datetime.datetime | None) -> None:
        moment = max((t for t in moments if t is not None), default=None)
        if moment is None:
            return
        for i in indexes:
            if i is not None and 0 <= i < n and (i not in latest or latest[i] < moment):
                latest[i] = moment

    def span(first: int | None, last: int | None) -> range:
        """Months from ``first`` to ``last`` (None: still running), within the window."""
        if first is None or first >= n or (last is not None and last < 0):
            return range(0)
        return range(max(first, 0), (n - 1 if last is None else min(last, n - 1)) + 1)

    # Requests that came in (new requests, kinds, and the answers of the month's requests).
    for m, changed in (
        HelpRequest.objects.filter(_in_months("created_at", months), organisation=organisation)
        .annotate(m=_bucket("created_at", months))
        .values_list("m")
        .annotate(t=Max("updated_at"))
        .order_by()
    ):
        touch([m], changed)

    # Requests that reached their final step (the ladder) in the month.
    for m, changed in (
        HelpRequest.objects.filter(_in_months("status_changed_at", months), organisation=organisation)
        .annotate(m=_bucket("status_changed_at", months))
        .values_list("m")
        .annotate(t=Max("updated_at"))
        .order_by()
    ):
        touch([m], changed)

    # Matches: the month of their request (answers) and every month they ran (running
    # matches, volunteers and mantelzorgers helped, ended with an evaluation), also when
    # the request or the volunteer changed (kind, neighbourhood).
    window = _in_months("request__created_at", months) | (
        Q(activated_at__lt=months[-1].end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=months[0].start))
    )
    for cohort, first, last, *changed in (
        Match.objects.filter(window, organisation=organisation)
        .annotate(
            c=_index("request__created_at", months), a=_index("activated_at", months), e=_index("ended_at", months)
        )
        .values_list("c", "a", "e")
        .annotate(t1=Max("updated_at"), t2=Max("request__updated_at"), t3=Max("volunteer__updated_at"))
        .order_by()
    ):
        touch([cohort, *span(first, last)], *changed)

    # Referrals: the month of the referral and the month of the request.
    for cohort, at, *changed in (
        RequestEvent.objects.filter(
            _in_months("at", months) | _in_months("request__created_at", months),
            request__organisation=organisation,
            to_status=HelpRequest.Status.REFERRED,
        )
        .annotate(c=_index("request__created_at", months), a=_index("at", months))
        .values_list("c", "a")
        .annotate(t1=Max("at"), t2=Max("request__updated_at"))
        .order_by()
    ):
        touch([cohort, at], *changed)

    def touch_by_month(queryset, path: str, *latest_of: str, dates: bool = False) -> None:
        """One grouped query: per month of ``path``, the latest of the ``latest_of`` moments."""
        rows = (
            queryset.filter(_in_months(path, months, dates=dates))
            .annotate(m=_bucket(path, months, dates=dates))
            .values_list("m")
            .annotate(**{f"t{i}": Max(field) for i, field in enumerate(latest_of)})
            .order_by()
        )
        for m, *changed in rows:
            touch([m], *changed)

    # Hours, by the day worked: entered or approved late, or the request changed kind.
    touch_by_month(
        HoursEntry.objects.filter(match__organisation=organisation),
        "date",
        "created_at",
        "approved_at",
        "match__request__updated_at",
        dates=True,
    )
    # Evaluations written after the match ended.
    touch_by_month(Evaluation.objects.filter(match__organisation=organisation), "match__ended_at", "created_at")
    # Signals: the month they came in, again when they were handled.
    touch_by_month(CareSignal.objects.filter(organisation=organisation), "created_at", "created_at", "handled_at")
    # Burden check-ins (a check-in after respite completes a before-and-after pair).
    touch_by_month(BurdenCheckIn.objects.filter(mantelzorger__organisation=organisation), "created_at", "created_at")

    # Volunteers who joined or stopped in the month (and changed since).
    for joined, stopped, changed in (
        Volunteer.objects.filter(
            _in_months("created_at", months) | _in_months("stopped_at", months), organisation=organisation
        )
        .annotate(c=_index("created_at", months), s=_index("stopped_at", months))
        .values_list("c", "s")
        .annotate(t=Max("updated_at"))
        .order_by()
    ):
        touch([joined, stopped], changed)

    # Partners' vacancies: the month they came online (changed since: place, status).
    touch_by_month(Vacancy.objects.filter(partner__organisation=organisation), "published_at", "updated_at")
    # Responses: the month they came in, the month accepted, and the month of their vacancy
    # (an acceptance fills it).
    responses = Response.objects.filter(
        _in_months("created_at", months)
        | _in_months("decided_at", months)
        | _in_months("vacancy__published_at", months),
        vacancy__partner__organisation=organisation,
    )
    for received, decided, posted, *changed in (
        responses.annotate(
            c=_index("created_at", months), d=_index("decided_at", months), p=_index("vacancy__published_at", months)
        )
        .values_list("c", "d", "p")
        .annotate(t1=Max("created_at"), t2=Max("decided_at"))
        .order_by()
    ):
        touch([received, decided, posted], *changed)

    # Activities: a sign-up's moments (signed up, place, offer, left the list, ended) in
    # the month they happened; a change to the activity itself invalidates (below).
    paths = ("created_at", "confirmed_at", "waiting_until", "ended_at")
    signups = SignUp.objects.filter(
        _in_months(paths[0], months)
        | _in_months(paths[1], months)
        | _in_months(paths[2], months)
        | _in_months(paths[3], months),
        activity__organisation=organisation,
    )
    for *indexes, changed in (
        signups.annotate(**{f"i{n}": _index(path, months) for n, path in enumerate(paths)})
        .values_list(*(f"i{n}" for n in range(len(paths))))
        .annotate(t=Max(Greatest(*(Coalesce(path, "created_at") for path in paths))))
        .order_by()
    ):
        touch(indexes, changed)
    touch_by_month(Activity.objects.filter(organisation=organisation), "created_at", "created_at")

    return {months[i]: moment for i, moment in latest.items()}


# --- Deletions and edits that leave no timestamp ---------------------------------------------


def _organisation_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("created"):
        return  # a new row has a timestamp the nightly check sees
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "neighbourhood" not in update_fields:
        return
    if instance.organisation_id is not None:
        report_months_invalidate(organisation_id=instance.organisation_id)


def _vacancy_deleted(sender, instance, **kwargs) -> None:
    """A vacancy (and its responses) deleted leaves no timestamp: before it goes, while its
    partner is still there (a partner deleted takes its vacancies along)."""
    organisation_id = Partner.objects.filter(pk=instance.partner_id).values_list("organisation_id", flat=True).first()
    if organisation_id is not None:
        report_months_invalidate(organisation_id=organisation_id)


def _activity_changed(sender, instance, **kwargs) -> None:
    """An activity changed (its place, dates, status) or deleted: the months it was held
    in are not known from a timestamp."""
    if kwargs.get("created"):
        return
    report_months_invalidate(organisation_id=instance.organisation_id)


def _neighbourhood_deleted(sender, instance, **kwargs) -> None:
    report_months_invalidate(neighbourhood_id=instance.pk)


def connect_signals() -> None:
    for model in (HelpRequest, Match):
        post_delete.connect(_organisation_changed, sender=model, dispatch_uid=f"report-store-{model.__name__}-delete")
    # Mantelzorgers have no updated_at: an edit (admin) or a deletion invalidates.
    post_save.connect(_organisation_changed, sender=Mantelzorger, dispatch_uid="report-store-mantelzorger-save")
    post_delete.connect(_organisation_changed, sender=Mantelzorger, dispatch_uid="report-store-mantelzorger-delete")
    pre_delete.connect(_vacancy_deleted, sender=Vacancy, dispatch_uid="report-store-vacancy-delete")
    post_save.connect(_activity_changed, sender=Activity, dispatch_uid="report-store-activity-save")
    post_delete.connect(_activity_changed, sender=Activity, dispatch_uid="report-store-activity-delete")
    # Before the delete: the stored rows of the neighbourhood go with it (CASCADE).
    pre_delete.connect(_neighbourhood_deleted, sender=Neighbourhood, dispatch_uid="report-store-neighbourhood-delete")
