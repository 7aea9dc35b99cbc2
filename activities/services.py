"""Writes about activities: create and change one, sign up (oneself or by a broker),
cancel, the waiting list's offers (accept, decline, expire) and the invitation of
waiting requesters. Keyword-only arguments, checks first, one
:class:`~common.errors.DomainError` the views turn into a form error or a 4xx.

Capacity is claimed under a row lock: every change that takes or frees a place locks
the activity first (``select_for_update``), counts the places held and writes in the
same transaction, so two sign-ups at the same moment never take one place twice.
An offer moves on with a conditional UPDATE (``offered`` -> ``expired``) under that
lock: the expiry task running twice moves on exactly once."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import OFFER_HOURS, Activity, ActivityDate, ActivitySlot, SignUp
from caregivers.burden import burden_high_of
from caregivers.models import HelpRequest, Mantelzorger
from common.errors import DomainError
from common.geo import Point
from common.slots import Slot, check_no_overlap
from neighbourhoods.models import Organisation
from neighbourhoods.selectors import is_broker_of, neighbourhood_for_point
from notifications.links import absolute
from notifications.models import Category
from notifications.services import mail_queue
from partners.models import Partner, PartnerMembership
from partners.selectors import partner_settings
from partners.services import REVIEWED_FIRST
from volunteers.models import Volunteer

MAX_DATES = 60
PARTS = ("morning", "afternoon", "evening")


@dataclass(frozen=True)
class DateTime:
    """One date of an activity, as the form gives it."""

    date: datetime.date
    start: datetime.time
    end: datetime.time


def _require_broker(organisation: Organisation, by) -> None:
    if not is_broker_of(by, organisation.pk):
        raise DomainError(_("Alleen een makelaar of beheerder van de centrale mag dit doen."))


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


# --- The activity --------------------------------------------------------------------------


def _check_activity(*, schedule, dates, slots, until, participant_places, volunteer_places, point, today) -> None:
    if schedule not in Activity.Schedule.values:
        raise DomainError(_("Kies wanneer de activiteit is."), field="schedule")
    if schedule == Activity.Schedule.DATES:
        if not dates:
            raise DomainError(_("Vul minstens één datum in."), field="dates")
        if len(dates) > MAX_DATES:
            raise DomainError(_("Vul hooguit %(n)s datums in.") % {"n": MAX_DATES}, field="dates")
        for item in dates:
            if item.date < today:
                raise DomainError(_("Deze datum is al voorbij. Kies een datum vanaf vandaag."), field="dates")
            if item.end <= item.start:
                raise DomainError(_("De eindtijd moet na de begintijd liggen."), field="dates")
    if schedule == Activity.Schedule.WEEKLY and not slots:
        raise DomainError(_("Kies minstens één vaste tijd in de week."), field="slots")
    if until is None:
        raise DomainError(_("Vul in tot wanneer de activiteit loopt."), field="until")
    if until < today:
        raise DomainError(_("Deze datum is al voorbij. Kies een datum vanaf vandaag."), field="until")
    if schedule == Activity.Schedule.DATES and dates and until < max(item.date for item in dates):
        raise DomainError(_("De activiteit moet lopen tot en met de laatste datum."), field="until")
    if participant_places is None or participant_places < 1:
        raise DomainError(_("Er is minstens één plaats voor deelnemers nodig."), field="participant_places")
    if volunteer_places is None or volunteer_places < 0:
        raise DomainError(_("Vul 0 of meer plaatsen voor vrijwilligers in."), field="volunteer_places")
    if point is None:
        raise DomainError(_("Vul de postcode of plaats in."), field="postcode")


def activity_save(*, organisation: Organisation, by, activity: Activity | None = None, **values) -> Activity:
    """Create an activity (``activity`` None) or change one of the organisation's own; the
    fields are those of :func:`_activity_write`. Only the organisation's brokers."""
    _require_broker(organisation, by)
    return _activity_write(organisation=organisation, by=by, activity=activity, **values)


