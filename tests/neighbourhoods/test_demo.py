"""The demo region: real places, every role, idempotent."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.roles import roles_for
from caregivers.models import HelpRequest
from demo.people import DEMO_ACCOUNTS, DEMO_ORGANISATION_SLUG
from neighbourhoods.models import Municipality, Neighbourhood, Organisation
from neighbourhoods.services import REGIO_ARNHEM
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    call_command("load_demo", "--volunteers", "40", "--requests", "20", "--history-months", "0", stdout=io.StringIO())


def test_demo_region_has_the_twelve_municipalities_with_real_places(demo):
    assert set(Municipality.objects.values_list("name", flat=True)) == set(REGIO_ARNHEM.municipalities)
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    assert organisation.municipalities.count() == 12
    places = {(n.municipality.name, n.name) for n in Neighbourhood.objects.select_related("municipality")}
    for expected in [
        ("Rheden", "Velp"),
        ("Lingewaard", "Huissen"),
        ("Rijnwaarden", "Lobith"),
        ("Renkum", "Oosterbeek"),
    ]:
        assert expected in places
    velp = Neighbourhood.objects.get(name="Velp")
    assert 51.9 < velp.latitude < 52.1 and 5.9 < velp.longitude < 6.1  # not swapped


def test_demo_accounts_log_in_and_hold_their_roles(demo, settings):
    for account in DEMO_ACCOUNTS:
        user = authenticate(email=account.email, password=settings.DEMO_PASSWORD)
        assert user is not None, account.email
        roles = roles_for(user)
        expected = {
            "superuser": user.is_superuser,
            "admin": bool(roles.admin_of),
            "broker": bool(roles.broker_of),
            "municipality": bool(roles.municipality_of),
            "privacy_officer": bool(roles.privacy_officer_of),
            "volunteer": roles.is_volunteer,
            "mantelzorger": roles.is_mantelzorger,
            "help_seeker": roles.is_help_seeker,
            "partner": bool(roles.partner_of),
        }[account.role]
        assert expected, account.role


def test_demo_partner_logs_in_with_a_password_and_sees_its_vacancies_and_a_response(demo, settings):
    """The partner account: password only (partners are not staff), its own pages, three
    public vacancies near the demo volunteer (one from home) and her response."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from partners.models import Partner, Response, Vacancy
    from partners.selectors import public_vacancies

    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "partner@buurtmakelaar.demo", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] != reverse("mfa_authenticate")
    home = client.get(reverse("partners:home"))
    assert home.status_code == 200
    partner = Partner.objects.get(memberships__user__email="partner@buurtmakelaar.demo")
    assert partner.organisation.slug == DEMO_ORGANISATION_SLUG and partner.kind == Partner.Kind.FOOD_BANK
    assert partner.description and partner.place == "Velp" and partner.email and partner.phone
    vacancies = list(Vacancy.objects.filter(partner=partner))
    assert len(vacancies) == 3
    for vacancy in vacancies:
        assert vacancy.title in home.content.decode()
        assert vacancy.skills.exists() and vacancy.until > timezone.localdate()
    assert set(public_vacancies().filter(partner=partner)) == set(vacancies)
    assert [v.from_home for v in vacancies].count(True) == 1
    assert all(v.neighbourhood and v.neighbourhood.name == "Velp" for v in vacancies if not v.from_home)
    # The public search finds them without an account.
    listing = Client().get(reverse("vacancies:list"), {"skill": ""})
    assert all(v.title in listing.content.decode() for v in vacancies)
    # The demo volunteer's response waits for the partner's answer; her contact details do not show yet.
    answer = Response.objects.get(vacancy__partner=partner)
    assert answer.volunteer.email == "vrijwilliger@buurtmakelaar.demo" and answer.status == Response.Status.NEW
    page = client.get(reverse("partners:responses", args=[answer.vacancy_id]))
    assert page.status_code == 200
    assert "Zoë" in page.content.decode() and "vrijwilliger@buurtmakelaar.demo" not in page.content.decode()
    # The volunteer sees it among her responses.
    zoe = Client()
    zoe.post(reverse("account_login"), {"login": "vrijwilliger@buurtmakelaar.demo", "password": settings.DEMO_PASSWORD})
    assert answer.vacancy.title in zoe.get(reverse("vacancies:mine")).content.decode()


def test_demo_partner_vacancies_move_on_when_their_dates_passed(demo):
    """Run again after the one-off day: the same vacancy, with new dates, no duplicate."""
    import datetime

    from django.utils import timezone

    from partners.models import Vacancy

    one_off = Vacancy.objects.get(partner__name="Voedselpunt Velp", when=Vacancy.When.ONE_OFF)
    past = timezone.localdate() - datetime.timedelta(days=2)
    Vacancy.objects.filter(pk=one_off.pk).update(date=past, until=past)
    call_command("load_demo", "--no-people", "--history-months", "0", stdout=io.StringIO())
    one_off.refresh_from_db()
    assert one_off.date > timezone.localdate() and not one_off.is_over()
    assert Vacancy.objects.filter(partner__name="Voedselpunt Velp").count() == 3


def test_demo_people_are_located_in_their_neighbourhoods(demo):
    assert Volunteer.objects.count() == 41  # 40 + the demo volunteer account
    assert HelpRequest.objects.count() == 22  # 20 + two demo requests
    for volunteer in Volunteer.objects.select_related("neighbourhood__municipality")[:40]:
        assert volunteer.neighbourhood is not None
        assert volunteer.postcode[:4].isdigit() and volunteer.postcode[4] == " "
    assert Volunteer.objects.get(email="vrijwilliger@buurtmakelaar.demo").last_name == "van 't Hof"
    respite = HelpRequest.objects.get(requester__email="mantelzorger@buurtmakelaar.demo")
    assert respite.needs_vog and respite.neighbourhood.name == "Huissen"


