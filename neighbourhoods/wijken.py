"""Reading the CBS wijk- en buurtindeling (districts and neighbourhoods).

CBS publishes it every year as open data (CC BY 4.0), as a download (GeoJSON or
GeoPackage, coordinates usually in the Dutch grid RD New, EPSG:28992) and through
PDOK's WFS service. This module turns such a file into plain :class:`WijkBuurt`
records with WGS84 coordinates: a point per area (the centroid of its polygon) and
the polygon itself. It checks everything first and raises :class:`WijkFileError`
with a plain-language reason, so that a caller imports all or nothing.

No GIS libraries (Django only for translated messages): a .gpkg is an SQLite
database and its geometries are standard WKB behind a small header.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from common.geo import Point

MAX_FILE_BYTES = 200 * 1024 * 1024  # the whole country's buurten are ~150 MB as GeoJSON

WIJK_RE = re.compile(r"WK\d{6}")
BUURT_RE = re.compile(r"BU\d{8}")
GEMEENTE_RE = re.compile(r"GM\d{4}")

# Property names across CBS's yearly files and PDOK's service (newest first).
_CODE_KEYS = {
    "buurt": ("buurtcode", "BU_CODE", "bu_code"),
    "buurt_name": ("buurtnaam", "BU_NAAM", "bu_naam"),
    "wijk": ("wijkcode", "WK_CODE", "wk_code"),
    "wijk_name": ("wijknaam", "WK_NAAM", "wk_naam"),
    "gemeente": ("gemeentecode", "GM_CODE", "gm_code"),
    "gemeente_name": ("gemeentenaam", "GM_NAAM", "gm_naam"),
}

PDOK_WFS_URL = "https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0"
PDOK_DEFAULT_YEAR = 2024


class WijkFileError(ValueError):
    """The file cannot be imported; ``str(error)`` says why, for a person."""


def _at(number: int, reason: str) -> str:
    return _("Object %(number)s: %(reason)s") % {"number": number, "reason": reason}


@dataclass(frozen=True, slots=True)
class WijkBuurt:
    kind: str  # "wijk" or "buurt"
    code: str  # "WK003701", "BU00370101"
    name: str
    municipality_code: str  # "GM0037"
    municipality_name: str
    point: Point
    boundary: dict | None  # GeoJSON Polygon/MultiPolygon in WGS84
    wijk_code: str = ""  # the wijk a buurt lies in


# --- Coordinates --------------------------------------------------------------------

# RD New (EPSG:28992) to WGS84: the polynomial approximation of Schreutelkamp and
# Strang van Hees (accurate to about a metre in the Netherlands).
_RD_X0, _RD_Y0, _PHI0, _LAM0 = 155000.0, 463000.0, 52.15517440, 5.38720621
# (power of dx, power of dy, coefficient in arc seconds)
_K = (
    (0, 1, 3235.65389), (2, 0, -32.58297), (0, 2, -0.24750), (2, 1, -0.84978), (0, 3, -0.06550),
    (2, 2, -0.01709), (1, 0, -0.00738), (4, 0, 0.00530), (2, 3, -0.00039), (4, 1, 0.00033),
    (1, 1, -0.00012),
)  # fmt: skip
_L = (
    (1, 0, 5260.52916), (1, 1, 105.94684), (1, 2, 2.45656), (3, 0, -0.81885), (1, 3, 0.05594),
    (3, 1, -0.05607), (0, 1, 0.01199), (3, 2, -0.00256), (1, 4, 0.00128), (0, 2, 0.00022),
    (2, 0, -0.00022), (5, 0, 0.00026),
)  # fmt: skip


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New metres (x east, y north) -> (lon, lat) in degrees, GeoJSON order."""
    dx, dy = (x - _RD_X0) * 1e-5, (y - _RD_Y0) * 1e-5
    lat = _PHI0 + sum(k * dx**p * dy**q for p, q, k in _K) / 3600
    lon = _LAM0 + sum(k * dx**p * dy**q for p, q, k in _L) / 3600
    return lon, lat


