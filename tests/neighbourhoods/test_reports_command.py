"""``manage.py report``, the workload per broker, and the demo's year of history."""

from __future__ import annotations

import csv
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.login import log_in

from .conftest import NOW, local

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    with time_machine.travel(NOW, tick=False):
        call_command("report", *args, stdout=kwargs.get("stdout", io.StringIO()), stderr=io.StringIO())


def test_monthly_csv_for_the_municipality(march, tmp_path):
    target = tmp_path / "arnhem-2026-03.csv"
    run("--organisation", "org-a", "--municipality", "arnhem", "--month", "2026-03", "--csv", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["area"] for r in rows] == ["Centrum", "Presikhaaf", ""]
    assert rows[-1]["requests_new"] == "14" and rows[1]["requests_new"] == "<10"


def test_period_as_csv_and_json(march, tmp_path):
    run(
        "--organisation=org-a",
        "--municipality=Arnhem",
        "--month=2026-02",
        "--to=2026-04",
        f"--csv={tmp_path / 'q.csv'}",
        f"--json={tmp_path / 'q.json'}",
    )
    assert len(list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))) == 9  # 3 months x (2 + total)
    data = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    assert [m["month"] for m in data["months"]] == ["2026-02", "2026-03", "2026-04"]


def test_csv_to_standard_output(march):
    out = io.StringIO()
    run("--organisation=org-a", "--municipality=Arnhem", "--month=2026-03", "--csv=-", stdout=out)
    assert out.getvalue().startswith("month,municipality,area,area_kind,requests_new,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--organisation=nope", "--municipality=Arnhem", "--month=2026-03"], "Organisatie nope bestaat niet"),
        (["--organisation=org-a", "--municipality=Atlantis", "--month=2026-03"], "Gemeente Atlantis kennen we niet"),
        (["--organisation=org-a", "--municipality=Ede", "--month=2026-03"], "org-a werkt niet in Ede"),
        (["--organisation=org-a", "--municipality=Arnhem", "--month=2026-13"], "01 tot en met 12"),
        (["--organisation=org-a", "--municipality=Arnhem", "--month=march"], "jaar-maand"),
        (["--organisation=org-a", "--municipality=Arnhem", "--month=2026-09"], "nog niet begonnen"),
        (["--organisation=org-a", "--municipality=Arnhem", "--month=2026-04", "--to=2026-01"], "vóór de laatste"),
        (["--organisation=org-a", "--municipality=Arnhem", "--month=2020-01", "--to=2026-01"], "hoogstens 24"),
    ],
)
def test_bad_arguments_stop_with_a_message(region, tmp_path, args, message):
    target = tmp_path / "x.csv"
    with pytest.raises(CommandError, match=message):
        run(*args, f"--csv={target}")
    assert not target.exists()


def test_no_output_given(region):
    with pytest.raises(CommandError, match="--csv"):
        run("--organisation=org-a", "--municipality=Arnhem", "--month=2026-03")


def test_missing_folder_writes_nothing(region, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        run(
            "--organisation=org-a",
            "--municipality=Arnhem",
            "--month=2026-03",
            f"--json={tmp_path / 'ok.json'}",
            f"--csv={tmp_path / 'missing' / 'x.csv'}",
        )
    assert not (tmp_path / "ok.json").exists()


def test_exit_status_is_1(region, capsys, monkeypatch):
    from django.core.management import execute_from_command_line

    # run_from_argv closes every database connection when it ends: on PostgreSQL that
    # would end the test's transaction under pytest-django's feet.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["manage.py", "report", "--organisation=org-a", "--municipality=Arnhem", "--month=2026-13", "--csv=-"]
        )
    assert exit_info.value.code == 1
    assert "01 tot en met 12" in capsys.readouterr().err


# --- Workload per broker -------------------------------------------------------------------


