"""The first admin's guided set-up in the app (after ``manage.py organisation_setup``):
the checklist, each step's form with good and bad input, the history, finishing, and
who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from neighbourhoods.models import Neighbourhood, Organisation, OrganisationChange, StaffMembership
from neighbourhoods.orgsettings import organisation_setup_finish
from neighbourhoods.services import organisation_setup
from tests.login import log_in

pytestmark = pytest.mark.django_db

SLUG = "welzijn-boekel"
ADMIN = "beheer@welzijn-boekel.example"


@pytest.fixture(autouse=True)
def _senders(settings):
    settings.MAIL_SENDER_DOMAINS = ["welzijn-boekel.example"]


@pytest.fixture
def org() -> Organisation:
    return organisation_setup(
        name="Welzijn Boekel", slug=SLUG, municipality_names=["Boekel"], admin_email=ADMIN
    ).organisation


@pytest.fixture
def admin(client, org):
    user = StaffMembership.objects.get(organisation=org, role="admin").user
    log_in(client, user)
    return user


def url(name: str, slug: str = SLUG) -> str:
    return reverse(f"neighbourhoods:{name}", kwargs={"slug": slug})


def details(**changes) -> dict:
    data = {"name": "Welzijn Boekel", "email": "", "phone": "", "website": "", "sender_name": "", "sender_email": ""}
    data.update(changes)
    return data


# --- Who is led to the set-up -------------------------------------------------------------


def test_organisation_setup_marks_a_new_organisation_and_running_again_keeps_it_finished(org):
    assert org.setup_pending
    org.email = "info@welzijn-boekel.example"
    org.save()
    admin = StaffMembership.objects.get(organisation=org, role="admin").user
    organisation_setup_finish(organisation=org, by=admin)
    again = organisation_setup(name="Welzijn Boekel", slug=SLUG, municipality_names=["Boekel"], admin_email=ADMIN)
    assert not again.organisation.setup_pending


def test_the_first_admin_is_led_from_the_start_page_to_the_checklist(client, admin, org):
    response = client.get(reverse("reports:start", kwargs={"slug": SLUG}))
    assert response.status_code == 302
    assert response.url == url("setup")
    page = client.get(url("setup")).content.decode()
    assert "Naam en contactgegevens" in page and "Werkgebied" in page and "Makelaars en gemeente uitnodigen" in page
    home = client.get("/").content.decode()
    assert url("setup") in home


def test_a_broker_of_an_organisation_in_set_up_sees_the_start_page(client, org):
    from demo.factories import StaffMembershipFactory, UserFactory

    broker = UserFactory(email="makelaar@welzijn-boekel.example")
    StaffMembershipFactory(user=broker, organisation=org, role="broker")
    log_in(client, broker)
    assert client.get(reverse("reports:start", kwargs={"slug": SLUG})).status_code == 200


def test_organisations_made_otherwise_never_ask_for_it(client, region, personas):
    log_in(client, personas["admin_a"])
    assert not region["org_a"].setup_pending
    assert client.get(reverse("reports:start", kwargs={"slug": "org-a"})).status_code == 200


# --- Step 1: name and contact --------------------------------------------------------------


def test_details_are_saved_recorded_and_the_step_is_done(client, admin, org):
    response = client.post(
        url("setup_details"),
        details(email="Info@Welzijn-Boekel.example", phone="0492 123 456", sender_email="post@welzijn-boekel.example"),
    )
    assert response.status_code == 302 and response.url == url("setup")
    org.refresh_from_db()
    assert (org.email, org.phone, org.sender_email) == (
        "info@welzijn-boekel.example",
        "0492 123 456",
        "post@welzijn-boekel.example",
    )
    recorded = set(
        OrganisationChange.objects.filter(organisation=org, changed_by=admin).values_list("field", flat=True)
    )
    assert recorded == {"email", "phone", "sender_email"}
    page = client.get(url("setup")).content.decode()
    assert page.count("klaar</span>") == 2  # contact and the working area from the command


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (details(name=""), "name", "Vul de naam van de organisatie in."),
        (details(email="geen-adres"), "email", "geldig e-mailadres"),
        (details(phone="bel maar"), "phone", "telefoonnummer"),
        (details(sender_email="post@elders.example"), "sender_email", "Vanaf dit adres kunnen wij geen mail sturen"),
        (details(sender_name="Boekel <x@y>"), "sender_name", "geen tekens"),
        (details(website="javascript:alert(1)"), "website", "https://"),
    ],
)
def test_bad_details_give_a_form_error_and_save_nothing(client, admin, org, data, field, message):
    response = client.post(url("setup_details"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert not OrganisationChange.objects.filter(organisation=org).exists()


# --- Step 2: the working area ---------------------------------------------------------------


def test_adding_a_municipality_loads_its_villages_once(client, admin, org):
    response = client.post(url("setup_area"), {"municipality": "Land van Cuijk"})
    assert response.status_code == 302 and response.url == url("setup_area")
    municipality = org.municipalities.get(name="Land van Cuijk")
    assert municipality.code == "GM1982"
    kernen = set(municipality.neighbourhoods.filter(kind=Neighbourhood.Kind.KERN).values_list("name", flat=True))
    assert {"Boxmeer", "Cuijk", "Grave"} <= kernen
    assert OrganisationChange.objects.filter(
        organisation=org, changed_by=admin, field="municipality", new_value="Land van Cuijk"
    ).exists()
    count = Neighbourhood.objects.count()
    again = client.post(url("setup_area"), {"municipality": "land van cuijk"})
    assert again.status_code == 400
    assert "hoort al bij uw werkgebied" in str(again.context["area_form"].errors)
    assert Neighbourhood.objects.count() == count
    assert org.municipalities.filter(name="Land van Cuijk").count() == 1
    page = client.get(url("setup_area")).content.decode()
    assert "Land van Cuijk (GM1982)" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Boxmeer", "Boxmeer is sinds 2022 onderdeel van Land van Cuijk"),
        ("Stadskanaaal", "Gemeente Stadskanaaal kennen we niet. Bedoelt u: Stadskanaal"),
        ("Xyzzyplaats", "Gemeente Xyzzyplaats kennen we niet."),
        ("", "Vul de naam van een gemeente in."),
        ("   ", "Vul de naam van een gemeente in."),
        ("x" * 101, "niet meer dan 100 tekens"),
    ],
)
def test_bad_municipality_names_say_why(client, admin, org, name, message):
    before = set(org.municipalities.values_list("pk", flat=True))
    response = client.post(url("setup_area"), {"municipality": name})
    assert response.status_code == 400
    assert message in str(response.context["area_form"].errors)
    assert set(org.municipalities.values_list("pk", flat=True)) == before
    assert not OrganisationChange.objects.filter(organisation=org).exists()


def test_a_municipality_another_organisation_works_in_is_refused(client, admin, org):
    organisation_setup(
        name="Vrijwilligerscentrale Meierijstad", slug="vc-meierijstad", municipality_names=["Meierijstad"],
        admin_email="beheer@vc-meierijstad.example",
    )  # fmt: skip
    response = client.post(url("setup_area"), {"municipality": "Meierijstad"})
    assert response.status_code == 400
    assert "andere organisatie" in str(response.context["area_form"].errors)
    assert not org.municipalities.filter(name="Meierijstad").exists()


# --- Step 3: the team -------------------------------------------------------------------------


def test_inviting_a_broker_and_a_municipality_viewer(client, admin, org):
    boekel = org.municipalities.get(name="Boekel")
    assert client.post(url("setup_team"), {"email": "Makelaar@Welzijn-Boekel.example", "role": "broker"}).url == url(
        "setup_team"
    )
    response = client.post(
        url("setup_team"), {"email": "cijfers@boekel.example", "role": "municipality", "municipality": boekel.pk}
    )
    assert response.status_code == 302
    roles = dict(StaffMembership.objects.filter(organisation=org).values_list("user__email", "role"))
    assert roles["makelaar@welzijn-boekel.example"] == "broker"
    assert roles["cijfers@boekel.example"] == "municipality"
    assert OrganisationChange.objects.filter(organisation=org, field="staff").count() == 2
    page = client.get(url("setup")).content.decode()
    assert page.count("klaar</span>") == 2  # the working area and the team (no contact yet)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "role": "broker"}, "email", "Vul een e-mailadres in."),
        ({"email": "geen-adres", "role": "broker"}, "email", "geldig e-mailadres"),
        ({"email": "x@example.nl", "role": "superuser"}, "role", "Kies een rol uit de lijst."),
        ({"email": "x@example.nl", "role": "municipality"}, "municipality", "Kies de gemeente"),
        ({"email": ADMIN, "role": "admin"}, "email", "heeft deze rol al"),
        ({"email": "x@example.nl", "role": "municipality", "municipality": "999999"}, "municipality", "werkgebied"),
    ],
)
def test_bad_invitations_give_a_form_error(client, admin, org, data, field, message):
    count = StaffMembership.objects.count()
    response = client.post(url("setup_team"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["invite_form"].errors.get(field, []))
    assert StaffMembership.objects.count() == count


# --- Done -------------------------------------------------------------------------------------


def test_finishing_needs_the_required_steps(client, admin, org):
    response = client.post(url("setup_finish"))
    assert response.status_code == 400
    assert "naam en contactgegevens" in response.content.decode()
    org.refresh_from_db()
    assert org.setup_pending


def test_finishing_goes_to_the_start_page_once(client, admin, org):
    client.post(url("setup_details"), details(email="info@welzijn-boekel.example"))
    response = client.post(url("setup_finish"))
    assert response.status_code == 302
    assert response.url == reverse("reports:start", kwargs={"slug": SLUG})
    org.refresh_from_db()
    assert not org.setup_pending
    assert client.get(response.url).status_code == 200
    assert client.post(url("setup_finish")).status_code == 302
    assert OrganisationChange.objects.filter(organisation=org, field="setup").count() == 1
    settings_page = client.get(url("settings")).content.decode()
    assert "Eerste inrichting afgerond" in settings_page
    # The checklist stays, pointing to the settings page for later changes.
    assert "al afgerond" in client.get(url("setup")).content.decode()


# --- Who may open it --------------------------------------------------------------------------

SETUP_PAGES = ("setup", "setup_details", "setup_area", "setup_team", "setup_finish")


@pytest.mark.parametrize("role", ["broker", "municipality", "privacy_officer"])
@pytest.mark.parametrize("name", SETUP_PAGES)
def test_other_roles_get_404_and_change_nothing(client, org, role, name):
    from demo.factories import StaffMembershipFactory, UserFactory

    user = UserFactory(email=f"{role}@welzijn-boekel.example")
    StaffMembershipFactory(
        user=user,
        organisation=org,
        role=role,
        municipality=org.municipalities.first() if role == "municipality" else None,
    )
    log_in(client, user)
    if name != "setup_finish":
        assert client.get(url(name)).status_code == 404
    data = {"municipality": "Land van Cuijk", "email": "x@example.nl", "role": "broker", "name": "Overgenomen"}
    assert client.post(url(name), data).status_code == (405 if name == "setup" else 404)
    org.refresh_from_db()
    assert org.setup_pending and org.name == "Welzijn Boekel"
    assert not OrganisationChange.objects.exists()


@pytest.mark.parametrize("name", SETUP_PAGES)
def test_an_admin_of_another_organisation_gets_404(client, org, region, personas, name):
    log_in(client, personas["admin_a"])
    send = client.get if name == "setup" else client.post
    assert send(url(name), {"municipality": "Land van Cuijk"}).status_code == 404
    assert not org.municipalities.filter(name="Land van Cuijk").exists()


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url("setup"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
