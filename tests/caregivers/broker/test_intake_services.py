"""The intake transitions: each records who/when/from/to/note, refuses invalid
steps with a Dutch reason and changes nothing then."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from caregivers.access import request_read
from caregivers.intake import (
    request_intake_save,
    request_mark_ready,
    request_refer,
    request_reopen,
    request_start_intake,
)
from caregivers.models import HelpRequest, RequestEvent
from caregivers.services import request_withdraw
from common.errors import DomainError
from common.slots import Slot
from neighbourhoods.models import Skill
from neighbourhoods.services import skills_ensure_defaults

from .factories import CareRecipientFactory, RequestDateFactory, RequestSlotFactory

pytestmark = pytest.mark.django_db
S = HelpRequest.Status


def intake_kwargs(**overrides):
    data = {
        "question_behind": "Eigenlijk voelt ze zich alleen.",
        "own_strength": "De dochter komt in het weekend.",
        "kind": "companionship",
        "urgency": "high",
        "skills": [],
        "max_distance_km": 3.0,
        "note": "Gebeld op maandag.",
    }
    data.update(overrides)
    return data


def test_start_intake_records_event_and_time(make_request, broker):
    item = make_request()
    request_start_intake(request=item, by=broker, note="Eerste gesprek gepland")
    item.refresh_from_db()
    assert item.status == S.INTAKE
    assert item.status_changed_at is not None
    event = RequestEvent.objects.get(request=item)
    assert (event.from_status, event.to_status, event.by, event.note) == (
        "new",
        "intake",
        broker,
        "Eerste gesprek gepland",
    )


def test_start_intake_twice_is_refused(make_request, broker):
    item = make_request(status=S.INTAKE)
    with pytest.raises(DomainError, match="al begonnen"):
        request_start_intake(request=item, by=broker)
    assert not RequestEvent.objects.filter(request=item).exists()


def test_stale_object_cannot_overrule_another_broker(make_request, broker, personas):
    """Two brokers opened the same request; the second click sees the stored state."""
    item = make_request()
    stale = HelpRequest.objects.get(pk=item.pk)
    request_refer(request=item, by=broker, referred_to="Wijkteam", referral_reason="Schulden")
    with pytest.raises(DomainError, match="Deze vraag is al doorverwezen."):
        request_start_intake(request=stale, by=personas["admin_a"])
    item.refresh_from_db()
    assert item.status == S.REFERRED
    assert RequestEvent.objects.filter(request=item).count() == 1


def test_mark_ready_needs_question_behind(make_request, broker):
    item = make_request(status=S.INTAKE)
    RequestSlotFactory(request=item)
    with pytest.raises(DomainError, match="vraag achter de vraag") as info:
        request_mark_ready(request=item, by=broker)
    assert info.value.field == "question_behind"
    item.refresh_from_db()
    assert item.status == S.INTAKE


def test_mark_ready_needs_a_time(make_request, broker):
    item = make_request(status=S.INTAKE, question_behind="Eenzaam")
    with pytest.raises(DomainError, match="nog geen tijd"):
        request_mark_ready(request=item, by=broker)
    assert HelpRequest.objects.get(pk=item.pk).status == S.INTAKE


@pytest.mark.parametrize("when", ["slot", "date"])
def test_mark_ready_with_question_and_a_time(make_request, broker, when):
    item = make_request(status=S.INTAKE, question_behind="Eenzaam")
    (RequestSlotFactory if when == "slot" else RequestDateFactory)(request=item)
    request_mark_ready(request=item, by=broker, note="Klaar")
    assert HelpRequest.objects.get(pk=item.pk).status == S.READY
    assert RequestEvent.objects.filter(request=item, from_status="intake", to_status="ready", by=broker).exists()


def test_mark_ready_from_new_is_refused(make_request, broker):
    item = make_request(question_behind="x")
    RequestSlotFactory(request=item)
    with pytest.raises(DomainError, match="nog nieuw"):
        request_mark_ready(request=item, by=broker)


@pytest.mark.parametrize("status", [S.NEW, S.INTAKE, S.READY])
def test_refer_from_open_states_stores_where_and_why(make_request, broker, status):
    item = make_request(status=status)
    request_refer(request=item, by=broker, referred_to="Wijkteam Velp", referral_reason="Zware schulden")
    item.refresh_from_db()
    assert (item.status, item.referred_to, item.referral_reason) == (S.REFERRED, "Wijkteam Velp", "Zware schulden")
    event = item.events.get()
    assert event.from_status == status and event.to_status == "referred"
    assert "Wijkteam Velp" in event.note and "Zware schulden" in event.note


@pytest.mark.parametrize(
    ("to", "why", "field"),
    [
        ("", "Zware schulden", "referred_to"),
        ("Wijkteam", "   ", "referral_reason"),
        ("x" * 201, "Reden", "referred_to"),
    ],
)
def test_refer_needs_to_whom_and_why(make_request, broker, to, why, field):
    item = make_request()
    with pytest.raises(DomainError) as info:
        request_refer(request=item, by=broker, referred_to=to, referral_reason=why)
    assert info.value.field == field
    item.refresh_from_db()
    assert item.status == S.NEW and item.referred_to == ""


@pytest.mark.parametrize("status", [S.MATCHED, S.CLOSED, S.REFERRED, S.WITHDRAWN])
def test_refer_from_closed_states_is_refused(make_request, broker, status):
    item = make_request(status=status)
    with pytest.raises(DomainError):
        request_refer(request=item, by=broker, referred_to="Wijkteam", referral_reason="Reden")
    assert HelpRequest.objects.get(pk=item.pk).status == status


@pytest.mark.parametrize("status", [S.REFERRED, S.WITHDRAWN])
def test_reopen(make_request, broker, status):
    item = make_request(status=status)
    request_reopen(request=item, by=broker, note="Belde opnieuw")
    assert HelpRequest.objects.get(pk=item.pk).status == S.INTAKE
    assert item.events.get().to_status == "intake"


@pytest.mark.parametrize("status", [S.NEW, S.INTAKE, S.READY, S.MATCHED, S.CLOSED])
def test_reopen_only_after_referral_or_withdrawal(make_request, broker, status):
    item = make_request(status=status)
    with pytest.raises(DomainError):
        request_reopen(request=item, by=broker)


def test_broker_withdraws_through_the_shared_service(make_request, broker):
    item = make_request(status=S.READY)
    request_withdraw(request=item, by=broker, reason="Buurvrouw helpt nu")
    assert HelpRequest.objects.get(pk=item.pk).status == S.WITHDRAWN
    with pytest.raises(DomainError, match="al ingetrokken"):
        request_withdraw(request=item, by=broker, reason="nog eens")


def test_over_long_note_is_refused_before_anything_changes(make_request, broker):
    item = make_request()
    with pytest.raises(DomainError, match="te lang") as info:
        request_start_intake(request=item, by=broker, note="x" * 2001)
    assert info.value.field == "note"
    assert HelpRequest.objects.get(pk=item.pk).status == S.NEW


# --- Intake form service ------------------------------------------------------------


def test_intake_save_on_new_request_starts_the_intake(make_request, broker):
    skills_ensure_defaults()
    item = make_request()
    walking = Skill.objects.get(code="walking")
    request_intake_save(request=item, by=broker, **intake_kwargs(skills=[walking]))
    item.refresh_from_db()
    assert item.status == S.INTAKE
    assert item.question_behind == "Eigenlijk voelt ze zich alleen."
    assert item.own_strength == "De dochter komt in het weekend."
    assert (item.kind, item.urgency, item.max_distance_km) == ("companionship", "high", 3.0)
    assert list(item.skills.all()) == [walking]
    event = item.events.get()
    assert (event.from_status, event.to_status, event.note) == ("new", "intake", "Gebeld op maandag.")


def test_intake_save_keeps_ready_but_records_the_change(make_request, broker):
    item = make_request(status=S.READY, question_behind="oud")
    RequestSlotFactory(request=item)
    request_intake_save(request=item, by=broker, **intake_kwargs(question_behind="nieuw"))
    item.refresh_from_db()
    assert item.status == S.READY and item.question_behind == "nieuw"
    assert item.events.get().from_status == item.events.get().to_status == "ready"


def test_ready_request_must_stay_complete(make_request, broker):
    item = make_request(status=S.READY, question_behind="oud")
    RequestSlotFactory(request=item)
    with pytest.raises(DomainError):
        request_intake_save(request=item, by=broker, **intake_kwargs(question_behind=""))
    item.refresh_from_db()
    assert item.question_behind == "oud"
    assert not item.events.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"question_behind": "x" * 2001}, "question_behind"),
        ({"own_strength": "x" * 2001}, "own_strength"),
        ({"kind": "babysitting"}, "kind"),
        ({"urgency": "asap"}, "urgency"),
        ({"max_distance_km": -1.0}, "max_distance_km"),
        ({"max_distance_km": 500.0}, "max_distance_km"),
    ],
)
def test_intake_save_bad_input(make_request, broker, overrides, field):
    item = make_request()
    with pytest.raises(DomainError) as info:
        request_intake_save(request=item, by=broker, **intake_kwargs(**overrides))
    assert info.value.field == field
    item.refresh_from_db()
    assert item.status == S.NEW and item.question_behind == ""


def test_intake_save_refuses_another_organisations_skill(make_request, broker, region):
    item = make_request()
    foreign = Skill.objects.create(organisation=region["org_b"], code="ede_only", label="Alleen in Ede")
    with pytest.raises(DomainError, match="kennen we niet"):
        request_intake_save(request=item, by=broker, **intake_kwargs(skills=[foreign]))


def test_intake_save_on_withdrawn_request_is_refused(make_request, broker):
    item = make_request(status=S.WITHDRAWN)
    with pytest.raises(DomainError, match="ingetrokken"):
        request_intake_save(request=item, by=broker, **intake_kwargs())


def test_intake_save_replaces_times_only_when_changed(make_request, broker):
    item = make_request(status=S.INTAKE)
    old = RequestDateFactory(request=item, date=datetime.date(2020, 1, 6))  # long past, but already stored
    request_intake_save(
        request=item,
        by=broker,
        **intake_kwargs(weekly_slots=[], dates=[(old.date, old.start, old.end)]),
    )
    assert list(item.dates.values_list("pk", flat=True)) == [old.pk]  # untouched, not refused

    slot = Slot(2, datetime.time(9), datetime.time(12))
    request_intake_save(request=item, by=broker, **intake_kwargs(weekly_slots=[slot], dates=[]))
    item.refresh_from_db()
    assert [s.as_slot() for s in item.slots.all()] == [slot]
    assert not item.dates.exists()
    assert item.recurring is True


def test_intake_save_refuses_a_new_date_in_the_past(make_request, broker):
    item = make_request(status=S.INTAKE)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="voorbij") as info:
        request_intake_save(
            request=item,
            by=broker,
            **intake_kwargs(dates=[(yesterday, datetime.time(10), datetime.time(11))]),
        )
    assert info.value.field == "dates"
    assert not item.dates.exists()


# --- Privacy log ---------------------------------------------------------------------


class _Request:
    """What access_record reads of an HttpRequest."""

    def __init__(self, user):
        self.user = user
        self.META = {"REMOTE_ADDR": "192.0.2.77", "HTTP_USER_AGENT": "Firefox"}


def test_care_file_view_is_logged_for_the_mantelzorger(make_request, broker):
    recipient = CareRecipientFactory(mantelzorger__organisation=make_request().organisation)
    item = make_request(kind="respite", care_recipient=recipient)
    access = request_read(request=_Request(broker), help_request=item, what=AccessLogEntry.What.REQUEST_DETAIL)
    # Through the person cared for, the request belongs to the mantelzorger's care file.
    assert access.subject_key == f"mantelzorger:{recipient.mantelzorger.pk}"
    assert access.subject_mantelzorger_id == recipient.mantelzorger.pk
    assert access.subject_request_id == item.pk
    assert access.actor == broker and access.actor_label == broker.email
    assert access.actor_role == "broker"
    assert access.object_ref == f"helprequest:{item.pk}"
    assert access.client_ip == "192.0.2.0/24"
    assert access.user_agent == "Firefox"


def test_request_without_care_file_is_logged_under_the_requester_or_the_request(make_request, broker):
    without_account = make_request(requester=None)
    access = request_read(request=_Request(broker), help_request=without_account, what="request_detail")
    assert access.subject_key == f"request:{without_account.pk}"
    assert access.subject_mantelzorger_id is None


class _NoRowLock:
    """What a database without row locks gives a second broker: the state read
    before the first broker's write."""

    def __init__(self, stale):
        self.stale = stale

    def get(self, **kwargs):
        return self.stale


@pytest.mark.parametrize("step", ["start_intake", "intake_save"])
def test_conditional_update_refuses_when_state_changed_meanwhile(make_request, broker, monkeypatch, step):
    item = make_request()
    stale = HelpRequest.objects.get(pk=item.pk)
    request_refer(request=item, by=broker, referred_to="Wijkteam", referral_reason="Schulden")
    monkeypatch.setattr(HelpRequest.objects, "select_for_update", lambda: _NoRowLock(stale))
    with pytest.raises(DomainError, match="Deze vraag is al doorverwezen."):
        if step == "start_intake":
            request_start_intake(request=stale, by=broker)
        else:
            request_intake_save(request=stale, by=broker, **intake_kwargs())
    monkeypatch.undo()
    item.refresh_from_db()
    assert item.status == S.REFERRED and item.question_behind == ""
    assert item.events.count() == 1


def test_intake_save_keeps_respite_needing_a_vog(make_request, broker):
    item = make_request(kind="practical")
    assert item.needs_vog is False
    request_intake_save(request=item, by=broker, **intake_kwargs(kind="respite"))
    item.refresh_from_db()
    assert item.kind == "respite" and item.needs_vog is True
