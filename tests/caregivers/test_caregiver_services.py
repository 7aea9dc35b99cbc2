"""Services for mantelzorgers and help requests: what they store, and what they refuse."""

import datetime

import pytest

from caregivers.models import (
    BurdenCheckIn,
    CareRecipient,
    HelpRequest,
    Mantelzorger,
    RequestDate,
    RequestEvent,
    RequestSlot,
)
from caregivers.services import (
    BurdenAnswers,
    CareRecipientDetails,
    burden_checkin_add,
    care_recipient_add,
    mantelzorger_register,
    request_submit,
    request_withdraw,
)
from common.errors import DomainError
from common.slots import Slot
from demo.factories import HelpRequestFactory, MantelzorgerFactory, OrganisationFactory, VolunteerFactory
from matches.models import Match, MatchEvent
from neighbourhoods.geocoding import OfflineGeocoder
from neighbourhoods.models import Skill
from tests.caregivers.conftest import NOW, TODAY
from tests.caregivers.factories import BurdenCheckInFactory

pytestmark = pytest.mark.django_db

T = datetime.time
VELP = OfflineGeocoder().geocode(postcode="6881 AB", house_number="12")
ARNHEM = OfflineGeocoder().geocode(postcode="6811 AB", house_number="3")
EDE = OfflineGeocoder().geocode(postcode="6711 AA", house_number="1")
AMSTERDAM = OfflineGeocoder().geocode(postcode="1011 AB", house_number="1")


def counts():
    return (
        HelpRequest.objects.count(),
        RequestSlot.objects.count(),
        RequestDate.objects.count(),
        RequestEvent.objects.count(),
    )


def respite_kwargs(mark, **overrides):
    kwargs = {
        "organisation": mark.organisation,
        "kind": "respite",
        "requester_first_name": mark.first_name,
        "location": VELP,
        "postcode": "6881 AB",
        "house_number": "12",
        "weekly_slots": [Slot(1, T(13), T(17))],
        "requester": mark.user,
        "mantelzorger": mark,
        "care_recipient": mark.care_recipients.get(),
    }
    kwargs.update(overrides)
    return kwargs


# --- request_submit ------------------------------------------------------------------


def test_respite_request_is_stored_with_times_skills_and_first_event(mark, frozen_now):
    request = request_submit(**respite_kwargs(mark, weekly_slots=[Slot(3, T(9), T(12)), Slot(1, T(13), T(17))]))

    request.refresh_from_db()
    assert request.status == "new" and request.recurring is True and request.needs_vog is True
    assert request.status_changed_at == NOW
    assert request.neighbourhood.name == "Velp"
    assert request.care_recipient.name == "Oma Jo" and request.mantelzorger == mark
    assert [s.as_slot() for s in request.slots.all()] == [Slot(1, T(13), T(17)), Slot(3, T(9), T(12))]
    assert not request.dates.exists()
    # Respite always needs the respite skill; Oma Jo has dementia, so that too.
    assert {s.code for s in request.skills.all()} == {"respite", "dementia"}
    (event,) = request.events.all()
    assert (event.from_status, event.to_status, event.by, event.code) == ("", "new", mark.user, "submitted")