def partner_activity_create(*, partner: Partner, by, **values) -> Activity:
    """A partner's account posts an activity the partner organises itself. Like its
    vacancies, the centre checks the partner's first ones before they are public (the
    centre's setting ``review_first_vacancies``, ``partners.services.REVIEWED_FIRST``
    approved ones): until then the status is ``review``. Sign-ups go through the centre's
    rules (its waiting list); the partner sees who signed up on its own pages."""
    if not partner.is_active or not PartnerMembership.objects.filter(partner=partner, user=by).exists():
        raise DomainError(_("U werkt niet voor deze partner."))
    values.pop("demand", None)
    values.pop("activity", None)
    values["partner"] = partner
    with transaction.atomic():
        review = partner_needs_review(partner)
        activity = _activity_write(organisation=partner.organisation, by=by, activity=None, **values)
        Activity.objects.filter(pk=activity.pk).update(
            by_partner=True, status=Activity.Status.REVIEW if review else Activity.Status.OPEN
        )
        activity.refresh_from_db()
    return activity


def partner_needs_review(partner: Partner) -> bool:
    """Whether the centre checks the partner's next activity first."""
    if not partner_settings(partner.organisation).review_first_vacancies:
        return False
    approved = Activity.objects.filter(
        partner=partner, by_partner=True, reviewed_by__isnull=False, reviewed_at__isnull=False
    ).exclude(status__in=[Activity.Status.REVIEW, Activity.Status.REJECTED])
    return approved.count() < REVIEWED_FIRST


def activity_review(*, activity: Activity, by, approve: bool) -> Activity:
    """The centre's broker approves (public from now on) or rejects a partner's activity
    that waits for the check. Once only: a second answer is refused."""
    _require_broker(activity.organisation, by)
    now = timezone.now()
    status = Activity.Status.OPEN if approve else Activity.Status.REJECTED
    updated = Activity.objects.filter(pk=activity.pk, status=Activity.Status.REVIEW).update(
        status=status, reviewed_by=by, reviewed_at=now, updated_at=now
    )
    if not updated:
        raise DomainError(_("Deze activiteit wacht niet (meer) op controle."))
    activity.refresh_from_db()
    return activity


def _activity_write(
    *,
    organisation: Organisation,
    by,
    activity: Activity | None,
    title: str,
    description: str,
    kind: str = Activity.Kind.OTHER,
    audience: str = Activity.Audience.EVERYONE,
    partner: Partner | None = None,
    schedule: str,
    dates: Iterable[DateTime] = (),
    slots: Iterable[Slot] = (),
    until: datetime.date | None,
    participant_places: int,
    volunteer_places: int = 0,
    waiting_order: str = Activity.WaitingOrder.FIRST_COME,
    postcode: str = "",
    house_number: str = "",
    place: str = "",
    point: Point | None = None,
    demand: dict | None = None,
) -> Activity:
    if activity is not None and activity.organisation_id != organisation.pk:
        raise DomainError(_("Deze activiteit is van een andere centrale."))
    if partner is not None and partner.organisation_id != organisation.pk:
        raise DomainError(_("Kies een partner uit de lijst."), field="partner")
    today = timezone.localdate()
    dates = sorted(set(dates), key=lambda d: (d.date, d.start)) if schedule == Activity.Schedule.DATES else []
    slots = check_no_overlap(list(slots)) if schedule == Activity.Schedule.WEEKLY else []
    _check_activity(
        schedule=schedule,
        dates=dates,
        slots=slots,
        until=until,
        participant_places=participant_places,
        volunteer_places=volunteer_places,
        point=point,
        today=today,
    )
    title, description = " ".join((title or "").split()), (description or "").strip()
    if not title:
        raise DomainError(_("Geef de activiteit een titel."), field="title")
    if not description:
        raise DomainError(_("Vertel wat er gebeurt bij de activiteit."), field="description")
    if waiting_order not in Activity.WaitingOrder.values:
        raise DomainError(_("Kies de volgorde van de wachtlijst."), field="waiting_order")
    creating = activity is None
    if creating:
        activity = Activity(organisation=organisation, created_by=by)
        demand = demand or {}
        activity.demand_neighbourhood_id = demand.get("neighbourhood")
        activity.demand_skill_id = demand.get("skill")
        activity.demand_weekday = demand.get("weekday")
        activity.demand_part = demand.get("part") or ""
    values = {
        "title": title,
        "description": description,
        "kind": kind,
        "audience": audience,
        "partner": partner,
        "schedule": schedule,
        "until": until,
        "participant_places": participant_places,
        "volunteer_places": volunteer_places,
        "waiting_order": waiting_order,
        "postcode": postcode or "",
        "house_number": house_number or "",
        "place": place or "",
        "latitude": point.lat,
        "longitude": point.lon,
        "neighbourhood": neighbourhood_for_point(point=point),
    }
    for name, value in values.items():
        setattr(activity, name, value)
    try:
        activity.full_clean(
            exclude=["organisation", "partner", "created_by", "neighbourhood", "demand_neighbourhood", "demand_skill"]
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), field=field)
    with transaction.atomic():
        activity.save()
        activity.dates.all().delete()
        ActivityDate.objects.bulk_create(
            ActivityDate(activity=activity, date=d.date, start=d.start, end=d.end) for d in dates
        )
        activity.slots.all().delete()
        ActivitySlot.objects.bulk_create(
            ActivitySlot(activity=activity, weekday=s.weekday, start=s.start, end=s.end) for s in slots
        )
        if not creating:
            # More places: the waiting list moves up at once.
            for role in SignUp.Role.values:
                _offer_next(activity=_locked(activity.pk), role=role)
    return activity


