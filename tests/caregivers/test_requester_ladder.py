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


# --- The ladder on the person's own request page ---------------------------------------

NO_NETWORK = {
    "network-TOTAL_FORMS": "1",
    "network-INITIAL_FORMS": "0",
    "network-MIN_NUM_FORMS": "0",
    "network-MAX_NUM_FORMS": "8",
}


@pytest.fixture
def own_request(personas):
    """Nina's own request (new), with Anja in her network as the broker recorded her:
    with a phone number, kept with Nina's consent."""
    import datetime

    from demo.factories import HelpRequestFactory

    item = HelpRequestFactory(requester=personas["nobody"], kind="practical", status="new", own_strength="")
    NetworkMember.objects.create(
        request=item,
        name="Anja",
        relation="family",
        helps="now",
        what="Boodschappen",
        contact_consent=True,
        contact_consent_on=datetime.date(2030, 5, 1),
        phone="06 12345678",
    )
    return item


def ladder_url(item):
    return reverse("caregivers:request_ladder", args=[item.pk])


def own_post(item, *, members=(), **overrides):
    """What the own page posts: the stored members as they are shown, plus ``members``."""
    stored = list(item.network.order_by("pk"))
    data = {
        "own-own_strength": "Ik kan zelf nog koken.",
        "own-goal_own_words": "Ik wil weer zelf naar de winkel.",
        "own-preferred_language": "",
        "own-other_language": "",
        "network-TOTAL_FORMS": str(len(stored) + max(len(members), 1)),
        "network-INITIAL_FORMS": str(len(stored)),
        "network-MIN_NUM_FORMS": "0",
        "network-MAX_NUM_FORMS": "8",
    }
    for i, m in enumerate(stored):
        data.update(
            {
                f"network-{i}-id": str(m.pk),
                f"network-{i}-name": m.name,
                f"network-{i}-relation": m.relation,
                f"network-{i}-helps": m.helps,
                f"network-{i}-what": m.what,
            }
        )
    for j, member in enumerate(members, start=len(stored)):
        data.update({f"network-{j}-{key}": value for key, value in member.items()})
    data.update(overrides)
    return data


def test_the_own_request_page_shows_the_ladder_and_offers_to_change_it(client, personas, own_request):
    own_request.goal_own_words = "Weer naar de markt"
    own_request.preferred_language = "tr"
    own_request.save()
    log_in(client, personas["nobody"])
    html = client.get(reverse("caregivers:request_detail", args=[own_request.pk])).content.decode()
    assert "Wat u zelf kunt, en wie helpt" in html
    assert "Anja (familie, helpt al): Boodschappen" in html and "Weer naar de markt" in html and "Turks" in html
    assert "06 12345678" not in html  # the contact details are the broker's, not shown here
    assert ladder_url(own_request) in html
    page = client.get(ladder_url(own_request))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Anja"' in html and 'name="network-0-DELETE"' in html and 'name="network-0-phone"' not in html