def test_one_off_request_stores_dates_and_is_not_recurring(personas, frozen_now):
    dates = [(TODAY + datetime.timedelta(days=7), T(10), T(12)), (TODAY, T(14), T(16))]
    request = request_submit(
        organisation=personas["mantelzorger"].mantelzorger.organisation,
        kind="transport",
        requester_first_name="Zoë",
        requester_last_name="van 't Hof-Özdemir",
        location=ARNHEM,
        dates=dates,
        requester=personas["nobody"],
    )
    assert request.recurring is False and request.needs_vog is False
    assert request.requester_last_name == "van 't Hof-Özdemir"
    assert [(d.date, d.start, d.end) for d in request.dates.all()] == sorted(dates)
    assert request.neighbourhood.name == "Centrum"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"kind": "babysit"}, "kind", "Kies wat voor hulp"),
        ({"urgency": "asap"}, "urgency", "hoe snel"),
        ({"status": "matched"}, "status", "nieuw"),
        ({"status": "ready"}, "status", "altijd als nieuw"),
        ({"requester_first_name": "  "}, "requester_first_name", "voornaam"),
        ({"weekly_slots": [], "dates": []}, "when", "wanneer u hulp wilt"),
        (
            {"weekly_slots": [Slot(1, T(13), T(17)), Slot(1, T(16), T(18))]},
            "weekly_slots",
            "overlappen",
        ),
        ({"weekly_slots": [], "dates": [(TODAY - datetime.timedelta(days=1), T(10), T(12))]}, "dates", "voorbij"),
        ({"weekly_slots": [], "dates": [(TODAY, T(8), T(9))]}, "dates", "al voorbij"),
        ({"weekly_slots": [], "dates": [(TODAY + datetime.timedelta(days=2), T(12), T(10))]}, "dates", "eindtijd"),
        ({"weekly_slots": [], "dates": [(TODAY + datetime.timedelta(days=2), T(22), T(2))]}, "dates", "middernacht"),
        (
            {
                "weekly_slots": [],
                "dates": [
                    (TODAY + datetime.timedelta(days=2), T(10), T(12)),
                    (TODAY + datetime.timedelta(days=2), T(11), T(13)),
                ],
            },
            "dates",
            "overlappen",
        ),
        ({"weekly_slots": [], "dates": [(TODAY + datetime.timedelta(days=400), T(10), T(12))]}, "dates", "te ver"),
        ({"description": "x" * 2001}, "description", "hoogstens 2000"),
        ({"care_recipient": None}, "care_recipient", "voor wie u zorgt"),
        ({"email": "geen-adres"}, "email", ""),
        ({"location": EDE}, "postcode", "Ede"),
    ],
)
def test_request_submit_refuses_bad_input_and_stores_nothing(mark, frozen_now, overrides, field, message):
    before = counts()
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, **overrides))
    assert info.value.field == field
    assert message in info.value.message
    assert counts() == before


def test_respite_needs_own_mantelzorger_record_and_own_care_recipient(mark, other_carer, personas, frozen_now):
    before = counts()
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, care_recipient=other_carer.care_recipients.get()))
    assert info.value.field == "care_recipient"
    # A volunteer cannot ask respite in Mark's name.
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, requester=personas["volunteer"]))
    assert info.value.field == "mantelzorger"
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, mantelzorger=None, care_recipient=None))
    assert info.value.field == "mantelzorger"
    # Nor put a practical request into Mark's care file.
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, kind="practical", requester=personas["nobody"], mantelzorger=None))
    assert info.value.field == "mantelzorger"
    assert counts() == before


def test_mantelzorger_of_another_organisation_is_refused(mark, region, frozen_now):
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, organisation=region["org_b"], location=EDE))
    assert info.value.field == "mantelzorger"
    assert HelpRequest.objects.filter(organisation=region["org_b"]).count() == 0


def test_skill_of_another_organisation_is_refused(mark, region, frozen_now):
    foreign = Skill.objects.create(organisation=region["org_b"], code="ede_special", label="Ede")
    with pytest.raises(DomainError) as info:
        request_submit(**respite_kwargs(mark, skills=[foreign]))
    assert info.value.field == "skills"


def test_broker_may_enter_respite_without_care_recipient(mark, personas, frozen_now):
    request = request_submit(
        **respite_kwargs(mark, requester=None, care_recipient=None, entered_by=personas["broker_a"], status="ready")
    )
    assert request.status == "ready" and request.entered_by == personas["broker_a"]
    assert {s.code for s in request.skills.all()} == {"respite"}  # no care recipient, so no dementia
    (event,) = request.events.all()
    assert (event.to_status, event.by, event.code) == ("ready", personas["broker_a"], "entered_by_broker")


def test_only_a_broker_of_the_organisation_may_enter_for_someone(mark, personas, frozen_now):
    for outsider in (personas["broker_b"], personas["volunteer"]):
        with pytest.raises(DomainError):
            request_submit(**respite_kwargs(mark, requester=None, entered_by=outsider))
    assert not HelpRequest.objects.filter(entered_by__isnull=False).exists()


