"""Writes for an organisation's settings page: contact details and sender of the mails,
logo, VOG validity, reminder intervals, matching weights, the working area and staff.

Only an admin of the organisation may change them (a superuser may too). Every service
checks all its input first and raises one :class:`DomainError` (with ``field``) before
anything is written; then it writes in one transaction, together with one
:class:`OrganisationChange` row per changed setting (who, when, old and new value).

The working area rule: a municipality that another organisation already serves can be
added by a superuser only. An admin who could add it would, through reports, the
neighbourhood map and shared regions, see figures built on the other organisation's
requests and volunteers there; organisations stay isolated unless the platform's
operator decides they share an area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from neighbourhoods.models import (
    CarerAppreciation,
    Municipality,
    MunicipalityFrontDoor,
    Organisation,
    OrganisationChange,
    StaffMembership,
)
from neighbourhoods.municipalities import get_register
from neighbourhoods.selectors import municipality_lookup_message, organisation_setup_steps
from neighbourhoods.services import (
    _email_address_verified,
    kernen_load,
    municipality_ensure,
    organisations_serving_other,
    staff_invite,
)
from notifications.services import sender_domain_allowed


@dataclass(frozen=True)
class Bounds:
    minimum: int
    maximum: int


# Whole-number settings and the values that make sense for them.
NUMBER_BOUNDS: dict[str, Bounds] = {
    "vog_valid_years": Bounds(1, 10),
    "waiting_flag_days": Bounds(1, 365),
    "proposal_reminder_days": Bounds(1, 60),
    "proposal_alert_days": Bounds(1, 90),
    "first_checkin_days": Bounds(1, 365),
    "checkin_every_days": Bounds(7, 730),
    "carer_checkin_reminder_days": Bounds(14, 365),
}
TEXT_FIELDS = ("name", "email", "phone", "website", "sender_name", "sender_email")
SETTING_FIELDS = TEXT_FIELDS + tuple(NUMBER_BOUNDS) + ("matching_weights",)
WEIGHT_MAX = 100

# How the history names each setting (codes are stored, labels rendered when shown).
FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("Naam"),
    "email": gettext_lazy("E-mailadres"),
    "phone": gettext_lazy("Telefoon"),
    "website": gettext_lazy("Website"),
    "sender_name": gettext_lazy("Naam van de afzender"),
    "sender_email": gettext_lazy("E-mailadres van de afzender"),
    "logo": gettext_lazy("Logo"),
    "vog_valid_years": gettext_lazy("VOG geldig (jaren)"),
    "waiting_flag_days": gettext_lazy("Lang wachten na (dagen)"),
    "proposal_reminder_days": gettext_lazy("Herinnering aan de vrijwilliger na (dagen)"),
    "proposal_alert_days": gettext_lazy("Seintje aan de makelaar na (dagen)"),
    "first_checkin_days": gettext_lazy("Eerste check-in na (dagen)"),
    "checkin_every_days": gettext_lazy("Daarna check-in elke (dagen)"),
    "carer_checkin_reminder_days": gettext_lazy("Mantelzorger vragen hoe het gaat, elke (dagen)"),
    "municipality": gettext_lazy("Werkgebied"),
    "staff": gettext_lazy("Team"),
    "setup": gettext_lazy("Eerste inrichting afgerond"),
    "front_door": gettext_lazy("Wmo-loket of wijkteam"),
    "carer_appreciation": gettext_lazy("Mantelzorgwaardering"),
}
PHONE_CHARS = set("0123456789 +-()")
SENDER_NAME_FORBIDDEN = set('<>"@\\') | {chr(c) for c in range(32)} | {chr(127)}
LOGO_TYPES = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff"}


# Labels of the matching weights, registered by the matching app (a layer above).
_weight_labels: dict[str, Any] = {}


def weight_labels_register(labels: dict[str, Any]) -> None:
    _weight_labels.update(labels)


def field_label(code: str) -> str:
    if code.startswith("weight:"):
        name = code.split(":", 1)[1]
        return _("Gewicht: %(name)s") % {"name": _weight_labels.get(name, name)}
    return str(FIELD_LABELS.get(code, code))


def _require_admin(organisation: Organisation, by) -> None:
    if getattr(by, "is_superuser", False):
        return
    if not (
        getattr(by, "is_authenticated", False)
        and StaffMembership.objects.filter(user=by, organisation=organisation, role=StaffMembership.Role.ADMIN).exists()
    ):
        raise DomainError(_("Alleen een beheerder van deze organisatie mag de instellingen aanpassen."))


def _record(organisation: Organisation, by, field: str, old: Any, new: Any) -> OrganisationChange:
    return OrganisationChange.objects.create(
        organisation=organisation,
        changed_by=by if getattr(by, "is_authenticated", False) else None,
        field=field,
        old_value=_as_text(old),
        new_value=_as_text(new),
    )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- Checks ------------------------------------------------------------------------------


def _clean_text(field: str, value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("Vul tekst in."), field=field)
    value = value.strip()
    max_length = Organisation._meta.get_field(field).max_length
    if max_length and len(value) > max_length:
        raise DomainError(
            _("Dit is te lang: hooguit %(max)d tekens.") % {"max": max_length},
            field=field,
        )
    if field == "name":
        value = " ".join(value.split())
        if not value:
            raise DomainError(_("Vul de naam van de organisatie in."), field=field)
    elif field in {"email", "sender_email"} and value:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(_("Vul een geldig e-mailadres in, bijvoorbeeld info@voorbeeld.nl."), field=field)
        if field == "sender_email" and not sender_domain_allowed(value):
            raise DomainError(
                _(
                    "Vanaf dit adres kunnen wij geen mail sturen: de mailserver mag alleen versturen vanaf "
                    "%(domains)s. Vraag de beheerder van de server om uw domein toe te voegen."
                )
                % {"domains": ", ".join(getattr(settings, "MAIL_SENDER_DOMAINS", [])) or "-"},
                field=field,
            )
    elif field == "phone" and value:
        if not set(value) <= PHONE_CHARS or sum(c.isdigit() for c in value) < 6:
            raise DomainError(
                _("Vul een telefoonnummer in met cijfers, bijvoorbeeld 026 123 45 67."),
                field=field,
            )
    elif field == "website" and value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise DomainError(_("Vul een webadres in dat begint met https://."), field=field)
    elif field == "sender_name" and value and set(value) & SENDER_NAME_FORBIDDEN:
        raise DomainError(
            _('Gebruik in de naam van de afzender geen tekens als < > " @ of een nieuwe regel.'),
            field=field,
        )
    return value


def _clean_number(field: str, value: Any) -> int:
    bounds = NUMBER_BOUNDS[field]
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Vul een heel getal in."), field=field)
    if not bounds.minimum <= value <= bounds.maximum:
        raise DomainError(
            _("Kies een getal van %(min)d tot en met %(max)d.") % {"min": bounds.minimum, "max": bounds.maximum},
            field=field,
        )
    return value


def clean_weights(values: Any, *, names: tuple[str, ...]) -> dict[str, float]:
    """Weights as the matching engine takes them: every name known, each a finite number
    from 0 to :data:`WEIGHT_MAX`, not all 0. ``names`` come from the matching app (the
    layer above), which owns the score parts."""
    if not isinstance(values, dict):
        raise DomainError(_("De gewichten zijn niet goed doorgegeven."), field="matching_weights")
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise DomainError(_("Onbekend gewicht: %(names)s.") % {"names": ", ".join(unknown)}, field="matching_weights")
    cleaned = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DomainError(_("Vul bij elk gewicht een getal in."), field=f"weight_{name}")
        if not 0 <= value <= WEIGHT_MAX:
            raise DomainError(
                _("Kies een gewicht van 0 tot en met %(max)d.") % {"max": WEIGHT_MAX}, field=f"weight_{name}"
            )
        cleaned[name] = float(value)
    if cleaned and sum(cleaned.values()) <= 0:
        raise DomainError(
            _("Zet minstens één gewicht hoger dan 0; anders kunnen we niemand voorstellen."),
            field="matching_weights",
        )
    return cleaned


# --- Services ----------------------------------------------------------------------------


def organisation_settings_update(
    *,
    organisation: Organisation,
    by,
    values: dict[str, Any],
    weight_names: tuple[str, ...] = (),
    weight_defaults: dict[str, float] | None = None,
) -> list[OrganisationChange]:
    """Set some of the organisation's settings (``values``: field name to new value;
    ``matching_weights`` a full mapping of part name to weight, checked against
    ``weight_names``). Returns the recorded changes (none when nothing changed)."""
    _require_admin(organisation, by)
    unknown = sorted(set(values) - set(SETTING_FIELDS))
    if unknown:
        raise DomainError(_("Onbekende instelling: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field in TEXT_FIELDS:
            cleaned[field] = _clean_text(field, value)
        elif field in NUMBER_BOUNDS:
            cleaned[field] = _clean_number(field, value)
        else:
            cleaned[field] = clean_weights(value, names=weight_names)
    reminder = cleaned.get("proposal_reminder_days", organisation.proposal_reminder_days)
    alert = cleaned.get("proposal_alert_days", organisation.proposal_alert_days)
    if alert < reminder:
        raise DomainError(
            _("Het seintje aan de makelaar komt na de herinnering aan de vrijwilliger: kies minstens %(days)d dagen.")
            % {"days": reminder},
            field="proposal_alert_days",
        )
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes: list[OrganisationChange] = []
        changed_fields: list[str] = []
        for field, new in cleaned.items():
            old = getattr(current, field)
            if field == "matching_weights":
                defaults = weight_defaults or {}
                old_full = {**defaults, **(old or {})}
                for name in weight_names:
                    before, after = old_full.get(name), new.get(name, old_full.get(name))
                    if before != after:
                        changes.append(_record(current, by, f"weight:{name}", before, after))
                if (old or {}) != new:
                    current.matching_weights = new
                    changed_fields.append(field)
                continue
            if old != new:
                setattr(current, field, new)
                changed_fields.append(field)
                changes.append(_record(current, by, field, old, new))
        if changed_fields:
            current.save(update_fields=changed_fields)
    for field in changed_fields:
        setattr(organisation, field, getattr(current, field))
    return changes


def logo_check(upload: UploadedFile) -> str:
    """The file's type (``png`` or ``jpg``) by its first bytes, not its name; a
    DomainError for anything else (SVG can hold scripts) or above the size limit."""
    limit = getattr(settings, "ORGANISATION_LOGO_MAX_BYTES", 1024 * 1024)
    if upload.size is None or upload.size > limit:
        raise DomainError(
            _("Het logo is te groot. Kies een bestand van hooguit %(kb)d kB.") % {"kb": limit // 1024},
            field="logo",
        )
    if upload.size == 0:
        raise DomainError(_("Dit bestand is leeg."), field="logo")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, magic in LOGO_TYPES.items():
        if head.startswith(magic):
            return kind
    raise DomainError(
        _("Kies een PNG- of JPEG-afbeelding. Andere bestanden (ook SVG) kunnen we niet gebruiken."), field="logo"
    )


def organisation_logo_set(*, organisation: Organisation, by, upload: UploadedFile | None) -> OrganisationChange:
    """Store ``upload`` as the organisation's logo (``None`` removes it); the old file
    is deleted after the change is committed."""
    _require_admin(organisation, by)
    kind = logo_check(upload) if upload is not None else None
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        old_name = current.logo.name if current.logo else ""
        old_file = current.logo.name
        if upload is None:
            if not old_name:
                raise DomainError(_("Er is geen logo om weg te halen."), field="logo")
            current.logo = ""
            current.save(update_fields=["logo"])
        else:
            current.logo.save(f"{current.slug}.{kind}", upload, save=False)
            current.save(update_fields=["logo"])
        change = _record(current, by, "logo", old_name.rsplit("/", 1)[-1], (current.logo.name or "").rsplit("/", 1)[-1])
        storage = current.logo.storage
        if old_file and old_file != current.logo.name:
            transaction.on_commit(lambda: storage.delete(old_file))
    organisation.logo = current.logo
    return change


def organisation_municipality_add(*, organisation: Organisation, by, name: str) -> Municipality:
    """Add a current municipality (with its villages) to the working area, checked like
    ``organisation_setup`` does. A municipality another organisation serves: superuser
    only (module docstring)."""
    _require_admin(organisation, by)
    text = " ".join((name or "").split())
    if not text:
        raise DomainError(_("Vul de naam van een gemeente in."), field="municipality")
    lookup = get_register().lookup(text[:100])
    if lookup.municipality is None or lookup.is_former:
        raise DomainError(municipality_lookup_message(text), field="municipality")
    current = lookup.municipality
    existing = (
        Municipality.objects.filter(code=current.code).first()
        or Municipality.objects.filter(name__iexact=current.name).first()
    )
    if existing is not None and organisation.municipalities.filter(pk=existing.pk).exists():
        raise DomainError(
            _("Gemeente %(name)s hoort al bij uw werkgebied.") % {"name": current.name}, field="municipality"
        )
    if existing is not None and not getattr(by, "is_superuser", False):
        others = list(organisations_serving_other(municipality=existing, organisation=organisation))
        if others:
            raise DomainError(
                _(
                    "Gemeente %(name)s hoort al bij het werkgebied van een andere organisatie. Om de gegevens "
                    "van organisaties gescheiden te houden, kan alleen de beheerder van het platform dit doen."
                )
                % {"name": current.name},
                field="municipality",
            )
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        municipality = municipality_ensure(current=current)
        kernen_load(municipality=municipality, current=current)
        organisation.municipalities.add(municipality)
        _record(organisation, by, "municipality", "", municipality.name)
    return municipality


def organisation_municipality_remove(*, organisation: Organisation, by, municipality: Municipality) -> None:
    """Take a municipality out of the working area. Not the last one, and not while a
    municipality viewer of this organisation depends on it."""
    _require_admin(organisation, by)
    if not organisation.municipalities.filter(pk=municipality.pk).exists():
        raise DomainError(_("Deze gemeente hoort niet bij uw werkgebied."), field="municipality")
    if organisation.municipalities.count() <= 1:
        raise DomainError(_("Het werkgebied heeft minstens één gemeente nodig."), field="municipality")
    if StaffMembership.objects.filter(organisation=organisation, municipality=municipality).exists():
        raise DomainError(
            _("Iemand van gemeente %(name)s kijkt mee. Haal die persoon eerst uit het team.")
            % {"name": municipality.name},
            field="municipality",
        )
    with transaction.atomic():
        organisation.municipalities.remove(municipality)
        _record(organisation, by, "municipality", municipality.name, "")


INVITABLE_ROLES = (
    StaffMembership.Role.BROKER,
    StaffMembership.Role.ADMIN,
    StaffMembership.Role.MUNICIPALITY,
    StaffMembership.Role.PRIVACY_OFFICER,
)


def organisation_staff_invite(
    *,
    organisation: Organisation,
    by,
    email: str,
    role: str,
    municipality: Municipality | None = None,
    base_url: str | None = None,
) -> StaffMembership:
    """Give ``email`` a role here; a new person gets an account and the invitation mail
    to choose a password (as ``organisation_setup`` does for the first admin)."""
    from django.contrib.auth import get_user_model

    _require_admin(organisation, by)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), field="email")
    if role not in INVITABLE_ROLES:
        raise DomainError(_("Kies een rol uit de lijst."), field="role")
    if role == StaffMembership.Role.MUNICIPALITY:
        if municipality is None:
            raise DomainError(_("Kies de gemeente waarvan deze persoon de cijfers ziet."), field="municipality")
        if not organisation.municipalities.filter(pk=municipality.pk).exists():
            raise DomainError(_("Deze gemeente hoort niet bij het werkgebied."), field="municipality")
    else:
        municipality = None
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=None)
            _email_address_verified(user, email)
            if StaffMembership.objects.filter(user=user, organisation=organisation, role=role).exists():
                raise DomainError(_("Deze persoon heeft deze rol al."), field="email")
            membership = StaffMembership.objects.create(
                user=user, organisation=organisation, role=role, municipality=municipality
            )
            if not user.has_usable_password():
                staff_invite(user=user, organisation=organisation, base_url=base_url)
            _record(organisation, by, "staff", "", f"{email}: {membership.get_role_display()}")
    except IntegrityError:
        raise DomainError(_("Deze persoon heeft deze rol al."), field="email")
    return membership


def organisation_staff_remove(*, organisation: Organisation, by, membership: StaffMembership) -> None:
    """End one role of one person here; the last admin stays."""
    _require_admin(organisation, by)
    if membership.organisation_id != organisation.pk:
        raise DomainError(_("Deze persoon hoort niet bij uw team."))
    with transaction.atomic():
        if membership.role == StaffMembership.Role.ADMIN:
            admins = StaffMembership.objects.select_for_update().filter(
                organisation=organisation, role=StaffMembership.Role.ADMIN
            )
            if len(admins) <= 1:
                raise DomainError(_("Er moet minstens één beheerder blijven."))
        membership.delete()
        _record(organisation, by, "staff", f"{membership.user.email}: {membership.get_role_display()}", "")


# --- The first admin's guided set-up -----------------------------------------------------


def organisation_setup_finish(*, organisation: Organisation, by) -> OrganisationChange | None:
    """End the guided set-up that ``organisation_setup`` started for the first admin:
    from now on the start page opens normally and the settings page is the place for
    changes. Needs a working area (without one nobody can be matched). Finishing twice
    records nothing the second time."""
    _require_admin(organisation, by)
    steps = organisation_setup_steps(organisation)
    missing = [step for step in steps.steps if step.required and not step.done]
    if missing:
        raise DomainError(
            _("Dit moet eerst nog: %(steps)s.") % {"steps": ", ".join(str(step.title).lower() for step in missing)}
        )
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not current.setup_pending:
            return None
        current.setup_pending = False
        current.save(update_fields=["setup_pending"])
        change = _record(current, by, "setup", "", "")
    organisation.setup_pending = False
    return change


# --- The municipality's front door (Wmo-loket, sociaal wijkteam) ---------------------------

FRONT_DOOR_FIELDS = ("name", "phone", "website", "opening_hours")


def _front_door_text(door: MunicipalityFrontDoor | None) -> str:
    if door is None:
        return ""
    return " | ".join(value for value in (door.name, door.phone, door.website, door.opening_hours) if value)


def front_door_update(
    *, organisation: Organisation, by, municipality: Municipality, values: dict[str, str]
) -> MunicipalityFrontDoor | None:
    """Keep the Wmo-loket or sociaal wijkteam of one municipality of the working area,
    as the postcode look-up shows it. All fields empty: the contact is removed (None).
    One :class:`OrganisationChange` (``front_door``) when something changed."""
    _require_admin(organisation, by)
    if not organisation.municipalities.filter(pk=municipality.pk).exists():
        raise DomainError(_("Deze gemeente hoort niet bij uw werkgebied."), field="municipality")
    cleaned: dict[str, str] = {}
    for field in FRONT_DOOR_FIELDS:
        value = (values.get(field) or "").strip()
        max_length = MunicipalityFrontDoor._meta.get_field(field).max_length
        if max_length and len(value) > max_length:
            raise DomainError(_("Dit is te lang: hooguit %(max)d tekens.") % {"max": max_length}, field=field)
        cleaned[field] = value
    cleaned["name"] = " ".join(cleaned["name"].split())
    empty = not any(cleaned.values())
    if not empty and not cleaned["name"]:
        raise DomainError(_("Vul de naam van het loket of wijkteam in."), field="name")
    phone = cleaned["phone"]
    if phone and (not set(phone) <= PHONE_CHARS or sum(c.isdigit() for c in phone) < 5):
        raise DomainError(_("Vul een telefoonnummer in met cijfers, bijvoorbeeld 14 026."), field="phone")
    if cleaned["website"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            raise DomainError(_("Vul een webadres in dat begint met https://."), field="website") from None
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        door = MunicipalityFrontDoor.objects.filter(organisation=organisation, municipality=municipality).first()
        old = _front_door_text(door)
        if empty:
            if door is not None:
                door.delete()
                _record(organisation, by, "front_door", f"{municipality.name}: {old}", "")
            return None
        if door is None:
            door = MunicipalityFrontDoor(organisation=organisation, municipality=municipality)
        changed = door.pk is None or any(getattr(door, f) != cleaned[f] for f in FRONT_DOOR_FIELDS)
        for field in FRONT_DOOR_FIELDS:
            setattr(door, field, cleaned[field])
        if changed:
            door.save()
            _record(
                organisation,
                by,
                "front_door",
                f"{municipality.name}: {old}" if old else "",
                f"{municipality.name}: {_front_door_text(door)}",
            )
    return door


# --- The carers' yearly thank-you and the municipality's mantelzorgwaardering ---------------


def _carer_appreciation_text(row: CarerAppreciation | None) -> str:
    if row is None:
        return ""
    return " | ".join(value for value in (row.text, row.link) if value)


def carer_appreciation_update(
    *, organisation: Organisation, by, municipality: Municipality, values: dict[str, str]
) -> CarerAppreciation | None:
    """Keep the text (and the link to apply) about the mantelzorgwaardering of one
    municipality of the working area, as the carers living there see it on their start
    page. Both empty: taken away (None). A link without a text is refused: the carers
    need to know what it is. One :class:`OrganisationChange` (``carer_appreciation``)
    when something changed."""
    _require_admin(organisation, by)
    if not organisation.municipalities.filter(pk=municipality.pk).exists():
        raise DomainError(_("Deze gemeente hoort niet bij uw werkgebied."), field="municipality")
    text = (values.get("text") or "").strip()
    link = (values.get("link") or "").strip()
    for field, value in (("text", text), ("link", link)):
        max_length = CarerAppreciation._meta.get_field(field).max_length
        if max_length and len(value) > max_length:
            raise DomainError(_("Dit is te lang: hooguit %(max)d tekens.") % {"max": max_length}, field=field)
    if link and not text:
        raise DomainError(_("Schrijf ook een korte tekst: wat is het en voor wie?"), field="text")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise DomainError(_("Vul een webadres in dat begint met https://."), field="link") from None
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        row = CarerAppreciation.objects.filter(organisation=organisation, municipality=municipality).first()
        old = _carer_appreciation_text(row)
        if not text:
            if row is not None:
                row.delete()
                _record(organisation, by, "carer_appreciation", f"{municipality.name}: {old}", "")
            return None
        if row is None:
            row = CarerAppreciation(organisation=organisation, municipality=municipality)
        changed = row.pk is None or row.text != text or row.link != link
        row.text, row.link = text, link
        if changed:
            row.save()
            _record(
                organisation,
                by,
                "carer_appreciation",
                f"{municipality.name}: {old}" if old else "",
                f"{municipality.name}: {_carer_appreciation_text(row)}",
            )
    return row