def test_workload_per_broker(personas, region, build):
    from caregivers.models import RequestEvent
    from matches.models import Match
    from reports.months import Month
    from reports.workload import broker_workload

    bea, ada = personas["broker_a"], personas["admin_a"]
    area = region["areas"]["Arnhem"]
    volunteer = build.volunteer(area)
    with time_machine.travel(NOW, tick=False):
        for i in range(3):  # Bea took the last step on three open requests
            request = build.request(area, at=local(2026, 3, 1 + i), status="intake")
            e = build.event(request, "intake", at=local(2026, 3, 2 + i), from_status="new")
            RequestEvent.objects.filter(pk=e.pk).update(by=bea)
        handed_over = build.request(area, at=local(2026, 3, 5), status="ready")
        for who, day in ((bea, 6), (ada, 7)):  # Ada acted last: hers
            e = build.event(handed_over, "ready", at=local(2026, 3, day))
            RequestEvent.objects.filter(pk=e.pk).update(by=who)
        referred = build.request(area, at=local(2026, 3, 8), status="referred")
        e = build.event(referred, "referred", at=local(2026, 3, 9))
        RequestEvent.objects.filter(pk=e.pk).update(by=ada)
        started = build.match(
            build.request(area, at=local(2026, 2, 1), status="matched"),
            volunteer,
            activated=local(2026, 3, 10),
            created=local(2026, 2, 20),
        )
        Match.objects.filter(pk=started.pk).update(proposed_by=bea)
        rows = {r.user_id: r for r in broker_workload(organisation=region["org_a"], month=Month(2026, 3))}
    assert rows[bea.pk]["in_hand"] == 3
    assert rows[ada.pk]["in_hand"] == 1  # the closed/referred one is not open
    assert rows[bea.pk]["steps"] == 4 and rows[bea.pk]["intakes"] == 3
    assert rows[ada.pk]["referrals"] == 1
    assert rows[bea.pk]["started"] == 1 and rows[bea.pk]["proposals"] == 0  # proposed in February
    assert set(rows) == {bea.pk, ada.pk}  # no municipality viewer, no other organisation


# --- The demo ------------------------------------------------------------------------------


def test_demo_history_is_consistent_and_idempotent(settings):
    from django.db.models import Count, F, Q

    from caregivers.models import HelpRequest
    from demo.people import DEMO_ORGANISATION_SLUG
    from matches.models import HoursEntry, Match
    from volunteers.models import Volunteer

    args = ["load_demo", "--volunteers", "60", "--requests", "10", "--history-months", "4"]
    call_command(*args, stdout=io.StringIO())
    history = HelpRequest.objects.filter(external_id__startswith="DEMO-H")
    assert history.count() > 100
    assert Match.objects.filter(request__in=history).exists()
    # Never over capacity, never started before the request came in or before the volunteer joined.
    over = (
        Volunteer.objects.annotate(open=Count("matches", filter=Q(matches__status__in=Match.OPEN_STATES)))
        .filter(open__gt=F("max_active_matches"))
        .count()
    )
    assert over == 0
    assert not Match.objects.filter(activated_at__lt=F("request__created_at")).exists()
    assert not Match.objects.filter(activated_at__lt=F("volunteer__created_at")).exists()
    assert not HoursEntry.objects.exclude(match__request__kind="respite").exists()
    assert not Match.objects.filter(status="ended", evaluation__isnull=True).exists()
    counts = (history.count(), Match.objects.count())
    call_command(*args, stdout=io.StringIO())
    assert (history.count(), Match.objects.count()) == counts
    assert HelpRequest.objects.filter(organisation__slug=DEMO_ORGANISATION_SLUG).count() == counts[0] + 12


def test_demo_dashboard_for_the_municipality_has_no_names(client, settings):
    """The demo municipality account opens its dashboard: figures, no demo person anywhere."""
    from accounts.models import User
    from caregivers.models import HelpRequest, Mantelzorger
    from neighbourhoods.models import Neighbourhood
    from volunteers.models import Volunteer

    call_command("load_demo", "--volunteers", "60", "--requests", "20", "--history-months", "3", stdout=io.StringIO())
    log_in(client, User.objects.get(email="gemeente.arnhem@buurtmakelaar.demo"))
    places = set(Neighbourhood.objects.values_list("name", flat=True))
    names = set()
    for model, first, last in (
        (HelpRequest, "requester_first_name", "requester_last_name"),
        (Mantelzorger, "first_name", "last_name"),
        (Volunteer, "first_name", "last_name"),
    ):
        for a, b in model.objects.values_list(first, last):
            names.add(f"{a} {b}".strip())
    emails = set(User.objects.values_list("email", flat=True)) | set(Volunteer.objects.values_list("email", flat=True))
    emails.discard("")
    phones = {p for p in HelpRequest.objects.values_list("phone", flat=True) if p}
    secrets = {s for s in names | emails | phones if s not in places and len(s) > 3}
    assert "Fatma Özdemir-Bakker" in secrets and "vrijwilliger@buurtmakelaar.demo" in secrets
    for path in (
        "/organisatie/regio-arnhem/cijfers/",
        "/organisatie/regio-arnhem/cijfers/vraag-en-aanbod/",
        "/organisatie/regio-arnhem/cijfers/export.csv",
        "/organisatie/regio-arnhem/cijfers/export.json",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        leaked = [s for s in secrets if s in body]
        assert not leaked, (path, leaked[:5])
    assert response.json()["months"][0]["total"]["figures"]["requests_new"] != 0
