"""Shared machinery for the CSV imports (``import_volunteers``, ``import_requests``).

The contract is in DESIGN.md ("Import"). In short:

- UTF-8 with a header row (a BOM is fine). Excel's "CSV UTF-8" works; plain "CSV" from
  Excel is often Windows-1252 and is refused with a clear message.
- Comma or semicolon between cells: Dutch Excel writes ``;``. The delimiter is taken
  from the header row. Lists inside a cell (skills, availability, languages, schedule)
  are separated by ``;`` too, so in a ``;`` file those cells must be quoted
  (``"mon 09:00-12:00; tue 13:00-17:00"``); Excel does that by itself.
- Unknown columns are an error, and so are missing required ones. Optional columns may
  be left out: then the field keeps its value on re-import (and gets its default for a
  new row). A column that is there with an empty cell sets the field to empty/default.
- Every problem is collected first and reported as ``line N: column: reason`` (N is the
  physical line in the file, the header is line 1). A file with any problem writes
  nothing.

Reading a file gives a :class:`CsvTable` of :class:`Row` objects; the ``Row`` methods
parse one cell each and record a :class:`RowError` instead of raising, so one pass finds
every problem in the file. :class:`LocationResolver` turns the location columns into a
point and a neighbourhood, with per-import caches so 10,000 rows stay fast.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, connections, router, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import DomainError
from common.geo import Point
from common.slots import Slot, SlotError, parse_slots
from neighbourhoods.geo import InvalidPostcode, get_gazetteer, normalise_name, normalise_postcode, place_key
from neighbourhoods.geocoding import GeocodeError, GeocodeResult, get_geocoder
from neighbourhoods.locate import Area, nearest_area
from neighbourhoods.municipalities import current_municipality_name, get_register

if TYPE_CHECKING:
    from neighbourhoods.models import Organisation

# Lat/lon must lie roughly in the Netherlands: this catches swapped columns
# (5.9, 51.98) and coordinates from another country.
NL_LATITUDE = (50.7, 53.7)
NL_LONGITUDE = (3.2, 7.3)

LOCATION_COLUMNS = ("postcode", "house_number", "place", "latitude", "longitude")

TRUE_WORDS = frozenset({"true", "1", "ja", "j", "yes", "y", "waar"})
FALSE_WORDS = frozenset({"false", "0", "nee", "n", "no", "onwaar"})

# ISO 639-1 (two-letter language codes).
_ISO_639_1_TEXT = """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
    dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia
    id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
    lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl
    ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk
    tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_TEXT.split())

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DELIMITERS = (",", ";", "\t")
_BATCH = 500  # rows per INSERT/UPDATE; well below SQLite's variable limit


# --- Errors --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: ``line 7: postcode: Deze postcode kennen we niet.``"""

    line: int
    column: str  # "" for problems with the whole file (encoding)
    reason: str

    def __str__(self) -> str:
        if self.column:
            return f"line {self.line}: {self.column}: {self.reason}"
        return f"line {self.line}: {self.reason}"


