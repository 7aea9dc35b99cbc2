"""Roles come from profiles and memberships; one person may hold several."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import roles_for
from common.factories import HelpRequestFactory, StaffMembershipFactory, VolunteerFactory

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
