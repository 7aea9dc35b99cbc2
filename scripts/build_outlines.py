#!/usr/bin/env python
"""Build the shipped map outlines (municipalities and CBS wijken) for the demo region.

Run by a developer when the source changes, not at runtime::

    git show fda23ace65798e3190190af8f7b80c4b45d32b9e:Wijk_2014_layer_labels.json > /tmp/wijk2014.json
    .venv/bin/python scripts/build_outlines.py /tmp/wijk2014.json [--check]

The source is ``Wijk_2014_layer_labels.json`` of github.com/ties/cbs_gebiedsindelingen_topojson
(commit fda23ace65798e3190190af8f7b80c4b45d32b9e): the CBS wijkindeling 2014 from PDOK as
TopoJSON in WGS84, quantised to 1e4 steps (about 30 m). CBS/Kadaster, CC BY 4.0; see
``neighbourhoods/data/LICENSES.md``. Its SHA-256 is checked (``PINNED_SHA256``).

What it does, in plain Python (no GIS libraries):

1. keeps the wijken of the twelve municipalities of regio Arnhem (by CBS code, 2014
   borders, so Rijnwaarden still exists as in the demo);
2. simplifies every arc once with Douglas-Peucker (``TOLERANCE`` degrees), so that the
   wijken that share a border still share it exactly;
3. builds each municipality's outline from the arcs that only one of its wijken uses;
4. writes ``neighbourhoods/data/outlines_regio_arnhem.geojson`` with coordinates rounded
   to 4 decimals (about 10 m). Deterministic: a rebuild gives no diff.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "neighbourhoods" / "data" / "outlines_regio_arnhem.geojson"
TOLERANCE = 0.00012  # degrees; about 13 m north-south, 8 m east-west at 52 degrees
DECIMALS = 4
SOURCE = {
    "repository": "https://github.com/ties/cbs_gebiedsindelingen_topojson",
    "commit": "fda23ace65798e3190190af8f7b80c4b45d32b9e",
    "file": "Wijk_2014_layer_labels.json",
    "data": "CBS Wijk- en buurtkaart 2014 (wijken), CBS/Kadaster via PDOK",
    "licence": "CC BY 4.0",
}
# CBS codes of regio Arnhem's municipalities in 2014.
MUNICIPALITIES = {
    "GM0202": "Arnhem",
    "GM0221": "Doesburg",
    "GM0226": "Duiven",
    "GM1705": "Lingewaard",
    "GM1734": "Overbetuwe",
    "GM0274": "Renkum",
    "GM0275": "Rheden",
    "GM0277": "Rozendaal",
    "GM0196": "Rijnwaarden",
    "GM0289": "Wageningen",
    "GM0293": "Westervoort",
    "GM0299": "Zevenaar",
}
WIJK_PREFIX = re.compile(r"^Wijk \d+\s*")


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's delta-encoded, quantised arcs as absolute (lon, lat) lists."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Keep the first and last point (shared arcs stay joined), the point furthest from
    the chord (so that a wijk of two arcs keeps an area), and the points that lie
    further than ``tolerance`` from the simplified line."""
    if len(points) <= 2:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > best:
                best, index = d, i
        if best > tolerance or (first, last) == (0, len(points) - 1):
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def arc_points(arcs: list[list[tuple[float, float]]], index: int) -> list[tuple[float, float]]:
    return arcs[index] if index >= 0 else list(reversed(arcs[~index]))