class ImportFailed(DomainError):
    """The file has problems; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = sorted(errors, key=lambda e: e.line)  # stable: columns keep their order
        lines = len({e.line for e in self.errors})
        super().__init__(
            ngettext(
                "Er is niets ingelezen: %(count)d regel heeft een fout.",
                "Er is niets ingelezen: %(count)d regels hebben een fout.",
                lines,
            )
            % {"count": lines}
        )


# --- Reading the file ------------------------------------------------------------


@dataclass
class Row:
    """One data row; its parse methods record problems in ``errors`` and return a
    harmless value, so the importer can go on and find the next problem."""

    line: int
    cells: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column in self.cells

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def has_error(self, *columns: str) -> bool:
        return any(e.column in columns for e in self.errors)

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = " ".join(self.raw(column).split())
        if not value:
            if required:
                self.error(column, _("verplicht, maar leeg."))
            return ""
        if len(value) > max_length:
            self.error(
                column,
                _("te lang (%(length)d tekens); het mag hoogstens %(max)d tekens zijn.")
                % {"length": len(value), "max": max_length},
            )
            return value[:max_length]
        return value

    def choice(self, column: str, choices: Sequence[str], *, default: str = "", required: bool = False) -> str:
        value = self.raw(column).lower()
        if not value:
            if required:
                self.error(column, _("verplicht, maar leeg."))
            return default
        if value not in choices:
            self.error(
                column,
                _("'%(value)s' kennen we niet. Kies uit: %(choices)s.")
                % {"value": _short(value), "choices": ", ".join(choices)},
            )
            return default
        return value

    def number(
        self,
        column: str,
        *,
        minimum: float,
        maximum: float,
        default: float | None = None,
        integer: bool = False,
    ) -> float | int | None:
        text = self.raw(column)
        if not text:
            return default
        value = _parse_number(text, integer=integer)
        if value is None:
            reason = _("'%(value)s' is geen heel getal.") if integer else _("'%(value)s' is geen getal.")
            self.error(column, reason % {"value": _short(text)})
            return default
        if value < minimum:
            self.error(column, _("%(value)s is te klein; het kleinste is %(min)s.") % {"value": text, "min": minimum})
            return default
        if value > maximum:
            self.error(column, _("%(value)s is te groot; het grootste is %(max)s.") % {"value": text, "max": maximum})
            return default
        return value

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.raw(column).lower()
        if not value:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(
            column,
            _("'%(value)s' is geen ja of nee. Gebruik true of false (ook goed: ja/nee, 1/0).")
            % {"value": _short(value)},
        )
        return default

    def date(self, column: str) -> datetime.date | None:
        text = self.raw(column)
        if not text:
            return None
        try:
            if not _DATE_RE.fullmatch(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.error(
                column,
                _("'%(value)s' is geen datum. Schrijf jaar-maand-dag, bijvoorbeeld 2027-03-31.")
                % {"value": _short(text)},
            )
            return None

    def email(self, column: str) -> str:
        value = self.text(column, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(column, _("'%(value)s' is geen geldig e-mailadres.") % {"value": _short(value)})
                return ""
        return value

    def postcode(self, column: str = "postcode") -> str:
        text = self.raw(column)
        if not text:
            return ""
        try:
            return normalise_postcode(text)
        except InvalidPostcode as error:
            self.error(column, _("'%(value)s': %(reason)s") % {"value": _short(text), "reason": _(str(error))})
            return ""

    def slots(self, column: str) -> list[Slot]:
        try:
            return parse_slots(self.raw(column))
        except SlotError as error:
            self.error(column, str(error))
            return []

    def codes(self, column: str, known: Iterable[str], *, what: str) -> list[str]:
        """A ``;``-separated list of codes that must all be in ``known``."""
        known = set(known)
        codes = list(dict.fromkeys(code.strip().lower() for code in self.raw(column).split(";") if code.strip()))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.error(
                column,
                _("onbekende %(what)s: %(codes)s. Bekende codes: %(known)s.")
                % {"what": what, "codes": ", ".join(_short(c) for c in unknown), "known": ", ".join(sorted(known))},
            )
            return [code for code in codes if code in known]
        return codes

    def languages(self, column: str = "languages", *, max_length: int = 100) -> str:
        codes = list(dict.fromkeys(code.strip().lower() for code in self.raw(column).split(";") if code.strip()))
        bad = [code for code in codes if code not in ISO_639_1]
        if bad:
            self.error(
                column,
                _("'%(code)s' is geen taalcode. Gebruik twee letters (ISO 639-1), bijvoorbeeld nl of en.")
                % {"code": _short(bad[0])},
            )
            return ""
        text = ";".join(codes)
        if len(text) > max_length:
            self.error(column, _("te veel talen; het mag hoogstens %(max)d tekens zijn.") % {"max": max_length})
            return ""
        return text


@dataclass
class CsvTable:
    columns: list[str]
    rows: list[Row]
    delimiter: str
    header_line: int = 1


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_number(text: str, *, integer: bool) -> float | int | None:
    # Dutch spreadsheets write a decimal comma: "2,5".
    text = text.replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if integer:
        return int(value) if value.is_integer() else None
    return value


def decode(data: bytes) -> str:
    """The text of a UTF-8 file (BOM removed), or ImportFailed naming the first bad line
    (not UTF-8, or a NUL character)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(
            [RowError(line, "", _("het bestand is geen UTF-8. Sla het op als 'CSV UTF-8' en probeer het opnieuw."))]
        )
    if "\x00" in text:
        # PostgreSQL cannot store a NUL character (a DataError at the write, after every
        # row was checked); no spreadsheet writes one in a CSV file. Refuse it here, on
        # every database alike.
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFailed(
            [
                RowError(
                    line,
                    "",
                    _("er staat een NUL-teken in het bestand. Sla het op als 'CSV UTF-8' en probeer het opnieuw."),
                )
            ]
        )
    return text


