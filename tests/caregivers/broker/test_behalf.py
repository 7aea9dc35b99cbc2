"""A broker enters a request for someone who is not online (phone or desk intake)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caregivers.models import HelpRequest

pytestmark = pytest.mark.django_db
NEW = reverse("caregivers_broker:new", kwargs={"slug": "org-a"})


def form_data(**overrides):
    data = {
        "requester_first_name": "Zoë",
        "requester_last_name": "van 't Hof-Özdemir",
        "phone": "026 1234567",
        "email": "",
        "postcode": "6881ab",
        "house_number": "12a",
        "kind": "practical",
        "description": "Boodschappen, ze kan niet meer goed lopen.",
        "slots": "di 13:00-17:00; do 09:00-12:00",
        "dates": "",
        "urgency": "high",
    }
    data.update(overrides)
    return data


def test_form_page(broker_client):
    response = broker_client.get(NEW)
    assert response.status_code == 200
    assert 'name="then_intake"' in response.content.decode()


def test_enter_request_then_intake(broker_client, broker, region):
    response = broker_client.post(NEW, form_data(then_intake="on"))
    item = HelpRequest.objects.get(requester_first_name="Zoë")
    assert response.status_code == 302
    assert response.url == reverse("caregivers_broker:intake", kwargs={"slug": "org-a", "pk": item.pk})
    assert item.organisation == region["org_a"]
    assert item.entered_by == broker and item.requester is None
    assert item.requester_last_name == "van 't Hof-Özdemir"
    assert item.neighbourhood == region["areas"]["Velp"]
    assert (item.postcode, item.house_number, item.urgency) == ("6881 AB", "12a", "high")
    assert sorted(str(s) for s in item.slots.all()) == ["di 13:00-17:00", "do 09:00-12:00"]
    assert item.status == HelpRequest.Status.INTAKE
    assert list(item.events.values_list("from_status", "to_status", "by")) == [
        ("", "new", broker.pk),
        ("new", "intake", broker.pk),
    ]


def test_enter_one_off_request_without_intake(broker_client):
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = broker_client.post(
        NEW, form_data(slots="", dates=f"{day:%d-%m-%Y} 10:00-12:00", kind="transport", email="zoe@example.nl")
    )
    item = HelpRequest.objects.get(requester_first_name="Zoë")
    assert response.status_code == 302
    assert response.url == reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": item.pk})
    assert item.status == HelpRequest.Status.NEW
    assert [(d.date, d.start) for d in item.dates.all()] == [(day, datetime.time(10))]
    assert item.recurring is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "12AB"}, "4 cijfers en 2 letters"),
        ({"postcode": ""}, "Vul de postcode in."),
        ({"house_number": ""}, "Vul het huisnummer in."),
        ({"postcode": "6711 AA"}, "Daar werkt Centrale A niet."),  # Ede: organisation B's area
        ({"requester_first_name": ""}, "Vul de voornaam in."),
        ({"requester_first_name": "x" * 101}, "te lang"),
        ({"description": "x" * 2001}, "te lang"),
        ({"phone": "", "email": ""}, "telefoonnummer of een e-mailadres"),
        ({"phone": "bel me"}, "Vul een telefoonnummer in"),
        ({"email": "zoe@"}, "geldig e-mailadres"),
        ({"kind": "babysit"}, "Deze soort hulp kennen we niet."),
        ({"urgency": ""}, "Kies hoe snel."),
        ({"slots": "", "dates": ""}, "Vul in wanneer de hulp nodig is"),
        ({"slots": "di 17:00-13:00"}, "eindtijd moet na de begintijd"),
        ({"slots": "di 13:00-17:00; di 16:00-18:00"}, "overlappen"),
        ({"slots": "", "dates": "01-01-2020 10:00-12:00"}, "voorbij"),
        ({"slots": "", "dates": "morgen"}, "geen datum met tijd"),
        ({"dates": "01-01-2030 10:00-12:00"}, "niet allebei"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(broker_client, overrides, message):
    # Compared with what was stored before the post (not with "no Zoë anywhere"): on a
    # shared test worker a row of another test must not decide this one.
    before = set(HelpRequest.objects.values_list("pk", flat=True))
    response = broker_client.post(NEW, form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if overrides.get("requester_first_name") is None:
        assert 'value="Zoë"' in html
    assert set(HelpRequest.objects.values_list("pk", flat=True)) == before
