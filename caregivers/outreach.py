"""Signals ("erop af"): someone noticed that a person may need support and passes it to
the broker, with the person's consent. Writes and reads of :class:`CareSignal`.

A signal is entered by staff (broker or admin) or by a partner organisation of the
centre on its own pages (``partner=``; the partner then sees its signals' status only,
``signals_of_partner``), read and handled by brokers only (a signal says something
about someone's situation: ``StaffMembership.CARE_FILE_ROLES``). Handling ends it in
one of two ways: it becomes a request (``signal_to_request``, in the transaction that
stores the request) or it is closed with a reason (``signal_close``). Both are claimed
with a conditional UPDATE, so two brokers cannot handle one signal twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import roles_for
from caregivers.models import CarerSupport, CareSignal, HelpRequest
from caregivers.services import _neighbourhood_in, _raise_from_validation_error, signals_erase
from common.errors import DomainError
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.models import Organisation, StaffMembership
from neighbourhoods.selectors import is_broker_of, may_read_care_files

NOTICED_MAX = CareSignal._meta.get_field("noticed").max_length  # 1000
CLOSE_NOTE_MAX = CareSignal._meta.get_field("close_note").max_length  # 500


def signal_submit(
    *,
    organisation: Organisation,
    by,
    first_name: str,
    contact: str,
    noticed: str,
    source_kind: str,
    consent_given: bool,
    consent_how: str,
    location: GeocodeResult | None = None,
    postcode: str = "",
    place: str = "",
    source_name: str = "",
    about_carer: bool = False,
    partner=None,
) -> CareSignal:
    """Store a signal about someone. Refused (DomainError, nothing stored) without the
    person's recorded consent, without a first name, a way to reach them or what was
    noticed, or by someone who is not a broker or admin of ``organisation``.

    With ``partner`` (a ``partners.Partner``) the signal comes from that partner's own
    pages: ``by`` must work for it, it must be active and a partner of ``organisation``;
    the source is then the partner (kind "partner", its name and id)."""
    if partner is not None:
        if not _works_for_partner(by, partner, organisation):
            raise DomainError(_("Alleen een partner van deze organisatie kan hier een signaal doorgeven."))
        source_kind = CareSignal.SourceKind.PARTNER
        source_name = partner.name
    elif not is_broker_of(by, organisation.pk):
        raise DomainError(_("Alleen medewerkers van deze organisatie kunnen een signaal doorgeven."))
    if consent_given is not True:
        raise DomainError(
            _(
                "Zonder toestemming van de persoon slaan we geen signaal op. Vraag eerst of het goed is "
                "dat wij contact opnemen."
            ),
            field="consent_given",
        )
    if consent_how not in CareSignal.ConsentHow.values:
        raise DomainError(_("Kies hoe de persoon toestemming gaf."), field="consent_how")
    if source_kind not in CareSignal.SourceKind.values or (
        partner is None and source_kind == CareSignal.SourceKind.PARTNER
    ):
        raise DomainError(_("Kies van wie het signaal komt."), field="source_kind")
    first_name = (first_name or "").strip()
    contact = (contact or "").strip()
    noticed = (noticed or "").strip()
    if not first_name:
        raise DomainError(_("Vul de voornaam in."), field="first_name")
    if not contact:
        raise DomainError(_("Vul in hoe we de persoon bereiken: telefoon of e-mail."), field="contact")
    if not noticed:
        raise DomainError(_("Schrijf kort wat er opviel."), field="noticed")
    if len(noticed) > NOTICED_MAX:
        raise DomainError(
            _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.")
            % {"limit": NOTICED_MAX, "count": len(noticed)},
            field="noticed",
        )
    neighbourhood = _neighbourhood_in(organisation=organisation, location=location) if location else None
    signal = CareSignal(
        organisation=organisation,
        source_kind=source_kind,
        source_name=(source_name or "").strip(),
        first_name=first_name,
        contact=contact,
        postcode=postcode or (location.postcode if location and location.postcode else ""),
        place=(place or (location.place if location else "") or "").strip(),
        neighbourhood=neighbourhood,
        noticed=noticed,
        about_carer=bool(about_carer),
        consent_given=True,
        consent_how=consent_how,
        consent_at=timezone.now(),
        entered_by=by,
        source_partner_id=partner.pk if partner is not None else None,
    )
    try:
        signal.full_clean(exclude=["organisation", "neighbourhood", "request", "entered_by", "handled_by"])
    except ValidationError as error:
        _raise_from_validation_error(error)
    signal.save()
    return signal


def _works_for_partner(user, partner, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not partner.is_active or partner.organisation_id != organisation.pk:
        return False
    return any(own.pk == partner.pk for own in roles_for(user).partner_of)


def signals_of_partner(*, organisation: Organisation, partner_pk: int) -> QuerySet:
    """What a partner may see of the signals it passed: when and the status, nothing
    else (no name, contact, notes or the request it became)."""
    return (
        CareSignal.objects.filter(organisation=organisation, source_partner_id=partner_pk)
        .order_by("-created_at", "-pk")
        .values("pk", "created_at", "status")
    )


def _contact_key(value: str) -> str:
    """An e-mail address in lower case, a phone number as its digits (+31 / 0031 as 0)."""
    value = (value or "").strip().lower()
    if "@" in value:
        return value
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def open_signal_ids_about(*, contacts: Iterable[str], organisation_id: int | None = None) -> list[int]:
    """The signals nobody handled yet about a person: those whose way to reach the
    person is one of ``contacts`` (their e-mail addresses and phone numbers, in any
    notation; shorter than 6 characters never matches). Only ``organisation_id``'s when
    given. The one lookup behind the person's export and erasure (oldest first)."""
    keys = {key for key in map(_contact_key, contacts) if len(key) >= 6}
    if not keys:
        return []
    found = CareSignal.objects.filter(status=CareSignal.Status.OPEN)
    if organisation_id is not None:
        found = found.filter(organisation_id=organisation_id)
    rows = found.order_by("created_at", "pk").values_list("pk", "contact")
    return [pk for pk, contact in rows if _contact_key(contact) in keys]


