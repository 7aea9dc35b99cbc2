"""Retention that runs: what ``privacy.schedule`` promises, done.

:func:`retention_run` takes every kind of the schedule, per organisation, selects the
records whose period has passed and that still hold something personal, and deletes
or anonymises them in batches of ``batch_size`` ids (keyset pagination: it never loads
a table). With ``dry_run`` it only lists them. Two rules keep the dry run and the real
run the same:

* a record is selected by its content ("still holds a name, a note, ..."), not by a
  marker, so a second run finds nothing: the run is idempotent;
* each kind's selection does not depend on what a kind before it (in the order of
  ``privacy.schedule.KINDS``) changed. For example, removing an inactive account
  clears only the account (the user row, its volunteer profile through the
  volunteers' own erasure); its requests and mantelzorger data follow their own
  periods (their link to the account is not what selects them), and the sent-mail
  record of the account is purged before it. Mantelzorgers are taken before the
  check-ins, because a recent check-in keeps a mantelzorger.

Anonymising keeps what the reports count (status, kind, dates, hours, neighbourhood,
organisation, the links between request, mantelzorger and match) and never touches
``updated_at``, so stored report months stay as they were. Burden check-ins are
deleted: the burden figures of months older than the check-in period rest on the
stored months (``reports.store``) from then on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activities.models import SignUp
from audit.models import AccessLogEntry
from audit.services import access_log_prune
from caregivers.burden import requests_burden_refresh
from caregivers.models import (
    BurdenCheckIn,
    CareRecipient,
    CareSignal,
    HelpRequest,
    Mantelzorger,
    NetworkMember,
    RequestDate,
    RequestEvent,
    RequestSlot,
)
from caregivers.services import ANONYMOUS_SIGNAL, SIGNAL_TEXT, signals_erase
from common.errors import DomainError
from conversations.models import Thread
from conversations.services import threads_erase
from matches.models import Evaluation, HoursEntry, Match, MatchEvent, MatchLinkToken
from neighbourhoods.models import Organisation, StaffMembership
from notifications.links import absolute
from notifications.models import Category, Notification
from notifications.services import mail_queue, outbox_purgeable, preferences_erase
from partners.models import Response as VacancyResponse
from privacy.models import InactivityWarning, RetentionSettings
from privacy.schedule import (
    ACCOUNT_WARNING_DAYS,
    KINDS,
    KINDS_BY_CODE,
    PERIODS,
    default_months,
    months_before,
)
from volunteers.models import Volunteer
from volunteers.services import volunteer_delete

User = get_user_model()
Status = HelpRequest.Status

# A request in one of these states is done; the others are still being worked on.
FINISHED_STATUSES = (Status.CLOSED, Status.WITHDRAWN, Status.REFERRED)
OPEN_STATUSES = tuple(s for s in Status.values if s not in FINISHED_STATUSES)
MATCH_FINISHED = (Match.Status.ENDED, Match.Status.DECLINED, Match.Status.CANCELLED)

# --- An organisation's periods ---------------------------------------------------------


def retention_months(*, organisation: Organisation | None) -> dict[str, int]:
    """The organisation's periods in months (the defaults where it set none). A stored
    value outside today's bounds is brought within them."""
    months = default_months()
    if organisation is None:
        return months
    row = RetentionSettings.objects.filter(organisation=organisation).first()
    for key, value in (row.months if row else {}).items():
        period = PERIODS.get(key)
        if period is not None and isinstance(value, int):
            months[key] = min(max(value, period.min_months), period.max_months)
    return months


