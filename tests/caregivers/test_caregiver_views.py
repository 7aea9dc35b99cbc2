"""Pages for mantelzorgers and help seekers: registration, home, check-in, asking
for help, following and withdrawing; with the bad input of each form."""

import datetime
import re

import pytest
from django.urls import reverse

from caregivers.models import (
    BurdenCheckIn,
    CareRecipient,
    HelpRequest,
    Mantelzorger,
    RequestDate,
    RequestEvent,
    RequestSlot,
)
from demo.factories import HelpRequestFactory, UserFactory
from tests.caregivers.conftest import TODAY
from tests.caregivers.factories import BurdenCheckInFactory
from tests.login import log_in

pytestmark = pytest.mark.django_db

START = reverse("caregivers:mantelzorger_start")
HOME = reverse("caregivers:mantelzorger_home")
CHECKIN = reverse("caregivers:checkin")
RESPITE = reverse("caregivers:respite_new")
REQUEST_NEW = reverse("caregivers:request_new")
MY_REQUESTS = reverse("caregivers:my_requests")


def page(response) -> str:
    return response.content.decode()


def counts():
    return (
        Mantelzorger.objects.count(),
        CareRecipient.objects.count(),
        BurdenCheckIn.objects.count(),
        HelpRequest.objects.count(),
        RequestSlot.objects.count(),
        RequestDate.objects.count(),
        RequestEvent.objects.count(),
    )


def future(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


# --- Mantelzorger registration ------------------------------------------------------


def start_data(**overrides):
    data = {
        "first_name": "Zoë",
        "last_name": "van 't Hof-Özdemir",
        "postcode": "6881ab",
        "house_number": "12a",
        "phone": "06 12345678",
        "relation": "parent",
        "care_hours_per_week": "20",
        "recipient-name": "Mam",
        "recipient-age_band": "80+",
        "recipient-situation": "dementia",
        "recipient-notes": "Houdt van muziek.",
        "checkin-score": "7",
        "checkin-sleeps_badly": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_start_page_has_the_scale_with_labelled_ends(client, personas):
    log_in(client, personas["nobody"])
    html = page(client.get(START))
    assert html.count('name="checkin-score"') == 11
    assert "0 – niet zwaar" in html and "10 – veel te zwaar" in html
    assert "<legend>Hoe zwaar voelt de zorg nu?" in html  # a radio group in a fieldset


def test_start_registers_carer_recipient_and_first_checkin(client, personas, region, frozen_now):
    user = personas["nobody"]
    log_in(client, user)
    response = client.post(START, start_data())
    assert response.status_code == 302 and response["Location"] == HOME
    carer = Mantelzorger.objects.get(user=user)
    assert carer.organisation == region["org_a"] and carer.neighbourhood.name == "Velp"
    assert carer.postcode == "6881 AB" and carer.relation == "parent" and carer.care_hours_per_week == 20
    assert carer.care_recipients.get().name == "Mam"
    assert carer.checkins.get().score == 7 and carer.checkins.get().sleeps_badly
    # Registered already: the start page sends them home.
    assert client.get(START)["Location"] == HOME


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"postcode": "1000 AA"}, "Deze postcode kennen we niet"),
        ({"postcode": "1011 AB", "house_number": "1"}, "werkt nog geen vrijwilligerscentrale"),
        ({"postcode": "68811AB"}, "4 cijfers en 2 letters"),
        ({"house_number": ""}, "huisnummer"),
        ({"care_hours_per_week": "200"}, "0 tot en met 168"),
        ({"care_hours_per_week": "-1"}, "0 tot en met 168"),
        ({"care_hours_per_week": "veel"}, "heel getal"),
        ({"checkin-score": "11"}, "0 tot en met 10"),
        ({"checkin-score": "-1"}, "0 tot en met 10"),
        ({"checkin-score": None}, "0 tot en met 10"),
        ({"recipient-notes": "x" * 501}, "hoogstens 500 tekens"),
        ({"recipient-name": "x" * 51}, "hoogstens 50 tekens"),
        ({"recipient-name": ""}, "roepnaam"),
        ({"recipient-situation": "flu"}, "Kies wat het best past"),
        ({"relation": None}, "Kies voor wie u zorgt"),
        ({"phone": "bel me"}, "telefoonnummer"),
        ({"first_name": "x" * 101}, "100"),
    ],
)
def test_start_bad_input_is_explained_and_nothing_is_saved(client, personas, frozen_now, overrides, message):
    log_in(client, personas["nobody"])
    before = counts()
    response = client.post(START, start_data(**overrides))
    assert response.status_code == 200
    html = page(response)
    assert "Er is iets niet goed ingevuld" in html
    assert message in html
    assert counts() == before
    # What was typed stays.
    assert "van &#x27;t Hof-Özdemir" in html