def open_signals_erase(*, contacts: Iterable[str], organisation_id: int | None = None) -> int:
    """Erasure of a person: the signals nobody handled yet whose way to reach the person
    is one of ``contacts`` (their e-mail addresses and phone numbers) lose everything
    personal and leave the queue (closed, reason "anders"). Only ``organisation_id``'s
    when given (a broker erasing their organisation's records). Returns how many."""
    ids = open_signal_ids_about(contacts=contacts, organisation_id=organisation_id)
    if not ids:
        return 0
    with transaction.atomic():
        signals_erase(signal_ids=ids)
        CareSignal.objects.filter(pk__in=ids, status=CareSignal.Status.OPEN).update(
            status=CareSignal.Status.CLOSED, close_reason=CareSignal.CloseReason.OTHER, handled_at=timezone.now()
        )
    return len(ids)


def signals_of_organisation(*, organisation: Organisation) -> QuerySet[CareSignal]:
    return CareSignal.objects.filter(organisation=organisation)


def signals_open(*, organisation: Organisation) -> QuerySet[CareSignal]:
    """The organisation's signals nobody handled yet, oldest first (the queue shows them)."""
    return (
        signals_of_organisation(organisation=organisation)
        .filter(status=CareSignal.Status.OPEN)
        .order_by("created_at", "pk")
    )


def signal_for_broker(*, organisation: Organisation, pk: int) -> CareSignal:
    """One signal of ``organisation`` (404 for another organisation's or an unknown one)."""
    return get_object_or_404(
        signals_of_organisation(organisation=organisation).select_related("neighbourhood", "request"), pk=pk
    )


def _claim(*, signal: CareSignal, by, **values) -> None:
    if not may_read_care_files(by, signal.organisation_id):
        raise DomainError(_("Alleen een makelaar van deze organisatie kan een signaal afhandelen."))
    now = timezone.now()
    claimed = CareSignal.objects.filter(pk=signal.pk, status=CareSignal.Status.OPEN).update(
        handled_by=by, handled_at=now, **values
    )
    if not claimed:
        raise DomainError(_("Dit signaal is al afgehandeld."))
    for name, value in {"handled_by": by, "handled_at": now, **values}.items():
        setattr(signal, name, value)


def signal_to_request(*, signal: CareSignal, help_request: HelpRequest, by) -> CareSignal:
    """The broker spoke with the person and entered their request: the signal became it.
    Call inside the transaction that stored the request, so both stay or both go."""
    if help_request.organisation_id != signal.organisation_id:
        raise DomainError(_("Deze hulpvraag hoort bij een andere organisatie."))
    _claim(signal=signal, by=by, status=CareSignal.Status.REQUEST, request=help_request)
    return signal


