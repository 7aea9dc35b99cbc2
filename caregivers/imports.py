"""Import help requests from a CSV file (``manage.py import_requests``).

Columns (DESIGN.md, "Import"); ``external_id``, ``requester_first_name`` and ``kind``
are required, and the file needs a location: ``postcode`` (+ ``house_number``),
``place`` or ``latitude`` + ``longitude``.

=====================  ==================================================================
external_id            the number in the old system; unique per organisation, updates by it
requester_first_name   required
requester_last_name    free text
email, phone           a valid address; free text
kind                   respite, practical, companionship, transport or other
postcode ... longitude as for volunteers
skills                 codes the volunteer must all have, ``;`` between them
schedule               weekly slots the volunteer must fully cover: ``tue 13:00-17:00``
needs_vog              true/false (also 1/0, ja/nee); respite always needs a VOG
max_distance_km        0 to 100; empty = no limit of its own
urgency                low, normal (default) or high
=====================  ==================================================================

New requests get status ``new``, or ``ready`` with ``--status ready``; a re-import
moves an existing request to ``ready`` only from ``new`` or ``intake`` and never takes
one back (a request that is matched or closed keeps its status). Each status set by
the import is recorded as a RequestEvent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import HelpRequest, RequestEvent, RequestSlot
from common.errors import DomainError
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

COLUMNS = (
    "external_id",
    "requester_first_name",
    "requester_last_name",
    "email",
    "phone",
    "kind",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "skills",
    "schedule",
    "needs_vog",
    "max_distance_km",
    "urgency",
)
REQUIRED = ("external_id", "requester_first_name", "kind")
STATUSES = (HelpRequest.Status.NEW, HelpRequest.Status.READY)

_PLAIN_FIELDS = (
    "requester_first_name",
    "requester_last_name",
    "email",
    "phone",
    "kind",
    "needs_vog",
    "max_distance_km",
    "urgency",
)
_LOCATION_FIELDS = ("postcode", "house_number", "place", "latitude", "longitude", "neighbourhood")
# A re-import with --status ready moves a request on from these states only.
_MAY_BECOME_READY = (HelpRequest.Status.NEW, HelpRequest.Status.INTAKE)


@dataclass
class _Parsed:
    external_id: str
    values: dict  # model field -> value, only for columns in the file
    location: RowLocation
    skills: list[str]
    slots: list[Slot]


def _parse_row(row: Row, *, skill_codes: set[str], locations: LocationResolver) -> _Parsed | None:
    external_id = row.text("external_id", max_length=64, required=True)
    values = {
        "requester_first_name": row.text("requester_first_name", max_length=100, required=True),
        "requester_last_name": row.text("requester_last_name", max_length=150),
        "email": row.email("email"),
        "phone": row.text("phone", max_length=30),
        "kind": row.choice("kind", HelpRequest.Kind.values, required=True),
    }
    location = locations.resolve(row)
    skills = row.codes("skills", skill_codes, what=_("vaardigheid"))
    slots = row.slots("schedule")
    values["needs_vog"] = row.boolean("needs_vog", default=False)
    values["max_distance_km"] = row.number("max_distance_km", minimum=0, maximum=100, default=None)
    values["urgency"] = row.choice("urgency", HelpRequest.Urgency.values, default=HelpRequest.Urgency.NORMAL)
    if row.errors or location is None:
        return None
    values = {name: value for name, value in values.items() if row.has(name)}
    if values.get("kind") == HelpRequest.Kind.RESPITE:
        # bulk_create skips HelpRequest.save(), which enforces this too.
        values["needs_vog"] = True
    return _Parsed(external_id=external_id, values=values, location=location, skills=skills, slots=slots)


def requests_import(*, organisation_slug: str, data: bytes, status: str = HelpRequest.Status.NEW) -> ImportResult:
    """Create or update the organisation's help requests from CSV ``data``, by external_id.

    ``status`` is ``new`` or ``ready``. Raises ImportFailed (every problem, nothing
    written) or DomainError."""
    if status not in STATUSES:
        raise DomainError(_("De status na het inlezen moet new of ready zijn."), field="status")
    return import_file(
        organisation_slug=organisation_slug,
        data=data,
        columns=COLUMNS,
        required=REQUIRED,
        skill_codes=import_skill_codes,
        parse_row=_parse_row,
        write=lambda slug, rows, *, columns: _write(slug, rows, columns=columns, status=status),
    )


def _write(slug: str, rows: list[_Parsed], *, columns: set[str], status: str) -> ImportResult:
    organisation, organisation_created = organisation_get_or_create(slug)
    now = timezone.now()
    existing = {r.external_id: r for r in HelpRequest.objects.filter(organisation=organisation).exclude(external_id="")}
    new: list[HelpRequest] = []
    changed: list[HelpRequest] = []
    by_row: list[HelpRequest] = []
    events: list[tuple[HelpRequest, str]] = []  # (request, from_status)
    for row in rows:
        request = existing.get(row.external_id)
        if request is None:
            request = HelpRequest(organisation=organisation, external_id=row.external_id, status=status)
            request.status_changed_at = now
            new.append(request)
            events.append((request, ""))
        else:
            changed.append(request)
            if status == HelpRequest.Status.READY and request.status in _MAY_BECOME_READY:
                events.append((request, request.status))
                request.status, request.status_changed_at = status, now
        for name, value in (row.values | row.location.fields()).items():
            setattr(request, name, value)
        if request.kind == HelpRequest.Kind.RESPITE:
            request.needs_vog = True
        request.updated_at = now
        by_row.append(request)

    HelpRequest.objects.bulk_create(new)
    update_fields = [name for name in _PLAIN_FIELDS if name in columns]
    update_fields += [*_LOCATION_FIELDS, "needs_vog", "status", "status_changed_at", "updated_at"]
    update_rows(HelpRequest, changed, list(dict.fromkeys(update_fields)))
    RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=request,
                from_status=from_status,
                to_status=request.status,
                code=RequestEvent.Code.IMPORTED,
            )
            for request, from_status in events
        ],
        batch_size=500,
    )

    changed_ids = [r.pk for r in changed]
    if "skills" in columns:
        skills_ensure_defaults()
        skill_ids = dict(Skill.objects.filter(organisation__isnull=True).values_list("code", "pk"))
        skill_ids.update(Skill.objects.filter(organisation=organisation).values_list("code", "pk"))
        through = HelpRequest.skills.through
        delete_where_in(through.objects.all(), "helprequest_id", changed_ids)
        links = [
            through(helprequest_id=request.pk, skill_id=skill_ids[code])
            for request, row in zip(by_row, rows, strict=True)
            for code in row.skills
        ]
        for chunk in batched(links):
            through.objects.bulk_create(chunk)
    if "schedule" in columns:
        delete_where_in(RequestSlot.objects.all(), "request_id", changed_ids)
        slots = [
            RequestSlot(request_id=request.pk, weekday=s.weekday, start=s.start, end=s.end)
            for request, row in zip(by_row, rows, strict=True)
            for s in row.slots
        ]
        for chunk in batched(slots):
            RequestSlot.objects.bulk_create(chunk)
    return ImportResult(
        organisation=organisation, organisation_created=organisation_created, created=len(new), updated=len(changed)
    )
