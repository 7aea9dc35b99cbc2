"""Writes for volunteers: registration, profile changes, availability, pauses,
erasure of one's own data, and screening (VOG)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.slots import Slot, SlotError, check_no_overlap
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.models import Skill
from neighbourhoods.selectors import is_broker_of, serving_area, skills_for_organisation
from volunteers.models import (
    TARGET_GROUPS,
    AvailabilitySlot,
    VogCheck,
    Volunteer,
    VolunteerDeparture,
    VolunteerThanks,
)
from volunteers.selectors import volunteer_account_kept_reason
from volunteers.signals import volunteer_erasing, volunteers_changed

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")
MAX_PAUSE_DAYS = 365
ANONYMOUS_FIRST_NAME = "Oud-vrijwilliger"


# --- Validation helpers ----------------------------------------------------------


def _raise_from_validation_error(error: ValidationError) -> None:
    """Turn a model's full_clean() error into one DomainError (first message, its field)."""
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        raise DomainError(" ".join(e.messages[0] for e in errors[:1]), field=None if field == "__all__" else field)
    raise DomainError(" ".join(error.messages))


def _check_skills(skills: Iterable[Skill], organisation) -> list[Skill]:
    skills = list(skills)
    allowed = set(skills_for_organisation(organisation).values_list("pk", flat=True))
    unknown = [skill for skill in skills if skill.pk not in allowed]
    if unknown:
        raise DomainError(
            _("Deze vaardigheid kennen we niet: %(skill)s.") % {"skill": unknown[0].display_label}, field="skills"
        )
    return skills


def _check_languages(languages: Iterable[str]) -> str:
    codes: list[str] = []
    for code in languages:
        code = code.strip().lower()
        if not LANGUAGE_CODE_RE.match(code):
            raise DomainError(
                _("'%(code)s' is geen taalcode. Gebruik twee letters, bijvoorbeeld nl of en.") % {"code": code[:10]},
                field="languages",
            )
        if code not in codes:
            codes.append(code)
    text = ";".join(codes)
    if len(text) > Volunteer._meta.get_field("languages").max_length:
        raise DomainError(_("Dat zijn te veel talen. Kies de talen die u het best spreekt."), field="languages")
    return text


def _check_target_groups(target_groups: Iterable[str]) -> list[str]:
    groups = list(dict.fromkeys(target_groups))
    unknown = [code for code in groups if code not in TARGET_GROUPS]
    if unknown:
        raise DomainError(_("Deze groep kennen we niet: %(code)s.") % {"code": unknown[0]}, field="target_groups")
    return groups


def _check_preferences(wants_one_off: bool, wants_recurring: bool) -> None:
    if not (wants_one_off or wants_recurring):
        raise DomainError(
            _("Kies eenmalige hulp, vaste hulp of allebei. Anders kunnen we u niets vragen."), field="wants_one_off"
        )


def _check_slots(slots: Iterable[Slot]) -> list[Slot]:
    try:
        return check_no_overlap(slots)
    except SlotError as error:
        raise DomainError(str(error), field="availability") from None


def _apply_location(volunteer: Volunteer, *, location: GeocodeResult, postcode: str, house_number: str, placement):
    volunteer.postcode = postcode
    volunteer.house_number = house_number
    volunteer.place = location.place or ""
    volunteer.latitude = location.point.lat
    volunteer.longitude = location.point.lon
    volunteer.neighbourhood = placement.neighbourhood


# --- Registration and profile ------------------------------------------------------


