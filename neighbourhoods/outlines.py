"""Shipped map outlines: municipalities and CBS wijken of the demo region.

``data/outlines_regio_arnhem.geojson`` is derived from CBS open data by
``scripts/build_outlines.py`` (sources and licence in ``data/LICENSES.md``). This
module reads it once and answers two questions:

* which outline belongs to a neighbourhood (:func:`assign_outlines`): by CBS code, else by
  name, and only when that outline is the neighbourhood's own (it holds the
  neighbourhood's centre and no other neighbourhood's centre), so that the outline can
  also decide where an address lies (``locate.nearest_area``) without taking the
  villages around it;
* the base geography to draw under the figures (:func:`base_outlines`): the outlines
  of the municipalities and their wijken.

Plain Python over plain records; no Django models.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.geo import Point
from neighbourhoods.geo import normalise_name
from neighbourhoods.locate import KIND_SPECIFICITY, contains
from neighbourhoods.wijken import centroid

DATA_FILE = Path(__file__).resolve().parent / "data" / "outlines_regio_arnhem.geojson"


@dataclass(frozen=True, slots=True)
class Outline:
    kind: str  # "gemeente" or "wijk"
    code: str  # "GM0202", "WK020201"
    name: str  # "Arnhem", "Spijkerkwartier" (CBS's "Wijk 02 " prefix removed)
    municipality: str  # the municipality's name
    geometry: dict  # GeoJSON Polygon or MultiPolygon, [lon, lat]


@dataclass(frozen=True, slots=True)
class Place:
    """What :func:`assign_outlines` needs to know of a neighbourhood."""

    name: str
    kind: str  # "wijk", "buurt" or "kern"
    code: str
    municipality: str
    centroid: Point


@dataclass(frozen=True, slots=True)
class Assignment:
    geometry: dict
    # The outline's centre when the place's own (often hand-placed) centre lies
    # outside its outline; None when the centre can stay.
    centroid: Point | None


@functools.cache
def _load(path: Path = DATA_FILE) -> tuple[Outline, ...]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return tuple(
        Outline(
            kind=p["kind"],
            code=p["code"],
            name=p["name"],
            municipality=p.get("municipality", p["name"]),
            geometry=feature["geometry"],
        )
        for feature in data["features"]
        for p in [feature["properties"]]
    )


def outlines(path: Path = DATA_FILE) -> tuple[Outline, ...]:
    return _load(path)


def _key(name: str) -> str:
    key = normalise_name(name)
    return key.removesuffix(" en omgeving")


def _merge(found: Sequence[Outline]) -> dict:
    polygons: list = []
    for o in found:
        g = o.geometry
        polygons.extend([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"])
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _candidates(place: Place, wijken: Sequence[Outline]) -> list[Outline]:
    if place.code:
        by_code = [o for o in wijken if o.code == place.code]
        if by_code:
            return by_code
    key = _key(place.name)
    same = [o for o in wijken if _key(o.name) == key]
    if same:
        return same
    # "Presikhaaf" is CBS's "Presikhaaf Oost" and "Presikhaaf West"; "Duiven" is
    # "Duiven-Noord" and "Duiven-Zuid": all wijken whose name starts with it.
    # Not "Heijenoord en Lombok": a wijk CBS names after two places is neither's alone.
    starting = [
        o for o in wijken if _key(o.name).startswith(key + " ") and not _key(o.name)[len(key) :].startswith(" en ")
    ]
    if starting:
        return starting
    # A municipality that CBS keeps as one unnamed wijk ("Wijk 01") is its only town.
    if len(wijken) == 1 and not wijken[0].name and key == _key(place.municipality):
        return list(wijken)
    return []


def assign_outlines(places: Sequence[Place], path: Path = DATA_FILE) -> dict[int, Assignment]:
    """Which places (by index) get which outline.

    A place gets the CBS wijk(en) that carry its code or name. That outline is its own
    only when it holds the centre of no other place of the same municipality that is
    as specific or more (see ``locate.KIND_SPECIFICITY``) and has no outline of its
    own: CBS's wijk "Rheden" also holds the villages De Steeg and Ellecom, so the
    village Rheden keeps its dot, and a point in Ellecom stays Ellecom's.
    """
    candidates: dict[int, dict] = {}
    for i, place in enumerate(places):
        municipality = _key(place.municipality)
        wijken = [o for o in outlines(path) if o.kind == "wijk" and _key(o.municipality) == municipality]
        found = _candidates(place, wijken)
        if found:
            candidates[i] = _merge(found)
    result = {}
    for i, geometry in candidates.items():
        place = places[i]
        rank = KIND_SPECIFICITY.get(place.kind, len(KIND_SPECIFICITY))
        taken = any(
            j != i
            and j not in candidates
            and _key(other.municipality) == _key(place.municipality)
            and KIND_SPECIFICITY.get(other.kind, len(KIND_SPECIFICITY)) <= rank
            and contains(geometry, other.centroid)
            for j, other in enumerate(places)
        )
        shared = any(j != i and g == geometry for j, g in candidates.items())
        if taken or shared:
            continue
        result[i] = Assignment(geometry, None if contains(geometry, place.centroid) else centroid(geometry))
    return result


def municipality_outline(name: str, code: str = "", path: Path = DATA_FILE) -> Outline | None:
    for o in outlines(path):
        if o.kind == "gemeente" and ((code and o.code == code) or _key(o.name) == _key(name)):
            return o
    return None


def base_outlines(municipalities: Iterable[str], path: Path = DATA_FILE) -> list[Outline]:
    """The municipalities' outlines and those of their wijken, municipalities first."""
    keys = {_key(name) for name in municipalities}
    found = [o for o in outlines(path) if _key(o.municipality) in keys]
    return sorted(found, key=lambda o: (o.kind != "gemeente", o.code))
