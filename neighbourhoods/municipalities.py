"""The Dutch municipalities as they are now, and what became of the older ones.

Pure Python (no Django), like :mod:`neighbourhoods.geo`. Reads three hand-compiled
CSV files (see ``neighbourhoods/data/LICENSES.md``):

- ``nl_municipalities.csv``: the current CBS list (code ``GM####``, name, province);
- ``nl_municipality_changes.csv``: mergers, splits and renames since the gazetteer's
  2016 borders (and the older names that GeoNames still uses), each pointing at a
  current municipality;
- ``nl_place_municipality_fixes.csv``: places whose municipality the gazetteer's
  2016 data does not decide: the villages of a municipality that was split over
  several successors, and places the gazetteer files under a wrong municipality
  (its municipality of a small place is a guess outside regio Arnhem), corrected by
  hand for the seed regions.

So "Boxmeer" in an import, an address or a command still lands in Land van Cuijk, and
the places of the offline gazetteer (2016 borders) map to today's municipalities.
"""

from __future__ import annotations

import csv
import difflib
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from common.geo import Point
from neighbourhoods.geo import DATA_DIR, Gazetteer, get_gazetteer, normalise_name

# Other names people use for a municipality, by normalised name.
ALIASES = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "hengelo": "Hengelo (O.)",
    "middelburg": "Middelburg (Z.)",
    "rijswijk": "Rijswijk (ZH.)",
    "laren": "Laren (NH.)",
    "beek": "Beek (L.)",
    "stein": "Stein (L.)",
    "sudwest friesland": "Súdwest-Fryslân",
    "noordoost friesland": "Noardeast-Fryslân",
    "de friese meren": "De Fryske Marren",
    "tietjerksteradeel": "Tytsjerksteradiel",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
}

_QUALIFIER_RE = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True, slots=True)
class CurrentMunicipality:
    code: str  # CBS code, "GM0037"
    name: str  # CBS spelling, "Bergen (NH.)"
    province: str

    @property
    def short_name(self) -> str:
        """The name without CBS's province qualifier: "Bergen (NH.)" -> "Bergen"."""
        return _QUALIFIER_RE.sub("", self.name)


