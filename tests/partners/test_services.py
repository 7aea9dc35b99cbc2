"""Partner services: invitation, vacancies with their checks, responses and decisions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from common.errors import DomainError
from notifications.models import Notification
from partners.models import PartnerMembership, PartnerSettings, Response, Vacancy
from partners.services import (
    partner_invite,
    response_decide,
    response_submit,
    responses_erase,
    vacancy_review,
)
from tests.partners.conftest import make_vacancy

pytestmark = pytest.mark.django_db


def test_invite_makes_partner_account_and_mail(scene):
    membership = partner_invite(
        organisation=scene.org, by=scene.admin, name="Zorgcentrum De Linde", kind="care_home", email="Linde@Example.nl"
    )
    assert membership.partner.name == "Zorgcentrum De Linde"
    assert membership.user.email == "linde@example.nl" and not membership.user.has_usable_password()
    mail = Notification.objects.get(to_email="linde@example.nl")
    assert "Zorgcentrum De Linde" in mail.subject and "/accounts/password/reset/key/" in mail.body


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "kind": "food_bank", "email": "a@example.nl"}, "name"),
        ({"name": "X", "kind": "casino", "email": "a@example.nl"}, "kind"),
        ({"name": "X", "kind": "food_bank", "email": "geen adres"}, "email"),
    ],
)
def test_invite_refuses_bad_input(scene, values, field):
    with pytest.raises(DomainError) as error:
        partner_invite(organisation=scene.org, by=scene.admin, **values)
    assert error.value.field == field


def test_only_an_admin_invites_and_twice_is_refused(scene):
    with pytest.raises(DomainError):
        partner_invite(organisation=scene.org, by=scene.partner_user, name="X", kind="other", email="x@example.nl")
    partner_invite(organisation=scene.org, by=scene.admin, name="X", kind="other", email="x@example.nl")
    with pytest.raises(DomainError):
        partner_invite(organisation=scene.org, by=scene.admin, name="x", kind="other", email="x@example.nl")
    assert PartnerMembership.objects.filter(user__email="x@example.nl").count() == 1


def test_first_vacancies_wait_for_the_check_when_the_centre_wants_that(scene):
    PartnerSettings.objects.filter(organisation=scene.org).update(review_first_vacancies=True)
    first = make_vacancy(scene)
    assert first.status == Vacancy.Status.REVIEW and first.published_at is None
    vacancy_review(vacancy=first, by=scene.admin, approve=True)
    second = make_vacancy(scene)
    assert second.status == Vacancy.Status.REVIEW
    vacancy_review(vacancy=second, by=scene.admin, approve=True)
    third = make_vacancy(scene)
    assert third.status == Vacancy.Status.PUBLISHED
    with pytest.raises(DomainError):
        vacancy_review(vacancy=third, by=scene.admin, approve=True)
    with pytest.raises(DomainError):
        vacancy_review(vacancy=make_vacancy(scene), by=scene.partner_user, approve=True)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"when": "one_off", "date": datetime.date(2020, 1, 1), "slots": []}, "date"),
        ({"when": "one_off", "date": None, "slots": []}, "date"),
        ({"places": 0}, "places"),
        ({"until": datetime.date(2020, 1, 1)}, "until"),
        ({"slots": []}, "slots"),
        ({"point": None, "postcode": "", "place": ""}, "postcode"),
        ({"title": "   "}, "title"),
    ],
)
def test_vacancy_bad_input_is_refused(scene, values, field):
    with pytest.raises(DomainError) as error:
        make_vacancy(scene, **values)
    assert error.value.field == field
    assert not Vacancy.objects.exists()


def test_another_partner_cannot_change_a_vacancy(scene, vacancy):
    with pytest.raises(DomainError):
        make_vacancy(scene, partner=scene.partner, by=scene.other_user)
    with pytest.raises(DomainError):
        make_vacancy(scene, partner=scene.other_partner, by=scene.other_user, vacancy=vacancy)


def test_a_volunteer_responds_once(scene, vacancy):
    response = response_submit(vacancy=vacancy, volunteer=scene.volunteer, note="Ik help graag")
    assert response.status == Response.Status.NEW
    with pytest.raises(DomainError):
        response_submit(vacancy=vacancy, volunteer=scene.volunteer, note="nog eens")
    assert Response.objects.count() == 1


def test_no_response_to_a_vacancy_that_is_over(scene):
    vacancy = make_vacancy(scene, until=timezone.localdate())
    Vacancy.objects.filter(pk=vacancy.pk).update(until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        response_submit(vacancy=vacancy, volunteer=scene.volunteer)


def test_minimum_age_must_be_confirmed(scene):
    vacancy = make_vacancy(scene, minimum_age=18)
    with pytest.raises(DomainError):
        response_submit(vacancy=vacancy, volunteer=scene.volunteer, age_confirmed=False)


def test_accepting_mails_the_volunteer_and_never_takes_more_than_the_places(scene):
    from demo.factories import VolunteerFactory

    vacancy = make_vacancy(scene, places=1)
    first = response_submit(vacancy=vacancy, volunteer=scene.volunteer)
    second = response_submit(vacancy=vacancy, volunteer=VolunteerFactory(organisation=scene.org))
    response_decide(response=first, by=scene.partner_user, accept=True)
    assert Notification.objects.filter(to_email="vera@example.nl", kind="vacancy_response_accepted").exists()
    with pytest.raises(DomainError):
        response_decide(response=second, by=scene.partner_user, accept=True)
    with pytest.raises(DomainError):
        response_decide(response=first, by=scene.partner_user, accept=False)
    response_decide(response=second, by=scene.partner_user, accept=False)
    assert Response.objects.get(pk=second.pk).status == Response.Status.DECLINED


def test_another_partner_cannot_decide(scene, vacancy):
    response = response_submit(vacancy=vacancy, volunteer=scene.volunteer)
    with pytest.raises(DomainError):
        response_decide(response=response, by=scene.other_user, accept=True)
    assert Response.objects.get(pk=response.pk).status == Response.Status.NEW


def test_erasure_keeps_the_count_without_the_person(scene, vacancy):
    response = response_submit(vacancy=vacancy, volunteer=scene.volunteer, note="Vera hier, bel 06-11223344")
    responses_erase(volunteer_ids=[scene.volunteer.pk])
    response.refresh_from_db()
    assert response.note == "" and response.volunteer_id is None
    assert Response.objects.filter(vacancy=vacancy).count() == 1