def sniff_delimiter(text: str) -> str:
    """``;`` (Dutch Excel), ``,`` or a tab: whichever the header row holds most of."""
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes, *, columns: Sequence[str], required: Sequence[str]) -> CsvTable:
    """Decode and split the file; check the header. Raises ImportFailed for problems
    with the file or the header; problems in rows are left to the importer."""
    text = decode(data)
    if not text.strip():
        raise ImportFailed([RowError(1, "", _("het bestand is leeg. De eerste regel moet de kolomnamen bevatten."))])
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[RowError] = []
    try:
        header: list[str] = []
        for cells in reader:  # the first line with text is the header
            if any(cell.strip() for cell in cells):
                header = [name.strip().lower() for name in cells]
                break
        header_line = reader.line_num
        while header and not header[-1]:  # Excel leaves empty cells after the last column
            header.pop()
        for position, name in enumerate(header, start=1):
            if not name:
                errors.append(
                    RowError(header_line, _("kolom %(n)d") % {"n": position}, _("deze kolom heeft geen naam."))
                )
            elif name not in columns:
                errors.append(
                    RowError(
                        header_line,
                        _short(name),
                        _("deze kolom kennen we niet. Mogelijke kolommen: %(columns)s.")
                        % {"columns": ", ".join(columns)},
                    )
                )
            elif header.index(name) != position - 1:
                errors.append(RowError(header_line, name, _("deze kolom staat er twee keer in.")))
        for name in required:
            if name not in header:
                errors.append(RowError(header_line, name, _("deze kolom ontbreekt; hij is verplicht.")))
        if errors:
            raise ImportFailed(errors)

        rows: list[Row] = []
        previous = reader.line_num
        list_column = next(
            (c for c in header if c in ("skills", "availability", "schedule", "languages")),
            header[-1] if header else "",
        )
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # empty lines and Excel's ";;;;" lines
            row = Row(line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)})
            extra = [cell for cell in cells[len(header) :] if cell.strip()]
            if extra:
                row.error(
                    list_column,
                    _(
                        "deze regel heeft %(cells)d cellen, de kopregel %(columns)d. Staat er een '%(d)s' in een cel? "
                        "Zet die cel dan tussen aanhalingstekens."
                    )
                    % {"cells": len(cells), "columns": len(header), "d": delimiter},
                )
            rows.append(row)
    except csv.Error as error:
        raise ImportFailed([RowError(reader.line_num or 1, "", _("dit is geen geldige CSV: %(e)s") % {"e": error})])
    return CsvTable(columns=header, rows=rows, delimiter=delimiter, header_line=header_line)


def check_location_columns(table: CsvTable) -> None:
    """The file must be able to say where each person lives."""
    errors = []
    has_latitude, has_longitude = "latitude" in table.columns, "longitude" in table.columns
    if has_latitude != has_longitude:
        missing = "longitude" if has_latitude else "latitude"
        errors.append(
            RowError(table.header_line, missing, _("deze kolom ontbreekt; latitude en longitude horen bij elkaar."))
        )
    if not ({"postcode", "place"} & set(table.columns) or (has_latitude and has_longitude)):
        errors.append(
            RowError(
                table.header_line,
                "postcode",
                _("deze kolom ontbreekt. Geef postcode (met house_number), place of latitude en longitude."),
            )
        )
    if errors:
        raise ImportFailed(errors)