def _convert(geometry: dict, transform: Callable[[float, float], tuple[float, float]] | None) -> dict:
    """A Polygon/MultiPolygon with every position transformed and rounded to 6 decimals."""

    def ring(positions):
        out = []
        for position in positions:
            x, y = float(position[0]), float(position[1])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise WijkFileError(_("Een coördinaat is geen getal."))
            lon, lat = transform(x, y) if transform else (x, y)
            out.append([round(lon, 6), round(lat, 6)])
        return out

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]]}


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring (planar; fine at buurt scale)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if abs(area) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def centroid(geometry: dict) -> Point:
    """Area-weighted centroid of a GeoJSON Polygon or MultiPolygon (outer rings minus holes)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = sx = sy = 0.0
    fallback = None
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            if len(ring) < 3:
                continue
            area, x, y = _ring_area_centroid([[p[0], p[1]] for p in ring])
            weight = abs(area) * (1 if index == 0 else -1)
            total += weight
            sx += x * weight
            sy += y * weight
            fallback = fallback or (x, y)
    if total <= 0:
        if fallback is None:
            raise WijkFileError(_("Een vlak heeft geen punten."))
        return Point(fallback[1], fallback[0])
    return Point(sy / total, sx / total)


# --- Reading ----------------------------------------------------------------------


def _prop(properties: dict, key: str) -> str:
    for name in _CODE_KEYS[key]:
        value = properties.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _geometry(raw, number: int) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in {"Polygon", "MultiPolygon", "Point"}:
        raise WijkFileError(_at(number, _("de vorm is geen Polygon, MultiPolygon of Point.")))
    coordinates = raw.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise WijkFileError(_at(number, _("de vorm heeft geen coördinaten.")))
    return raw


def _is_rd(features: list[tuple[dict, dict | None]], crs_name: str) -> bool:
    if "28992" in crs_name:
        return True
    if "4326" in crs_name or "CRS84" in crs_name:
        return False
    for _properties, geometry in features:  # no crs member: look at the numbers
        if geometry is None:
            continue
        first = geometry["coordinates"]
        while isinstance(first, list) and first and isinstance(first[0], list):
            first = first[0]
        try:
            return abs(float(first[0])) > 180 or abs(float(first[1])) > 90
        except (TypeError, ValueError, IndexError):
            raise WijkFileError(_("Een coördinaat is geen getal."))
    return False


def _records(features: list[tuple[dict, dict | None]], crs_name: str) -> list[WijkBuurt]:
    transform = rd_to_wgs84 if _is_rd(features, crs_name) else None
    records: list[WijkBuurt] = []
    wijk_names: dict[str, tuple[str, str, str]] = {}
    wijk_points: dict[str, list[Point]] = {}
    seen: set[str] = set()
    for number, (properties, geometry) in enumerate(features, start=1):
        buurt, wijk = _prop(properties, "buurt"), _prop(properties, "wijk")
        gemeente, gemeente_name = _prop(properties, "gemeente"), _prop(properties, "gemeente_name")
        if not buurt and not wijk:
            raise WijkFileError(_at(number, _("geen buurtcode of wijkcode.")))
        if buurt and not BUURT_RE.fullmatch(buurt):
            raise WijkFileError(_at(number, _("'%(code)s' is geen buurtcode (BU + 8 cijfers).") % {"code": buurt[:20]}))
        if wijk and not WIJK_RE.fullmatch(wijk):
            raise WijkFileError(_at(number, _("'%(code)s' is geen wijkcode (WK + 6 cijfers).") % {"code": wijk[:20]}))
        code = buurt or wijk
        gemeente = gemeente or f"GM{code[2:6]}"  # the codes nest: BU 0037 01 01 in WK 0037 01 in GM 0037
        if not GEMEENTE_RE.fullmatch(gemeente) or gemeente[2:] != code[2:6]:
            raise WijkFileError(
                _at(number, _("%(code)s hoort niet bij gemeentecode '%(gm)s'.") % {"code": code, "gm": gemeente[:20]})
            )
        if buurt and wijk and wijk[2:] != buurt[2:8]:
            raise WijkFileError(
                _at(number, _("buurt %(buurt)s ligt niet in wijk %(wijk)s.") % {"buurt": buurt, "wijk": wijk})
            )
        if code in seen:
            raise WijkFileError(_at(number, _("%(code)s staat twee keer in het bestand.") % {"code": code}))
        seen.add(code)
        name = _prop(properties, "buurt_name" if buurt else "wijk_name") or code
        if geometry is None:
            raise WijkFileError(_at(number, _("%(code)s heeft geen vorm of punt.") % {"code": code}))
        if geometry["type"] == "Point":
            x, y = float(geometry["coordinates"][0]), float(geometry["coordinates"][1])
            lon, lat = transform(x, y) if transform else (x, y)
            boundary, point = None, Point(round(lat, 6), round(lon, 6))
        else:
            try:
                boundary = _convert(geometry, transform)
            except (TypeError, ValueError, IndexError, KeyError) as error:
                if isinstance(error, WijkFileError):
                    raise
                raise WijkFileError(_at(number, _("de vorm van %(code)s is kapot.") % {"code": code})) from error
            point = centroid(boundary)
        if not (50.5 <= point.lat <= 53.7 and 3.2 <= point.lon <= 7.3):
            raise WijkFileError(
                _at(number, _("%(code)s ligt niet in Nederland (%(point)s).") % {"code": code, "point": point})
            )
        kind = "buurt" if buurt else "wijk"
        parent = wijk if buurt else ""
        records.append(WijkBuurt(kind, code, name[:100], gemeente, gemeente_name, point, boundary, parent))
        if buurt and wijk:
            wijk_names.setdefault(wijk, (_prop(properties, "wijk_name"), gemeente, gemeente_name))
            wijk_points.setdefault(wijk, []).append(point)
    # Wijken that only appear as the wijk of their buurten: a point in the middle of those.
    for wijk, (name, gemeente, gemeente_name) in wijk_names.items():
        if wijk in seen:
            continue
        points = wijk_points[wijk]
        point = Point(sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points))
        records.append(WijkBuurt("wijk", wijk, (name or wijk)[:100], gemeente, gemeente_name, point, None))
    if not records:
        raise WijkFileError(_("Het bestand bevat geen wijken of buurten."))
    return records


def read_geojson(data: bytes) -> list[WijkBuurt]:
    """Wijken and buurten from a GeoJSON FeatureCollection (WGS84 or RD New)."""
    if len(data) > MAX_FILE_BYTES:
        raise WijkFileError(_("Het bestand is te groot."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WijkFileError(
            _("Dit is geen geldig GeoJSON-bestand (%(e)s).") % {"e": error.__class__.__name__}
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise WijkFileError(_("Dit is geen GeoJSON FeatureCollection."))
    raw = document.get("features")
    if not isinstance(raw, list) or not raw:
        raise WijkFileError(_("Het bestand bevat geen wijken of buurten."))
    crs = document.get("crs") or {}
    crs_name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    features = []
    for number, feature in enumerate(raw, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise WijkFileError(_at(number, _("geen eigenschappen (properties).")))
        features.append((feature["properties"], _geometry(feature.get("geometry"), number)))
    return _records(features, crs_name)


# --- GeoPackage -------------------------------------------------------------------


def _wkb(blob: bytes) -> dict:
    """A GeoJSON geometry from (standard or ISO) WKB: Point, Polygon, MultiPolygon."""
    offset = 0

    def read(fmt: str, order: str):
        nonlocal offset
        values = struct.unpack_from(order + fmt, blob, offset)
        offset += struct.calcsize(order + fmt)
        return values

    def geometry():
        (byte_order,) = read("B", "<")
        order = "<" if byte_order == 1 else ">"
        (kind,) = read("I", order)
        # ISO WKB says Z/M by adding 1000/2000/3000; EWKB by the two highest bits.
        has_z, has_m = bool(kind & 0x80000000), bool(kind & 0x40000000)
        if kind & 0x20000000:  # EWKB with an SRID: skip it
            read("I", order)
        kind &= 0x0FFFFFFF
        base, iso = kind % 1000, kind // 1000
        dims = 2 + (has_z or iso in (1, 3)) + (has_m or iso in (2, 3))

        def positions(n):
            return [list(read("d" * dims, order)[:2]) for _i in range(n)]

        if base == 1:
            return {"type": "Point", "coordinates": positions(1)[0]}
        if base == 3:
            (rings,) = read("I", order)
            return {"type": "Polygon", "coordinates": [positions(read("I", order)[0]) for _i in range(rings)]}
        if base == 6:
            (count,) = read("I", order)
            return {"type": "MultiPolygon", "coordinates": [geometry()["coordinates"] for _i in range(count)]}
        raise WijkFileError(_("Vorm van type %(type)s wordt niet ondersteund.") % {"type": base})

    return geometry()


def _gpkg_geometry(blob: bytes) -> dict | None:
    if blob is None:
        return None
    if blob[:2] != b"GP":
        raise WijkFileError(_("Een vorm in de GeoPackage is kapot."))
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07)
    if envelope is None:
        raise WijkFileError(_("Een vorm in de GeoPackage is kapot."))
    try:
        return _wkb(blob[8 + envelope :])
    except struct.error as error:
        raise WijkFileError(_("Een vorm in de GeoPackage is kapot.")) from error


def read_geopackage(path: Path | str) -> list[WijkBuurt]:
    """Wijken and buurten from a CBS GeoPackage (its ``buurten`` or ``wijken`` layer)."""
    try:
        connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise WijkFileError(_("Dit is geen geldige GeoPackage.")) from error
    try:
        try:
            layers = connection.execute(
                "SELECT c.table_name, c.column_name, s.organization_coordsys_id FROM gpkg_geometry_columns c "
                "JOIN gpkg_spatial_ref_sys s ON s.srs_id = c.srs_id"
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise WijkFileError(_("Dit is geen geldige GeoPackage.")) from error
        by_name = {table.lower(): (table, column, srs) for table, column, srs in layers}
        chosen = by_name.get("buurten") or by_name.get("wijken") or (layers[0] if len(layers) == 1 else None)
        if chosen is None:
            raise WijkFileError(_("De GeoPackage heeft geen laag 'buurten' of 'wijken'."))
        table, column, srs = chosen
        cursor = connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from gpkg metadata
        names = [d[0] for d in cursor.description]
        features = []
        for row in cursor:
            values = dict(zip(names, row, strict=True))
            geometry = _gpkg_geometry(values.pop(column))
            features.append(({k: v for k, v in values.items() if isinstance(v, str | int)}, geometry))
    finally:
        connection.close()
    if not features:
        raise WijkFileError(_("Het bestand bevat geen wijken of buurten."))
    return _records(features, f"EPSG:{srs}")


def read_file(path: Path | str) -> list[WijkBuurt]:
    """GeoJSON (``.geojson``/``.json``) or GeoPackage (``.gpkg``), by content."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as error:
        raise WijkFileError(
            _("Het bestand %(path)s kan niet worden gelezen: %(e)s") % {"path": path, "e": error.strerror or error}
        ) from error
    if head.startswith(b"SQLite format 3"):
        return read_geopackage(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise WijkFileError(_("Het bestand is te groot."))
    return read_geojson(path.read_bytes())


# --- PDOK -------------------------------------------------------------------------


def pdok_url(*, municipality_code: str, year: int = PDOK_DEFAULT_YEAR) -> str:
    """The PDOK WFS request for one municipality's buurten, as GeoJSON in WGS84."""
    fes = (
        '<Filter xmlns="http://www.opengis.net/fes/2.0"><PropertyIsEqualTo>'
        f"<ValueReference>gemeentecode</ValueReference><Literal>{municipality_code}</Literal>"
        "</PropertyIsEqualTo></Filter>"
    )
    query = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": "wijkenbuurten:buurten",
        "outputFormat": "application/json",
        "srsName": "EPSG:4326",
        "filter": fes,
    }
    return f"{PDOK_WFS_URL.format(year=year)}?{urlencode(query)}"


