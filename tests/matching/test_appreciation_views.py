"""The volunteer's yearly overview and PDF certificate (issue #15, item 4): what the page
and the PDF show, whose they are (only one's own), and bad years."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from matches.appreciation import volunteer_activity_years, volunteer_year_overview
from matches.certificate import certificate_pdf, latin1_text
from matches.models import HoursEntry
from tests.login import log_in
from tests.matching import lifecycle_factories
from tests.matching.conftest import NOW, TODAY

lifecycle_urls = lifecycle_factories.lifecycle_urls
world = lifecycle_factories.world

pytestmark = pytest.mark.usefixtures("lifecycle_urls", "frozen_now")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
YEAR = TODAY.year


def _at(year: int, month: int = 3, day: int = 1) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, 0, tzinfo=AMSTERDAM)


def _hours(match, day: datetime.date, hours: str, *, approved: bool = True) -> HoursEntry:
    return HoursEntry.objects.create(match=match, date=day, hours=hours, approved_at=NOW if approved else None)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def busy_year(world):
    """Vera: one match ended in YEAR, one running, one ended last year; hours in both years."""
    ended = world.match("ended", activated_at=_at(YEAR, 1, 10), ended_at=_at(YEAR, 4, 1))
    running = world.match(
        "active", activated_at=_at(YEAR, 2, 1), request=world.new_request(status="matched", kind="transport")
    )
    last_year = world.match("ended", activated_at=_at(YEAR - 1, 5, 1), ended_at=_at(YEAR - 1, 9, 1))
    _hours(ended, datetime.date(YEAR, 1, 20), "2.50")
    _hours(running, datetime.date(YEAR, 3, 5), "3.00")
    _hours(running, datetime.date(YEAR, 3, 6), "4.00", approved=False)  # not approved: not counted
    _hours(last_year, datetime.date(YEAR - 1, 6, 1), "7.25")
    # Someone else's hours in the same year never count for Vera.
    other = world.match("active", volunteer=world.other_volunteer, activated_at=_at(YEAR, 1, 1))
    _hours(other, datetime.date(YEAR, 1, 2), "20.00")
    return {"ended": ended, "running": running, "last_year": last_year}


def test_overview_counts_approved_hours_and_matches_of_the_year(world, busy_year):
    overview = volunteer_year_overview(volunteer=world.volunteer, year=YEAR)
    assert overview.hours == Decimal("5.50")
    assert overview.hours_text == "5,5"
    assert (overview.matches_active, overview.matches_ended) == (1, 1)
    assert len(overview.kinds) == 2
    earlier = volunteer_year_overview(volunteer=world.volunteer, year=YEAR - 1)
    assert earlier.hours == Decimal("7.25")
    assert (earlier.matches_active, earlier.matches_ended) == (0, 1)
    assert volunteer_activity_years(volunteer=world.volunteer) == [YEAR, YEAR - 1]
    assert volunteer_year_overview(volunteer=world.volunteer, year=YEAR - 5).is_empty


def test_a_match_running_through_a_year_counts_as_running_then(world):
    world.match("ended", activated_at=_at(YEAR - 2, 11, 1), ended_at=_at(YEAR, 1, 15))
    assert volunteer_activity_years(volunteer=world.volunteer) == [YEAR, YEAR - 1, YEAR - 2]
    middle = volunteer_year_overview(volunteer=world.volunteer, year=YEAR - 1)
    assert (middle.matches_active, middle.matches_ended) == (1, 0)


def test_page_defaults_to_this_year_and_lists_years_with_activity(client, world, busy_year):
    log_in(client, world.volunteer_user)
    response = client.get(reverse("matching_people:year_overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Mijn jaaroverzicht {YEAR}" in body
    assert "5,5 uur" in body
    assert "2 koppelingen: 1 liep door, 1 afgerond." in body
    assert reverse("matching_people:year_overview_year", args=[YEAR - 1]) in body
    assert reverse("matching_people:year_overview_year", args=[YEAR - 3]) not in body
    assert reverse("matching_people:certificate", args=[YEAR]) in body
    assert "hartelijk dank" in body
    body = client.get(reverse("matching_people:year_overview_year", args=[YEAR - 1])).content.decode()
    assert "7,25 uur" in body


def test_year_without_activity_says_so_and_offers_no_pdf(client, world, busy_year):
    log_in(client, world.volunteer_user)
    response = client.get(reverse("matching_people:year_overview_year", args=[YEAR - 4]))
    assert response.status_code == 200
    assert "nog geen goedgekeurde uren of koppelingen" in response.content.decode()
    assert reverse("matching_people:certificate", args=[YEAR - 4]) not in response.content.decode()
    response = client.get(reverse("matching_people:certificate", args=[YEAR - 4]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Er is dus geen bewijs" in response.content.decode()


@pytest.mark.parametrize("year", [YEAR + 1, 1999, 0, 10**12])
def test_impossible_years_are_404(client, world, busy_year, year):
    log_in(client, world.volunteer_user)
    assert client.get(reverse("matching_people:year_overview_year", args=[year])).status_code == 404
    assert client.get(reverse("matching_people:certificate", args=[year])).status_code == 404


@pytest.mark.parametrize("path", ["jaaroverzicht/abc/", "jaaroverzicht/-1/", "jaaroverzicht/2030/bedankt.pdf/x"])
def test_malformed_years_are_404(client, world, path):
    log_in(client, world.volunteer_user)
    base = reverse("matching_people:mine")
    assert client.get(f"{base}{path}").status_code == 404


def test_certificate_holds_name_hours_and_organisation(client, world, busy_year):
    world.volunteer.last_name = "van 't Hof-Özdemir"
    world.volunteer.first_name = "Zoë"
    world.volunteer.save()
    log_in(client, world.volunteer_user)
    response = client.get(reverse("matching_people:certificate", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="bedankt-{YEAR}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert f"Bedankt voor uw inzet in {YEAR}" in text
    assert "Zoë van 't Hof-Özdemir" in text
    assert "5,5 uur" in text
    assert world.org.name in text


def test_certificate_without_a_unicode_font_still_has_the_text(world, busy_year, settings):
    settings.CERTIFICATE_FONT = ""
    world.volunteer.first_name = "Łukasz"
    world.volunteer.save()
    overview = volunteer_year_overview(volunteer=world.volunteer, year=YEAR)
    data = certificate_pdf(overview, issued_on=TODAY, compress=False)
    assert b"Lukasz" in data and b"5,5 uur" in data
    assert latin1_text("Zoë Łukasz 漢") == "Zoë Lukasz ?"


def test_certificate_draws_the_logo_when_there_is_one(world, busy_year, settings, tmp_path):
    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    org = world.volunteer.organisation
    org.logo.save("a.png", ContentFile(buffer.getvalue()))
    overview = volunteer_year_overview(volunteer=world.volunteer, year=YEAR)
    with_logo = certificate_pdf(overview, issued_on=TODAY, compress=False)
    assert b"/Subtype /Image" in with_logo
    org.logo = ""
    org.save()
    overview = volunteer_year_overview(volunteer=world.volunteer, year=YEAR)
    assert b"/Subtype /Image" not in certificate_pdf(overview, issued_on=TODAY, compress=False)


def test_only_the_volunteer_themselves(client, world, busy_year):
    """Another volunteer sees their own (empty) year, never Vera's; someone who is no
    volunteer gets a 404; anonymous people are sent to the login."""
    log_in(client, world.other_volunteer_user)
    body = client.get(reverse("matching_people:year_overview")).content.decode()
    assert "5,5 uur" not in body and "Vera" not in body
    assert "20 uur" in body
    pdf = client.get(reverse("matching_people:certificate", args=[YEAR]))
    assert "Vera" not in _pdf_text(pdf.content)
    client.logout()
    log_in(client, world.broker)
    assert client.get(reverse("matching_people:year_overview")).status_code == 404
    assert client.get(reverse("matching_people:certificate", args=[YEAR])).status_code == 404
    client.logout()
    response = client.get(reverse("matching_people:certificate", args=[YEAR]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_is_refused(client, world, busy_year):
    log_in(client, world.volunteer_user)
    assert client.post(reverse("matching_people:certificate", args=[YEAR])).status_code == 405


def test_page_in_english(client, world, busy_year, in_english):
    log_in(client, world.volunteer_user)
    body = client.get(reverse("matching_people:year_overview")).content.decode()
    assert f"My yearly overview {YEAR}" in body
    assert "Approved hours" in body


def test_the_organisations_own_thanks_replace_the_standard_text(client, world, busy_year):
    from volunteers.services import volunteer_thanks_update

    volunteer_thanks_update(organisation=world.org, by=world.admin, text="Dank je wel, buurtheld!")
    log_in(client, world.volunteer_user)
    body = client.get(reverse("matching_people:year_overview")).content.decode()
    assert "Dank je wel, buurtheld!" in body and "hartelijk dank" not in body
    pdf = client.get(reverse("matching_people:certificate", args=[YEAR]))
    assert "Dank je wel, buurtheld!" in _pdf_text(pdf.content)
