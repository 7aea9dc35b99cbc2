"""Writes about partners: the invitation, the profile, vacancies and their check by the
centre, responses and the partner's answer. Keyword-only arguments, checks first, one
:class:`~common.errors.DomainError` the views turn into a form error or a 4xx."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import Point
from common.slots import Slot, check_no_overlap
from neighbourhoods.models import Organisation, Skill, StaffMembership
from neighbourhoods.selectors import neighbourhood_for_point, skills_for_organisation
from notifications.links import absolute
from notifications.models import Category
from notifications.services import mail_queue
from partners.models import Partner, PartnerMembership, PartnerSettings, Response, Vacancy, VacancySlot
from volunteers.models import Volunteer

# While the organisation checks first vacancies: how many of a partner's vacancies the
# centre approves before the next ones go online at once.
REVIEWED_FIRST = 2


def _require_admin(organisation: Organisation, by) -> None:
    if not StaffMembership.objects.filter(user=by, organisation=organisation, role=StaffMembership.Role.ADMIN).exists():
        raise DomainError(_("Alleen een beheerder van de centrale mag dit doen."))


def _require_member(partner: Partner, by) -> None:
    if not PartnerMembership.objects.filter(partner=partner, user=by).exists():
        raise DomainError(_("U werkt niet voor deze partner."))


# --- The centre: invite, settings, check ----------------------------------------------------


def partner_invite(
    *, organisation: Organisation, by, name: str, kind: str, email: str, base_url: str | None = None
) -> PartnerMembership:
    """The centre invites a partner: the partner (new, or one it already has by that
    name) and its first person, who gets a mail with a link to choose a password."""
    from neighbourhoods.services import _email_address_verified, staff_invite

    _require_admin(organisation, by)
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not name:
        raise DomainError(_("Vul de naam van de organisatie in."), field="name")
    if len(name) > Partner._meta.get_field("name").max_length:
        raise DomainError(_("De naam is te lang."), field="name")
    if kind not in Partner.Kind.values:
        raise DomainError(_("Kies een soort organisatie uit de lijst."), field="kind")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), field="email")
    User = get_user_model()
    try:
        with transaction.atomic():
            partner = Partner.objects.filter(organisation=organisation, name__iexact=name).first()
            if partner is None:
                partner = Partner.objects.create(organisation=organisation, name=name, kind=kind)
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=None)
            _email_address_verified(user, email)
            if PartnerMembership.objects.filter(partner=partner, user=user).exists():
                raise DomainError(_("Deze persoon werkt al voor deze partner."), field="email")
            membership = PartnerMembership.objects.create(partner=partner, user=user)
            if not user.has_usable_password():
                staff_invite(
                    user=user,
                    organisation=organisation,
                    base_url=base_url,
                    template="partners/email/partner_invite",
                    context={"partner_name": partner.name},
                )
            else:
                _mail_added(membership=membership, base_url=base_url)
    except IntegrityError:
        raise DomainError(_("Deze persoon werkt al voor deze partner."), field="email")
    return membership


def _mail_added(*, membership: PartnerMembership, base_url: str | None) -> None:
    from django.urls import reverse

    partner = membership.partner
    mail_queue(
        template="partners/email/partner_added",
        context={
            "partner_name": partner.name,
            "organisation_name": partner.organisation.name,
            "action_url": absolute(reverse("partners:home"), base_url),
        },
        key=f"partners:added:{membership.pk}:{uuid.uuid4().hex}",
        kind="partner_added",
        category=Category.ACCOUNT,
        to_email=membership.user.email,
        user=membership.user,
        organisation=partner.organisation,
    )


def partner_settings_update(*, organisation: Organisation, by, review_first_vacancies: bool) -> PartnerSettings:
    _require_admin(organisation, by)
    row, _created = PartnerSettings.objects.update_or_create(
        organisation=organisation, defaults={"review_first_vacancies": bool(review_first_vacancies)}
    )
    return row


def partner_set_active(*, partner: Partner, by, active: bool) -> Partner:
    """The centre stops (or resumes) working with a partner: its vacancies leave the
    public list while it is stopped."""
    _require_admin(partner.organisation, by)
    Partner.objects.filter(pk=partner.pk).update(is_active=bool(active))
    partner.is_active = bool(active)
    return partner


def vacancy_review(*, vacancy: Vacancy, by, approve: bool) -> Vacancy:
    """The centre approves a vacancy that waits for its check (online from now), or not."""
    _require_admin(vacancy.partner.organisation, by)
    now = timezone.now()
    values = (
        {"status": Vacancy.Status.PUBLISHED, "published_at": now, "reviewed_by": by}
        if approve
        else {"status": Vacancy.Status.REJECTED, "reviewed_by": by}
    )
    updated = Vacancy.objects.filter(pk=vacancy.pk, status=Vacancy.Status.REVIEW).update(**values, updated_at=now)
    if not updated:
        raise DomainError(_("Deze vacature wacht niet (meer) op controle."))
    vacancy.refresh_from_db()
    return vacancy


# --- The partner: profile and vacancies ----------------------------------------------------

PROFILE_FIELDS = ("name", "kind", "description", "place", "email", "phone", "website")


def partner_profile_update(*, partner: Partner, by, values: dict) -> Partner:
    _require_member(partner, by)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("Onbekend veld: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in values.items():
        setattr(partner, name, value.strip() if isinstance(value, str) else value)
    try:
        partner.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), field=field if field in PROFILE_FIELDS else None)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        raise DomainError(_("De centrale heeft al een partner met deze naam."), field="name")
    return partner


def _needs_review(partner: Partner) -> bool:
    from partners.selectors import partner_settings

    if not partner_settings(partner.organisation).review_first_vacancies:
        return False
    approved = Vacancy.objects.filter(partner=partner, reviewed_by__isnull=False, published_at__isnull=False).count()
    return approved < REVIEWED_FIRST


def _check_vacancy(
    *, when: str, date, start_time, end_time, slots: list[Slot], until, places, from_home: bool, point, today
) -> None:
    if when not in Vacancy.When.values:
        raise DomainError(_("Kies wanneer het werk is."), field="when")
    if when == Vacancy.When.ONE_OFF:
        if date is None:
            raise DomainError(_("Vul de datum in."), field="date")
        if date < today:
            raise DomainError(_("Deze datum is al voorbij. Kies een datum vanaf vandaag."), field="date")
        if start_time is None or end_time is None:
            raise DomainError(_("Vul in van hoe laat tot hoe laat."), field="start_time")
        if end_time <= start_time:
            raise DomainError(_("De eindtijd moet na de begintijd liggen."), field="end_time")
    if when == Vacancy.When.WEEKLY and not slots:
        raise DomainError(_("Kies minstens één vaste tijd in de week."), field="slots")
    if until is not None and until < today:
        raise DomainError(_("Deze datum is al voorbij. Kies een datum vanaf vandaag."), field="until")
    if until is not None and when == Vacancy.When.ONE_OFF and date is not None and until < date:
        raise DomainError(_("De vacature moet zichtbaar blijven tot de datum van het werk."), field="until")
    if places is None or places < 1:
        raise DomainError(_("Er is minstens één plaats nodig."), field="places")
    if not from_home and point is None:
        raise DomainError(_("Vul de postcode of plaats in, of kies 'vanuit huis of telefonisch'."), field="postcode")


def vacancy_save(
    *,
    partner: Partner,
    by,
    vacancy: Vacancy | None = None,
    title: str,
    description: str,
    skills: Iterable[Skill] = (),
    from_home: bool = False,
    postcode: str = "",
    place: str = "",
    point: Point | None = None,
    when: str,
    date: datetime.date | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    slots: Iterable[Slot] = (),
    hours=None,
    needs_vog: bool = False,
    minimum_age: int | None = None,
    places: int = 1,
    until: datetime.date | None = None,
) -> Vacancy:
    """Create a vacancy (``vacancy`` None) or change one of the partner's own. A new one
    waits for the centre's check while the partner's first vacancies are checked; a
    change to a published one stays online."""
    _require_member(partner, by)
    if vacancy is not None and vacancy.partner_id != partner.pk:
        raise DomainError(_("Deze vacature is van een andere partner."))
    today = timezone.localdate()
    slots = check_no_overlap(list(slots)) if when == Vacancy.When.WEEKLY else []
    if from_home:
        postcode, place, point = "", "", None
    _check_vacancy(
        when=when,
        date=date,
        start_time=start_time,
        end_time=end_time,
        slots=slots,
        until=until,
        places=places,
        from_home=from_home,
        point=point,
        today=today,
    )
    skills = list(skills)
    allowed = set(skills_for_organisation(partner.organisation).values_list("pk", flat=True))
    if any(skill.pk not in allowed for skill in skills):
        raise DomainError(_("Kies wat de vrijwilliger doet uit de lijst."), field="skills")
    if when != Vacancy.When.ONE_OFF:
        date = start_time = end_time = None
    title, description = " ".join((title or "").split()), (description or "").strip()
    if not title:
        raise DomainError(_("Geef de vacature een titel."), field="title")
    if not description:
        raise DomainError(_("Vertel wat de vrijwilliger gaat doen."), field="description")
    creating = vacancy is None
    if creating:
        vacancy = Vacancy(partner=partner, created_by=by)
    values = {
        "title": title,
        "description": description,
        "from_home": from_home,
        "postcode": postcode,
        "place": place,
        "latitude": point.lat if point else None,
        "longitude": point.lon if point else None,
        "neighbourhood": neighbourhood_for_point(point=point) if point else None,
        "when": when,
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "hours": hours,
        "needs_vog": needs_vog,
        "minimum_age": minimum_age,
        "places": places,
        "until": until,
    }
    for name, value in values.items():
        setattr(vacancy, name, value)
    try:
        vacancy.full_clean(exclude=["partner", "created_by", "reviewed_by", "neighbourhood"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), field=field)
    with transaction.atomic():
        if creating:
            if _needs_review(partner):
                vacancy.status = Vacancy.Status.REVIEW
            else:
                vacancy.status = Vacancy.Status.PUBLISHED
                vacancy.published_at = timezone.now()
        vacancy.save()
        vacancy.skills.set(skills)
        vacancy.slots.all().delete()
        VacancySlot.objects.bulk_create(
            VacancySlot(vacancy=vacancy, weekday=s.weekday, start=s.start, end=s.end) for s in slots
        )
    return vacancy


def vacancy_close(*, vacancy: Vacancy, by) -> Vacancy:
    """The partner takes a vacancy offline (filled, or no longer needed)."""
    _require_member(vacancy.partner, by)
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.CLOSED, updated_at=timezone.now())
    vacancy.status = Vacancy.Status.CLOSED
    return vacancy


# --- Responses ---------------------------------------------------------------------------------


def response_submit(*, vacancy: Vacancy, volunteer: Volunteer, note: str = "", age_confirmed: bool = True) -> Response:
    """A volunteer responds to a public vacancy, once."""
    from partners.selectors import public_vacancies

    note = (note or "").strip()
    if len(note) > Response._meta.get_field("note").max_length:
        raise DomainError(_("Schrijf hooguit 500 tekens."), field="note")
    if not public_vacancies().filter(pk=vacancy.pk).exists():
        raise DomainError(_("Op deze vacature kunt u niet meer reageren."))
    if vacancy.minimum_age and not age_confirmed:
        raise DomainError(
            _("Voor dit werk moet u minstens %(age)d jaar zijn.") % {"age": vacancy.minimum_age}, field="age_confirmed"
        )
    try:
        with transaction.atomic():
            if Response.objects.filter(vacancy=vacancy, volunteer=volunteer).exists():
                raise DomainError(_("U heeft al gereageerd op deze vacature."))
            return Response.objects.create(vacancy=vacancy, volunteer=volunteer, note=note)
    except IntegrityError:
        raise DomainError(_("U heeft al gereageerd op deze vacature."))


def response_decide(*, response: Response, by, accept: bool, base_url: str | None = None) -> Response:
    """The partner accepts or declines a new response; the volunteer hears it by mail.
    Accepting never takes more volunteers than the vacancy has places (the vacancy row
    is locked while counting)."""
    vacancy = response.vacancy
    _require_member(vacancy.partner, by)
    with transaction.atomic():
        Vacancy.objects.select_for_update().filter(pk=vacancy.pk).first()
        current = Response.objects.filter(pk=response.pk).values_list("status", flat=True).first()
        if current != Response.Status.NEW:
            raise DomainError(_("Op deze reactie is al geantwoord."))
        if accept:
            taken = Response.objects.filter(vacancy=vacancy, status=Response.Status.ACCEPTED).count()
            if taken >= vacancy.places:
                raise DomainError(_("Alle plaatsen van deze vacature zijn al bezet."))
        now = timezone.now()
        status = Response.Status.ACCEPTED if accept else Response.Status.DECLINED
        Response.objects.filter(pk=response.pk, status=Response.Status.NEW).update(
            status=status, decided_at=now, decided_by=by
        )
        response.refresh_from_db()
        _mail_decision(response=response, base_url=base_url)
    return response


def _mail_decision(*, response: Response, base_url: str | None) -> None:
    from django.urls import reverse

    volunteer = response.volunteer
    if volunteer is None:
        return
    vacancy = response.vacancy
    partner = vacancy.partner
    accepted = response.status == Response.Status.ACCEPTED
    mail_queue(
        template="partners/email/response_accepted" if accepted else "partners/email/response_declined",
        context={
            "name": volunteer.first_name,
            "vacancy_title": vacancy.title,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "partner_phone": partner.phone,
            "action_url": absolute(
                reverse("vacancies:detail", args=[vacancy.pk]) if accepted else reverse("vacancies:list"), base_url
            ),
        },
        key=f"partners:response:{response.pk}:{response.status}",
        kind=f"vacancy_response_{response.status}",
        category=Category.UPDATES,
        to_email=volunteer.email or (volunteer.user.email if volunteer.user_id else ""),
        user=volunteer.user,
        organisation=partner.organisation,
    )


def response_withdraw(*, response: Response, volunteer: Volunteer) -> Response:
    if response.volunteer_id != volunteer.pk:
        raise DomainError(_("Dit is niet uw reactie."))
    updated = Response.objects.filter(pk=response.pk, status=Response.Status.NEW).update(
        status=Response.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise DomainError(_("Op deze reactie is al geantwoord."))
    response.refresh_from_db()
    return response


# --- Privacy -----------------------------------------------------------------------------------


def responses_erase(*, volunteer_ids: Iterable[int]) -> int:
    """Erasure of a volunteer: their responses lose the note and the link to them; the
    rows stay, without a person, for the centre's figures."""
    return Response.objects.filter(volunteer_id__in=list(volunteer_ids)).update(note="", volunteer=None)
