"""Volunteer services: registration, availability, pause, erasure and VOG records."""

import datetime

import pytest

from common.errors import DomainError
from common.geo import Point
from common.slots import Slot
from demo.factories import (
    HelpRequestFactory,
    StaffMembershipFactory,
    UserFactory,
    VolunteerFactory,
)
from matches.models import Match
from neighbourhoods.geocoding import GeocodeResult
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults
from volunteers.models import VogCheck, Volunteer
from volunteers.services import (
    add_years,
    vog_record,
    volunteer_delete,
    volunteer_pause,
    volunteer_register,
    volunteer_resume,
    volunteer_set_availability,
)

pytestmark = pytest.mark.django_db

T = datetime.time
VELP = GeocodeResult(
    point=Point(51.995, 5.97361),
    place="Velp",
    municipality="Rheden",
    postcode="6881 AB",
    source="offline",
    approximate=True,
)


@pytest.fixture
def skills(db):
    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation__isnull=True)}


def register(user, catalogue, **overrides):
    kwargs = {
        "user": user,
        "first_name": "Zoë",
        "last_name": "van 't Hof-Özdemir",
        "location": VELP,
        "postcode": "6881 AB",
        "house_number": "3",
        "max_distance_km": 5,
        "skills": [catalogue["walking"]],
        "slots": [Slot(1, T(13), T(17))],
    }
    kwargs.update(overrides)
    return volunteer_register(**kwargs)


# --- Registration --------------------------------------------------------------------


def test_register_stores_profile_skills_and_slots(personas, skills, region):
    volunteer = register(personas["nobody"], skills, languages=["nl", "EN"], target_groups=["elderly"])
    assert volunteer.organisation == region["org_a"]
    assert volunteer.neighbourhood == region["areas"]["Velp"]
    assert volunteer.languages == "nl;en"
    assert [s.as_slot() for s in volunteer.availability.all()] == [Slot(1, T(13), T(17))]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"slots": [Slot(0, T(9), T(12)), Slot(0, T(11), T(13))]}, "availability", "overlappen"),
        ({"max_distance_km": -1}, "max_distance_km", None),
        ({"languages": ["nederlands"]}, "languages", "taalcode"),
        ({"target_groups": ["aliens"]}, "target_groups", "aliens"),
        ({"wants_one_off": False, "wants_recurring": False}, "wants_one_off", "allebei"),
        ({"max_active_matches": 0}, "max_active_matches", None),
    ],
)
def test_register_refuses_bad_input_and_saves_nothing(personas, skills, overrides, field, message):
    with pytest.raises(DomainError) as caught:
        register(personas["nobody"], skills, **overrides)
    assert caught.value.field == field
    if message:
        assert message in caught.value.message
    assert not Volunteer.objects.filter(user=personas["nobody"]).exists()


def test_register_refuses_another_organisations_skill(personas, skills, region):
    foreign = Skill.objects.create(organisation=region["org_b"], code="bike", label="Fietsmaatje")
    with pytest.raises(DomainError, match="Fietsmaatje") as caught:
        register(personas["nobody"], skills, skills=[foreign])
    assert caught.value.field == "skills"
    assert not Volunteer.objects.filter(user=personas["nobody"]).exists()


def test_register_twice_is_refused(personas, skills):
    with pytest.raises(DomainError, match="al aangemeld"):
        register(personas["volunteer"], skills)


def test_register_outside_any_area(personas, skills):
    amsterdam = GeocodeResult(Point(52.37, 4.89), "Amsterdam", "Amsterdam", "1012 AB", "offline", True)
    with pytest.raises(DomainError, match="Amsterdam") as caught:
        register(personas["nobody"], skills, location=amsterdam, postcode="1012 AB")
    assert caught.value.field == "postcode"


# --- Availability and pause --------------------------------------------------------------


def test_set_availability_replaces_all_slots(personas):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer_set_availability(volunteer=volunteer, slots=[Slot(0, T(9), T(12))])
    volunteer_set_availability(volunteer=volunteer, slots=[Slot(4, T(13), T(15)), Slot(2, T(9), T(10))])
    assert [s.as_slot().label() for s in volunteer.availability.all()] == ["wo 09:00-10:00", "vr 13:00-15:00"]


def test_set_availability_refuses_overlap_and_keeps_the_old_slots(personas):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer_set_availability(volunteer=volunteer, slots=[Slot(0, T(9), T(12))])
    with pytest.raises(DomainError, match="overlappen"):
        volunteer_set_availability(volunteer=volunteer, slots=[Slot(3, T(9), T(12)), Slot(3, T(10), T(11))])
    assert [s.as_slot() for s in volunteer.availability.all()] == [Slot(0, T(9), T(12))]


