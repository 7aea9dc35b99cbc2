"""Reads about places, neighbourhoods and organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import Point
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.locate import Area, nearest_area
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Organisation, Skill, StaffMembership


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


def municipality_by_name(name: str) -> Municipality | None:
    return Municipality.objects.filter(name__iexact=name.strip()).first() if name else None


def organisations_serving(*, municipality: Municipality) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipalities=municipality)


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
    municipality = municipality_by_name(location.municipality or "")
    organisation = organisations_serving(municipality=municipality).order_by("pk").first() if municipality else None
    if municipality is None or organisation is None:
        raise DomainError(
            _("In %(place)s werkt nog geen vrijwilligerscentrale met Buurtmakelaar.")
            % {"place": location.municipality or location.place or postcode},
            field="postcode",
        )
    return ServingArea(
        organisation=organisation,
        municipality=municipality,
        neighbourhood=neighbourhood_for_point(point=location.point, municipality=municipality),
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
    staff = [m for m in memberships if m.role in (StaffMembership.Role.BROKER, StaffMembership.Role.ADMIN)]
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


def is_broker_of(user, organisation_id: int) -> bool:
    """Whether ``user`` is a broker or admin of the organisation: the one rule for who
    may act on the organisation's requests, volunteers and matches."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return StaffMembership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=StaffMembership.CASEWORK_ROLES
    ).exists()
