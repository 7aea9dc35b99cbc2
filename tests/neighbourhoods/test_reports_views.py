"""Report pages and exports: who may see what, bad input, no personal data, no N+1."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.login import log_in

from .conftest import NOW, local

pytestmark = pytest.mark.django_db


def url(name, slug="org-a", **params):
    path = reverse(f"reports:{name}", args=[slug])
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


@pytest.mark.parametrize(
    "persona, name, status",
    [
        ("municipality", "dashboard", 200),
        ("municipality", "demand", 200),
        ("municipality", "csv", 200),
        ("municipality", "json", 200),
        ("municipality", "organisation", 404),  # the organisation's own overview: staff only
        ("broker_a", "dashboard", 200),
        ("broker_a", "demand", 200),
        ("broker_a", "organisation", 200),
        ("broker_a", "csv", 200),
        ("admin_a", "organisation", 200),
        ("broker_b", "dashboard", 404),
        ("broker_b", "organisation", 404),
        ("broker_b", "json", 404),
        ("volunteer", "dashboard", 404),
        ("mantelzorger", "csv", 404),
        ("nobody", "json", 404),
        ("nobody", "organisation", 404),
    ],
)
def test_who_may_see_which_report(client, personas, frozen, persona, name, status):
    log_in(client, personas[persona])
    assert client.get(url(name)).status_code == status


@pytest.mark.parametrize("name", ["dashboard", "demand", "organisation", "csv", "json"])
def test_anonymous_is_sent_to_login(client, personas, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["dashboard", "csv", "json", "organisation"])
def test_unknown_organisation_is_404(client, personas, name):
    log_in(client, personas["broker_a"])
    assert client.get(url(name, slug="does-not-exist")).status_code == 404


def test_reports_refuse_post(client, personas):
    log_in(client, personas["municipality"])
    assert client.post(url("dashboard")).status_code == 405


@pytest.mark.parametrize("name", ["dashboard", "demand", "csv", "json"])
def test_municipality_viewer_cannot_see_another_municipality(client, personas, frozen, name, build, region):
    build.request(region["areas"]["Velp"], at=local(2026, 5, 3), requester_first_name="Rhedenaar")
    log_in(client, personas["municipality"])
    response = client.get(url(name, gemeente="Rheden"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rheden" in body and "U kunt geen cijfers zien van" in body  # the reason
    assert "Velp" not in body
    assert "Rhedenaar" not in body


def test_municipality_viewer_gets_no_personal_page(client, personas, region, build):
    """The municipality role opens no broker page: not a request, not the volunteers."""
    request = build.request(region["areas"]["Arnhem"], at=local(2026, 5, 3))
    log_in(client, personas["municipality"])
    for path in [
        reverse("caregivers_broker:detail", args=["org-a", request.pk]),
        reverse("caregivers_broker:queue", args=["org-a"]),
        reverse("volunteers_broker:list", args=["org-a"]),
        reverse("reports:start", args=["org-a"]),
        reverse("neighbourhoods:team", args=["org-a"]),
        reverse("matching_broker:list", args=["org-a"]),
        reverse("attention:list", args=["org-a"]),
    ]:
        assert client.get(path).status_code == 404, path


def test_broker_sees_every_municipality_of_the_organisation(client, personas, frozen):
    log_in(client, personas["broker_a"])
    response = client.get(url("dashboard", gemeente="Rheden", maand="2026-03"))
    assert response.status_code == 200
    assert response.context["municipality"].name == "Rheden"
    assert response.context["report"].suppressed  # as the municipality sees it
    assert client.get(url("dashboard", gemeente="Ede")).status_code == 400  # organisation B's


BAD_MONTHS = [
    ("2026-13", "01 tot en met 12"),
    ("2026-00", "01 tot en met 12"),
    ("maart", "jaar-maand"),
    ("2026-3-1", "jaar-maand"),
    ("1999-12", "2000"),
    ("2026-07", "nog niet begonnen"),  # NOW is June 2026
    ("x" * 30, "niet meer dan"),
]


@pytest.mark.parametrize("value, reason", BAD_MONTHS)
def test_bad_month_on_the_dashboard_is_a_form_error(client, personas, frozen, value, reason):
    log_in(client, personas["municipality"])
    response = client.get(url("dashboard", maand=value))
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "report" not in response.context


@pytest.mark.parametrize("value, reason", BAD_MONTHS)
def test_bad_month_in_the_exports_is_400_with_a_reason(client, personas, frozen, value, reason):
    log_in(client, personas["municipality"])
    response = client.get(url("json", maand=value))
    assert response.status_code == 400
    data = response.json()
    assert any(reason in message for messages in data["errors"].values() for message in messages)
    response = client.get(url("csv", maand=value))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert reason in response.content.decode()


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"van": "2026-05", "tot": "2026-02"}, "vóór de laatste maand"),
        ({"van": "2023-01", "tot": "2026-05"}, "hoogstens 24 maanden"),
        ({"maand": "2026-03", "van": "2026-01"}, "niet allebei"),
        ({"gemeente": "Atlantis", "maand": "2026-03"}, "Atlantis"),
        ({"van": "2026-02", "tot": "2026-13"}, "01 tot en met 12"),
    ],
)
def test_bad_period_in_the_exports(client, personas, frozen, params, reason):
    log_in(client, personas["municipality"])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{url('json')}?{query}")
    assert response.status_code == 400
    assert reason in json.dumps(response.json(), ensure_ascii=False)
    assert client.get(f"{url('csv')}?{query}").status_code == 400


def test_bad_month_on_the_organisation_overview(client, personas, frozen):
    log_in(client, personas["broker_a"])
    response = client.get(url("organisation", maand="2026-13"))
    assert response.status_code == 400
    assert "01 tot en met 12" in response.content.decode()


def test_dashboard_shows_the_month_with_small_numbers_hidden(client, personas, march):
    log_in(client, personas["municipality"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(url("dashboard", maand="2026-03"))
    assert response.status_code == 200
    table = response.context["table"]
    rows = {row.area.name: row for row in table.rows}
    assert rows["Presikhaaf"]["requests_new"].export == "<10"
    assert table.total["requests_new"].export == 14
    body = response.content.decode()
    assert "minder dan 10" in body
    assert 'role="img"' in body and "<desc" in body  # charts with a text alternative
    assert "bekijk als tabel" in body
    assert len(response.context["charts"]) == 6
    assert response.context["key_figures"][0]["cell"].export == 14


def test_dashboard_defaults_to_the_last_whole_month(client, personas, frozen):
    log_in(client, personas["municipality"])
    response = client.get(url("dashboard"))
    assert str(response.context["month"]) == "2026-05"
    assert response.context["municipality"].name == "Arnhem"
    assert 'value="2026-05"' in response.content.decode()


def test_empty_month_renders(client, personas, frozen):
    log_in(client, personas["municipality"])
    response = client.get(url("dashboard", maand="2024-02"))
    assert response.status_code == 200
    assert response.context["table"].total["requests_new"].export == 0


def test_csv_export_of_the_month(client, personas, march):
    log_in(client, personas["municipality"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(url("csv", gemeente="arnhem", maand="2026-03", kolommen="codes"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="buurtmakelaar-org-a-arnhem-2026-03.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["area"], r["area_kind"]) for r in rows] == [("Centrum", "wijk"), ("Presikhaaf", "wijk"), ("", "total")]
    centrum, presikhaaf, total = rows
    assert (centrum["requests_new"], presikhaaf["requests_new"], total["requests_new"]) == ("x", "<10", "14")
    assert centrum["answered_30d_pct"] == "50"
    assert centrum["median_days_to_match"] == "<10"
    assert presikhaaf["requests_other"] == "0"
    assert total["provisional"] == "false"
    assert {r["municipality"] for r in rows} == {"Arnhem"}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_csv_export_for_a_spreadsheet(client, personas, march, language):
    """Issue 18.8: Excel opens it as it is, and a hidden share does not read as "under 10 %"."""
    log_in(client, personas["municipality"])
    if language == "en":
        client.cookies["django_language"] = "en"
    try:
        with time_machine.travel(NOW, tick=False):
            response = client.get(url("csv", gemeente="arnhem", maand="2026-03"))
    finally:
        translation.activate("nl")  # the request may leave English active in this thread
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    delimiter = ";" if language == "nl" else ","
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))
    header, centrum, presikhaaf, total = rows
    assert header[:4] == (
        ["maand", "gemeente", "buurt of kern", "soort gebied"]
        if language == "nl"
        else ["month", "municipality", "neighbourhood or village", "kind of area"]
    )
    column = {name: i for i, name in enumerate(header)}
    new = column["nieuwe hulpvragen" if language == "nl" else "new requests for help"]
    median = next(i for name, i in column.items() if "mediaan" in name or "median" in name)
    assert (centrum[new], presikhaaf[new], total[new]) == ("x", "<10", "14")
    assert centrum[median] == ("verborgen" if language == "nl" else "hidden")
    assert any(name.endswith("(%)") for name in header)
    assert total[column["voorlopig" if language == "nl" else "provisional"]] == ("nee" if language == "nl" else "no")


def test_json_export_has_the_same_figures(client, personas, march):
    log_in(client, personas["municipality"])
    with time_machine.travel(NOW, tick=False):
        data = client.get(url("json", van="2026-02", tot="2026-04")).json()
    assert data["organisation"] == "org-a" and data["municipality"] == "Arnhem"
    assert data["period"] == {"from": "2026-02", "to": "2026-04"}
    assert data["suppression"] == {"threshold": 10, "small": "<10", "hidden": "x"}
    assert [m["month"] for m in data["months"]] == ["2026-02", "2026-03", "2026-04"]
    march_json = data["months"][1]
    assert march_json["total"]["figures"]["requests_new"] == 14
    assert march_json["total"]["figures"]["answered_30d_pct"] == round(100 * 6 / 14, 1)
    assert {a["area"] for a in march_json["areas"]} == {"Centrum", "Presikhaaf"}
    assert "definition" in data["figures"]["median_days_to_match"]


def test_broker_exports_the_organisation_exactly(client, personas, march):
    log_in(client, personas["broker_a"])
    with time_machine.travel(NOW, tick=False):
        data = client.get(url("json", maand="2026-03")).json()
    assert data["municipality"] is None and data["suppression"] is None
    by_name = {a["area"]: a["figures"] for a in data["months"][0]["areas"]}
    assert by_name["Arnhem"]["requests_new"] == 14
    assert by_name["Rheden"]["requests_new"] == 1  # exact, not "<10"


def test_organisation_overview_has_workload_and_exact_figures(client, personas, march, region):
    log_in(client, personas["broker_a"])
    with time_machine.travel(NOW, tick=False):
        response = client.get(url("organisation", maand="2026-03"))
    assert response.status_code == 200
    rows = {row.area.name: row for row in response.context["table"].rows}
    assert rows["Rheden"]["requests_new"].export == 1
    names = [b.name for b in response.context["workload"]]
    assert names == sorted(names) or len(names) == 2
    assert {b.user_id for b in response.context["workload"]} == {personas["broker_a"].pk, personas["admin_a"].pk}
    body = response.content.decode()
    assert "bea@example.nl" not in body  # staff are named, their e-mail is not shown


PAGES = [
    ("dashboard", {"maand": "2026-03"}),
    ("dashboard", {"maand": "2026-04"}),
    ("demand", {}),
    ("csv", {"van": "2026-01", "tot": "2026-05"}),
    ("json", {"van": "2026-01", "tot": "2026-05"}),
]


def _secrets():
    """Everything personal in the database: names, e-mails, phones, addresses, free text."""
    from caregivers.models import HelpRequest, Mantelzorger, RequestEvent
    from matches.models import Evaluation, HoursEntry
    from volunteers.models import Volunteer

    values = set()
    for r in HelpRequest.objects.all():
        values |= {r.requester_first_name, r.requester_last_name, r.email, r.phone, r.description}
        values |= {f"{r.postcode} {r.house_number}".strip() if r.postcode else ""}
    for m in Mantelzorger.objects.all():
        values |= {m.first_name, m.last_name, m.email, m.phone}
    for v in Volunteer.objects.all():
        values |= {v.first_name, v.last_name, v.email, v.phone}
    values |= set(RequestEvent.objects.values_list("note", flat=True))
    values |= set(Evaluation.objects.values_list("note", flat=True))
    values |= set(HoursEntry.objects.values_list("note", flat=True))
    return {v for v in values if v and len(v) >= 4 and v not in {"Aangevraagd"}}


def _assert_no_secrets(body: str, secrets: set[str], where: str) -> None:
    for secret in secrets:
        assert not re.search(rf"\b{re.escape(secret)}\b", body), f"{secret!r} in {where}"


def test_no_personal_data_in_any_report_output(client, personas, march):
    secrets = _secrets() | {u.email for u in personas.values()}
    assert "Geheime notitie van de makelaar" in secrets and "Geheime evaluatie" in secrets
    assert any(s.startswith("Hulpvrager") for s in secrets) and any(s.startswith("mantelzorger") for s in secrets)
    with time_machine.travel(NOW, tick=False):
        for persona in ("municipality", "broker_a"):
            log_in(client, personas[persona])
            for name, params in [*PAGES, ("organisation", {"maand": "2026-03"})]:
                if persona == "municipality" and name == "organisation":
                    continue
                response = client.get(url(name, **params))
                assert response.status_code == 200, (persona, name)
                body = response.content.decode()
                # Staff names may appear on the organisation's own workload table, nothing else.
                allowed = {personas["broker_a"].first_name, personas["admin_a"].first_name}
                _assert_no_secrets(body, secrets - allowed, f"{persona} {name}")


def test_the_report_command_output_has_no_personal_data(march, tmp_path):
    from django.core.management import call_command

    with time_machine.travel(NOW, tick=False):
        call_command(
            "report",
            "--organisation=org-a",
            "--municipality=Arnhem",
            "--month=2026-01",
            "--to=2026-05",
            f"--csv={tmp_path / 'a.csv'}",
            f"--json={tmp_path / 'a.json'}",
            stderr=io.StringIO(),
        )
    secrets = _secrets()
    for name in ("a.csv", "a.json"):
        _assert_no_secrets((tmp_path / name).read_text(encoding="utf-8"), secrets, name)


# The pages' first view counts twelve months and stores them (later views read them in
# fewer queries: test_report_store.py).
# Each includes the staff check of config.middleware.StaffSessionMiddleware (one query).
# The counting has more grouped queries since the signals, the burden pairs, the ladder and
# satisfaction (issue #15); +1 on the pages with the menu: the partner role
# (partners.selectors.partner_roles); the organisation's overview +2 more for the vacancies
# of its partners (issue #16).
# The counting's three queries of partners' vacancies and responses (issue #16.5) included.
# The activities (issue #16.3): +1, one grouped query of the activities and their sign-ups.
QUERY_LIMITS = {"dashboard": 46, "demand": 20, "csv": 30, "json": 30, "organisation": 56}


@pytest.mark.parametrize("name, params", [*PAGES, ("organisation", {"maand": "2026-03"})])
def test_report_pages_have_a_fixed_number_of_queries(
    client, personas, march, build, region, name, params, django_assert_max_num_queries
):
    """The same number of queries with more neighbourhoods, people and months of data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    persona = "broker_a" if name == "organisation" else "municipality"
    log_in(client, personas[persona])
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(QUERY_LIMITS[name]):
        assert client.get(url(name, **params)).status_code == 200
    with CaptureQueriesContext(connection) as before, time_machine.travel(NOW, tick=False):
        client.get(url(name, **params))
    for i in range(5):
        area = build.area(region["arnhem"], f"Extra wijk {i}")
        volunteer = build.volunteer(area, created=local(2026, 2, 1))
        for day in (2, 9, 16):
            request = build.request(area, at=local(2026, 3, day), kind="respite", mantelzorger=build.mantelzorger(area))
            build.match(request, volunteer, activated=local(2026, 3, day + 3))
    with CaptureQueriesContext(connection) as after, time_machine.travel(NOW, tick=False):
        client.get(url(name, **params))
    assert len(after.captured_queries) == len(before.captured_queries)
