"""Signals ("erop af"): staff pass on a signal with consent; the broker sees it in the
queue, turns it into a request (prefilled) or closes it with a reason."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from caregivers.models import CareSignal, HelpRequest
from caregivers.outreach import signal_close, signal_submit
from common.errors import DomainError
from tests.login import log_in

pytestmark = pytest.mark.django_db
NEW = reverse("caregivers_broker:signal_new", kwargs={"slug": "org-a"})
QUEUE = reverse("caregivers_broker:queue", kwargs={"slug": "org-a"})


def signal_data(**overrides):
    data = {
        "first_name": "Zoë",
        "contact": "026 1234567",
        "postcode": "6881ab",
        "place": "",
        "noticed": "Zorgt alleen voor haar man met dementie en slaapt slecht.",
        "about_carer": "on",
        "source_kind": "gp",
        "source_name": "Huisartsenpraktijk De Linde",
        "consent_given": "on",
        "consent_how": "verbal",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_signal(org, by, **overrides) -> CareSignal:
    values = {
        "first_name": "Zoë",
        "contact": "zoe@example.nl",
        "noticed": "Redt het niet meer alleen.",
        "source_kind": "district_team",
        "consent_given": True,
        "consent_how": "written",
        "place": "Velp",
    }
    values.update(overrides)
    return signal_submit(organisation=org, by=by, **values)


def test_broker_passes_a_signal_and_sees_it_in_the_queue(broker_client, broker, region):
    response = broker_client.post(NEW, signal_data())
    signal = CareSignal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("caregivers_broker:signal", kwargs={"slug": "org-a", "pk": signal.pk})
    assert signal.organisation == region["org_a"] and signal.entered_by == broker
    assert signal.neighbourhood == region["areas"]["Velp"] and signal.postcode == "6881 AB"
    assert (signal.status, signal.consent_how, signal.about_carer) == ("open", "verbal", True)
    assert signal.consent_at is not None
    page = broker_client.get(QUEUE).content.decode()
    assert f"Signaal #{signal.pk}: Zoë" in page
    row = AccessLogEntry.objects.get(what="queue")
    assert f"caresignal:{signal.pk}" in row.object_ref.split(",")


def test_an_admin_may_pass_a_signal_but_not_read_it(client, personas, region):
    log_in(client, personas["admin_a"])
    response = client.post(NEW, signal_data())
    assert response.status_code == 302 and response.url == NEW
    signal = CareSignal.objects.get()
    detail = reverse("caregivers_broker:signal", kwargs={"slug": "org-a", "pk": signal.pk})
    assert client.get(detail).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent_given": None}, "Zonder toestemming van de persoon slaan we geen signaal op"),
        ({"consent_how": None}, "Kies hoe de persoon toestemming gaf."),
        ({"consent_how": "telepathy"}, "Kies hoe de persoon toestemming gaf."),
        ({"first_name": ""}, "Vul de voornaam in."),
        ({"first_name": "x" * 101}, "te lang"),
        ({"contact": ""}, "Vul in hoe we de persoon bereiken"),
        ({"contact": "bel maar"}, "Vul een telefoonnummer of e-mailadres in"),
        ({"contact": "zoe@"}, "Vul een geldig e-mailadres in"),
        ({"noticed": ""}, "Schrijf kort wat er opviel."),
        ({"noticed": "x" * 1001}, "te lang"),
        ({"source_kind": "martians"}, "Kies van wie het signaal komt."),
        ({"source_name": "x" * 151}, "te lang"),
        ({"postcode": "", "place": ""}, "Vul uw postcode in, of de plaats"),
        ({"postcode": "12AB"}, "4 cijfers en 2 letters"),
        ({"postcode": "6711 AA"}, "Daar werkt Centrale A niet."),
    ],
)
def test_bad_signal_input_is_a_form_error_and_stores_nothing(broker_client, overrides, message):
    response = broker_client.post(NEW, signal_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CareSignal.objects.exists()


def test_the_service_refuses_a_signal_without_consent(region, personas):
    with pytest.raises(DomainError) as error:
        make_signal(region["org_a"], personas["broker_a"], consent_given=False)
    assert error.value.field == "consent_given"
    with pytest.raises(DomainError):
        make_signal(region["org_a"], personas["broker_b"])  # another organisation's broker
    assert not CareSignal.objects.exists()


def test_the_database_refuses_a_signal_without_consent(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareSignal.objects.create(
            organisation=region["org_a"],
            source_kind="gp",
            first_name="X",
            contact="026 1234567",
            noticed="x",
            consent_given=False,
            consent_how="verbal",
            consent_at=timezone.now(),
        )


def test_signal_page_is_logged_and_scoped(broker_client, broker, region, personas):
    signal = make_signal(region["org_a"], broker)
    url = reverse("caregivers_broker:signal", kwargs={"slug": "org-a", "pk": signal.pk})
    response = broker_client.get(url)
    assert response.status_code == 200 and "Redt het niet meer alleen." in response.content.decode()
    row = AccessLogEntry.objects.get()
    assert (row.what, row.subject_key, row.object_ref) == ("signal", f"signal:{signal.pk}", f"caresignal:{signal.pk}")
    other = make_signal(region["org_b"], personas["broker_b"], place="Ede")
    assert (
        broker_client.get(reverse("caregivers_broker:signal", kwargs={"slug": "org-a", "pk": other.pk})).status_code
        == 404
    )


def test_a_signal_becomes_a_prefilled_request(broker_client, broker, region):
    signal = make_signal(region["org_a"], broker, contact="026 7654321", about_carer=True)
    new = reverse("caregivers_broker:new", kwargs={"slug": "org-a"}) + f"?signaal={signal.pk}"
    page = broker_client.get(new).content.decode()
    assert 'value="026 7654321"' in page and "Redt het niet meer alleen." in page
    data = {
        "requester_first_name": "Zoë",
        "phone": "026 7654321",
        "email": "",
        "postcode": "6881AB",
        "house_number": "3",
        "kind": "practical",
        "description": "Boodschappen",
        "slots": "di 13:00-17:00",
        "dates": "",
        "urgency": "normal",
    }
    response = broker_client.post(new, data)
    assert response.status_code == 302
    item = HelpRequest.objects.get(entered_by=broker)
    signal.refresh_from_db()
    assert (signal.status, signal.request, signal.handled_by) == ("request", item, broker)
    # Handled once: the form with the same signal now goes back to the signal.
    again = broker_client.post(new, data)
    assert again.status_code == 302 and HelpRequest.objects.filter(entered_by=broker).count() == 1


def test_a_refused_request_leaves_the_signal_open(broker_client, broker, region):
    signal = make_signal(region["org_a"], broker)
    new = reverse("caregivers_broker:new", kwargs={"slug": "org-a"}) + f"?signaal={signal.pk}"
    response = broker_client.post(new, {"requester_first_name": "Zoë", "postcode": "6881AB"})
    assert response.status_code == 400
    signal.refresh_from_db()
    assert signal.status == "open" and signal.request is None


@pytest.mark.parametrize("bad", ["abc", "999999"])
def test_an_unknown_signal_in_the_request_form_is_404(broker_client, bad):
    assert (
        broker_client.get(reverse("caregivers_broker:new", kwargs={"slug": "org-a"}) + f"?signaal={bad}").status_code
        == 404
    )


def test_close_a_signal_with_a_reason(broker_client, broker, region):
    signal = make_signal(region["org_a"], broker)
    url = reverse("caregivers_broker:signal_close", kwargs={"slug": "org-a", "pk": signal.pk})
    response = broker_client.post(url, {"reason": "own_network", "note": "De dochter helpt nu."})
    assert response.status_code == 302 and response.url == QUEUE
    signal.refresh_from_db()
    assert (signal.status, signal.close_reason, signal.close_note) == ("closed", "own_network", "De dochter helpt nu.")
    assert "Signaal #" not in broker_client.get(QUEUE).content.decode()
    with pytest.raises(DomainError, match="al afgehandeld"):
        signal_close(signal=signal, by=broker, reason="no_need")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Kies waarom het signaal wordt afgesloten."),
        ({"reason": "bored"}, "Kies waarom het signaal wordt afgesloten."),
        ({"reason": "no_need", "note": "x" * 501}, "te lang"),
    ],
)
def test_bad_close_input_is_a_form_error(broker_client, broker, region, data, message):
    signal = make_signal(region["org_a"], broker)
    url = reverse("caregivers_broker:signal_close", kwargs={"slug": "org-a", "pk": signal.pk})
    response = broker_client.post(url, data)
    assert response.status_code == 400 and message in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == "open"


def test_an_admin_may_not_close_a_signal(region, personas):
    signal = make_signal(region["org_a"], personas["broker_a"])
    with pytest.raises(DomainError):
        signal_close(signal=signal, by=personas["admin_a"], reason="no_need")


def test_respite_for_an_offline_carer_creates_then_links_the_carer_record(broker_client, broker, region):
    from caregivers.models import Mantelzorger

    url = reverse("caregivers_broker:new", kwargs={"slug": "org-a"})
    data = {
        "requester_first_name": "Joke",
        "requester_last_name": "de Vries",
        "phone": "026 1112222",
        "email": "",
        "postcode": "6881AB",
        "house_number": "5",
        "kind": "respite",
        "description": "Even op adem komen",
        "slots": "di 13:00-17:00",
        "dates": "",
        "urgency": "normal",
    }
    assert broker_client.post(url, data).status_code == 302
    assert broker_client.post(url, {**data, "slots": "do 09:00-12:00"}).status_code == 302
    carer = Mantelzorger.objects.get(first_name="Joke")
    assert (
        carer.user is None and carer.organisation == region["org_a"] and carer.neighbourhood == region["areas"]["Velp"]
    )
    assert HelpRequest.objects.filter(mantelzorger=carer, kind="respite").count() == 2
    # Practical help does not make anyone a carer.
    assert broker_client.post(url, {**data, "requester_first_name": "Piet", "kind": "practical"}).status_code == 302
    assert not Mantelzorger.objects.filter(first_name="Piet").exists()