def volunteer_register(
    *,
    user,
    first_name: str,
    last_name: str,
    location: GeocodeResult,
    postcode: str,
    house_number: str,
    max_distance_km: float,
    skills: Iterable[Skill],
    phone: str = "",
    slots: Iterable[Slot] = (),
    max_active_matches: int = 1,
    languages: Iterable[str] = ("nl",),
    wants_one_off: bool = True,
    wants_recurring: bool = True,
    target_groups: Iterable[str] = (),
) -> Volunteer:
    """Create the volunteer profile of ``user`` at the organisation that serves
    the municipality they live in, with skills and weekly availability, in one go."""
    if Volunteer.objects.filter(user=user).exists():
        raise DomainError(_("U bent al aangemeld als vrijwilliger."))
    placement = serving_area(location=location, postcode=postcode)
    skills = _check_skills(skills, placement.organisation)
    slots = _check_slots(slots)
    _check_preferences(wants_one_off, wants_recurring)
    volunteer = Volunteer(
        organisation=placement.organisation,
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=user.email,
        phone=phone.strip(),
        max_distance_km=max_distance_km,
        max_active_matches=max_active_matches,
        languages=_check_languages(languages),
        wants_one_off=wants_one_off,
        wants_recurring=wants_recurring,
        target_groups=_check_target_groups(target_groups),
    )
    _apply_location(volunteer, location=location, postcode=postcode, house_number=house_number, placement=placement)
    try:
        volunteer.full_clean(exclude=["user", "organisation", "neighbourhood"])
    except ValidationError as error:
        _raise_from_validation_error(error)
    with transaction.atomic():
        volunteer.save()
        volunteer.skills.set(skills)
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end) for s in slots
        )
        if not user.first_name:
            user.first_name, user.last_name = volunteer.first_name, volunteer.last_name
            user.save(update_fields=["first_name", "last_name"])
    return volunteer


def volunteer_update(
    *,
    volunteer: Volunteer,
    first_name: str,
    last_name: str,
    phone: str,
    location: GeocodeResult,
    postcode: str,
    house_number: str,
    max_distance_km: float,
    skills: Iterable[Skill],
    max_active_matches: int,
    languages: Iterable[str],
    wants_one_off: bool,
    wants_recurring: bool,
    target_groups: Iterable[str],
) -> Volunteer:
    """Change the volunteer's own details, skills and preferences.

    A new address must stay in the organisation's area: moving to another
    centre's area is done by the brokers (matches and screening move with it)."""
    placement = serving_area(location=location, postcode=postcode)
    if not volunteer.organisation.municipalities.filter(pk=placement.municipality.pk).exists():
        raise DomainError(
            _(
                "Dit adres ligt buiten het werkgebied van %(organisation)s. Gaat u verhuizen? "
                "Neem dan contact op met uw vrijwilligerscentrale."
            )
            % {"organisation": volunteer.organisation.name},
            field="postcode",
        )
    skills = _check_skills(skills, volunteer.organisation)
    _check_preferences(wants_one_off, wants_recurring)
    volunteer.first_name = first_name.strip()
    volunteer.last_name = last_name.strip()
    volunteer.phone = phone.strip()
    volunteer.max_distance_km = max_distance_km
    volunteer.max_active_matches = max_active_matches
    volunteer.languages = _check_languages(languages)
    volunteer.wants_one_off = wants_one_off
    volunteer.wants_recurring = wants_recurring
    volunteer.target_groups = _check_target_groups(target_groups)
    _apply_location(volunteer, location=location, postcode=postcode, house_number=house_number, placement=placement)
    try:
        volunteer.full_clean(exclude=["user", "organisation", "neighbourhood"])
    except ValidationError as error:
        _raise_from_validation_error(error)
    with transaction.atomic():
        volunteer.save()
        volunteer.skills.set(skills)
    return volunteer


def volunteer_set_availability(*, volunteer: Volunteer, slots: Iterable[Slot]) -> list[AvailabilitySlot]:
    """Replace the weekly availability with ``slots`` (wall-clock, Europe/Amsterdam).

    Overlapping slots are refused; nothing changes unless all slots are valid."""
    slots = _check_slots(slots)
    with transaction.atomic():
        # Lock the volunteer so two saves at once cannot interleave their slots.
        Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
        # bulk_create sends no post_save: announce the new slots (same transaction), before
        # the delete, so that the matching pool logs this volunteer once, not once per slot.
        volunteers_changed.send(
            sender=Volunteer, organisation_id=volunteer.organisation_id, volunteer_ids=[volunteer.pk]
        )
        volunteer.availability.all().delete()
        created = AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(volunteer=volunteer, weekday=s.weekday, start=s.start, end=s.end) for s in slots
        )
    if hasattr(volunteer, "_prefetched_objects_cache"):
        volunteer._prefetched_objects_cache.pop("availability", None)
    return created