def test_start_requires_login(client):
    response = client.get(START)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Home and check-in ------------------------------------------------------------


def test_home_shows_recipients_trend_table_sparkline_and_requests(
    client, mark, frozen_now, django_assert_max_num_queries
):
    for days_ago, score in [(30, 3), (20, 5), (10, 8)]:
        checkin = BurdenCheckInFactory(mantelzorger=mark, score=score)
        BurdenCheckIn.objects.filter(pk=checkin.pk).update(
            created_at=checkin.created_at - datetime.timedelta(days=days_ago)
        )
    log_in(client, mark.user)
    # +1: StaffSessionMiddleware asks whether this is staff; +1: the partner role of the menu.
    # 18: one for the municipality's mantelzorgwaardering (neighbourhoods.CarerAppreciation).
    with django_assert_max_num_queries(18):
        html = page(client.get(HOME))
    assert "Oma Jo" in html and "Houdt van oude liedjes." in html
    assert '<svg class="sparkline"' in html and "<polyline" in html
    assert "3, 5, 8" in html  # the svg title reads the trend, oldest first
    assert html.count("<circle") == 3
    assert "Zwaarder dan de keer ervoor." in html
    assert "De zorg voelt zwaar" in html  # 8 is high
    # The table has the newest check-in first.
    rows = re.findall(r'<td class="num">(\d+)', html)
    assert rows == ["8", "5", "3"]
    assert "Uw vraag is binnen" in html  # Mark's respite request from the personas
    assert reverse("caregivers:checkin") in html


def test_home_without_record_goes_to_start(client, personas):
    log_in(client, personas["volunteer"])
    assert client.get(HOME)["Location"] == START


def test_checkin_once_per_day(client, mark, frozen_now):
    log_in(client, mark.user)
    response = client.post(CHECKIN, {"score": "4", "feels_alone": "on"})
    assert response.status_code == 302
    checkin = mark.checkins.get()
    assert checkin.score == 4 and checkin.feels_alone and not checkin.sleeps_badly
    # The same day: the page says so, and a second post is refused.
    assert "U heeft vandaag al ingevuld" in page(client.get(CHECKIN))
    response = client.post(CHECKIN, {"score": "9"})
    assert response.status_code == 200
    assert "vandaag al ingevuld" in page(response)
    assert list(mark.checkins.values_list("score", flat=True)) == [4]
    # The next day it can again.
    frozen_now.shift(datetime.timedelta(days=1))
    assert client.post(CHECKIN, {"score": "9"}).status_code == 302
    assert mark.checkins.count() == 2


@pytest.mark.parametrize("score", ["11", "-1", "", "vijf"])
def test_checkin_bad_score(client, mark, score):
    log_in(client, mark.user)
    response = client.post(CHECKIN, {"score": score})
    assert response.status_code == 200
    assert "Kies een getal van 0 tot en met 10." in page(response)
    assert not mark.checkins.exists()


def test_high_checkin_points_to_respite(client, mark, frozen_now):
    log_in(client, mark.user)
    response = client.post(CHECKIN, {"score": "3", "sleeps_badly": "on", "health_suffers": "on"}, follow=True)
    assert "respijtzorg aanvragen" in page(response)


def test_checkin_without_record_goes_to_start(client, personas):
    log_in(client, personas["nobody"])
    assert client.post(CHECKIN, {"score": "5"})["Location"] == START
    assert not BurdenCheckIn.objects.exists()


