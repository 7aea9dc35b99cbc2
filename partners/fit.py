""" "Past bij u": which public vacancies fit a logged-in volunteer, ranked by the matching
engine's own rules. Nothing is reimplemented here: a vacancy becomes the engine's
:class:`~matching.engine.types.RequestData`, the volunteer comes from the engine's
loader (:func:`matching.loaders.volunteer_pool`), the hard constraints are the
engine's functions for skills, distance and availability
(:mod:`matching.engine.constraints`), and the score and its reasons are
:func:`matching.engine.scoring.candidate_for`.

Which rules and parts apply to a vacancy (the rest are about one-to-one help brokered
by the centre: the household helped before, the volunteer's open matches, the
request's waiting time and urgency, a shared language):

* hard: every skill the vacancy asks (``check_skills``), within the volunteer's
  travel distance (``check_distance_volunteer``; not for work from home) and the
  vacancy's times inside the volunteer's weekly availability (``check_availability``;
  a flexible vacancy names no time);
* score: the default weights of distance, availability, preferences (one-off or
  weekly) and neighbourhood; continuity, load, priority and language weigh 0.

Reasons are the engine's codes (rendered by :mod:`matches.reasons`), without the ones
about brokered help, plus two of our own: ``from_home`` and ``skills``.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from common.geo import haversine_km
from matches.reasons import reason_text
from matching.engine.constraints import (
    Context,
    check_availability,
    check_distance_volunteer,
    check_skills,
)
from matching.engine.scoring import candidate_for
from matching.engine.types import DateWindow, RequestData, VolunteerData, Weights
from matching.loaders import volunteer_pool
from partners.models import Vacancy

FIT_RULES = (check_skills, check_distance_volunteer, check_availability)
WEIGHTS = dataclasses.replace(Weights(), continuity=0.0, load=0.0, priority=0.0, language=0.0)
# The engine's reasons that say something about a vacancy.
SHOWN_CODES = frozenset({"distance", "available", "dates", "same_neighbourhood", "wants_recurring", "wants_one_off"})


@dataclass(frozen=True)
class Fit:
    vacancy: Vacancy
    score: float
    distance_km: float | None
    reasons: list[dict[str, Any]]

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)

    @property
    def reason_texts(self) -> list[str]:
        return [fit_reason_text(reason) for reason in self.reasons]


def fit_reason_text(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "from_home":
        return _("vanuit huis of telefonisch")
    if code == "skills":
        return _("u doet graag: %(skills)s") % {"skills": ", ".join(str(s) for s in reason.get("labels", []))}
    return reason_text(reason)


def volunteer_data(volunteer) -> VolunteerData | None:
    """The volunteer as the engine sees them (None without a location)."""
    pool = volunteer_pool(organisation=volunteer.organisation, only=[volunteer.pk])
    row = pool.row_of(volunteer.pk)
    return None if row is None else pool.volunteer(row)


def vacancy_data(vacancy: Vacancy, *, near) -> RequestData:
    """A vacancy as a request of the engine. Work from home is "here" for everyone
    (``near``: the volunteer's point), so distance never counts against it."""
    point = near if vacancy.from_home or vacancy.point is None else vacancy.point
    dates = ()
    if vacancy.when == Vacancy.When.ONE_OFF and vacancy.date and vacancy.start_time and vacancy.end_time:
        dates = (DateWindow(vacancy.date, vacancy.start_time, vacancy.end_time),)
    recurring = {Vacancy.When.WEEKLY: True, Vacancy.When.ONE_OFF: False}.get(vacancy.when)
    return RequestData(
        id=vacancy.pk,
        organisation_id=vacancy.partner.organisation_id,
        point=point,
        created_at=vacancy.created_at,
        required_skills=frozenset(skill.code for skill in vacancy.skills.all()),
        weekly_slots=tuple(slot.as_slot() for slot in vacancy.slots.all())
        if vacancy.when == Vacancy.When.WEEKLY
        else (),
        dates=dates,
        needs_vog=vacancy.needs_vog,
        neighbourhood_id=vacancy.neighbourhood_id,
        recurring=recurring,
    )


def vacancies_fitting(*, volunteer, vacancies, now: datetime.datetime | None = None) -> list[Fit]:
    """The vacancies that pass the engine's rules for ``volunteer``, best first."""
    now = now or timezone.now()
    data = volunteer_data(volunteer)
    if data is None:
        return []
    today = timezone.localdate(now)
    fits = []
    for vacancy in vacancies:
        request = vacancy_data(vacancy, near=data.point)
        distance = 0.0 if vacancy.from_home else haversine_km(data.point, request.point)
        ctx = Context(today, distance)
        if any(rule(data, request, ctx) is not None for rule in FIT_RULES):
            continue
        candidate = candidate_for(data, request, distance_km=distance, weights=WEIGHTS, now=now)
        reasons = [r for r in candidate.reasons if r["code"] in SHOWN_CODES]
        if vacancy.from_home:
            reasons = [{"code": "from_home"}, *[r for r in reasons if r["code"] != "distance"]]
        labels = [skill.display_label for skill in vacancy.skills.all()]
        if labels:
            reasons.append({"code": "skills", "labels": labels})
        fits.append(
            Fit(
                vacancy=vacancy,
                score=candidate.score,
                distance_km=None if vacancy.from_home else distance,
                reasons=reasons,
            )
        )
    fits.sort(key=lambda fit: (-fit.score, fit.distance_km or 0.0, fit.vacancy.pk))
    return fits
