"""Drawing maps as inline SVG on the server: a frame that projects lon/lat into map
units, paths for GeoJSON outlines, the shipped base geography, and labels placed so
that none overlaps another label or marker.

Used by the report map (``reports.charts``) and the vacancy map (``partners``); those
decide what to draw and how to colour it, this module only does the geometry. Plain
Python, no Django models, no scripts in the page and nothing from the internet, unless
the deployment sets ``MAP_TILES_URL`` (see :func:`tiles_context`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from neighbourhoods.outlines import Outline

LABEL_SIZE = 12  # font size in map units
CHAR_WIDTH = 0.62 * LABEL_SIZE  # a wide sans-serif (DejaVu Sans) averages ~0.6 em
LABEL_MARGIN = 2.0  # map units kept free around a label: glyphs and their white halo reach past the estimate


def rings(geometry) -> list[list[tuple[float, float]]]:
    """Every ring (outer and holes) of a GeoJSON Polygon or MultiPolygon as (lon, lat)
    pairs; [] for anything else."""
    if not isinstance(geometry, dict):
        return []
    try:
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            return []
        return [[(float(p[0]), float(p[1])) for p in ring] for polygon in polygons for ring in polygon]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]]) -> Bounds | None:
        """The bounds of (lon, lat) points, or None when there are none."""
        points = list(points)
        if not points:
            return None
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return cls(min(lons), min(lats), max(lons), max(lats))


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection of ``bounds`` into a ``width`` x ``height`` box
    with ``pad`` map units around it (north up, scaled to fit, centred)."""

    bounds: Bounds
    width: int
    height: int
    pad: int = 24

    @property
    def _cos(self) -> float:
        return math.cos(math.radians((self.bounds.south + self.bounds.north) / 2))

    @property
    def _scale(self) -> float:
        span_x = max((self.bounds.east - self.bounds.west) * self._cos, 1e-3)
        span_y = max(self.bounds.north - self.bounds.south, 1e-3)
        return min((self.width - 2 * self.pad) / span_x, (self.height - 2 * self.pad) / span_y)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        scale = self._scale
        span_x = (self.bounds.east - self.bounds.west) * self._cos * scale
        span_y = (self.bounds.north - self.bounds.south) * scale
        x = (self.width - span_x) / 2 + (lon - self.bounds.west) * self._cos * scale
        y = (self.height - span_y) / 2 + (self.bounds.north - lat) * scale
        return round(x, 1), round(y, 1)

    def path(self, geometry) -> str:
        """One SVG path (``fill-rule: evenodd`` keeps holes open) for a geometry, or ''."""
        parts = []
        for ring in rings(geometry):
            coords = [self.project(lon, lat) for lon, lat in ring]
            if len(coords) >= 3:
                parts.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
        return " ".join(parts)


@dataclass(frozen=True)
class BasePath:
    kind: str  # "gemeente" or "wijk"
    name: str
    d: str


def base_layer(frame: Frame, outlines: Sequence[Outline]) -> list[BasePath]:
    """The base geography (wijken under the municipalities' borders)."""
    drawn = [BasePath(o.kind, o.name, frame.path(o.geometry)) for o in outlines]
    return sorted((p for p in drawn if p.d), key=lambda p: p.kind == "gemeente")


@dataclass
class Label:
    """Where the name (or, where the name does not fit, a number) of a marker goes."""

    text: str
    x: float
    y: float
    anchor: str  # "start", "middle" or "end"
    number: int | None = None  # set when the label is a number; the key is in the table


@dataclass
class Marker:
    cx: float
    cy: float
    r: float
    name: str
    priority: int = 0  # higher: placed first
    label: Label | None = field(default=None)