def test_care_recipient_add_and_edit(client, mark):
    log_in(client, mark.user)
    new = reverse("caregivers:care_recipient_new")
    response = client.post(new, {"name": "Tante Riet", "age_band": "65-79", "situation": "physical", "notes": ""})
    assert response.status_code == 302
    riet = mark.care_recipients.get(name="Tante Riet")
    edit = reverse("caregivers:care_recipient_edit", args=[riet.pk])
    response = client.post(edit, {"name": "Riet", "age_band": "80+", "situation": "end_of_life", "notes": "x" * 501})
    assert "hoogstens 500 tekens" in page(response)
    riet.refresh_from_db()
    assert riet.name == "Tante Riet"
    client.post(edit, {"name": "Riet", "age_band": "80+", "situation": "end_of_life", "notes": "Moe"})
    riet.refresh_from_db()
    assert (riet.name, riet.situation, riet.notes) == ("Riet", "end_of_life", "Moe")


# --- Respite request ----------------------------------------------------------------


def respite_data(mark, **overrides):
    data = {
        "care_recipient": str(mark.care_recipients.get().pk),
        "postcode": "6881 AB",
        "house_number": "12",
        "description": "Oma Jo houdt van oude liedjes.",
        "urgency": "normal",
        "when-slot_1_day": "1",
        "when-slot_1_start": "13:00",
        "when-slot_1_end": "17:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_respite_form_prefills_the_carers_address_and_only_recipient(client, mark):
    log_in(client, mark.user)
    html = page(client.get(RESPITE))
    assert 'value="6811 AB"' in html  # the MantelzorgerFactory's postcode
    assert re.search(r'value="\d+"[^>]*checked', html)  # the only care recipient is chosen


def test_respite_weekly(client, mark, frozen_now):
    log_in(client, mark.user)
    response = client.post(
        RESPITE,
        respite_data(
            mark,
            **{"when-slot_2_day": "3", "when-slot_2_start": "09:00", "when-slot_2_end": "12:00"},
            **{"when-slots_text": "sat 10:00-12:00"},
        ),
    )
    request = HelpRequest.objects.filter(kind="respite", requester=mark.user).latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == reverse("caregivers:request_detail", args=[request.pk])
    assert request.recurring and request.needs_vog and request.care_recipient.name == "Oma Jo"
    assert [s.as_slot().code() for s in request.slots.all()] == [
        "tue 13:00-17:00",
        "thu 09:00-12:00",
        "sat 10:00-12:00",
    ]
    assert {s.code for s in request.skills.all()} == {"respite", "dementia"}
    assert request.neighbourhood.name == "Velp"


def test_respite_dates(client, mark, frozen_now):
    log_in(client, mark.user)
    data = respite_data(
        mark,
        **{"when-slot_1_day": None, "when-slot_1_start": None, "when-slot_1_end": None},
        **{"when-date_1": future(3), "when-date_1_start": "10:00", "when-date_1_end": "12:30"},
        **{"when-date_2": TODAY.strftime("%d-%m-%Y"), "when-date_2_start": "14:00", "when-date_2_end": "15:00"},
    )
    assert client.post(RESPITE, data).status_code == 302
    request = HelpRequest.objects.filter(kind="respite", requester=mark.user).latest("created_at")
    assert not request.recurring
    assert [(d.date, d.start) for d in request.dates.all()] == [
        (TODAY, datetime.time(14)),
        (TODAY + datetime.timedelta(days=3), datetime.time(10)),
    ]


NO_WEEKLY = {"when-slot_1_day": None, "when-slot_1_start": None, "when-slot_1_end": None}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"when-slot_1_end": "12:00"}, "de eindtijd moet na de begintijd liggen"),
        ({"when-slot_1_start": "22:00", "when-slot_1_end": "02:00"}, "middernacht"),
        (
            {"when-slot_2_day": "1", "when-slot_2_start": "16:00", "when-slot_2_end": "18:00"},
            "overlappen",
        ),
        ({"when-slots_text": "tue 16:00-18:00"}, "overlappen"),
        ({"when-slots_text": "dinsdagmiddag"}, "geen tijdvak"),
        ({"when-slot_1_start": ""}, "Vul de begintijd in"),
        ({"when-slot_1_day": ""}, "Kies een dag"),
        ({"when-slot_1_day": "9"}, "Kies een dag van maandag"),
        ({"when-slot_1_start": "25:00"}, "Vul een tijd in"),
        (NO_WEEKLY, "Vul in wanneer u hulp wilt"),
        (
            {**NO_WEEKLY, "when-date_1": future(-1), "when-date_1_start": "10:00", "when-date_1_end": "12:00"},
            "al voorbij",
        ),
        ({**NO_WEEKLY, "when-date_1": future(2), "when-date_1_start": "12:00", "when-date_1_end": "10:00"}, "eindtijd"),
        (
            {**NO_WEEKLY, "when-date_1": future(2), "when-date_1_start": "22:00", "when-date_1_end": "01:00"},
            "middernacht",
        ),
        ({**NO_WEEKLY, "when-date_1": "31-02-2030", "when-date_1_start": "10:00", "when-date_1_end": "12:00"}, "datum"),
        ({**NO_WEEKLY, "when-date_1": future(2)}, "Vul de begintijd in"),
        ({"when-date_1": future(2), "when-date_1_start": "10:00", "when-date_1_end": "12:00"}, "Niet allebei"),
        ({"description": "x" * 2001}, "hoogstens 2000 tekens"),
        ({"postcode": "1000 AA"}, "Deze postcode kennen we niet"),
        ({"postcode": "6711 AA", "house_number": "1"}, "Daar werkt"),  # Ede: not org-a's area
        ({"urgency": "gisteren"}, "Kies hoe snel"),
        ({"care_recipient": ""}, "Kies voor wie de vrijwilliger zorgt"),
    ],
)
def test_respite_bad_input_is_explained_and_nothing_is_saved(client, mark, frozen_now, overrides, message):
    log_in(client, mark.user)
    before = counts()
    response = client.post(RESPITE, respite_data(mark, **overrides))
    assert response.status_code == 200
    html = page(response)
    assert "Er is iets niet goed ingevuld" in html
    assert message in html
    assert counts() == before
    assert "Oma Jo houdt van oude liedjes." in html or "x" * 100 in html  # typed text kept