def fetch_pdok(*, municipality_code: str, year: int = PDOK_DEFAULT_YEAR, opener: Callable | None = None,
               timeout: float = 30) -> list[WijkBuurt]:  # fmt: skip
    """Download a municipality's buurten from PDOK. ``opener(url, timeout)`` returns
    the response bytes; tests pass a recorded response, the default uses urllib."""
    url = pdok_url(municipality_code=municipality_code, year=year)
    if opener is None:
        opener = _urlopen
    try:
        data = opener(url, timeout)
    except OSError as error:
        raise WijkFileError(
            _("PDOK gaf geen antwoord (%(e)s). Download het bestand en gebruik --file.") % {"e": error}
        ) from error
    return read_geojson(data)


def _urlopen(url: str, timeout: float) -> bytes:
    from urllib.request import Request, urlopen

    request = Request(url, headers={"User-Agent": "buurtmakelaar", "Accept": "application/json"})  # noqa: S310
    with urlopen(request, timeout=timeout) as response:  # noqa: S310 - a fixed https URL
        return response.read(MAX_FILE_BYTES + 1)


def of_municipality(records: Iterable[WijkBuurt], code: str) -> tuple[list[WijkBuurt], list[WijkBuurt]]:
    """(records of municipality ``code``, records of other municipalities)."""
    mine, other = [], []
    for record in records:
        (mine if record.municipality_code == code else other).append(record)
    return mine, other
