"""Writes for volunteers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.selectors import municipality_by_name, neighbourhood_for_point, organisations_serving
from volunteers.models import DEFAULT_SKILLS, Skill, Volunteer


def skills_ensure_defaults() -> None:
    """Create the default catalogue rows (idempotent)."""
    for code, label in DEFAULT_SKILLS.items():
        Skill.objects.get_or_create(organisation=None, code=code, defaults={"label": str(label)})


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
) -> Volunteer:
    """Create the volunteer profile of ``user`` at the organisation that serves
    the municipality they live in."""
    if Volunteer.objects.filter(user=user).exists():
        raise DomainError(_("U bent al aangemeld als vrijwilliger."))
    municipality = municipality_by_name(location.municipality or "")
    organisation = organisations_serving(municipality=municipality).first() if municipality else None
    if organisation is None:
        raise DomainError(
            _("In %(place)s werkt nog geen vrijwilligerscentrale met Buurtmakelaar.")
            % {"place": location.municipality or location.place or postcode},
            field="postcode",
        )
    volunteer = Volunteer(
        organisation=organisation,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
        postcode=postcode,
        house_number=house_number,
        place=location.place or "",
        latitude=location.point.lat,
        longitude=location.point.lon,
        neighbourhood=neighbourhood_for_point(point=location.point, municipality=municipality),
        max_distance_km=max_distance_km,
    )
    volunteer.full_clean(exclude=["user", "organisation", "neighbourhood"])
    with transaction.atomic():
        volunteer.save()
        volunteer.skills.set(skills)
        if not user.first_name:
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
    return volunteer
