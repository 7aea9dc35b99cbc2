"""Charts and the region map as plain geometry, drawn server-side as inline SVG by
the templates in ``templates/reports/`` (no scripts, no tiles, nothing from the
internet, unless the deployment sets ``MAP_TILES_URL``: then the page adds a Leaflet
map of the same areas over those tiles). Every chart carries a text summary for its ``<desc>``; the page
shows the same numbers in a table next to it.

A figure that is hidden (fewer than 10 people) is not drawn: the bar is left out
and marked ``<10`` on the axis, a line is broken there.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.utils import formats
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from neighbourhoods.mapdraw import BasePath, Bounds, Frame, Label, Marker, base_layer, place_labels, rings
from neighbourhoods.outlines import base_outlines
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
    # A report table shows about 1,500 figures, mostly the same few small numbers:
    # formatting each (Django looks up the language's separators every time) was a
    # fifth of the dashboard's rendering. The language is part of the key.
    return _number_text(value, kind, get_language())


@functools.lru_cache(maxsize=4096, typed=True)
def _number_text(value: int | float | Decimal, kind: str, _language: str | None) -> str:
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

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 480, 420, 24
MARKER_R = 9
OUTLINED_R = 7  # the symbol's disc inside an outlined area is smaller: the colour is the area
MAP_CACHE_SECONDS = 10 * 60


@dataclass
class Shape:
    key: str
    pk: int
    name: str
    municipality: str
    level: str
    level_label: str
    symbol: str
    cx: float
    cy: float
    r: float
    path: str
    waiting: int | str
    available: int | str
    label: Label | None = None

    @property
    def tooltip(self) -> str:
        return _("%(name)s: %(level)s (%(waiting)s wachtend, %(available)s vrijwilligers vrij)") % {
            "name": self.name,
            "level": self.level_label,
            "waiting": self.waiting,
            "available": self.available,
        }

    @property
    def number(self) -> int | None:
        return self.label.number if self.label else None


@dataclass
class RegionMap:
    title: str
    description: str
    shapes: list[Shape]
    legend: list[tuple[str, str, str]]  # (level, label, symbol)
    base: list[BasePath] = field(default_factory=list)
    zoom: str = ""  # the municipality zoomed to, or ""
    numbers: dict[int, int] = field(default_factory=dict)  # neighbourhood pk -> number on the map
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT
    seconds: float = 0.0  # how long drawing took (not when it came from the cache)

    def rows(self, areas: Sequence[AreaGap]) -> list[tuple[AreaGap, int | None]]:
        """The table alternative: each area with its number on the map, if it has one."""
        return [(a, self.numbers.get(a.neighbourhood.pk)) for a in areas]


def region_map(
    *, title: str, areas: Sequence[AreaGap], municipalities: Sequence[str] = (), zoom: str = "", cache_key: str = ""
) -> RegionMap:
    """The map of the gap between demand and supply, cached for ``MAP_CACHE_SECONDS``
    under ``cache_key`` plus a digest of everything it shows (so a change in a count
    or a language draws it anew). See :func:`draw_region_map`."""
    if not cache_key:
        return draw_region_map(title=title, areas=areas, municipalities=municipalities, zoom=zoom)
    digest = hashlib.sha256(
        repr(
            (
                title,
                zoom,
                sorted(municipalities),
                get_language(),
                [
                    (
                        a.neighbourhood.pk,
                        a.neighbourhood.name,
                        a.neighbourhood.municipality.name,
                        a.neighbourhood.latitude,
                        a.neighbourhood.longitude,
                        bool(a.neighbourhood.boundary),
                        a.level,
                        a.waiting_shown,
                        a.available_shown,
                    )
                    for a in areas
                ],
            )
        ).encode()
    ).hexdigest()[:32]
    key = f"reports:map:{cache_key}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = draw_region_map(title=title, areas=areas, municipalities=municipalities, zoom=zoom)
    cache.set(key, result, MAP_CACHE_SECONDS)
    return result


def draw_region_map(
    *, title: str, areas: Sequence[AreaGap], municipalities: Sequence[str] = (), zoom: str = ""
) -> RegionMap:
    """Neighbourhoods at their place over the base geography (the municipalities'
    outlines and their CBS wijken, see ``neighbourhoods.outlines``), coloured by gap
    level on a sequential scale, each with the level's symbol as a second cue. An area
    with an outline is drawn as that outline, the others as a dot. Names go where they
    overlap nothing; a name that fits nowhere becomes a number whose key is in the
    table. ``zoom``: the name of one municipality to fit the map to."""
    started = time.perf_counter()
    names = list(dict.fromkeys([*municipalities, *(a.neighbourhood.municipality.name for a in areas)]))
    base_outlines_ = base_outlines(names)
    if zoom:
        areas = [a for a in areas if a.neighbourhood.municipality.name == zoom]
    located = [a for a in areas if a.neighbourhood.latitude is not None and a.neighbourhood.longitude is not None]
    if not located and not base_outlines_:
        return RegionMap(
            title=title, description=_("Er zijn nog geen buurten met een plek op de kaart."), shapes=[], legend=[]
        )
    frame_outlines = [o for o in base_outlines_ if o.kind == "gemeente" and (not zoom or o.name == zoom)]
    points = [p for o in frame_outlines for p in rings(o.geometry)[0]] if frame_outlines else []
    for a in located:
        n = a.neighbourhood
        points.append((n.longitude, n.latitude))
        points.extend(p for ring in rings(n.boundary) for p in ring)
    bounds = Bounds.around(points)
    if bounds is None:  # zoomed to a municipality with neither an outline nor a located area
        return RegionMap(
            title=title, description=_("Er zijn nog geen buurten met een plek op de kaart."), shapes=[], legend=[]
        )
    frame = Frame(bounds, MAP_WIDTH, MAP_HEIGHT, MAP_PAD)
    shapes = []
    for a in located:
        n = a.neighbourhood
        cx, cy = frame.project(n.longitude, n.latitude)
        path = frame.path(n.boundary)
        shapes.append(
            Shape(
                key=f"n{n.pk}",
                pk=n.pk,
                name=n.name,
                municipality=n.municipality.name,
                level=a.level,
                level_label=a.level_label,
                symbol=a.symbol,
                cx=cx,
                cy=cy,
                r=OUTLINED_R if path else MARKER_R,
                path=path,
                waiting=a.waiting_shown,
                available=a.available_shown,
            )
        )
    markers = [
        Marker(s.cx, s.cy, s.r, s.name, priority=GapLevel.ORDER.index(s.level))
        for s in shapes
        if 0 <= s.cx <= MAP_WIDTH and 0 <= s.cy <= MAP_HEIGHT
    ]
    place_labels(markers, width=MAP_WIDTH, height=MAP_HEIGHT)
    by_place = {(m.cx, m.cy, m.name): m.label for m in markers}
    for s in shapes:
        s.label = by_place.get((s.cx, s.cy, s.name))
    # Outlines first, dots on top; within each, the worst last (on top where they overlap).
    shapes.sort(key=lambda s: (not s.path, GapLevel.ORDER.index(s.level)))
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
    result = RegionMap(
        title=title,
        description=description,
        shapes=shapes,
        legend=legend,
        base=base_layer(frame, base_outlines_),
        zoom=zoom,
        numbers={s.pk: s.number for s in shapes if s.number},
    )
    result.seconds = time.perf_counter() - started
    return result


def region_map_features(region: RegionMap, areas: Sequence[AreaGap]) -> dict:
    """The same areas as GeoJSON for the tiled map (Leaflet draws them over the base
    tiles when ``MAP_TILES_URL`` is set): outline or point, level, name and tooltip."""
    shown = {s.pk: s for s in region.shapes}
    features = []
    for a in areas:
        n = a.neighbourhood
        s = shown.get(n.pk)
        if s is None:
            continue
        geometry = n.boundary if rings(n.boundary) else {"type": "Point", "coordinates": [n.longitude, n.latitude]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"name": s.name, "level": s.level, "symbol": s.symbol, "tooltip": s.tooltip},
            }
        )
    return {"type": "FeatureCollection", "features": features}
