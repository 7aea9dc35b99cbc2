"""The ladder at intake (issue #15): own strength, the network, the goal, the preferred
language, and closing a request on the step where it was solved; bad input refused with
a reason and nothing stored."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from caregivers.intake import request_close_solved, request_intake_save, request_refer, request_reopen
from caregivers.models import HelpRequest, NetworkMember, RequestEvent
from caregivers.services import NetworkMemberData, network_check, requests_erase
from common.errors import DomainError
from demo.factories import VolunteerFactory
from matches.models import Match
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults

pytestmark = pytest.mark.django_db
S = HelpRequest.Status
Step = HelpRequest.LadderStep


def url(name, item):
    return reverse(f"caregivers_broker:{name}", args=[item.organisation.slug, item.pk])


def save(item, by, **overrides):
    kwargs = {
        "question_behind": "Eigenlijk voelt ze zich alleen.",
        "kind": "companionship",
        "urgency": "normal",
        "skills": [],
        "max_distance_km": None,
        **overrides,
    }
    return request_intake_save(request=item, by=by, **kwargs)


ANJA = NetworkMemberData(name="Anja", relation="family", helps="now", what="Doet de boodschappen op zaterdag")


# --- Services --------------------------------------------------------------------------


def test_intake_records_the_ladder(make_request, broker):
    item = make_request()
    save(
        item,
        broker,
        own_strength="Kookt zelf nog",
        goal_own_words="Ik wil weer naar de markt",
        goal_measurable="Over 3 maanden elke week naar de markt",
        preferred_language="TR",
        network=[
            ANJA,
            NetworkMemberData(
                name="de buurman",
                relation="neighbour",
                helps="could",
                contact_consent=True,
                phone="026 1234567",
            ),
        ],
    )
    item.refresh_from_db()
    assert (item.own_strength, item.goal_own_words, item.goal_measurable, item.preferred_language) == (
        "Kookt zelf nog",
        "Ik wil weer naar de markt",
        "Over 3 maanden elke week naar de markt",
        "tr",
    )
    anja, buurman = item.network.order_by("pk")
    assert (anja.name, anja.relation, anja.helps, anja.phone, anja.contact_consent_on) == (
        "Anja",
        "family",
        "now",
        "",
        None,
    )
    assert buurman.contact_consent and buurman.contact_consent_on == timezone.localdate()
    assert buurman.phone == "026 1234567"


def test_a_member_that_stays_keeps_its_consent_date_and_none_keeps_the_network(make_request, broker):
    item = make_request()
    save(item, broker, network=[NetworkMemberData(name="Piet", relation="friend", helps="now", contact_consent=True)])
    piet = item.network.get()
    NetworkMember.objects.filter(pk=piet.pk).update(contact_consent_on=datetime.date(2025, 1, 2))
    save(item, broker, network=None)
    assert item.network.get().pk == piet.pk
    save(
        item,
        broker,
        network=[NetworkMemberData(id=piet.pk, name="Piet", relation="friend", helps="could", contact_consent=True)],
    )
    piet.refresh_from_db()
    assert piet.helps == "could" and piet.contact_consent_on == datetime.date(2025, 1, 2)
    save(item, broker, network=[])
    assert not item.network.exists()


def test_a_member_of_another_request_cannot_be_taken_over(make_request, broker):
    other = make_request()
    save(other, broker, network=[ANJA])
    item = make_request()
    stolen = NetworkMemberData(id=other.network.get().pk, name="Anja", relation="family", helps="now")
    with pytest.raises(DomainError) as error:
        save(item, broker, network=[stolen])
    assert error.value.field == "network"
    assert other.network.get().name == "Anja" and not item.network.exists()


@pytest.mark.parametrize(
    "member, fragment",
    [
        (NetworkMemberData(name=" ", relation="family", helps="now"), "voornaam of een omschrijving"),
        (NetworkMemberData(name="x" * 61, relation="family", helps="now"), "hoogstens 60"),
        (NetworkMemberData(name="Anja", relation="boss", helps="now"), "Kies wie Anja is"),
        (NetworkMemberData(name="Anja", relation="family", helps="maybe"), "al helpt"),
        (NetworkMemberData(name="Anja", relation="family", helps="now", what="x" * 301), "hoogstens 300"),
        (NetworkMemberData(name="Anja", relation="family", helps="now", phone="06 12345678"), "toestemming"),
        (NetworkMemberData(name="Anja", relation="family", helps="now", email="a@b.nl"), "toestemming"),
        (
            NetworkMemberData(name="Anja", relation="family", helps="now", contact_consent=True, phone="bel maar"),
            "telefoonnummer",
        ),
        (
            NetworkMemberData(name="Anja", relation="family", helps="now", contact_consent=True, email="geen-mail"),
            "e-mailadres",
        ),
    ],
)
def test_bad_network_members_are_refused(member, fragment):
    with pytest.raises(DomainError) as error:
        network_check([member])
    assert error.value.field == "network" and fragment in error.value.message


def test_too_many_network_members_are_refused():
    with pytest.raises(DomainError, match="hoogstens 8"):
        network_check([ANJA] * 9)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"own_strength": "x" * 2001}, "own_strength"),
        ({"goal_own_words": "x" * 1001}, "goal_own_words"),
        ({"goal_measurable": "x" * 501}, "goal_measurable"),
        ({"preferred_language": "Turks"}, "preferred_language"),
        ({"preferred_language": "t1"}, "preferred_language"),
    ],
)
def test_bad_ladder_input_changes_nothing(make_request, broker, overrides, field):
    item = make_request(own_strength="Zoals het was")
    with pytest.raises(DomainError) as error:
        save(item, broker, network=[ANJA], **overrides)
    assert error.value.field == field
    item.refresh_from_db()
    assert item.own_strength == "Zoals het was" and item.status == S.NEW and not item.network.exists()


@pytest.mark.parametrize("step", [Step.OWN_STRENGTH, Step.OWN_NETWORK])
def test_close_as_solved_without_a_volunteer(make_request, broker, step):
    item = make_request(status=S.INTAKE)
    request_close_solved(request=item, by=broker, ladder_step=step, goal_reached="partly", note="Zoon helpt nu")
    item.refresh_from_db()
    assert (item.status, item.ladder_step, item.goal_reached, item.outcome) == (S.CLOSED, step, "partly", "partly")
    event = RequestEvent.objects.filter(request=item).latest("pk")
    assert (event.from_status, event.to_status, event.by) == ("intake", "closed", broker)
    assert "Zoon helpt nu" in event.note


def test_closing_as_solved_cancels_open_proposals(make_request, broker, org_a):
    item = make_request(status=S.READY)
    volunteer = VolunteerFactory(organisation=org_a)
    match = Match.objects.create(organisation=org_a, request=item, volunteer=volunteer, proposed_by=broker)
    request_close_solved(request=item, by=broker, ladder_step=Step.OWN_NETWORK, goal_reached="yes")
    match.refresh_from_db()
    assert match.status == Match.Status.CANCELLED


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"ladder_step": "volunteer", "goal_reached": "yes"}, "ladder_step"),
        ({"ladder_step": "", "goal_reached": "yes"}, "ladder_step"),
        ({"ladder_step": "own_network", "goal_reached": "maybe"}, "goal_reached"),
        ({"ladder_step": "own_network", "goal_reached": ""}, "goal_reached"),
    ],
)
def test_close_as_solved_refuses_bad_input(make_request, broker, kwargs, field):
    item = make_request(status=S.INTAKE)
    with pytest.raises(DomainError) as error:
        request_close_solved(request=item, by=broker, **kwargs)
    assert error.value.field == field
    item.refresh_from_db()
    assert item.status == S.INTAKE and item.ladder_step == ""


@pytest.mark.parametrize("status", [S.MATCHED, S.CLOSED, S.REFERRED, S.WITHDRAWN])
def test_only_an_open_request_closes_as_solved(make_request, broker, status):
    item = make_request(status=status)
    with pytest.raises(DomainError):
        request_close_solved(request=item, by=broker, ladder_step=Step.OWN_STRENGTH, goal_reached="yes")
    item.refresh_from_db()
    assert item.status == status and item.ladder_step == ""


def test_a_referral_is_the_last_step_and_reopening_clears_it(make_request, broker):
    item = make_request(status=S.INTAKE)
    request_refer(request=item, by=broker, referred_to="Wijkteam", referral_reason="Schulden")
    item.refresh_from_db()
    assert item.ladder_step == Step.REFERRAL
    request_reopen(request=item, by=broker)
    item.refresh_from_db()
    assert (item.status, item.ladder_step, item.goal_reached) == (S.INTAKE, "", "")


def test_erasure_takes_the_network_and_the_ladder_texts(make_request, broker):
    item = make_request()
    save(item, broker, own_strength="Kookt zelf", goal_own_words="Naar de markt", network=[ANJA])
    requests_erase(request_ids=[item.pk], by=broker)
    item.refresh_from_db()
    assert not NetworkMember.objects.filter(request_id=item.pk).exists()
    assert item.own_strength == item.goal_own_words == item.goal_measurable == ""


# --- Pages -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation=None)}


def intake_post(catalogue, members=(), **overrides):
    data = {
        "question_behind": "Eigenlijk voelt meneer zich eenzaam.",
        "own_strength": "Doet zelf de was",
        "goal_own_words": "Weer onder de mensen",
        "goal_measurable": "Elke week een uur bezoek",
        "preferred_language": "",
        "other_language": "",
        "kind": "companionship",
        "urgency": "normal",
        "skills": [catalogue["walking"].pk],
        "slots": "di 13:00-17:00",
        "dates": "",
        "max_distance_km": "",
        "note": "",
        "action": "save",
        "network-TOTAL_FORMS": str(max(len(members), 2)),
        "network-INITIAL_FORMS": "0",
        "network-MIN_NUM_FORMS": "0",
        "network-MAX_NUM_FORMS": "8",
    }
    for i, member in enumerate(members):
        data.update({f"network-{i}-{key}": value for key, value in member.items()})
    data.update(overrides)
    return data


def test_intake_page_saves_the_ladder_and_a_network_member(broker_client, make_request, catalogue):
    item = make_request()
    page = broker_client.get(url("intake", item))
    assert page.status_code == 200 and 'name="network-0-name"' in page.content.decode()
    response = broker_client.post(
        url("intake", item),
        intake_post(
            catalogue,
            [{"name": "Gerda", "relation": "neighbour", "helps": "now", "what": "Kookt op woensdag"}],
            preferred_language="other",
            other_language="so",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.goal_own_words == "Weer onder de mensen" and item.preferred_language == "so"
    assert list(item.network.values_list("name", "relation", "helps")) == [("Gerda", "neighbour", "now")]
    detail = broker_client.get(url("detail", item)).content.decode()
    assert "Gerda" in detail and "Kookt op woensdag" in detail


def test_saving_the_intake_again_keeps_the_members_that_were_not_changed(broker_client, make_request, catalogue):
    """A second save of the intake page posts the stored members unchanged: they stay
    (before, an unchanged row counted as empty and the member was deleted)."""
    item = make_request()
    member = NetworkMember.objects.create(
        request=item,
        name="Gerda",
        relation="neighbour",
        helps="now",
        what="Kookt op woensdag",
        contact_consent=True,
        contact_consent_on=datetime.date(2030, 5, 1),
        phone="06 12345678",
    )
    stored = {
        "network-0-id": str(member.pk),
        "network-0-name": "Gerda",
        "network-0-relation": "neighbour",
        "network-0-helps": "now",
        "network-0-what": "Kookt op woensdag",
        "network-0-contact_consent": "on",
        "network-0-phone": "06 12345678",
        "network-0-email": "",
        "network-TOTAL_FORMS": "3",
        "network-INITIAL_FORMS": "1",
    }
    assert broker_client.post(url("intake", item), intake_post(catalogue, **stored)).status_code == 302
    [kept] = item.network.all()
    assert (kept.pk, kept.name, kept.phone, kept.contact_consent_on) == (
        member.pk,
        "Gerda",
        "06 12345678",
        datetime.date(2030, 5, 1),
    )
    # Ticking "verwijderen" still removes the member.
    removed = intake_post(catalogue, **stored, **{"network-0-DELETE": "on"})
    assert broker_client.post(url("intake", item), removed).status_code == 302
    assert not item.network.exists()


@pytest.mark.parametrize(
    "members, overrides, message",
    [
        ([{"name": "", "relation": "family", "helps": "now"}], {}, "Vul een voornaam of omschrijving in."),
        ([{"name": "Gerda", "relation": "boss", "helps": "now"}], {}, "Kies wie het is."),
        ([{"name": "Gerda", "relation": "family", "helps": ""}], {}, "al helpt of zou kunnen helpen"),
        ([{"name": "Gerda", "relation": "family", "helps": "now", "phone": "06 12345678"}], {}, "toestemming"),
        (
            [{"name": "Gerda", "relation": "family", "helps": "now", "contact_consent": "on", "email": "x@"}],
            {},
            "geldig e-mailadres",
        ),
        ([{"name": "G" * 61, "relation": "family", "helps": "now"}], {}, "hoogstens 60"),
        ([{"name": "Gerda", "relation": "family", "helps": "now", "what": "x" * 301}], {}, "hoogstens 300"),
        ([], {"own_strength": "x" * 2001}, "hoogstens 2000"),
        ([], {"goal_own_words": "x" * 1001}, "hoogstens 1000"),
        ([], {"goal_measurable": "x" * 501}, "hoogstens 500"),
        ([], {"preferred_language": "xx"}, "Kies een taal uit de lijst."),
        ([], {"preferred_language": "other", "other_language": ""}, "taalcode van 2 letters"),
        ([], {"preferred_language": "other", "other_language": "Somalisch"}, "taalcode van 2 letters"),
        ([], {"network-TOTAL_FORMS": "20"}, ""),
    ],
)
def test_intake_page_refuses_bad_ladder_input(broker_client, make_request, catalogue, members, overrides, message):
    item = make_request(own_strength="Zoals het was")
    response = broker_client.post(url("intake", item), intake_post(catalogue, members, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.own_strength == "Zoals het was" and not item.network.exists() and item.status == S.NEW


def test_close_solved_page(broker_client, make_request, broker):
    item = make_request(status=S.INTAKE)
    page = broker_client.get(url("close_solved", item))
    assert page.status_code == 200
    assert AccessLogEntry.objects.filter(object_ref=f"helprequest:{item.pk}:solved").exists()
    response = broker_client.post(url("close_solved", item), {"ladder_step": "own_network", "goal_reached": "yes"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.ladder_step, item.goal_reached) == (S.CLOSED, "own_network", "yes")
    # Closed: the page sends the broker back with the reason.
    again = broker_client.get(url("close_solved", item))
    assert again.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"ladder_step": "volunteer", "goal_reached": "yes"},
        {"ladder_step": "own_network", "goal_reached": "maybe"},
        {"ladder_step": "own_network"},
        {"ladder_step": "own_network", "goal_reached": "yes", "note": "x" * 2001},
    ],
)
def test_close_solved_page_refuses_bad_input(broker_client, make_request, data):
    item = make_request(status=S.INTAKE)
    response = broker_client.post(url("close_solved", item), data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == S.INTAKE and item.ladder_step == ""


def test_close_solved_page_of_another_organisation_is_404(client, personas, region):
    from demo.factories import HelpRequestFactory
    from tests.login import log_in

    item = HelpRequestFactory(organisation=region["org_b"], status=S.INTAKE)
    log_in(client, personas["broker_a"])
    response = client.post(
        reverse("caregivers_broker:close_solved", args=[region["org_a"].slug, item.pk]),
        {"ladder_step": "own_network", "goal_reached": "yes"},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == S.INTAKE


def test_match_end_closes_on_the_volunteer_step(make_request, broker, org_a):
    from matches.lifecycle import match_accept, match_activate, match_end

    item = make_request(status=S.READY)
    volunteer = VolunteerFactory(organisation=org_a, max_active_matches=3)
    match = Match.objects.create(organisation=org_a, request=item, volunteer=volunteer, proposed_by=broker)
    match_accept(match=match, by=broker)
    match_activate(match=match, by=broker)
    match_end(
        match=match,
        by=broker,
        goal_reached="partly",
        volunteer_satisfaction=4,
        requester_satisfaction=5,
        next_step="close",
    )
    item.refresh_from_db()
    assert (item.status, item.ladder_step, item.goal_reached) == (S.CLOSED, Step.VOLUNTEER, "partly")
    assert item.status_changed_at <= timezone.now()
