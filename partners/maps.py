"""The map of the vacancy search results: each vacancy with a place is a numbered dot
over the base geography (``neighbourhoods.mapdraw``), numbered like the result list,
which is the list alternative. Vacancies at the same place share one dot. Work from
home has no place and is only in the list."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from neighbourhoods.mapdraw import BasePath, Bounds, Frame, Marker, base_layer, place_labels, rings
from neighbourhoods.outlines import base_outlines
from partners.models import Vacancy

WIDTH, HEIGHT, PAD = 480, 360, 24
DOT_R = 8


@dataclass
class Dot:
    cx: float
    cy: float
    numbers: list[int]
    titles: list[str]
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "middle"
    labelled: bool = False

    @property
    def text(self) -> str:
        return ", ".join(str(n) for n in self.numbers)

    @property
    def tooltip(self) -> str:
        return "; ".join(f"{n}. {t}" for n, t in zip(self.numbers, self.titles, strict=True))


@dataclass
class VacancyMap:
    title: str
    description: str
    dots: list[Dot]
    base: list[BasePath] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    seconds: float = 0.0


def vacancy_map(vacancies: Sequence[Vacancy]) -> VacancyMap | None:
    """The map of ``vacancies`` (numbered 1.. in their order), or None when none has a place."""
    started = time.perf_counter()
    placed: dict[tuple[float, float], list[tuple[int, Vacancy]]] = {}
    for number, v in enumerate(vacancies, start=1):
        if v.from_home or v.latitude is None or v.longitude is None:
            continue
        placed.setdefault((round(v.longitude, 4), round(v.latitude, 4)), []).append((number, v))
    if not placed:
        return None
    municipalities = {
        v.neighbourhood.municipality.name for group in placed.values() for _, v in group if v.neighbourhood
    }
    outlines = base_outlines(municipalities)
    points = list(placed)
    # Fit the dots, with the municipalities around them when there are few dots.
    if len(points) < 3:
        points += [p for o in outlines if o.kind == "gemeente" for p in rings(o.geometry)[0]]
    frame = Frame(Bounds.around(points), WIDTH, HEIGHT, PAD)
    dots = []
    for (lon, lat), group in sorted(placed.items(), key=lambda item: item[1][0][0]):
        cx, cy = frame.project(lon, lat)
        dots.append(Dot(cx, cy, [n for n, _ in group], [v.title for _, v in group]))
    markers = [Marker(d.cx, d.cy, DOT_R, d.text, priority=-d.numbers[0]) for d in dots]
    place_labels(markers, width=WIDTH, height=HEIGHT)
    for d, m in zip(dots, markers, strict=True):
        if m.label is not None and m.label.number is None:
            d.labelled, d.label_x, d.label_y, d.label_anchor = True, m.label.x, m.label.y, m.label.anchor
    shown = sum(len(d.numbers) for d in dots)
    description = ngettext(
        "Kaart met %(n)s vacature op haar plek.", "Kaart met %(n)s vacatures op hun plek.", shown
    ) % {"n": shown}
    if shown < len(vacancies):
        description += " " + _("Vacatures vanuit huis of zonder plek staan alleen in de lijst.")
    result = VacancyMap(
        title=_("Kaart van de vacatures"), description=description, dots=dots, base=base_layer(frame, outlines)
    )
    result.seconds = time.perf_counter() - started
    return result


def vacancy_features(vacancies: Sequence[Vacancy]) -> dict:
    """The same vacancies as GeoJSON points for the tiled map (``MAP_TILES_URL``)."""
    features = []
    for number, v in enumerate(vacancies, start=1):
        if v.from_home or v.latitude is None or v.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.longitude, v.latitude]},
                "properties": {
                    "name": f"{number}. {v.title}",
                    "level": "vacancy",
                    "tooltip": v.partner.name,
                    "url": reverse("vacancies:detail", args=[v.pk]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