def test_respite_with_another_carers_recipient_is_refused(client, mark, other_carer, frozen_now):
    log_in(client, mark.user)
    before = counts()
    foreign = other_carer.care_recipients.get()
    response = client.post(RESPITE, respite_data(mark, care_recipient=str(foreign.pk)))
    assert response.status_code == 200
    assert "Die persoon kennen we niet bij u" in page(response)
    assert "Opa Piet" not in page(response)
    assert counts() == before


def test_respite_needs_a_carer_record(client, personas):
    log_in(client, personas["volunteer"])
    assert client.get(RESPITE)["Location"] == START


def test_respite_without_recipient_asks_for_one(client, region):
    from demo.factories import MantelzorgerFactory

    carer = MantelzorgerFactory(user=UserFactory(), organisation=region["org_a"])
    log_in(client, carer.user)
    assert client.get(RESPITE)["Location"] == reverse("caregivers:care_recipient_new")


# --- Other requests ----------------------------------------------------------------


def request_data(**overrides):
    data = {
        "help_with": "shopping",
        "description": "Elke week boodschappen bij de supermarkt.",
        "first_name": "Nina",
        "last_name": "de Vries",
        "postcode": "6811 AB",
        "house_number": "5",
        "phone": "026 123 45 67",
        "urgency": "high",
        "when-slot_1_day": "4",
        "when-slot_1_start": "10:00",
        "when-slot_1_end": "11:30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_request_for_oneself(client, personas, region, frozen_now):
    user = personas["nobody"]
    log_in(client, user)
    response = client.post(REQUEST_NEW, request_data())
    request = HelpRequest.objects.get(requester=user)
    assert response["Location"] == reverse("caregivers:request_detail", args=[request.pk])
    assert request.organisation == region["org_a"] and request.kind == "practical"
    assert {s.code for s in request.skills.all()} == {"shopping"}
    assert request.email == user.email and request.urgency == "high" and not request.needs_vog
    assert request.entered_by is None and request.events.get().code == "submitted"
    detail = page(client.get(response["Location"]))
    assert "elke vrijdag 10:00-11:30" in detail
    assert "Uw vraag is binnen" in detail


def test_request_for_someone_else_keeps_the_account_holder_as_requester(client, personas, region, frozen_now):
    user = personas["volunteer"]  # one account may help and ask at once
    log_in(client, user)
    data = request_data(
        help_with="transport",
        for_someone_else="on",
        first_name="Zoë",
        last_name="van 't Hof-Özdemir",
        postcode="6711 AA",
        house_number="1",
    )
    assert client.post(REQUEST_NEW, data).status_code == 302
    request = HelpRequest.objects.get(requester=user)
    assert (request.requester_first_name, request.requester_last_name) == ("Zoë", "van 't Hof-Özdemir")
    assert request.email == "" and request.kind == "transport"
    assert request.organisation == region["org_b"]  # Ede: the other centre serves it


def test_request_form_is_prefilled_from_the_volunteer_profile(client, personas):
    log_in(client, personas["volunteer"])
    html = page(client.get(REQUEST_NEW))
    assert 'value="6811 AB"' in html and 'name="house_number" value="1"' in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"postcode": "1000 AA"}, "Deze postcode kennen we niet"),
        ({"postcode": "1011 AB"}, "werkt nog geen vrijwilligerscentrale"),
        ({"help_with": "respite"}, "Kies waarbij u hulp zoekt"),
        ({"description": ""}, "Vertel kort wat er nodig is"),
        ({"description": "x" * 2001}, "hoogstens 2000 tekens"),
        ({"first_name": ""}, "Vul de voornaam in"),
        ({"for_someone_else": "on", "first_name": "Nina", "last_name": ""}, "niet uw eigen naam"),
        ({"when-slot_1_day": "", "when-slot_1_start": "", "when-slot_1_end": ""}, "Vul in wanneer u hulp wilt"),
    ],
)
def test_request_bad_input(client, personas, frozen_now, overrides, message):
    user = personas["nobody"]
    user.last_name = ""
    user.save()
    log_in(client, user)
    before = counts()
    response = client.post(REQUEST_NEW, request_data(**overrides))
    assert response.status_code == 200
    assert message in page(response)
    assert counts() == before