def test_the_person_fills_in_the_ladder_and_the_broker_keeps_what_they_recorded(client, personas, own_request):
    log_in(client, personas["nobody"])
    new = {"name": "De buurvrouw", "relation": "neighbour", "helps": "could", "what": "Kan rijden"}
    data = own_post(own_request, members=[new], **{"own-preferred_language": "other", "own-other_language": "so"})
    response = client.post(ladder_url(own_request), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("caregivers:request_detail", args=[own_request.pk])
    own_request.refresh_from_db()
    assert own_request.own_strength == "Ik kan zelf nog koken."
    assert own_request.goal_own_words == "Ik wil weer zelf naar de winkel."
    assert own_request.preferred_language == "so" and own_request.status == "new"
    anja, buur = own_request.network.order_by("pk")
    # Anja was not changed on the page: she stays, with the phone number and consent date the broker kept.
    assert (anja.name, anja.phone, anja.contact_consent, str(anja.contact_consent_on)) == (
        "Anja",
        "06 12345678",
        True,
        "2030-05-01",
    )
    assert (buur.name, buur.relation, buur.helps, buur.what, buur.phone) == (
        "De buurvrouw",
        "neighbour",
        "could",
        "Kan rijden",
        "",
    )


def test_the_person_changes_and_removes_members(client, personas, own_request):
    log_in(client, personas["nobody"])
    NetworkMember.objects.create(request=own_request, name="Kees", relation="friend", helps="could")
    data = own_post(own_request, **{"network-0-what": "Boodschappen en koken", "network-1-DELETE": "on"})
    assert client.post(ladder_url(own_request), data).status_code == 302
    [anja] = own_request.network.all()
    assert (anja.name, anja.what, anja.phone) == ("Anja", "Boodschappen en koken", "06 12345678")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"own-own_strength": "x" * 2001}, "Schrijf hoogstens 2000 tekens"),
        ({"own-goal_own_words": "x" * 1001}, "Schrijf hoogstens 1000 tekens"),
        ({"own-preferred_language": "klingon"}, "Kies een taal uit de lijst."),
        ({"own-preferred_language": "other", "own-other_language": "123"}, "taalcode van 2 letters"),
        ({"network-0-name": ""}, "Vul een voornaam of omschrijving in."),
        ({"network-0-relation": "boss"}, "Kies wie het is."),
        ({"network-0-helps": "soms"}, "al helpt of zou kunnen helpen"),
        ({"network-0-what": "x" * 301}, "Schrijf hoogstens 300"),
        ({"network-TOTAL_FORMS": "9"}, "8"),
    ],
)
def test_bad_input_on_the_own_page_is_explained_and_changes_nothing(client, personas, own_request, overrides, message):
    log_in(client, personas["nobody"])
    response = client.post(ladder_url(own_request), own_post(own_request, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    own_request.refresh_from_db()
    assert own_request.own_strength == "" and own_request.network.get().what == "Boodschappen"


def test_a_member_of_another_request_cannot_be_taken_over(client, personas, own_request, mark):
    other = HelpRequest.objects.get(mantelzorger=mark)
    theirs = NetworkMember.objects.create(request=other, name="Truus", relation="family", helps="now")
    log_in(client, personas["nobody"])
    data = own_post(own_request, **{"network-0-id": str(theirs.pk)})
    response = client.post(ladder_url(own_request), data)
    assert response.status_code == 400 and "hoort niet bij deze vraag" in response.content.decode()
    theirs.refresh_from_db()
    assert (theirs.request_id, theirs.name) == (other.pk, "Truus")
    assert own_request.network.get().name == "Anja"


@pytest.mark.parametrize("who", ["mantelzorger", "broker_a", "broker_b", "volunteer"])
def test_nobody_else_sees_or_changes_the_own_page(client, personas, own_request, who):
    log_in(client, personas[who])
    assert client.get(ladder_url(own_request)).status_code == 404
    assert client.get(reverse("caregivers:request_detail", args=[own_request.pk])).status_code == 404
    assert client.post(ladder_url(own_request), own_post(own_request)).status_code == 404
    own_request.refresh_from_db()
    assert own_request.own_strength == "" and own_request.network.count() == 1


def test_anonymous_is_sent_to_log_in(client, own_request):
    response = client.post(ladder_url(own_request), own_post(own_request))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    own_request.refresh_from_db()
    assert own_request.own_strength == ""


@pytest.mark.parametrize("status", ["matched", "closed", "referred", "withdrawn"])
def test_after_the_intake_the_ladder_is_no_longer_the_persons_to_change(client, personas, own_request, status):
    HelpRequest.objects.filter(pk=own_request.pk).update(status=status)
    log_in(client, personas["nobody"])
    detail = client.get(reverse("caregivers:request_detail", args=[own_request.pk])).content.decode()
    assert ladder_url(own_request) not in detail and "Anja" in detail
    for response in (client.get(ladder_url(own_request)), client.post(ladder_url(own_request), own_post(own_request))):
        assert response.status_code == 302
        assert response["Location"] == reverse("caregivers:request_detail", args=[own_request.pk])
    own_request.refresh_from_db()
    assert own_request.own_strength == ""


def test_the_carer_changes_a_respite_request_a_broker_entered_for_her(client, mark, personas):
    item = HelpRequest.objects.get(mantelzorger=mark)
    HelpRequest.objects.filter(pk=item.pk).update(requester=None, status="intake")
    log_in(client, mark.user)
    assert client.post(ladder_url(item), own_post(item)).status_code == 302
    item.refresh_from_db()
    assert item.own_strength == "Ik kan zelf nog koken." and item.status == "intake"


def test_the_service_refuses_others_contact_details_and_a_closed_request(personas, own_request):
    from caregivers.services import NetworkMemberData, request_ladder_update
    from common.errors import DomainError

    kwargs = {"own_strength": "Zelf", "goal_own_words": "", "preferred_language": ""}
    with pytest.raises(DomainError, match="Alleen wie de vraag stelde"):
        request_ladder_update(request=own_request, by=personas["broker_a"], network=[], **kwargs)
    phone = NetworkMemberData(name="Zoon", relation="family", helps="now", phone="0612345678", contact_consent=True)
    with pytest.raises(DomainError, match="Telefoonnummers"):
        request_ladder_update(request=own_request, by=personas["nobody"], network=[phone], **kwargs)
    HelpRequest.objects.filter(pk=own_request.pk).update(status="closed")
    with pytest.raises(DomainError, match="klaar met het gesprek"):
        request_ladder_update(request=own_request, by=personas["nobody"], network=[], **kwargs)
    own_request.refresh_from_db()
    assert own_request.own_strength == "" and own_request.network.get().name == "Anja"


# --- The change in the request's history ------------------------------------------------


def _ladder_events(item):
    return list(item.events.filter(code="ladder_changed"))


def _same_as_stored(item) -> dict:
    return {
        "own-own_strength": item.own_strength,
        "own-goal_own_words": item.goal_own_words,
        "own-preferred_language": item.preferred_language,
    }


def test_a_change_on_the_own_page_is_a_line_in_the_history(client, personas, own_request, region):
    from django.utils import translation

    HelpRequest.objects.filter(pk=own_request.pk).update(organisation=region["org_a"])
    own_request.refresh_from_db()
    user = personas["nobody"]
    log_in(client, user)
    new = {"name": "De buurvrouw", "relation": "neighbour", "helps": "could", "what": "Kan rijden"}
    data = own_post(own_request, members=[new], **{"own-preferred_language": "tr"})
    assert client.post(ladder_url(own_request), data).status_code == 302
    [event] = _ladder_events(own_request)
    # Who, when, which parts; nothing of what was typed.
    assert (event.by, event.from_status, event.to_status) == (user, "new", "new")
    assert event.params == {"parts": ["own_strength", "goal", "network", "language"]} and event.note == ""
    stored = f"{event.params} {event.note}"
    assert "koken" not in stored and "buurvrouw" not in stored and "tr" not in event.params["parts"]

    # The person reads it on their own page.
    own_page = client.get(reverse("caregivers:request_detail", args=[own_request.pk])).content.decode()
    assert "U heeft aangepast wat u zelf kunt en wie helpt" in own_page

    # The broker sees it in the request's history, in Dutch and in English.
    log_in(client, personas["broker_a"])
    url = reverse("caregivers_broker:detail", kwargs={"slug": "org-a", "pk": own_request.pk})
    with translation.override("nl"):
        dutch = client.get(url).content.decode()
    assert "aangepast door de aanvrager" in dutch
    assert (
        "Zelf aangepast op de eigen pagina: wat de aanvrager zelf kan, het doel in eigen woorden, het netwerk, de taal."
        in dutch
    )
    client.cookies["django_language"] = "en"
    with translation.override("nl"):
        english = client.get(url).content.decode()
    assert (
        "Changed by the person who asked, on their own page: what they can do themselves, "
        "the goal in their own words, the network, the language." in english
    )


@pytest.mark.parametrize(
    "change, parts",
    [
        ({}, None),
        ({"own-own_strength": "Ik kan nog fietsen."}, ["own_strength"]),
        ({"network-0-what": "Boodschappen en koken"}, ["network"]),
        ({"network-0-DELETE": "on"}, ["network"]),
        ({"network-1-name": "Kees", "network-1-relation": "friend", "network-1-helps": "could"}, ["network"]),
        ({"own-preferred_language": "en"}, ["language"]),
    ],
)
def test_only_the_parts_that_changed_are_named_and_no_change_writes_no_line(
    client, personas, own_request, change, parts
):
    log_in(client, personas["nobody"])
    data = own_post(own_request, **{**_same_as_stored(own_request), **change})
    assert client.post(ladder_url(own_request), data).status_code == 302
    events = _ladder_events(own_request)
    if parts is None:
        assert events == []
    else:
        [event] = events
        assert event.params == {"parts": parts}


def test_bad_input_on_the_own_page_writes_no_line(client, personas, own_request):
    log_in(client, personas["nobody"])
    response = client.post(ladder_url(own_request), own_post(own_request, **{"own-own_strength": "x" * 2001}))
    assert response.status_code == 400
    assert _ladder_events(own_request) == []