def waiting_order_set(*, activity: Activity, by, order: str) -> Activity:
    """The broker applies a priority rule to the waiting list."""
    _require_broker(activity.organisation, by)
    if order not in Activity.WaitingOrder.values:
        raise DomainError(_("Kies de volgorde van de wachtlijst."), field="order")
    Activity.objects.filter(pk=activity.pk).update(waiting_order=order, updated_at=timezone.now())
    activity.waiting_order = order
    return activity


# --- Signing up ----------------------------------------------------------------------------


def _locked(pk: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=pk)


def _places(activity: Activity, role: str) -> int:
    return activity.participant_places if role == SignUp.Role.PARTICIPANT else activity.volunteer_places


def _holding(activity: Activity, role: str) -> int:
    return SignUp.objects.filter(activity=activity, role=role, status__in=SignUp.HOLDING).count()


def is_open_for_signups(activity: Activity, today: datetime.date | None = None) -> bool:
    return activity.status == Activity.Status.OPEN and not activity.is_over(today)


def signup_create(
    *,
    activity: Activity,
    role: str,
    by,
    user=None,
    mantelzorger: Mantelzorger | None = None,
    volunteer: Volunteer | None = None,
) -> SignUp:
    """Sign someone up: a place when one is free and nobody waits before them,
    otherwise a place on the waiting list. ``by`` is the person themselves, or a broker
    of the organisation (then ``user`` may be empty: someone without an account)."""
    if role not in SignUp.Role.values:
        raise DomainError(_("Kies of u meedoet of helpt."), field="role")
    if role == SignUp.Role.HELPER:
        mantelzorger = None
        if volunteer is None:
            raise DomainError(_("Alleen vrijwilligers kunnen zich aanmelden om te helpen."))
    else:
        volunteer = None
    for profile in (mantelzorger, volunteer):
        if profile is not None and profile.organisation_id != activity.organisation_id:
            raise DomainError(_("Deze activiteit is van een andere centrale."))
    if user is None and mantelzorger is None and volunteer is None:
        raise DomainError(_("Kies wie u aanmeldt."), field="person")
    if by is not None and by != user and not is_broker_of(by, activity.organisation_id):
        raise DomainError(_("U mag alleen uzelf aanmelden."))
    person = Q()
    if user is not None:
        person |= Q(user=user)
    if mantelzorger is not None:
        person |= Q(mantelzorger=mantelzorger)
    if volunteer is not None:
        person |= Q(volunteer=volunteer)
    try:
        with transaction.atomic():
            activity = _locked(activity.pk)
            if not is_open_for_signups(activity):
                raise DomainError(_("Voor deze activiteit kunt u zich niet meer aanmelden."))
            if role == SignUp.Role.HELPER and activity.volunteer_places == 0:
                raise DomainError(_("Deze activiteit zoekt geen vrijwilligers."))
            if SignUp.objects.filter(person, activity=activity, status__in=SignUp.ACTIVE).exists():
                raise DomainError(_("U bent al aangemeld voor deze activiteit."))
            now = timezone.now()
            waiting = SignUp.objects.filter(activity=activity, role=role, status=SignUp.Status.WAITING).exists()
            free = _holding(activity, role) < _places(activity, role)
            signup = SignUp(
                activity=activity,
                role=role,
                user=user,
                mantelzorger=mantelzorger,
                volunteer=volunteer,
                signed_up_by=by,
                created_at=now,
            )
            if free and not waiting:
                signup.status, signup.confirmed_at = SignUp.Status.CONFIRMED, now
            else:
                signup.status, signup.waiting_since = SignUp.Status.WAITING, now
            signup.save()
    except IntegrityError:
        raise DomainError(_("U bent al aangemeld voor deze activiteit."))
    return signup


