"""Writes for geography: load a region's municipalities and neighbourhoods from
the offline gazetteer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import Point, haversine_km
from neighbourhoods.geo import get_gazetteer
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Organisation, Skill, StaffMembership
from neighbourhoods.municipalities import CurrentMunicipality, get_register
from neighbourhoods.outlines import Place, assign_outlines
from neighbourhoods.selectors import municipality_lookup_message
from neighbourhoods.wijken import WijkBuurt, of_municipality


@dataclass(frozen=True)
class Region:
    name: str
    province: str
    municipalities: tuple[str, ...]


REGIO_ARNHEM = Region(
    name="Regio Arnhem",
    province="Gelderland",
    municipalities=(
        "Arnhem",
        "Doesburg",
        "Duiven",
        "Lingewaard",
        "Overbetuwe",
        "Rheden",
        "Renkum",
        "Rozendaal",
        "Rijnwaarden",
        "Wageningen",
        "Westervoort",
        "Zevenaar",
    ),
)


@transaction.atomic
def geography_load_region(region: Region) -> tuple[int, int]:
    """Create or update the region's municipalities and their villages (kern) and
    wijken from the curated gazetteer rows. Returns (municipalities, neighbourhoods)."""
    municipalities = {}
    for name in region.municipalities:
        municipality, _created = Municipality.objects.update_or_create(
            name=name, defaults={"province": region.province}
        )
        municipalities[name] = municipality
    rows = [r for r in get_gazetteer().region_places() if r.municipality in municipalities and r.point is not None]
    # The shipped CBS outlines (neighbourhoods/outlines.py): a place whose wijk is its
    # own is drawn as that outline, and its centre moves inside it if it lay outside.
    places = [Place(name=r.name, kind=r.kind, code="", municipality=r.municipality, centroid=r.point) for r in rows]
    assigned = assign_outlines(places)
    for i, row in enumerate(rows):
        outline = assigned.get(i)
        point = outline.centroid if outline and outline.centroid else row.point
        Neighbourhood.objects.update_or_create(
            municipality=municipalities[row.municipality],
            name=row.name,
            kind=row.kind,
            defaults={
                "latitude": point.lat,
                "longitude": point.lon,
                "boundary": outline.geometry if outline else None,
            },
        )
    return len(municipalities), len(rows)


def postcode_near(*, municipality: str, point: Point) -> str | None:
    """The PC4 code of the municipality whose centre lies closest to ``point``."""
    areas = get_gazetteer().postcode_areas(municipality=municipality)
    if not areas:
        return None
    return min(areas, key=lambda a: haversine_km(a.point, point)).pc4


def skills_ensure_defaults() -> None:
    """Create the default catalogue rows (idempotent)."""
    for code, label in DEFAULT_SKILLS.items():
        Skill.objects.get_or_create(organisation=None, code=code, defaults={"label": str(label)})


# --- Municipalities, wijken and buurten ------------------------------------------


@dataclass(frozen=True)
class WijkenImportResult:
    municipality: Municipality
    created: int
    updated: int


def municipality_ensure(*, current: CurrentMunicipality) -> Municipality:
    """The Municipality row of a current CBS municipality, created or updated (by code,
    else by name), so that running set-up twice never duplicates."""
    municipality = (
        Municipality.objects.filter(code=current.code).first()
        or Municipality.objects.filter(name__iexact=current.name).first()
    )
    if municipality is None:
        return Municipality.objects.create(name=current.name, code=current.code, province=current.province)
    wanted = {"name": current.name, "code": current.code, "province": current.province}
    changed = [f for f, value in wanted.items() if getattr(municipality, f) != value]
    for f in changed:
        setattr(municipality, f, wanted[f])
    if changed:
        municipality.save(update_fields=changed)
    return municipality


def kernen_load(*, municipality: Municipality, current: CurrentMunicipality) -> int:
    """Create or update the villages and towns (kernen) of a municipality from the
    offline gazetteer. Returns how many there are."""
    count = 0
    for kern in get_register().kernen(current):
        Neighbourhood.objects.update_or_create(
            municipality=municipality,
            name=kern.name[:100],
            kind=Neighbourhood.Kind.KERN,
            defaults={"latitude": kern.point.lat, "longitude": kern.point.lon},
        )
        count += 1
    return count


def wijken_import(*, municipality: Municipality, records: list[WijkBuurt]) -> WijkenImportResult:
    """Create or update (by CBS code) the wijken and buurten of ``municipality``.

    All or nothing: a record of another municipality, or a municipality without a CBS
    code, raises DomainError before anything is written. Buurten get their wijk as
    parent."""
    if not municipality.code:
        raise DomainError(
            _("Gemeente %(name)s heeft geen CBS-code; zet eerst het werkgebied op met organisation_setup.")
            % {"name": municipality.name}
        )
    mine, other = of_municipality(records, municipality.code)
    if other:
        codes = sorted({r.municipality_code for r in other})
        names = sorted({r.municipality_name for r in other if r.municipality_name})
        raise DomainError(
            _(
                "Dit bestand hoort bij een andere gemeente (%(codes)s%(names)s), niet bij %(name)s (%(code)s). "
                "Er is niets ingelezen."
            )
            % {
                "codes": ", ".join(codes[:5]),
                "names": f": {', '.join(names[:5])}" if names else "",
                "name": municipality.name,
                "code": municipality.code,
            }
        )
    if not mine:
        raise DomainError(_("Het bestand bevat geen wijken of buurten."))
    created = updated = 0
    with transaction.atomic():
        existing = {n.code: n for n in Neighbourhood.objects.filter(code__in=[r.code for r in mine])}
        wrong = [n for n in existing.values() if n.municipality_id != municipality.pk]
        if wrong:
            raise DomainError(
                _("Code %(code)s staat al bij gemeente %(name)s. Er is niets ingelezen.")
                % {"code": wrong[0].code, "name": wrong[0].municipality.name}
            )
        # Wijken first, so that buurten can point at them.
        by_code: dict[str, Neighbourhood] = {}
        for record in sorted(mine, key=lambda r: (r.kind != "wijk", r.code)):
            neighbourhood = existing.get(record.code) or Neighbourhood(municipality=municipality, code=record.code)
            is_new = neighbourhood.pk is None
            neighbourhood.kind = record.kind
            neighbourhood.name = _unique_area_name(municipality, record, neighbourhood.pk)
            neighbourhood.latitude, neighbourhood.longitude = record.point.lat, record.point.lon
            neighbourhood.boundary = record.boundary
            neighbourhood.parent = by_code.get(record.wijk_code) if record.wijk_code else neighbourhood.parent
            try:
                neighbourhood.full_clean(validate_constraints=False)
            except ValidationError as error:
                raise DomainError(
                    _("%(code)s kan niet worden opgeslagen: %(reason)s. Er is niets ingelezen.")
                    % {"code": record.code, "reason": "; ".join(error.messages)}
                )
            neighbourhood.save()
            by_code[record.code] = neighbourhood
            created, updated = created + is_new, updated + (not is_new)
    return WijkenImportResult(municipality, created, updated)


def _unique_area_name(municipality: Municipality, record: WijkBuurt, pk: int | None) -> str:
    """CBS names repeat within a municipality ("Buitengebied" in several wijken):
    the second one gets its code added, so both fit the unique name rule."""
    clash = Neighbourhood.objects.filter(municipality=municipality, name=record.name, kind=record.kind)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    return f"{record.name[:85]} ({record.code})" if clash.exists() else record.name


# --- Organisation set-up -------------------------------------------------------------


@dataclass(frozen=True)
class AreaSummary:
    municipality: Municipality
    kernen: int
    wijken: int
    buurten: int


@dataclass(frozen=True)
class SetupResult:
    organisation: Organisation
    organisation_created: bool
    areas: tuple[AreaSummary, ...]
    admin: Any
    admin_created: bool
    invited: bool
    shared_with: tuple[tuple[Municipality, str], ...]  # (municipality, other organisation's name)


def organisation_setup(
    *, name: str, slug: str, municipality_names: list[str], admin_email: str, base_url: str | None = None
) -> SetupResult:
    """Create or update an organisation with its working area and first admin.

    Checks everything first and raises one DomainError listing every problem (an
    unknown, former or ambiguous municipality says what it is now or what is meant),
    so that nothing is half set up. Then, in one transaction: the organisation (by
    slug), each municipality (by CBS code) with its villages from the gazetteer, the
    admin's account and membership, and an invitation mail with a link to choose a
    password (allauth's password-reset link). Running it again updates names, adds
    municipalities, keeps what exists and never duplicates; the invitation is sent
    again only while the admin has not chosen a password yet. An organisation that gets
    its first admin here is marked ``setup_pending``: that admin finishes the set-up in
    the app (``orgsettings.organisation_setup_finish``).
    """
    from django.core.validators import validate_email, validate_slug

    problems: list[str] = []
    name = " ".join((name or "").split())
    slug = (slug or "").strip()
    email = (admin_email or "").strip().lower()
    if not name:
        problems.append(_("Geef de naam van de organisatie."))
    elif len(name) > Organisation._meta.get_field("name").max_length:
        problems.append(_("De naam van de organisatie is te lang."))
    try:
        validate_slug(slug)
        if len(slug) > Organisation._meta.get_field("slug").max_length:
            raise ValidationError("too long")
    except ValidationError:
        problems.append(
            _("'%(slug)s' is geen geldige korte naam. Gebruik kleine letters, cijfers en streepjes.")
            % {"slug": slug[:60]}
        )
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("'%(email)s' is geen geldig e-mailadres.") % {"email": email[:100]})
    wanted: list[CurrentMunicipality] = []
    names = [n for n in (" ".join(n.split()) for n in municipality_names) if n]
    if not names:
        problems.append(_("Geef minstens één gemeente."))
    register = get_register()
    for text in names:
        lookup = register.lookup(text)
        if lookup.municipality is None or lookup.is_former:
            problems.append(municipality_lookup_message(text))
        elif lookup.municipality not in wanted:
            wanted.append(lookup.municipality)
    if problems:
        raise DomainError("\n".join(problems))

    try:
        return _organisation_setup(name=name, slug=slug, wanted=wanted, email=email, base_url=base_url)
    except IntegrityError:
        # Another set-up of the same organisation or admin committed first.
        raise DomainError(_("Er liep tegelijk een andere set-up voor deze organisatie. Probeer het opnieuw."))


def _organisation_setup(
    *, name: str, slug: str, wanted: list[CurrentMunicipality], email: str, base_url: str | None
) -> SetupResult:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(slug=slug).first()
        created = organisation is None
        if created:
            organisation = Organisation.objects.create(name=name, slug=slug, email="")
        elif organisation.name != name:
            organisation.name = name
            organisation.save(update_fields=["name"])
        areas, shared = [], []
        for current in wanted:
            municipality = municipality_ensure(current=current)
            kernen_load(municipality=municipality, current=current)
            organisation.municipalities.add(municipality)
            for other in organisations_serving_other(municipality=municipality, organisation=organisation):
                shared.append((municipality, other.name))
            counts = {kind: municipality.neighbourhoods.filter(kind=kind).count() for kind in ("kern", "wijk", "buurt")}
            areas.append(AreaSummary(municipality, counts["kern"], counts["wijk"], counts["buurt"]))
        admin = User.objects.filter(email__iexact=email).first()
        admin_created = admin is None
        if admin_created:
            admin = User.objects.create_user(email=email, password=None)  # unusable until they choose one
        _email_address_verified(admin, email)
        first_admin = not StaffMembership.objects.filter(
            organisation=organisation, role=StaffMembership.Role.ADMIN
        ).exists()
        StaffMembership.objects.get_or_create(user=admin, organisation=organisation, role=StaffMembership.Role.ADMIN)
        if first_admin and not organisation.setup_pending:
            # The first admin is led through the guided set-up in the app (contact
            # details, working area, team) the first time they open the organisation.
            organisation.setup_pending = True
            organisation.save(update_fields=["setup_pending"])
        invited = False
        if not admin.has_usable_password():
            invited = staff_invite(user=admin, organisation=organisation, base_url=base_url) is not None
    return SetupResult(organisation, created, tuple(areas), admin, admin_created, invited, tuple(shared))


def organisations_serving_other(*, municipality: Municipality, organisation: Organisation):
    return Organisation.objects.filter(municipalities=municipality).exclude(pk=organisation.pk).order_by("name")


def _email_address_verified(user, email: str) -> None:
    """allauth requires a verified address to log in; the invitation link proves the
    mailbox (only its owner can choose the password), so the address counts as verified."""
    from allauth.account.models import EmailAddress

    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def staff_invite(
    *,
    user,
    organisation: Organisation,
    base_url: str | None = None,
    template: str = "neighbourhoods/email/admin_invite",
    context: dict | None = None,
):
    """Queue the invitation mail with a link to choose a password: allauth's
    password-reset-from-key link (valid ``PASSWORD_RESET_TIMEOUT``, once). Returns the
    queued notification (None when nothing was queued). ``template`` and ``context``:
    another invitation with the same link (a partner's, ``partners.services``)."""
    import uuid

    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.urls import reverse

    from notifications.links import absolute
    from notifications.models import Category
    from notifications.services import mail_queue

    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    values = {
        "organisation_name": organisation.name,
        "action_url": absolute(path, base_url),
        "action_label": _("Wachtwoord kiezen"),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        **(context or {}),
    }
    return mail_queue(
        template=template,
        context=values,
        key=f"account:staff_invite:{organisation.pk}:{user.pk}:{uuid.uuid4().hex}",
        kind="staff_invite",
        category=Category.ACCOUNT,
        to_email=user.email,
        user=user,
        organisation=organisation,
    )
