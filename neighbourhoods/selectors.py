"""Reads about places, neighbourhoods and organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from common.geo import Point
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.locate import Area, nearest_area
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Organisation, Skill, StaffMembership
from neighbourhoods.municipalities import get_register


def neighbourhood_for_point(*, point: Point, municipality: Municipality | None = None) -> Neighbourhood | None:
    """The neighbourhood or village a point lies in: inside a boundary where we
    have one, else the nearest centre (within a few km) in the municipality."""
    qs = Neighbourhood.objects.all()
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    areas = [
        Area(id=n.pk, kind=n.kind, centroid=Point(n.latitude, n.longitude), boundary=n.boundary)
        for n in qs.only("pk", "kind", "latitude", "longitude", "boundary")
    ]
    found = nearest_area(point, areas)
    if found is None:
        return None
    return Neighbourhood.objects.select_related("municipality").get(pk=found.id)


def municipality_by_name(name: str, place: str | None = None) -> Municipality | None:
    """The Municipality row called ``name``; a former municipality from the gazetteer
    or an import ("Boxmeer") finds the row of its current one (Land van Cuijk)."""
    if not name or not name.strip():
        return None
    found = Municipality.objects.filter(name__iexact=name.strip()).first()
    if found is not None:
        return found
    current = get_register().current_for(name, place)
    if current is None:
        return None
    return (
        Municipality.objects.filter(code=current.code).first()
        or Municipality.objects.filter(name__iexact=current.name).first()
    )


def municipality_resolve(name: str) -> Municipality | None:
    """The Municipality row a person means by ``name`` (a name, "Den Haag", or a CBS
    code); None for a former, split, ambiguous or unknown name
    (:func:`municipality_lookup_message` says why)."""
    text = (name or "").strip()
    if not text:
        return None
    found = Municipality.objects.filter(name__iexact=text).first()
    if found is not None:
        return found
    lookup = get_register().lookup(text)
    if lookup.municipality is None or lookup.is_former:
        return None
    current = lookup.municipality
    return (
        Municipality.objects.filter(code=current.code).first()
        or Municipality.objects.filter(name__iexact=current.name).first()
    )


def municipality_lookup_message(name: str) -> str:
    """Why ``name`` is not (or no longer) a municipality we can use, in plain Dutch:
    mergers ("Boxmeer is sinds 2022 onderdeel van Land van Cuijk"), splits, names that
    two municipalities share, and close matches for a typing error."""
    text = " ".join((name or "").split())[:80]
    lookup = get_register().lookup(text)
    if lookup.changes:
        return " ".join(_change_sentence(change) for change in _unique_changes(lookup.changes))
    if lookup.candidates:
        return _("Er zijn meer gemeenten die %(name)s heten: %(list)s. Schrijf de naam zoals CBS die schrijft.") % {
            "name": text,
            "list": ", ".join(m.name for m in lookup.candidates),
        }
    if lookup.municipality is not None:
        return _("Gemeente %(name)s hoort nog bij geen werkgebied. Zet het op met organisation_setup.") % {
            "name": lookup.municipality.name
        }
    if lookup.close_matches:
        return _("Gemeente %(name)s kennen we niet. Bedoelt u: %(list)s?") % {
            "name": text,
            "list": ", ".join(m.name for m in lookup.close_matches),
        }
    return _("Gemeente %(name)s kennen we niet.") % {"name": text}


def _unique_changes(changes):
    """A split municipality: one sentence listing every successor."""
    kinds = {c.kind for c in changes}
    if "split" in kinds:
        return [changes]
    return list(changes)


def _change_sentence(change) -> str:
    if isinstance(change, tuple | list):  # a split
        first = change[0]
        return _(
            "%(old)s is in %(year)s verdeeld over %(list)s. Kies de gemeente waar het dorp of de wijk nu bij hoort."
        ) % {"old": first.old_name, "year": first.year or "", "list": ", ".join(c.new.name for c in change)}
    if change.kind == "rename":
        if change.year:
            return _("%(old)s heet sinds %(year)s %(new)s.") % {
                "old": change.old_name,
                "year": change.year,
                "new": change.new.name,
            }
        return _("%(old)s heet nu %(new)s.") % {"old": change.old_name, "new": change.new.name}
    return _("%(old)s is sinds %(year)s onderdeel van %(new)s.") % {
        "old": change.old_name,
        "year": change.year,
        "new": change.new.name,
    }


def organisations_serving(*, municipality: Municipality) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipalities=municipality)


def front_door_for(*, municipality: Municipality):
    """The municipality's Wmo-loket or sociaal wijkteam as an organisation that serves it
    keeps it (the first such organisation, as ``serving_area`` picks one), or None. A
    contact kept by an organisation that no longer serves the municipality is not shown."""
    from neighbourhoods.models import MunicipalityFrontDoor

    return (
        MunicipalityFrontDoor.objects.filter(municipality=municipality, organisation__municipalities=municipality)
        .order_by("organisation_id")
        .first()
    )


def staff_organisation(*, user, slug: str, roles: set[str]) -> Organisation:
    """The organisation ``slug`` if ``user`` holds one of ``roles`` there.

    Answers 404 rather than 403 for other organisations, so that staff pages do
    not reveal which organisations exist.
    """
    if not user.is_authenticated:
        raise Http404
    organisation = Organisation.objects.filter(slug=slug, memberships__user=user, memberships__role__in=roles).first()
    if organisation is None:
        raise Http404
    return organisation


def municipality_memberships(*, user, organisation: Organisation) -> QuerySet[StaffMembership]:
    return StaffMembership.objects.filter(
        user=user, organisation=organisation, role=StaffMembership.Role.MUNICIPALITY
    ).select_related("municipality")


@dataclass(frozen=True)
class ServingArea:
    """What an address means for us: the municipality, its neighbourhood and the
    volunteer centre that works there."""

    organisation: Organisation
    municipality: Municipality
    neighbourhood: Neighbourhood | None


def serving_area(*, location: GeocodeResult, postcode: str = "") -> ServingArea:
    """The organisation that serves the municipality of ``location``.

    Raises DomainError (on the postcode field) when no organisation works there."""
    municipality = municipality_by_name(location.municipality or "", location.place)
    organisation = organisations_serving(municipality=municipality).order_by("pk").first() if municipality else None
    if municipality is None or organisation is None:
        raise DomainError(
            _("In %(place)s werkt nog geen vrijwilligerscentrale met Buurtmakelaar.")
            % {"place": location.municipality or location.place or postcode},
            field="postcode",
        )
    neighbourhood = None
    if location.buurt_code:  # the online geocoder named the CBS buurt
        neighbourhood = Neighbourhood.objects.filter(municipality=municipality, code=location.buurt_code).first()
    return ServingArea(
        organisation=organisation,
        municipality=municipality,
        neighbourhood=neighbourhood or neighbourhood_for_point(point=location.point, municipality=municipality),
    )


@dataclass(frozen=True)
class ReportAccess:
    """What a staff member may see of an organisation's reports: brokers and admins
    all its municipalities (and the organisation's own overview), a municipality
    viewer only the municipalities of their memberships."""

    organisation: Organisation
    municipalities: tuple[Municipality, ...]
    is_staff: bool  # broker or admin of the organisation

    def municipality_named(self, name: str) -> Municipality | None:
        wanted = (name or "").strip().casefold()
        return next((m for m in self.municipalities if m.name.casefold() == wanted), None)


def report_access(*, user, slug: str, staff_only: bool = False) -> ReportAccess:
    """The reports ``user`` may see at organisation ``slug``; 404 for everybody else
    (as the other staff pages). ``staff_only``: the organisation's own overview,
    not for municipality viewers."""
    if not user.is_authenticated:
        raise Http404
    memberships = list(
        StaffMembership.objects.filter(user=user, organisation__slug=slug).select_related(
            "organisation", "municipality"
        )
    )
    staff = [m for m in memberships if m.role in StaffMembership.CASEWORK_ROLES]
    viewer = [m for m in memberships if m.role == StaffMembership.Role.MUNICIPALITY and m.municipality_id]
    if staff:
        organisation = staff[0].organisation
        municipalities = tuple(organisation.municipalities.order_by("name"))
        return ReportAccess(organisation, municipalities, is_staff=True)
    if viewer and not staff_only:
        organisation = viewer[0].organisation
        served = set(organisation.municipalities.values_list("pk", flat=True))
        municipalities = tuple(
            sorted({m.municipality for m in viewer if m.municipality_id in served}, key=lambda m: m.name)
        )
        return ReportAccess(organisation, municipalities, is_staff=False)
    raise Http404


def staff_roles(user) -> dict:
    """The staff part of ``accounts.roles.Roles``: organisations per role."""
    memberships = list(
        StaffMembership.objects.filter(user=user).select_related("organisation", "municipality").order_by("pk")
    )
    return {
        "broker_of": tuple(m.organisation for m in memberships if m.role == StaffMembership.Role.BROKER),
        "admin_of": tuple(m.organisation for m in memberships if m.role == StaffMembership.Role.ADMIN),
        "municipality_of": tuple(m for m in memberships if m.role == StaffMembership.Role.MUNICIPALITY),
        "privacy_officer_of": tuple(
            m.organisation for m in memberships if m.role == StaffMembership.Role.PRIVACY_OFFICER
        ),
    }


def has_staff_membership(user) -> bool:
    """Whether ``user`` holds any staff role (broker, admin, municipality viewer): they
    log in with two steps (``accounts.two_step``). One indexed query."""
    return StaffMembership.objects.filter(user=user).exists()


# --- Skills catalogue ----------------------------------------------------------


def skills_for_organisation(organisation: Organisation | None) -> QuerySet[Skill]:
    """The default catalogue plus the organisation's own skills."""
    condition = Q(organisation__isnull=True)
    if organisation is not None:
        condition |= Q(organisation=organisation)
    return Skill.objects.filter(condition)


def skills_sorted(skills) -> list[Skill]:
    """Skills in the order people read them: by their (translated) label."""
    return sorted(skills, key=lambda skill: skill.display_label.casefold())


def import_skill_codes(organisation) -> set[str]:
    """Skill codes a CSV import may use: the default catalogue plus the organisation's own."""
    return set(DEFAULT_SKILLS) | set(skills_for_organisation(organisation).values_list("code", flat=True))


def may_read_care_files(user, organisation_id: int) -> bool:
    """Whether ``user`` may open the organisation's care files (the intake desk):
    a broker of it (``StaffMembership.CARE_FILE_ROLES``), not an admin as such."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return StaffMembership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=StaffMembership.CARE_FILE_ROLES
    ).exists()


def is_broker_of(user, organisation_id: int) -> bool:
    """Whether ``user`` is a broker or admin of the organisation: the one rule for who
    may act on the organisation's requests, volunteers and matches."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return StaffMembership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=StaffMembership.CASEWORK_ROLES
    ).exists()