def signup_cancel(*, signup: SignUp, by) -> SignUp:
    """The person (or a broker) cancels: a held place goes to the next in line."""
    if by != signup.user and not is_broker_of(by, signup.activity.organisation_id):
        raise DomainError(_("Dit is niet uw aanmelding."))
    with transaction.atomic():
        activity = _locked(signup.activity_id)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in SignUp.ACTIVE:
            raise DomainError(_("Deze aanmelding is al afgemeld."))
        _end(signup, SignUp.Status.CANCELLED)
        _offer_next(activity=activity, role=signup.role)
    return signup


def _end(signup: SignUp, status: str) -> None:
    now = timezone.now()
    signup.status, signup.ended_at, signup.offer_token_hash = status, now, ""
    if signup.waiting_since and not signup.waiting_until:
        signup.waiting_until = now
    signup.save(update_fields=["status", "ended_at", "offer_token_hash", "waiting_until"])


# --- The waiting list and its offers -------------------------------------------------------


def waiting_list(activity: Activity, role: str = SignUp.Role.PARTICIPANT) -> list[SignUp]:
    """The waiting list in the order offers go out: first come, or (the broker's rule)
    carers whose latest check-in says they are heavily burdened first, then first come
    (the burden rule of ``caregivers.burden``)."""
    rows = list(
        SignUp.objects.filter(activity=activity, role=role, status=SignUp.Status.WAITING)
        .select_related("user", "mantelzorger", "volunteer")
        .order_by("created_at", "pk")
    )
    if activity.waiting_order == Activity.WaitingOrder.BURDEN_FIRST:
        high = burden_high_of(row.mantelzorger_id for row in rows)
        rows.sort(key=lambda row: (not high.get(row.mantelzorger_id, False), row.created_at, row.pk))
    return rows


def _contact(signup: SignUp) -> str:
    for person in (signup.mantelzorger, signup.volunteer, signup.user):
        if person is not None and person.email:
            return person.email
    return ""


def _offer_next(*, activity: Activity, role: str, base_url: str | None = None) -> list[SignUp]:
    """Offer every free place to the next in line. Call with the activity locked."""
    offered: list[SignUp] = []
    free = _places(activity, role) - _holding(activity, role)
    if free <= 0 or not is_open_for_signups(activity):
        return offered
    now = timezone.now()
    for signup in waiting_list(activity, role)[:free]:
        token = secrets.token_urlsafe(24)
        signup.status = SignUp.Status.OFFERED
        signup.offer_token_hash = token_hash(token)
        signup.offered_at = now
        signup.offer_expires_at = now + datetime.timedelta(hours=OFFER_HOURS)
        signup.waiting_until = now
        signup.save(update_fields=["status", "offer_token_hash", "offered_at", "offer_expires_at", "waiting_until"])
        mail_queue(
            template="activities/email/offer",
            context={
                "title": activity.title,
                "expires_at": signup.offer_expires_at,
                "hours": OFFER_HOURS,
                "action_url": absolute(reverse("activities:offer", args=[token]), base_url),
            },
            key=f"activities:offer:{signup.pk}:{signup.offer_token_hash[:16]}",
            kind="activity_offer",
            category=Category.UPDATES,
            to_email=_contact(signup),
            user=signup.user,
            organisation=activity.organisation,
        )
        offered.append(signup)
    return offered


def offer_for_token(token: str) -> SignUp | None:
    if not token or len(token) > 64:
        return None
    return (
        SignUp.objects.filter(offer_token_hash=token_hash(token), status=SignUp.Status.OFFERED)
        .select_related("activity")
        .first()
    )


