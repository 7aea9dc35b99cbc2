"""Coordinates, distances, Dutch postcodes and the offline gazetteer.

Pure Python on purpose (no Django imports), so the build script, the matching
engine and plain unit tests can use it without a configured project.

The gazetteer reads two CSV files that ``scripts/build_gazetteer.py`` derives from
GeoNames and countrystatecity data (see ``neighbourhoods/data/LICENSES.md``):
``nl_places.csv`` (places with coordinates and municipality) and
``nl_postcodes.csv`` (PC4 postcode areas with their own centroid where GeoNames'
postal-code data has one, else their place's centre; see ``point_source``).
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from common.geo import Point, haversine_km

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- Postcodes ---------------------------------------------------------------

POSTCODE_MESSAGE = "Een Nederlandse postcode bestaat uit 4 cijfers en 2 letters, bijvoorbeeld 6811 AB."

# PostNL never issues these letter pairs (they recall the Nazi SA, SD and SS).
UNISSUED_LETTERS = frozenset({"SA", "SD", "SS"})

_POSTCODE_RE = re.compile(r"([1-9][0-9]{3})\s*([A-Z]{2})", re.ASCII)
_PC4_RE = re.compile(r"[1-9][0-9]{3}", re.ASCII)
_MAX_POSTCODE_INPUT = 20  # generous for "  1234   AB  "; anything longer is not a postcode


class InvalidPostcode(ValueError):
    """The text is not a Dutch postcode. ``str(error)`` is a message for the user."""

    def __init__(self, message: str = POSTCODE_MESSAGE) -> None:
        super().__init__(message)


def normalise_postcode(text: str) -> str:
    """``" 1234  ab "`` -> ``"1234 AB"``; raises :class:`InvalidPostcode` otherwise."""
    if not isinstance(text, str) or len(text) > _MAX_POSTCODE_INPUT:
        raise InvalidPostcode
    match = _POSTCODE_RE.fullmatch(text.strip().upper())
    if match is None or match.group(2) in UNISSUED_LETTERS:
        raise InvalidPostcode
    return f"{match.group(1)} {match.group(2)}"


def normalise_pc4(text: str) -> str:
    """The four digits of a PC4 area from ``"6811"`` or a full postcode ``"6811 AB"``."""
    if isinstance(text, str) and _PC4_RE.fullmatch(text.strip()):
        return text.strip()
    return normalise_postcode(text)[:4]


# --- Place names -------------------------------------------------------------

PROVINCES = (
    "Drenthe",
    "Flevoland",
    "Fryslân",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
)

# Province tags that PostNL appends to ambiguous place names ("Loo Gld", "Bergen (NH)").
# "AC" is the municipality Alphen-Chaam ("Bavel AC"), which lies in Noord-Brabant.
PROVINCE_TAGS = {
    "gld": "Gelderland",
    "nb": "Noord-Brabant",
    "ac": "Noord-Brabant",
    "nh": "Noord-Holland",
    "zh": "Zuid-Holland",
    "ut": "Utrecht",
    "l": "Limburg",
    "li": "Limburg",
    "gn": "Groningen",
    "gr": "Groningen",
    "fr": "Fryslân",
    "dr": "Drenthe",
    "ov": "Overijssel",
    "z": "Zeeland",
    "zld": "Zeeland",
    "fl": "Flevoland",
}

# Other names people (and the source data) use for the same place, by normalised name.
PLACE_ALIASES = {
    "s gravenhage": "den haag",
    "the hague": "den haag",
    "den bosch": "s hertogenbosch",
    "almere": "almere stad",
}

_TAG_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<tag>[A-Za-z]{1,3})\)$|^(?P<name2>.+?)\s+(?P<tag2>[A-Za-z]{1,3})$")
_GEM_RE = re.compile(r"^(?P<name>.+?)\s+gem\.?\s+(?P<municipality>.+)$")
_CA_RE = re.compile(r"\s+c\.?a\.?$")  # "Bleskensgraaf ca" (cum annexis)


def normalise_name(text: str) -> str:
    """Comparison key for place names: case, accents, apostrophes and hyphens ignored.

    ``"'s-Heerenberg"``, ``"’s Heerenberg"`` and ``"S HEERENBERG"`` all give ``"s heerenberg"``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`´.()]", "", text)
    text = re.sub(r"[-‐‑–/,\s]+", " ", text)
    return text.strip()


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A place name split from the qualifiers that make it unique."""

    name: str
    province: str | None = None
    municipality: str | None = None


def split_place_name(text: str) -> PlaceName:
    """``"Loo Gld"`` -> Loo in Gelderland; ``"Alteveer gem Hoogeveen"`` -> Alteveer in Hoogeveen."""
    text = " ".join(text.split())
    match = _GEM_RE.match(text)
    if match:
        return PlaceName(match["name"], municipality=match["municipality"])
    match = _TAG_RE.match(text)
    if match:
        name, tag = (match["name"], match["tag"]) if match["name"] else (match["name2"], match["tag2"])
        province = PROVINCE_TAGS.get(tag.lower())
        if province:  # only known tags: "Den Ilp" and "Oud Ade" keep their last word
            return PlaceName(name, province=province)
    return PlaceName(_CA_RE.sub("", text))


def place_key(text: str) -> str:
    """Normalised name with aliases resolved: the key the gazetteer indexes on."""
    key = normalise_name(text)
    return PLACE_ALIASES.get(key, key)


# --- Gazetteer ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    municipality: str
    province: str
    point: Point
    # "geonames", "countrystatecity", "regio_arnhem" (hand-placed wijk centre) or
    # "pc4_estimate" (a curated village with no source coordinates: centre of its PC4 areas)
    source: str

    @property
    def approximate(self) -> bool:
        return self.source in {"regio_arnhem", "pc4_estimate"}


# Where the point of a PC4 area comes from, best first.
POINT_PC4 = "pc4"  # the area's own centroid (GeoNames postal codes)
POINT_PLACE = "place"  # the centre of its place: shared by all areas of a town
POINT_ESTIMATE = "estimate"  # between the numerically neighbouring areas
POINT_SOURCES = (POINT_PC4, POINT_PLACE, POINT_ESTIMATE)


@dataclass(frozen=True, slots=True)
class PostcodeArea:
    pc4: str
    place: str
    municipality: str
    point: Point
    point_source: str  # one of POINT_SOURCES

    @property
    def approximate(self) -> bool:
        """The point is a guess from neighbouring areas, not from the area or its place."""
        return self.point_source == POINT_ESTIMATE


@dataclass(frozen=True, slots=True)
class RegionPlace:
    """A row of the hand-curated ``regio_arnhem.csv``."""

    municipality: str
    name: str
    kind: str  # "kern" or "wijk"
    point: Point | None  # None: no coordinates in the sources (see the note)
    approximate: bool
    note: str


_SOURCE_RANK = {"geonames": 0, "regio_arnhem": 1, "countrystatecity": 2, "pc4_estimate": 3}


def _point_source(value: str) -> str:
    if value not in POINT_SOURCES:
        raise ValueError(f"nl_postcodes.csv: unknown point_source {value!r}")
    return value


class Gazetteer:
    """Dutch places and PC4 postcode areas, read from CSV on first use."""

    def __init__(self, data_dir: Path | str = DATA_DIR) -> None:
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._loaded = False
        self._places: list[Place] = []
        self._by_key: dict[str, list[Place]] = {}
        self._postcodes: dict[str, PostcodeArea] = {}

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            with open(self.data_dir / "nl_places.csv", newline="", encoding="utf-8") as f:
                places = [
                    Place(
                        name=row["name"],
                        municipality=row["municipality"],
                        province=row["province"],
                        point=Point(float(row["lat"]), float(row["lon"])),
                        source=row["source"],
                    )
                    for row in csv.DictReader(f)
                ]
            places.sort(key=lambda p: (_SOURCE_RANK.get(p.source, 9), normalise_name(p.name)))
            by_key: dict[str, list[Place]] = {}
            for place in places:
                by_key.setdefault(normalise_name(place.name), []).append(place)
            with open(self.data_dir / "nl_postcodes.csv", newline="", encoding="utf-8") as f:
                postcodes = {
                    row["pc4"]: PostcodeArea(
                        pc4=row["pc4"],
                        place=row["place"],
                        municipality=row["municipality"],
                        point=Point(float(row["lat"]), float(row["lon"])),
                        point_source=_point_source(row["point_source"]),
                    )
                    for row in csv.DictReader(f)
                }
            self._places, self._by_key, self._postcodes = places, by_key, postcodes
            self._loaded = True

    def place(self, name: str, municipality: str | None = None) -> Place | None:
        """The place called ``name`` (any case or accents; "Loo Gld" and aliases such as
        "'s-Gravenhage" understood), optionally within ``municipality``.

        Several places share a name ("Oosterhout"); without a municipality or a
        province tag the GeoNames one (a place of 1000+ inhabitants) wins.
        """
        self._load()
        if not name or not name.strip():
            return None
        parsed = split_place_name(name)
        candidates = self._by_key.get(place_key(parsed.name), [])
        if not candidates and parsed.name != name.strip():
            candidates = self._by_key.get(place_key(name), [])  # a real name that looks tagged
        wanted_municipality = municipality or parsed.municipality
        if wanted_municipality:
            key = normalise_name(wanted_municipality)
            candidates = [p for p in candidates if normalise_name(p.municipality) == key]
        if parsed.province:
            candidates = [p for p in candidates if p.province == parsed.province]
        return candidates[0] if candidates else None

    def postcode(self, pc4_or_full: str) -> PostcodeArea | None:
        """The PC4 area of ``"6811"`` or ``"6811 AB"``; None if unknown.

        Raises :class:`InvalidPostcode` if the text is not a postcode at all.
        """
        self._load()
        return self._postcodes.get(normalise_pc4(pc4_or_full))

    def postcode_areas(self, *, municipality: str) -> list[PostcodeArea]:
        """All PC4 areas of a municipality, in code order."""
        self._load()
        wanted = normalise_name(municipality or "")
        return sorted(
            (a for a in self._postcodes.values() if normalise_name(a.municipality) == wanted), key=lambda a: a.pc4
        )

    def postcodes_for_place(self, name: str, municipality: str | None = None) -> list[PostcodeArea]:
        """The PC4 areas PostNL files under the place ``name``, in code order.

        Covers villages that have a postcode but no coordinates in the place data.
        """
        self._load()
        parsed = split_place_name(name or "")
        key = place_key(parsed.name)
        if not key:
            return []
        areas = [a for a in self._postcodes.values() if place_key(a.place) == key]
        wanted_municipality = municipality or parsed.municipality
        if wanted_municipality:
            wanted = normalise_name(wanted_municipality)
            areas = [a for a in areas if normalise_name(a.municipality) == wanted]
        return sorted(areas, key=lambda a: a.pc4)

    def search_places(self, prefix: str, limit: int = 10) -> list[Place]:
        """Places whose name starts with ``prefix`` (for autocomplete): exact matches
        first, then GeoNames places, then shorter names."""
        self._load()
        key = normalise_name(prefix or "")
        if not key or limit <= 0:
            return []
        alias = PLACE_ALIASES.get(key)
        found = [p for k, group in self._by_key.items() if k.startswith(key) or k == alias for p in group]
        found.sort(
            key=lambda p: (
                normalise_name(p.name) not in (key, alias),
                _SOURCE_RANK.get(p.source, 9),
                len(p.name),
                p.name,
                p.municipality,
            )
        )
        return found[:limit]

    def nearest_place(self, point: Point) -> Place | None:
        """The place whose centre is closest to ``point`` (None only for empty data)."""
        self._load()
        return min(self._places, key=lambda p: haversine_km(point, p.point), default=None)

    def places_in_municipality(self, name: str) -> list[Place]:
        self._load()
        key = normalise_name(name or "")
        return sorted(
            (p for p in self._places if normalise_name(p.municipality) == key),
            key=lambda p: normalise_name(p.name),
        )

    def municipalities(self) -> list[str]:
        """All municipality names in the data, sorted (2016 borders outside regio Arnhem)."""
        self._load()
        names = {p.municipality for p in self._places} | {a.municipality for a in self._postcodes.values()}
        return sorted(names, key=normalise_name)

    def region_places(self) -> list[RegionPlace]:
        """The curated villages and wijken of regio Arnhem, with coordinates.

        A place without coordinates in the sources gets the centre of its PC4 area
        (approximate) or, failing that, ``point=None``.
        """
        self._load()
        by_place = {}
        for area in sorted(self._postcodes.values(), key=lambda a: a.pc4):
            by_place.setdefault((normalise_name(area.place), normalise_name(area.municipality)), area)
        result = []
        with open(self.data_dir / "regio_arnhem.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                place = self.place(row["place"], row["municipality"])
                if place is not None:
                    point, approximate = place.point, place.approximate
                else:
                    area = by_place.get((normalise_name(row["place"]), normalise_name(row["municipality"])))
                    point, approximate = (area.point, True) if area else (None, True)
                result.append(
                    RegionPlace(
                        municipality=row["municipality"],
                        name=row["place"],
                        kind=row["kind"],
                        point=point,
                        approximate=approximate,
                        note=row["note"],
                    )
                )
        return result


@cache
def get_gazetteer() -> Gazetteer:
    """The shared gazetteer; its CSV files are read once, on first use."""
    return Gazetteer()
