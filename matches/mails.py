"""Who hears what when a match moves, and the periodic reminders.

Everything goes through the outbox (``notifications.services.mail_queue``)
inside the transaction of the change, with a key that makes it happen once:

=========================  ==============================================  ===========
when                       who gets an e-mail                              category
=========================  ==============================================  ===========
proposed (broker confirms)  the volunteer, with single-use yes/no links     proposals
volunteer says yes          the requester (or their mantelzorger); the      updates,
                            broker who proposed                             broker
volunteer says no           the broker who proposed                         broker
requester says no           the volunteer; the broker who proposed          updates,
                                                                            broker
broker records a no         the volunteer; the requester once they knew     updates
active (requester agrees)   the volunteer and the requester                 updates
cancelled by the broker     the volunteer; the requester once they knew      updates
ended                       the volunteer (thank you)                       updates
no answer after 3 days(*)   the volunteer, with fresh links (once; only     reminders
                            when the proposal itself was e-mailed)
no answer after 7 days(*)   the broker who proposed (once)                  broker
VOG ends within 60 days     the volunteer, once per VOG date                reminders
no burden check-in for N    the mantelzorger (with e-mail, still caring:    reminders
days (the organisation's    someone cared for on record), once per N days
``carer_checkin_reminder_days``, default 91)
every morning (8-12 h)      each broker: what needs attention (counts)      digest
10 November to 31 December  each carer still caring: a yearly thank-you,     updates
(Dag van de Mantelzorg)     with the municipality's mantelzorgwaardering
milestone reached (first    the volunteer, a thank-you (once per milestone, updates
match ended, 100 approved   recorded in VolunteerMilestone; only when
hours, a year since the     reached in the last 30 days; active volunteers)
first match started)
=========================  ==============================================  ===========

(*) the defaults; each organisation sets its own (``Organisation.proposal_reminder_days``,
``proposal_alert_days``, on its settings page).

Nobody gets mail about a step they took themselves. E-mails hold first names, the
area and the times, never an address, a phone number or anything about someone's
health; the details are behind the login.
"""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caregivers.models import CareRecipient, HelpRequest, Mantelzorger
from matches.appreciation import milestones_send
from matches.models import Match, MatchEvent, MatchLinkToken
from neighbourhoods.models import Organisation, StaffMembership
from notifications.links import absolute
from notifications.models import Category
from notifications.services import mail_queue, wants_mail

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Status = Match.Status

# The volunteer is reminded when the proposal shows on the broker's attention list: both
# use Organisation.proposal_reminder_days (default 3); the broker's alert comes after
# Organisation.proposal_alert_days (default 7).
# The morning digest goes out on the first run between the start of waking hours and this hour.
DIGEST_UNTIL_HOUR = 12


def _queue(*, key: str, template: str, context: dict, to_email: str, category: str, user=None, match=None, org=None):
    return mail_queue(
        template=f"matches/email/{template}",
        context=context,
        key=key,
        kind=template,
        category=category,
        to_email=to_email,
        user=user,
        organisation=org or (match.organisation if match is not None else None),
        match=match,
    )


# --- The people of a match ----------------------------------------------------------------


def _volunteer_contact(volunteer) -> tuple[str, object | None]:
    """The volunteer's own address, else their login's, and the login (or None)."""
    user = volunteer.user if volunteer.user_id else None
    return (volunteer.email or (user.email if user else "")), user


def _requester_contact(request: HelpRequest) -> tuple[str, object | None]:
    """The address of the person who asked (their account, else the one on the
    request), else their mantelzorger's."""
    if request.requester_id:
        return request.requester.email, request.requester
    carer = request.mantelzorger
    if carer is not None and carer.user_id:
        return carer.user.email, carer.user
    return (request.email or (carer.email if carer is not None else "")), None


def _broker_of(match: Match):
    """The broker who proposed, while they still work for the organisation."""
    from neighbourhoods.selectors import is_broker_of

    user = match.proposed_by
    if user is None or not user.email:
        return None
    return user if is_broker_of(user, match.organisation_id) else None


