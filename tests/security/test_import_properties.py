"""The two CSV imports (``volunteers/imports.py``, ``caregivers/imports.py``) and the
pipeline under them (``neighbourhoods/csvimport.py``), fed hostile files: each file is
imported or refused with a ``DomainError`` (``ImportFailed`` lists the bad rows), never
another exception; a refused file writes nothing (DESIGN.md: "a file with any invalid
row imports nothing").
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from tests.security.hostile import IMPORTS, NASTY, scalars

pytestmark = pytest.mark.django_db

VOLUNTEER_VALUES = {
    "skills": ["shopping", "shopping; transport", "respite;nope", "; ;"],
    "availability": ["tue 09:00-12:00", "mon 09:00-12:00; wed 13:00-17:00", "tue 12:00-09:00", "xyz 1-2"],
    "languages": ["nl", "nl; en", "zz", "nederlands"],
    "vog_valid_until": ["2031-01-01", "2031-02-30", "01-01-2031"],
    "max_active_matches": ["1", "0", "-3", "1000000"],
    "max_distance_km": ["5", "7,5", "-1", "1e308"],
    "latitude": ["51.98", "51,98", "91", "-200", "nan"],
    "longitude": ["5.91", "5,91", "181", "inf"],
    "postcode": ["6811 AB", "6811AB", "0000 AA", "ABCD 12"],
    "house_number": ["1", "12a", "0", "99999999"],
    "email": ["a@example.nl", "not-an-address", "a@b"],
}
REQUEST_VALUES = {
    "kind": ["respite", "practical", "companionship", "transport", "other", "RESPITE", "unknown"],
    "urgency": ["low", "normal", "high", "asap"],
    "needs_vog": ["true", "false", "ja", "1", ""],
    "schedule": ["tue 14:00-16:00", "sun 23:00-01:00", "tue 25:00-26:00"],
    "skills": VOLUNTEER_VALUES["skills"],
    "max_distance_km": VOLUNTEER_VALUES["max_distance_km"],
    "latitude": VOLUNTEER_VALUES["latitude"],
    "longitude": VOLUNTEER_VALUES["longitude"],
    "postcode": VOLUNTEER_VALUES["postcode"],
    "house_number": VOLUNTEER_VALUES["house_number"],
    "email": VOLUNTEER_VALUES["email"],
}


def _cell(column: str, realistic: dict[str, list[str]]):
    options = realistic.get(column)
    return st.one_of(scalars, st.sampled_from(options)) if options else scalars


@st.composite
def csv_files(draw, columns: tuple[str, ...], realistic: dict[str, list[str]]) -> bytes:
    """A header (the real columns in any order, some left out, now and then an unknown
    or a repeated one) and a few rows of hostile or realistic cells, as CSV bytes with
    a comma or a semicolon; or, now and then, bytes that are no CSV at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True))
    if draw(st.booleans()):
        header = ["external_id", *[c for c in header if c != "external_id"]]
    if draw(st.integers(0, 5)) == 0:
        header.append(draw(st.sampled_from(["unknown", header[0], "", "Skills "])))
    rows = draw(st.lists(st.tuples(*[_cell(c, realistic) for c in header]).map(list), min_size=0, max_size=4))
    if rows and draw(st.booleans()):
        # Short and long rows.
        rows[0] = rows[0][: draw(st.integers(0, len(rows[0])))] + draw(st.lists(scalars, max_size=2))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]))
    return (prefix + text).encode(encoding, errors="replace")


def _counts() -> dict[str, int]:
    from caregivers.models import HelpRequest, RequestSlot
    from neighbourhoods.models import Organisation
    from volunteers.models import AvailabilitySlot, Volunteer

    return {
        m.__name__: m.objects.count() for m in (Organisation, Volunteer, AvailabilitySlot, HelpRequest, RequestSlot)
    }


def _import_or_refuse(run) -> str:
    """Run one import in a transaction that is rolled back afterwards (every example
    starts from the same database); 'imported' or 'refused'."""
    with transaction.atomic():
        before = _counts()
        try:
            run()
        except DomainError:
            assert _counts() == before, "a refused file wrote rows"
            outcome = "refused"
        else:
            outcome = "imported"
        transaction.set_rollback(True)
    return outcome


SLUGS = st.sampled_from(["org-a", "org-a", "org-a", "nieuwe-centrale", "", "Org A!", "x" * 300, "\x00", "org-b"])


def test_volunteer_import_takes_or_refuses_any_file(world):
    from volunteers.imports import COLUMNS, volunteers_import

    @IMPORTS
    @given(data=csv_files(COLUMNS, VOLUNTEER_VALUES), slug=SLUGS)
    def check(data, slug):
        _import_or_refuse(lambda: volunteers_import(organisation_slug=slug, data=data))

    check()


def test_request_import_takes_or_refuses_any_file(world):
    from caregivers.imports import COLUMNS, requests_import

    @IMPORTS
    @given(data=csv_files(COLUMNS, REQUEST_VALUES), slug=SLUGS, status=st.sampled_from(["new", "ready", "closed", ""]))
    def check(data, slug, status):
        _import_or_refuse(lambda: requests_import(organisation_slug=slug, data=data, status=status))

    check()


def test_csv_reader_takes_or_refuses_any_bytes(world):
    from neighbourhoods.csvimport import read_csv
    from volunteers.imports import COLUMNS, REQUIRED

    @IMPORTS
    @given(data=st.one_of(st.binary(max_size=400), csv_files(COLUMNS, VOLUNTEER_VALUES)))
    def check(data):
        try:
            table = read_csv(data, columns=COLUMNS, required=REQUIRED)
        except DomainError:
            return
        assert set(table.columns) <= set(COLUMNS)

    check()


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_value_in_each_volunteer_column(world, value):
    """The sure part: every hostile value in every column of a row that is otherwise fine."""
    from volunteers.imports import COLUMNS, volunteers_import

    base = {"external_id": "V-1", "first_name": "Zoë", "place": "Gemeente A", "latitude": "51.98", "longitude": "5.91"}
    for column in COLUMNS:
        row = {**base, column: value}
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        data = out.getvalue().encode("utf-8")
        outcome = _import_or_refuse(lambda data=data: volunteers_import(organisation_slug="org-a", data=data))
        assert outcome in ("imported", "refused"), column


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_value_in_each_request_column(world, value):
    from caregivers.imports import COLUMNS, requests_import

    base = {
        "external_id": "R-1",
        "requester_first_name": "Zoë",
        "kind": "practical",
        "place": "Gemeente A",
        "latitude": "51.98",
        "longitude": "5.91",
    }
    for column in COLUMNS:
        row = {**base, column: value}
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        data = out.getvalue().encode("utf-8")
        outcome = _import_or_refuse(lambda data=data: requests_import(organisation_slug="org-a", data=data))
        assert outcome in ("imported", "refused"), column


def test_a_good_file_is_imported_and_a_bad_one_refused(world):
    """The two outcomes above both happen (the property tests are not vacuous)."""
    from volunteers.imports import volunteers_import

    good = b"external_id,first_name,place,latitude,longitude\nV-9,Zo\xc3\xab,Gemeente A,51.98,5.91\n"
    bad = b"external_id,first_name,place,latitude,longitude\nV-9,Zo\xc3\xab,Gemeente A,91,5.91\n"
    assert _import_or_refuse(lambda: volunteers_import(organisation_slug="org-a", data=good)) == "imported"
    assert _import_or_refuse(lambda: volunteers_import(organisation_slug="org-a", data=bad)) == "refused"