def volunteer_pause(*, volunteer: Volunteer, until: datetime.date, today: datetime.date | None = None) -> Volunteer:
    """No new proposals up to and including ``until`` (a holiday, a busy month)."""
    today = today or timezone.localdate()
    if until < today:
        raise DomainError(_("Deze datum is al voorbij. Kies vandaag of een datum later."), field="paused_until")
    if until > today + datetime.timedelta(days=MAX_PAUSE_DAYS):
        raise DomainError(
            _("Pauzeren kan tot hoogstens een jaar vooruit. Kies een datum vóór %(date)s.")
            % {"date": (today + datetime.timedelta(days=MAX_PAUSE_DAYS + 1)).strftime("%d-%m-%Y")},
            field="paused_until",
        )
    volunteer.paused_until = until
    with transaction.atomic():  # the save and the matching pool's version bump together
        volunteer.save(update_fields=["paused_until", "updated_at"])
    return volunteer


def volunteer_resume(*, volunteer: Volunteer) -> Volunteer:
    volunteer.paused_until = None
    with transaction.atomic():
        volunteer.save(update_fields=["paused_until", "updated_at"])
    return volunteer


# --- Erasure ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeletionResult:
    volunteer_kept: bool  # anonymised because matches refer to it (reports)
    account_deleted: bool  # the login is gone too
    account_kept_reason: str = ""


def volunteer_erase(*, volunteer: Volunteer, by) -> bool:
    """The profile part of erasure, without checks and without the login (callers
    check who may; ``privacy.services`` erases a whole person with it): availability,
    screening records and skills go, open matches end (``volunteer_erasing``), and the
    row is anonymised when matches need it, else deleted with a
    :class:`VolunteerDeparture` for the reports. Returns whether the row was kept."""
    with transaction.atomic():
        # The receivers lock the volunteer's requests and matches first: the matching pool's
        # version row (bumped below) is always the last lock a writer takes.
        kept = any(answer for _receiver, answer in volunteer_erasing.send(sender=Volunteer, volunteer=volunteer, by=by))
        # Erased or anonymised, the volunteer leaves the matching pool (told once, before
        # the slots go, so that the pool logs the volunteer once and not once per slot).
        volunteers_changed.send(
            sender=Volunteer, organisation_id=volunteer.organisation_id, volunteer_ids=[volunteer.pk]
        )
        volunteer.availability.all().delete()
        volunteer.vog_checks.all().delete()
        volunteer.skills.clear()
        now = timezone.now()
        if kept:
            Volunteer.objects.filter(pk=volunteer.pk).update(
                first_name=ANONYMOUS_FIRST_NAME,
                last_name="",
                email="",
                phone="",
                postcode="",
                house_number="",
                place="",
                latitude=None,
                longitude=None,
                user=None,
                is_active=False,
                stopped_at=volunteer.stopped_at or now,
                paused_until=None,
                vog_valid_until=None,
                languages="",
                target_groups=[],
                updated_at=now,
            )
            volunteer.refresh_from_db()
        else:
            # The row goes; the reports keep only where and when (no person).
            VolunteerDeparture.objects.create(
                organisation_id=volunteer.organisation_id,
                neighbourhood_id=volunteer.neighbourhood_id,
                registered_at=volunteer.created_at,
                stopped_at=volunteer.stopped_at or now,
            )
            volunteer.delete()
    return kept


def volunteer_delete(*, volunteer: Volunteer, by) -> DeletionResult:
    """Remove the volunteer's personal data (the right to erasure).

    Availability, screening records and skills are deleted. A volunteer who ever
    had a match stays as an anonymous row ("Oud-vrijwilliger", neighbourhood only),
    so the organisation's and municipality's reports still add up; otherwise the
    row is deleted and only a :class:`VolunteerDeparture` (organisation,
    neighbourhood, the dates of joining and stopping) stays for the reports.
    The login goes too, unless the same person also asks for help, cares for
    someone or works for an organisation: then only the volunteer profile is
    removed.
    """
    user = volunteer.user
    if by is None or not by.is_authenticated:
        raise DomainError(_("U moet ingelogd zijn om gegevens te verwijderen."))
    is_self = user is not None and by.pk == user.pk
    if not is_self and not is_broker_of(by, volunteer.organisation_id):
        raise DomainError(_("U mag de gegevens van deze vrijwilliger niet verwijderen."))
    keep_reason = volunteer_account_kept_reason(user) if user is not None and is_self else ""
    volunteer_email, volunteer_pk = volunteer.email, volunteer.pk
    with transaction.atomic():
        kept = volunteer_erase(volunteer=volunteer, by=by)
        # The record of e-mail sent about this volunteer's matches goes too.
        from notifications.models import Notification
        from notifications.services import preferences_erase

        addresses = {a.lower() for a in (volunteer_email, user.email if user is not None else "") if a}
        Notification.objects.filter(match__volunteer_id=volunteer_pk, to_email__in=addresses).delete()
        account_deleted = False
        # Only the person themselves gives up their login; a broker erasing a
        # profile on request leaves the account to its owner.
        if user is not None and is_self and not keep_reason:
            preferences_erase(email=user.email)
            user.delete()  # allauth's EmailAddress rows (and the mail record) cascade
            account_deleted = True
    return DeletionResult(volunteer_kept=kept, account_deleted=account_deleted, account_kept_reason=keep_reason)


