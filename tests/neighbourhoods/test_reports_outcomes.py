"""Report figures on results (issue #15): signals received and what became of them, and
the burden of carers before and after respite (paired), exact and as a municipality
sees them (small numbers hidden, also in the export)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command

from caregivers.models import CareSignal
from reports.counting import burden_change_median
from reports.export import report_csv_write
from reports.figures import HIDDEN, SMALL, report_as_json, report_build

from .conftest import MARCH, local

pytestmark = pytest.mark.django_db


def signal(area, *, at, status="open", reason="", org=None, region=None):
    row = CareSignal.objects.create(
        organisation=org,
        source_kind="gp",
        first_name="Geheimnaam",
        contact="026 1234567",
        noticed="Geheim wat opviel",
        neighbourhood=area,
        consent_given=True,
        consent_how="verbal",
        consent_at=at,
        status=status,
        close_reason=reason,
    )
    CareSignal.objects.filter(pk=row.pk).update(created_at=at)
    return row


def report(region, *, suppress, months=(MARCH,)):
    return report_build(
        organisation=region["org_a"], municipality=region["arnhem"], months=list(months), suppress=suppress
    )


def respite_pair(build, area, *, before, after, started, ended, before_at=None, after_at=None, carer=None):
    carer = carer or build.mantelzorger(area)
    volunteer = build.volunteer(area)
    request = build.request(area, at=local(2026, 1, 5), kind="respite", mantelzorger=carer)
    build.checkin(carer, before, at=before_at or started - datetime.timedelta(days=3))
    build.match(request, volunteer, activated=started, ended=ended, status="ended")
    if after is not None:
        build.checkin(carer, after, at=after_at or ended + datetime.timedelta(days=2))
    return carer


@pytest.fixture
def signals_scene(build, region, frozen):
    centrum = region["areas"]["Arnhem"]
    presikhaaf = build.area(region["arnhem"], "Presikhaaf")
    org = region["org_a"]
    for _ in range(6):
        signal(centrum, at=local(2026, 3, 4), status="request", org=org)
    for _ in range(4):
        signal(centrum, at=local(2026, 3, 5), status="closed", reason="own_network", org=org)
    for _ in range(2):
        signal(centrum, at=local(2026, 3, 6), status="open", org=org)
    signal(presikhaaf, at=local(2026, 3, 7), status="closed", reason="unreachable", org=org)
    signal(centrum, at=local(2026, 2, 27), status="request", org=org)  # February
    signal(region["areas"]["Velp"], at=local(2026, 3, 4), org=org)  # Rheden: not in Arnhem's report
    signal(region["areas"]["Ede"], at=local(2026, 3, 4), org=region["org_b"])  # another organisation
    return {"centrum": centrum, "presikhaaf": presikhaaf}


def test_signals_per_neighbourhood_and_outcome_exact(signals_scene, region):
    table = report(region, suppress=False).month(MARCH)
    centrum = next(row for row in table.rows if row.area.name == "Centrum")
    assert centrum["signals_received"].value == 12
    assert centrum["signals_request"].value == 6
    assert centrum["signals_closed_own_network"].value == 4
    assert centrum["signals_open"].value == 2
    assert centrum["signals_closed_unreachable"].value == 0
    assert table.total["signals_received"].value == 13
    assert table.total["signals_closed_unreachable"].value == 1


def test_signals_small_numbers_are_hidden_with_secondary_suppression(signals_scene, region):
    table = report(region, suppress=True).month(MARCH)
    centrum = next(row for row in table.rows if row.area.name == "Centrum")
    # Presikhaaf's one signal is "<10" and the total (13) is shown: Centrum's 12 would
    # give it away, so it is hidden too.
    assert table.total["signals_received"].export == 13
    assert centrum["signals_received"].export == HIDDEN
    for code in ("signals_request", "signals_closed_own_network", "signals_open"):
        assert centrum[code].export == SMALL
    presikhaaf = next(row for row in table.rows if row.area.name == "Presikhaaf")
    assert presikhaaf["signals_received"].export == SMALL
    # The outcomes of a row add up to the signals received: never exactly one unknown.
    for row in table.all_rows:
        cells = [row[c] for c in ("signals_open", "signals_request")] + [
            row[f"signals_closed_{r}"] for r in CareSignal.CloseReason.values
        ]
        unknown = [c for c in (*cells, row["signals_received"]) if c.export in (SMALL, HIDDEN)]
        assert len(unknown) != 1


def test_signal_figures_identify_nobody_in_the_exports(signals_scene, region, tmp_path):
    rep = report(region, suppress=True)
    text = json.dumps(report_as_json(rep), default=str)
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        report_csv_write(rep, handle)
    csv_text = path.read_text(encoding="utf-8")
    assert "signals_received" in text and "signals_received" in csv_text
    for secret in ("Geheimnaam", "Geheim wat opviel", "026 1234567"):
        assert secret not in text and secret not in csv_text


def test_burden_change_is_paired_and_counted_in_the_month_of_the_check_in_after(build, region, frozen):
    centrum = region["areas"]["Arnhem"]
    # Ten carers: before 8, after 5 (change -3), after-check-ins in March.
    for _ in range(10):
        respite_pair(build, centrum, before=8, after=5, started=local(2026, 1, 10), ended=local(2026, 3, 1))
    # One more with -1: the median of ten -3 and one -1 stays -3.
    respite_pair(build, centrum, before=6, after=5, started=local(2026, 1, 10), ended=local(2026, 3, 1))
    # Not paired: no check-in after the end; a check-in after in April; only a check-in after the start.
    respite_pair(build, centrum, before=9, after=None, started=local(2026, 1, 10), ended=local(2026, 3, 1))
    respite_pair(
        build,
        centrum,
        before=9,
        after=2,
        started=local(2026, 1, 10),
        ended=local(2026, 3, 30),
        after_at=local(2026, 4, 2),
    )
    late = respite_pair(
        build,
        centrum,
        before=9,
        after=1,
        started=local(2026, 1, 10),
        ended=local(2026, 3, 1),
        before_at=local(2026, 1, 12),
    )
    table = report(region, suppress=False).month(MARCH)
    centrum_row = next(row for row in table.rows if row.area.name == "Centrum")
    assert centrum_row["burden_pairs"].value == 11
    assert centrum_row["burden_change_median"].value == -3
    assert late is not None


def test_a_carer_counts_once_per_month(build, region, frozen):
    centrum = region["areas"]["Arnhem"]
    carer = respite_pair(build, centrum, before=8, after=4, started=local(2026, 1, 10), ended=local(2026, 3, 1))
    respite_pair(build, centrum, before=7, after=6, started=local(2026, 2, 1), ended=local(2026, 3, 2), carer=carer)
    table = report(region, suppress=False).month(MARCH)
    row = next(row for row in table.rows if row.area.name == "Centrum")
    assert row["burden_pairs"].value == 1


def test_burden_change_resting_on_fewer_than_ten_carers_is_hidden(build, region, frozen):
    centrum = region["areas"]["Arnhem"]
    for _ in range(3):
        respite_pair(build, centrum, before=8, after=5, started=local(2026, 1, 10), ended=local(2026, 3, 1))
    table = report(region, suppress=True).month(MARCH)
    row = next(row for row in table.rows if row.area.name == "Centrum")
    assert row["burden_pairs"].export == SMALL
    assert row["burden_change_median"].export == SMALL
    exact = report(region, suppress=False).month(MARCH)
    assert next(r for r in exact.rows if r.area.name == "Centrum")["burden_change_median"].value == -3


def test_median_from_the_histogram():
    assert burden_change_median({"burden_delta_-2": 1, "burden_delta_1": 1, "other": 5}) == -0.5
    assert burden_change_median({}) is None


def test_the_report_command_has_the_new_columns(signals_scene, region, tmp_path):
    out = tmp_path / "report.csv"
    call_command(
        "report", "--organisation", "org-a", "--municipality", "Arnhem", "--month", "2026-03", "--csv", str(out)
    )
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert "signals_received" in header and "burden_change_median" in header