def check_unique(rows: Iterable[Row], column: str) -> None:
    """A value of ``column`` may occur once in the file; later lines get the error."""
    seen: dict[str, int] = {}
    for row in rows:
        value = " ".join(row.raw(column).split())
        if not value:
            continue
        if value in seen:
            row.error(
                column, _("'%(value)s' staat ook al op regel %(line)d.") % {"value": _short(value), "line": seen[value]}
            )
        else:
            seen[value] = row.line


# --- Location ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowLocation:
    postcode: str
    house_number: str
    place: str
    point: Point
    neighbourhood_id: int | None

    def fields(self) -> dict[str, Any]:
        return {
            "postcode": self.postcode,
            "house_number": self.house_number,
            "place": self.place,
            "latitude": self.point.lat,
            "longitude": self.point.lon,
            "neighbourhood_id": self.neighbourhood_id,
        }


class LocationResolver:
    """Location columns -> point and neighbourhood, for one import.

    Order: latitude/longitude when given, else the postcode (with house number), else
    the place. Geocoding is cached per PC4 area and per place name, and the
    organisation's neighbourhoods are loaded once (``neighbourhood_for_point`` would
    query for every row).
    """

    def __init__(self, organisation: Organisation | None):
        from neighbourhoods.models import Neighbourhood

        self.geocoder = get_geocoder()
        self.gazetteer = get_gazetteer()
        self._geocoded: dict[tuple[str, str], GeocodeResult | GeocodeError] = {}
        self._nearest: dict[tuple[Point, str], int | None] = {}
        self._areas: dict[str, list[Area]] = {}
        self._all_areas: list[Area] = []
        self._codes: dict[str, int] = {}
        self._current: dict[tuple[str, str], str] = {}  # (gazetteer municipality, place) -> today's
        if organisation is not None:
            neighbourhoods = Neighbourhood.objects.filter(municipality__organisations=organisation).values_list(
                "pk", "kind", "latitude", "longitude", "boundary", "municipality__name", "code"
            )
            for pk, kind, lat, lon, boundary, municipality, code in neighbourhoods:
                if code:
                    self._codes[code] = pk
                area = Area(id=pk, kind=kind, centroid=Point(lat, lon), boundary=boundary)
                self._areas.setdefault(normalise_name(municipality), []).append(area)
                self._all_areas.append(area)

    def resolve(self, row: Row) -> RowLocation | None:
        postcode = row.postcode("postcode")
        house_number = row.text("house_number", max_length=10)
        place = row.text("place", max_length=100)
        point = self._coordinates(row)
        if row.has_error(*LOCATION_COLUMNS):
            return None
        municipality = ""
        if point is not None:
            area = self.gazetteer.postcode(postcode) if postcode else None
            municipality = area.municipality if area else ""
            place = place or (area.place if area else "")
        elif postcode:
            found = self._geocode("postcode", postcode[:4], postcode=postcode, house_number=house_number)
            if isinstance(found, GeocodeError):
                row.error("postcode", _("'%(value)s': %(reason)s") % {"value": postcode, "reason": found.message})
                return None
            point, municipality, place = found.point, found.municipality, place or found.place
            if found.buurt_code and found.buurt_code in self._codes:
                # The online geocoder named the CBS buurt: no need to guess from distances.
                return RowLocation(postcode, house_number, place, point, self._codes[found.buurt_code])
        elif place:
            found = self._geocode("place", place_key(place), place=place)
            if isinstance(found, GeocodeError):
                row.error("place", str(found.message))
                return None
            point, municipality = found.point, found.municipality
        else:
            row.error("postcode", _("geen adres. Vul postcode en house_number in, of place, of latitude en longitude."))
            return None
        return RowLocation(postcode, house_number, place, point, self._neighbourhood(point, municipality, place))

    def _coordinates(self, row: Row) -> Point | None:
        lat_text, lon_text = row.raw("latitude"), row.raw("longitude")
        if not lat_text and not lon_text:
            return None
        if not lat_text or not lon_text:
            row.error("longitude" if lat_text else "latitude", _("leeg; vul latitude en longitude allebei in."))
            return None
        lat = row.number("latitude", minimum=-90, maximum=90)
        lon = row.number("longitude", minimum=-180, maximum=180)
        if lat is None or lon is None:
            return None
        if not _inside(lat, NL_LATITUDE) or not _inside(lon, NL_LONGITUDE):
            if _inside(lon, NL_LATITUDE) and _inside(lat, NL_LONGITUDE):
                row.error(
                    "latitude",
                    _("%(lat)s, %(lon)s ligt niet in Nederland. Zijn latitude en longitude omgewisseld (swapped?)")
                    % {"lat": lat_text, "lon": lon_text},
                )
            elif not _inside(lat, NL_LATITUDE):
                row.error("latitude", _("%(lat)s ligt niet in Nederland (50,7 tot 53,7).") % {"lat": lat_text})
            else:
                row.error("longitude", _("%(lon)s ligt niet in Nederland (3,2 tot 7,3).") % {"lon": lon_text})
            return None
        return Point(lat, lon)

    def _geocode(self, kind: str, key: str, **query: str) -> GeocodeResult | GeocodeError:
        cache_key = (kind, key)
        if cache_key not in self._geocoded:
            try:
                self._geocoded[cache_key] = self.geocoder.geocode(**query)
            except GeocodeError as error:
                self._geocoded[cache_key] = error
        return self._geocoded[cache_key]

    def _neighbourhood(self, point: Point, municipality: str, place: str = "") -> int | None:
        key = normalise_name(municipality or "")
        if key:
            # The gazetteer has 2016 borders ("Boxmeer" is Land van Cuijk today) and misfiles
            # some villages; an organisation's own municipality name (a demo's Rijnwaarden) wins.
            if (key, place) not in self._current:
                fixed = get_register().place_fix(municipality, place)
                if fixed is None and key not in self._areas:
                    current = current_municipality_name(municipality, place)
                else:
                    current = fixed.name if fixed else None
                self._current[key, place] = normalise_name(current) if current else key
            key = self._current[key, place]
        cache_key = (point, key)
        if cache_key not in self._nearest:
            # Known municipality: only its neighbourhoods (as neighbourhood_for_point does).
            areas = self._areas.get(key, []) if key else self._all_areas
            found = nearest_area(point, areas)
            self._nearest[cache_key] = found.id if found else None
        return self._nearest[cache_key]


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