def ring_points(arcs, ring: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        part = arc_points(arcs, index)
        points.extend(part if not points else part[1:])
    return points


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def rounded(points) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in points:
        p = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def geometry_json(polygons: list[list[list[tuple[float, float]]]]) -> dict | None:
    cleaned = []
    for polygon in polygons:
        rings = [rounded(ring) for ring in polygon]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            cleaned.append(rings)
    if not cleaned:
        return None
    if len(cleaned) == 1:
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def outer_rings(arcs, rings_of_parts: list[list[int]]) -> list[list[tuple[float, float]]]:
    """Dissolve: the arcs used by only one part form the outline. Chains them into
    closed rings by matching end points."""
    use: dict[int, int] = defaultdict(int)
    for ring in rings_of_parts:
        for index in ring:
            use[index if index >= 0 else ~index] += 1
    border = [index for ring in rings_of_parts for index in ring if use[index if index >= 0 else ~index] == 1]
    pieces = [arc_points(arcs, index) for index in border]
    by_start: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, piece in enumerate(pieces):
        by_start[piece[0]].append(i)
    used = [False] * len(pieces)
    rings = []
    for start in range(len(pieces)):
        if used[start]:
            continue
        used[start] = True
        ring = list(pieces[start])
        while ring[-1] != ring[0]:
            nexts = [i for i in by_start.get(ring[-1], []) if not used[i]]
            if not nexts:
                break
            used[nexts[0]] = True
            ring.extend(pieces[nexts[0]][1:])
        if ring[-1] == ring[0] and len(ring) >= 4:
            rings.append(ring)
    return rings


def ring_area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def build(topology: dict) -> dict:
    arcs = [douglas_peucker(a, TOLERANCE) for a in decode_arcs(topology)]
    wijken = [
        g
        for g in topology["objects"]["layer"]["geometries"]
        if g["properties"]["statcode"][:2] == "WK" and "GM" + g["properties"]["statcode"][2:6] in MUNICIPALITIES
    ]
    features = []
    per_municipality: dict[str, list[list[int]]] = defaultdict(list)
    for g in sorted(wijken, key=lambda g: g["properties"]["statcode"]):
        code = g["properties"]["statcode"]
        gm = "GM" + code[2:6]
        polygons = polygons_of(g)
        # Only the outer ring of each polygon: inner rings of wijken are other wijken.
        for polygon in polygons:
            per_municipality[gm].append(polygon[0])
        geometry = geometry_json([[ring_points(arcs, ring) for ring in polygon] for polygon in polygons])
        if geometry is None:
            continue
        name = WIJK_PREFIX.sub("", g["properties"]["statnaam"]).strip()
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "wijk",
                    "code": code,
                    "name": name,
                    "municipality_code": gm,
                    "municipality": MUNICIPALITIES[gm],
                },
                "geometry": geometry,
            }
        )
    for gm in sorted(per_municipality):
        rings = outer_rings(arcs, per_municipality[gm])
        # Largest ring first; every ring is its own polygon (holes of a municipality are
        # rare and, at this scale, not worth drawing).
        rings.sort(key=lambda r: -abs(ring_area(r)))
        geometry = geometry_json([[ring] for ring in rings])
        if geometry is None:
            raise SystemExit(f"{gm}: no outline could be built")
        features.insert(
            0,
            {
                "type": "Feature",
                "properties": {"kind": "gemeente", "code": gm, "name": MUNICIPALITIES[gm]},
                "geometry": geometry,
            },
        )
    features.sort(key=lambda f: (f["properties"]["kind"] != "gemeente", f["properties"]["code"]))
    return {"type": "FeatureCollection", "source": SOURCE, "features": features}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="Wijk_2014_layer_labels.json (see the module docstring)")
    parser.add_argument("--check", action="store_true", help="fail when the committed file differs")
    args = parser.parse_args()
    raw = args.source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != PINNED_SHA256:
        print(f"warning: source SHA-256 {digest} is not the pinned {PINNED_SHA256}", file=sys.stderr)
    text = json.dumps(build(json.loads(raw)), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text.encode()) // 1024} KiB)")
    return 0


PINNED_SHA256 = "b5fca18cee80e67f65021ddd7b20cf6cd23cd977ac2e3649360fc7a15630662f"

if __name__ == "__main__":
    sys.exit(main())
