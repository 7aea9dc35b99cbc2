"""Asking for help without an account (issue #18, caregivers.asking): the public form,
its robot checks, the broker's queue and the link to an account later."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from caregivers.asking import account_to_link, request_account_link
from caregivers.models import HelpRequest, RequestEvent
from common.errors import DomainError
from tests.login import log_in

pytestmark = pytest.mark.django_db

URL = "/hulp/zonder-account/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "help_with": "shopping",
        "description": "Elke week boodschappen bij de supermarkt.",
        "first_name": "Zoë",
        "postcode": "6881 AB",  # Velp, gemeente Rheden: organisation A
        "house_number": "12",
        "phone": "06 12 34 56 78",
        "email": "",
        "call_time": "dinsdagochtend",
        "website": "",
    }
    data.update(overrides)
    return data


def anonymous_requests():
    return HelpRequest.objects.filter(source=HelpRequest.Source.WEB_NO_ACCOUNT)


def test_the_url_is_the_one_the_links_use():
    assert reverse("caregivers:ask") == URL


def test_the_form_is_public_and_prefilled_from_the_lookup(client, region):
    response = client.get(URL, {"postcode": "6881 AB", "house_number": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="6881 AB"' in html and 'value="12"' in html
    assert 'name="website"' in html and 'class="hp-field"' in html
    # The request kinds the product has, respite too.
    assert 'value="respite"' in html and 'value="transport"' in html


def test_a_request_lands_in_the_queue_of_the_organisation_that_serves_the_postcode(client, region):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == "/hulp/zonder-account/verstuurd/?organisatie=org-a"
    request = anonymous_requests().get()
    assert request.organisation == region["org_a"]
    assert request.status == HelpRequest.Status.NEW
    assert request.requester is None and request.entered_by is None
    assert request.phone == "0612345678"  # the national form, for the broker to call
    assert request.kind == HelpRequest.Kind.PRACTICAL
    assert [s.code for s in request.skills.all()] == ["shopping"]
    assert request.call_time == "dinsdagochtend" and request.contact_name == ""
    assert request.neighbourhood == region["areas"]["Velp"]
    assert request.get_source_display() == "via de website, zonder account"
    event = RequestEvent.objects.get(request=request)
    assert event.to_status == "new" and event.by is None


def test_the_thank_you_page_shows_nothing_that_was_sent(client, region):
    region["org_a"].phone = "026 000 00 00"
    region["org_a"].save()
    response = client.post(URL, form_data(first_name="Wilhelmina", call_time="na 16 uur"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uw vraag is verstuurd" in html
    for sent in ("Wilhelmina", "0612345678", "06 12 34 56 78", "6881", "boodschappen", "na 16 uur"):
        assert sent not in html
    assert "026 000 00 00" in html  # the centre's own number, to call first


def test_for_someone_else_the_asker_is_named_and_the_contact_is_theirs(client, region):
    data = form_data(
        for_someone_else="on", first_name="Gerrit", contact_name="Anouk de Vries", phone="", email="anouk@example.nl"
    )
    assert client.post(URL, data).status_code == 302
    request = anonymous_requests().get()
    assert request.requester_first_name == "Gerrit"
    assert request.contact_name == "Anouk de Vries"
    assert request.email == "anouk@example.nl" and request.phone == ""


def test_respite_without_an_account_needs_a_vog_and_links_no_carer(client, region):
    assert client.post(URL, form_data(help_with="respite")).status_code == 302
    request = anonymous_requests().get()
    assert request.kind == "respite" and request.needs_vog
    assert request.mantelzorger is None
    assert [s.code for s in request.skills.all()] == ["respite"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "", "email": ""}, "phone", "telefoonnummer of een e-mailadres"),
        ({"phone": "12345"}, "phone", "Nederlands telefoonnummer"),
        ({"phone": "+49 30 1234567"}, "phone", "Nederlands telefoonnummer"),
        ({"phone": "", "email": "geen-adres"}, "email", "geldig e-mailadres"),
        ({"postcode": "68811AB"}, "postcode", "4 cijfers en 2 letters"),
        ({"postcode": ""}, "postcode", "Vul de postcode in"),
        ({"house_number": ""}, "house_number", "huisnummer"),
        ({"postcode": "1000 AA"}, "postcode", "Deze postcode kennen we niet"),
        ({"description": "x" * 2001}, "description", "hoogstens 2000 tekens"),
        ({"description": ""}, "description", "Vertel kort wat er nodig is"),
        ({"first_name": ""}, "first_name", "voornaam"),
        ({"first_name": "x" * 101}, "first_name", "hoogstens 100 tekens"),
        ({"call_time": "x" * 101}, "call_time", "hoogstens 100 tekens"),
        ({"help_with": "beer"}, "help_with", "Kies waarbij"),
        ({"for_someone_else": "on", "contact_name": ""}, "contact_name", "eigen naam"),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(client, region, overrides, field, message):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert not HelpRequest.objects.filter(source="web_no_account").exists()


def test_a_postcode_no_organisation_serves_says_what_to_do_and_stores_nothing(client, region):
    response = client.post(URL, form_data(postcode="1011 AB", house_number="1"))  # Amsterdam
    assert response.status_code == 400
    html = response.content.decode()
    assert "werkt nog geen vrijwilligerscentrale" in html
    assert "website van uw gemeente" in html
    assert not anonymous_requests().exists()


def test_the_honeypot_pretends_success_and_stores_nothing(client, region):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/hulp/zonder-account/verstuurd/"
    assert not HelpRequest.objects.filter(source="web_no_account").exists()


def test_the_honeypot_is_checked_before_anything_else(client, region):
    # Even an invalid robot post gets the same "thank you".
    response = client.post(URL, {"website": "x"})
    assert response.status_code == 302 and not anonymous_requests().exists()


def test_rate_limit_per_ip(client, region, settings):
    settings.ASK_WITHOUT_ACCOUNT_RATE_LIMITS = {"ask_ip": "2/1h/ip", "ask_contact": "10/1d/key"}
    for number in ("0612345671", "0612345672"):
        assert client.post(URL, form_data(phone=number)).status_code == 302
    response = client.post(URL, form_data(phone="0612345673"))
    assert response.status_code == 429
    assert "al veel vragen verstuurd" in response.content.decode()
    assert anonymous_requests().count() == 2


def test_rate_limit_per_phone_number_whatever_the_spelling(client, region, settings):
    settings.ASK_WITHOUT_ACCOUNT_RATE_LIMITS = {"ask_ip": "10/1h/ip", "ask_contact": "1/1d/key"}
    assert client.post(URL, form_data(phone="06-12345678")).status_code == 302
    other_ip = {"REMOTE_ADDR": "198.51.100.7"}
    response = client.post(URL, form_data(phone="+31 6 1234 5678"), **other_ip)
    assert response.status_code == 429
    assert client.post(URL, form_data(phone="0687654321"), **other_ip).status_code == 302
    assert anonymous_requests().count() == 2


def test_a_refused_request_does_not_count_against_the_limit(client, region, settings):
    settings.ASK_WITHOUT_ACCOUNT_RATE_LIMITS = {"ask_ip": "1/1h/ip", "ask_contact": "1/1d/key"}
    assert client.post(URL, form_data(postcode="1011 AB", house_number="1")).status_code == 400
    assert client.post(URL, form_data()).status_code == 302


def test_no_ip_address_is_stored(client, region):
    client.post(URL, form_data(), REMOTE_ADDR="203.0.113.99")
    request = anonymous_requests().get()
    values = [str(v) for v in HelpRequest.objects.filter(pk=request.pk).values().get().values()]
    values += [str(v) for e in RequestEvent.objects.filter(request=request).values() for v in e.values()]
    assert not any("203.0.113" in v for v in values)


# --- The broker's side ------------------------------------------------------------------


def test_the_broker_of_the_organisation_finds_it_in_the_queue(client, region, personas):
    client.post(URL, form_data(first_name="Zoë"))
    request = anonymous_requests().get()
    log_in(client, personas["broker_a"])
    html = client.get(reverse("caregivers_broker:queue", args=["org-a"])).content.decode()
    assert f"#{request.pk}" in html and "via de website, zonder account" in html
    detail = client.get(reverse("caregivers_broker:detail", args=["org-a", request.pk])).content.decode()
    assert "Gevraagd zonder account" in detail and "dinsdagochtend" in detail and "0612345678" in detail


def test_another_organisations_broker_cannot_see_it(client, region, personas):
    client.post(URL, form_data())
    request = anonymous_requests().get()
    log_in(client, personas["broker_b"])
    assert client.get(reverse("caregivers_broker:detail", args=["org-a", request.pk])).status_code == 404
    assert client.get(reverse("caregivers_broker:detail", args=["org-b", request.pk])).status_code == 404
    queue = client.get(reverse("caregivers_broker:queue", args=["org-b"])).content.decode()
    assert "Zoë" not in queue
    link = reverse("caregivers_broker:link_account", args=["org-b", request.pk])
    assert client.post(link).status_code == 404


def test_a_request_in_ede_goes_to_organisation_b(client, region):
    assert client.post(URL, form_data(postcode="6711 AA", house_number="1")).status_code == 302
    assert anonymous_requests().get().organisation == region["org_b"]


# --- Claiming it later: the broker links it to the account with the verified address ---


def _verified_account(email, *, verified=True):
    from demo.factories import UserFactory

    user = UserFactory(email=email)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": verified, "primary": True})
    return user


def test_the_broker_links_the_request_to_the_account_with_the_verified_address(client, region, personas):
    client.post(URL, form_data(phone="", email="Anouk@Example.nl"))
    request = anonymous_requests().get()
    assert account_to_link(request) is None  # no account yet
    anouk = _verified_account("anouk@example.nl")
    assert account_to_link(request) == anouk

    log_in(client, personas["broker_a"])
    detail_url = reverse("caregivers_broker:detail", args=["org-a", request.pk])
    assert "Vraag aan dit account koppelen" in client.get(detail_url).content.decode()
    response = client.post(reverse("caregivers_broker:link_account", args=["org-a", request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.requester == anouk
    assert RequestEvent.objects.filter(request=request, by=personas["broker_a"]).exists()

    # Anouk now follows it herself.
    log_in(client, anouk)
    assert client.get(reverse("caregivers:request_detail", args=[request.pk])).status_code == 200

    # Only once.
    log_in(client, personas["broker_a"])
    assert client.post(reverse("caregivers_broker:link_account", args=["org-a", request.pk])).status_code == 400


def test_an_unverified_address_is_never_linked(region, personas):
    from caregivers.asking import request_without_account_submit
    from neighbourhoods.geocoding import get_geocoder

    location = get_geocoder().geocode(postcode="6881 AB", house_number="12")
    request = request_without_account_submit(
        location=location,
        postcode="6881 AB",
        house_number="12",
        kind="practical",
        skill_code=None,
        first_name="Piet",
        email="piet@example.nl",
        description="Een klusje.",
    )
    _verified_account("piet@example.nl", verified=False)
    assert account_to_link(request) is None
    with pytest.raises(DomainError):
        request_account_link(request=request, by=personas["broker_a"])


def test_only_a_broker_of_the_organisation_may_link(region, personas):
    from caregivers.asking import request_without_account_submit
    from neighbourhoods.geocoding import get_geocoder

    location = get_geocoder().geocode(postcode="6881 AB", house_number="12")
    request = request_without_account_submit(
        location=location,
        postcode="6881 AB",
        house_number="12",
        kind="practical",
        skill_code=None,
        first_name="Piet",
        email="piet@example.nl",
        description="Een klusje.",
    )
    _verified_account("piet@example.nl")
    for someone in ("broker_b", "municipality", "volunteer", "nobody"):
        with pytest.raises(DomainError):
            request_account_link(request=request, by=personas[someone])
    request.refresh_from_db()
    assert request.requester is None


def test_a_request_with_an_account_is_not_offered_for_linking(region, personas):
    request = HelpRequest.objects.filter(requester=personas["mantelzorger"]).get()
    request.email = personas["mantelzorger"].email
    _verified_account("other@example.nl")
    assert account_to_link(request) is None


def test_erasure_removes_who_asked_and_when_to_call(client, region, personas):
    from caregivers.services import requests_erase

    data = form_data(for_someone_else="on", first_name="Gerrit", contact_name="Anouk de Vries")
    client.post(URL, data)
    request = anonymous_requests().get()
    requests_erase(request_ids=[request.pk], by=personas["broker_a"])
    request.refresh_from_db()
    assert (request.contact_name, request.call_time, request.phone) == ("", "", "")
    assert request.source == "web_no_account"  # how it came in stays, for the figures


def test_the_export_names_who_asked_and_when_to_call(client, region):
    from caregivers.personal_data import _request

    client.post(URL, form_data(for_someone_else="on", first_name="Gerrit", contact_name="Anouk de Vries"))
    exported = _request(anonymous_requests().get())
    assert exported["contact_name"] == "Anouk de Vries" and exported["call_time"] == "dinsdagochtend"
    assert exported["source"] == "web_no_account"


def test_the_form_shows_no_template_comment(client, db):
    assert "{#" not in client.get(URL).content.decode()
