"""Roles come from profiles and memberships; one person may hold several."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import roles_for
from demo.factories import HelpRequestFactory, StaffMembershipFactory, VolunteerFactory
from tests.login import log_in

pytestmark = pytest.mark.django_db


def test_anonymous_has_no_roles():
    roles = roles_for(AnonymousUser())
    assert not roles.has_any
    assert not roles.is_staff_member


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("volunteer", {"is_volunteer"}),
        ("mantelzorger", {"is_mantelzorger", "is_help_seeker"}),
        ("broker_a", {"broker_of"}),
        ("admin_a", {"admin_of"}),
        ("municipality", {"municipality_of"}),
        ("nobody", set()),
    ],
)
def test_roles_per_persona(personas, persona, expected):
    roles = roles_for(personas[persona])
    held = {
        name
        for name in ("is_volunteer", "is_mantelzorger", "is_help_seeker", "broker_of", "admin_of", "municipality_of")
        if getattr(roles, name)
    }
    assert held == expected


def test_one_person_holds_several_roles(personas, region):
    """Reciprocity: a volunteer who also asks for help, and is a broker too."""
    vera = personas["volunteer"]
    HelpRequestFactory(requester=vera, organisation=region["org_a"])
    StaffMembershipFactory(user=vera, organisation=region["org_a"], role="broker")
    roles = roles_for(vera)
    assert roles.is_volunteer and roles.is_help_seeker
    assert [o.slug for o in roles.broker_of] == ["org-a"]


def test_volunteer_profile_of_other_user_does_not_count(personas, region):
    VolunteerFactory(organisation=region["org_b"])  # no user
    assert not roles_for(personas["nobody"]).is_volunteer


def test_request_entered_by_broker_for_a_mantelzorger_counts_as_help_seeker(personas, region):
    from demo.factories import MantelzorgerFactory, UserFactory

    carer = UserFactory(email="carer@example.nl")
    profile = MantelzorgerFactory(user=carer, organisation=region["org_a"])
    assert not roles_for(carer).is_help_seeker
    HelpRequestFactory(requester=None, mantelzorger=profile, organisation=region["org_a"], kind="respite")
    assert roles_for(carer).is_help_seeker


@pytest.mark.parametrize(
    "persona, present, absent",
    [
        ("volunteer", ["/vrijwilliger/"], ["/hulp/mantelzorger/", "/organisatie/org-a/"]),
        ("mantelzorger", ["/hulp/mantelzorger/", "/hulp/"], ["/vrijwilliger/", "/organisatie/org-a/"]),
        ("broker_a", ["/organisatie/org-a/"], ["/organisatie/org-a/team/", "/hulp/mantelzorger/"]),
        ("admin_a", ["/organisatie/org-a/", "/organisatie/org-a/team/"], ["/organisatie/org-b/"]),
        ("municipality", ["/organisatie/org-a/gemeente/"], ['href="/organisatie/org-a/"']),
    ],
)
def test_navigation_follows_roles(client, personas, persona, present, absent):
    log_in(client, personas[persona])
    nav = client.get("/").content.decode().split("<main", 1)[0]
    for href in present:
        assert f'href="{href}"' in nav, href
    for href in absent:
        needle = href if href.startswith("href=") else f'href="{href}"'
        assert needle not in nav, href
