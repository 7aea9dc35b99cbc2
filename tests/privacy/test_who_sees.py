"""The privacy page's table "who sees what" says exactly what the code does: each row's
roles are the constants the views check (``privacy.who_sees``), and here every row is
held against the authorization matrix of tests/security (its expectations are the
truth): the roles that open the pages showing that data are the roles the page names."""

from __future__ import annotations

import re
from fnmatch import fnmatch

import pytest
from django.urls import reverse

from neighbourhoods.models import StaffMembership
from privacy.who_sees import WHO_SEES
from tests.security.test_authorization_matrix import OK, PERSONS, TABLE

Role = StaffMembership.Role

# The matrix's personas with a staff membership, as the roles the page names.
MATRIX_ROLES = {
    "broker": Role.BROKER,
    "org_admin": Role.ADMIN,
    "municipality": Role.MUNICIPALITY,
    "privacy_officer": Role.PRIVACY_OFFICER,
}

# The pages that show each row's data (URL names of the matrix, * for a whole family).
PAGES = {
    "care_file": ("caregivers_broker:*", "privacy_broker:person"),
    "casework": (
        "volunteers_broker:*",
        "matching_broker:*",
        "attention:*",
        "matching:*",
        "matching_batch:*",
        "reports:start",
    ),
    "figures": ("reports:dashboard", "reports:demand", "reports:csv", "reports:json"),
    "access_log": ("audit:*",),
    "messages": ("conversations_broker:*",),
}
# Pages of those families that show none of the row's data: passing on a signal is an empty
# form that brokers and admins may fill in, and the organisation's texts about carer
# support are the admin's (issue #15); reading signals is for brokers. The organisation's
# thank-you to its volunteers (issue #15) is the admin's too, and names no volunteer.
NOT_SHOWING = {"caregivers_broker:signal_new", "caregivers_broker:support_edit", "volunteers_broker:thanks"}


def _allowed(name: str) -> set[str]:
    """The staff roles the matrix lets open ``name`` in their own organisation."""
    rule = TABLE[name].rule
    return {MATRIX_ROLES[p] for p in PERSONS if p in MATRIX_ROLES and rule.expect(p, "own") == OK}


def test_every_row_has_pages_and_every_row_is_listed():
    assert set(PAGES) == {sight.code for sight in WHO_SEES}


@pytest.mark.parametrize("sight", WHO_SEES, ids=lambda sight: sight.code)
def test_the_roles_named_are_the_roles_the_matrix_lets_in(sight):
    names = [
        name
        for name in TABLE
        if name not in NOT_SHOWING and any(fnmatch(name, pattern) for pattern in PAGES[sight.code])
    ]
    assert len(names) >= len(PAGES[sight.code]), f"a pattern of {sight.code} matches no URL of the matrix"
    for name in names:
        assert _allowed(name) == set(sight.roles), (
            f"{name}: the matrix lets in {sorted(_allowed(name))}, the privacy page names {sorted(sight.roles)}"
        )


def test_care_files_are_for_brokers_and_casework_includes_the_admin():
    """The two rows issue #13 was about, spelled out."""
    rows = {sight.code: set(sight.roles) for sight in WHO_SEES}
    assert rows["care_file"] == {Role.BROKER}
    assert rows["casework"] == {Role.BROKER, Role.ADMIN}


@pytest.mark.django_db
def test_the_page_shows_each_row_with_its_roles(client):
    html = client.get(reverse("privacy")).content.decode()
    for sight in WHO_SEES:
        row = re.search(rf'<tr id="ziet-{sight.code}">(.*?)</tr>', html, re.S)
        assert row, sight.code
        who = re.sub(r"<[^>]+>", " ", row.group(1))
        for role in Role:
            assert (str(role.label) in who) == (role in sight.roles), (sight.code, role)
    assert "Alleen de makelaars van uw eigen vrijwilligerscentrale. Zij hebben" not in html