@pytest.mark.parametrize(
    "until, ok",
    [
        (datetime.date(2026, 6, 30), False),
        (datetime.date(2026, 7, 1), True),
        (datetime.date(2027, 7, 1), True),  # 365 days ahead
        (datetime.date(2027, 7, 2), False),
    ],
)
def test_pause_date_rules(personas, until, ok):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    today = datetime.date(2026, 7, 1)
    if ok:
        volunteer_pause(volunteer=volunteer, until=until, today=today)
        assert volunteer.is_paused(today)
    else:
        with pytest.raises(DomainError) as caught:
            volunteer_pause(volunteer=volunteer, until=until, today=today)
        assert caught.value.field == "paused_until"
        volunteer.refresh_from_db()
        assert volunteer.paused_until is None


def test_resume_ends_the_pause(personas):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    volunteer_pause(volunteer=volunteer, until=datetime.date(2026, 7, 2), today=datetime.date(2026, 7, 1))
    volunteer_resume(volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None


# --- Erasure ---------------------------------------------------------------------------------


def test_delete_by_a_broker_of_the_organisation_keeps_the_login(personas):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    result = volunteer_delete(volunteer=volunteer, by=personas["broker_a"])
    assert not result.account_deleted
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert type(personas["volunteer"]).objects.filter(pk=personas["volunteer"].pk).exists()


@pytest.mark.parametrize("who", ["broker_b", "nobody", "mantelzorger"])
def test_delete_by_others_is_refused(personas, who):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    with pytest.raises(DomainError):
        volunteer_delete(volunteer=volunteer, by=personas[who])
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()


def test_delete_keeps_the_login_of_a_broker_who_also_volunteers(region):
    user = UserFactory()
    StaffMembershipFactory(user=user, organisation=region["org_a"])
    volunteer = VolunteerFactory(user=user, organisation=region["org_a"])
    result = volunteer_delete(volunteer=volunteer, by=user)
    assert not result.account_deleted and "organisatie" in result.account_kept_reason
    assert type(user).objects.filter(pk=user.pk).exists()


def test_delete_keeps_the_login_of_a_help_seeker(region):
    user = UserFactory()
    HelpRequestFactory(organisation=region["org_a"], requester=user)
    volunteer = VolunteerFactory(user=user, organisation=region["org_a"])
    result = volunteer_delete(volunteer=volunteer, by=user)
    assert not result.account_deleted
    assert type(user).objects.filter(pk=user.pk).exists()


def test_delete_with_any_match_state_anonymises(personas, region):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    Match.objects.create(
        organisation=region["org_a"], request=HelpRequestFactory(organisation=region["org_a"]), volunteer=volunteer
    )
    result = volunteer_delete(volunteer=volunteer, by=personas["volunteer"])
    assert result.volunteer_kept and result.account_deleted
    volunteer.refresh_from_db()
    assert volunteer.first_name == "Oud-vrijwilliger" and volunteer.user is None and not volunteer.is_active


@pytest.mark.parametrize("by", ["volunteer", "broker_a"])
def test_delete_ends_open_matches_and_the_other_side_hears_of_it(personas, region, by):
    from caregivers.models import HelpRequest
    from matches.models import MatchEvent
    from notifications.models import Notification

    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    proposed_request = HelpRequestFactory(organisation=region["org_a"], status=HelpRequest.Status.READY)
    running_request = HelpRequestFactory(
        organisation=region["org_a"], status=HelpRequest.Status.MATCHED, email="anna@example.nl"
    )
    proposed = Match.objects.create(organisation=region["org_a"], request=proposed_request, volunteer=volunteer)
    running = Match.objects.create(
        organisation=region["org_a"], request=running_request, volunteer=volunteer, status=Match.Status.ACTIVE
    )
    ended = Match.objects.create(
        organisation=region["org_a"],
        request=HelpRequestFactory(organisation=region["org_a"]),
        volunteer=volunteer,
        status=Match.Status.ENDED,
    )
    volunteer.phone, volunteer.last_name = "06 12345678", "Verdwijnt"
    volunteer.save(update_fields=["phone", "last_name"])
    volunteer_delete(volunteer=volunteer, by=personas[by])
    statuses = dict(Match.objects.values_list("pk", "status"))
    assert statuses == {proposed.pk: "cancelled", running.pk: "cancelled", ended.pk: "ended"}
    assert MatchEvent.objects.filter(match=running, to_status="cancelled", code="volunteer_stopped").exists()
    running_request.refresh_from_db()
    assert running_request.status == HelpRequest.Status.READY  # a broker can find someone new
    # The requester of the running help is told, with no detail about the volunteer.
    told = Notification.objects.filter(to_email="anna@example.nl", match=running)
    assert told.exists()
    assert all("12345678" not in n.body and "Verdwijnt" not in n.body for n in told)


def test_delete_forgets_the_mail_record_and_preferences(personas, region):
    from notifications.models import MailPreferences, Notification
    from notifications.services import preferences_update

    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    match = Match.objects.create(
        organisation=region["org_a"], request=HelpRequestFactory(organisation=region["org_a"]), volunteer=volunteer
    )
    preferences_update(email=personas["volunteer"].email, values={"reminders": False})
    fields = {"kind": "proposal", "category": "proposals", "subject": "Wilt u helpen?", "message_id": "<x@y>"}
    Notification.objects.create(key="v", to_email=personas["volunteer"].email, match=match, **fields)
    other = Notification.objects.create(key="o", to_email="mark@example.nl", **fields)
    volunteer_delete(volunteer=volunteer, by=personas["volunteer"])
    assert list(Notification.objects.all()) == [other]
    assert not MailPreferences.objects.filter(email=personas["volunteer"].email).exists()


# --- VOG -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "issued, years, expected",
    [
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 29)),
        (datetime.date(2025, 3, 1), 3, datetime.date(2028, 3, 1)),
        (datetime.date(2025, 12, 31), 1, datetime.date(2026, 12, 31)),
    ],
)
def test_add_years(issued, years, expected):
    assert add_years(issued, years) == expected