def signal_close(*, signal: CareSignal, by, reason: str, note: str = "") -> CareSignal:
    """Close a signal without a request, with the reason (and a short note)."""
    if reason not in CareSignal.CloseReason.values:
        raise DomainError(_("Kies waarom het signaal wordt afgesloten."), field="reason")
    note = (note or "").strip()
    if len(note) > CLOSE_NOTE_MAX:
        raise DomainError(
            _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.")
            % {"limit": CLOSE_NOTE_MAX, "count": len(note)},
            field="note",
        )
    with transaction.atomic():
        _claim(signal=signal, by=by, status=CareSignal.Status.CLOSED, close_reason=reason, close_note=note)
    return signal


def signal_prefill(signal: CareSignal) -> dict:
    """What the broker's "request for someone" form starts with when a signal becomes a request."""
    contact = signal.contact
    is_email = "@" in contact
    return {
        "requester_first_name": signal.first_name,
        "email": contact if is_email else "",
        "phone": "" if is_email else contact,
        "postcode": signal.postcode,
        "kind": HelpRequest.Kind.RESPITE if signal.about_carer else HelpRequest.Kind.PRACTICAL,
        "description": signal.noticed,
    }


# --- Support for carers beyond respite -----------------------------------------------------

SUPPORT_FIELDS = ("information", "peer_groups", "consultant")
SUPPORT_MAX = 4000


def carer_support_of(organisation: Organisation) -> CarerSupport | None:
    return CarerSupport.objects.filter(organisation=organisation).first()


def carer_support_update(*, organisation: Organisation, by, **texts: str) -> CarerSupport:
    """The admin sets what the organisation offers carers (plain text per part)."""
    if not StaffMembership.objects.filter(user=by, organisation=organisation, role=StaffMembership.Role.ADMIN).exists():
        raise DomainError(_("Alleen een beheerder van deze organisatie kan deze tekst aanpassen."))
    unknown = set(texts) - set(SUPPORT_FIELDS)
    if unknown:
        raise DomainError(_("Onbekend onderdeel: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned = {}
    for name, value in texts.items():
        value = (value or "").strip()
        if len(value) > SUPPORT_MAX:
            raise DomainError(
                _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.")
                % {"limit": SUPPORT_MAX, "count": len(value)},
                field=name,
            )
        cleaned[name] = value
    support, _created = CarerSupport.objects.update_or_create(
        organisation=organisation, defaults={**cleaned, "updated_by": by}
    )
    return support


CONSULTANT_NOTE_MAX = 1000


def consultant_request(*, mantelzorger, by, note: str = "") -> HelpRequest:
    """A carer asks to talk with the carer consultant: a request (kind "anders", topic
    "consultant", no times) that the broker handles like any other: intake, a warm
    referral to the consultant, or closing it. Only the carer themselves."""
    from caregivers.models import RequestEvent

    if by is None or mantelzorger.user_id != getattr(by, "pk", None):
        raise DomainError(_("U kunt alleen voor uzelf om een gesprek vragen."))
    note = (note or "").strip()
    if len(note) > CONSULTANT_NOTE_MAX:
        raise DomainError(
            _("Schrijf hoogstens %(limit)s tekens. Nu zijn het er %(count)s.")
            % {"limit": CONSULTANT_NOTE_MAX, "count": len(note)},
            field="note",
        )
    if HelpRequest.objects.filter(
        mantelzorger=mantelzorger, topic="consultant", status__in=(HelpRequest.Status.NEW, HelpRequest.Status.INTAKE)
    ).exists():
        raise DomainError(_("U heeft al om een gesprek gevraagd. De consulent neemt contact met u op."))
    now = timezone.now()
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            organisation_id=mantelzorger.organisation_id,
            requester=by,
            mantelzorger=mantelzorger,
            requester_first_name=mantelzorger.first_name,
            requester_last_name=mantelzorger.last_name,
            email=mantelzorger.email or by.email,
            phone=mantelzorger.phone,
            kind=HelpRequest.Kind.OTHER,
            topic="consultant",
            description=note,
            recurring=False,
            status_changed_at=now,
            postcode=mantelzorger.postcode,
            house_number=mantelzorger.house_number,
            place=mantelzorger.place,
            latitude=mantelzorger.latitude,
            longitude=mantelzorger.longitude,
            neighbourhood_id=mantelzorger.neighbourhood_id,
        )
        RequestEvent.objects.create(
            request=help_request, from_status="", to_status=HelpRequest.Status.NEW, by=by, note=""
        )
    return help_request