def test_demo_is_idempotent(demo):
    from partners.models import Partner, PartnerMembership, Response, Vacancy

    def counts():
        return [
            model.objects.count()
            for model in (Volunteer, HelpRequest, Neighbourhood, Partner, PartnerMembership, Vacancy, Response)
        ]

    before = counts()
    assert before[3:] == [1, 1, 3, 1]
    call_command("load_demo", "--volunteers", "40", "--requests", "20", "--history-months", "0", stdout=io.StringIO())
    assert counts() == before


def test_demo_passwords_are_printed_only_in_debug(settings, capsys):
    settings.DEBUG = False
    call_command("load_demo", "--no-people")
    assert settings.DEMO_PASSWORD not in capsys.readouterr().out
    settings.DEBUG = True
    call_command("load_demo", "--no-people")
    out = capsys.readouterr().out
    assert settings.DEMO_PASSWORD in out and "makelaar@buurtmakelaar.demo" in out


def test_demo_rejects_negative_counts():
    with pytest.raises(SystemExit):
        call_command("load_demo", "--volunteers", "-1", stderr=io.StringIO())


def test_demo_requests_have_a_consistent_history(demo):
    from caregivers.models import RequestEvent

    for request in HelpRequest.objects.all():
        events = list(RequestEvent.objects.filter(request=request).order_by("at", "pk"))
        assert events[0].to_status == "new"
        assert events[-1].to_status == request.status
        assert request.slots.exists()
        if request.kind == "respite":
            assert request.mantelzorger and request.care_recipient and request.needs_vog
            assert request.mantelzorger.checkins.exists()
        if request.status != "new":
            assert request.question_behind


def test_running_demo_matches_have_a_time_read_back_by_two_ical_parsers(client):
    """Issue 18.13: the demo's running matches say when the help happens, so their
    calendar feeds are not empty; two independent parsers find the weekly event."""
    import icalendar
    import vobject

    from matches.calendar import calendar_feed_reset
    from matches.models import Match

    call_command("load_demo", "--volunteers", "40", "--requests", "0", "--history-months", "6", stdout=io.StringIO())
    running = list(Match.objects.filter(status=Match.Status.ACTIVE).select_related("request", "volunteer__user"))
    assert running
    for match in running:
        assert match.request.slots.exists() or match.request.dates.exists(), match.request.external_id
    match = next(m for m in running if m.request.recurring)
    slot = match.request.slots.get()
    volunteer = match.volunteer
    if volunteer.user_id is None:  # history volunteers may have no account: give one
        from accounts.models import User

        volunteer.user = User.objects.create_user(email="agenda.test@example.nl", password="x-Buurt-2026-x")
        volunteer.save(update_fields=["user"])
    _feed, token = calendar_feed_reset(user=volunteer.user)
    body = client.get(f"/agenda/{token}.ics").content

    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][slot.weekday]
    uid = f"match-{match.pk}-slot-{slot.pk}@"
    first = [
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith(uid) and e["RRULE"]["FREQ"] == ["WEEKLY"] and e["RRULE"]["BYDAY"] == [weekday]
    ]
    assert len(first) == 1 and first[0].decoded("DTSTART").time() == slot.start
    second = [e for e in vobject.readOne(body.decode()).vevent_list if e.uid.value.startswith(uid)]
    assert len(second) == 1
    assert second[0].rrule.value.startswith("FREQ=WEEKLY") and f"BYDAY={weekday}" in second[0].rrule.value
    assert second[0].dtstart.value.weekday() == slot.weekday and second[0].dtstart.value.time() == slot.start


def test_demo_keeps_the_front_door_of_arnhem_and_rheden(demo, client):
    from neighbourhoods.models import MunicipalityFrontDoor

    doors = {d.municipality.name: d for d in MunicipalityFrontDoor.objects.select_related("municipality")}
    assert set(doors) == {"Arnhem", "Rheden"}
    assert doors["Arnhem"].phone == "14 026"  # the municipality's public number, nobody's own
    assert doors["Rheden"].phone == ""
    call_command("load_demo", "--no-people", stdout=io.StringIO())
    assert MunicipalityFrontDoor.objects.count() == 2
    html = client.get("/buurt/", {"postcode": "6828 AB", "house_number": "1"}).content.decode()  # Arnhem
    assert "Wmo-loket gemeente Arnhem" in html


def test_demo_carer_sees_the_mantelzorgwaardering_of_their_municipality(demo, client):
    from caregivers.models import Mantelzorger
    from neighbourhoods.models import CarerAppreciation

    assert CarerAppreciation.objects.count() == len(REGIO_ARNHEM.municipalities)
    call_command("load_demo", "--no-people", stdout=io.StringIO())
    assert CarerAppreciation.objects.count() == len(REGIO_ARNHEM.municipalities)  # not twice
    carer = Mantelzorger.objects.select_related("user", "neighbourhood__municipality").get(
        user__email="mantelzorger@buurtmakelaar.demo"
    )
    client.force_login(carer.user)
    html = client.get("/hulp/mantelzorger/").content.decode()
    assert f"De gemeente {carer.neighbourhood.municipality.name} waardeert mantelzorgers" in html