def _same_person(user, by) -> bool:
    return user is not None and by is not None and getattr(by, "pk", None) == user.pk


def _context(match: Match) -> dict:
    from matches.selectors import proposal_summary

    request = match.request
    return {
        "match": match,
        "organisation": match.organisation,
        "volunteer_name": match.volunteer.first_name,
        "requester_name": request.requester_first_name,
        "proposal": proposal_summary(match),
        "request_id": request.pk,
    }


def _urls(match: Match) -> dict:
    slug = match.organisation.slug
    return {
        "volunteer_url": absolute(reverse("matching_people:mine")),
        "requester_url": absolute(reverse("matching_people:requester")),
        "broker_url": absolute(reverse("matching_broker:detail", kwargs={"slug": slug, "pk": match.pk})),
    }


def match_event_notify(*, match: Match, event: MatchEvent, by=None, departed: bool = False) -> int:
    """Queue the e-mails for one transition (see the module docstring). Called by
    ``matches.lifecycle`` inside the transaction that records ``event``. Returns the
    number of e-mails queued. ``departed``: one side's data is being erased; the mail
    names nobody and gives no reason."""
    # Dutch, whatever language the person who took the step reads the site in: the
    # kind of help, the times and the reasons are worked out here, not in the template.
    with translation.override("nl"):
        return _match_event_notify(match=match, event=event, by=by, departed=departed)


def _match_event_notify(*, match: Match, event: MatchEvent, by=None, departed: bool = False) -> int:
    match = (
        Match.objects.select_related(
            "organisation",
            "volunteer__user",
            "proposed_by",
            "request__requester",
            "request__mantelzorger__user",
            "request__neighbourhood",
        )
        .prefetch_related("request__slots", "request__dates", "request__skills")
        .get(pk=match.pk)
    )
    to = event.to_status
    side = match.declined_by_side
    volunteer_email, volunteer_user = _volunteer_contact(match.volunteer)
    requester_email, requester_user = _requester_contact(match.request)
    broker = _broker_of(match)
    from matches.selectors import HOURS_GRACE_DAYS

    context = {
        **_context(match),
        **_urls(match),
        "event": event,
        "note": match.get_decline_reason_display(),
        "grace_days": HOURS_GRACE_DAYS,
        "departed": departed,
    }
    sends: list[tuple[str, str, str, object | None, str]] = []  # (role, template, email, user, category)

    if to == Status.ACCEPTED_BY_VOLUNTEER:
        sends.append(("requester", "accepted_requester", requester_email, requester_user, Category.UPDATES))
        sends.append(("broker", "accepted_broker", broker.email if broker else "", broker, Category.BROKER))
    elif to == Status.DECLINED:
        if side == "requester":
            sends.append(("volunteer", "declined_volunteer", volunteer_email, volunteer_user, Category.UPDATES))
        elif side == "broker":
            # The broker recorded a no for someone: both sides hear it does not go on.
            sends.append(("volunteer", "cancelled_volunteer", volunteer_email, volunteer_user, Category.UPDATES))
            if event.from_status != Status.PROPOSED:
                sends.append(("requester", "cancelled_requester", requester_email, requester_user, Category.UPDATES))
        elif event.from_status != Status.PROPOSED:
            sends.append(("requester", "declined_requester", requester_email, requester_user, Category.UPDATES))
        sends.append(("broker", "declined_broker", broker.email if broker else "", broker, Category.BROKER))
    elif to == Status.ACTIVE and event.from_status != Status.ACTIVE:
        sends.append(("volunteer", "active_volunteer", volunteer_email, volunteer_user, Category.UPDATES))
        sends.append(("requester", "active_requester", requester_email, requester_user, Category.UPDATES))
    elif to == Status.CANCELLED:
        sends.append(("volunteer", "cancelled_volunteer", volunteer_email, volunteer_user, Category.UPDATES))
        if event.from_status != Status.PROPOSED:
            sends.append(("requester", "cancelled_requester", requester_email, requester_user, Category.UPDATES))
    elif to == Status.ENDED:
        sends.append(("volunteer", "ended_volunteer", volunteer_email, volunteer_user, Category.UPDATES))

    queued = 0
    for role, template, email, user, category in sends:
        if not email or _same_person(user, by):
            continue
        if role == "requester" and to == Status.ACCEPTED_BY_VOLUNTEER and user is None:
            # Someone without an account cannot agree online: the broker calls them.
            template = "accepted_requester_offline"
        row = _queue(
            key=f"match:{match.pk}:event:{event.pk}:{role}",
            template=template,
            context={**context, "has_account": user is not None},
            to_email=email,
            category=category,
            user=user,
            match=match,
        )
        queued += row is not None
    return queued


