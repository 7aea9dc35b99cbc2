"""The centre's figures: vacancies posted and filled, responses and acceptances per month."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Response, Vacancy
from partners.selectors import vacancy_figures
from partners.services import response_decide, response_submit
from tests.login import log_in
from tests.partners.conftest import make_vacancy

pytestmark = pytest.mark.django_db


def _month(now):
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, (start + datetime.timedelta(days=32)).replace(day=1)


def test_posted_filled_and_responses(scene):
    from demo.factories import VolunteerFactory

    filled = make_vacancy(scene, places=1)
    open_one = make_vacancy(scene, places=2)
    response_decide(
        response=response_submit(vacancy=filled, volunteer=scene.volunteer), by=scene.partner_user, accept=True
    )
    response_submit(vacancy=open_one, volunteer=scene.volunteer)
    other = response_submit(vacancy=open_one, volunteer=VolunteerFactory(organisation=scene.org))
    response_decide(response=other, by=scene.partner_user, accept=True)
    # Another month's vacancy does not count in this one.
    old = make_vacancy(scene)
    Vacancy.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=70))
    start, end = _month(timezone.localtime())
    assert vacancy_figures(organisation=scene.org, start=start, end=end) == {
        "vacancies_posted": 2,
        "vacancies_filled": 1,
        "responses": 3,
        "responses_accepted": 2,
    }
    assert Response.objects.count() == 3


def test_the_organisation_overview_shows_them(client, scene):
    make_vacancy(scene)
    log_in(client, scene.admin)
    body = client.get(reverse("reports:organisation", args=[scene.org.slug])).content.decode()
    assert "Vacatures van partners" in body and "Vacatures geplaatst" in body
