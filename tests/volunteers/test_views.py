"""Becoming a volunteer: the start form, its bad input, and the profile page."""

import pytest
from django.urls import reverse

from volunteers.models import Skill, Volunteer
from volunteers.services import skills_ensure_defaults

pytestmark = pytest.mark.django_db

START = reverse("volunteers:start")
HOME = reverse("volunteers:home")


@pytest.fixture
def skills(db):
    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.all()}


@pytest.fixture
def newcomer(personas, client):
    client.force_login(personas["nobody"])
    return personas["nobody"]


def form_data(catalogue, **overrides):
    data = {
        "first_name": "Zoë",
        "last_name": "van 't Hof-Özdemir",
        "postcode": "6881ab",
        "house_number": "12a",
        "max_distance_km": "5",
        "skills": [catalogue["shopping"].pk, catalogue["walking"].pk],
    }
    data.update(overrides)
    return data


def test_default_catalogue_has_the_design_codes(skills):
    assert set(skills) == {
        "companionship",
        "respite",
        "shopping",
        "transport",
        "odd_jobs",
        "gardening",
        "paperwork",
        "digital",
        "walking",
        "cooking",
        "language",
        "dementia",
    }
    skills_ensure_defaults()  # idempotent
    assert Skill.objects.count() == 12


def test_start_creates_profile_in_the_serving_organisation(client, newcomer, skills, region):
    response = client.post(START, form_data(skills))
    assert response.status_code == 302
    assert response["Location"] == HOME
    volunteer = Volunteer.objects.get(user=newcomer)
    assert volunteer.organisation == region["org_a"]
    assert volunteer.last_name == "van 't Hof-Özdemir"
    assert volunteer.postcode == "6881 AB"
    assert volunteer.neighbourhood.name == "Velp"
    assert 51.9 < volunteer.latitude < 52.1 and 5.8 < volunteer.longitude < 6.1
    assert {s.code for s in volunteer.skills.all()} == {"shopping", "walking"}
    page = client.get(HOME).content.decode()
    assert "Velp" in page and "Zoë" in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"postcode": "68811AB"}, "postcode", "4 cijfers en 2 letters"),
        ({"postcode": ""}, "postcode", "postcode"),
        ({"house_number": ""}, "house_number", "huisnummer"),
        ({"house_number": "0"}, "house_number", "huisnummer"),
        ({"max_distance_km": "-3"}, "max_distance_km", "minstens"),
        ({"max_distance_km": "veel"}, "max_distance_km", "getal"),
        ({"max_distance_km": "1000"}, "max_distance_km", "hoogstens"),
        ({"skills": []}, "skills", "minstens één"),
        ({"skills": ["999999"]}, "skills", "999999"),
        ({"first_name": ""}, "first_name", "verplicht"),
        ({"first_name": "x" * 101}, "first_name", "niet meer dan"),
    ],
)
def test_start_bad_input(client, newcomer, skills, overrides, field, message):
    response = client.post(START, form_data(skills, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message.lower() in errors.lower()
    assert not Volunteer.objects.filter(user=newcomer).exists()
    assert "van &#x27;t Hof-Özdemir" in response.content.decode()  # typed input is kept


def test_start_outside_any_organisation_area(client, newcomer, skills):
    # 1012 = Amsterdam: no organisation in the test data serves it.
    response = client.post(START, form_data(skills, postcode="1012 AB"))
    assert response.status_code == 200
    assert "nog geen vrijwilligerscentrale" in " ".join(response.context["form"].errors["postcode"])
    assert not Volunteer.objects.filter(user=newcomer).exists()


def test_second_registration_goes_to_profile(client, personas, skills):
    client.force_login(personas["volunteer"])
    assert client.get(START)["Location"] == HOME
    assert client.post(START, form_data(skills))["Location"] == HOME
    assert Volunteer.objects.filter(user=personas["volunteer"]).count() == 1


def test_home_without_profile_goes_to_start(client, newcomer):
    assert client.get(HOME)["Location"] == START


def test_anonymous_must_log_in(client):
    assert client.get(START)["Location"].startswith(reverse("account_login"))
