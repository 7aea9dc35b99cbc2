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


# --- In the municipality report (issue #16.5) ----------------------------------------------------


def _place(scene, region, area: str) -> dict:
    from common.geo import Point

    centre = region["areas"][area]
    return {"point": Point(centre.latitude, centre.longitude), "place": centre.name, "postcode": ""}


@pytest.fixture
def posted(scene, region):
    """This month: twelve vacancies in Arnhem-Centrum (one filled, two responses), one in
    Velp, one from home; last month: one in Arnhem-Centrum."""
    from demo.factories import VolunteerFactory

    centrum = [make_vacancy(scene, places=1, **_place(scene, region, "Arnhem")) for _ in range(12)]
    assert {v.neighbourhood_id for v in centrum} == {region["areas"]["Arnhem"].pk}
    response_decide(
        response=response_submit(vacancy=centrum[0], volunteer=scene.volunteer), by=scene.partner_user, accept=True
    )
    response_submit(vacancy=centrum[1], volunteer=VolunteerFactory(organisation=scene.org))
    velp = make_vacancy(scene, **_place(scene, region, "Velp"))
    assert velp.neighbourhood_id == region["areas"]["Velp"].pk
    make_vacancy(scene, from_home=True)
    old = make_vacancy(scene, **_place(scene, region, "Arnhem"))
    from reports.months import Month

    last_month = Month.current().previous().start + datetime.timedelta(days=3)
    Vacancy.objects.filter(pk=old.pk).update(published_at=last_month)
    return centrum


def test_municipality_report_counts_partner_figures_per_neighbourhood_with_small_numbers_hidden(posted, region):
    from reports.figures import SMALL, report_build
    from reports.months import Month

    month = Month.current()
    table = report_build(organisation=region["org_a"], municipality=region["arnhem"], months=[month]).month(month)
    [centrum] = [row for row in table.rows if row.area.id == region["areas"]["Arnhem"].pk]
    for row in (centrum, table.total):
        assert row["vacancies_posted"].export == 12  # not the one from home, nor last month's
        assert row["vacancies_filled"].export == SMALL  # 1
        assert row["vacancy_responses"].export == SMALL  # 2
        assert row["vacancy_responses_accepted"].export == SMALL  # 1
    rheden = report_build(organisation=region["org_a"], municipality=region["rheden"], months=[month]).month(month)
    assert rheden.total["vacancies_posted"].export == SMALL
    assert rheden.total["vacancy_responses"].export == 0
    # The organisation's own figures, exact: Arnhem, Rheden and the one from home.
    own = report_build(organisation=region["org_a"], months=[month], suppress=False).month(month)
    assert own.total["vacancies_posted"].export == 14
    assert own.total["vacancies_filled"].export == 1
    assert own.total["vacancy_responses"].export == 2
    assert own.total["vacancy_responses_accepted"].export == 1
    previous = report_build(organisation=region["org_a"], months=[month.previous()], suppress=False)
    assert previous.month(month.previous()).total["vacancies_posted"].export == 1
    # Another centre sees none of them.
    other = report_build(organisation=region["org_b"], months=[month], suppress=False).month(month)
    assert other.total["vacancies_posted"].export == 0


def test_the_municipality_dashboard_shows_the_partner_group(client, posted, region, scene):
    log_in(client, scene.admin)
    from reports.months import Month

    body = client.get(
        reverse("reports:dashboard", args=[scene.org.slug]), {"gemeente": "Arnhem", "maand": str(Month.current())}
    )
    assert body.status_code == 200
    text = body.content.decode()
    assert "Vacatures van partners" in text
    assert "Vacatures geplaatst" in text and "Reacties aangenomen" in text


def test_stored_months_follow_the_partners_changes(posted, region, scene):
    from partners.models import Response
    from reports.models import ReportMonthArea
    from reports.months import Month
    from reports.store import report_month_count, report_months_changed

    month = Month.current()
    stored = report_month_count(organisation=scene.org, month=month)
    centrum = ReportMonthArea.objects.get(report_month=stored, neighbourhood=region["areas"]["Arnhem"])
    assert centrum.counts["vacancies_posted"] == 12
    # An acceptance changes the month: the nightly check sees it.
    response = Response.objects.get(vacancy=posted[1])
    response_decide(response=response, by=scene.partner_user, accept=True)
    response.refresh_from_db()
    assert report_months_changed(organisation=scene.org, months=[month])[month] >= response.decided_at
    # A deleted vacancy leaves no timestamp: the stored months are marked.
    assert stored.invalidated_at is None
    posted[2].delete()
    stored.refresh_from_db()
    assert stored.invalidated_at is not None
