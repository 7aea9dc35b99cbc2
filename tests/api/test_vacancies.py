"""The public vacancies: the /vacatures/ search's vacancies of one organisation's
partners, for anyone, nothing private, filtered as on the web page, cached."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import ApiToken
from partners.filters import VacancyFilter
from partners.models import Partner, PartnerMembership, Response, Vacancy, VacancySlot
from partners.selectors import public_vacancies
from tests.api.helpers import assert_problem, v1
from tests.login import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(region):
    """Partners of A and B with vacancies in every state."""
    from demo.factories import UserFactory, VolunteerFactory
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    skills_ensure_defaults()
    skills = {s.code: s for s in Skill.objects.filter(organisation=None)}
    today = timezone.localdate()
    org_a, org_b = region["org_a"], region["org_b"]
    food = Partner.objects.create(
        organisation=org_a,
        name="Voedselbank Arnhem",
        kind="food_bank",
        description="Wij delen pakketten uit.",
        email="geheim@voedselbank.example",
        phone="026-9999999",
        website="https://voedselbank.example",
    )
    staff = UserFactory(email="piet@voedselbank.example")
    PartnerMembership.objects.create(partner=food, user=staff)
    quiet = Partner.objects.create(organisation=org_a, name="Oude club", is_active=False)
    other = Partner.objects.create(organisation=org_b, name="Sportclub Ede")

    def vacancy(partner, title, *, skill="shopping", **values):
        fields = {
            "partner": partner,
            "title": title,
            "description": f"Over {title}",
            "postcode": "6811 AB",
            "place": "Arnhem",
            "latitude": 51.98,
            "longitude": 5.91111,
            "status": Vacancy.Status.PUBLISHED,
            "published_at": timezone.now(),
            **values,
        }
        made = Vacancy.objects.create(**fields)
        made.skills.set([skills[skill]])
        return made

    rows = {
        "weekly": vacancy(food, "Pakketten rondbrengen", when="weekly"),
        "home": vacancy(food, "Bellen met ouderen", skill="companionship", from_home=True),
        "review": vacancy(food, "Nog niet gecontroleerd", status=Vacancy.Status.REVIEW, published_at=None),
        "closed": vacancy(food, "Gesloten vacature", status=Vacancy.Status.CLOSED),
        "over": vacancy(food, "Verlopen vacature", until=today - datetime.timedelta(days=1)),
        "past": vacancy(food, "Gisteren eenmalig", when="one_off", date=today - datetime.timedelta(days=1)),
        "inactive": vacancy(quiet, "Van een inactieve partner"),
        "other": vacancy(other, "Vacature van centrale B"),
    }
    VacancySlot.objects.create(vacancy=rows["weekly"], weekday=1, start=datetime.time(14), end=datetime.time(16))
    volunteer = VolunteerFactory(organisation=org_a, first_name="Reagerende", last_name="Vrijwilliger")
    Response.objects.create(vacancy=rows["weekly"], volunteer=volunteer, note="Geheime toelichting")
    return rows


def _ids(response):
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_anyone_sees_the_open_vacancies_of_the_organisation_as_the_web_search_does(client, shelf, region):
    listed = _ids(client.get(v1("org-a", "vacancies")))
    assert listed == {shelf["weekly"].pk, shelf["home"].pk}
    web = set(public_vacancies().filter(partner__organisation=region["org_a"]).values_list("pk", flat=True))
    assert listed == web


def test_nothing_private_is_in_a_vacancy(client, shelf):
    response = client.get(v1("org-a", "vacancies", shelf["weekly"].pk))
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Pakketten rondbrengen" and body["skills"] == ["shopping"]
    assert body["schedule"] == ["tue 14:00-16:00"] and body["place"] == "Arnhem"
    assert body["partner"] == {
        "name": "Voedselbank Arnhem",
        "kind": "food_bank",
        "description": "Wij delen pakketten uit.",
        "website": "https://voedselbank.example",
    }
    assert body["url"].endswith(f"/vacatures/{shelf['weekly'].pk}/")
    text = response.content.decode()
    for secret in ("geheim@voedselbank", "026-9999999", "Geheime toelichting", "Reagerende", "piet@", "51.98"):
        assert secret not in text


def test_work_from_home_shows_no_place(client, shelf):
    assert client.get(v1("org-a", "vacancies", shelf["home"].pk)).json()["place"] == ""


@pytest.mark.parametrize("which", ["review", "closed", "over", "past", "inactive", "other"])
def test_a_vacancy_that_is_not_public_here_is_a_404_problem(which, client, shelf):
    assert_problem(client.get(v1("org-a", "vacancies", shelf[which].pk)), 404)


def test_an_unknown_organisation_is_a_404_problem(client, shelf):
    assert_problem(client.get(v1("nergens", "vacancies")), 404)


@pytest.mark.parametrize(
    "who,status",
    [
        ("read:public", 200),
        ("all", 200),
        ("broker", 403),
        ("read:reports", 403),
        ("other_org", 404),
        ("expired", 401),
        ("revoked", 401),
    ],
)
def test_a_token_reads_its_own_organisations_vacancies_with_read_public(
    who, status, api_client, make_token, shelf, region
):
    org = region["org_b"] if who == "other_org" else region["org_a"]
    scopes = (
        ApiToken.Scope.values
        if who in ("all", "other_org")
        else ["read:public" if who in ("expired", "revoked") else who]
    )
    token = make_token(org, *scopes)
    if who == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    if who == "revoked":
        ApiToken.objects.update(revoked_at=timezone.now())
    for path in (v1("org-a", "vacancies"), v1("org-a", "vacancies", shelf["weekly"].pk)):
        response = api_client.get(path, token=token)
        if status == 200:
            assert response.status_code == 200
        else:
            assert_problem(response, status)


@pytest.mark.parametrize("persona", ["volunteer", "broker_b", "admin_a"])
def test_a_session_of_anyone_sees_them_too(persona, client, personas, shelf):
    log_in(client, personas[persona])
    assert _ids(client.get(v1("org-a", "vacancies"))) == {shelf["weekly"].pk, shelf["home"].pk}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"skill": "companionship"}, {"home"}),
        ({"skill": "shopping"}, {"weekly"}),
        ({"skill": "nothing-like-it"}, set()),
        ({"from_home": "true"}, {"home"}),
        ({"from_home": "false"}, {"weekly", "home"}),
        ({"kind": "weekly"}, {"weekly"}),
        ({"day": "1", "part": "afternoon"}, {"weekly", "home"}),  # the flexible one fits any time
        ({"day": "3"}, {"home"}),
        ({"postcode": "6811 AB", "distance": "5"}, {"weekly", "home"}),
    ],
)
def test_the_web_pages_filters(params, expected, client, shelf):
    assert _ids(client.get(v1("org-a", "vacancies", **params))) == {shelf[key].pk for key in expected}


def test_the_same_filter_as_the_web_page(shelf, region):
    """The API's filter set is the web page's (one place for the search's rules)."""
    from api.filters import PublicVacancyFilter

    assert issubclass(PublicVacancyFilter, VacancyFilter)
    assert PublicVacancyFilter.filter_time is VacancyFilter.filter_time
    assert PublicVacancyFilter.filter_distance is VacancyFilter.filter_distance


@pytest.mark.parametrize(
    "params,field",
    [
        ({"kind": "sometimes"}, "kind"),
        ({"day": "9"}, "day"),
        ({"part": "night"}, "part"),
        ({"from_home": "maybe"}, "from_home"),
        ({"distance": "5"}, "postcode"),
        ({"postcode": "XYZ", "distance": "5"}, "postcode"),
        ({"distance": "7", "postcode": "6811AB"}, "distance"),
        ({"skill": "x" * 41}, "skill"),
    ],
)
def test_bad_filter_values_are_400_problems(params, field, client, shelf):
    body = assert_problem(client.get(v1("org-a", "vacancies", **params)), 400)
    assert field in {error["field"] for error in body["errors"]}


def test_answers_are_cached_briefly_and_carry_an_etag(client, shelf, settings):
    settings.API_PUBLIC_CACHE_SECONDS = 60
    cache.clear()
    first = client.get(v1("org-a", "vacancies"))
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    Vacancy.objects.filter(pk=shelf["home"].pk).update(status=Vacancy.Status.CLOSED)
    # Within the minute the cached page; the ETag still answers 304.
    assert _ids(client.get(v1("org-a", "vacancies"))) == {shelf["weekly"].pk, shelf["home"].pk}
    assert client.get(v1("org-a", "vacancies"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    cache.clear()
    assert _ids(client.get(v1("org-a", "vacancies"))) == {shelf["weekly"].pk}


def test_without_the_cache_a_change_shows_at_once(client, shelf, settings):
    settings.API_PUBLIC_CACHE_SECONDS = 0
    assert len(_ids(client.get(v1("org-a", "vacancies")))) == 2
    Vacancy.objects.filter(pk=shelf["home"].pk).update(status=Vacancy.Status.CLOSED)
    assert _ids(client.get(v1("org-a", "vacancies"))) == {shelf["weekly"].pk}


def test_the_list_takes_a_fixed_number_of_queries(client, shelf, django_assert_max_num_queries, settings):
    settings.API_PUBLIC_CACHE_SECONDS = 0
    with django_assert_max_num_queries(8):
        assert len(_ids(client.get(v1("org-a", "vacancies")))) == 2


def test_writes_are_405_problems(client, shelf):
    assert_problem(client.post(v1("org-a", "vacancies"), {}, content_type="application/json"), 405)
    assert_problem(client.delete(v1("org-a", "vacancies", shelf["weekly"].pk)), 405)