def test_failure_halfway_leaves_nothing(mark, frozen_now, monkeypatch):
    """A crash after the request row is written rolls back the whole submit."""
    before = counts()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(RequestEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        request_submit(**respite_kwargs(mark))
    assert counts() == before


# --- request_withdraw ---------------------------------------------------------------


def test_requester_withdraws_and_open_proposals_are_cancelled(mark, frozen_now):
    request = request_submit(**respite_kwargs(mark))
    volunteer = VolunteerFactory(organisation=mark.organisation)
    match = Match.objects.create(organisation=mark.organisation, request=request, volunteer=volunteer)

    request_withdraw(request=request, by=mark.user, reason="Mijn zus helpt nu.")

    request.refresh_from_db()
    match.refresh_from_db()
    assert request.status == "withdrawn" and request.status_changed_at == NOW
    event = request.events.last()
    assert (event.from_status, event.to_status, event.by) == ("new", "withdrawn", mark.user)
    assert "Mijn zus helpt nu." in event.note
    assert match.status == "cancelled"
    assert MatchEvent.objects.get(match=match).to_status == "cancelled"


def test_mantelzorger_may_withdraw_what_a_broker_entered_for_them(mark, personas, frozen_now):
    request = request_submit(**respite_kwargs(mark, requester=None, entered_by=personas["broker_a"]))
    request_withdraw(request=request, by=mark.user)
    assert HelpRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_broker_of_the_organisation_may_withdraw(mark, personas, frozen_now):
    request = request_submit(**respite_kwargs(mark))
    request_withdraw(request=request, by=personas["broker_a"], reason="Telefonisch ingetrokken")
    assert request.events.last().code == "withdrawn_by_broker"


@pytest.mark.parametrize("who", ["volunteer", "broker_b", "nobody", "municipality"])
def test_others_may_not_withdraw(mark, personas, frozen_now, who):
    request = request_submit(**respite_kwargs(mark))
    with pytest.raises(DomainError):
        request_withdraw(request=request, by=personas[who])
    assert HelpRequest.objects.get(pk=request.pk).status == "new"
    assert request.events.count() == 1


@pytest.mark.parametrize(
    "status, message",
    [
        ("matched", "al een vrijwilliger"),
        ("closed", "afgesloten"),
        ("referred", "afgesloten"),
        ("withdrawn", "al ingetrokken"),
    ],
)
def test_closed_requests_cannot_be_withdrawn(mark, status, message):
    request = HelpRequestFactory(organisation=mark.organisation, requester=mark.user, status=status)
    with pytest.raises(DomainError) as info:
        request_withdraw(request=request, by=mark.user)
    assert message in info.value.message
    assert HelpRequest.objects.get(pk=request.pk).status == status
    assert not request.events.exists()


def test_over_long_reason_is_refused(mark, frozen_now):
    request = request_submit(**respite_kwargs(mark))
    with pytest.raises(DomainError) as info:
        request_withdraw(request=request, by=mark.user, reason="x" * 1001)
    assert info.value.field == "reason"
    assert HelpRequest.objects.get(pk=request.pk).status == "new"


# --- Mantelzorger registration ------------------------------------------------------


def register(user, **overrides):
    kwargs = {
        "user": user,
        "first_name": "Zoë",
        "last_name": "van 't Hof-Özdemir",
        "location": VELP,
        "postcode": "6881 AB",
        "house_number": "12",
        "relation": "parent",
        "care_hours_per_week": 20,
        "care_recipient": CareRecipientDetails(name="Mam", age_band="80+", situation="dementia", notes="Rollator"),
        "burden": BurdenAnswers(score=8, sleeps_badly=True, feels_alone=True),
    }
    kwargs.update(overrides)
    return mantelzorger_register(**kwargs)


def test_register_places_carer_at_serving_organisation_with_recipient_and_checkin(personas, region, frozen_now):
    user = personas["nobody"]
    carer = register(user)
    assert carer.organisation == region["org_a"] and carer.neighbourhood.name == "Velp"
    assert carer.user == user and carer.email == user.email
    assert carer.last_name == "van 't Hof-Özdemir" and carer.care_hours_per_week == 20
    recipient = carer.care_recipients.get()
    assert (recipient.name, recipient.age_band, recipient.situation, recipient.notes) == (
        "Mam",
        "80+",
        "dementia",
        "Rollator",
    )
    checkin = carer.checkins.get()
    assert checkin.score == 8 and checkin.sleeps_badly and checkin.feels_alone and not checkin.health_suffers
    assert checkin.is_high


def state():
    return Mantelzorger.objects.count(), CareRecipient.objects.count(), BurdenCheckIn.objects.count()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"location": AMSTERDAM, "postcode": "1011 AB"}, "postcode"),
        ({"first_name": " "}, "first_name"),
        ({"care_hours_per_week": 200}, "care_hours_per_week"),
        ({"care_hours_per_week": -1}, "care_hours_per_week"),
        ({"relation": "boss"}, "relation"),
        ({"phone": "0" * 31}, "phone"),
        (
            {"care_recipient": CareRecipientDetails(name="Mam", age_band="80+", situation="dementia", notes="x" * 501)},
            "notes",
        ),
        ({"care_recipient": CareRecipientDetails(name="", age_band="80+", situation="dementia")}, "name"),
        ({"care_recipient": CareRecipientDetails(name="Mam", age_band="90+", situation="dementia")}, "age_band"),
        ({"care_recipient": CareRecipientDetails(name="Mam", age_band="80+", situation="flu")}, "situation"),
        ({"burden": BurdenAnswers(score=11)}, "score"),
        ({"burden": BurdenAnswers(score=-1)}, "score"),
    ],
)
def test_register_refuses_bad_input_and_keeps_nothing(personas, frozen_now, overrides, field):
    before = state()
    with pytest.raises(DomainError) as info:
        register(personas["nobody"], **overrides)
    assert info.value.field == field
    assert state() == before


