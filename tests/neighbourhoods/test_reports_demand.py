"""Signals of unmet demand: waiting requests against free volunteers, per
neighbourhood, skill, weekday and part of the day."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from reports.demand import GapLevel, area_gaps, demand_signals, gap_level
from tests.login import log_in

from .conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 10, 12)  # a Wednesday


@pytest.fixture
def skills(db):
    from neighbourhoods.models import Skill
    from neighbourhoods.services import skills_ensure_defaults

    skills_ensure_defaults()
    return {s.code: s for s in Skill.objects.filter(organisation=None)}


def _slots(owner, text, model):
    """Weekly slots for a request (RequestSlot) or a volunteer (AvailabilitySlot)."""
    from common.slots import parse_slots

    owner_field = "request" if model.__name__ == "RequestSlot" else "volunteer"
    model.objects.bulk_create(
        model(**{owner_field: owner}, weekday=s.weekday, start=s.start, end=s.end) for s in parse_slots(text)
    )


@pytest.fixture
def velp(build, region, skills):
    """Velp: 14 respite requests on Tuesday afternoon, 2 volunteers free then; and
    volunteers who do not count (paused, full, stopped, another skill, elsewhere)."""
    from caregivers.models import RequestSlot
    from volunteers.models import AvailabilitySlot

    area = region["areas"]["Velp"]
    with time_machine.travel(NOW, tick=False):
        for i in range(14):
            request = build.request(area, at=local(2026, 5, 1 + i), kind="respite", status="ready")
            request.skills.set([skills["respite"]])
            _slots(request, "tue 14:00-16:00", RequestSlot)
        shopping = build.request(area, at=local(2026, 4, 1), kind="practical", status="intake")
        shopping.skills.set([skills["shopping"]])
        _slots(shopping, "thu 09:30-11:30", RequestSlot)
        build.request(area, at=local(2026, 3, 1), kind="practical", status="closed").skills.set([skills["shopping"]])

        def volunteer(skill="respite", slots="tue 13:00-17:30", **fields):
            v = build.volunteer(area, max_active_matches=fields.pop("max_active_matches", 2), **fields)
            v.skills.set([skills[skill]])
            _slots(v, slots, AvailabilitySlot)
            return v

        volunteer()
        volunteer(slots="tue 09:00-12:30; tue 13:00-17:30")
        volunteer(slots="wed 13:00-17:30")  # respite, but not on Tuesday: counts for the skill, not the slot
        volunteer(paused_until=datetime.date(2026, 7, 1))
        full = volunteer(max_active_matches=1)
        build.match(build.request(area, at=local(2026, 1, 1), status="matched"), full, activated=local(2026, 1, 5))
        volunteer(stopped=local(2026, 5, 1))
        volunteer(skill="shopping")
        build.volunteer(region["areas"]["Arnhem"]).skills.set([skills["respite"]])  # lives elsewhere
    return area


def test_the_example_of_the_issue(velp, region):
    with time_machine.travel(NOW, tick=False):
        demand = demand_signals(organisation=region["org_a"], suppress=False)
    top = demand.hotspots[0]
    assert (top.neighbourhood, top.skill, top.waiting, top.available, top.when) == (
        "Velp",
        "respijtzorg (oppassen bij de zorgvrager)",
        14,
        2,
        "dinsdagmiddag",
    )
    assert top.gap == 12 and top.level == GapLevel.SHORT


def test_rows_per_neighbourhood_and_skill_longest_wait_first(velp, region):
    with time_machine.travel(NOW, tick=False):
        demand = demand_signals(organisation=region["org_a"], suppress=False)
    rows = [(r.neighbourhood, r.skill, r.waiting, r.available, r.longest_wait_days) for r in demand.rows]
    assert rows[0][:4] == ("Velp", "boodschappen", 1, 1)  # waiting since 1 April: first
    assert rows[0][4] == (NOW - local(2026, 4, 1)).days
    respite = rows[1]
    assert respite[:4] == ("Velp", "respijtzorg (oppassen bij de zorgvrager)", 14, 3)  # incl. the Wednesday one
    assert respite[4] == (NOW - local(2026, 5, 1)).days


def test_the_map_counts_per_neighbourhood(velp, region):
    with time_machine.travel(NOW, tick=False):
        gaps = {a.neighbourhood.name: a for a in area_gaps(organisation=region["org_a"], suppress=False)}
    assert (gaps["Velp"].waiting, gaps["Velp"].available) == (15, 4)  # free: 3 respite + 1 shopping
    assert gaps["Velp"].level == GapLevel.SHORT
    assert gaps["Centrum"].waiting == 0 and gaps["Centrum"].level == GapLevel.NONE
    assert "Ede" not in gaps  # organisation B's


def test_municipality_sees_small_numbers_hidden(velp, region):
    with time_machine.travel(NOW, tick=False):
        demand = demand_signals(organisation=region["org_a"], municipality=region["rheden"])
    top = demand.hotspots[0]
    assert (top.waiting_shown, top.available_shown, top.gap_shown) == (14, "<10", None)
    shopping = next(r for r in demand.rows if r.skill == "boodschappen")
    assert shopping.waiting_shown == "<10" and shopping.longest_wait_days is None
    assert {a.neighbourhood.name for a in demand.areas} == {"Velp"}


def test_demand_page_as_municipality_shows_the_sentence(client, personas, velp, region):
    from demo.factories import StaffMembershipFactory

    StaffMembershipFactory(
        user=personas["nobody"], organisation=region["org_a"], role="municipality", municipality=region["rheden"]
    )
    log_in(client, personas["nobody"])
    with time_machine.travel(NOW, tick=False):
        response = client.get("/organisatie/org-a/cijfers/vraag-en-aanbod/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "In Velp wachten 14 vragen voor respijtzorg (oppassen bij de zorgvrager) op dinsdagmiddag" in body
    assert "Hulpvrager" not in body and "Vrijwilliger" not in body


@pytest.mark.parametrize(
    "waiting, available, level",
    [(0, 0, "none"), (0, 5, "none"), (3, 3, "ok"), (3, 5, "ok"), (4, 2, "tight"), (5, 2, "short"), (1, 0, "short")],
)
def test_gap_levels(waiting, available, level):
    assert gap_level(waiting, available) == level
