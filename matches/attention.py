"""What needs the broker's attention, computed live from the data, plus the check-in.

:func:`attention_items` returns, for one organisation, everything that stalls, oldest
first (the longest-waiting on top):

==================  =====================================================================
kind                due when (``now`` frozen; every rule counts whole days)
==================  =====================================================================
proposal            ``proposed`` and proposed (``created_at``) at least 3 days ago (the
                    organisation's ``proposal_reminder_days``)
requester           ``accepted_by_volunteer`` and the volunteer said yes (``accepted_at``)
                    at least 3 days ago, the requester has not agreed yet
checkin             ``active``: no check-in yet and started (``activated_at``) at least 14
                    days ago, or the last check-in (``last_checkin_at``) at least 91 days ago
                    (the organisation's ``first_checkin_days`` and ``checkin_every_days``)
vog                 a volunteer with an open match of the organisation whose request
                    ``needs_vog``, and a VOG that ends within 60 days (Europe/Amsterdam
                    dates), has ended, or is missing; one item per volunteer
request             ``new`` / ``intake`` / ``ready`` and waiting (``created_at``) *longer*
                    than ``organisation.waiting_flag_days`` (the same rule as the queue's
                    "wacht lang" badge, ``caregivers.intake.is_waiting_long``)
hours               hours not approved, logged (``created_at``) at least 7 days ago; one item
                    per match
consultant          a carer's request to talk with the carer consultant (``topic``) that is
                    still new or in intake; since it came in
burden              a mantelzorger whose last burden check-in is high (``BurdenCheckIn.is_high``:
                    score 7 or more, or two signals or more), who has no open request
                    (new, intake, ready, matched) and whose care has not ended
                    (``Mantelzorger.objects.still_caring``); since the check-in, one item
                    per carer
==================  =====================================================================

Each item has a ``since`` moment (proposed at, said yes at, started or last check-in,
the start of the VOG's 60-day window (or the first open match when there is no VOG),
came in, oldest hours logged at); ``age_days`` is the whole days since then, and the
list is sorted on ``since`` (then kind, then pk), so "oldest first" and the ages shown
agree. Days are periods of 24 hours (``now`` is taken in UTC, so a DST change does not
shift a deadline by an hour); VOG dates are calendar days in Europe/Amsterdam.

Reads are one query per kind (eight in all), whatever the number of items;
:func:`attention_count` counts the same rules without loading rows.

:func:`match_checkin` records that the broker checked in with both sides of an active
match (sets ``last_checkin_at``, writes an ``active → active`` event).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caregivers.models import BurdenCheckIn, HelpRequest, Mantelzorger
from common.errors import DomainError
from matches.models import HoursEntry, Match, MatchEvent
from neighbourhoods.models import Organisation
from neighbourhoods.selectors import is_broker_of
from volunteers.models import Volunteer

__all__ = [
    "AttentionItem",
    "Kind",
    "attention_count",
    "attention_items",
    "match_checkin",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Status = Match.Status

# The proposal and check-in intervals are the organisation's own (Organisation
# proposal_reminder_days, first_checkin_days, checkin_every_days; set on its settings page).
REQUESTER_ANSWER_DAYS = 3
VOG_WARN_DAYS = 60
HOURS_APPROVE_DAYS = 7
WAITING_REQUEST_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY)
CHECKIN_NOTE_MAX = MatchEvent._meta.get_field("note").max_length  # 2000
CHECKIN_PREFIX = "Check-in: "


class Kind:
    PROPOSAL = "proposal"
    REQUESTER = "requester"
    CHECKIN = "checkin"
    VOG = "vog"
    REQUEST = "request"
    HOURS = "hours"
    BURDEN = "burden"
    CONSULTANT = "consultant"

    ORDER = (PROPOSAL, REQUESTER, CHECKIN, VOG, REQUEST, HOURS, BURDEN, CONSULTANT)
    LABELS = {
        PROPOSAL: gettext_lazy("Voorstel zonder antwoord"),
        REQUESTER: gettext_lazy("Wacht op de hulpvrager"),
        CHECKIN: gettext_lazy("Tijd voor een check-in"),
        VOG: gettext_lazy("VOG verloopt"),
        REQUEST: gettext_lazy("Vraag wacht lang"),
        HOURS: gettext_lazy("Uren goedkeuren"),
        BURDEN: gettext_lazy("Mantelzorger zwaar belast"),
        CONSULTANT: gettext_lazy("Gesprek met de mantelzorgconsulent"),
    }
    ACTIONS = {
        PROPOSAL: gettext_lazy("Naar de koppeling"),
        REQUESTER: gettext_lazy("Naar de koppeling"),
        CHECKIN: gettext_lazy("Naar de koppeling"),
        VOG: gettext_lazy("Naar de vrijwilliger"),
        REQUEST: gettext_lazy("Naar de hulpvraag"),
        HOURS: gettext_lazy("Uren bekijken"),
        BURDEN: gettext_lazy("Neem contact op"),
        CONSULTANT: gettext_lazy("Naar de hulpvraag"),
    }


@dataclass
class AttentionItem:
    """One thing that needs the broker: what (``kind``), since when, a Dutch sentence,
    the object it is about and where to act (``url_name`` + ``url_args``)."""

    kind: str
    since: datetime.datetime
    age_days: int
    text: str
    obj: Any
    url_name: str
    url_args: tuple

    @property
    def label(self) -> str:
        return str(Kind.LABELS[self.kind])

    @property
    def action(self) -> str:
        return str(Kind.ACTIONS[self.kind])

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)

    @property
    def sort_key(self) -> tuple:
        return (self.since, Kind.ORDER.index(self.kind), getattr(self.obj, "pk", 0) or 0)


# --- Small helpers -----------------------------------------------------------------------


def _utc(now: datetime.datetime | None) -> datetime.datetime:
    """``now`` in UTC, so that "N days" is always N × 24 hours, also across DST."""
    return (now or timezone.now()).astimezone(datetime.UTC)


def _days(count: int) -> str:
    return ngettext("%(count)s dag", "%(count)s dagen", count) % {"count": count}


def _age(now: datetime.datetime, since: datetime.datetime) -> int:
    return max((now - since).days, 0)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(AMSTERDAM).date()


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=AMSTERDAM)


def _full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip() or "?"


def _date_text(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F Y")


# --- The rules as querysets (shared by the list and the count) ------------------------------


def _proposals(organisation: Organisation, now: datetime.datetime) -> QuerySet[Match]:
    return Match.objects.filter(
        organisation=organisation,
        status=Status.PROPOSED,
        created_at__lte=now - datetime.timedelta(days=organisation.proposal_reminder_days),
    )


def _requester_pending(organisation: Organisation, now: datetime.datetime) -> QuerySet[Match]:
    return (
        Match.objects.filter(organisation=organisation, status=Status.ACCEPTED_BY_VOLUNTEER)
        .annotate(said_yes=Coalesce("accepted_at", "created_at", output_field=DateTimeField()))
        .filter(said_yes__lte=now - datetime.timedelta(days=REQUESTER_ANSWER_DAYS))
    )


def _checkins_due(organisation: Organisation, now: datetime.datetime) -> QuerySet[Match]:
    return (
        Match.objects.filter(organisation=organisation, status=Status.ACTIVE)
        .annotate(started=Coalesce("activated_at", "accepted_at", "created_at", output_field=DateTimeField()))
        .filter(
            Q(
                last_checkin_at__isnull=True,
                started__lte=now - datetime.timedelta(days=organisation.first_checkin_days),
            )
            | Q(last_checkin_at__lte=now - datetime.timedelta(days=organisation.checkin_every_days))
        )
    )


def _vog_expiring(organisation: Organisation, now: datetime.datetime) -> QuerySet[Volunteer]:
    warn_until = _local_date(now) + datetime.timedelta(days=VOG_WARN_DAYS)
    # One filter() call: the Min() below runs over exactly these matches.
    return (
        Volunteer.objects.filter(
            matches__organisation=organisation,
            matches__status__in=Match.OPEN_STATES,
            matches__request__needs_vog=True,
        )
        .filter(Q(vog_valid_until__isnull=True) | Q(vog_valid_until__lte=warn_until))
        .annotate(first_open_at=Min("matches__created_at"), first_open_match=Min("matches__pk"))
    )


def _requests_waiting(organisation: Organisation, now: datetime.datetime) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(
        organisation=organisation,
        status__in=WAITING_REQUEST_STATUSES,
        created_at__lt=now - datetime.timedelta(days=organisation.waiting_flag_days),
    )


def _hours_pending(organisation: Organisation, now: datetime.datetime) -> QuerySet:
    return (
        HoursEntry.objects.filter(
            match__organisation=organisation,
            approved_at__isnull=True,
            created_at__lte=now - datetime.timedelta(days=HOURS_APPROVE_DAYS),
        )
        .values("match_id", "match__volunteer__first_name", "match__volunteer__last_name")
        .annotate(oldest=Min("created_at"), entries=Count("pk"), total=Sum("hours"))
        .order_by("match_id")
    )


OPEN_REQUEST_STATUSES = (*WAITING_REQUEST_STATUSES, HelpRequest.Status.MATCHED)


def _high_checkin() -> Q:
    """``BurdenCheckIn.is_high`` as a filter: a high score, or two signals or more."""
    signals = BurdenCheckIn.SIGNALS
    pairs = Q()
    for i, first in enumerate(signals):
        for second in signals[i + 1 :]:
            pairs |= Q(**{first: True, second: True})
    return Q(score__gte=BurdenCheckIn.HIGH_SCORE) | pairs


def _burden_high(organisation: Organisation, now: datetime.datetime) -> QuerySet[Mantelzorger]:
    latest = BurdenCheckIn.objects.filter(mantelzorger=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Mantelzorger.objects.still_caring()
        .filter(organisation=organisation)
        .annotate(
            last_checkin=Subquery(latest.values("pk")[:1], output_field=IntegerField()),
            last_checkin_at=Subquery(latest.values("created_at")[:1], output_field=DateTimeField()),
            last_score=Subquery(latest.values("score")[:1], output_field=IntegerField()),
            last_request=Subquery(
                HelpRequest.objects.filter(mantelzorger=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1],
                output_field=IntegerField(),
            ),
        )
        .filter(Exists(BurdenCheckIn.objects.filter(_high_checkin(), pk=OuterRef("last_checkin"))))
        .exclude(Exists(HelpRequest.objects.filter(mantelzorger=OuterRef("pk"), status__in=OPEN_REQUEST_STATUSES)))
    )


def _consultant_requests(organisation: Organisation, now: datetime.datetime) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(
        organisation=organisation,
        topic="consultant",
        status__in=(HelpRequest.Status.NEW, HelpRequest.Status.INTAKE),
    )


# --- Items ---------------------------------------------------------------------------------


def _proposal_items(organisation, now):
    rows = _proposals(organisation, now).select_related("volunteer").order_by("created_at", "pk")
    for match in rows:
        age = _age(now, match.created_at)
        text = _(
            "Vrijwilliger %(name)s heeft na %(days)s nog niet gereageerd op het voorstel voor vraag #%(request)s."
        ) % {
            "name": _full_name(match.volunteer.first_name, match.volunteer.last_name),
            "days": _days(age),
            "request": match.request_id,
        }
        yield AttentionItem(
            Kind.PROPOSAL, match.created_at, age, text, match, "matching_broker:detail", (organisation.slug, match.pk)
        )


def _requester_items(organisation, now):
    rows = _requester_pending(organisation, now).select_related("volunteer").order_by("said_yes", "pk")
    for match in rows:
        age = _age(now, match.said_yes)
        text = _(
            "Vrijwilliger %(name)s zei %(days)s geleden ja op vraag #%(request)s. "
            "De hulpvrager heeft nog niet ingestemd."
        ) % {
            "name": _full_name(match.volunteer.first_name, match.volunteer.last_name),
            "days": _days(age),
            "request": match.request_id,
        }
        yield AttentionItem(
            Kind.REQUESTER, match.said_yes, age, text, match, "matching_broker:detail", (organisation.slug, match.pk)
        )


def _checkin_items(organisation, now):
    rows = _checkins_due(organisation, now).select_related("volunteer").order_by("pk")
    for match in rows:
        name = _full_name(match.volunteer.first_name, match.volunteer.last_name)
        if match.last_checkin_at is None:
            since = match.started
            age = _age(now, since)
            text = _(
                "De koppeling van %(name)s met vraag #%(request)s loopt %(days)s. Tijd voor de eerste check-in."
            ) % {"name": name, "request": match.request_id, "days": _days(age)}
        else:
            since = match.last_checkin_at
            age = _age(now, since)
            text = _(
                "De laatste check-in bij %(name)s en vraag #%(request)s was %(days)s geleden. "
                "Tijd voor een nieuwe check-in."
            ) % {"name": name, "request": match.request_id, "days": _days(age)}
        yield AttentionItem(
            Kind.CHECKIN, since, age, text, match, "matching_broker:detail", (organisation.slug, match.pk)
        )


def _vog_items(organisation, now):
    today = _local_date(now)
    for volunteer in _vog_expiring(organisation, now).order_by("pk"):
        name = _full_name(volunteer.first_name, volunteer.last_name)
        valid_until = volunteer.vog_valid_until
        if valid_until is None:
            since = volunteer.first_open_at
            text = _(
                "Vrijwilliger %(name)s heeft geen geldige VOG, maar heeft een koppeling waarvoor een VOG nodig is."
            ) % {"name": name}
        else:
            since = _start_of_day(valid_until - datetime.timedelta(days=VOG_WARN_DAYS))
            left = (valid_until - today).days
            values = {"name": name, "date": _date_text(valid_until), "days": _days(abs(left))}
            if left < 0:
                text = (
                    _(
                        "De VOG van vrijwilliger %(name)s is verlopen op %(date)s. "
                        "Een koppeling van deze vrijwilliger vraagt om een VOG."
                    )
                    % values
                )
            elif left == 0:
                text = (
                    _(
                        "De VOG van vrijwilliger %(name)s verloopt vandaag. "
                        "Een koppeling van deze vrijwilliger vraagt om een VOG."
                    )
                    % values
                )
            else:
                text = (
                    _(
                        "De VOG van vrijwilliger %(name)s verloopt over %(days)s, op %(date)s. "
                        "Een koppeling van deze vrijwilliger vraagt om een VOG."
                    )
                    % values
                )
        if volunteer.organisation_id == organisation.pk:
            url_name, url_args = "volunteers_broker:detail", (organisation.slug, volunteer.pk)
        else:
            # A volunteer of a partner organisation: the match page is the place to act.
            url_name, url_args = "matching_broker:detail", (organisation.slug, volunteer.first_open_match)
        yield AttentionItem(Kind.VOG, since, _age(now, since), text, volunteer, url_name, url_args)


def _request_items(organisation, now):
    for help_request in _requests_waiting(organisation, now).order_by("created_at", "pk"):
        age = _age(now, help_request.created_at)
        text = _("Vraag #%(pk)s (%(kind)s) wacht al %(days)s. De stand is: %(status)s.") % {
            "pk": help_request.pk,
            "kind": help_request.get_kind_display(),
            "days": _days(age),
            "status": help_request.get_status_display(),
        }
        yield AttentionItem(
            Kind.REQUEST,
            help_request.created_at,
            age,
            text,
            help_request,
            "caregivers_broker:detail",
            (organisation.slug, help_request.pk),
        )


def _hours_items(organisation, now):
    for row in _hours_pending(organisation, now):
        age = _age(now, row["oldest"])
        text = ngettext(
            "%(name)s schreef uren bij koppeling #%(match)s die nog niet zijn goedgekeurd, %(days)s geleden.",
            "%(name)s schreef %(count)s keer uren bij koppeling #%(match)s die nog niet zijn goedgekeurd; "
            "de oudste %(days)s geleden.",
            row["entries"],
        ) % {
            "name": _full_name(row["match__volunteer__first_name"], row["match__volunteer__last_name"]),
            "count": row["entries"],
            "match": row["match_id"],
            "days": _days(age),
        }
        yield AttentionItem(
            Kind.HOURS,
            row["oldest"],
            age,
            text,
            Match(pk=row["match_id"], organisation=organisation),
            "matching_broker:detail",
            (organisation.slug, row["match_id"]),
        )


def _burden_items(organisation, now):
    for carer in _burden_high(organisation, now).order_by("last_checkin_at", "pk"):
        age = _age(now, carer.last_checkin_at)
        text = _(
            "Mantelzorger %(name)s gaf %(days)s geleden aan dat de zorg zwaar is (%(score)s van 10) "
            "en heeft geen open hulpvraag."
        ) % {"name": _full_name(carer.first_name, carer.last_name), "days": _days(age), "score": carer.last_score}
        if carer.last_request:
            url_name, url_args = "caregivers_broker:detail", (organisation.slug, carer.last_request)
        else:
            url_name, url_args = "caregivers_broker:new", (organisation.slug,)
        yield AttentionItem(Kind.BURDEN, carer.last_checkin_at, age, text, carer, url_name, url_args)


def _consultant_items(organisation, now):
    for help_request in _consultant_requests(organisation, now).order_by("created_at", "pk"):
        age = _age(now, help_request.created_at)
        text = _("%(name)s wil praten met de mantelzorgconsulent (vraag #%(pk)s, %(days)s geleden).") % {
            "name": _full_name(help_request.requester_first_name, help_request.requester_last_name),
            "pk": help_request.pk,
            "days": _days(age),
        }
        yield AttentionItem(
            Kind.CONSULTANT,
            help_request.created_at,
            age,
            text,
            help_request,
            "caregivers_broker:detail",
            (organisation.slug, help_request.pk),
        )


def attention_items(*, organisation: Organisation, now: datetime.datetime | None = None) -> list[AttentionItem]:
    """Everything of ``organisation`` that needs a broker now, oldest first (see the
    module docstring for the rules). One query per kind, whatever the number of items."""
    now = _utc(now)
    items: list[AttentionItem] = []
    for produce in (
        _proposal_items,
        _requester_items,
        _checkin_items,
        _vog_items,
        _request_items,
        _hours_items,
        _burden_items,
        _consultant_items,
    ):
        items.extend(produce(organisation, now))
    items.sort(key=lambda item: item.sort_key)
    return items


def attention_count(*, organisation: Organisation, now: datetime.datetime | None = None) -> int:
    """How many items :func:`attention_items` would list (eight COUNT queries, no rows)."""
    now = _utc(now)
    return sum(
        rule(organisation, now).count()
        for rule in (
            _proposals,
            _requester_pending,
            _checkins_due,
            _vog_expiring,
            _requests_waiting,
            _hours_pending,
            _burden_high,
            _consultant_requests,
        )
    )


# --- The check-in ----------------------------------------------------------------------------


def match_checkin(*, match: Match, by, note: str) -> MatchEvent:
    """Record that a broker of the match's organisation checked in with both sides of an
    *active* match: ``last_checkin_at`` becomes now and an ``active → active`` event
    keeps the note (prefixed "Check-in: "). An empty or too long note, a match that is
    not active, or someone who is not a broker there: :class:`DomainError`, nothing saved."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Schrijf kort hoe het gaat. Dat is nodig om de check-in op te slaan."), field="note")
    if len(note) > CHECKIN_NOTE_MAX:
        raise DomainError(
            _("De notitie is te lang: hoogstens %(limit)s tekens, nu %(count)s.")
            % {"limit": CHECKIN_NOTE_MAX, "count": len(note)},
            field="note",
        )
    with transaction.atomic():
        locked = Match.objects.select_for_update(of=("self",)).filter(pk=match.pk).first()
        if locked is None:
            raise DomainError(_("Deze koppeling bestaat niet meer."))
        if not is_broker_of(by, locked.organisation_id):
            raise DomainError(_("U mag dit niet doen bij deze koppeling."))
        if locked.status != Status.ACTIVE:
            raise DomainError(
                _("Een check-in kan alleen bij een koppeling die loopt. Deze koppeling is: %(status)s.")
                % {"status": locked.get_status_display()}
            )
        now = timezone.now()
        # Conditional UPDATE: keeps the rule on SQLite too, where row locks do nothing.
        claimed = Match.objects.filter(pk=locked.pk, status=Status.ACTIVE).update(last_checkin_at=now, updated_at=now)
        if not claimed:  # pragma: no cover - only without row locks
            raise DomainError(_("De koppeling is net veranderd. Laad de pagina opnieuw en probeer het nog eens."))
        event = MatchEvent.objects.create(
            match=locked, from_status=Status.ACTIVE, to_status=Status.ACTIVE, by=by, note=CHECKIN_PREFIX + note
        )
    match.last_checkin_at = now
    match.updated_at = now
    return event
