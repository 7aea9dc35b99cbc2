"""Writes for mantelzorgers and help requests: registration, the person cared for,
burden check-ins, submitting and withdrawing a request.

Every function takes keyword-only arguments, checks its input and raises
:class:`common.errors.DomainError` with a Dutch message (and the field it is about)
before anything is stored; what is stored in one call is stored in one transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from caregivers.selectors import LADDER_EDITABLE_STATUSES, WITHDRAWABLE_STATUSES, withdraw_refusal
from caregivers.signals import request_erasing, request_withdrawn
from common.errors import DomainError
from common.languages import language_code
from common.slots import Slot, SlotError, check_no_overlap
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.models import DEFAULT_SKILLS, Neighbourhood, Organisation, Skill
from neighbourhoods.selectors import is_broker_of, municipality_by_name, neighbourhood_for_point, serving_area

MAX_CARE_RECIPIENTS = 5
MAX_CARE_HOURS = 168  # hours in a week
MAX_WEEKLY_SLOTS = 21
MAX_DATES = 31
MAX_DAYS_AHEAD = 366
DESCRIPTION_MAX = 2000
NOTES_MAX = 500
REASON_MAX = 1000
OWN_STRENGTH_MAX = 2000
GOAL_MAX = 1000
GOAL_MEASURABLE_MAX = 500
MAX_NETWORK_MEMBERS = 8
NETWORK_NAME_MAX = 60
NETWORK_WHAT_MAX = 300
_PHONE_RE = re.compile(r"\+?[0-9(][0-9 ()-]{5,28}")

# A request entered by someone themselves always starts here; a broker may enter
# one that is already clarified (intake) or ready to match.
INITIAL_STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE, HelpRequest.Status.READY)

DateRow = tuple[datetime.date, datetime.time, datetime.time]


@dataclass(frozen=True)
class CareRecipientDetails:
    """The minimal record of the person cared for, as typed at registration."""

    name: str
    age_band: str
    situation: str
    notes: str = ""


@dataclass(frozen=True)
class BurdenAnswers:
    """One burden check-in: the 0-10 score and the yes/no signals."""

    score: int
    sleeps_badly: bool = False
    no_time_for_self: bool = False
    health_suffers: bool = False
    feels_alone: bool = False


@dataclass(frozen=True)
class NetworkMemberData:
    """Someone in the person's network as typed at intake or in the request form.
    ``id``: a stored member of the same request (kept, with its consent date)."""

    name: str
    relation: str
    helps: str
    what: str = ""
    contact_consent: bool = False
    phone: str = ""
    email: str = ""
    id: int | None = None


# --- Helpers -----------------------------------------------------------------------


def _raise_from_validation_error(error: ValidationError) -> None:
    """Turn a model's full_clean() error into one DomainError (first message, its field)."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        raise DomainError(errors[0].messages[0], field=None if field == "__all__" else field)
    raise DomainError(" ".join(error.messages))


def _full_clean(instance, *, exclude: Sequence[str]) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        _raise_from_validation_error(error)


def _is_broker(user, organisation: Organisation) -> bool:
    return is_broker_of(user, organisation.pk)


