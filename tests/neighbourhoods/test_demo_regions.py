"""``load_demo --region``: each seed region loads its own municipalities and villages,
organisation, demo accounts, people and history; idempotent; regions live side by side."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.roles import roles_for
from caregivers.models import HelpRequest
from demo.people import REGIONS, demo_accounts
from neighbourhoods.models import Municipality, Neighbourhood, Organisation
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def load(region, *extra):
    out = io.StringIO()
    call_command("load_demo", "--region", region, "--volunteers", "15", "--requests", "8", *extra, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("key", "municipalities", "villages"),
    [
        ("stadskanaal", {"Stadskanaal": "GM0037"}, {"Musselkanaal", "Onstwedde"}),
        (
            "brabant-noordoost-oost",
            {"Boekel": "GM0755", "Land van Cuijk": "GM1982", "Maashorst": "GM1991"},
            {"Boxmeer", "Cuijk", "Grave", "Uden", "Schaijk", "Boekel"},
        ),
    ],
)
def test_region_loads_its_own_area_people_and_history(key, municipalities, villages, settings):
    output = load(key, "--history-months", "2")
    region = REGIONS[key]
    organisation = Organisation.objects.get(slug=region.organisation_slug)
    assert dict(organisation.municipalities.values_list("name", "code")) == municipalities
    assert set(Municipality.objects.values_list("name", flat=True)) == set(municipalities)  # no Arnhem
    places = set(Neighbourhood.objects.filter(municipality__organisations=organisation).values_list("name", flat=True))
    assert villages <= places
    volunteers = Volunteer.objects.filter(organisation=organisation)
    assert volunteers.count() == 16
    # Everyone lives in one of the region's own areas, near its centre (not in Arnhem).
    for volunteer in volunteers.select_related("neighbourhood__municipality"):
        assert volunteer.neighbourhood.municipality.name in municipalities
        assert abs(volunteer.latitude - volunteer.neighbourhood.latitude) < 0.05
    # Postcodes are the region's own (Stadskanaal 95xx, Brabant 54xx/58xx), never Arnhem's fallback.
    assert not volunteers.filter(postcode__startswith="6811").exists()
    assert "Geschiedenis:" in output
    assert HelpRequest.objects.filter(organisation=organisation, external_id__startswith="DEMO-H").exists()
    for account in demo_accounts(region):
        user = authenticate(email=account.email, password=settings.DEMO_PASSWORD)
        assert user is not None, account.email
        roles = roles_for(user)
        if account.role == "admin":
            assert [o.slug for o in roles.admin_of] == [region.organisation_slug]
        if account.role == "municipality":
            assert [m.municipality.name for m in roles.municipality_of] == [region.main_municipality]
        if account.role == "partner":
            assert [p.organisation.slug for p in roles.partner_of] == [region.organisation_slug]
            partner = roles.partner_of[0]
            assert partner.vacancies.filter(status="published").count() == 3
            assert partner.vacancies.filter(responses__volunteer__user__email=f"vrijwilliger@{region.mail_domain}")


def test_region_is_idempotent():
    from partners.models import Response, Vacancy

    def counts():
        return [model.objects.count() for model in (Volunteer, HelpRequest, Neighbourhood, Vacancy, Response)]

    load("stadskanaal")
    before = counts()
    load("stadskanaal")
    assert counts() == before


def test_regions_live_side_by_side():
    load("stadskanaal", "--no-people", "--history-months", "0")
    load("arnhem", "--no-people", "--history-months", "0")
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"vc-stadskanaal", "regio-arnhem"}
    stadskanaal = Organisation.objects.get(slug="vc-stadskanaal")
    assert list(stadskanaal.municipalities.values_list("name", flat=True)) == ["Stadskanaal"]


def test_unknown_region_is_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("load_demo", "--region", "utrecht", stdout=io.StringIO(), stderr=io.StringIO())


def test_region_staff_get_the_demo_second_step(settings):
    from accounts.models import User
    from demo.people import demo_totp_secret_of

    load("stadskanaal", "--no-people", "--history-months", "0")
    coordinator = User.objects.get(email="coordinator@stadskanaal.buurtmakelaar.demo")
    assert settings.DEMO_TOTP_SECRET and demo_totp_secret_of(coordinator) == settings.DEMO_TOTP_SECRET
    volunteer = User.objects.get(email="vrijwilliger@stadskanaal.buurtmakelaar.demo")
    assert demo_totp_secret_of(volunteer) is None
