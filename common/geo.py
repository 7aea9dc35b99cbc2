"""Coordinates and distances: a small named type and the great-circle distance.

Pure Python on purpose (no Django imports), at the ground floor so that every layer,
the matching engine included, can use it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


# --- Coordinates -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position. Always latitude first: ``Point(lat=51.98, lon=5.91)`` is Arnhem.

    GeoJSON and many libraries use (lon, lat) order; a named type instead of a bare
    tuple keeps the two from being swapped silently.
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"{name} must be a number, not {type(value).__name__}")
            value = float(value)
            if not math.isfinite(value) or not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g}, not {value!r}")
            object.__setattr__(self, name, value)

    def __str__(self) -> str:
        return f"{self.lat:.5f}, {self.lon:.5f}"


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres (spherical Earth; error below 0.5%)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