def test_vog_record_valid_sets_the_expiry_from_the_organisation(personas, region):
    org = region["org_a"]
    org.vog_valid_years = 2
    org.save()
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    check = vog_record(
        volunteer=volunteer,
        status="valid",
        issued_on=datetime.date(2024, 2, 29),
        note="gezien op kantoor",
        by=personas["broker_a"],
        today=datetime.date(2026, 1, 1),
    )
    assert check.valid_until == datetime.date(2026, 2, 28)
    assert check.checked_by == personas["broker_a"]
    volunteer.refresh_from_db()
    assert volunteer.vog_valid_until == datetime.date(2026, 2, 28)


def test_vog_requested_changes_nothing_and_refused_removes_the_screening(personas):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    broker = personas["broker_a"]
    today = datetime.date(2026, 1, 1)
    vog_record(
        volunteer=volunteer, status="valid", issued_on=datetime.date(2025, 1, 1), note="", by=broker, today=today
    )
    vog_record(
        volunteer=volunteer, status="requested", issued_on=None, note="nieuwe aangevraagd", by=broker, today=today
    )
    volunteer.refresh_from_db()
    assert volunteer.vog_valid_until == datetime.date(2028, 1, 1)
    vog_record(volunteer=volunteer, status="refused", issued_on=None, note="", by=broker, today=today)
    volunteer.refresh_from_db()
    assert volunteer.vog_valid_until is None
    assert [c.status for c in volunteer.vog_checks.all()] == ["refused", "requested", "valid"]


@pytest.mark.parametrize(
    "status, issued_on, by, field, message",
    [
        ("valid", datetime.date(2026, 1, 2), "broker_a", "issued_on", "toekomst"),
        ("valid", None, "broker_a", "issued_on", "datum van afgifte"),
        ("lost", None, "broker_a", "status", "stand van zaken"),
        ("valid", datetime.date(2025, 1, 1), "broker_b", None, "makelaar van deze organisatie"),
        ("valid", datetime.date(2025, 1, 1), "volunteer", None, "makelaar van deze organisatie"),
    ],
)
def test_vog_record_bad_input(personas, status, issued_on, by, field, message):
    volunteer = Volunteer.objects.get(user=personas["volunteer"])
    with pytest.raises(DomainError) as caught:
        vog_record(
            volunteer=volunteer,
            status=status,
            issued_on=issued_on,
            note="",
            by=personas[by],
            today=datetime.date(2026, 1, 1),
        )
    assert caught.value.field == field
    assert message in caught.value.message
    assert not VogCheck.objects.exists()
    volunteer.refresh_from_db()
    assert volunteer.vog_valid_until is None
