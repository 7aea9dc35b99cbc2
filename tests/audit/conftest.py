import pytest


@pytest.fixture
def org_a(region):
    return region["org_a"]


@pytest.fixture
def officer(personas, org_a):
    from demo.factories import StaffMembershipFactory, UserFactory
    from neighbourhoods.models import StaffMembership

    user = UserFactory(email="pia@example.nl", first_name="Pia")
    StaffMembershipFactory(user=user, organisation=org_a, role=StaffMembership.Role.PRIVACY_OFFICER)
    return user


@pytest.fixture
def carer_request(personas):
    """Mark's respite request (the personas' mantelzorger), ready to match."""
    from caregivers.models import HelpRequest

    item = HelpRequest.objects.get(requester=personas["mantelzorger"])
    HelpRequest.objects.filter(pk=item.pk).update(status=HelpRequest.Status.READY)
    item.refresh_from_db()
    return item


@pytest.fixture
def proposal(personas, carer_request):
    from matches.models import Match
    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    return Match.objects.create(
        organisation_id=carer_request.organisation_id,
        request=carer_request,
        volunteer=volunteer,
        status=Match.Status.PROPOSED,
    )