# --- Writing helpers --------------------------------------------------------------


def organisation_for_import(slug: str) -> tuple[Organisation | None, str]:
    """The organisation ``slug`` (None if it does not exist yet) and the clean slug."""
    from neighbourhoods.models import Organisation

    slug = (slug or "").strip()
    try:
        validate_slug(slug)
    except ValidationError:
        raise DomainError(
            _("'%(slug)s' is geen geldige korte naam. Gebruik kleine letters, cijfers en streepjes.")
            % {"slug": _short(slug)}
        )
    if len(slug) > Organisation._meta.get_field("slug").max_length:
        raise DomainError(_("De korte naam van de organisatie is te lang."))
    return Organisation.objects.filter(slug=slug).first(), slug


def organisation_get_or_create(slug: str) -> tuple[Organisation, bool]:
    """Called inside the import transaction: a new organisation gets its slug,
    titled, as name, and no municipalities (an admin adds the work area)."""
    from neighbourhoods.models import Organisation

    name = re.sub(r"[-_]+", " ", slug).strip().title() or slug
    return Organisation.objects.get_or_create(slug=slug, defaults={"name": name})


def batched(items: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_rows(model, objects: Sequence[Any], field_names: Sequence[str]) -> None:
    """Save ``field_names`` of existing ``objects``: one ``UPDATE ... WHERE pk = %s``
    run with ``executemany``.

    ``QuerySet.bulk_update`` builds a CASE WHEN expression per field and row; for
    10,000 rows that took over half a minute in Python alone. This is the same SQL
    an ordinary ``save(update_fields=...)`` sends, prepared once. No signals, no
    ``auto_now``: callers set ``updated_at`` themselves.
    """
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Table and column names come from the model, never from the file.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        for chunk in batched(params, 1000):
            cursor.executemany(sql, chunk)


def delete_where_in(queryset, column: str, ids: Sequence[int]) -> None:
    """Delete rows of ``queryset`` whose ``column`` is in ``ids``, in batches."""
    for chunk in batched(list(ids)):
        queryset.filter(**{f"{column}__in": chunk}).delete()


@dataclass(frozen=True)
class ImportResult:
    organisation: Organisation
    organisation_created: bool
    created: int
    updated: int

    def summary(self) -> str:
        return _("%(created)d nieuw, %(updated)d bijgewerkt") % {"created": self.created, "updated": self.updated}


# --- Management commands ------------------------------------------------------------


def add_import_arguments(parser) -> None:
    parser.add_argument("--organisation", required=True, metavar="SLUG", help="Korte naam (slug) van de organisatie.")
    parser.add_argument("file", metavar="FILE.csv", help="CSV-bestand in UTF-8 met een kopregel; '-' leest stdin.")


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(_("Het bestand %(path)s bestaat niet.") % {"path": path})
    except OSError as error:
        raise CommandError(_("Het bestand %(path)s kan niet worden gelezen: %(e)s") % {"path": path, "e": error})


def run_import_command(command: BaseCommand, importer: Callable[..., ImportResult], options: dict, **kwargs) -> None:
    """The body of both import commands: read, import, report.

    Every problem goes to stderr as ``line N: column: reason``; then CommandError,
    so the process exits with status 1 and ``call_command`` raises."""
    data = read_input(options["file"])
    try:
        result = importer(organisation_slug=options["organisation"], data=data, **kwargs)
    except ImportFailed as failure:
        for error in failure.errors:
            command.stderr.write(str(error))
        raise CommandError(failure.message)
    except DomainError as error:
        raise CommandError(error.message)
    if result.organisation_created:
        command.stdout.write(
            _("Organisatie '%(name)s' (%(slug)s) is aangemaakt, nog zonder werkgebied.")
            % {"name": result.organisation.name, "slug": result.organisation.slug}
        )
    command.stdout.write(result.summary())


def import_file(
    *,
    organisation_slug: str,
    data: bytes,
    columns: Sequence[str],
    required: Sequence[str],
    skill_codes: Callable[[Organisation | None], set[str]],
    parse_row: Callable[..., Any],
    write: Callable[..., ImportResult],
) -> ImportResult:
    """The shared pipeline of both imports: read and check every row first
    (``parse_row(row, skill_codes=, locations=)`` records its problems on the row),
    then, only when no row has a problem, ``write(slug, parsed, columns=)`` in one
    transaction. Raises ImportFailed (every problem, nothing written) or DomainError."""
    organisation, slug = organisation_for_import(organisation_slug)
    table = read_csv(data, columns=columns, required=required)
    check_location_columns(table)
    codes = skill_codes(organisation)
    locations = LocationResolver(organisation)
    check_unique(table.rows, "external_id")
    parsed = [parse_row(row, skill_codes=codes, locations=locations) for row in table.rows]
    errors = [error for row in table.rows for error in row.errors]
    if errors:
        raise ImportFailed(errors)
    try:
        with transaction.atomic():
            return write(slug, [p for p in parsed if p is not None], columns=set(table.columns))
    except IntegrityError:
        # Another import of the same organisation committed the same external_id first.
        raise DomainError(_("Er liep tegelijk een andere import voor deze organisatie. Probeer het opnieuw."))
