"""The broker's volunteer pages: scoping, filters, no N+1, and recording a VOG."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.factories import VolunteerFactory
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults
from tests.login import log_in
from volunteers.models import AvailabilitySlot, VogCheck, Volunteer

pytestmark = pytest.mark.django_db

T = datetime.time
NOW = datetime.datetime(2026, 3, 10, 12, 0)


def list_url(slug="org-a"):
    return reverse("volunteers_broker:list", args=[slug])


def detail_url(pk, slug="org-a"):
    return reverse("volunteers_broker:detail", args=[slug, pk])


def vog_url(pk, slug="org-a"):
    return reverse("volunteers_broker:vog", args=[slug, pk])


@pytest.fixture
def vera(personas):
    return Volunteer.objects.get(user=personas["volunteer"])


# --- Permissions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("broker_a", 200),
        ("admin_a", 200),
        ("broker_b", 404),
        ("volunteer", 404),
        ("mantelzorger", 404),
        ("municipality", 404),
        ("nobody", 404),
    ],
)
@pytest.mark.parametrize("page", ["list", "detail", "vog"])
def test_pages_are_scoped_to_the_organisation(client, personas, vera, persona, status, page):
    log_in(client, personas[persona])
    url = {"list": list_url(), "detail": detail_url(vera.pk), "vog": vog_url(vera.pk)}[page]
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url_for", [lambda pk: list_url(), detail_url, vog_url])
def test_anonymous_is_sent_to_login(client, vera, url_for):
    response = client.get(url_for(vera.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_broker_b_cannot_reach_a_volunteer_through_their_own_slug(client, personas, vera):
    log_in(client, personas["broker_b"])
    assert client.get(list_url("org-b")).status_code == 200
    assert client.get(detail_url(vera.pk, "org-b")).status_code == 404
    assert client.get(vog_url(vera.pk, "org-b")).status_code == 404
    response = client.post(vog_url(vera.pk, "org-b"), {"status": "valid", "issued_on": "2025-01-01"})
    assert response.status_code == 404
    response = client.post(vog_url(vera.pk, "org-a"), {"status": "valid", "issued_on": "2025-01-01"})
    assert response.status_code == 404
    assert not VogCheck.objects.exists()
    vera.refresh_from_db()
    assert vera.vog_valid_until is None


def test_list_shows_only_own_organisation(client, personas, region, vera):
    VolunteerFactory(organisation=region["org_b"], first_name="Anders", last_name="Elders")
    log_in(client, personas["broker_a"])
    response = client.get(list_url())
    names = [v.last_name for v in response.context["page"].object_list]
    assert names == [vera.last_name]
    assert "Elders" not in response.content.decode()


# --- The list: filters, paging, queries --------------------------------------------------


@pytest.fixture
def crowd(region, db):
    """Volunteers of org A with different neighbourhoods, skills, VOG and status."""
    skills_ensure_defaults()
    skills = {s.code: s for s in Skill.objects.all()}
    areas = region["areas"]
    org = region["org_a"]
    people = {
        "anna": VolunteerFactory(
            organisation=org,
            first_name="Anna",
            last_name="de Vries",
            neighbourhood=areas["Velp"],
            skills=[skills["shopping"]],
            vog_valid_until=datetime.date(2028, 1, 1),
        ),
        "bram": VolunteerFactory(
            organisation=org,
            first_name="Bram",
            last_name="Jansen",
            neighbourhood=areas["Arnhem"],
            skills=[skills["respite"], skills["walking"]],
            vog_valid_until=datetime.date(2026, 4, 1),
        ),
        "cees": VolunteerFactory(
            organisation=org,
            first_name="Cees",
            last_name="Bakker",
            neighbourhood=areas["Arnhem"],
            skills=[skills["walking"]],
            vog_valid_until=datetime.date(2025, 1, 1),
            paused_until=datetime.date(2026, 4, 1),
        ),
        "zoe": VolunteerFactory(
            organisation=org,
            first_name="Zoë",
            last_name="van 't Hof-Özdemir",
            neighbourhood=None,
            is_active=False,
        ),
    }
    return people, skills


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"anna", "bram", "cees", "zoe"}),
        ({"neighbourhood": "Arnhem"}, {"bram", "cees"}),
        ({"skill": "walking"}, {"bram", "cees"}),
        ({"vog": "valid"}, {"anna"}),
        ({"vog": "expiring"}, {"bram"}),
        ({"vog": "expired"}, {"cees"}),
        ({"vog": "none"}, {"zoe"}),
        ({"status": "active"}, {"anna", "bram"}),
        ({"status": "paused"}, {"cees"}),
        ({"status": "inactive"}, {"zoe"}),
        ({"q": "jan"}, {"bram"}),
        ({"q": "van 't hof"}, {"zoe"}),
        ({"q": "Anna Vries"}, {"anna"}),
        ({"skill": "walking", "status": "active"}, {"bram"}),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_list_filters(client, personas, region, crowd, params, expected):
    people, skills = crowd
    Volunteer.objects.filter(user=personas["volunteer"]).delete()
    query = dict(params)
    if "neighbourhood" in query:
        query["neighbourhood"] = region["areas"][query["neighbourhood"]].pk
    if "skill" in query:
        query["skill"] = skills[query["skill"]].pk
    log_in(client, personas["broker_a"])
    response = client.get(list_url(), query)
    assert response.status_code == 200
    found = {v.pk for v in response.context["page"].object_list}
    assert found == {people[name].pk for name in expected}


@pytest.mark.parametrize(
    "params",
    [
        {"vog": "sometimes"},
        {"neighbourhood": "abc"},
        {"neighbourhood": "99999999999999999999"},
        {"skill": "99999"},
        {"page": "zeven"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
    ],
)
def test_list_bad_filter_values_do_not_break(client, personas, crowd, params):
    log_in(client, personas["broker_a"])
    response = client.get(list_url(), params)
    assert response.status_code == 200
    if "page" not in params:
        assert response.context["filter"].form.errors


def test_list_does_not_offer_other_organisations_neighbourhoods(client, personas, region):
    log_in(client, personas["broker_a"])
    form = client.get(list_url()).context["filter"].form
    offered = set(form.fields["neighbourhood"].queryset)
    assert offered == {region["areas"]["Velp"], region["areas"]["Arnhem"]}


def test_list_is_paginated_by_50(client, personas, region):
    VolunteerFactory.create_batch(54, organisation=region["org_a"])  # + Vera = 55
    log_in(client, personas["broker_a"])
    first = client.get(list_url())
    assert len(first.context["page"].object_list) == 50
    second = client.get(list_url(), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert 'href="?page=1"' in second.content.decode()  # "previous page" link
    assert 'href="?page=2"' in first.content.decode()


def _make_volunteers(region, n, skills):
    for i in range(n):
        volunteer = VolunteerFactory(
            organisation=region["org_a"],
            neighbourhood=region["areas"]["Velp"],
            skills=[skills["walking"], skills["shopping"]],
            vog_valid_until=datetime.date(2027, 1, 1) if i % 2 else None,
        )
        AvailabilitySlot.objects.create(volunteer=volunteer, weekday=i % 7, start=T(9), end=T(12))


def test_list_has_no_n_plus_one(client, personas, region, django_assert_max_num_queries):
    skills_ensure_defaults()
    skills = {s.code: s for s in Skill.objects.all()}
    log_in(client, personas["broker_a"])
    _make_volunteers(region, 3, skills)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url())
    _make_volunteers(region, 40, skills)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(), {"skill": skills["walking"].pk})
    assert len(response.context["page"].object_list) == 43
    assert len(few.captured_queries) < 20, [q["sql"] for q in few.captured_queries]


# --- Detail and VOG --------------------------------------------------------------------------


def test_detail_shows_profile_availability_and_vog_history(client, personas, vera):
    AvailabilitySlot.objects.create(volunteer=vera, weekday=1, start=T(13), end=T(17, 30))
    VogCheck.objects.create(volunteer=vera, status="requested", note="via Justis", checked_by=personas["broker_a"])
    log_in(client, personas["broker_a"])
    page = client.get(detail_url(vera.pk)).content.decode()
    assert vera.last_name in page and vera.email in page
    assert "di 13:00-17:30" in page
    assert "via Justis" in page and "aangevraagd" in page


@time_machine.travel(NOW, tick=False)
def test_record_a_vog(client, personas, vera, region):
    log_in(client, personas["broker_a"])
    response = client.post(vog_url(vera.pk), {"status": "valid", "issued_on": "29-02-2024", "note": "gezien"})
    assert response["Location"] == detail_url(vera.pk)
    check = VogCheck.objects.get(volunteer=vera)
    assert (check.status, check.issued_on, check.valid_until) == (
        "valid",
        datetime.date(2024, 2, 29),
        datetime.date(2027, 2, 28),
    )
    assert check.checked_by == personas["broker_a"]
    vera.refresh_from_db()
    assert vera.vog_valid_until == datetime.date(2027, 2, 28)
    page = client.get(detail_url(vera.pk)).content.decode()
    assert "De VOG-controle is vastgelegd" in page
    assert "geldig" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"status": "valid", "issued_on": "2026-03-11"}, "issued_on", "toekomst"),
        ({"status": "valid", "issued_on": ""}, "issued_on", "datum van afgifte"),
        ({"status": "valid", "issued_on": "gisteren"}, "issued_on", "Vul een datum in"),
        ({"status": "", "issued_on": "2025-01-01"}, "status", "stand van zaken"),
        ({"status": "lost", "issued_on": "2025-01-01"}, "status", "lost"),
        ({"status": "requested", "note": "x" * 201}, "note", "200"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_record_a_vog_bad_input(client, personas, vera, data, field, message):
    log_in(client, personas["broker_a"])
    response = client.post(vog_url(vera.pk), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not VogCheck.objects.exists()
    vera.refresh_from_db()
    assert vera.vog_valid_until is None


def test_vog_page_has_no_file_upload(client, personas, vera):
    log_in(client, personas["broker_a"])
    page = client.get(vog_url(vera.pk)).content.decode()
    assert 'type="file"' not in page and "multipart" not in page
