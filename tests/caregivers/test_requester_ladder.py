"""The optional parts of the ladder in the requester's forms (issue #15): what they can
do themselves, who helps (no contact details), their goal and the preferred language;
bad input explained, nothing stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caregivers.models import HelpRequest, NetworkMember
from tests.caregivers.test_caregiver_views import REQUEST_NEW, RESPITE, request_data, respite_data
from tests.login import log_in

pytestmark = pytest.mark.django_db


def ladder(members=(), **overrides):
    data = {
        "own-own_strength": "Ik kan zelf nog koken.",
        "own-goal_own_words": "Ik wil weer zelf naar de winkel.",
        "own-preferred_language": "ar",
        "own-other_language": "",
        "network-TOTAL_FORMS": "2",
        "network-INITIAL_FORMS": "0",
        "network-MIN_NUM_FORMS": "0",
        "network-MAX_NUM_FORMS": "8",
    }
    for i, member in enumerate(members):
        data.update({f"network-{i}-{key}": value for key, value in member.items()})
    data.update(overrides)
    return data


def test_the_request_form_offers_the_optional_parts(client, personas):
    log_in(client, personas["nobody"])
    html = client.get(REQUEST_NEW).content.decode()
    for name in ("own-own_strength", "own-goal_own_words", "own-preferred_language", "network-0-name"):
        assert f'name="{name}"' in html
    assert 'name="network-0-phone"' not in html  # no contact details from the requester


def test_a_request_with_own_strength_who_helps_and_a_goal(client, personas, frozen_now):
    user = personas["nobody"]
    log_in(client, user)
    data = {
        **request_data(),
        **ladder([{"name": "Mijn zoon", "relation": "family", "helps": "now", "what": "Boodschappen op zaterdag"}]),
    }
    assert client.post(REQUEST_NEW, data).status_code == 302
    request = HelpRequest.objects.get(requester=user)
    assert request.own_strength == "Ik kan zelf nog koken."
    assert request.goal_own_words == "Ik wil weer zelf naar de winkel."
    assert request.preferred_language == "ar"
    member = request.network.get()
    assert (member.name, member.relation, member.helps, member.phone, member.contact_consent) == (
        "Mijn zoon",
        "family",
        "now",
        "",
        False,
    )


def test_a_request_without_the_optional_parts_is_fine(client, personas, frozen_now):
    user = personas["nobody"]
    log_in(client, user)
    data = {
        **request_data(),
        **ladder(**{"own-own_strength": "", "own-goal_own_words": "", "own-preferred_language": ""}),
    }
    assert client.post(REQUEST_NEW, data).status_code == 302
    request = HelpRequest.objects.get(requester=user)
    assert request.own_strength == request.goal_own_words == request.preferred_language == ""
    assert not request.network.exists()


@pytest.mark.parametrize(
    "members, overrides, message",
    [
        ([], {"own-own_strength": "x" * 2001}, "Schrijf hoogstens 2000 tekens"),
        ([], {"own-goal_own_words": "x" * 1001}, "Schrijf hoogstens 1000 tekens"),
        ([], {"own-preferred_language": "klingon"}, "Kies een taal uit de lijst."),
        ([], {"own-preferred_language": "other", "own-other_language": "123"}, "taalcode van 2 letters"),
        ([], {"own-preferred_language": "", "own-other_language": "Somalisch"}, "taalcode van 2 letters"),
        ([{"name": "", "relation": "family", "helps": "now"}], {}, "Vul een voornaam of omschrijving in."),
        ([{"name": "Zoon", "relation": "boss", "helps": "now"}], {}, "Kies wie het is."),
        ([{"name": "Zoon", "relation": "family", "helps": "soms"}], {}, "al helpt of zou kunnen helpen"),
        ([{"name": "Zoon", "relation": "family", "helps": "now", "what": "x" * 301}], {}, "Schrijf hoogstens 300"),
    ],
)
def test_bad_ladder_input_in_the_request_form(client, personas, frozen_now, members, overrides, message):
    user = personas["nobody"]
    log_in(client, user)
    response = client.post(REQUEST_NEW, {**request_data(), **ladder(members, **overrides)})
    assert response.status_code == 200  # the page again, with the reason
    assert message in response.content.decode()
    assert not HelpRequest.objects.filter(requester=user).exists()
    assert not NetworkMember.objects.exists()


def test_contact_details_posted_anyway_are_not_kept(client, personas, frozen_now):
    user = personas["nobody"]
    log_in(client, user)
    member = {"name": "Zoon", "relation": "family", "helps": "now", "phone": "06 12345678", "contact_consent": "on"}
    assert client.post(REQUEST_NEW, {**request_data(), **ladder([member])}).status_code == 302
    stored = HelpRequest.objects.get(requester=user).network.get()
    assert stored.phone == "" and not stored.contact_consent


def test_respite_request_with_the_ladder(client, mark, frozen_now):
    log_in(client, mark.user)
    before = set(HelpRequest.objects.filter(mantelzorger=mark).values_list("pk", flat=True))
    data = {**respite_data(mark), **ladder([{"name": "De buurvrouw", "relation": "neighbour", "helps": "could"}])}
    response = client.post(RESPITE, data)
    assert response.status_code == 302
    request = HelpRequest.objects.filter(mantelzorger=mark).exclude(pk__in=before).get()
    assert request.preferred_language == "ar" and request.network.get().name == "De buurvrouw"
    assert response["Location"] == reverse("caregivers:request_detail", args=[request.pk])


def test_respite_request_refuses_bad_ladder_input(client, mark, frozen_now):
    log_in(client, mark.user)
    before = HelpRequest.objects.count()
    data = {**respite_data(mark), **ladder([{"name": "Buur", "relation": "family", "helps": ""}])}
    response = client.post(RESPITE, data)
    assert response.status_code == 200 and "al helpt of zou kunnen helpen" in response.content.decode()
    assert HelpRequest.objects.count() == before and not NetworkMember.objects.exists()