def _options(m: Marker, width: float) -> list[tuple[str, float, float, tuple[float, float, float, float]]]:
    r, cx, cy, h = m.r, m.cx, m.cy, LABEL_SIZE
    return [
        ("middle", cx, cy + r + h, (cx - width / 2, cy + r + 1, cx + width / 2, cy + r + h + 3)),
        ("middle", cx, cy - r - 4, (cx - width / 2, cy - r - h - 3, cx + width / 2, cy - r - 1)),
        ("start", cx + r + 3, cy + 4, (cx + r + 2, cy - h / 2 - 1, cx + r + 3 + width, cy + h / 2 + 1)),
        ("end", cx - r - 3, cy + 4, (cx - r - 3 - width, cy - h / 2 - 1, cx - r - 2, cy + h / 2 + 1)),
        # The four corners, where the sides are taken.
        ("start", cx + r - 1, cy + r + h, (cx + r - 2, cy + r + 1, cx + r - 1 + width, cy + r + h + 3)),
        ("start", cx + r - 1, cy - r - 4, (cx + r - 2, cy - r - h - 3, cx + r - 1 + width, cy - r - 1)),
        ("end", cx - r + 1, cy + r + h, (cx - r + 1 - width, cy + r + 1, cx - r + 2, cy + r + h + 3)),
        ("end", cx - r + 1, cy - r - 4, (cx - r + 1 - width, cy - r - h - 3, cx - r + 2, cy - r - 1)),
    ]


def place_labels(markers: Sequence[Marker], *, width: int, height: int) -> None:
    """Give each marker a label below, above, right or left of it (or at a corner) where the label
    overlaps no other label or marker and stays inside the map. A name that fits
    nowhere becomes a number (1, 2, ...; the caller shows the key), placed the same
    way; a marker whose number fits nowhere either keeps no label (its name is in the
    tooltip and the table). Markers with a higher priority are placed first."""
    boxes = [(m.cx - m.r, m.cy - m.r, m.cx + m.r, m.cy + m.r) for m in markers]

    own = {id(m): i for i, m in enumerate(markers)}

    def free(box, skip: int) -> bool:
        x1, y1, x2, y2 = box
        if x1 < 0 or x2 > width or y1 < 0 or y2 > height:
            return False
        return all(
            x2 <= a1 or x1 >= a2 or y2 <= b1 or y1 >= b2 for i, (a1, b1, a2, b2) in enumerate(boxes) if i != skip
        )

    def put(m: Marker, text: str) -> Label | None:
        for anchor, x, y, (x1, y1, x2, y2) in _options(m, CHAR_WIDTH * len(text)):
            # The margin keeps labels apart and off other markers; a label may touch its own.
            box = (x1 - LABEL_MARGIN, y1 - LABEL_MARGIN, x2 + LABEL_MARGIN, y2 + LABEL_MARGIN)
            if free(box, own[id(m)]):
                boxes.append(box)
                return Label(text, round(x, 1), round(y, 1), anchor)
        return None

    order = sorted(markers, key=lambda m: (-m.priority, m.name))
    unplaced = []
    for m in order:
        m.label = put(m, m.name)
        if m.label is None:
            unplaced.append(m)
    # Numbers in reading order (top to bottom, left to right), so the key is easy to scan.
    number = 0
    for m in sorted(unplaced, key=lambda m: (m.cy, m.cx)):
        label = put(m, str(number + 1))
        if label is not None:
            number += 1
            label.number = number
            m.label = label


def labels_overlap(markers: Sequence[Marker]) -> bool:
    """Whether two placed labels overlap (for tests and checks)."""
    placed = []
    for m in markers:
        if m.label is None:
            continue
        w = CHAR_WIDTH * len(m.label.text)
        x = {"start": m.label.x, "middle": m.label.x - w / 2, "end": m.label.x - w}[m.label.anchor]
        placed.append((x, m.label.y - LABEL_SIZE + 1, x + w, m.label.y + 1))
    for i, (a1, b1, a2, b2) in enumerate(placed):
        for c1, d1, c2, d2 in placed[i + 1 :]:
            if a1 < c2 and c1 < a2 and b1 < d2 and d1 < b2:
                return True
    return False


def tiles_context() -> dict | None:
    """The tile layer for the Leaflet map when ``MAP_TILES_URL`` is set, else None.
    The credit line is the deployment's ``MAP_TILES_ATTRIBUTION``, or PDOK's or
    OpenStreetMap's by the tile host."""
    url = settings.MAP_TILES_URL
    if not url:
        return None
    attribution = settings.MAP_TILES_ATTRIBUTION
    if not attribution:
        if "pdok.nl" in url:
            attribution = _("Ondergrond: BRT-Achtergrondkaart van Kadaster (PDOK), CC BY 4.0.")
        elif "openstreetmap" in url:
            attribution = _("Ondergrond: © OpenStreetMap-bijdragers (ODbL).")
        else:
            attribution = _("Ondergrond: %(host)s") % {"host": url.split("/")[2]}
    return {"url": url, "attribution": attribution}