# --- The first admin's guided set-up ---------------------------------------------------


@dataclass(frozen=True)
class SetupStep:
    code: str  # also the URL name of the step's page: neighbourhoods:setup_<code>
    title: str
    done: bool
    required: bool


@dataclass(frozen=True)
class SetupSteps:
    steps: tuple[SetupStep, ...]

    @property
    def ready(self) -> bool:
        """Every required step done: the set-up can be finished."""
        return all(step.done for step in self.steps if step.required)

    @property
    def next_step(self) -> SetupStep | None:
        return next((step for step in self.steps if not step.done), None)


# Roles that the team step asks the admin to invite.
SETUP_TEAM_ROLES = (StaffMembership.Role.BROKER, StaffMembership.Role.MUNICIPALITY)


def organisation_setup_steps(organisation: Organisation) -> SetupSteps:
    """The checklist of the guided set-up, read from what the organisation already has,
    so that the admin can stop at any moment and pick up where they were: contact
    details (an e-mail address or phone number), a working area (needed: without one
    nobody can be matched) and a team (brokers, municipality viewers; may come later)."""
    return SetupSteps(
        (
            SetupStep(
                "details",
                gettext_lazy("Naam en contactgegevens"),
                done=bool(organisation.email or organisation.phone),
                required=True,
            ),
            SetupStep(
                "area",
                gettext_lazy("Werkgebied"),
                done=organisation.municipalities.exists(),
                required=True,
            ),
            SetupStep(
                "team",
                gettext_lazy("Makelaars en gemeente uitnodigen"),
                done=organisation.memberships.filter(role__in=SETUP_TEAM_ROLES).exists(),
                required=False,
            ),
        )
    )