@dataclass(frozen=True, slots=True)
class Kern:
    """A village or town of a municipality, with its centre."""

    name: str
    point: Point
    approximate: bool


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the changes file: ``old_name`` went (wholly or partly) to ``new``."""

    year: int | None
    old_name: str
    old_code: str
    new: CurrentMunicipality
    kind: str  # "merger", "split" (only part of it went here) or "rename"


@dataclass(frozen=True)
class Lookup:
    """What a municipality name means today.

    ``municipality`` is set when the name points at exactly one current municipality
    (directly, or through a merger or rename recorded in ``changes``). A split
    municipality (Haaren) or an ambiguous name (Bergen) leaves it empty and lists the
    ``candidates``; an unknown name lists ``close_matches``.
    """

    query: str
    municipality: CurrentMunicipality | None
    changes: tuple[Change, ...] = ()
    candidates: tuple[CurrentMunicipality, ...] = ()
    close_matches: tuple[CurrentMunicipality, ...] = ()

    @property
    def is_former(self) -> bool:
        return bool(self.changes)


def _key(name: str) -> str:
    return normalise_name(name or "")


class MunicipalityRegister:
    """The current municipalities and the changes that lead to them, read on first use."""

    def __init__(self, data_dir: Path | str = DATA_DIR, gazetteer: Gazetteer | None = None) -> None:
        self.data_dir = Path(data_dir)
        self._gazetteer = gazetteer
        self._lock = threading.Lock()
        self._loaded = False
        self._current: list[CurrentMunicipality] = []
        self._by_code: dict[str, CurrentMunicipality] = {}
        self._by_key: dict[str, list[CurrentMunicipality]] = {}
        self._changes: dict[str, list[Change]] = {}
        self._place_fixes: dict[tuple[str, str], CurrentMunicipality] = {}

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer or get_gazetteer()

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            with open(self.data_dir / "nl_municipalities.csv", newline="", encoding="utf-8") as f:
                current = [CurrentMunicipality(r["code"], r["name"], r["province"]) for r in csv.DictReader(f)]
            by_code = {m.code: m for m in current}
            by_key: dict[str, list[CurrentMunicipality]] = {}
            for m in current:
                by_key.setdefault(_key(m.name), []).append(m)
                short = _key(m.short_name)
                if short != _key(m.name):
                    by_key.setdefault(short, []).append(m)
            changes: dict[str, list[Change]] = {}
            with open(self.data_dir / "nl_municipality_changes.csv", newline="", encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    new = by_code[r["new_code"]]
                    if new.name != r["new_name"]:
                        raise ValueError(f"changes file: {r['new_code']} is {new.name}, not {r['new_name']}")
                    change = Change(int(r["year"]) if r["year"] else None, r["old_name"], r["old_code"], new, r["kind"])
                    changes.setdefault(_key(r["old_name"]), []).append(change)
            place_fixes = {}
            with open(self.data_dir / "nl_place_municipality_fixes.csv", newline="", encoding="utf-8") as f:
                names = {m.name: m for m in current}
                for r in csv.DictReader(f):
                    place_fixes[(_key(r["gazetteer_municipality"]), _key(r["place"]))] = names[r["municipality"]]
            self._current, self._by_code, self._by_key = current, by_code, by_key
            self._changes, self._place_fixes = changes, place_fixes
            self._loaded = True

    # --- Reads ---------------------------------------------------------------

    def current(self) -> list[CurrentMunicipality]:
        """All current municipalities, in code order."""
        self._load()
        return list(self._current)

    def by_code(self, code: str) -> CurrentMunicipality | None:
        self._load()
        return self._by_code.get((code or "").strip().upper())

    def changes_into(self, municipality: CurrentMunicipality) -> list[Change]:
        """The former municipalities that (partly) became ``municipality``."""
        self._load()
        return [c for group in self._changes.values() for c in group if c.new == municipality]

    def lookup(self, name: str, *, suggest: bool = True) -> Lookup:
        """What ``name`` (any case or accents, "Den Haag", "Bergen (NH.)", a CBS code,
        or a former municipality such as "Boxmeer") means today. ``suggest=False``
        skips the (slower) search for close matches of an unknown name."""
        self._load()
        text = " ".join((name or "").split())
        key = _key(text)
        if not key:
            return Lookup(text, None)
        code = self.by_code(text)
        if code is not None:
            return Lookup(text, code)
        found = self._by_key.get(key, [])
        if not found and key in ALIASES:
            found = self._by_key.get(_key(ALIASES[key]), [])
        if len(found) == 1:
            return Lookup(text, found[0])
        if len(found) > 1:
            return Lookup(text, None, candidates=tuple(found))
        changes = self._changes.get(key, [])
        if changes:
            targets = tuple(dict.fromkeys(c.new for c in changes))
            if len(targets) == 1:
                return Lookup(text, targets[0], changes=tuple(changes))
            return Lookup(text, None, changes=tuple(changes), candidates=targets)
        return Lookup(text, None, close_matches=tuple(self.close_matches(text)) if suggest else ())

    def close_matches(self, name: str, limit: int = 5) -> list[CurrentMunicipality]:
        """Current municipalities whose name (or a former name) looks like ``name``."""
        self._load()
        key = _key(name)
        keys = list(self._by_key) + list(self._changes)
        result: list[CurrentMunicipality] = []
        for match in difflib.get_close_matches(key, keys, n=limit * 2, cutoff=0.75):
            targets = self._by_key.get(match) or [c.new for c in self._changes.get(match, [])]
            for target in targets:
                if target not in result:
                    result.append(target)
        return result[:limit]

    def place_fix(self, municipality: str, place: str | None) -> CurrentMunicipality | None:
        """The hand-made correction for ``place`` filed under ``municipality``, if any."""
        self._load()
        return self._place_fixes.get((_key(municipality), _key(place))) if place else None

    def current_for(
        self, municipality: str, place: str | None = None, province: str | None = None
    ) -> CurrentMunicipality | None:
        """Today's municipality of a place that the gazetteer (2016 borders) files under
        ``municipality``: a hand-made fix for the place first (a split municipality's
        village, or a place the gazetteer misfiles), then the municipality's successor;
        for a name that two provinces share (Bergen) the province decides."""
        fixed = self.place_fix(municipality, place)
        if fixed is not None:
            return fixed
        found = self.lookup(municipality, suggest=False)
        if found.municipality is not None:
            return found.municipality
        if found.candidates and province and not found.changes:
            in_province = [m for m in found.candidates if m.province == province]
            return in_province[0] if len(in_province) == 1 else None
        if found.changes:  # a split, and a village not listed: the largest part (listed first)
            return found.changes[0].new
        return None

    def _source_names(self, municipality: CurrentMunicipality) -> set[str]:
        sources = {_key(municipality.name), _key(municipality.short_name)}
        sources |= {_key(c.old_name) for c in self.changes_into(municipality)}
        sources |= {alias for alias, name in ALIASES.items() if name == municipality.name}
        sources |= {old for (old, _place), target in self._place_fixes.items() if target == municipality}
        return sources

    def kernen(self, municipality: CurrentMunicipality) -> list[Kern]:
        """The villages and towns (kernen) of ``municipality`` today, from the offline
        gazetteer: its places and the places PostNL names for its PC4 areas.

        A place with coordinates of its own keeps them; a place known only from its
        postcode areas gets the mean of their centres (``approximate``). Outside regio
        Arnhem the gazetteer's municipality of a small place is itself approximate (see
        ``LICENSES.md``), so this list is a starting point an admin may correct.
        """
        self._load()
        gazetteer = self.gazetteer
        sources = self._source_names(municipality)
        found: dict[str, Kern] = {}
        for source in sorted(sources):
            for place in gazetteer.places_in_municipality(source):
                if place.name.startswith("Gemeente ") or _key(place.name) in found:
                    continue
                if self.current_for(place.municipality, place.name, place.province) == municipality:
                    found[_key(place.name)] = Kern(place.name, place.point, place.approximate)
        by_place: dict[str, list] = {}
        for source in sorted(sources):
            for area in gazetteer.postcode_areas(municipality=source):
                known = gazetteer.place(area.place, area.municipality)
                province = known.province if known else None
                if self.current_for(area.municipality, area.place, province) == municipality:
                    by_place.setdefault(area.place, []).append(area)
        # A place named after a municipality created by a merger ("Westerwolde") is
        # the municipality itself in the source data, not a village.
        own = _key(municipality.short_name)
        new_name = bool(self.changes_into(municipality)) and all(
            _key(c.old_name) != own for c in self.changes_into(municipality)
        )
        if new_name and own in found and not any(_key(name) == own for name in by_place):
            del found[own]
        for name, areas in by_place.items():
            if _key(name) in found:
                continue
            lat = sum(a.point.lat for a in areas) / len(areas)
            lon = sum(a.point.lon for a in areas) / len(areas)
            found[_key(name)] = Kern(name, Point(round(lat, 5), round(lon, 5)), True)
        return sorted(found.values(), key=lambda k: _key(k.name))


@cache
def get_register() -> MunicipalityRegister:
    """The shared register; its CSV files are read once, on first use."""
    return MunicipalityRegister()


def current_municipality_name(name: str, place: str | None = None) -> str | None:
    """Today's name for a municipality name from the gazetteer or an import, or None."""
    found = get_register().current_for(name, place) if name else None
    return found.name if found else None
