"""Writes for geography: load a region's municipalities and neighbourhoods from
the offline gazetteer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from common.geo import Point, haversine_km
from neighbourhoods.geo import get_gazetteer
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Skill


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
        municipality, _ = Municipality.objects.update_or_create(name=name, defaults={"province": region.province})
        municipalities[name] = municipality
    count = 0
    for row in get_gazetteer().region_places():
        if row.municipality not in municipalities or row.point is None:
            continue
        Neighbourhood.objects.update_or_create(
            municipality=municipalities[row.municipality],
            name=row.name,
            kind=row.kind,
            defaults={"latitude": row.point.lat, "longitude": row.point.lon},
        )
        count += 1
    return len(municipalities), count


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