# --- The proposal --------------------------------------------------------------------------


def proposal_notify(*, match: Match, reminder: bool = False, base_url: str | None = None) -> dict[str, str] | None:
    """Queue the proposal (or, with ``reminder``, the reminder after 3 days) for the
    volunteer, with a new single-use accept and decline link each. Returns the two
    secrets, or None when nothing was queued (no address, mail switched off, this
    e-mail was queued before, or, for a reminder, the proposal itself was never
    mailed)."""
    with translation.override("nl"):
        return _proposal_notify(match=match, reminder=reminder, base_url=base_url)


def _proposal_notify(*, match: Match, reminder: bool, base_url: str | None) -> dict[str, str] | None:
    from matches.links import LINK_DAYS, match_link_create
    from notifications.models import Notification

    match = (
        Match.objects.select_related("volunteer__user", "request__neighbourhood", "organisation")
        .prefetch_related("request__slots", "request__dates", "request__skills")
        .get(pk=match.pk)
    )
    email, user = _volunteer_contact(match.volunteer)
    category = Category.REMINDERS if reminder else Category.PROPOSALS
    if not email or not wants_mail(email, category, user=user):
        return None
    key = f"match:{match.pk}:{'proposal-reminder' if reminder else 'proposal'}"
    if Notification.objects.filter(key=key).exists():
        return None
    if reminder and not Notification.objects.filter(key=f"match:{match.pk}:proposal").exists():
        return None  # no reminder of a proposal the volunteer never got by e-mail
    with transaction.atomic():
        secrets_ = {
            purpose: match_link_create(match=match, purpose=purpose)
            for purpose in (MatchLinkToken.Purpose.ACCEPT, MatchLinkToken.Purpose.DECLINE)
        }
        context = {
            **_context(match),
            "volunteer": match.volunteer,
            "accept_url": absolute(
                reverse("matching_people:link", kwargs={"purpose": "accept", "secret": secrets_["accept"]}), base_url
            ),
            "decline_url": absolute(
                reverse("matching_people:link", kwargs={"purpose": "decline", "secret": secrets_["decline"]}),
                base_url,
            ),
            "mine_url": absolute(reverse("matching_people:mine"), base_url),
            "days": LINK_DAYS,
            "reminder": reminder,
        }
        row = _queue(
            key=key,
            template="proposal",
            context=context,
            to_email=email,
            category=category,
            user=user,
            match=match,
        )
        if row is None:  # pragma: no cover - checked above; a race with another sender
            transaction.set_rollback(True)
            return None
    return secrets_


# --- Periodic reminders --------------------------------------------------------------------


def _in_waking_hours(now: datetime.datetime) -> bool:
    start, until = getattr(settings, "REMINDER_HOURS", (8, 20))
    return start <= now.astimezone(AMSTERDAM).hour < until


def _digest_time(now: datetime.datetime) -> bool:
    start, _until = getattr(settings, "REMINDER_HOURS", (8, 20))
    return start <= now.astimezone(AMSTERDAM).hour < max(start + 1, DIGEST_UNTIL_HOUR)


def reminders_send(*, now: datetime.datetime | None = None, force: bool = False) -> Counter:
    """Queue the reminders that are due (module docstring), for every organisation.
    Idempotent: each reminder has its own key, so running this every few minutes
    sends each one once. Only between ``REMINDER_HOURS`` Europe/Amsterdam wall-clock
    time (nobody gets a reminder at night), unless ``force``."""
    now = now or timezone.now()
    counts: Counter = Counter()
    if not force and not _in_waking_hours(now):
        counts["quiet_hours"] = 1
        return counts
    with translation.override("nl"):
        for organisation in Organisation.objects.order_by("pk"):
            counts.update(_organisation_reminders(organisation, now))
    return counts


