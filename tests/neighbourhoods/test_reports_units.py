"""Pure parts of the reports: months, suppression, charts, the map."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from reports.counting import FIGURE_BY_CODE, KIND_CODES, Raw
from reports.figures import Cell, Row, _cells, suppress_table
from reports.months import Month, PeriodError, check_period

from .conftest import local

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    "moment, month",
    [
        (local(2026, 3, 31, 23, 30), Month(2026, 3)),  # 21:30 UTC, summer time has begun
        (datetime.datetime(2026, 3, 31, 22, 0, tzinfo=UTC), Month(2026, 4)),  # 00:00 local on 1 April
        (datetime.datetime(2026, 10, 31, 22, 59, tzinfo=UTC), Month(2026, 10)),  # 23:59 local, winter time
        (datetime.datetime(2026, 10, 31, 23, 0, tzinfo=UTC), Month(2026, 11)),
        (datetime.datetime(2025, 12, 31, 23, 0, tzinfo=UTC), Month(2026, 1)),  # new year in Amsterdam
    ],
)
def test_a_moment_belongs_to_its_amsterdam_month(moment, month):
    assert Month.of(moment) == month
    assert month.start <= moment < month.end


def test_month_boundaries_across_dst():
    march = Month(2026, 3)
    assert march.start.astimezone(UTC) == datetime.datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert march.end.astimezone(UTC) == datetime.datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    # Elapsed time (in UTC: Python subtracts wall-clock times within one zone).
    assert march.end.astimezone(UTC) - march.start.astimezone(UTC) == datetime.timedelta(days=31, hours=-1)
    october = Month(2026, 10)
    assert october.end.astimezone(UTC) - october.start.astimezone(UTC) == datetime.timedelta(days=31, hours=1)


@pytest.mark.parametrize(
    "text, month", [("2026-03", Month(2026, 3)), (" 2026-3 ", Month(2026, 3)), ("2100-12", Month(2100, 12))]
)
def test_month_parse(text, month):
    assert Month.parse(text) == month


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-03", "2026/03", "", None, "2026-03-01", "1999-12"])
def test_month_parse_refuses(text):
    with pytest.raises(PeriodError):
        Month.parse(text)


def test_month_arithmetic():
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert Month(2026, 3).minus(11) == Month(2025, 4)
    assert Month(2026, 3).minus(-10) == Month(2027, 1)


def test_period_checks():
    now = local(2026, 6, 10)
    assert len(check_period(Month(2025, 1), Month(2026, 6), max_months=24, now=now)) == 18
    with pytest.raises(PeriodError, match="hoogstens"):
        check_period(Month(2024, 1), Month(2026, 6), max_months=24, now=now)
    with pytest.raises(PeriodError, match="nog niet begonnen"):
        check_period(Month(2026, 6), Month(2026, 7), max_months=24, now=now)
    with pytest.raises(PeriodError, match="vóór"):
        check_period(Month(2026, 5), Month(2026, 4), max_months=24, now=now)


# --- Suppression ---------------------------------------------------------------------------


def _row(name, **counts):
    raw = Raw()
    for code, value in counts.items():
        raw.counts[code] = value
    from reports.figures import Area

    return Row(Area(key=name, name=name), _cells(raw), raw)


def _table(*rows):
    total_raw = Raw()
    for row in rows:
        total_raw.add(row.raw)
    from reports.figures import Area

    total = Row(Area(key="total", name="total", kind="total"), _cells(total_raw), total_raw)
    suppress_table(list(rows), total)
    return total


def _kinds(respite=0, practical=0, companionship=0, transport=0, other=0):
    values = dict(zip(KIND_CODES, (respite, practical, companionship, transport, other), strict=True))
    return {"requests_new": sum(values.values()), **values}


def test_a_lone_small_cell_in_a_column_takes_another_cell_with_it():
    a, b, c = _row("a", referrals=3), _row("b", referrals=25), _row("c", referrals=40)
    total = _table(a, b, c)
    assert [a["referrals"].export, b["referrals"].export, c["referrals"].export] == ["<10", "x", 40]
    assert total["referrals"].export == 68


def test_two_small_cells_need_nothing_more():
    a, b, c = _row("a", referrals=3), _row("b", referrals=4), _row("c", referrals=40)
    total = _table(a, b, c)
    assert [a["referrals"].export, b["referrals"].export, c["referrals"].export, total["referrals"].export] == [
        "<10",
        "<10",
        40,
        47,
    ]


def test_a_small_total_is_hidden_itself():
    a, b = _row("a", referrals=3), _row("b", referrals=0)
    total = _table(a, b)
    assert [a["referrals"].export, b["referrals"].export, total["referrals"].export] == ["<10", 0, "<10"]


def test_zero_is_shown_and_never_counts_as_hidden():
    a, b = _row("a", referrals=0), _row("b", referrals=12)
    total = _table(a, b)
    assert [a["referrals"].export, b["referrals"].export, total["referrals"].export] == [0, 12, 12]


def test_kinds_of_a_row_add_up_to_its_new_requests():
    a = _row("a", **_kinds(respite=3, practical=20, companionship=15))
    b = _row("b", **_kinds(respite=12, practical=30, companionship=20))
    _table(a, b)
    statuses = [a[code].status for code in KIND_CODES]
    # respite 3 is small; within the row another kind is hidden too (the smallest, companionship 15).
    assert statuses.count("small") == 1 and statuses.count("hidden") >= 1
    # and no line is left with one unknown
    for row in (a, b):
        line = [row[c] for c in (*KIND_CODES, "requests_new")]
        assert sum(c.status in ("small", "hidden") for c in line) != 1
    for code in (*KIND_CODES, "requests_new"):
        column = [a[code], b[code]]
        unknown = sum(c.status in ("small", "hidden") for c in column)
        assert unknown != 1 or code == "requests_other"  # zeros only


def test_derived_figures_rest_on_ten_people():
    raw = Raw()
    raw.counts.update(requests_new=9, answered_7d=9, answered_30d=9)
    raw.days_to_match = [1.0] * 9
    from reports.figures import Area

    row = Row(Area(key="a", name="a"), _cells(raw), raw)
    total = _table(row)
    assert row["answered_7d_pct"].export == "<10"
    assert row["median_days_to_match"].export == "<10"
    raw.counts["requests_new"] = 10
    raw.days_to_match.append(3.0)
    row = Row(Area(key="a", name="a"), _cells(raw), raw)
    _table(row)
    assert row["answered_7d_pct"].export == 90.0
    assert row["median_days_to_match"].export == 1.0
    assert total is not None


def test_median_of_an_even_number_is_the_mean_of_the_middle_two():
    raw = Raw()
    raw.days_to_match = [10.0, 1.0, 4.0, 7.0]
    assert raw.value("median_days_to_match") == 5.5


# --- Charts and the map ----------------------------------------------------------------------


def test_trend_chart_leaves_hidden_months_out():
    from reports.charts import trend_chart

    figure = FIGURE_BY_CODE["requests_new"]
    months = [Month(2025, 11), Month(2025, 12), Month(2026, 1)]
    series = [
        (months[0], Cell(figure, 40)),
        (months[1], Cell(figure, 5, "small")),
        (months[2], Cell(figure, 80)),
    ]
    chart = trend_chart(id="c", title="Nieuwe hulpvragen", series=series)
    assert [p.missing for p in chart.points] == [False, True, False]
    assert chart.points[1].value_text == "<10"
    assert chart.points[2].bar_height > chart.points[0].bar_height > 0
    assert chart.ticks[-1][1] == "80"
    assert "1 maand niet getoond" in chart.description
    assert "Hoogste: 80 in januari 2026" in chart.description
    assert [p.year_label for p in chart.points] == ["2025", "", "2026"]


def test_line_chart_breaks_at_gaps():
    from reports.charts import trend_chart

    figure = FIGURE_BY_CODE["answered_30d_pct"]
    months = [Month(2026, m) for m in (1, 2, 3, 4)]
    cells = [Cell(figure, 50.0), Cell(figure, 60.0), Cell(figure, None, "small"), Cell(figure, 70.0)]
    chart = trend_chart(id="c", title="x", series=list(zip(months, cells, strict=True)), kind="line")
    assert len(chart.segments) == 2
    assert chart.ticks[-1][1] == "100%"


def test_region_map_draws_outlines_and_symbols(db):
    from demo.factories import MunicipalityFactory, NeighbourhoodFactory
    from reports.charts import region_map
    from reports.demand import AreaGap

    m = MunicipalityFactory(name="Rheden")
    square = {"type": "Polygon", "coordinates": [[[5.96, 51.99], [5.98, 51.99], [5.98, 52.0], [5.96, 51.99]]]}
    velp = NeighbourhoodFactory(municipality=m, name="Velp", latitude=51.995, longitude=5.97, boundary=square)
    dieren = NeighbourhoodFactory(municipality=m, name="Dieren", latitude=52.05, longitude=6.1)
    rozendaal = NeighbourhoodFactory(municipality=m, name="Rozendaal", latitude=52.01, longitude=5.96)
    result = region_map(
        title="Kaart",
        areas=[AreaGap(velp, 14, 2), AreaGap(dieren, 0, 3), AreaGap(rozendaal, 3, 2, suppress=True)],
    )
    shapes = {s.name: s for s in result.shapes}
    assert shapes["Velp"].level == "short" and shapes["Velp"].symbol == "!!" and shapes["Velp"].path
    assert shapes["Dieren"].level == "none" and not shapes["Dieren"].path
    assert shapes["Rozendaal"].waiting == "<10"
    # Outlines under the dots; among the dots the worst on top.
    assert result.shapes[0].name == "Velp" and result.shapes[-1].name == "Rozendaal"
    for s in result.shapes:
        assert 0 <= s.cx <= result.width and 0 <= s.cy <= result.height
    assert "Tekort in: Velp" in result.description
    # North is up: Dieren (furthest north) has the smallest y.
    assert shapes["Dieren"].cy < shapes["Velp"].cy
