"""Which neighbourhood (buurt, wijk) or village (kern) a point lies in.

Plain functions over plain records, no Django: the caller turns ``Neighbourhood``
rows into :class:`Area` records (or passes anything with the same attributes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from common.geo import Point, haversine_km

DEFAULT_MAX_KM = 5.0

# Most specific first: a buurt lies inside a wijk, which lies inside a kern (town).
KIND_SPECIFICITY = {"buurt": 0, "wijk": 1, "kern": 2}


class AreaLike(Protocol):
    id: Any
    kind: str
    centroid: Point
    boundary: dict | None


@dataclass(frozen=True, slots=True)
class Area:
    id: Any
    kind: str
    centroid: Point
    # GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one); positions
    # are [lon, lat] as GeoJSON prescribes.
    boundary: dict | None = None


A = TypeVar("A", bound=AreaLike)


def nearest_area(point: Point, areas: Iterable[A], max_km: float = DEFAULT_MAX_KM) -> A | None:
    """The area whose boundary contains ``point`` (the most specific kind if several
    do), else the area with the nearest centre within ``max_km``, else None."""
    areas = list(areas)
    containing = [a for a in areas if a.boundary and contains(a.boundary, point)]
    if containing:
        return min(
            containing,
            key=lambda a: (KIND_SPECIFICITY.get(a.kind, len(KIND_SPECIFICITY)), haversine_km(point, a.centroid)),
        )
    nearest = min(areas, key=lambda a: haversine_km(point, a.centroid), default=None)
    if nearest is None or haversine_km(point, nearest.centroid) > max_km:
        return None
    return nearest


def contains(geometry: dict, point: Point) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon contains ``point`` (holes excluded).

    Planar ray casting on lon/lat, fine at neighbourhood scale. A point exactly on
    an edge may fall either way.
    """
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return _in_polygon(coordinates, point)
    if kind == "MultiPolygon":
        return any(_in_polygon(polygon, point) for polygon in coordinates)
    return False


def _in_polygon(rings: Sequence[Sequence[Sequence[float]]], point: Point) -> bool:
    if not rings or not _in_ring(rings[0], point):
        return False
    return not any(_in_ring(hole, point) for hole in rings[1:])


def _in_ring(ring: Sequence[Sequence[float]], point: Point) -> bool:
    x, y = point.lon, point.lat
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
