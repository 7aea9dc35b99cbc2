"""Writes for geography: load a region's municipalities and neighbourhoods from
the offline gazetteer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.geo import Point, haversine_km
from neighbourhoods.geo import get_gazetteer
from neighbourhoods.models import DEFAULT_SKILLS, Municipality, Neighbourhood, Skill
from neighbourhoods.municipalities import CurrentMunicipality, get_register
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
            neighbourhood.full_clean(validate_constraints=False)
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