def test_register_twice_is_refused(mark):
    with pytest.raises(DomainError):
        register(mark.user)
    assert Mantelzorger.objects.filter(user=mark.user).count() == 1


def test_register_uses_the_organisation_serving_the_municipality(personas, region):
    # Ede is served by org-b only.
    carer = register(personas["nobody"], location=EDE, postcode="6711 AA", burden=None)
    assert carer.organisation == region["org_b"]
    assert not carer.checkins.exists()


def test_care_recipients_are_limited(mark):
    for i in range(4):
        care_recipient_add(mantelzorger=mark, name=f"Persoon {i}", age_band="65-79", situation="physical")
    with pytest.raises(DomainError):
        care_recipient_add(mantelzorger=mark, name="Nummer zes", age_band="65-79", situation="physical")
    assert mark.care_recipients.count() == 5


# --- Burden check-ins ---------------------------------------------------------------


def test_one_checkin_per_day(mark, frozen_now):
    burden_checkin_add(mantelzorger=mark, score=4)
    with pytest.raises(DomainError) as info:
        burden_checkin_add(mantelzorger=mark, score=9, health_suffers=True)
    assert "vandaag al" in info.value.message
    assert list(mark.checkins.values_list("score", flat=True)) == [4]
    frozen_now.shift(datetime.timedelta(days=1))
    burden_checkin_add(mantelzorger=mark, score=9, health_suffers=True)
    assert list(mark.checkins.values_list("score", flat=True)) == [9, 4]


def test_checkin_day_is_the_local_day(mark):
    """23:30 and 00:30 Amsterdam time fall on two local days, though on the same UTC date."""
    import time_machine

    with time_machine.travel(datetime.datetime(2030, 6, 3, 21, 30, tzinfo=datetime.UTC), tick=False) as traveller:
        burden_checkin_add(mantelzorger=mark, score=3)  # 23:30 local
        traveller.shift(datetime.timedelta(hours=1))  # 00:30 local, still 3 June in UTC
        burden_checkin_add(mantelzorger=mark, score=5)
    assert mark.checkins.count() == 2


@pytest.mark.parametrize("score", [11, -1, True, "5", 5.5, None])
def test_checkin_score_must_be_0_to_10(mark, score):
    with pytest.raises(DomainError) as info:
        burden_checkin_add(mantelzorger=mark, score=score)
    assert info.value.field == "score"
    assert not mark.checkins.exists()


def test_checkin_for_a_carer_in_another_org_does_not_mix(mark, frozen_now):
    other = MantelzorgerFactory(organisation=OrganisationFactory())
    BurdenCheckInFactory(mantelzorger=other, score=2)
    burden_checkin_add(mantelzorger=mark, score=6)  # the other's check-in today does not count
    assert mark.checkins.get().score == 6


def test_withdraw_requires_login(mark, frozen_now):
    from django.contrib.auth.models import AnonymousUser

    request = request_submit(**respite_kwargs(mark))
    with pytest.raises(DomainError):
        request_withdraw(request=request, by=AnonymousUser())
    with pytest.raises(DomainError):
        request_withdraw(request=request, by=None)
    assert HelpRequest.objects.get(pk=request.pk).status == "new"