def carer_checkin_reminders(*, organisation: Organisation, now: datetime.datetime) -> int:
    """A gentle e-mail to each carer of ``organisation`` whose last burden check-in (or
    registration) is at least ``carer_checkin_reminder_days`` ago: once per such period
    (the key holds the period's number), never to a carer without an e-mail address,
    whose care ended (``care_ended_on`` set, nobody cared for on record, or erased), or who switched
    reminders off (``mail_queue`` asks the preferences). Returns how many were queued."""
    days = organisation.carer_checkin_reminder_days
    now = now.astimezone(datetime.UTC)  # N days are N × 24 hours, also across DST
    carers = (
        Mantelzorger.objects.still_caring()
        .filter(organisation=organisation)
        .filter(Exists(CareRecipient.objects.filter(mantelzorger=OuterRef("pk"))))
        .annotate(last_at=Coalesce(Max("checkins__created_at"), "created_at"))
        .filter(last_at__lte=now - datetime.timedelta(days=days))
        .select_related("user")
        .order_by("pk")
    )
    queued = 0
    for carer in carers:
        email = carer.email or (carer.user.email if carer.user_id else "")
        period = (now - carer.last_at).days // days
        row = _queue(
            key=f"mantelzorger:{carer.pk}:checkin-reminder:{carer.last_at:%Y%m%d%H%M%S}:{period}",
            template="checkin_reminder_carer",
            context={
                "organisation": organisation,
                "name": carer.first_name,
                "checkin_url": absolute(reverse("caregivers:checkin")),
            },
            to_email=email,
            category=Category.REMINDERS,
            user=carer.user,
            org=organisation,
        )
        queued += row is not None
    return queued


# The carers' yearly thank-you goes out on the Dag van de Mantelzorg (10 November), or on
# the first run after it that year (month, day; Europe/Amsterdam).
CARER_THANKS_DAY = (11, 10)