def offer_answer(*, token: str, accept: bool) -> SignUp:
    """The person takes the offered place, or says no (then the next is offered it)."""
    signup = offer_for_token(token)
    if signup is None:
        raise DomainError(_("Dit aanbod bestaat niet of is niet meer geldig."))
    with transaction.atomic():
        activity = _locked(signup.activity_id)
        updated = SignUp.objects.filter(
            pk=signup.pk, status=SignUp.Status.OFFERED, offer_expires_at__gt=timezone.now()
        ).update(
            status=SignUp.Status.CONFIRMED if accept else SignUp.Status.DECLINED,
            offer_token_hash="",
            **({"confirmed_at": timezone.now()} if accept else {"ended_at": timezone.now()}),
        )
        if not updated:
            raise DomainError(_("Dit aanbod is verlopen. De plaats is aan de volgende op de wachtlijst aangeboden."))
        if not accept:
            _offer_next(activity=activity, role=signup.role)
    signup.refresh_from_db()
    return signup


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Offers past their time: each expires once and its place goes to the next in
    line. Safe to run twice at once: the move is a conditional UPDATE under the
    activity's lock, so a second run finds nothing to move."""
    now = now or timezone.now()
    moved = 0
    due = list(
        SignUp.objects.filter(status=SignUp.Status.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at", "pk")
        .values_list("pk", "activity_id", "role")
    )
    for pk, activity_id, role in due:
        with transaction.atomic():
            activity = _locked(activity_id)
            updated = SignUp.objects.filter(pk=pk, status=SignUp.Status.OFFERED, offer_expires_at__lte=now).update(
                status=SignUp.Status.EXPIRED, offer_token_hash="", ended_at=now
            )
            if updated:
                moved += 1
                _offer_next(activity=activity, role=role)
    return moved


# --- Inviting the requesters of a demand signal ----------------------------------------------


def demand_requests(activity: Activity):
    """The open requests the demand signal behind the activity counted (as
    ``reports.demand`` counts them: the neighbourhood, the skill, a weekly slot that
    starts in the part of the day on the weekday)."""
    from caregivers.models import RequestSlot

    if activity.demand_neighbourhood_id is None:
        return HelpRequest.objects.none()
    qs = HelpRequest.objects.filter(
        organisation_id=activity.organisation_id,
        neighbourhood_id=activity.demand_neighbourhood_id,
        status__in=(HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY),
    )
    if activity.demand_skill_id is not None:
        qs = qs.filter(skills=activity.demand_skill_id)
    if activity.demand_weekday is not None:
        slots = RequestSlot.objects.filter(weekday=activity.demand_weekday)
        bounds = {
            "morning": Q(start__lt=datetime.time(12)),
            "afternoon": Q(start__gte=datetime.time(12), start__lt=datetime.time(18)),
            "evening": Q(start__gte=datetime.time(18)),
        }
        if activity.demand_part in bounds:
            slots = slots.filter(bounds[activity.demand_part])
        qs = qs.filter(pk__in=slots.values("request"))
    return qs.distinct().order_by("created_at", "pk")


def requesters_invite(*, activity: Activity, by, base_url: str | None = None) -> int:
    """Mail the requesters of the demand signal a link to sign up (once each)."""
    _require_broker(activity.organisation, by)
    if not is_open_for_signups(activity):
        raise DomainError(_("Voor deze activiteit kunt u niemand meer uitnodigen."))
    url = absolute(reverse("activities:detail", args=[activity.pk]), base_url)
    sent = 0
    with transaction.atomic():
        for request in demand_requests(activity).select_related("requester", "mantelzorger"):
            email = (
                request.email
                or (request.mantelzorger.email if request.mantelzorger else "")
                or (request.requester.email if request.requester else "")
            )
            row = mail_queue(
                template="activities/email/invitation",
                context={"title": activity.title, "action_url": url},
                key=f"activities:invite:{activity.pk}:{request.pk}",
                kind="activity_invitation",
                category=Category.UPDATES,
                to_email=email,
                user=request.requester,
                organisation=activity.organisation,
            )
            sent += row is not None
    return sent


# --- Erasure ---------------------------------------------------------------------------------


def signups_erase(
    *, user_ids: Iterable[int] = (), volunteer_ids: Iterable[int] = (), mantelzorger_ids: Iterable[int] = ()
) -> int:
    """A person's sign-ups lose the link to them; a place they held goes to the next in
    line. The rows stay (without a person) for the figures."""
    person = (
        Q(user_id__in=list(user_ids))
        | Q(volunteer_id__in=list(volunteer_ids))
        | Q(mantelzorger_id__in=list(mantelzorger_ids))
    )
    changed = 0
    with transaction.atomic():
        for signup in SignUp.objects.filter(person).order_by("activity_id", "pk"):
            activity = _locked(signup.activity_id)
            was_active = signup.status in SignUp.ACTIVE
            if was_active:
                _end(signup, SignUp.Status.CANCELLED)
            SignUp.objects.filter(pk=signup.pk).update(user=None, volunteer=None, mantelzorger=None, signed_up_by=None)
            if was_active:
                _offer_next(activity=activity, role=signup.role)
            changed += 1
    return changed