def setup_pending_for(*, user, organisation: Organisation) -> bool:
    """Whether ``user`` should be led to the guided set-up of ``organisation``: it is
    not finished yet and they are one of its admins."""
    return (
        organisation.setup_pending
        and StaffMembership.objects.filter(
            user=user, organisation=organisation, role=StaffMembership.Role.ADMIN
        ).exists()
    )


def carer_appreciation_for(*, organisation: Organisation, municipality: Municipality | None):
    """What ``organisation`` tells its carers in ``municipality`` about the
    mantelzorgwaardering, or None (nothing kept, or the municipality is no longer in the
    working area). Without a municipality (a carer whose address found no
    neighbourhood): the one of the working area when it has one municipality only.
    One query, with the municipality."""
    from django.db.models import Count, Exists, OuterRef, Subquery

    from neighbourhoods.models import CarerAppreciation

    area = Organisation.municipalities.through.objects.filter(organisation_id=OuterRef("organisation_id"))
    rows = (
        CarerAppreciation.objects.filter(organisation=organisation)
        .filter(Exists(area.filter(municipality_id=OuterRef("municipality_id"))))
        .select_related("municipality")
    )
    if municipality is not None:
        return rows.filter(municipality=municipality).first()
    size = area.order_by().values("organisation_id").annotate(n=Count("pk")).values("n")
    return rows.annotate(area_size=Subquery(size)).filter(area_size=1).first()