# --- My requests, detail and withdrawing ---------------------------------------------


def test_my_requests_lists_own_requests_in_plain_words(client, mark, personas, django_assert_max_num_queries):
    HelpRequestFactory(organisation=mark.organisation, requester=mark.user, status="ready", kind="transport")
    HelpRequestFactory(organisation=mark.organisation, requester=mark.user, status="matched")
    HelpRequestFactory(
        organisation=mark.organisation, requester=personas["nobody"], requester_first_name="Niet-van-Mark"
    )
    log_in(client, mark.user)
    # +2: who else opened the file (the mantelzorger id, the log rows), a fixed cost.
    # +1: StaffSessionMiddleware asks whether this is staff; +1: the partner role of the menu.
    with django_assert_max_num_queries(14):
        html = page(client.get(MY_REQUESTS))
    assert "We zoeken een vrijwilliger" in html
    assert "Er is een vrijwilliger gevonden" in html
    assert "Uw vraag is binnen" in html  # the personas' respite request
    assert "Niet-van-Mark" not in html
    assert len(re.findall(r'href="/hulp/vraag/\d+/"', html)) == 3


def test_my_requests_query_count_does_not_grow(client, mark, django_assert_max_num_queries):
    for _ in range(10):
        request = HelpRequestFactory(organisation=mark.organisation, requester=mark.user)
        RequestSlot.objects.create(request=request, weekday=1, start=datetime.time(9), end=datetime.time(10))
    log_in(client, mark.user)
    # +2: who else opened the file (the mantelzorger id, the log rows), a fixed cost.
    # +1: StaffSessionMiddleware asks whether this is staff; +1: the partner role of the menu.
    with django_assert_max_num_queries(14):
        assert client.get(MY_REQUESTS).status_code == 200


