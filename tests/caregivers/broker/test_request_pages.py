"""One request's page, the intake form and the transition buttons, with their bad input."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLogEntry
from caregivers.models import HelpRequest, RequestEvent
from demo.factories import MantelzorgerFactory
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults

from .factories import BurdenCheckInFactory, CareRecipientFactory, RequestDateFactory, RequestSlotFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def url(name, item, slug="org-a"):
    return reverse(f"caregivers_broker:{name}", kwargs={"slug": slug, "pk": item.pk})


@pytest.fixture
def respite(make_request, org_a):
    mz = MantelzorgerFactory(organisation=org_a, first_name="Mieke", last_name="Jansen", care_hours_per_week=30)
    recipient = CareRecipientFactory(mantelzorger=mz, name="Opa Henk", notes="Houdt van de radio.")
    for days, score in ((20, 4), (10, 6), (1, 8)):
        checkin = BurdenCheckInFactory(mantelzorger=mz, score=score)
        type(checkin).objects.filter(pk=checkin.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    item = make_request(
        kind="respite", mantelzorger=mz, care_recipient=recipient, requester_first_name="Mieke", days_ago=23.5
    )
    RequestSlotFactory(request=item)
    RequestEvent.objects.create(request=item, from_status="", to_status="new", code="submitted")
    return item


# --- Detail -------------------------------------------------------------------------------


def test_detail_shows_request_care_and_history(broker_client, respite, broker):
    response = broker_client.get(url("detail", respite))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Opa Henk" in html and "dementie" in html and "Houdt van de radio." in html
    assert "elke week di 13:00-17:00" in html
    assert "Laatste score: 8 van 10." in html and "Zwaarder dan de keer ervoor." in html
    assert "mantelzorger zwaar belast" in html
    assert "wacht al 23 dagen" in html
    assert "binnengekomen als nieuw" in html
    # Normal urgency 0.25 + 23 of 56 days' waiting 0.3 * 23 / 56 + high burden 0.2 = 0.573.
    assert response.context["priority"] == 57
    assert "57 van 100" in html


def test_opening_the_care_file_is_logged(broker_client, respite, broker):
    assert not AccessLogEntry.objects.exists()
    broker_client.get(url("detail", respite))
    broker_client.get(url("detail", respite))
    accesses = AccessLogEntry.objects.filter(subject_mantelzorger_id=respite.mantelzorger.pk)
    assert accesses.count() == 2
    assert {(a.actor, a.what, a.subject_request_id) for a in accesses} == {(broker, "request_detail", respite.pk)}


def test_request_without_mantelzorger_is_logged_under_its_requester(broker_client, make_request):
    item = make_request()
    response = broker_client.get(url("detail", item))
    assert response.status_code == 200
    assert "Mantelzorger en zorgvrager" not in response.content.decode()
    access = AccessLogEntry.objects.get()
    assert access.subject_mantelzorger_id is None
    assert access.subject_request_id == item.pk


def test_history_shows_who_when_from_to_and_note(broker_client, make_request, broker):
    item = make_request()
    broker_client.post(url("start_intake", item), {"note": "Gebeld, afspraak dinsdag"})
    html = broker_client.get(url("detail", item)).content.decode()
    assert "nieuw → in gesprek" in html
    assert "Gebeld, afspraak dinsdag" in html
    # As the page writes it: escaped (a generated name can hold an apostrophe: "D'Hondt").
    assert escape(str(broker)) in html


# --- Transition buttons --------------------------------------------------------------------


def test_start_intake_button(broker_client, make_request, broker):
    item = make_request()
    response = broker_client.post(url("start_intake", item), {"note": ""})
    assert response.status_code == 302 and response.url == url("detail", item)
    item.refresh_from_db()
    assert item.status == S.INTAKE
    assert item.events.get().by == broker


def test_mark_ready_without_question_behind_is_shown_not_500(broker_client, make_request):
    item = make_request(status=S.INTAKE)
    RequestSlotFactory(request=item)
    response = broker_client.post(url("mark_ready", item), {"note": "klaar?"})
    assert response.status_code == 400
    assert "Vul eerst de vraag achter de vraag in." in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.INTAKE and not item.events.exists()


def test_transition_on_withdrawn_request_is_refused(broker_client, make_request):
    item = make_request(status=S.WITHDRAWN)
    for name in ("start_intake", "mark_ready"):
        response = broker_client.post(url(name, item), {})
        assert response.status_code == 400
        assert "Deze vraag is al ingetrokken." in response.content.decode()
    response = broker_client.post(url("refer", item), {"referred_to": "Wijkteam", "referral_reason": "Reden"})
    assert response.status_code == 400
    assert "Deze vraag is al ingetrokken." in response.content.decode()
    response = broker_client.post(url("withdraw", item), {"reason": "nog eens"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == S.WITHDRAWN and not item.events.exists()


def test_refer_twice_says_already_referred(broker_client, make_request):
    item = make_request(status=S.REFERRED, referred_to="Wijkteam")
    response = broker_client.post(url("refer", item), {"referred_to": "Huisarts", "referral_reason": "Reden"})
    assert response.status_code == 400
    assert "Deze vraag is al doorverwezen." in response.content.decode()
    assert HelpRequest.objects.get(pk=item.pk).referred_to == "Wijkteam"


def test_transition_buttons_need_post(broker_client, make_request):
    item = make_request()
    for name in ("start_intake", "mark_ready", "reopen"):
        assert broker_client.get(url(name, item)).status_code == 405
    assert HelpRequest.objects.get(pk=item.pk).status == S.NEW


def test_over_long_note_on_a_button(broker_client, make_request):
    item = make_request()
    response = broker_client.post(url("start_intake", item), {"note": "x" * 2001})
    assert response.status_code == 400
    assert "te lang" in response.content.decode()
    assert HelpRequest.objects.get(pk=item.pk).status == S.NEW


def test_reopen_button(broker_client, make_request):
    item = make_request(status=S.REFERRED)
    response = broker_client.post(url("reopen", item), {"note": "Wijkteam heeft geen plek"})
    assert response.status_code == 302
    assert HelpRequest.objects.get(pk=item.pk).status == S.INTAKE


# --- Refer and withdraw pages ----------------------------------------------------------------


def test_refer_page(broker_client, make_request):
    item = make_request(status=S.INTAKE)
    assert broker_client.get(url("refer", item)).status_code == 200
    response = broker_client.post(
        url("refer", item), {"referred_to": "Casemanager dementie", "referral_reason": "Zorg is te zwaar"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.referred_to, item.referral_reason) == (
        S.REFERRED,
        "Casemanager dementie",
        "Zorg is te zwaar",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"referred_to": "Wijkteam", "referral_reason": ""}, "Vul in waarom u de vraag doorverwijst."),
        ({"referred_to": "", "referral_reason": "Schulden"}, "Vul in naar wie u de vraag doorverwijst."),
        ({"referred_to": "x" * 201, "referral_reason": "Schulden"}, "te lang"),
        ({"referred_to": "Wijkteam", "referral_reason": "x" * 2001}, "te lang"),
    ],
)
def test_refer_bad_input_keeps_what_was_typed(broker_client, make_request, data, message):
    item = make_request()
    response = broker_client.post(url("refer", item), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data["referred_to"] == "Wijkteam":
        assert 'value="Wijkteam"' in html
    item.refresh_from_db()
    assert item.status == S.NEW and item.referred_to == ""


def test_refer_page_of_closed_request_goes_back_with_reason(broker_client, make_request):
    item = make_request(status=S.CLOSED)
    response = broker_client.get(url("refer", item), follow=True)
    assert "Deze vraag is al afgesloten." in response.content.decode()


def test_withdraw_page(broker_client, make_request, broker):
    item = make_request(status=S.READY)
    response = broker_client.post(url("withdraw", item), {"reason": "Buurvrouw helpt nu"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.WITHDRAWN
    event = item.events.get()
    assert event.by == broker and "Buurvrouw helpt nu" in event.note


@pytest.mark.parametrize("reason", ["", "x" * 1001])
def test_withdraw_bad_reason(broker_client, make_request, reason):
    item = make_request()
    response = broker_client.post(url("withdraw", item), {"reason": reason})
    assert response.status_code == 400
    assert HelpRequest.objects.get(pk=item.pk).status == S.NEW


# --- Intake form -----------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation=None)}


def intake_data(catalogue, **overrides):
    data = {
        "question_behind": "Eigenlijk voelt meneer zich eenzaam.",
        "own_strength": "Zoon belt elke dag.",
        "kind": "companionship",
        "urgency": "high",
        "skills": [catalogue["walking"].pk],
        "slots": "di 13:00-17:00",
        "dates": "",
        "max_distance_km": "3",
        "note": "Huisbezoek gedaan",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_intake_form_shows_current_values(broker_client, make_request):
    item = make_request(question_behind="Oude notitie", urgency="low")
    RequestSlotFactory(request=item, weekday=3)
    html = broker_client.get(url("intake", item)).content.decode()
    assert "Oude notitie" in html
    assert 'value="do 13:00-17:00"' in html
    assert re.search(r'<input[^>]*value="low"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="high"[^>]*checked', html)


def test_intake_save(broker_client, make_request, catalogue):
    item = make_request()
    response = broker_client.post(url("intake", item), intake_data(catalogue))
    assert response.status_code == 302 and response.url == url("detail", item)
    item.refresh_from_db()
    assert item.status == S.INTAKE
    assert item.question_behind == "Eigenlijk voelt meneer zich eenzaam."
    assert item.urgency == "high" and item.kind == "companionship" and item.max_distance_km == 3
    assert [s.code for s in item.skills.all()] == ["walking"]
    assert [str(s) for s in item.slots.all()] == ["di 13:00-17:00"]


def test_intake_save_and_ready(broker_client, make_request, catalogue):
    item = make_request(status=S.INTAKE)
    response = broker_client.post(url("intake", item), intake_data(catalogue, action="ready"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.READY
    assert list(item.events.values_list("from_status", "to_status")) == [("intake", "intake"), ("intake", "ready")]


def test_intake_ready_without_question_saves_nothing(broker_client, make_request, catalogue):
    item = make_request()
    response = broker_client.post(
        url("intake", item), intake_data(catalogue, action="ready", question_behind="", own_strength="Buren helpen")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vul eerst de vraag achter de vraag in." in html
    assert "Buren helpen" in html  # what was typed is kept
    item.refresh_from_db()
    assert item.status == S.NEW and item.own_strength == "" and not item.events.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"question_behind": "x" * 2001}, "te lang"),
        ({"note": "x" * 2001}, "te lang"),
        ({"kind": "babysit"}, "Deze soort hulp kennen we niet."),
        ({"urgency": "now"}, "Kies hoe snel de hulp nodig is."),
        ({"max_distance_km": "-2"}, "minstens"),
        ({"max_distance_km": "veel"}, "Vul een getal in"),
        ({"skills": ["999999"]}, "kennen we niet"),
        ({"slots": "di 17:00-13:00"}, "eindtijd"),
        ({"slots": "di 13:00-17:00; di 15:00-18:00"}, "overlappen"),
        ({"slots": "elke dinsdag"}, "geen tijdvak"),
        ({"dates": "31-02-2030 10:00-12:00"}, "bestaat niet"),
        ({"dates": "01-01-2020 10:00-12:00"}, "voorbij"),
    ],
)
def test_intake_bad_input(broker_client, make_request, catalogue, overrides, message):
    item = make_request()
    response = broker_client.post(url("intake", item), intake_data(catalogue, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.NEW and item.question_behind == "" and not item.slots.exists()


def test_intake_of_withdrawn_request(broker_client, make_request, catalogue):
    item = make_request(status=S.WITHDRAWN)
    assert broker_client.get(url("intake", item)).status_code == 302
    response = broker_client.post(url("intake", item), intake_data(catalogue))
    assert response.status_code == 400
    assert "Deze vraag is al ingetrokken." in response.content.decode()


def test_intake_keeps_stored_past_dates(broker_client, make_request, catalogue):
    item = make_request(status=S.INTAKE)
    RequestDateFactory(request=item, date=datetime.date(2020, 1, 6))
    response = broker_client.post(url("intake", item), intake_data(catalogue, slots="", dates="06-01-2020 10:00-12:00"))
    assert response.status_code == 302
    assert item.dates.get().date == datetime.date(2020, 1, 6)
