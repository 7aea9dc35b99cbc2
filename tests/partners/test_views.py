"""The public search, responding, the partner's pages and the centre's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Response, Vacancy
from partners.services import response_submit
from tests.login import log_in
from tests.partners.conftest import make_vacancy

pytestmark = pytest.mark.django_db


def _titles(response) -> str:
    return response.content.decode()


# --- The public search ------------------------------------------------------------------------


def test_anyone_finds_a_vacancy_by_skill_and_postcode(client, scene):
    make_vacancy(scene, title="Boodschappen in Arnhem")
    make_vacancy(scene, title="Tuinieren in Ede", skills=[scene.skills["gardening"]], postcode="6717 AA")
    url = reverse("vacancies:list")
    body = _titles(client.get(url, {"skill": scene.skills["shopping"].pk, "postcode": "6811AB", "distance": "5"}))
    assert "Boodschappen in Arnhem" in body and "Tuinieren in Ede" not in body
    # Ede is 20 km away: within 25 km it shows, within 5 km not.
    far = make_vacancy(scene, title="Boodschappen in Ede", postcode="6717 AA", place="Ede")
    Vacancy.objects.filter(pk=far.pk).update(latitude=52.03333, longitude=5.65833)
    assert "Boodschappen in Ede" not in _titles(client.get(url, {"postcode": "6811 AB", "distance": "5"}))
    assert "Boodschappen in Ede" in _titles(client.get(url, {"postcode": "6811 AB", "distance": "25"}))


def test_day_part_kind_and_from_home_filters(client, scene):
    make_vacancy(scene, title="Dinsdagmiddag")  # tue 14-16
    make_vacancy(
        scene,
        title="Eenmalig zaterdag",
        when="one_off",
        slots=[],
        date=_next(5),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    make_vacancy(scene, title="Bellen vanuit huis", from_home=True, when="flexible", slots=[])
    url = reverse("vacancies:list")
    body = _titles(client.get(url, {"day": "1", "part": "afternoon"}))
    assert "Dinsdagmiddag" in body and "Eenmalig zaterdag" not in body and "Bellen vanuit huis" in body
    body = _titles(client.get(url, {"day": "5", "part": "morning"}))
    assert "Eenmalig zaterdag" in body and "Dinsdagmiddag" not in body
    body = _titles(client.get(url, {"kind": "one_off"}))
    assert "Eenmalig zaterdag" in body and "Dinsdagmiddag" not in body
    body = _titles(client.get(url, {"from_home": "on"}))
    assert "Bellen vanuit huis" in body and "Dinsdagmiddag" not in body


def _next(weekday: int) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def test_a_vacancy_that_is_over_or_not_checked_is_not_shown(client, scene):
    over = make_vacancy(scene, title="Voorbij")
    Vacancy.objects.filter(pk=over.pk).update(until=timezone.localdate() - datetime.timedelta(days=1))
    past = make_vacancy(
        scene,
        title="Was gisteren",
        when="one_off",
        slots=[],
        date=timezone.localdate(),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
    )
    Vacancy.objects.filter(pk=past.pk).update(date=timezone.localdate() - datetime.timedelta(days=1))
    waiting = make_vacancy(scene, title="Wacht op controle")
    Vacancy.objects.filter(pk=waiting.pk).update(status=Vacancy.Status.REVIEW)
    body = _titles(client.get(reverse("vacancies:list")))
    assert "Voorbij" not in body and "Was gisteren" not in body and "Wacht op controle" not in body
    for vacancy in (over, past, waiting):
        assert client.get(reverse("vacancies:detail", args=[vacancy.pk])).status_code == 404


def test_html_in_a_vacancy_is_shown_as_text(client, scene):
    vacancy = make_vacancy(scene, title="<b>Vet</b>", description="<script>alert(1)</script>")
    body = _titles(client.get(reverse("vacancies:detail", args=[vacancy.pk])))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>Vet</b>" not in _titles(client.get(reverse("vacancies:list")))


@pytest.mark.parametrize(
    "query",
    [
        {"postcode": "ABCD 12"},
        {"distance": "5"},  # no postcode
        {"distance": "abc", "postcode": "6811 AB"},
        {"skill": "99999999999999999999"},
        {"day": "9"},
        {"part": "nacht"},
    ],
)
def test_bad_search_input_is_a_form_error_not_a_500(client, scene, query):
    make_vacancy(scene)
    response = client.get(reverse("vacancies:list"), query)
    assert response.status_code == 400
    assert "Er is iets niet goed ingevuld" in response.content.decode()


# --- Responding --------------------------------------------------------------------------------


def test_a_volunteer_responds_once_with_a_note(client, scene, vacancy):
    log_in(client, scene.volunteer_user)
    url = reverse("vacancies:respond", args=[vacancy.pk])
    response = client.post(url, {"note": "Ik kan op dinsdag"})
    assert response.status_code == 302 and response["Location"] == reverse("vacancies:mine")
    again = client.post(url, {"note": "Nog een keer"})
    assert again.status_code == 400 and "U heeft gereageerd" in again.content.decode()
    assert Response.objects.filter(vacancy=vacancy).count() == 1


def test_too_long_note_and_unconfirmed_age_are_form_errors(client, scene):
    vacancy = make_vacancy(scene, minimum_age=18)
    log_in(client, scene.volunteer_user)
    url = reverse("vacancies:respond", args=[vacancy.pk])
    assert client.post(url, {"note": "x" * 501, "age_confirmed": "on"}).status_code == 400
    assert client.post(url, {"note": "hoi"}).status_code == 400
    assert not Response.objects.exists()
    assert client.post(url, {"note": "hoi", "age_confirmed": "on"}).status_code == 302


def test_someone_without_a_volunteer_profile_is_sent_to_sign_up(client, scene, vacancy):
    from demo.factories import UserFactory

    log_in(client, UserFactory())
    response = client.post(reverse("vacancies:respond", args=[vacancy.pk]), {"note": "hoi"})
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:start")
    assert not Response.objects.exists()


# --- "Past bij u" ------------------------------------------------------------------------------


def test_fit_ranks_by_the_engine_rules_and_shows_the_reasons(client, scene):
    make_vacancy(scene, title="Past: dinsdag boodschappen")
    make_vacancy(scene, title="Andere dag", slots=__import__("common.slots").slots.parse_slots("wed 14:00-16:00"))
    make_vacancy(scene, title="Andere vaardigheid", skills=[scene.skills["gardening"]])
    far = make_vacancy(scene, title="Te ver weg")
    Vacancy.objects.filter(pk=far.pk).update(latitude=52.37, longitude=4.89)  # Amsterdam
    make_vacancy(scene, title="Vanuit huis bellen", from_home=True, when="flexible", slots=[])
    log_in(client, scene.volunteer_user)
    body = _titles(client.get(reverse("vacancies:fit")))
    assert "Past: dinsdag boodschappen" in body and "Vanuit huis bellen" in body
    for title in ("Andere dag", "Andere vaardigheid", "Te ver weg"):
        assert title not in body
    assert "beschikbaar di 13:00-18:00" in body  # the engine's reason, rendered by matches.reasons
    assert "vanuit huis of telefonisch" in body


def test_fit_uses_the_engine_score(scene):
    from matching.engine.scoring import candidate_for
    from partners.fit import WEIGHTS, vacancies_fitting, vacancy_data, volunteer_data
    from partners.selectors import public_vacancies

    vacancy = make_vacancy(scene)
    fits = vacancies_fitting(volunteer=scene.volunteer, vacancies=public_vacancies())
    v = volunteer_data(scene.volunteer)
    expected = candidate_for(
        v, vacancy_data(vacancy, near=v.point), distance_km=fits[0].distance_km, weights=WEIGHTS, now=timezone.now()
    )
    assert [f.vacancy.pk for f in fits] == [vacancy.pk]
    assert fits[0].score == expected.score


# --- The partner's pages -----------------------------------------------------------------------


def _vacancy_post(**changes) -> dict:
    data = {
        "title": "Chauffeur",
        "description": "Rijden met de bus",
        "postcode": "6811 AB",
        "when": "weekly",
        "slots": "di 13-17",
        "places": "2",
    }
    data.update(changes)
    return data


def test_a_partner_posts_a_vacancy(client, scene):
    log_in(client, scene.partner_user)
    response = client.post(reverse("partners:vacancy_new", args=[scene.partner.pk]), _vacancy_post())
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(title="Chauffeur")
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.place == "Arnhem"
    assert [s.as_slot().code() for s in vacancy.slots.all()] == ["tue 13:00-17:00"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"when": "one_off", "date": "2020-01-01", "start_time": "10:00", "end_time": "12:00"}, "al voorbij"),
        ({"places": "0"}, "minstens één plaats"),
        ({"places": "abc"}, "heel getal"),
        ({"slots": "maandag 25:00-26:00"}, "geen geldige tijd"),
        ({"slots": ""}, "minstens één vaste tijd"),
        ({"postcode": "", "place": ""}, "postcode of plaats"),
        ({"until": "2020-01-01"}, "al voorbij"),
        ({"minimum_age": "5"}, "12 tot en met 99"),
        ({"skills": "99999999999999999999"}, "Kies uit de lijst"),
        ({"when": "someday"}, "Kies uit de lijst"),
    ],
)
def test_vacancy_form_bad_input(client, scene, changes, message):
    log_in(client, scene.partner_user)
    response = client.post(reverse("partners:vacancy_new", args=[scene.partner.pk]), _vacancy_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Vacancy.objects.exists()


def test_another_partners_vacancy_and_responses_are_404(client, scene, vacancy):
    response_submit(vacancy=vacancy, volunteer=scene.volunteer, note="Graag")
    answer = Response.objects.get()
    log_in(client, scene.other_user)
    for name, args in (
        ("partners:vacancy_edit", [vacancy.pk]),
        ("partners:responses", [vacancy.pk]),
        ("partners:profile", [scene.partner.pk]),
        ("partners:vacancy_new", [scene.partner.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name in ("partners:response_accept", "partners:response_decline", "partners:vacancy_close"):
        pk = vacancy.pk if name == "partners:vacancy_close" else answer.pk
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    assert Response.objects.get().status == Response.Status.NEW
    assert Vacancy.objects.get().status == Vacancy.Status.PUBLISHED


def test_contact_details_only_after_accepting(client, scene, vacancy):
    response_submit(vacancy=vacancy, volunteer=scene.volunteer, note="Ik <b>kan</b> dinsdag")
    answer = Response.objects.get()
    log_in(client, scene.partner_user)
    page = client.get(reverse("partners:responses", args=[vacancy.pk])).content.decode()
    assert "Vera de Vries" in page and "Ik &lt;b&gt;kan&lt;/b&gt; dinsdag" in page
    assert "vera@example.nl" not in page and "06-11223344" not in page
    assert client.post(reverse("partners:response_accept", args=[answer.pk])).status_code == 302
    page = client.get(reverse("partners:responses", args=[vacancy.pk])).content.decode()
    assert "vera@example.nl" in page and "06-11223344" in page


def test_profile_bad_input(client, scene):
    log_in(client, scene.partner_user)
    url = reverse("partners:profile", args=[scene.partner.pk])
    response = client.post(url, {"name": "", "kind": "food_bank", "email": "geen adres", "website": "javascript:x"})
    assert response.status_code == 400
    # Another partner's name is taken.
    response = client.post(url, {"name": "Sportclub Velp", "kind": "food_bank"})
    assert response.status_code == 400
    response = client.post(url, {"name": "Voedselbank Arnhem-Zuid", "kind": "food_bank", "description": "Pakketten"})
    assert response.status_code == 302
    scene.partner.refresh_from_db()
    assert scene.partner.name == "Voedselbank Arnhem-Zuid"


# --- The centre's page -------------------------------------------------------------------------


def test_the_admin_invites_checks_and_changes_the_setting(client, scene):
    log_in(client, scene.admin)
    base = reverse("partners_centre:list", args=[scene.org.slug])
    assert (
        client.post(reverse("partners_centre:invite", args=[scene.org.slug]), {"name": "", "kind": "x"}).status_code
        == 400
    )
    response = client.post(
        reverse("partners_centre:invite", args=[scene.org.slug]),
        {"name": "Buurthuis De Kroon", "kind": "initiative", "email": "kroon@example.nl"},
    )
    assert response.status_code == 302 and response["Location"] == base
    client.post(reverse("partners_centre:settings", args=[scene.org.slug]), {"review_first_vacancies": "on"})
    waiting = make_vacancy(scene, title="Te controleren")
    assert waiting.status == Vacancy.Status.REVIEW
    assert "Te controleren" in client.get(base).content.decode()
    client.post(reverse("partners_centre:review", args=[scene.org.slug, waiting.pk]), {"decision": "approve"})
    assert Vacancy.objects.get(pk=waiting.pk).status == Vacancy.Status.PUBLISHED
