"""Becoming a volunteer (the sign-up wizard) and the volunteer's own pages:
profile, edit, availability, pause and resume, deleting one's data."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from demo.factories import HelpRequestFactory, MantelzorgerFactory, UserFactory, VolunteerFactory
from matches.models import Match
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults
from tests.login import log_in
from volunteers.models import AvailabilitySlot, VogCheck, Volunteer

pytestmark = pytest.mark.django_db

START = reverse("volunteers:start")
SKILLS_STEP = reverse("volunteers:start_step", args=["wat"])
TIMES_STEP = reverse("volunteers:start_step", args=["wanneer"])
PREFS_STEP = reverse("volunteers:start_step", args=["voorkeuren"])
HOME = reverse("volunteers:home")
EDIT = reverse("volunteers:edit")
AVAILABILITY = reverse("volunteers:availability")
PAUSE = reverse("volunteers:pause")
RESUME = reverse("volunteers:resume")
DELETE = reverse("volunteers:delete")


@pytest.fixture
def skills(db):
    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation__isnull=True)}


@pytest.fixture
def newcomer(personas, client):
    log_in(client, personas["nobody"])
    return personas["nobody"]


def address_data(**overrides):
    data = {
        "first_name": "Zoë",
        "last_name": "van 't Hof-Özdemir",
        "phone": "06 12345678",
        "postcode": "6881ab",
        "house_number": "12a",
        "max_distance_km": "5",
    }
    data.update(overrides)
    return data


def skills_data(catalogue, *codes):
    return {"skills": [catalogue[code].pk for code in codes or ("shopping", "walking")]}


def times_data(**overrides):
    data = {"grid": ["tue-afternoon", "sat-morning"], "exact": "do 19:00-21:00"}
    data.update(overrides)
    return data


def prefs_data(**overrides):
    data = {
        "max_active_matches": "2",
        "languages": ["nl", "en"],
        "other_languages": "so",
        "help_kinds": ["recurring"],
        "target_groups": ["elderly", "dementia"],
    }
    data.update(overrides)
    return data


def walk_to(client, catalogue, step):
    """Fill in the steps before ``step`` (1-based) with good data."""
    posts = [
        (START, address_data()),
        (SKILLS_STEP, skills_data(catalogue)),
        (TIMES_STEP, times_data()),
    ]
    for url, data in posts[: step - 1]:
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors


# --- The wizard ---------------------------------------------------------------------


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


def test_wizard_creates_the_whole_profile_only_at_the_end(client, newcomer, skills, region):
    response = client.post(START, address_data())
    assert response["Location"] == SKILLS_STEP
    assert not Volunteer.objects.filter(user=newcomer).exists()

    page = client.get(SKILLS_STEP)
    text = page.content.decode()
    assert "U woont in Velp, gemeente Rheden." in text
    assert "Centrale A" in text
    assert 'aria-current="step"' in text

    assert client.post(SKILLS_STEP, skills_data(skills))["Location"] == TIMES_STEP
    assert client.post(TIMES_STEP, times_data())["Location"] == PREFS_STEP
    assert not Volunteer.objects.filter(user=newcomer).exists()  # nothing half-saved for brokers to see

    response = client.post(PREFS_STEP, prefs_data())
    assert response["Location"] == HOME
    volunteer = Volunteer.objects.get(user=newcomer)
    assert volunteer.organisation == region["org_a"]
    assert (volunteer.first_name, volunteer.last_name) == ("Zoë", "van 't Hof-Özdemir")
    assert volunteer.phone == "06 12345678"
    assert volunteer.email == newcomer.email
    assert volunteer.postcode == "6881 AB" and volunteer.house_number == "12a"
    assert volunteer.neighbourhood.name == "Velp"
    assert 51.9 < volunteer.latitude < 52.1 and 5.8 < volunteer.longitude < 6.1
    assert {s.code for s in volunteer.skills.all()} == {"shopping", "walking"}
    assert [s.as_slot().label() for s in volunteer.availability.all()] == [
        "di 13:00-17:30",
        "do 19:00-21:00",
        "za 09:00-12:30",
    ]
    assert volunteer.max_active_matches == 2
    assert volunteer.language_codes() == ["nl", "en", "so"]
    assert (volunteer.wants_one_off, volunteer.wants_recurring) == (False, True)
    assert volunteer.target_groups == ["elderly", "dementia"]
    assert "volunteer_signup" not in client.session

    home = client.get(HOME).content.decode()
    assert "U staat nu ingeschreven als vrijwilliger" in home
    assert "di 13:00-17:30" in home and "Velp" in home and "Zoë" in home


def test_wizard_steps_cannot_be_skipped(client, newcomer, skills):
    assert client.get(PREFS_STEP)["Location"] == START
    client.post(START, address_data())
    assert client.get(PREFS_STEP)["Location"] == SKILLS_STEP
    assert client.get(reverse("volunteers:start_step", args=["bestaat-niet"])).status_code == 404


def test_wizard_back_keeps_earlier_answers(client, newcomer, skills):
    walk_to(client, skills, 3)
    response = client.post(TIMES_STEP, {**times_data(), "back": "1"})
    assert response["Location"] == SKILLS_STEP
    page = client.get(SKILLS_STEP)
    assert sorted(page.context["form"]["skills"].value()) == sorted(str(skills[c].pk) for c in ("shopping", "walking"))
    # The step we went back from kept its ticks too.
    assert client.get(TIMES_STEP).context["form"]["grid"].value() == ["tue-afternoon", "sat-morning"]
    page = client.get(START)
    assert page.context["form"]["first_name"].value() == "Zoë"


def test_wizard_back_from_a_page_with_errors_is_allowed(client, newcomer, skills):
    walk_to(client, skills, 3)
    response = client.post(TIMES_STEP, {"grid": [], "exact": "ma 22:00-02:00", "back": "1"})
    assert response["Location"] == SKILLS_STEP


def test_wizard_offers_the_organisations_own_skills(client, newcomer, skills, region):
    own = Skill.objects.create(organisation=region["org_a"], code="repair_cafe", label="Repair Café")
    other = Skill.objects.create(organisation=region["org_b"], code="bike", label="Fietsmaatje")
    walk_to(client, skills, 2)
    choices = dict(client.get(SKILLS_STEP).context["form"].fields["skills"].choices)
    assert choices[own.pk] == "Repair Café"
    assert other.pk not in choices
    labels = list(choices.values())
    assert labels == sorted(labels, key=str.casefold)
    response = client.post(SKILLS_STEP, {"skills": [other.pk]})
    assert response.status_code == 200
    assert str(other.pk) in " ".join(response.context["form"].errors["skills"])


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"postcode": "68811AB"}, "postcode", "4 cijfers en 2 letters"),
        ({"postcode": "1000 AA"}, "postcode", "kennen we niet"),
        ({"postcode": ""}, "postcode", "postcode"),
        ({"house_number": ""}, "house_number", "huisnummer"),
        ({"house_number": "0"}, "house_number", "huisnummer"),
        ({"max_distance_km": "-3"}, "max_distance_km", "minstens"),
        ({"max_distance_km": "veel"}, "max_distance_km", "getal"),
        ({"max_distance_km": "1000"}, "max_distance_km", "hoogstens"),
        ({"first_name": ""}, "first_name", "verplicht"),
        ({"first_name": "x" * 101}, "first_name", "niet meer dan"),
        ({"phone": "bel me maar"}, "phone", "telefoonnummer"),
    ],
)
def test_address_step_bad_input(client, newcomer, skills, overrides, field, message):
    response = client.post(START, address_data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message.lower() in errors.lower()
    assert "volunteer_signup" not in client.session or "over-u" not in client.session["volunteer_signup"]["data"]
    assert "van &#x27;t Hof-Özdemir" in response.content.decode()  # typed input is kept


def test_address_outside_any_organisation_area(client, newcomer, skills):
    # 1012 = Amsterdam: no organisation in the test data serves it.
    response = client.post(START, address_data(postcode="1012 AB"))
    assert response.status_code == 200
    assert "nog geen vrijwilligerscentrale" in " ".join(response.context["form"].errors["postcode"])
    assert client.get(SKILLS_STEP)["Location"] == START


@pytest.mark.parametrize(
    "data, message",
    [
        ({"skills": []}, "minstens één"),
        ({"skills": ["999999"]}, "999999"),
        ({"skills": ["abc"]}, "abc"),
    ],
)
def test_skills_step_bad_input(client, newcomer, skills, data, message):
    walk_to(client, skills, 2)
    response = client.post(SKILLS_STEP, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["skills"])


@pytest.mark.parametrize(
    "data, message",
    [
        ({"grid": [], "exact": ""}, "minstens één dagdeel"),
        ({"grid": [], "exact": "ma 17:00-13:00"}, "eindtijd moet na de begintijd"),
        ({"grid": [], "exact": "ma 22:00-02:00"}, "middernacht"),
        ({"grid": [], "exact": "ma 09:00-12:00; ma 11:00-13:00"}, "overlappen"),
        ({"grid": ["mon-morning"], "exact": "ma 10:00-11:00"}, "overlappen"),
        ({"grid": [], "exact": "xx 10:00-11:00"}, "'xx"),
        ({"grid": [], "exact": "ma 25:00-26:00"}, "geen geldige tijd"),
        ({"grid": ["mon-night"], "exact": ""}, "mon-night"),
    ],
)
def test_times_step_bad_input(client, newcomer, skills, data, message):
    walk_to(client, skills, 3)
    response = client.post(TIMES_STEP, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(str(e) for errors in form.errors.values() for e in errors)
    if data["exact"]:
        assert data["exact"].replace("'", "&#x27;") in response.content.decode()  # kept


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"max_active_matches": "9"}, "max_active_matches", "1 tot 5"),
        ({"max_active_matches": ""}, "max_active_matches", "aantal"),
        ({"languages": [], "other_languages": ""}, "languages", "minstens één taal"),
        ({"other_languages": "som"}, "other_languages", "2 letters"),
        ({"other_languages": "s1"}, "other_languages", "2 letters"),
        ({"languages": ["xx"]}, "languages", "xx"),
        ({"help_kinds": []}, "help_kinds", "eenmalige hulp, vaste hulp of allebei"),
        ({"target_groups": ["aliens"]}, "target_groups", "aliens"),
    ],
)
def test_preferences_step_bad_input(client, newcomer, skills, overrides, field, message):
    walk_to(client, skills, 4)
    response = client.post(PREFS_STEP, prefs_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Volunteer.objects.filter(user=newcomer).exists()


def test_other_languages_only_is_enough(client, newcomer, skills):
    walk_to(client, skills, 4)
    response = client.post(PREFS_STEP, prefs_data(languages=[], other_languages="TI, so"))
    assert response["Location"] == HOME
    assert Volunteer.objects.get(user=newcomer).language_codes() == ["ti", "so"]


def test_second_registration_goes_to_profile(client, personas, skills):
    log_in(client, personas["volunteer"])
    assert client.get(START)["Location"] == HOME
    assert client.post(START, address_data())["Location"] == HOME
    assert client.get(PREFS_STEP)["Location"] == HOME
    assert Volunteer.objects.filter(user=personas["volunteer"]).count() == 1


def test_skill_removed_during_the_wizard_sends_back_to_that_step(client, newcomer, skills, region):
    own = Skill.objects.create(organisation=region["org_a"], code="repair_cafe", label="Repair Café")
    walk_to(client, skills, 2)
    client.post(SKILLS_STEP, {"skills": [own.pk]})
    client.post(TIMES_STEP, times_data())
    own.delete()
    response = client.post(PREFS_STEP, prefs_data())
    assert response["Location"] == SKILLS_STEP
    assert not Volunteer.objects.filter(user=newcomer).exists()


def test_home_without_profile_goes_to_start(client, newcomer):
    assert client.get(HOME)["Location"] == START


@pytest.mark.parametrize("url", [START, SKILLS_STEP, HOME, EDIT, AVAILABILITY, PAUSE, DELETE])
def test_anonymous_must_log_in(client, url):
    assert client.get(url)["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [EDIT, AVAILABILITY, PAUSE, DELETE])
def test_pages_without_profile_go_to_start(client, newcomer, url):
    assert client.get(url)["Location"] == START


# --- Profile and edit pages -------------------------------------------------------------


@pytest.fixture
def vera(personas, client, skills, region):
    """The volunteer persona, logged in, with skills and a slot."""
    log_in(client, personas["volunteer"])
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer.skills.set([skills["walking"]])
    AvailabilitySlot.objects.create(
        volunteer=volunteer, weekday=1, start=datetime.time(13, 0), end=datetime.time(17, 30)
    )
    AvailabilitySlot.objects.create(
        volunteer=volunteer, weekday=3, start=datetime.time(10, 0), end=datetime.time(11, 0)
    )
    return volunteer


def test_home_shows_the_own_profile_only(client, vera, region):
    other = VolunteerFactory(organisation=region["org_a"], first_name="Geheime", last_name="Buurvrouw")
    page = client.get(HOME).content.decode()
    assert vera.first_name in page
    assert "di 13:00-17:30" in page and "do 10:00-11:00" in page
    assert "wandelen" in page
    assert other.last_name not in page


@pytest.mark.parametrize(
    "valid_until, expected",
    [
        (None, "nog geen VOG"),
        (datetime.date(2027, 1, 1), "tot en met 1 januari 2027"),
        (datetime.date(2026, 4, 1), "verloopt binnenkort"),
        (datetime.date(2026, 2, 1), "verlopen"),
    ],
)
@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False)
def test_home_shows_the_vog_state(client, vera, valid_until, expected):
    vera.vog_valid_until = valid_until
    vera.save()
    assert expected in client.get(HOME).content.decode()


def edit_data(volunteer, catalogue, **overrides):
    data = {
        "first_name": volunteer.first_name,
        "last_name": "Nieuw-Achternaam",
        "phone": "026 1234567",
        "postcode": "6811 AB",
        "house_number": "7",
        "max_distance_km": "3.5",
        "skills": [catalogue["cooking"].pk, catalogue["digital"].pk],
        "max_active_matches": "3",
        "languages": ["nl", "tr"],
        "other_languages": "",
        "help_kinds": ["one_off", "recurring"],
        "target_groups": ["newcomers"],
    }
    data.update(overrides)
    return data


def test_edit_page_shows_current_values(client, vera, skills):
    response = client.get(EDIT)
    assert response.status_code == 200
    assert response.context["details_form"]["first_name"].value() == vera.first_name
    assert response.context["skills_form"]["skills"].value() == [skills["walking"].pk]


def test_edit_saves_details_skills_and_preferences(client, vera, skills):
    response = client.post(EDIT, edit_data(vera, skills))
    assert response["Location"] == HOME
    vera.refresh_from_db()
    assert vera.last_name == "Nieuw-Achternaam"
    assert vera.postcode == "6811 AB" and vera.place == "Arnhem"
    assert vera.neighbourhood.name == "Centrum"
    assert vera.max_distance_km == 3.5
    assert {s.code for s in vera.skills.all()} == {"cooking", "digital"}
    assert vera.max_active_matches == 3
    assert vera.language_codes() == ["nl", "tr"]
    assert vera.target_groups == ["newcomers"]


@pytest.mark.parametrize(
    "overrides, form_name, field, message",
    [
        ({"max_distance_km": "-1"}, "details_form", "max_distance_km", "minstens"),
        ({"postcode": "6716 AB"}, "details_form", "postcode", "buiten het werkgebied"),  # Ede: org B
        ({"skills": ["424242"]}, "skills_form", "skills", "424242"),
        # Beyond a 64-bit id: a form error, not an OverflowError (issue #13).
        ({"skills": ["99999999999999999999"]}, "skills_form", "skills", "9999999999"),
        ({"skills": ["-99999999999999999999"]}, "skills_form", "skills", "9999999999"),
        ({"help_kinds": []}, "preferences_form", "help_kinds", "allebei"),
    ],
)
def test_edit_bad_input_saves_nothing(client, vera, skills, overrides, form_name, field, message):
    before = (vera.last_name, vera.max_distance_km, vera.postcode)
    response = client.post(EDIT, edit_data(vera, skills, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context[form_name].errors[field])
    assert "Nieuw-Achternaam" in response.content.decode()  # kept
    vera.refresh_from_db()
    assert (vera.last_name, vera.max_distance_km, vera.postcode) == before
    assert {s.code for s in vera.skills.all()} == {"walking"}


def test_availability_page_shows_grid_and_exact_times(client, vera):
    form = client.get(AVAILABILITY).context["form"]
    assert form["grid"].value() == ["tue-afternoon"]
    assert form["exact"].value() == "do 10:00-11:00"


def test_availability_grid_is_accessible_html(client, vera):
    page = client.get(AVAILABILITY).content.decode()
    assert '<th scope="col">ochtend' in page
    assert '<th scope="row">dinsdag</th>' in page
    assert 'id="id_grid_4" checked' in page  # dinsdag middag
    assert "dinsdag middag, 13:00 tot 17:30" in page  # the label a screen reader reads


def test_availability_is_replaced(client, vera):
    response = client.post(AVAILABILITY, {"grid": ["mon-evening"], "exact": "za 10.00 tot 12.00"})
    assert response["Location"] == HOME
    assert [s.as_slot().label() for s in vera.availability.all()] == ["ma 18:30-21:30", "za 10:00-12:00"]


@pytest.mark.parametrize(
    "exact, message",
    [
        ("di 17:00-13:00", "eindtijd moet na de begintijd"),
        ("di 10:00-12:00; di 11:00-14:00", "overlappen"),
        ("vr 22:00-02:00", "middernacht"),
    ],
)
def test_availability_bad_input_keeps_the_old_times(client, vera, exact, message):
    response = client.post(AVAILABILITY, {"grid": ["mon-evening"], "exact": exact})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["exact"])
    assert [s.as_slot().label() for s in vera.availability.all()] == ["di 13:00-17:30", "do 10:00-11:00"]


@time_machine.travel(datetime.datetime(2026, 7, 1, 12, 0), tick=False)
def test_pause_and_resume(client, vera):
    response = client.post(PAUSE, {"paused_until": "2026-07-21"})
    assert response["Location"] == HOME
    vera.refresh_from_db()
    assert vera.paused_until == datetime.date(2026, 7, 21)
    page = client.get(HOME).content.decode()
    assert "Tot en met 21 juli 2026 krijgt u geen nieuwe vragen" in page
    assert client.get(RESUME).status_code == 405
    assert client.post(RESUME)["Location"] == HOME
    vera.refresh_from_db()
    assert vera.paused_until is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-06-30", "al voorbij"),
        ("2027-07-02", "een jaar"),
        ("", "Vul een datum in"),
        ("31-02-2026", "Vul een datum in"),
    ],
)
@time_machine.travel(datetime.datetime(2026, 7, 1, 12, 0), tick=False)
def test_pause_bad_input(client, vera, value, message):
    response = client.post(PAUSE, {"paused_until": value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["paused_until"])
    vera.refresh_from_db()
    assert vera.paused_until is None


@time_machine.travel(datetime.datetime(2026, 7, 1, 12, 0), tick=False)
def test_pause_today_and_dutch_date_are_fine(client, vera):
    assert client.post(PAUSE, {"paused_until": "01-07-2026"})["Location"] == HOME
    vera.refresh_from_db()
    assert vera.paused_until == datetime.date(2026, 7, 1)


# --- Deleting one's data ------------------------------------------------------------------


def test_delete_needs_the_checkbox(client, vera):
    response = client.post(DELETE, {})
    assert response.status_code == 200
    assert "vinkje" in " ".join(response.context["form"].errors["confirm"])
    assert Volunteer.objects.filter(pk=vera.pk).exists()


def test_delete_without_matches_removes_profile_and_account(client, vera, personas):
    from allauth.account.models import EmailAddress

    user = personas["volunteer"]
    VogCheck.objects.create(volunteer=vera, status="valid", issued_on=datetime.date(2025, 1, 1))
    response = client.post(DELETE, {"confirm": "on"})
    assert response["Location"] == reverse("home")
    assert not Volunteer.objects.filter(pk=vera.pk).exists()
    assert not AvailabilitySlot.objects.filter(volunteer_id=vera.pk).exists()
    assert not VogCheck.objects.filter(volunteer_id=vera.pk).exists()
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    follow = client.get(reverse("home"))
    assert not follow.wsgi_request.user.is_authenticated
    assert "Uw account en uw gegevens zijn verwijderd" in follow.content.decode()


def test_delete_with_a_match_keeps_an_anonymous_row(client, vera, personas, region):
    request = HelpRequestFactory(organisation=region["org_a"])
    Match.objects.create(organisation=region["org_a"], request=request, volunteer=vera, status="ended")
    vera.external_id = "V-17"
    vera.save()
    client.post(DELETE, {"confirm": "on"})
    row = Volunteer.objects.get(pk=vera.pk)
    assert row.first_name == "Oud-vrijwilliger"
    assert (row.last_name, row.email, row.phone, row.postcode, row.house_number, row.place) == ("",) * 6
    assert row.latitude is None and row.longitude is None
    assert row.user is None and row.is_active is False
    assert row.neighbourhood == region["areas"]["Velp"]  # for reports
    assert row.external_id == "V-17"
    assert not row.skills.exists() and not row.availability.exists()
    assert Match.objects.filter(volunteer=row).count() == 1
    assert not type(personas["volunteer"]).objects.filter(pk=personas["volunteer"].pk).exists()


def test_delete_keeps_the_account_of_someone_who_also_asks_for_help(client, region, skills):
    user = UserFactory(email="beide@example.nl")
    volunteer = VolunteerFactory(user=user, organisation=region["org_a"])
    MantelzorgerFactory(user=user, organisation=region["org_a"])
    log_in(client, user)
    page = client.get(DELETE).content.decode()
    assert "Dat account blijft bestaan" in page
    response = client.post(DELETE, {"confirm": "on"})
    assert response["Location"] == reverse("home")
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert type(user).objects.filter(pk=user.pk).exists()
    follow = client.get(reverse("home"))
    assert follow.wsgi_request.user.is_authenticated
    assert "Dat account blijft bestaan" in follow.content.decode()
