"""The demo's collective activities (issue #16): in each demo region a weekly respite
afternoon for carers (full, with a waiting list ordered by carer burden), a
neighbourhood meal on three dates organised for the region's partner, and a walking
group, with sign-ups of the region's carers and the demo volunteer as a helper.

Everything goes through ``activities.services`` (the same checks as the broker's pages).
Idempotent: an activity is found by title; one that ended since the last run is made
again with new dates."""

from __future__ import annotations

import contextlib
import datetime

from django.db.models import F
from django.utils import timezone

from activities.models import Activity, SignUp
from activities.services import DateTime, activity_save, signup_create
from caregivers.models import Mantelzorger
from common.errors import DomainError
from common.geo import Point
from common.slots import parse_slots
from neighbourhoods.models import Neighbourhood, Organisation
from partners.models import Partner
from volunteers.models import Volunteer


def _signup(activity: Activity, *, by, role: str = "participant", **person) -> None:
    with contextlib.suppress(DomainError):  # already signed up, or the person cannot
        signup_create(activity=activity, role=role, by=by, **person)


def demo_activities_load(
    *,
    organisation: Organisation,
    broker,
    partner: Partner | None,
    area: Neighbourhood,
    postcode: str,
    volunteer: Volunteer | None,
) -> list[Activity]:
    today = timezone.localdate()
    point = Point(round(area.centroid.lat, 6), round(area.centroid.lon, 6))
    place = {"postcode": postcode, "place": area.name, "point": point}
    existing = {a.title: a for a in Activity.objects.filter(organisation=organisation, until__gte=today)}
    # The demo carer (with an account) first.
    carers = list(
        Mantelzorger.objects.filter(organisation=organisation).order_by(F("user_id").desc(nulls_last=True), "pk")[:12]
    )
    made: list[Activity] = []

    def make(title: str, **values) -> tuple[Activity, bool]:
        if title in existing:
            return existing[title], False
        activity = activity_save(organisation=organisation, by=broker, title=title, **place, **values)
        return activity, True

    respite, new = make(
        "Respijtmiddag voor mantelzorgers",
        description=(
            "Elke dinsdagmiddag: koffie, een spel en een wandeling onder begeleiding. Uw naaste is welkom "
            "en wordt goed opgevangen; u kunt even op adem komen of met andere mantelzorgers praten."
        ),
        kind=Activity.Kind.RESPITE_GROUP,
        audience=Activity.Audience.CARERS,
        schedule=Activity.Schedule.WEEKLY,
        slots=parse_slots("tue 14:00-17:00"),
        until=today + datetime.timedelta(days=120),
        participant_places=4,
        volunteer_places=2,
        waiting_order=Activity.WaitingOrder.BURDEN_FIRST,
    )
    made.append(respite)
    if new:
        for carer in carers[:6]:  # four places: two wait
            _signup(respite, by=broker, mantelzorger=carer, user=carer.user)
        if volunteer is not None:
            _signup(respite, by=broker, role=SignUp.Role.HELPER, volunteer=volunteer, user=volunteer.user)

    meal_dates = [today + datetime.timedelta(days=days) for days in (10, 24, 38)]
    meal, new = make(
        "Buurtmaaltijd: samen eten",
        description="Eén keer in de twee weken koken vrijwilligers een warme maaltijd. Aanschuiven kost niets.",
        kind=Activity.Kind.MEAL,
        audience=Activity.Audience.EVERYONE,
        partner=partner,
        schedule=Activity.Schedule.DATES,
        dates=[DateTime(day, datetime.time(17, 30), datetime.time(19, 30)) for day in meal_dates],
        until=meal_dates[-1],
        participant_places=12,
        volunteer_places=3,
    )
    made.append(meal)
    if new:
        for carer in carers[6:9]:
            _signup(meal, by=broker, mantelzorger=carer, user=carer.user)

    walk, _new = make(
        "Wandelgroep in de buurt",
        description="Elke donderdagochtend een rustige wandeling van een uur, met koffie na afloop.",
        kind=Activity.Kind.WALKING,
        audience=Activity.Audience.LONELY,
        schedule=Activity.Schedule.WEEKLY,
        slots=parse_slots("thu 10:00-11:30"),
        until=today + datetime.timedelta(days=180),
        participant_places=10,
        volunteer_places=1,
    )
    made.append(walk)
    return made