def retention_settings_update(*, organisation: Organisation, months: dict[str, int], by) -> RetentionSettings:
    """Set some or all of the organisation's periods (the others stay). Only its admins
    may; every value must be a whole number of months within the period's bounds
    (``DomainError`` on that field)."""
    is_admin = getattr(by, "is_authenticated", False) and (
        StaffMembership.objects.filter(user=by, organisation=organisation, role=StaffMembership.Role.ADMIN).exists()
    )
    if not is_admin:
        raise DomainError(_("Alleen een beheerder van deze organisatie mag de bewaartermijnen aanpassen."))
    unknown = set(months) - set(PERIODS)
    if unknown:
        raise DomainError(_("Onbekende bewaartermijn: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    cleaned = {}
    for key, value in months.items():
        period = PERIODS[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise DomainError(_("Vul een heel aantal maanden in."), field=key)
        if not period.min_months <= value <= period.max_months:
            raise DomainError(
                _("Kies een termijn van %(min)d tot en met %(max)d maanden.")
                % {"min": period.min_months, "max": period.max_months},
                field=key,
            )
        cleaned[key] = value
    row = RetentionSettings.objects.filter(organisation=organisation).first()
    merged = {**(row.months if row else {}), **cleaned}
    row, _created = RetentionSettings.objects.update_or_create(
        organisation=organisation, defaults={"months": merged, "updated_by": by}
    )
    return row


# --- What is due, per kind ------------------------------------------------------------------


@dataclass
class Context:
    now: datetime.datetime
    organisation: Organisation | None
    months: dict[str, int]

    def cutoff(self, period: str) -> datetime.datetime:
        return months_before(self.now, self.months[period])


def _blank(*names: str) -> Q:
    """Any of the text fields still has something in it."""
    q = Q()
    for name in names:
        q |= ~Q(**{name: ""})
    return q


def _open_request_of_mantelzorger() -> Exists:
    return Exists(HelpRequest.objects.filter(mantelzorger=OuterRef("mantelzorger"), status__in=OPEN_STATUSES))


def _sent_mail(ctx: Context) -> QuerySet:
    qs = outbox_purgeable(now=ctx.now)
    if ctx.organisation is None:
        return qs.filter(organisation__isnull=True)
    return qs.filter(organisation=ctx.organisation)


REQUEST_TEXT = (
    "requester_first_name",
    "requester_last_name",
    "email",
    "phone",
    "external_id",
    "postcode",
    "house_number",
    "place",
    "description",
    "question_behind",
    "own_strength",
    "goal_own_words",
    "goal_measurable",
    "referred_to",
    "referral_reason",
    "contact_name",
    "call_time",
)


def _requests(ctx: Context) -> QuerySet:
    closed_at = Coalesce("status_changed_at", "updated_at")
    still_personal = (
        _blank(*REQUEST_TEXT)
        | Q(latitude__isnull=False)
        | Q(longitude__isnull=False)
        | Q(care_recipient__isnull=False)
        | Exists(RequestSlot.objects.filter(request=OuterRef("pk")))
        | Exists(RequestDate.objects.filter(request=OuterRef("pk")))
        | Exists(RequestEvent.objects.filter(request=OuterRef("pk")).exclude(note=""))
        | Exists(NetworkMember.objects.filter(request=OuterRef("pk")))
    )
    return (
        HelpRequest.objects.filter(organisation=ctx.organisation, status__in=FINISHED_STATUSES)
        .alias(closed_at=closed_at)
        .filter(closed_at__lt=ctx.cutoff("requests"))
        .filter(still_personal)
    )


def _requests_anonymise(ids: list[int], ctx: Context) -> None:
    HelpRequest.objects.filter(pk__in=ids).update(
        **dict.fromkeys(REQUEST_TEXT, ""),
        latitude=None,
        longitude=None,
        requester=None,
        care_recipient=None,
    )
    requests_burden_refresh(requests=HelpRequest.objects.filter(pk__in=ids))
    RequestSlot.objects.filter(request_id__in=ids).delete()
    RequestDate.objects.filter(request_id__in=ids).delete()
    RequestEvent.objects.filter(request_id__in=ids).exclude(note="").update(note="")
    NetworkMember.objects.filter(request_id__in=ids).delete()


def _signals(ctx: Context) -> QuerySet:
    """Signals handled (or left open) longer ago than the period, still with personal data."""
    still_personal = _blank(*(name for name in SIGNAL_TEXT if name != "first_name")) | ~Q(first_name=ANONYMOUS_SIGNAL)
    return (
        CareSignal.objects.filter(organisation=ctx.organisation)
        .alias(since=Coalesce("handled_at", "created_at"))
        .filter(since__lt=ctx.cutoff("signals"))
        .filter(still_personal)
    )


def _signals_anonymise(ids: list[int], ctx: Context) -> None:
    signals_erase(signal_ids=ids)


def _checkins(ctx: Context) -> QuerySet:
    return BurdenCheckIn.objects.filter(
        mantelzorger__organisation=ctx.organisation, created_at__lt=ctx.cutoff("checkins")
    ).exclude(_open_request_of_mantelzorger())


def _checkins_delete(ids: list[int], ctx: Context) -> None:
    BurdenCheckIn.objects.filter(pk__in=ids).delete()


MANTELZORGER_TEXT = ("first_name", "last_name", "email", "phone", "relation", "postcode", "house_number", "place")


def _mantelzorgers(ctx: Context) -> QuerySet:
    cutoff = ctx.cutoff("mantelzorgers")
    requests = HelpRequest.objects.filter(mantelzorger=OuterRef("pk"))
    recent_request = requests.filter(
        Q(status__in=OPEN_STATUSES) | Q(created_at__gte=cutoff) | Q(status_changed_at__gte=cutoff)
    )
    recent_checkin = BurdenCheckIn.objects.filter(mantelzorger=OuterRef("pk"), created_at__gte=cutoff)
    still_personal = (
        _blank(*MANTELZORGER_TEXT)
        | Q(care_hours_per_week__isnull=False)
        | Q(latitude__isnull=False)
        | Q(longitude__isnull=False)
        | Exists(CareRecipient.objects.filter(mantelzorger=OuterRef("pk")))
    )
    return (
        Mantelzorger.objects.filter(organisation=ctx.organisation, created_at__lt=cutoff)
        .exclude(Exists(recent_request))
        .exclude(Exists(recent_checkin))
        .filter(still_personal)
    )


def _mantelzorgers_anonymise(ids: list[int], ctx: Context) -> None:
    # An update, not a save: the row keeps its organisation and neighbourhood, so the
    # reports' stored months stay valid (their post_save signal would invalidate them).
    # Not a delete: the row keeps the person's place in the anonymous figures.
    Mantelzorger.objects.filter(pk__in=ids).update(
        **dict.fromkeys(MANTELZORGER_TEXT, ""),
        care_hours_per_week=None,
        latitude=None,
        longitude=None,
        user=None,
    )
    CareRecipient.objects.filter(mantelzorger_id__in=ids).delete()


def _matches(ctx: Context) -> QuerySet:
    finished_at = Coalesce("ended_at", "updated_at")
    still_personal = (
        ~Q(reasons=[])
        | Q(distance_km__isnull=False)
        | Exists(MatchEvent.objects.filter(match=OuterRef("pk")).exclude(note=""))
        | Exists(MatchLinkToken.objects.filter(match=OuterRef("pk")))
        | Exists(Evaluation.objects.filter(match=OuterRef("pk")).exclude(note=""))
        | Exists(Thread.objects.filter(match=OuterRef("pk")))
    )
    return (
        Match.objects.filter(organisation=ctx.organisation, status__in=MATCH_FINISHED)
        .alias(finished_at=finished_at)
        .filter(finished_at__lt=ctx.cutoff("matches"))
        .filter(still_personal)
    )


def _matches_anonymise(ids: list[int], ctx: Context) -> None:
    # Status, dates, the request (kind, neighbourhood), the volunteer, the evaluation's
    # answers and the decline reason's code stay: the figures count them.
    Match.objects.filter(pk__in=ids).update(reasons=[], distance_km=None)
    MatchEvent.objects.filter(match_id__in=ids).exclude(note="").update(note="")
    MatchLinkToken.objects.filter(match_id__in=ids).delete()
    Evaluation.objects.filter(match_id__in=ids).exclude(note="").update(note="")
    # The messages about the match go (conversations.services.threads_erase).
    threads_erase(match_ids=ids)


def _hours(ctx: Context) -> QuerySet:
    return HoursEntry.objects.filter(
        match__organisation=ctx.organisation, date__lt=ctx.cutoff("matches").date()
    ).exclude(note="")


def _hours_anonymise(ids: list[int], ctx: Context) -> None:
    HoursEntry.objects.filter(pk__in=ids).update(note="")


def _vacancy_responses(ctx: Context) -> QuerySet:
    return VacancyResponse.objects.filter(
        vacancy__partner__organisation=ctx.organisation, created_at__lt=ctx.cutoff("responses")
    ).filter(~Q(note="") | Q(volunteer__isnull=False))


def _vacancy_responses_anonymise(ids: list[int], ctx: Context) -> None:
    # The status and the dates stay: the centre's figures count responses and filled places.
    VacancyResponse.objects.filter(pk__in=ids).update(note="", volunteer=None)
    threads_erase(response_ids=ids)


def _activity_signups(ctx: Context) -> QuerySet:
    return SignUp.objects.filter(
        activity__organisation=ctx.organisation, activity__until__lt=timezone.localdate(ctx.cutoff("activities"))
    ).filter(
        Q(user__isnull=False)
        | Q(mantelzorger__isnull=False)
        | Q(volunteer__isnull=False)
        | Q(signed_up_by__isnull=False)
    )


def _activity_signups_anonymise(ids: list[int], ctx: Context) -> None:
    # The role, the state and the moments stay: the figures count participants and waiting.
    SignUp.objects.filter(pk__in=ids).update(
        user=None, mantelzorger=None, volunteer=None, signed_up_by=None, offer_token_hash=""
    )


def _access_log_cutoff(ctx: Context) -> datetime.datetime:
    """The access log is one hash chain for the whole platform: only its oldest part can
    go (``audit.services.access_log_prune``). So it goes by the longest period any
    organisation chose, and no organisation loses a row before its own period."""
    months = [retention_months(organisation=org)["access_log"] for org in Organisation.objects.all()]
    return months_before(ctx.now, max([default_months()["access_log"], *months]))


def _access_log(ctx: Context) -> QuerySet:
    if ctx.organisation is not None:
        return AccessLogEntry.objects.none()  # the chain is pruned as a whole, below
    cutoff = _access_log_cutoff(ctx)
    rows = AccessLogEntry.objects.filter(at__lt=cutoff)
    first_kept = AccessLogEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    if first_kept is not None:
        rows = rows.filter(seq__lt=first_kept)
    return rows


def _access_log_delete(ids: list[int], ctx: Context) -> None:
    # The only way rows leave the log: the oldest part of the chain, with an anchor so
    # that the rest still verifies. ``ids`` are exactly that part (``_access_log``).
    access_log_prune(before=_access_log_cutoff(ctx), now=ctx.now)


def _sent_mail_delete(ids: list[int], ctx: Context) -> None:
    Notification.objects.filter(pk__in=ids).delete()


# Accounts ----------------------------------------------------------------------------------


def _account_organisation() -> Coalesce:
    """The organisation an account belongs to: its volunteer profile's, else its
    mantelzorger profile's, else that of its latest request."""
    latest_request = HelpRequest.objects.filter(requester=OuterRef("pk")).order_by("-created_at", "-pk")
    return Coalesce(
        F("volunteer__organisation"),
        F("mantelzorger__organisation"),
        Subquery(latest_request.values("organisation")[:1]),
        output_field=IntegerField(),
    )


def _inactive_accounts(ctx: Context) -> QuerySet:
    """Accounts of people (not staff) without a login for the organisation's period,
    with no open request and no open match."""
    cutoff = months_before(ctx.now, ctx.months["accounts"])
    qs = (
        User.objects.filter(is_staff=False, is_superuser=False)
        .annotate(account_organisation=_account_organisation(), last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=cutoff)
        .exclude(Exists(StaffMembership.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(HelpRequest.objects.filter(requester=OuterRef("pk"), status__in=OPEN_STATUSES)))
        .exclude(Exists(HelpRequest.objects.filter(mantelzorger__user=OuterRef("pk"), status__in=OPEN_STATUSES)))
        .exclude(Exists(Match.objects.filter(volunteer__user=OuterRef("pk"), status__in=Match.OPEN_STATES)))
    )
    if ctx.organisation is None:
        return qs.filter(account_organisation__isnull=True)
    return qs.filter(account_organisation=ctx.organisation.pk)


def _valid_warning() -> QuerySet:
    # A warning is void once the person logged in after it.
    return InactivityWarning.objects.filter(user=OuterRef("pk"), warned_at__gt=OuterRef("last_seen"))


def _accounts_warn(ctx: Context) -> QuerySet:
    return _inactive_accounts(ctx).exclude(Exists(_valid_warning()))


def _accounts_remove(ctx: Context) -> QuerySet:
    warned_before = ctx.now - datetime.timedelta(days=ACCOUNT_WARNING_DAYS)
    return _inactive_accounts(ctx).filter(Exists(_valid_warning().filter(warned_at__lte=warned_before)))


def _accounts_warn_send(ids: list[int], ctx: Context) -> None:
    removal_day = timezone.localdate(ctx.now + datetime.timedelta(days=ACCOUNT_WARNING_DAYS))
    for user in User.objects.filter(pk__in=ids).order_by("pk"):
        InactivityWarning.objects.update_or_create(user=user, defaults={"warned_at": ctx.now})
        context = {
            "name": user.first_name or user.email,
            "login_url": absolute(reverse("account_login")),
            "removal_day": formats.date_format(removal_day, "j F Y"),
            "years": ctx.months["accounts"] // 12,
            "months": ctx.months["accounts"],
            "organisation": ctx.organisation,
        }
        mail_queue(
            template="privacy/email/inactive_warning",
            context=context,
            key=f"privacy-inactive:{user.pk}:{ctx.now:%Y%m%d}",
            kind="inactive_warning",
            category=Category.ACCOUNT,
            to_email=user.email,
            user=user,
            organisation=ctx.organisation,
        )


def account_remove(*, user) -> None:
    """Remove an unused account: a volunteer profile through the volunteers' own erasure
    (the person's availability, screening and profile go; a volunteer with matches stays
    as an anonymous row), then the login itself (allauth's addresses, mail preferences,
    calendar feed and the warning go with it). Requests and mantelzorger data lose their
    link to the account and follow their own periods."""
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is not None:
        # The account acts for itself: the same path as a volunteer who erases themselves.
        volunteer_delete(volunteer=volunteer, by=user)
    user = User.objects.filter(pk=user.pk).first()
    if user is None:
        return  # the volunteers' erasure took the login too
    preferences_erase(email=user.email)
    user.delete()


def _accounts_remove_apply(ids: list[int], ctx: Context) -> None:
    for user in User.objects.filter(pk__in=ids).order_by("pk"):
        account_remove(user=user)


SELECT: dict[str, Callable[[Context], QuerySet]] = {
    "sent_mail": _sent_mail,
    "accounts_remove": _accounts_remove,
    "accounts_warn": _accounts_warn,
    "requests": _requests,
    "signals": _signals,
    "mantelzorgers": _mantelzorgers,
    "checkins": _checkins,
    "matches": _matches,
    "hours": _hours,
    "vacancy_responses": _vacancy_responses,
    "activity_signups": _activity_signups,
    "access_log": _access_log,
}
APPLY: dict[str, Callable[[list[int], Context], None]] = {
    "sent_mail": _sent_mail_delete,
    "accounts_remove": _accounts_remove_apply,
    "accounts_warn": _accounts_warn_send,
    "requests": _requests_anonymise,
    "signals": _signals_anonymise,
    "mantelzorgers": _mantelzorgers_anonymise,
    "checkins": _checkins_delete,
    "matches": _matches_anonymise,
    "hours": _hours_anonymise,
    "vacancy_responses": _vacancy_responses_anonymise,
    "activity_signups": _activity_signups_anonymise,
    "access_log": _access_log_delete,
}
# Kinds that also cover records without an organisation (mail to nobody's organisation,
# accounts of people who never joined one).
WITHOUT_ORGANISATION = {"sent_mail", "accounts_remove", "accounts_warn", "access_log"}
assert set(SELECT) == set(APPLY) == set(KINDS_BY_CODE), "every kind of the schedule is selected and applied"


# --- The run ---------------------------------------------------------------------------------


@dataclass
class Due:
    """What one kind removed (or, in a dry run, would remove) at one organisation."""

    kind: str
    organisation: str  # the slug; "" for records of no organisation
    count: int = 0
    ids: list[int] = field(default_factory=list)  # empty when the run did not keep them

    @property
    def action(self) -> str:
        return KINDS_BY_CODE[self.kind].action.value


def _batches(qs: QuerySet, size: int) -> Iterator[list[int]]:
    """The ids of ``qs`` in ascending batches (keyset pagination: a batch is selected
    again after the one before was applied, and never twice)."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def retention_run(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    organisation: Organisation | None = None,
    kinds: list[str] | None = None,
    batch_size: int = 500,
    keep_ids: bool = True,
) -> list[Due]:
    """Apply the schedule (or, with ``dry_run``, list what it would do). Per kind (in the
    schedule's order), per organisation (all, or only ``organisation``; records of no
    organisation only when all are run). Each batch is one transaction. ``keep_ids``:
    list the ids (the command); the nightly task only counts."""
    now = now or timezone.now()
    codes = [kind.code for kind in KINDS if kinds is None or kind.code in kinds]
    organisations = [organisation] if organisation is not None else list(Organisation.objects.order_by("pk"))
    all_months = {org.pk: retention_months(organisation=org) for org in organisations}
    results: list[Due] = []
    for code in codes:
        scopes: list[Organisation | None] = list(organisations)
        if organisation is None and code in WITHOUT_ORGANISATION:
            scopes.append(None)
        for org in scopes:
            months = all_months[org.pk] if org is not None else default_months()
            ctx = Context(now=now, organisation=org, months=months)
            due = Due(kind=code, organisation=org.slug if org is not None else "")
            for batch in _batches(SELECT[code](ctx), batch_size):
                if not dry_run:
                    with transaction.atomic():
                        APPLY[code](batch, ctx)
                due.count += len(batch)
                if keep_ids:
                    due.ids.extend(batch)
            results.append(due)
    return results


def retention_counts(results: list[Due]) -> dict[str, int]:
    """Per kind, how many records (all organisations together)."""
    counts = {kind.code: 0 for kind in KINDS}
    for due in results:
        counts[due.kind] += due.count
    return counts