def carer_thanks_send(*, organisation: Organisation, now: datetime.datetime) -> int:
    """The carers' yearly thank-you: once a year, from the Dag van de Mantelzorg to the end
    of the year, to each carer of ``organisation`` who still cares for someone (someone cared
    for on record, no ``care_ended_on``) and has an
    e-mail address, with the mantelzorgwaardering of their municipality where the
    organisation keeps one (``neighbourhoods.CarerAppreciation``). Once per carer and
    year (the outbox key holds the year); preferences respected (``updates``). Returns
    how many were queued."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from neighbourhoods.selectors import carer_appreciation_for
    from notifications.models import Notification

    today = now.astimezone(AMSTERDAM).date()
    if (today.month, today.day) < CARER_THANKS_DAY:
        return 0
    suffix = f":yearly-thanks:{today.year}"
    carers = (
        Mantelzorger.objects.still_caring()
        .filter(organisation=organisation)
        .filter(Exists(CareRecipient.objects.filter(mantelzorger=OuterRef("pk"))))
        .annotate(thanks_key=Concat(Value("mantelzorger:"), Cast("pk", CharField()), Value(suffix)))
        .exclude(Exists(Notification.objects.filter(key=OuterRef("thanks_key"))))
        .select_related("user", "neighbourhood__municipality")
        .order_by("pk")
    )
    queued = 0
    for carer in carers:
        municipality = carer.neighbourhood.municipality if carer.neighbourhood_id else None
        row = _queue(
            key=f"mantelzorger:{carer.pk}{suffix}",
            template="carer_thanks",
            context={
                "organisation": organisation,
                "name": carer.first_name,
                "year": today.year,
                "appreciation": carer_appreciation_for(organisation=organisation, municipality=municipality),
                "home_url": absolute(reverse("caregivers:mantelzorger_home")),
            },
            to_email=carer.email or (carer.user.email if carer.user_id else ""),
            category=Category.UPDATES,
            user=carer.user,
            org=organisation,
        )
        queued += row is not None
    return queued


def _organisation_reminders(organisation: Organisation, now: datetime.datetime) -> Counter:
    from matches.attention import Kind, _vog_expiring, attention_items

    counts: Counter = Counter()
    waiting = Match.objects.filter(organisation=organisation, status=Status.PROPOSED)
    remind_before = now - datetime.timedelta(days=organisation.proposal_reminder_days)
    for match in waiting.filter(created_at__lte=remind_before).order_by("created_at", "pk"):
        if proposal_notify(match=match, reminder=True) is not None:
            counts["proposal_reminder"] += 1
    alert_before = now - datetime.timedelta(days=organisation.proposal_alert_days)
    for match in (
        waiting.filter(created_at__lte=alert_before)
        .select_related("proposed_by", "organisation", "volunteer", "request")
        .order_by("created_at", "pk")
    ):
        broker = _broker_of(match)
        if broker is None:
            continue  # the digest tells every broker
        row = _queue(
            key=f"match:{match.pk}:proposal-alert",
            template="proposal_alert_broker",
            context={
                **_urls(match),
                "match": match,
                "organisation": organisation,
                "days": organisation.proposal_alert_days,
                "remind_days": organisation.proposal_reminder_days,
                "volunteer_name": match.volunteer.first_name,
                "request_id": match.request_id,
            },
            to_email=broker.email,
            category=Category.BROKER,
            user=broker,
            match=match,
        )
        counts["proposal_alert"] += row is not None
    for volunteer in _vog_expiring(organisation, now).select_related("user"):
        email, user = _volunteer_contact(volunteer)
        row = _queue(
            key=f"volunteer:{volunteer.pk}:vog:{volunteer.vog_valid_until or 'none'}",
            template="vog_volunteer",
            context={
                "organisation": organisation,
                "volunteer_name": volunteer.first_name,
                "valid_until": volunteer.vog_valid_until,
                "expired": volunteer.vog_valid_until is not None
                and volunteer.vog_valid_until < now.astimezone(AMSTERDAM).date(),
            },
            to_email=email,
            category=Category.REMINDERS,
            user=user,
            org=organisation,
        )
        counts["vog_reminder"] += row is not None
    counts["carer_checkin_reminder"] += carer_checkin_reminders(organisation=organisation, now=now)
    counts["carer_thanks"] += carer_thanks_send(organisation=organisation, now=now)
    # Thanks at milestones (matches.appreciation): recorded once, mailed once.
    for name, number in milestones_send(organisation=organisation, now=now).items():
        counts[f"milestone_{name}"] += number
    # The morning digest: one e-mail per broker and day, only when something waits,
    # sent on the first run between the start of waking hours and noon.
    items = attention_items(organisation=organisation, now=now) if _digest_time(now) else []
    if items:
        by_kind = Counter(item.kind for item in items)
        lines = [(str(Kind.LABELS[kind]), by_kind[kind]) for kind in Kind.ORDER if by_kind[kind]]
        today = now.astimezone(AMSTERDAM).date()
        staff = (
            StaffMembership.objects.filter(organisation=organisation, role__in=StaffMembership.CASEWORK_ROLES)
            .select_related("user")
            .order_by("user_id")
        )
        seen: set[int] = set()
        for membership in staff:
            user = membership.user
            if user.pk in seen or not user.email or not user.is_active:
                continue
            seen.add(user.pk)
            row = _queue(
                key=f"digest:{organisation.pk}:{user.pk}:{today.isoformat()}",
                template="digest_broker",
                context={
                    "organisation": organisation,
                    "name": user.first_name,
                    "lines": lines,
                    "total": len(items),
                    "oldest_days": max(item.age_days for item in items),
                    "action_url": absolute(reverse("attention:list", kwargs={"slug": organisation.slug})),
                    "action_label": _("Naar ‘Aandacht nodig’"),
                },
                to_email=user.email,
                category=Category.DIGEST,
                user=user,
                org=organisation,
            )
            counts["digest"] += row is not None
    return counts