def test_withdraw_own_request(client, mark, frozen_now):
    request = HelpRequest.objects.get(requester=mark.user)
    log_in(client, mark.user)
    url = reverse("caregivers:withdraw", args=[request.pk])
    assert "Weet u het zeker?" in page(client.get(url))
    response = client.post(url, {"reason": "Mijn zus helpt nu."})
    assert response["Location"] == MY_REQUESTS
    request.refresh_from_db()
    assert request.status == "withdrawn"
    event = request.events.last()
    assert (event.code, event.note) == ("withdrawn_by_requester", "Mijn zus helpt nu.")
    assert "Deze vraag is ingetrokken" in page(client.get(MY_REQUESTS))


def test_withdraw_with_over_long_reason_changes_nothing(client, mark):
    request = HelpRequest.objects.get(requester=mark.user)
    log_in(client, mark.user)
    response = client.post(reverse("caregivers:withdraw", args=[request.pk]), {"reason": "x" * 1001})
    assert response.status_code == 200 and "hoogstens 1000 tekens" in page(response)
    request.refresh_from_db()
    assert request.status == "new"


@pytest.mark.parametrize("status", ["matched", "closed", "withdrawn"])
def test_withdraw_closed_request_says_why_and_changes_nothing(client, mark, status):
    request = HelpRequestFactory(organisation=mark.organisation, requester=mark.user, status=status)
    log_in(client, mark.user)
    response = client.post(reverse("caregivers:withdraw", args=[request.pk]), follow=True)
    html = page(response)
    assert "Intrekken kan niet meer" in html or "al een vrijwilliger" in html or "al ingetrokken" in html
    request.refresh_from_db()
    assert request.status == status and not request.events.exists()
    # No withdraw button on the page of a closed request.
    assert "Vraag intrekken" not in page(client.get(reverse("caregivers:request_detail", args=[request.pk])))


def test_withdraw_someone_elses_request_is_404(client, mark, personas):
    request = HelpRequest.objects.get(requester=mark.user)
    for who in ("volunteer", "nobody", "broker_b"):
        log_in(client, personas[who])
        assert client.post(reverse("caregivers:withdraw", args=[request.pk]), {"reason": ""}).status_code == 404
    request.refresh_from_db()
    assert request.status == "new"


def test_detail_shows_history_in_plain_words_but_not_broker_notes(client, mark, personas):
    request = HelpRequest.objects.get(requester=mark.user)
    RequestEvent.objects.create(request=request, from_status="", to_status="new", by=mark.user, code="submitted")
    RequestEvent.objects.create(
        request=request, from_status="new", to_status="intake", by=personas["broker_a"], note="Intern: zoon helpt soms"
    )
    HelpRequest.objects.filter(pk=request.pk).update(status="intake")
    log_in(client, mark.user)
    html = page(client.get(reverse("caregivers:request_detail", args=[request.pk])))
    assert "Vraag verstuurd" in html and "Een makelaar bespreekt de vraag" in html
    assert "zoon helpt soms" not in html
    assert "Vraag intrekken" in html  # intake can still be withdrawn


def test_carer_sees_and_withdraws_a_request_a_broker_entered_for_them(client, mark, personas):
    entered = HelpRequestFactory(
        organisation=mark.organisation,
        mantelzorger=mark,
        entered_by=personas["broker_a"],
        requester_first_name="Telefonisch",
        kind="respite",
    )
    log_in(client, mark.user)
    assert "Telefonisch" in page(client.get(MY_REQUESTS))
    response = client.post(reverse("caregivers:withdraw", args=[entered.pk]), {"reason": ""})
    assert response.status_code == 302
    entered.refresh_from_db()
    assert entered.status == "withdrawn"
    assert entered.events.get().by == mark.user
