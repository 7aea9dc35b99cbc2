"""Charts and the region map as plain geometry, drawn server-side as inline SVG by
the templates in ``templates/reports/`` (no scripts, no tiles, nothing
from the internet). Every chart carries a text summary for its ``<desc>``; the page
shows the same numbers in a table next to it.

A figure that is hidden (fewer than 10 people) is not drawn: the bar is left out
and marked ``<10`` on the axis, a line is broken there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.demand import AreaGap, GapLevel
from reports.figures import Cell
from reports.months import Month

# Small user units, so that the text stays readable when a phone scales the chart down.
WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 14, 42


def number_text(value: int | float | Decimal | None, kind: str = "count") -> str:
    """A figure in the active language's number format: ``42``, ``42%``, ``3,5``."""
    if value is None:
        return "–"
    if kind == "pct":
        return f"{number_format(round(float(value)), 0)}%"
    if kind in ("days", "score"):
        return number_format(float(value), 1)
    if kind == "hours":
        return number_format(float(value), 1 if float(value) % 1 else 0)
    return number_format(value, 0, force_grouping=True)


def _nice_top(value: float, *, whole: bool) -> float:
    """The top of the axis: four equal steps of a round size (1, 2, 2.5, 5 × 10^k;
    whole numbers only for counts) that reach ``value``."""
    step_needed = max(value, 0) / 4
    exponent = math.floor(math.log10(step_needed)) if step_needed > 0 else 0
    for k in (exponent - 1, exponent, exponent + 1):
        for base in (1, 2, 2.5, 5):
            step = base * 10**k
            if whole and (step < 1 or step != int(step)):
                continue
            if step >= step_needed:
                return 4 * step
    return 4 * 10 ** (exponent + 1)  # pragma: no cover


@dataclass
class Point:
    month: Month
    x: float
    y: float | None  # None: not drawn
    value_text: str
    missing: bool
    bar_x: float = 0
    bar_y: float = 0
    bar_height: float = 0

    @property
    def axis_label(self) -> str:
        """The month's short name; the year is added under January and the first month."""
        return formats.date_format(self.month.first_day, "M")

    year_label: str = ""


@dataclass
class Chart:
    id: str
    title: str
    description: str
    kind: str  # "bar" or "line"
    unit: str
    points: list[Point]
    ticks: list[tuple[float, str]]
    bar_width: float
    segments: list[str] = field(default_factory=list)  # SVG path data for the line, broken at gaps
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM


def trend_chart(
    *, id: str, title: str, series: Sequence[tuple[Month, Cell]], kind: str = "bar", unit: str = ""
) -> Chart:
    """A bar (counts, hours) or line (percentages, averages) chart of one figure per month."""
    values = [float(c.value) if c.shown and c.value is not None else None for _m, c in series]
    figure_kind = series[0][1].figure.kind if series else "count"
    highest = max([v for v in values if v is not None] or [0])
    if figure_kind == "pct":
        top_value = 100.0
    elif figure_kind == "score":
        top_value = 10.0
    else:
        top_value = _nice_top(highest, whole=figure_kind in ("count", "hours"))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(series))
    baseline = HEIGHT - BOTTOM

    def y_of(v: float) -> float:
        return round(baseline - plot_h * (v / top_value), 1)

    points = []
    for i, ((month, cell), value) in enumerate(zip(series, values, strict=True)):
        x = round(LEFT + band * (i + 0.5), 1)
        text = cell.export if not cell.shown and cell.status != "empty" else number_text(cell.value, figure_kind)
        point = Point(month=month, x=x, y=None if value is None else y_of(value), value_text=str(text), missing=False)
        point.missing = value is None
        # The year under January, and under the first month unless January comes right after it.
        january_soon = any(m.month == 1 for m, _c in series[1:2]) if i == 0 else False
        if month.month == 1 or (i == 0 and not january_soon):
            point.year_label = str(month.year)
        point.bar_x = round(x - band * 0.3, 1)
        if value is not None:
            point.bar_y = y_of(value)
            point.bar_height = round(baseline - point.bar_y, 1)
        points.append(point)
    ticks = [(y_of(top_value * f), number_text(top_value * f, figure_kind)) for f in (0, 0.25, 0.5, 0.75, 1)]
    segments, current = [], []
    for p in points:
        if p.y is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{p.x},{p.y}")
    if current:
        segments.append(current)
    paths = ["M" + " L".join(seg) for seg in segments]
    return Chart(
        id=id,
        title=title,
        description=_describe(title, points, figure_kind),
        kind=kind,
        unit=unit,
        points=points,
        ticks=ticks,
        bar_width=round(band * 0.6, 1),
        segments=paths,
    )


