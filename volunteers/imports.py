"""Import volunteers from a CSV file (``manage.py import_volunteers``).

Columns (DESIGN.md, "Import"); only ``external_id`` and ``first_name`` are required,
and the file needs a location: ``postcode`` (+ ``house_number``), ``place`` or
``latitude`` + ``longitude``.

==================  =====================================================================
external_id         the number in the old system; unique per organisation, updates by it
first_name          required
last_name, phone    free text
email               a valid address
postcode            Dutch postcode, "6811 AB"
house_number        free text ("12a")
place               place name, used when there is no postcode or lat/lon
latitude/longitude  WGS84 degrees, must lie in the Netherlands (decimal point or comma)
max_distance_km     0 to 100 (default 5)
skills              codes from the catalogue, ``;`` between them: ``shopping; transport``
availability        weekly slots: ``mon 09:00-12:00; tue 13:00-17:00``
max_active_matches  1 to 20 (default 1)
vog_valid_until     YYYY-MM-DD
languages           ISO 639-1 codes, ``;`` between them (default nl)
==================  =====================================================================

All rows are checked first; a file with any problem writes nothing. Then everything is
written in one transaction with bulk inserts and updates (10,000 rows in seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from common.slots import Slot
from neighbourhoods.csvimport import (
    ImportResult,
    LocationResolver,
    Row,
    RowLocation,
    batched,
    delete_where_in,
    import_file,
    organisation_get_or_create,
    update_rows,
)
from neighbourhoods.models import Skill
from neighbourhoods.selectors import import_skill_codes
from neighbourhoods.services import skills_ensure_defaults
from volunteers.models import AvailabilitySlot, Volunteer
from volunteers.signals import volunteers_changed

COLUMNS = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "max_distance_km",
    "skills",
    "availability",
    "max_active_matches",
    "vog_valid_until",
    "languages",
)
REQUIRED = ("external_id", "first_name")

# Column -> model field, for the plain fields; set only when the column is in the file.
_PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "max_distance_km",
    "max_active_matches",
    "vog_valid_until",
    "languages",
)
_LOCATION_FIELDS = ("postcode", "house_number", "place", "latitude", "longitude", "neighbourhood_id")


@dataclass
class _Parsed:
    external_id: str
    values: dict  # model field -> value, only for columns in the file
    location: RowLocation
    skills: list[str]
    slots: list[Slot]


def _default(name: str):
    return Volunteer._meta.get_field(name).default


def _parse_row(row: Row, *, skill_codes: set[str], locations: LocationResolver) -> _Parsed | None:
    external_id = row.text("external_id", max_length=64, required=True)
    values = {
        "first_name": row.text("first_name", max_length=100, required=True),
        "last_name": row.text("last_name", max_length=150),
        "email": row.email("email"),
        "phone": row.text("phone", max_length=30),
    }
    location = locations.resolve(row)
    values["max_distance_km"] = row.number(
        "max_distance_km", minimum=0, maximum=100, default=_default("max_distance_km")
    )
    skills = row.codes("skills", skill_codes, what=_("vaardigheid"))
    slots = row.slots("availability")
    values["max_active_matches"] = row.number(
        "max_active_matches", minimum=1, maximum=20, integer=True, default=_default("max_active_matches")
    )
    values["vog_valid_until"] = row.date("vog_valid_until")
    values["languages"] = row.languages("languages") or _default("languages")
    if row.errors or location is None:
        return None
    return _Parsed(
        external_id=external_id,
        values={name: value for name, value in values.items() if row.has(name)},
        location=location,
        skills=skills,
        slots=slots,
    )


def volunteers_import(*, organisation_slug: str, data: bytes) -> ImportResult:
    """Create or update the organisation's volunteers from CSV ``data``, by external_id.

    Raises ImportFailed (every problem, nothing written) or DomainError."""
    return import_file(
        organisation_slug=organisation_slug,
        data=data,
        columns=COLUMNS,
        required=REQUIRED,
        skill_codes=import_skill_codes,
        parse_row=_parse_row,
        write=_write,
    )


def _write(slug: str, rows: list[_Parsed], *, columns: set[str]) -> ImportResult:
    organisation, organisation_created = organisation_get_or_create(slug)
    now = timezone.now()
    existing = {v.external_id: v for v in Volunteer.objects.filter(organisation=organisation).exclude(external_id="")}
    new: list[Volunteer] = []
    changed: list[Volunteer] = []
    by_row: list[Volunteer] = []
    for row in rows:
        volunteer = existing.get(row.external_id)
        if volunteer is None:
            volunteer = Volunteer(organisation=organisation, external_id=row.external_id)
            new.append(volunteer)
        else:
            changed.append(volunteer)
        for name, value in (row.values | row.location.fields()).items():
            setattr(volunteer, name, value)
        volunteer.updated_at = now
        by_row.append(volunteer)

    Volunteer.objects.bulk_create(new)
    update_fields = [name for name in _PLAIN_FIELDS if name in columns] + [*_LOCATION_FIELDS, "updated_at"]
    update_fields = ["neighbourhood" if f == "neighbourhood_id" else f for f in update_fields]
    update_rows(Volunteer, changed, list(dict.fromkeys(update_fields)))

    changed_ids = [v.pk for v in changed]
    # Bulk writes send no post_save: tell the matching pool (same transaction), before the
    # slots are deleted, so that it logs each volunteer once and not once per slot.
    volunteers_changed.send(sender=Volunteer, organisation_id=organisation.pk, volunteer_ids=[v.pk for v in by_row])
    if "skills" in columns:
        skills_ensure_defaults()
        skill_ids = _skill_ids(organisation)
        through = Volunteer.skills.through
        delete_where_in(through.objects.all(), "volunteer_id", changed_ids)
        links = [
            through(volunteer_id=volunteer.pk, skill_id=skill_ids[code])
            for volunteer, row in zip(by_row, rows, strict=True)
            for code in row.skills
        ]
        for chunk in batched(links):
            through.objects.bulk_create(chunk)
    if "availability" in columns:
        delete_where_in(AvailabilitySlot.objects.all(), "volunteer_id", changed_ids)
        slots = [
            AvailabilitySlot(volunteer_id=volunteer.pk, weekday=s.weekday, start=s.start, end=s.end)
            for volunteer, row in zip(by_row, rows, strict=True)
            for s in row.slots
        ]
        for chunk in batched(slots):
            AvailabilitySlot.objects.bulk_create(chunk)
    return ImportResult(
        organisation=organisation, organisation_created=organisation_created, created=len(new), updated=len(changed)
    )


def _skill_ids(organisation) -> dict[str, int]:
    """Code -> Skill id; the organisation's own skill wins over a default one with the same code."""
    ids = dict(Skill.objects.filter(organisation__isnull=True).values_list("code", "pk"))
    ids.update(Skill.objects.filter(organisation=organisation).values_list("code", "pk"))
    return ids
