"""Report figures of issue #15: requests solved per step of the ladder, goals reached,
and the satisfaction of both sides (1-5: median, share of 4 or 5); each with its
suppression of small numbers, stored with the months, in the exports and `report`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from caregivers.models import HelpRequest
from matches.models import Evaluation
from reports.counting import FIGURE_BY_CODE, LADDER_CODES, Raw, Scope, raw_figures
from reports.figures import Area, Row, _cells, report_as_json, report_build, report_rows, suppress_table
from reports.models import ReportMonthArea
from reports.store import STORE_VERSION, report_month_count, stored_raw_by_month

from .conftest import MARCH, NOW, local

pytestmark = pytest.mark.django_db
NEW_CODES = (
    "requests_solved",
    *LADDER_CODES,
    "goals_reached",
    "goals_partly",
    "goals_reached_pct",
    "satisfaction_volunteer_median",
    "satisfaction_volunteer_pct",
    "satisfaction_requester_median",
    "satisfaction_requester_pct",
)


# --- Pure: values and suppression ------------------------------------------------------------


def _row(name, raw):
    return Row(Area(key=name, name=name), _cells(raw), raw)


def _table(*rows):
    total_raw = Raw()
    for row in rows:
        total_raw.add(row.raw)
    total = Row(Area(key="total", name="total", kind="total"), _cells(total_raw), total_raw)
    suppress_table(list(rows), total)
    return total


def _raw(**counts):
    raw = Raw()
    raw.counts.update(counts)
    return raw


def _scores(side, *scores):
    counts = {}
    for score in scores:
        counts[f"satisfaction_{side}_{score}"] = counts.get(f"satisfaction_{side}_{score}", 0) + 1
    return counts


def test_satisfaction_median_and_share_from_the_counts_per_score():
    raw = _raw(**_scores("volunteer", 5, 4, 4, 2, 1, 3), **_scores("requester", 5, 5, 4))
    assert raw.value("satisfaction_volunteer_median") == 3.5  # 1 2 3 | 4 4 5
    assert raw.value("satisfaction_volunteer_pct") == 50.0
    assert raw.value("satisfaction_requester_median") == 5
    assert raw.value("satisfaction_requester_pct") == 100.0
    assert _raw().value("satisfaction_volunteer_median") is None
    assert _raw().value("satisfaction_requester_pct") is None


def test_satisfaction_rests_on_ten_evaluations():
    nine = _row("a", _raw(**_scores("volunteer", *([5] * 9)), **_scores("requester", *([4] * 10))))
    _table(nine)
    assert nine["satisfaction_volunteer_median"].export == "<10"
    assert nine["satisfaction_volunteer_pct"].export == "<10"
    assert nine["satisfaction_requester_median"].export == 4
    assert nine["satisfaction_requester_pct"].export == 100.0


def test_satisfaction_adds_up_over_neighbourhoods_before_it_is_shown():
    a = _row("a", _raw(**_scores("requester", *([2] * 6))))
    b = _row("b", _raw(**_scores("requester", *([5] * 5))))
    total = _table(a, b)
    assert a["satisfaction_requester_median"].export == b["satisfaction_requester_median"].export == "<10"
    assert total["satisfaction_requester_median"].export == 2  # 11 scores: six 2s, five 5s
    assert total["satisfaction_requester_pct"].export == 45.5


def test_goals_reached_share_rests_on_ten_recorded_goals():
    row = _row("a", _raw(requests_solved=9, solved_own_network=9, goals_recorded=9, goals_reached=6))
    _table(row)
    assert row["goals_reached_pct"].export == "<10" and row["goals_reached"].export == "<10"
    row = _row("a", _raw(requests_solved=12, solved_own_network=12, goals_recorded=12, goals_reached=9))
    _table(row)
    assert row["goals_reached_pct"].export == 75.0
    assert row["goals_reached"].export == "<10"  # a count of 1-9 people


def test_ladder_counts_of_1_to_9_are_small_and_a_lone_one_takes_another_with_it():
    a = _row(
        "a",
        _raw(requests_solved=52, solved_own_strength=3, solved_own_network=12, solved_volunteer=25, solved_referral=12),
    )
    b = _row(
        "b",
        _raw(
            requests_solved=60, solved_own_strength=11, solved_own_network=14, solved_volunteer=20, solved_referral=15
        ),
    )
    total = _table(a, b)
    assert a["solved_own_strength"].export == "<10"
    # Within row a, the steps add up to requests_solved: another step is hidden too.
    line = [a[code] for code in (*LADDER_CODES, "requests_solved")]
    assert sum(cell.status in ("small", "hidden") for cell in line) >= 2
    assert sum(cell.status == "hidden" for cell in line) >= 1
    # And no line (row or column) is left with exactly one unknown.
    for row in (a, b, total):
        line = [row[code] for code in (*LADDER_CODES, "requests_solved")]
        assert sum(cell.status in ("small", "hidden") for cell in line) != 1
    for code in (*LADDER_CODES, "requests_solved"):
        column = [a[code], b[code], total[code]]
        assert sum(cell.status in ("small", "hidden") for cell in column) != 1


def test_every_new_figure_has_a_group_a_label_and_a_definition():
    for code in NEW_CODES:
        figure = FIGURE_BY_CODE[code]
        assert figure.group in ("ladder", "satisfaction") and str(figure.label) and str(figure.help)
        if figure.kind != "count":
            assert figure.base


# --- Counted from the database ---------------------------------------------------------------


@pytest.fixture
def ladder_month(build, region, frozen):
    """March 2026 in Arnhem-Centrum and a second wijk, counted per step of the ladder."""
    centrum = region["areas"]["Arnhem"]
    noord = build.area(region["arnhem"], "Noord")
    volunteer = build.volunteer(centrum, max_active_matches=40)

    def solved(area, step, goal, *, at, status="closed"):
        request = build.request(area, at=local(2026, 2, 10), status=status)
        HelpRequest.objects.filter(pk=request.pk).update(ladder_step=step, goal_reached=goal, status_changed_at=at)
        return request

    in_march = local(2026, 3, 15)
    for _i in range(12):
        solved(centrum, "own_network", "yes", at=in_march)
    for goal in ("yes", "partly", "no"):
        solved(centrum, "own_strength", goal, at=in_march)
    solved(centrum, "referral", "", at=in_march, status="referred")
    solved(noord, "own_network", "yes", at=in_march)
    # Not March: closed on 1 April 00:30 Amsterdam time (still 31 March in UTC).
    solved(centrum, "own_network", "yes", at=local(2026, 4, 1, 0, 30))
    # Not counted: reopened after a referral (no step any more), or closed before the ladder.
    solved(centrum, "", "", at=in_march, status="intake")
    solved(centrum, "", "", at=in_march)
    # Volunteers' step: matches ended in March with an evaluation that closed the request.
    for i in range(11):
        request = solved(centrum, "volunteer", "yes" if i < 8 else "partly", at=local(2026, 3, 20))
        match = build.match(request, volunteer, activated=local(2026, 2, 20), ended=local(2026, 3, 20), goal="yes")
        Evaluation.objects.filter(match=match).update(
            volunteer_satisfaction=[5, 4, 4, 3, 5, 2, 4, 5, 4, 1, None][i],
            requester_satisfaction=[5, 5, 4, 4, 3, 5, 5, 4, 2, 5, 4][i],
        )
    return {"centrum": centrum, "noord": noord, "arnhem": region["arnhem"]}


def test_ladder_goals_and_satisfaction_counted_per_neighbourhood(ladder_month, region):
    report = report_build(
        organisation=region["org_a"], municipality=ladder_month["arnhem"], months=[MARCH], suppress=False
    )
    centrum = next(row for row in report.month(MARCH).rows if row.area.name == "Centrum")
    values = {code: centrum[code].value for code in NEW_CODES}
    assert values == {
        "requests_solved": 27,  # 12 network + 3 own strength + 1 referral + 11 volunteer
        "solved_own_strength": 3,
        "solved_own_network": 12,
        "solved_volunteer": 11,
        "solved_referral": 1,
        "goals_reached": 12 + 1 + 8,
        "goals_partly": 1 + 3,
        "goals_reached_pct": round(100 * 21 / 26, 1),  # the referral records no goal
        # Volunteers: 1 2 3 4 4 4 4 5 5 5 (one gave none): the middle two are 4 and 4.
        "satisfaction_volunteer_median": 4,
        "satisfaction_volunteer_pct": 70.0,
        # Requesters: 2 3 4 4 4 4 5 5 5 5 5.
        "satisfaction_requester_median": 4,
        "satisfaction_requester_pct": round(100 * 9 / 11, 1),
    }
    total = report.month(MARCH).total
    assert total["solved_own_network"].value == 13 and total["requests_solved"].value == 28
    april = report_build(
        organisation=region["org_a"],
        municipality=ladder_month["arnhem"],
        months=[MARCH.next()],
        suppress=False,
        now=NOW,
    )
    assert april.month(MARCH.next()).total["solved_own_network"].value == 1


def test_the_municipality_sees_the_new_figures_suppressed(ladder_month, region):
    report = report_build(organisation=region["org_a"], municipality=ladder_month["arnhem"], months=[MARCH])
    rows = {row.area.name: row for row in report.month(MARCH).rows}
    centrum, noord = rows["Centrum"], rows["Noord"]
    assert centrum["solved_volunteer"].export == 11
    assert centrum["solved_own_strength"].export == "<10"
    assert noord["solved_own_network"].export == "<10"
    # Noord's one request solved with its network is the only small cell of that column:
    # Centrum's 12 is hidden too (secondary), so Noord cannot be found from the total.
    assert centrum["solved_own_network"].export == "x"
    assert report.month(MARCH).total["solved_own_network"].export == 13
    for row in (*rows.values(), report.month(MARCH).total):
        line = [row[code] for code in (*LADDER_CODES, "requests_solved")]
        assert sum(cell.status in ("small", "hidden") for cell in line) != 1
    assert centrum["satisfaction_volunteer_median"].export == 4  # 10 evaluations with a score
    assert noord["satisfaction_volunteer_median"].export is None  # nothing to show
    assert noord["goals_reached_pct"].export == "<10"


def test_the_stored_months_hold_the_new_figures(ladder_month, region):
    org = region["org_a"]
    stored = report_month_count(organisation=org, month=MARCH)
    assert stored.version == STORE_VERSION >= 2
    area = ReportMonthArea.objects.get(report_month=stored, neighbourhood=ladder_month["centrum"])
    assert area.counts["solved_own_network"] == 12
    assert area.counts["satisfaction_requester_5"] == 5
    # A page reading the stored month shows the same as a fresh count.
    raw, _at = stored_raw_by_month(scope=Scope.of(org), months=[MARCH], now=NOW)
    fresh = raw_figures(scope=Scope.of(org), months=[MARCH])
    centrum = ladder_month["centrum"].pk
    for code in NEW_CODES:
        assert raw[MARCH][centrum].value(code) == fresh[(0, centrum)].value(code), code


def test_exports_and_the_report_command_carry_the_new_columns(ladder_month, region, tmp_path):
    report = report_build(organisation=region["org_a"], municipality=ladder_month["arnhem"], months=[MARCH])
    rows = list(report_rows(report))
    assert set(NEW_CODES) <= set(rows[0])
    data = report_as_json(report)
    assert set(NEW_CODES) <= set(data["figures"])
    assert data["months"][0]["total"]["figures"]["solved_own_network"] == 13
    out = tmp_path / "maart.csv"
    call_command(
        "report",
        "--organisation",
        region["org_a"].slug,
        "--municipality",
        "Arnhem",
        "--month",
        "2026-03",
        "--csv",
        str(out),
    )
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    total = next(row for row in table if row["area_kind"] == "total")
    assert total["solved_own_network"] == "13" and total["solved_own_strength"] == "<10"
    assert json.dumps(data)  # plain JSON, no lazy strings left


def test_burden_change_is_shown_from_ten_pairs_and_adds_up_over_neighbourhoods():
    """The median change in burden rests on ``burden_pairs``: 9 carers give "<10"; two
    neighbourhoods of 5 each are small apiece, their 10 together are shown."""

    def pairs(*changes):
        counts = {"burden_pairs": len(changes)}
        for change in changes:
            counts[f"burden_delta_{change}"] = counts.get(f"burden_delta_{change}", 0) + 1
        return _raw(**counts)

    nine = _row("a", pairs(*([-3] * 9)))
    _table(nine)
    assert nine["burden_pairs"].export == nine["burden_change_median"].export == "<10"
    ten = _row("a", pairs(*([-3] * 6), *([1] * 4)))
    _table(ten)
    assert (ten["burden_pairs"].export, ten["burden_change_median"].export) == (10, -3)
    a, b = _row("a", pairs(*([-4] * 5))), _row("b", pairs(*([2] * 5)))
    total = _table(a, b)
    assert a["burden_change_median"].export == b["burden_change_median"].export == "<10"
    assert (total["burden_pairs"].export, total["burden_change_median"].export) == (10, -1)


def test_goals_partly_is_a_count_of_people_and_small_under_ten():
    row = _row("a", _raw(requests_solved=12, solved_volunteer=12, goals_recorded=12, goals_reached=3, goals_partly=9))
    _table(row)
    assert row["goals_partly"].export == "<10" and row["goals_reached"].export == "<10"
    row = _row("a", _raw(requests_solved=30, solved_volunteer=30, goals_recorded=30, goals_reached=10, goals_partly=15))
    _table(row)
    assert (row["goals_partly"].export, row["goals_reached"].export) == (15, 10)