def _text(value: str | None, *, limit: int, field: str, message: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(message % {"limit": limit, "count": len(text)}, field=field)
    return text


def _default_skill(code: str) -> Skill:
    skill, _created = Skill.objects.get_or_create(
        organisation=None, code=code, defaults={"label": str(DEFAULT_SKILLS[code])}
    )
    return skill


def default_skills(*codes: str) -> list[Skill]:
    """The default-catalogue skills with these codes (created when missing, so a
    fresh database without the catalogue still works)."""
    unknown = [code for code in codes if code not in DEFAULT_SKILLS]
    if unknown:
        raise DomainError(_("Deze vaardigheid kennen we niet: %(skill)s.") % {"skill": unknown[0]}, field="skills")
    return [_default_skill(code) for code in codes]


def _start_of_today() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


# --- Mantelzorgers ----------------------------------------------------------------


def _check_care_hours(hours: int | None) -> int | None:
    if hours is None:
        return None
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_CARE_HOURS:
        raise DomainError(
            _("Vul een aantal uren in van 0 tot en met %(max)s. Zoveel uren heeft een week.") % {"max": MAX_CARE_HOURS},
            field="care_hours_per_week",
        )
    return hours


def mantelzorger_register(
    *,
    user,
    first_name: str,
    location: GeocodeResult,
    last_name: str = "",
    postcode: str = "",
    house_number: str = "",
    phone: str = "",
    email: str | None = None,
    relation: str = "",
    care_hours_per_week: int | None = None,
    care_recipient: CareRecipientDetails | None = None,
    burden: BurdenAnswers | None = None,
) -> Mantelzorger:
    """Create the mantelzorger record of ``user`` at the organisation serving
    their municipality, with (optionally) the person they care for and a first
    burden check-in, all in one transaction: nothing is kept if one part is wrong."""
    if user is not None and Mantelzorger.objects.filter(user=user).exists():
        raise DomainError(_("U bent al aangemeld als mantelzorger."))
    first_name = (first_name or "").strip()
    if not first_name:
        raise DomainError(_("Vul uw voornaam in."), field="first_name")
    if relation and relation not in Mantelzorger.Relation.values:
        raise DomainError(_("Kies voor wie u zorgt."), field="relation")
    area = serving_area(location=location, postcode=postcode)
    mantelzorger = Mantelzorger(
        organisation=area.organisation,
        user=user,
        first_name=first_name,
        last_name=(last_name or "").strip(),
        email=(email if email is not None else getattr(user, "email", "")) or "",
        phone=(phone or "").strip(),
        relation=relation,
        care_hours_per_week=_check_care_hours(care_hours_per_week),
        postcode=postcode or (location.postcode or ""),
        house_number=(house_number or "").strip(),
        place=location.place or "",
        latitude=location.point.lat,
        longitude=location.point.lon,
        neighbourhood=area.neighbourhood,
    )
    _full_clean(mantelzorger, exclude=["user", "organisation", "neighbourhood"])
    with transaction.atomic():
        mantelzorger.save()
        if care_recipient is not None:
            care_recipient_add(
                mantelzorger=mantelzorger,
                name=care_recipient.name,
                age_band=care_recipient.age_band,
                situation=care_recipient.situation,
                notes=care_recipient.notes,
            )
        if burden is not None:
            burden_checkin_add(
                mantelzorger=mantelzorger,
                score=burden.score,
                sleeps_badly=burden.sleeps_badly,
                no_time_for_self=burden.no_time_for_self,
                health_suffers=burden.health_suffers,
                feels_alone=burden.feels_alone,
            )
        if user is not None and not user.first_name:
            user.first_name, user.last_name = mantelzorger.first_name, mantelzorger.last_name
            user.save(update_fields=["first_name", "last_name"])
    return mantelzorger


def _check_care_recipient(*, name: str, age_band: str, situation: str, notes: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Vul de voornaam of roepnaam in van degene voor wie u zorgt."), field="name")
    if age_band not in CareRecipient.AgeBand.values:
        raise DomainError(_("Kies een leeftijd."), field="age_band")
    if situation not in CareRecipient.Situation.values:
        raise DomainError(_("Kies wat het beste past bij de situatie."), field="situation")
    notes = _text(
        notes,
        limit=NOTES_MAX,
        field="notes",
        message=_("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s."),
    )
    return name, notes


def care_recipient_add(
    *, mantelzorger: Mantelzorger, name: str, age_band: str, situation: str, notes: str = ""
) -> CareRecipient:
    """Add the person a mantelzorger cares for: first name or nickname, age band,
    situation and a short note. Nothing more: this is health data."""
    name, notes = _check_care_recipient(name=name, age_band=age_band, situation=situation, notes=notes)
    if CareRecipient.objects.filter(mantelzorger=mantelzorger).count() >= MAX_CARE_RECIPIENTS:
        raise DomainError(
            _("U kunt hoogstens %(max)s personen toevoegen. Neem contact op met de makelaar.")
            % {"max": MAX_CARE_RECIPIENTS}
        )
    recipient = CareRecipient(mantelzorger=mantelzorger, name=name, age_band=age_band, situation=situation, notes=notes)
    _full_clean(recipient, exclude=["mantelzorger"])
    recipient.save()
    return recipient


def care_recipient_update(
    *, care_recipient: CareRecipient, name: str, age_band: str, situation: str, notes: str = ""
) -> CareRecipient:
    name, notes = _check_care_recipient(name=name, age_band=age_band, situation=situation, notes=notes)
    care_recipient.name, care_recipient.age_band = name, age_band
    care_recipient.situation, care_recipient.notes = situation, notes
    _full_clean(care_recipient, exclude=["mantelzorger"])
    care_recipient.save(update_fields=["name", "age_band", "situation", "notes"])
    return care_recipient


def care_ended_set(*, mantelzorger: Mantelzorger, by, ended_on: datetime.date | None) -> Mantelzorger:
    """Record (or clear, with ``None``) the day the carer's care ended: from then on no
    check-in reminders or yearly thank-you mails (``matches.mails``). By the carer
    themselves or a broker of their organisation; not in the future, not before the
    carer's record was made."""
    own = by is not None and by.is_authenticated and mantelzorger.user_id == by.pk
    if not own and not is_broker_of(by, mantelzorger.organisation_id):
        raise DomainError(_("Alleen de mantelzorger of een makelaar kan dit aanpassen."))
    if ended_on is not None:
        if ended_on > timezone.localdate():
            raise DomainError(
                _("Deze datum ligt in de toekomst. Vul de dag in waarop de zorg stopte."), field="ended_on"
            )
        made = timezone.localdate(mantelzorger.created_at) if mantelzorger.created_at else None
        if made and ended_on < made:
            raise DomainError(
                _("De zorg kan niet gestopt zijn vóór de aanmelding als mantelzorger (%(date)s).")
                % {"date": made.strftime("%d-%m-%Y")},
                field="ended_on",
            )
    Mantelzorger.objects.filter(pk=mantelzorger.pk).update(care_ended_on=ended_on)
    mantelzorger.care_ended_on = ended_on
    return mantelzorger


def burden_checkin_add(
    *,
    mantelzorger: Mantelzorger,
    score: int,
    sleeps_badly: bool = False,
    no_time_for_self: bool = False,
    health_suffers: bool = False,
    feels_alone: bool = False,
) -> BurdenCheckIn:
    """Record how heavy care feels now. At most one check-in per (local) day, so
    the trend shows days, not a burst of clicks."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise DomainError(_("Kies een getal van 0 tot en met 10."), field="score")
    with transaction.atomic():
        # Lock the carer so two clicks at the same moment cannot both pass the daily check.
        Mantelzorger.objects.select_for_update().filter(pk=mantelzorger.pk).first()
        if BurdenCheckIn.objects.filter(mantelzorger=mantelzorger, created_at__gte=_start_of_today()).exists():
            raise DomainError(
                _("U heeft vandaag al ingevuld hoe het gaat. Morgen kunt u het opnieuw invullen."), field="score"
            )
        return BurdenCheckIn.objects.create(
            mantelzorger=mantelzorger,
            score=score,
            sleeps_badly=bool(sleeps_badly),
            no_time_for_self=bool(no_time_for_self),
            health_suffers=bool(health_suffers),
            feels_alone=bool(feels_alone),
        )


# --- The ladder: own strength, network, goal, language ----------------------------------


def _too_long_message() -> str:
    return _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.")


def ladder_texts_check(*, own_strength: str = "", goal_own_words: str = "", goal_measurable: str = "") -> dict:
    """The ladder's free texts, stripped and within their limits."""
    return {
        "own_strength": _text(own_strength, limit=OWN_STRENGTH_MAX, field="own_strength", message=_too_long_message()),
        "goal_own_words": _text(goal_own_words, limit=GOAL_MAX, field="goal_own_words", message=_too_long_message()),
        "goal_measurable": _text(
            goal_measurable, limit=GOAL_MEASURABLE_MAX, field="goal_measurable", message=_too_long_message()
        ),
    }


def preferred_language_check(code: str | None) -> str:
    """A two-letter ISO 639-1 code, or '' for no preference."""
    try:
        return language_code(code)
    except ValueError:
        raise DomainError(
            _("Kies een taal uit de lijst, of schrijf de taalcode van 2 letters, bijvoorbeeld so voor Somalisch."),
            field="preferred_language",
        ) from None


def network_check(members: Iterable[NetworkMemberData]) -> list[NetworkMemberData]:
    """The network members, checked: a name or description, a known relation, helps
    now or could help, short texts, and contact details only with consent."""
    members = list(members)
    if len(members) > MAX_NETWORK_MEMBERS:
        raise DomainError(
            _("Vul hoogstens %(max)s mensen uit het netwerk in.") % {"max": MAX_NETWORK_MEMBERS}, field="network"
        )
    checked = []
    for member in members:
        if not isinstance(member, NetworkMemberData):
            raise DomainError(_("Deze persoon uit het netwerk klopt niet."), field="network")
        name = (member.name or "").strip()
        if not name:
            raise DomainError(
                _("Vul een voornaam of een omschrijving in, bijvoorbeeld: de buurvrouw."), field="network"
            )
        if len(name) > NETWORK_NAME_MAX:
            raise DomainError(
                _("Naam of omschrijving: hoogstens %(limit)s tekens.") % {"limit": NETWORK_NAME_MAX}, field="network"
            )
        if member.relation not in NetworkMember.Relation.values:
            raise DomainError(_("Kies wie %(name)s is.") % {"name": name}, field="network")
        if member.helps not in NetworkMember.Helps.values:
            raise DomainError(_("Kies of %(name)s al helpt of zou kunnen helpen.") % {"name": name}, field="network")
        what = (member.what or "").strip()
        if len(what) > NETWORK_WHAT_MAX:
            raise DomainError(
                _("Wat %(name)s doet: hoogstens %(limit)s tekens.") % {"name": name, "limit": NETWORK_WHAT_MAX},
                field="network",
            )
        phone, email = (member.phone or "").strip(), (member.email or "").strip()
        if (phone or email) and not member.contact_consent:
            raise DomainError(
                _(
                    "Bewaar het telefoonnummer of e-mailadres van %(name)s alleen als de persoon dat goed vindt. "
                    "Zet dan het vinkje bij toestemming, of haal de gegevens weg."
                )
                % {"name": name},
                field="network",
            )
        if phone and (len(phone) > 30 or not _PHONE_RE.fullmatch(phone)):
            raise DomainError(
                _("Het telefoonnummer van %(name)s klopt niet. Bijvoorbeeld: 026 1234567.") % {"name": name},
                field="network",
            )
        if email:
            try:
                NetworkMember._meta.get_field("email").run_validators(email)
            except ValidationError:
                raise DomainError(
                    _("Het e-mailadres van %(name)s klopt niet.") % {"name": name}, field="network"
                ) from None
        checked.append(
            NetworkMemberData(
                name=name,
                relation=member.relation,
                helps=member.helps,
                what=what,
                contact_consent=bool(member.contact_consent),
                phone=phone,
                email=email,
                id=member.id,
            )
        )
    return checked


def network_replace(*, request: HelpRequest, members: Sequence[NetworkMemberData]) -> None:
    """Make the request's network exactly ``members`` (already checked). A member that
    stays (same ``id``) keeps the date its consent was given; a member whose consent
    is withdrawn loses the contact details with it."""
    today = timezone.localdate()
    stored = {member.pk: member for member in NetworkMember.objects.filter(request=request)}
    keep = {m.id for m in members if m.id in stored}
    NetworkMember.objects.filter(request=request).exclude(pk__in=keep).delete()
    for data in members:
        member = stored.get(data.id) if data.id is not None else None
        if member is None:
            member = NetworkMember(request=request)
        consent_on = (member.contact_consent_on or today) if data.contact_consent else None
        member.name, member.relation, member.helps, member.what = data.name, data.relation, data.helps, data.what
        member.contact_consent, member.contact_consent_on = data.contact_consent, consent_on
        member.phone = data.phone if data.contact_consent else ""
        member.email = data.email if data.contact_consent else ""
        member.save()


# --- Help requests ------------------------------------------------------------------


def request_slots_check(weekly_slots: Iterable[Slot]) -> list[Slot]:
    slots = list(weekly_slots)
    if any(not isinstance(slot, Slot) for slot in slots):
        raise DomainError(_("Deze tijd per week klopt niet."), field="weekly_slots")
    if len(slots) > MAX_WEEKLY_SLOTS:
        raise DomainError(
            _("Kies hoogstens %(max)s tijden per week.") % {"max": MAX_WEEKLY_SLOTS}, field="weekly_slots"
        )
    try:
        return check_no_overlap(slots)
    except SlotError as error:
        raise DomainError(str(error), field="weekly_slots") from None


def request_dates_check(dates: Iterable[DateRow]) -> list[DateRow]:
    rows = list(dates)
    if len(rows) > MAX_DATES:
        raise DomainError(_("Kies hoogstens %(max)s data.") % {"max": MAX_DATES}, field="dates")
    now = timezone.localtime()
    today = now.date()
    checked: list[DateRow] = []
    for row in rows:
        try:
            day, start, end = row
        except (TypeError, ValueError):
            raise DomainError(_("Deze datum klopt niet."), field="dates") from None
        if (
            not isinstance(day, datetime.date)
            or isinstance(day, datetime.datetime)
            or not isinstance(start, datetime.time)
            or not isinstance(end, datetime.time)
        ):
            raise DomainError(_("Deze datum klopt niet."), field="dates")
        label = day.strftime("%d-%m-%Y")
        if day < today:
            raise DomainError(
                _("%(date)s is al voorbij. Kies vandaag of een latere datum.") % {"date": label}, field="dates"
            )
        if day > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise DomainError(
                _("%(date)s ligt te ver vooruit. Kies een datum binnen een jaar.") % {"date": label}, field="dates"
            )
        if end <= start:
            raise DomainError(
                _(
                    "%(date)s %(start)s-%(end)s: de eindtijd moet na de begintijd liggen. "
                    "Gaat het over middernacht? Maak dan twee tijden: tot 23:59 en vanaf 00:00 de dag erna."
                )
                % {"date": label, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
                field="dates",
            )
        if day == today and end <= now.time():
            raise DomainError(
                _("Vandaag %(start)s-%(end)s is al voorbij. Kies een latere tijd of datum.")
                % {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
                field="dates",
            )
        checked.append((day, start, end))
    checked.sort()
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(checked, checked[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise DomainError(
                _("De tijden op %(date)s overlappen. Maak er één tijd van.") % {"date": day_a.strftime("%d-%m-%Y")},
                field="dates",
            )
    return checked


def _check_skills(skills: Iterable[Skill], organisation: Organisation) -> list[Skill]:
    skills = list(dict.fromkeys(skills))
    for skill in skills:
        if not isinstance(skill, Skill) or skill.pk is None or skill.organisation_id not in (None, organisation.pk):
            raise DomainError(_("Deze vaardigheid kennen we niet: %(skill)s.") % {"skill": skill}, field="skills")
    return skills


def _check_people(
    *,
    kind: str,
    organisation: Organisation,
    requester,
    mantelzorger: Mantelzorger | None,
    care_recipient: CareRecipient | None,
    entered_by,
) -> Mantelzorger | None:
    """Who the request is for must belong together; returns the mantelzorger
    (taken from the care recipient when only that was given)."""
    if care_recipient is not None:
        if mantelzorger is None:
            mantelzorger = care_recipient.mantelzorger
        elif care_recipient.mantelzorger_id != mantelzorger.pk:
            raise DomainError(_("Kies iemand voor wie u zorgt."), field="care_recipient")
    if mantelzorger is not None and mantelzorger.organisation_id != organisation.pk:
        raise DomainError(_("Deze mantelzorger hoort bij een andere organisatie."), field="mantelzorger")
    self_entered = entered_by is None and requester is not None
    if self_entered and mantelzorger is not None and mantelzorger.user_id != requester.pk:
        # Only a broker may enter a request in someone else's care file.
        raise DomainError(
            _("U kunt alleen hulp vragen voor uzelf of voor iemand voor wie u zelf zorgt."), field="mantelzorger"
        )
    if kind == HelpRequest.Kind.RESPITE and self_entered:
        if mantelzorger is None:
            raise DomainError(
                _("Respijtzorg kunt u aanvragen als u bij ons bekend bent als mantelzorger."), field="mantelzorger"
            )
        if care_recipient is None:
            raise DomainError(_("Kies voor wie u zorgt."), field="care_recipient")
    return mantelzorger


def _neighbourhood_in(*, organisation: Organisation, location: GeocodeResult) -> Neighbourhood | None:
    """The neighbourhood of ``location``; DomainError when the organisation does
    not work in that municipality (then the person belongs to another centre)."""
    municipality = municipality_by_name(location.municipality or "")
    if municipality is None:
        # A geocoder may name a municipality we do not know; the broker places it.
        return None
    if not organisation.municipalities.filter(pk=municipality.pk).exists():
        raise DomainError(
            _("Dit adres ligt in %(municipality)s. Daar werkt %(organisation)s niet.")
            % {"municipality": municipality.name, "organisation": organisation.name},
            field="postcode",
        )
    return neighbourhood_for_point(point=location.point, municipality=municipality)


def request_submit(
    *,
    organisation: Organisation,
    kind: str,
    requester_first_name: str,
    location: GeocodeResult,
    requester_last_name: str = "",
    email: str = "",
    phone: str = "",
    postcode: str = "",
    house_number: str = "",
    description: str = "",
    skills: Iterable[Skill] = (),
    weekly_slots: Iterable[Slot] = (),
    dates: Iterable[DateRow] = (),
    urgency: str = HelpRequest.Urgency.NORMAL,
    max_distance_km: float | None = None,
    requester=None,
    mantelzorger: Mantelzorger | None = None,
    care_recipient: CareRecipient | None = None,
    entered_by=None,
    status: str = HelpRequest.Status.NEW,
    own_strength: str = "",
    goal_own_words: str = "",
    preferred_language: str = "",
    network: Iterable[NetworkMemberData] = (),
) -> HelpRequest:
    """Store a new help request with its times, skills and first event.

    ``weekly_slots`` (wall-clock :class:`Slot`) make it recurring; ``dates`` are
    ``(date, start, end)`` rows for one-off help; at least one of them is needed.
    ``requester`` is the account that asked (also when asking for someone else);
    ``entered_by`` is the broker who typed it in for someone (phone or desk
    intake). Respite asked by the carer themselves needs their own mantelzorger
    record and care recipient; a broker may leave the care recipient out.

    DomainError fields: kind, status, urgency, requester_first_name, description,
    mantelzorger, care_recipient, weekly_slots, dates, when (no time at all),
    postcode, skills, email, phone, max_distance_km, entered_by, own_strength,
    goal_own_words, preferred_language, network (the optional parts of the ladder: what
    the person can do, who helps, the goal in their own words).
    """
    if kind not in HelpRequest.Kind.values:
        raise DomainError(_("Kies wat voor hulp u zoekt."), field="kind")
    if urgency not in HelpRequest.Urgency.values:
        raise DomainError(_("Kies hoe snel de hulp nodig is."), field="urgency")
    if status not in INITIAL_STATUSES:
        raise DomainError(_("Een nieuwe vraag begint als nieuw, in gesprek of klaar om te koppelen."), field="status")
    if entered_by is not None and not _is_broker(entered_by, organisation):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan een vraag voor iemand invoeren."))
    if entered_by is None and status != HelpRequest.Status.NEW:
        raise DomainError(_("Een nieuwe vraag begint altijd als nieuw."), field="status")
    first_name = (requester_first_name or "").strip()
    if not first_name:
        raise DomainError(_("Vul de voornaam in van wie de hulp krijgt."), field="requester_first_name")
    description = _text(
        description,
        limit=DESCRIPTION_MAX,
        field="description",
        message=_("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s."),
    )
    ladder = ladder_texts_check(own_strength=own_strength, goal_own_words=goal_own_words)
    del ladder["goal_measurable"]  # the broker sets the measurable goal at intake
    language = preferred_language_check(preferred_language)
    members = network_check(network)
    mantelzorger = _check_people(
        kind=kind,
        organisation=organisation,
        requester=requester,
        mantelzorger=mantelzorger,
        care_recipient=care_recipient,
        entered_by=entered_by,
    )
    slots = request_slots_check(weekly_slots)
    request_dates = request_dates_check(dates)
    if not slots and not request_dates:
        raise DomainError(
            _("Vul in wanneer u hulp wilt: elke week op een vaste tijd, of op een of meer data."), field="when"
        )
    required_skills = _check_skills(skills, organisation)
    if kind == HelpRequest.Kind.RESPITE:
        # Respite is its own skill; dementia asks for experience with it.
        required_skills.append(_default_skill("respite"))
        if care_recipient is not None and care_recipient.situation == CareRecipient.Situation.DEMENTIA:
            required_skills.append(_default_skill("dementia"))
    neighbourhood = _neighbourhood_in(organisation=organisation, location=location)
    now = timezone.now()
    help_request = HelpRequest(
        organisation=organisation,
        requester=requester,
        mantelzorger=mantelzorger,
        care_recipient=care_recipient,
        entered_by=entered_by,
        requester_first_name=first_name,
        requester_last_name=(requester_last_name or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        kind=kind,
        status=status,
        urgency=urgency,
        description=description,
        recurring=bool(slots),
        needs_vog=kind == HelpRequest.Kind.RESPITE,
        max_distance_km=max_distance_km,
        preferred_language=language,
        **ladder,
        status_changed_at=now,
        postcode=postcode or (location.postcode or ""),
        house_number=(house_number or "").strip(),
        place=location.place or "",
        latitude=location.point.lat,
        longitude=location.point.lon,
        neighbourhood=neighbourhood,
    )
    _full_clean(
        help_request,
        exclude=["organisation", "requester", "mantelzorger", "care_recipient", "entered_by", "neighbourhood"],
    )
    with transaction.atomic():
        if kind == HelpRequest.Kind.RESPITE and mantelzorger is None and entered_by is not None:
            # Respite for a carer who is not online: their carer record, so they count
            # in the burden figures and their file is one (privacy, access log).
            help_request.mantelzorger = offline_carer_link(
                organisation=organisation, location=location, neighbourhood=neighbourhood, request=help_request
            )
        help_request.save()
        help_request.skills.set(dict.fromkeys(required_skills))
        network_replace(request=help_request, members=members)
        RequestSlot.objects.bulk_create(
            RequestSlot(request=help_request, weekday=s.weekday, start=s.start, end=s.end) for s in slots
        )
        RequestDate.objects.bulk_create(
            RequestDate(request=help_request, date=day, start=start, end=end) for day, start, end in request_dates
        )
        RequestEvent.objects.create(
            request=help_request,
            from_status="",
            to_status=status,
            by=entered_by or requester,
            code=RequestEvent.Code.ENTERED_BY_BROKER if entered_by is not None else RequestEvent.Code.SUBMITTED,
        )
    return help_request


def offline_carer_link(
    *, organisation: Organisation, location: GeocodeResult, neighbourhood: Neighbourhood | None, request: HelpRequest
) -> Mantelzorger:
    """The carer record of someone without an account for whom a broker enters respite:
    the organisation's offline carer with the same e-mail address, else the same phone
    number and first name; else a new record with what the request holds."""
    offline = Mantelzorger.objects.filter(organisation=organisation, user__isnull=True).exclude(
        first_name=ANONYMOUS_MANTELZORGER
    )
    found = None
    if request.email:
        found = offline.filter(email__iexact=request.email).order_by("pk").first()
    if found is None and request.phone:
        found = (
            offline.filter(phone=request.phone, first_name__iexact=request.requester_first_name).order_by("pk").first()
        )
    if found is not None:
        return found
    return Mantelzorger.objects.create(
        organisation=organisation,
        first_name=request.requester_first_name,
        last_name=request.requester_last_name,
        email=request.email,
        phone=request.phone,
        postcode=request.postcode,
        house_number=request.house_number,
        place=request.place,
        latitude=location.point.lat,
        longitude=location.point.lon,
        neighbourhood=neighbourhood,
    )


def _is_own_request(request: HelpRequest, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.pk == request.requester_id or (
        request.mantelzorger_id is not None
        and Mantelzorger.objects.filter(pk=request.mantelzorger_id, user=user).exists()
    )


def request_withdraw(*, request: HelpRequest, by, reason: str = "") -> HelpRequest:
    """The requester (or the carer it is for, or a broker of the organisation)
    takes a request back while nothing has been arranged yet (new, intake, ready).

    Proposals to volunteers that were not yet active are cancelled, so their
    place frees up."""
    if by is None or not by.is_authenticated:
        raise DomainError(_("U moet ingelogd zijn om een vraag in te trekken."))
    reason = _text(
        reason,
        limit=REASON_MAX,
        field="reason",
        message=_("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s."),
    )
    is_broker = _is_broker(by, request.organisation)
    is_own = _is_own_request(request, by)
    if not (is_own or is_broker):
        raise DomainError(_("U mag deze vraag niet intrekken."))
    with transaction.atomic():
        # The status is read under a row lock: a broker matching the request at the
        # same moment either goes first (and withdrawing is refused) or waits.
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in WITHDRAWABLE_STATUSES:
            request.status = locked.status
            raise DomainError(withdraw_refusal(locked.status))
        from_status = locked.status
        now = timezone.now()
        HelpRequest.objects.filter(pk=locked.pk).update(
            status=HelpRequest.Status.WITHDRAWN, status_changed_at=now, updated_at=now
        )
        # Open proposals end with the request (matches.receivers), in this transaction.
        request_withdrawn.send(sender=HelpRequest, request=locked, by=by)
        RequestEvent.objects.create(
            request=locked,
            from_status=from_status,
            to_status=HelpRequest.Status.WITHDRAWN,
            by=by,
            code=RequestEvent.Code.WITHDRAWN_BY_BROKER
            if is_broker and not is_own
            else RequestEvent.Code.WITHDRAWN_BY_REQUESTER,
            note=reason,
        )
    request.status = HelpRequest.Status.WITHDRAWN
    request.status_changed_at = now
    return request


def _ladder_changes(
    locked: HelpRequest,
    *,
    texts: dict[str, str],
    language: str,
    stored: dict[int, NetworkMember],
    members: Sequence[NetworkMemberData],
) -> list[str]:
    """Which parts of the ladder (``RequestEvent.LADDER_PARTS``) the person changed."""
    changed = []
    if texts["own_strength"] != locked.own_strength:
        changed.append("own_strength")
    if texts["goal_own_words"] != locked.goal_own_words:
        changed.append("goal")
    before = {pk: (m.name, m.relation, m.helps, m.what) for pk, m in stored.items()}
    after = [(m.id, (m.name, m.relation, m.helps, m.what)) for m in members]
    if len(after) != len(before) or any(pk is None or before.get(pk) != values for pk, values in after):
        changed.append("network")
    if language != locked.preferred_language:
        changed.append("language")
    return changed


def request_ladder_update(
    *,
    request: HelpRequest,
    by,
    own_strength: str,
    goal_own_words: str,
    preferred_language: str,
    network: Sequence[NetworkMemberData],
) -> HelpRequest:
    """The person who asked (or the carer it is for) fills in or changes the ladder's
    parts on their own request page: what they can do themselves, who in their network
    helps or could help, the goal in their own words, the language they prefer.

    Only while the broker still clarifies the request (new, intake, ready), checked
    under a row lock. ``network`` becomes the request's network: a member with an
    ``id`` of this request stays, and keeps the contact details and consent the broker
    recorded (the person's own form has no contact fields); a member left out is
    removed. The broker's measurable goal and the ladder step are not the person's to
    change. A change is recorded in the request's history for the broker: who, when and
    which parts, not what was typed. Bad input: :class:`DomainError`, nothing saved."""
    if not _is_own_request(request, by):
        raise DomainError(_("Alleen wie de vraag stelde, kan dit aanpassen."))
    texts = ladder_texts_check(own_strength=own_strength, goal_own_words=goal_own_words)
    del texts["goal_measurable"]
    language = preferred_language_check(preferred_language)
    members = network_check(network)
    if any(m.phone or m.email or m.contact_consent for m in members):
        raise DomainError(_("Telefoonnummers en e-mailadressen van anderen vragen we hier niet."), field="network")
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in LADDER_EDITABLE_STATUSES:
            raise DomainError(
                _("De makelaar is klaar met het gesprek over deze vraag. Wilt u iets veranderen? Neem contact op.")
            )
        stored = {m.pk: m for m in NetworkMember.objects.filter(request=locked)}
        if any(m.id is not None and m.id not in stored for m in members):
            raise DomainError(_("Deze persoon uit het netwerk hoort niet bij deze vraag."), field="network")
        # What the broker recorded with consent stays with a member that stays.
        members = [
            replace(m, contact_consent=stored[m.id].contact_consent, phone=stored[m.id].phone, email=stored[m.id].email)
            if m.id is not None
            else m
            for m in members
        ]
        changed = _ladder_changes(locked, texts=texts, language=language, stored=stored, members=members)
        now = timezone.now()
        HelpRequest.objects.filter(pk=locked.pk).update(**texts, preferred_language=language, updated_at=now)
        network_replace(request=locked, members=members)
        if changed:
            # The broker sees in the history that (and which parts) changed; what was
            # typed is on the request's page, not in the event.
            RequestEvent.objects.create(
                request=locked,
                from_status=locked.status,
                to_status=locked.status,
                by=by,
                code=RequestEvent.Code.LADDER_CHANGED,
                params={"parts": changed},
            )
    for name, value in {**texts, "preferred_language": language, "updated_at": now}.items():
        setattr(request, name, value)
    return request


# --- Erasure (AVG art. 17) -------------------------------------------------------------

ANONYMOUS_REQUESTER = "Oud-hulpvrager"
ANONYMOUS_MANTELZORGER = "Oud-mantelzorger"
OPEN_REQUEST_STATUSES = (
    HelpRequest.Status.NEW,
    HelpRequest.Status.INTAKE,
    HelpRequest.Status.READY,
    HelpRequest.Status.MATCHED,
)


def requests_erase(*, request_ids: Iterable[int], by) -> int:
    """Erase the personal data of these requests; callers check who may (``privacy``).

    Open matches end first (``request_erasing``: the volunteer is told, without
    details); an open request is withdrawn with an event. What the reports count stays:
    the kind, the organisation and neighbourhood, the dates, the statuses and their
    history, the skills and times asked. Names, e-mail, phone, address, the point, the
    free texts (description, intake, goal, referral, the notes of the history), the
    network members and the links
    to the person and the person cared for go. Returns how many requests were erased."""
    ids = sorted(set(request_ids))
    with transaction.atomic():
        for pk in ids:
            locked = HelpRequest.objects.select_for_update().filter(pk=pk).first()
            if locked is None:
                continue
            request_erasing.send(sender=HelpRequest, request=locked, by=by)
            locked.refresh_from_db(fields=["status"])
            now = timezone.now()
            values = {
                "requester_first_name": ANONYMOUS_REQUESTER,
                "requester_last_name": "",
                "email": "",
                "phone": "",
                "postcode": "",
                "house_number": "",
                "place": "",
                "latitude": None,
                "longitude": None,
                "description": "",
                "question_behind": "",
                "own_strength": "",
                "goal_own_words": "",
                "goal_measurable": "",
                "referred_to": "",
                "referral_reason": "",
                "contact_name": "",
                "call_time": "",
                "requester": None,
                "care_recipient": None,
                "updated_at": now,
            }
            from_status = locked.status
            if from_status in OPEN_REQUEST_STATUSES:
                values.update(status=HelpRequest.Status.WITHDRAWN, status_changed_at=now)
            HelpRequest.objects.filter(pk=pk).update(**values)
            requests_burden_refresh(requests=HelpRequest.objects.filter(pk=pk))
            RequestEvent.objects.filter(request_id=pk).update(note="")
            signals_erase(signal_ids=CareSignal.objects.filter(request_id=pk).values_list("pk", flat=True))
            # The people of the person's network go with them (names, contact details).
            NetworkMember.objects.filter(request_id=pk).delete()
            if from_status in OPEN_REQUEST_STATUSES:
                RequestEvent.objects.create(
                    request_id=pk,
                    from_status=from_status,
                    to_status=HelpRequest.Status.WITHDRAWN,
                    by=by if getattr(by, "is_authenticated", False) else None,
                    code=RequestEvent.Code.ERASED_ON_REQUEST,
                )
    return len(ids)


def mantelzorgers_erase(*, mantelzorger_ids: Iterable[int]) -> int:
    """Erase the personal data of these mantelzorgers; callers check who may.

    The people cared for go (name, age, situation, notes: health data). The row itself
    stays without a person (no name, e-mail, phone, address, relation, hours of care,
    login): its neighbourhood and burden scores are what the reports count
    ("mantelzorgers bereikt", the burden per month). The access log of who opened the
    file (``audit.AccessLogEntry``) refers to it by id only and stays either way."""
    ids = sorted(set(mantelzorger_ids))
    with transaction.atomic():
        CareRecipient.objects.filter(mantelzorger_id__in=ids).delete()
        Mantelzorger.objects.filter(pk__in=ids).update(
            first_name=ANONYMOUS_MANTELZORGER,
            last_name="",
            email="",
            phone="",
            postcode="",
            house_number="",
            place="",
            latitude=None,
            longitude=None,
            relation="",
            care_hours_per_week=None,
            user=None,
        )
    return len(ids)


ANONYMOUS_SIGNAL = "Oud-signaal"
# What retention and erasure blank in a signal; the rest (organisation, neighbourhood,
# source kind, status, reason, dates, the request it became) is what the reports count.
SIGNAL_TEXT = ("first_name", "contact", "postcode", "place", "noticed", "source_name", "close_note")


def signals_erase(*, signal_ids: Iterable[int]) -> int:
    """Blank everything personal in these signals (erasure with the request a signal
    became, retention); returns how many rows were changed."""
    values = dict.fromkeys(SIGNAL_TEXT, "")
    values["first_name"] = ANONYMOUS_SIGNAL
    return CareSignal.objects.filter(pk__in=list(signal_ids)).update(**values)