# --- Screening (VOG) ---------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` plus whole years; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def vog_record(
    *,
    volunteer: Volunteer,
    status: str,
    issued_on: datetime.date | None,
    note: str,
    by,
    today: datetime.date | None = None,
) -> VogCheck:
    """Record a broker's check of a volunteer's VOG. Never the document itself.

    ``valid``: the VOG is in order; it stays valid ``organisation.vog_valid_years``
    years after ``issued_on``, and that date becomes the volunteer's
    ``vog_valid_until`` (the latest record wins, so a typo can be corrected).
    ``requested``: the volunteer applied; nothing changes yet.
    ``refused``: no VOG was issued; the volunteer no longer counts as screened.
    """
    today = today or timezone.localdate()
    organisation = volunteer.organisation
    if not is_broker_of(by, organisation.pk):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan een VOG vastleggen."))
    if status not in VogCheck.Status.values:
        raise DomainError(_("Kies een stand van zaken."), field="status")
    if issued_on is not None and issued_on > today:
        raise DomainError(_("De datum van afgifte kan niet in de toekomst liggen."), field="issued_on")
    if status == VogCheck.Status.VALID and issued_on is None:
        raise DomainError(_("Vul de datum van afgifte in. Die staat op de VOG."), field="issued_on")
    valid_until = add_years(issued_on, organisation.vog_valid_years) if status == VogCheck.Status.VALID else None
    check = VogCheck(
        volunteer=volunteer,
        status=status,
        issued_on=issued_on,
        valid_until=valid_until,
        checked_by=by,
        note=(note or "").strip(),
    )
    try:
        check.full_clean(exclude=["volunteer", "checked_by"])
    except ValidationError as error:
        _raise_from_validation_error(error)
    with transaction.atomic():
        check.save()
        if status == VogCheck.Status.VALID:
            volunteer.vog_valid_until = valid_until
            volunteer.save(update_fields=["vog_valid_until", "updated_at"])
        elif status == VogCheck.Status.REFUSED and volunteer.vog_valid_until is not None:
            volunteer.vog_valid_until = None
            volunteer.save(update_fields=["vog_valid_until", "updated_at"])
    return check


THANKS_MAX = VolunteerThanks._meta.get_field("text").max_length


def volunteer_thanks_update(*, organisation, by, text: str) -> VolunteerThanks | None:
    """Keep the organisation's thank-you to its volunteers (the yearly overview and the
    certificate show it). Only the organisation's admin; an empty text takes it away
    (None), and the standard text shows again."""
    from neighbourhoods.models import StaffMembership

    if not StaffMembership.objects.filter(
        organisation=organisation, user_id=getattr(by, "pk", None), role=StaffMembership.Role.ADMIN
    ).exists():
        raise DomainError(_("Alleen de beheerder van de organisatie kan dit aanpassen."))
    text = (text or "").strip()
    if len(text) > THANKS_MAX:
        raise DomainError(_("Dit is te lang: hooguit %(max)d tekens.") % {"max": THANKS_MAX}, field="text")
    with transaction.atomic():
        if not text:
            VolunteerThanks.objects.filter(organisation=organisation).delete()
            return None
        thanks, _created = VolunteerThanks.objects.update_or_create(organisation=organisation, defaults={"text": text})
    return thanks