def _describe(title: str, points: Sequence[Point], kind: str) -> str:
    if not points:
        return title
    shown = [p for p in points if not p.missing]
    parts = [
        _("%(title)s per maand, van %(first)s tot en met %(last)s.")
        % {"title": title, "first": points[0].month.label, "last": points[-1].month.label}
    ]
    if shown:
        last = points[-1]
        parts.append(_("Laatste maand: %(value)s.") % {"value": last.value_text})
        highest = max(shown, key=lambda p: p.bar_height if kind != "pct" else -(p.y or 0))
        parts.append(
            _("Hoogste: %(value)s in %(month)s.") % {"value": highest.value_text, "month": highest.month.label}
        )
    hidden = len(points) - len(shown)
    if hidden:
        parts.append(
            ngettext(
                "%(n)s maand niet getoond: te weinig mensen.",
                "%(n)s maanden niet getoond: te weinig mensen.",
                hidden,
            )
            % {"n": hidden}
        )
    return " ".join(parts)


# --- The region map --------------------------------------------------------------------

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 480, 420, 30
MARKER_R = 11
LABEL_LIMIT = 30  # more areas than this: names only in the table and the tooltips


@dataclass
class Shape:
    key: str
    name: str
    level: str
    level_label: str
    symbol: str
    cx: float
    cy: float
    r: float
    paths: list[str]
    waiting: int | str
    available: int | str
    label: bool
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "middle"

    @property
    def tooltip(self) -> str:
        return _("%(name)s: %(level)s (%(waiting)s wachtend, %(available)s vrijwilligers vrij)") % {
            "name": self.name,
            "level": self.level_label,
            "waiting": self.waiting,
            "available": self.available,
        }


@dataclass
class RegionMap:
    title: str
    description: str
    shapes: list[Shape]
    legend: list[tuple[str, str, str]]  # (level, label, symbol)
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT


def region_map(*, title: str, areas: Sequence[AreaGap]) -> RegionMap:
    """Neighbourhoods at their place (equirectangular projection, scaled to fit),
    coloured by gap level, each with the level's symbol as a second cue. Areas with
    a GeoJSON boundary are drawn as their outline, the others as a circle."""
    located = [a for a in areas if a.neighbourhood.latitude is not None and a.neighbourhood.longitude is not None]
    if not located:
        return RegionMap(
            title=title, description=_("Er zijn nog geen buurten met een plek op de kaart."), shapes=[], legend=[]
        )
    lats = [a.neighbourhood.latitude for a in located]
    lons = [a.neighbourhood.longitude for a in located]
    for a in located:
        for lon, lat in _ring_points(a.neighbourhood.boundary):
            lats.append(lat)
            lons.append(lon)
    lat0 = math.radians((min(lats) + max(lats)) / 2)
    span_x = max((max(lons) - min(lons)) * math.cos(lat0), 1e-3)
    span_y = max(max(lats) - min(lats), 1e-3)
    scale = min((MAP_WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)
    off_x = (MAP_WIDTH - span_x * scale) / 2
    off_y = (MAP_HEIGHT - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        x = off_x + (lon - min(lons)) * math.cos(lat0) * scale
        y = off_y + (max(lats) - lat) * scale
        return round(x, 1), round(y, 1)

    labels = len(located) <= LABEL_LIMIT
    shapes = []
    for a in located:
        n = a.neighbourhood
        cx, cy = project(n.longitude, n.latitude)
        paths = []
        for ring in _rings(n.boundary):
            coords = [project(lon, lat) for lon, lat in ring]
            if len(coords) >= 3:
                paths.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
        shapes.append(
            Shape(
                key=f"n{n.pk}",
                name=n.name,
                level=a.level,
                level_label=a.level_label,
                symbol=a.symbol,
                cx=cx,
                cy=cy,
                r=MARKER_R,
                paths=paths,
                waiting=a.waiting_shown,
                available=a.available_shown,
                label=labels,
            )
        )
    if labels:
        _place_labels(shapes)
    # Draw the worst last, so that it is on top where circles overlap.
    shapes.sort(key=lambda s: GapLevel.ORDER.index(s.level))
    counts = {level: sum(s.level == level for s in shapes) for level in GapLevel.ORDER}
    description = (
        ngettext("Kaart van %(n)s buurt of dorp.", "Kaart van %(n)s buurten en dorpen.", len(shapes))
        % {"n": len(shapes)}
        + " "
        + "; ".join(f"{GapLevel.LABELS[level]}: {counts[level]}" for level in reversed(GapLevel.ORDER) if counts[level])
    )
    short = [s.name for s in shapes if s.level == GapLevel.SHORT]
    if short:
        description += ". " + _("Tekort in: %(names)s.") % {"names": ", ".join(sorted(short))}
    legend = [(level, str(GapLevel.LABELS[level]), GapLevel.SYMBOLS[level]) for level in reversed(GapLevel.ORDER)]
    return RegionMap(title=title, description=description, shapes=shapes, legend=legend)


LABEL_SIZE = 12  # font size in map units
CHAR_WIDTH = 0.58 * LABEL_SIZE


def _place_labels(shapes: list[Shape]) -> None:
    """Put each name below, above, right or left of its marker where it overlaps no
    other name or marker; names that fit nowhere are left out (they are in the
    tooltip and the table). The areas with the biggest gap get their place first."""
    boxes = [(s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r) for s in shapes]

    def free(box) -> bool:
        x1, y1, x2, y2 = box
        if x1 < 0 or x2 > MAP_WIDTH or y1 < 0 or y2 > MAP_HEIGHT:
            return False
        return all(x2 <= a1 or x1 >= a2 or y2 <= b1 or y1 >= b2 for a1, b1, a2, b2 in boxes)

    for shape in sorted(shapes, key=lambda s: (-GapLevel.ORDER.index(s.level), s.name)):
        width = CHAR_WIDTH * len(shape.name)
        r, cx, cy = shape.r, shape.cx, shape.cy
        options = (
            ("middle", cx, cy + r + LABEL_SIZE, (cx - width / 2, cy + r + 1, cx + width / 2, cy + r + LABEL_SIZE + 3)),
            ("middle", cx, cy - r - 4, (cx - width / 2, cy - r - LABEL_SIZE - 3, cx + width / 2, cy - r - 1)),
            (
                "start",
                cx + r + 3,
                cy + 4,
                (cx + r + 2, cy - LABEL_SIZE / 2 - 1, cx + r + 3 + width, cy + LABEL_SIZE / 2 + 1),
            ),
            (
                "end",
                cx - r - 3,
                cy + 4,
                (cx - r - 3 - width, cy - LABEL_SIZE / 2 - 1, cx - r - 2, cy + LABEL_SIZE / 2 + 1),
            ),
        )
        for anchor, x, y, box in options:
            if free(box):
                shape.label_anchor, shape.label_x, shape.label_y = anchor, round(x, 1), round(y, 1)
                boxes.append(box)
                break
        else:
            shape.label = False


def _rings(boundary) -> list[list[tuple[float, float]]]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon, as (lon, lat) pairs."""
    if not isinstance(boundary, dict):
        return []
    try:
        if boundary.get("type") == "Polygon":
            polygons = [boundary["coordinates"]]
        elif boundary.get("type") == "MultiPolygon":
            polygons = boundary["coordinates"]
        else:
            return []
        return [[(float(p[0]), float(p[1])) for p in polygon[0]] for polygon in polygons if polygon]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


def _ring_points(boundary) -> list[tuple[float, float]]:
    return [p for ring in _rings(boundary) for p in ring]
