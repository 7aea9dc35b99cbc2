"""The report's figures on a hand-made month (March 2026 in Arnhem), each number
checked, first exact (a broker's view), then as the municipality sees it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from caregivers.models import CareSignal
from reports.figures import HIDDEN, SMALL, report_build
from reports.months import Month

from .conftest import MARCH, NOW, local

pytestmark = pytest.mark.django_db


def exact(march, region, **kwargs):
    return report_build(
        organisation=region["org_a"], municipality=march["arnhem"], months=[MARCH], suppress=False, **kwargs
    )


def row_of(table, name):
    return next(row for row in table.rows if row.area.name == name)


def test_every_figure_of_centrum_in_march(march, region):
    table = exact(march, region).month(MARCH)
    assert not table.provisional
    centrum = row_of(table, "Centrum")
    values = {code: cell.value for code, cell in centrum.cells.items()}
    assert values == {
        "requests_new": 12,
        "requests_respite": 5,
        "requests_practical": 4,
        "requests_companionship": 2,
        "requests_transport": 1,
        "requests_other": 0,
        # Answered within 7 days: r1 (3 d), r3 (referred after 2 d), r6 (exactly 7 d), r8 (5 d, the
        # first start) = 4 of 12.
        "answered_7d_pct": 33.3,
        # Within 30 days also r2 (10 d) and r10 (referred after 15 d) = 6 of 12.
        "answered_30d_pct": 50.0,
        # Starts after 3, 5, 7, 10, 35.96 and 35.96 days: the middle two are 7 and 10.
        "median_days_to_match": 8.5,
        # m1, m2, m6, m8 (first), old1 (ended at the first instant of March), old2.
        "matches_active": 6,
        "respite_hours": Decimal("7.5"),
        "mantelzorgers_reached": 1,  # mz1; mz2's request is in Centrum but she lives in Presikhaaf
        "burden_avg": 7.7,  # mz1: 8 and 6, mz3: 9
        "burden_high_pct": 100.0,  # both had a check-in of 7 or more
        "referrals": 2,  # r3 (twice, one request) and r10
        "volunteers_active": 2,  # vA (m1, m2) and vB (m6, old2); vD lives in Velp
        "volunteers_new": 3,  # vA, the one of 31 March 23:30, the departure
        "volunteers_stopped": 2,  # 15 March, and the departure of 20 March
        "matches_ended": 2,  # old1 and old2 (old3 ended in February; m8's cancel has no evaluation)
        "goal_reached_pct": 50.0,  # old1 yes, old2 partly
        # No respite match ended with a check-in before its start and one after its end.
        "burden_pairs": 0,
        "burden_change_median": None,
        # No signals in this scene (tests/neighbourhoods/test_reports_outcomes.py).
        "signals_received": 0,
        "signals_open": 0,
        "signals_request": 0,
        **{f"signals_closed_{reason}": 0 for reason in CareSignal.CloseReason.values},
        # The ladder and satisfaction: nothing here records them (test_reports_ladder.py does).
        "requests_solved": 0,
        "solved_own_strength": 0,
        "solved_own_network": 0,
        "solved_volunteer": 0,
        "solved_referral": 0,
        "goals_reached": 0,
        "goals_partly": 0,
        "goals_reached_pct": None,
        "satisfaction_volunteer_median": None,
        "satisfaction_volunteer_pct": None,
        "satisfaction_requester_median": None,
        "satisfaction_requester_pct": None,
        # No partners here (tests/partners/test_figures.py counts their vacancies).
        "vacancies_posted": 0,
        "vacancies_filled": 0,
        "vacancy_responses": 0,
        "vacancy_responses_accepted": 0,
        # No activities here (tests/activities/test_figures.py counts them).
        "activities_held": 0,
        "activity_participants": 0,
        "activity_waiting": 0,
    }


def test_presikhaaf_and_the_municipality_total(march, region):
    table = exact(march, region).month(MARCH)
    presikhaaf = row_of(table, "Presikhaaf")
    assert presikhaaf["requests_new"].value == 2
    assert presikhaaf["volunteers_active"].value == 1  # vC (m8's first match)
    assert presikhaaf["mantelzorgers_reached"].value == 1  # mz2
    assert presikhaaf["burden_avg"].value == 5.0
    assert presikhaaf["burden_high_pct"].value == 0.0
    assert presikhaaf["answered_7d_pct"].value == 0.0
    assert presikhaaf["median_days_to_match"].value is None
    assert presikhaaf["median_days_to_match"].status == "empty"
    total = table.total
    assert total.area.name == "Arnhem"
    assert total["requests_new"].value == 14  # not Velp, not organisation B, not February or April
    assert total["answered_7d_pct"].value == round(100 * 4 / 14, 1)
    assert total["median_days_to_match"].value == 8.5
    assert total["mantelzorgers_reached"].value == 2
    assert total["volunteers_active"].value == 3
    assert total["burden_avg"].value == 7.0  # (8 + 6 + 9 + 5) / 4
    assert total["burden_high_pct"].value == round(100 * 2 / 3, 1)
    assert [row.area.name for row in table.rows] == ["Centrum", "Presikhaaf"]


def test_organisation_level_rows_are_municipalities(march, region):
    report = report_build(organisation=region["org_a"], months=[MARCH], suppress=False)
    table = report.month(MARCH)
    by_name = {row.area.name: row for row in table.rows}
    assert set(by_name) == {"Arnhem", "Rheden"}  # nothing without a neighbourhood in March
    assert by_name["Arnhem"]["requests_new"].value == 14
    assert by_name["Rheden"]["requests_new"].value == 1
    assert by_name["Rheden"]["volunteers_active"].value == 1  # vD lives in Velp
    assert table.total["requests_new"].value == 15
    assert table.total.area.name == region["org_a"].name


def test_requests_without_a_neighbourhood_are_only_in_the_organisation_view(march, region, build):
    build.request(None, at=local(2026, 3, 9))
    municipality = exact(march, region).month(MARCH)
    assert municipality.total["requests_new"].value == 14
    organisation = report_build(organisation=region["org_a"], months=[MARCH], suppress=False).month(MARCH)
    unknown = next(row for row in organisation.rows if row.area.kind == "unknown")
    assert unknown["requests_new"].value == 1
    assert organisation.total["requests_new"].value == 16


def test_months_are_amsterdam_calendar_months(march, region):
    feb, apr = Month(2026, 2), Month(2026, 4)
    report = report_build(
        organisation=region["org_a"], municipality=march["arnhem"], months=[feb, MARCH, apr], suppress=False
    )
    centrum = {t.month: row_of(t, "Centrum") for t in report.months}
    assert centrum[feb]["requests_new"].value == 1  # 28 February 23:30
    assert centrum[MARCH]["requests_new"].value == 12  # incl. 1 March 00:30 and 31 March 23:30
    assert centrum[apr]["requests_new"].value == 2  # 1 April 00:00 and the April referral's request
    assert centrum[apr]["volunteers_stopped"].value == 1  # 1 April 00:00
    assert centrum[feb]["matches_ended"].value == 1  # old3 at 23:59 on 28 February
    assert centrum[apr]["respite_hours"].value == Decimal("4")
    # The same March, whether asked alone or with its neighbours.
    alone = row_of(exact(march, region).month(MARCH), "Centrum")
    assert {c: x.value for c, x in alone.cells.items()} == {c: x.value for c, x in centrum[MARCH].cells.items()}


def test_an_empty_month_has_zeros_and_no_percentages(march, region):
    empty = Month(2025, 6)
    with time_machine.travel(NOW, tick=False):
        report = report_build(organisation=region["org_a"], municipality=march["arnhem"], months=[empty])
    table = report.month(empty)
    for row in table.all_rows:
        for code, cell in row.cells.items():
            if cell.figure.kind == "count":
                assert (cell.value, cell.export) == (0, 0), code
            else:
                assert (cell.value, cell.status, cell.export) == (None, "empty", None), code


def test_the_current_month_is_provisional(march, region):
    with time_machine.travel(local(2026, 4, 20), tick=False):
        report = report_build(organisation=region["org_a"], municipality=march["arnhem"], months=[MARCH])
    assert report.month(MARCH).provisional  # within 30 days after the end of March
    report = exact(march, region)
    assert not report.month(MARCH).provisional


def test_municipality_sees_small_numbers_hidden(march, region):
    table = report_build(organisation=region["org_a"], municipality=march["arnhem"], months=[MARCH]).month(MARCH)
    centrum, presikhaaf, total = row_of(table, "Centrum"), row_of(table, "Presikhaaf"), table.total
    assert centrum["requests_respite"].export == SMALL
    assert centrum["requests_other"].export == 0
    # 12 requests: the shares may be shown; the median rests on 6 matched requests: hidden.
    assert centrum["answered_30d_pct"].export == 50.0
    assert centrum["median_days_to_match"].export == SMALL
    assert centrum["respite_hours"].export == SMALL  # two households
    assert centrum["burden_avg"].export == SMALL
    assert centrum["matches_active"].export == SMALL
    assert presikhaaf["requests_new"].export == SMALL
    assert presikhaaf["answered_7d_pct"].export == SMALL  # a share of 2 requests
    # The total (14) minus Centrum (12) would give Presikhaaf's 2: Centrum is hidden too.
    assert total["requests_new"].export == 14
    assert centrum["requests_new"].export == HIDDEN


def test_secondary_suppression_leaves_no_line_with_one_unknown(march, region):
    table = report_build(organisation=region["org_a"], municipality=march["arnhem"], months=[MARCH]).month(MARCH)
    unknown = {"small", "hidden"}
    from reports.counting import COUNT_CODES, KIND_CODES

    for code in COUNT_CODES:
        column = [row[code] for row in table.all_rows]
        assert sum(cell.status in unknown for cell in column) != 1, code
    for row in table.all_rows:
        line = [row[code] for code in (*KIND_CODES, "requests_new")]
        assert sum(cell.status in unknown for cell in line) != 1, row.area.name
    # Here: Presikhaaf's 2 new requests are small, so Centrum's 12 is hidden in that column.
    assert row_of(table, "Centrum")["requests_new"].export == HIDDEN
    assert table.total["requests_new"].export == 14
