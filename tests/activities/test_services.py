"""Activities: capacity, the ordered waiting list and its 48-hour offers (table-driven
where it is a rule), and the checks on bad input."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.services import (
    DateTime,
    offer_answer,
    offers_expire,
    signup_cancel,
    signup_create,
    signups_erase,
    token_hash,
    waiting_list,
    waiting_order_set,
)
from common.errors import DomainError
from notifications.models import Notification
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def sign_up(activity, carer, by=None):
    return signup_create(
        activity=activity, role="participant", by=by or carer.user, user=carer.user, mantelzorger=carer
    )


def offer_token(signup) -> str:
    """The secret of the offer mail (only its hash is stored): read it from the outbox."""
    mail = Notification.objects.filter(kind="activity_offer", to_email=signup.mantelzorger.email).latest("pk")
    token = mail.body.split("/activiteiten/aanbod/")[1].split("/")[0]
    assert token_hash(token) == SignUp.objects.get(pk=signup.pk).offer_token_hash
    return token


def statuses(activity):
    return [s.status for s in SignUp.objects.filter(activity=activity, role="participant").order_by("created_at", "pk")]


def test_six_for_four_places_two_wait_in_order(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    assert [s.status for s in signups] == ["confirmed"] * 4 + ["waiting"] * 2
    assert [s.pk for s in waiting_list(activity)] == [signups[4].pk, signups[5].pk]


def test_a_cancel_offers_the_place_to_the_first_waiting_who_takes_it(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[1], by=scene.carers[1].user)
    fifth = SignUp.objects.get(pk=signups[4].pk)
    assert fifth.status == "offered"
    assert fifth.offer_expires_at - fifth.offered_at == datetime.timedelta(hours=48)
    assert SignUp.objects.get(pk=signups[5].pk).status == "waiting"
    # The place is held: a seventh sign-up waits, it does not take it.
    taken = offer_answer(token=offer_token(fifth), accept=True)
    assert taken.status == "confirmed"
    assert SignUp.objects.filter(activity=activity, status__in=SignUp.HOLDING).count() == 4


def test_a_new_sign_up_never_jumps_the_waiting_list(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers[:5]]
    signup_cancel(signup=signups[0], by=scene.broker)
    late = sign_up(activity, scene.carers[5])
    assert late.status == "waiting"
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"


def test_declining_passes_the_offer_on(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[0], by=scene.broker)
    offer_answer(token=offer_token(signups[4]), accept=False)
    assert SignUp.objects.get(pk=signups[4].pk).status == "declined"
    assert SignUp.objects.get(pk=signups[5].pk).status == "offered"


def test_an_expired_offer_moves_on_exactly_once_even_when_the_task_runs_twice(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[0], by=scene.broker)
    token = offer_token(signups[4])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=48, minutes=1)):
        assert offers_expire() == 1
        assert offers_expire() == 0
    assert SignUp.objects.get(pk=signups[4].pk).status == "expired"
    sixth = SignUp.objects.get(pk=signups[5].pk)
    assert sixth.status == "offered"
    assert Notification.objects.filter(kind="activity_offer").count() == 2
    # The expired link no longer works.
    with pytest.raises(DomainError):
        offer_answer(token=token, accept=True)


def test_an_offer_not_yet_expired_is_left_alone(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[0], by=scene.broker)
    assert offers_expire(now=timezone.now() + datetime.timedelta(hours=47)) == 0
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"


def test_an_offer_answered_after_48_hours_is_refused(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[0], by=scene.broker)
    token = offer_token(signups[4])
    later = timezone.now() + datetime.timedelta(hours=49)
    with time_machine.travel(later), pytest.raises(DomainError, match="verlopen"):
        offer_answer(token=token, accept=True)
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"  # the task moves it on


@pytest.mark.parametrize("token", ["", "x", "a" * 65, "bestaat-niet"])
def test_an_unknown_offer_link_is_refused(scene, activity, token):
    with pytest.raises(DomainError):
        offer_answer(token=token, accept=True)


def test_high_burden_first_when_the_broker_applies_the_rule(scene, activity):
    from caregivers.models import BurdenCheckIn

    signups = [sign_up(activity, carer) for carer in scene.carers]
    BurdenCheckIn.objects.create(mantelzorger=scene.carers[5], score=9)
    BurdenCheckIn.objects.create(mantelzorger=scene.carers[4], score=2)
    assert [s.pk for s in waiting_list(activity)] == [signups[4].pk, signups[5].pk]
    waiting_order_set(activity=activity, by=scene.broker, order="burden_first")
    assert [s.pk for s in waiting_list(activity)] == [signups[5].pk, signups[4].pk]
    signup_cancel(signup=signups[0], by=scene.broker)
    assert SignUp.objects.get(pk=signups[5].pk).status == "offered"
    assert SignUp.objects.get(pk=signups[4].pk).status == "waiting"


def test_a_double_sign_up_is_refused(scene, activity):
    sign_up(activity, scene.carers[0])
    with pytest.raises(DomainError, match="al aangemeld"):
        sign_up(activity, scene.carers[0])
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_after_cancelling_one_may_sign_up_again(scene, activity):
    first = sign_up(activity, scene.carers[0])
    signup_cancel(signup=first, by=scene.carers[0].user)
    assert sign_up(activity, scene.carers[0]).status == "confirmed"


def test_helpers_have_their_own_places(scene, activity):
    helper = signup_create(
        activity=activity, role="helper", by=scene.volunteer.user, user=scene.volunteer.user, volunteer=scene.volunteer
    )
    assert helper.status == "confirmed"
    assert [sign_up(activity, c).status for c in scene.carers[:4]] == ["confirmed"] * 4


def test_no_helpers_wanted(scene):
    activity = make_activity(scene, volunteer_places=0)
    with pytest.raises(DomainError, match="geen vrijwilligers"):
        signup_create(
            activity=activity,
            role="helper",
            by=scene.volunteer.user,
            user=scene.volunteer.user,
            volunteer=scene.volunteer,
        )


def test_someone_else_cannot_sign_a_person_up_or_off(scene, activity):
    with pytest.raises(DomainError):
        signup_create(activity=activity, role="participant", by=scene.carers[1].user, user=scene.carers[0].user)
    with pytest.raises(DomainError):
        signup_create(activity=activity, role="participant", by=scene.other_broker, mantelzorger=scene.carers[0])
    mine = sign_up(activity, scene.carers[0])
    with pytest.raises(DomainError):
        signup_cancel(signup=mine, by=scene.carers[1].user)
    assert SignUp.objects.get(pk=mine.pk).status == "confirmed"


def test_the_broker_signs_someone_up_without_an_account(scene, activity):
    from demo.factories import MantelzorgerFactory

    offline = MantelzorgerFactory(organisation=scene.org, first_name="Zoë", last_name="van 't Hof-Özdemir")
    signup = signup_create(activity=activity, role="participant", by=scene.broker, mantelzorger=offline)
    assert signup.status == "confirmed" and signup.user is None and signup.signed_up_by == scene.broker


def test_a_foreign_person_cannot_join(scene, activity):
    from demo.factories import MantelzorgerFactory

    stranger = MantelzorgerFactory(organisation=scene.other_org)
    with pytest.raises(DomainError, match="andere centrale"):
        signup_create(activity=activity, role="participant", by=scene.broker, mantelzorger=stranger)


def test_a_cancelled_or_past_activity_takes_no_one(scene, activity):
    Activity.objects.filter(pk=activity.pk).update(status="cancelled")
    with pytest.raises(DomainError, match="niet meer"):
        sign_up(activity, scene.carers[0])
    Activity.objects.filter(pk=activity.pk).update(
        status="open", until=datetime.date.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="niet meer"):
        sign_up(activity, scene.carers[0])


TODAY = datetime.date.today()
PAST = TODAY - datetime.timedelta(days=1)
SOON = TODAY + datetime.timedelta(days=7)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"participant_places": 0}, "participant_places"),
        ({"participant_places": -3}, "participant_places"),
        ({"volunteer_places": -1}, "volunteer_places"),
        ({"dates": [DateTime(PAST, datetime.time(14), datetime.time(16))]}, "dates"),
        ({"dates": []}, "dates"),
        ({"dates": [DateTime(SOON, datetime.time(16), datetime.time(14))], "until": SOON}, "dates"),
        ({"until": PAST}, "until"),
        ({"until": None}, "until"),
        ({"until": TODAY, "dates": [DateTime(SOON, datetime.time(14), datetime.time(16))]}, "until"),
        ({"schedule": "weekly", "slots": []}, "slots"),
        ({"schedule": "sometimes"}, "schedule"),
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"point": None}, "postcode"),
        ({"waiting_order": "loudest"}, "waiting_order"),
    ],
)
def test_bad_activity_input_is_refused(scene, values, field):
    with pytest.raises(DomainError) as caught:
        make_activity(scene, **values)
    assert caught.value.field == field
    assert not Activity.objects.exists()


def test_only_the_centres_brokers_make_activities(scene):
    from activities.services import activity_save

    with pytest.raises(DomainError, match="makelaar"):
        activity_save(
            organisation=scene.org,
            by=scene.carers[0].user,
            title="x",
            description="y",
            schedule="weekly",
            until=SOON,
            participant_places=3,
        )
    activity = make_activity(scene)
    with pytest.raises(DomainError, match="makelaar"):
        waiting_order_set(activity=activity, by=scene.other_broker, order="burden_first")
    assert Activity.objects.get().waiting_order == "first_come"


def test_more_places_let_the_waiting_list_move_up(scene, activity):
    from activities.services import activity_save

    signups = [sign_up(activity, carer) for carer in scene.carers]
    activity_save(
        organisation=scene.org,
        by=scene.broker,
        activity=activity,
        title=activity.title,
        description=activity.description,
        schedule="dates",
        dates=[DateTime(d.date, d.start, d.end) for d in activity.dates.all()],
        until=activity.until,
        participant_places=5,
        place="Arnhem",
        postcode="6811 AB",
        point=activity.point,
    )
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"
    assert SignUp.objects.get(pk=signups[5].pk).status == "waiting"


def test_erasure_frees_the_place_and_keeps_an_anonymous_row(scene, activity):
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signups_erase(user_ids=[scene.carers[0].user.pk], mantelzorger_ids=[scene.carers[0].pk])
    gone = SignUp.objects.get(pk=signups[0].pk)
    assert gone.user is None and gone.mantelzorger is None and gone.status == "cancelled"
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"


def test_the_export_holds_the_persons_sign_ups(scene, activity):
    from accounts.personal_data import Subject
    from activities.personal_data import activities_export

    sign_up(activity, scene.carers[0])
    rows = activities_export(Subject(user=scene.carers[0].user, mantelzorger_ids=frozenset({scene.carers[0].pk})))
    assert [(r["activity"], r["status"]) for r in rows] == [(activity.title, "confirmed")]
    assert activities_export(Subject(user=scene.carers[1].user)) == []


def test_erasing_ones_account_frees_the_place_and_the_export_before_holds_it(scene, activity):
    from privacy.export import personal_data_collect
    from privacy.selectors import subject_for_user
    from privacy.services import account_erase

    user = scene.carers[0].user
    user.set_password("x-Very-secret-1")
    user.save()
    signups = [sign_up(activity, carer) for carer in scene.carers]
    assert [r["status"] for r in personal_data_collect(subject_for_user(user))["parts"]["activity_signups"]] == [
        "confirmed"
    ]
    account_erase(user=user, password="x-Very-secret-1")
    row = SignUp.objects.get(pk=signups[0].pk)
    assert (row.user_id, row.mantelzorger_id, row.status) == (None, None, "cancelled")
    assert SignUp.objects.get(pk=signups[4].pk).status == "offered"


def test_the_expiry_runs_from_beat_as_a_registered_task(scene, activity, settings):
    from common.tasks import task_named

    entry = settings.CELERY_BEAT_SCHEDULE["activity-offers-expire"]
    assert entry["schedule"] <= 15 * 60
    signups = [sign_up(activity, carer) for carer in scene.carers]
    signup_cancel(signup=signups[0], by=scene.broker)
    SignUp.objects.filter(pk=signups[4].pk).update(offer_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert task_named(entry["task"]).apply().get() == 1
    assert SignUp.objects.get(pk=signups[5].pk).status == "offered"
