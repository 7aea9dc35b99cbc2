"""Issue #14, "Done when": on a fresh database without the demo, a new region goes
live with the commands alone: organisation_setup, the CSV imports of volunteers and
requests, a batch run and the municipality's report."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from caregivers.models import HelpRequest
from matches.models import Match
from neighbourhoods.models import Municipality, Organisation
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db(transaction=True)

VOLUNTEERS = (
    "external_id,first_name,last_name,email,postcode,house_number,place,max_distance_km,skills,availability\n"
    "{prefix}-V1,Jannie,Wubs,jannie@example.nl,{pc_a},3,,10,shopping;transport,tue 09:00-12:00\n"
    "{prefix}-V2,Harm,Bos-Özdemir,harm@example.nl,,,{place_b},15,companionship,thu 13:00-17:00\n"
)
REQUESTS = (
    "external_id,requester_first_name,requester_last_name,kind,postcode,house_number,place,skills,schedule,urgency\n"
    "{prefix}-R1,Geert,Smit,practical,{pc_b},7,,shopping,tue 10:00-11:00,high\n"
    "{prefix}-R2,Aaltje,Venema,companionship,,,{place_a},companionship,thu 14:00-16:00,normal\n"
)


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue()


def go_live(tmp_path, *, slug, municipality, prefix, pc_a, pc_b, place_a, place_b):
    assert not Organisation.objects.exists() and not Municipality.objects.exists()  # no demo
    run(
        "organisation_setup",
        f"--name=Welzijn {municipality}",
        f"--slug={slug}",
        f"--municipalities={municipality}",
        f"--admin=beheer@{slug}.example",
    )
    values = {"prefix": prefix, "pc_a": pc_a, "pc_b": pc_b, "place_a": place_a, "place_b": place_b}
    volunteers = tmp_path / "volunteers.csv"
    volunteers.write_text(VOLUNTEERS.format(**values), encoding="utf-8")
    requests = tmp_path / "requests.csv"
    requests.write_text(REQUESTS.format(**values), encoding="utf-8")
    assert "2 nieuw" in run("import_volunteers", f"--organisation={slug}", str(volunteers))
    assert "2 nieuw" in run("import_requests", f"--organisation={slug}", "--status=ready", str(requests))
    run("match_batch", f"--organisation={slug}", "--commit")
    month = timezone.localdate().strftime("%Y-%m")
    target = tmp_path / "report.csv"
    run("report", f"--municipality={municipality}", f"--month={month}", f"--csv={target}")
    return list(csv.DictReader(target.open(encoding="utf-8")))


def test_stadskanaal_goes_live_without_the_demo(tmp_path):
    rows = go_live(
        tmp_path,
        slug="vc-stadskanaal",
        municipality="Stadskanaal",
        prefix="SK",
        pc_a="9501 AB",
        pc_b="9502 CD",
        place_a="Musselkanaal",
        place_b="Stadskanaal",
    )
    organisation = Organisation.objects.get(slug="vc-stadskanaal")
    requests = HelpRequest.objects.filter(organisation=organisation)
    # Every address found its village in the new working area.
    assert {r.neighbourhood.municipality.name for r in requests} == {"Stadskanaal"}
    assert {r.neighbourhood.name for r in requests} == {"Stadskanaal", "Musselkanaal"}
    assert {v.neighbourhood.municipality.name for v in Volunteer.objects.filter(organisation=organisation)} == {
        "Stadskanaal"
    }
    # The batch proposed both matches (shopping on Tuesday, company on Thursday).
    proposed = Match.objects.filter(request__organisation=organisation, status=Match.Status.PROPOSED)
    assert {(m.request.external_id, m.volunteer.external_id) for m in proposed} == {
        ("SK-R1", "SK-V1"),
        ("SK-R2", "SK-V2"),
    }
    # The report has the villages and the municipality's total; small numbers hidden.
    areas = {row["area"] for row in rows}
    assert {"Stadskanaal", "Musselkanaal"} <= areas
    total = rows[-1]
    assert total["area"] == "" and total["requests_new"] == "<10"


def test_land_van_cuijk_goes_live_with_an_address_in_former_boxmeer(tmp_path):
    """Brabant Noordoost-oost: the gazetteer (2016 borders) calls these places Boxmeer
    and Cuijk; they land in Land van Cuijk."""
    rows = go_live(
        tmp_path,
        slug="welzijn-lvc",
        municipality="Land van Cuijk",
        prefix="LVC",
        pc_a="5831 AA",  # Boxmeer
        pc_b="5831 BB",
        place_a="Boxmeer",  # the former municipality's town, written as people do
        place_b="Cuijk",
    )
    organisation = Organisation.objects.get(slug="welzijn-lvc")
    r2 = HelpRequest.objects.get(organisation=organisation, external_id="LVC-R2")
    assert r2.neighbourhood.name == "Boxmeer"
    assert r2.neighbourhood.municipality.name == "Land van Cuijk"
    assert r2.neighbourhood.municipality.code == "GM1982"
    v2 = Volunteer.objects.get(organisation=organisation, external_id="LVC-V2")
    assert (v2.neighbourhood.name, v2.neighbourhood.municipality.name) == ("Cuijk", "Land van Cuijk")
    assert Match.objects.filter(request__organisation=organisation, status=Match.Status.PROPOSED).count() == 2
    assert "Boxmeer" in {row["area"] for row in rows}
    assert rows[-1]["requests_new"] == "<10"


def test_report_with_a_former_municipality_name_says_what_it_is_now(tmp_path):
    from django.core.management import CommandError

    run("organisation_setup", "--name=W", "--slug=w", "--municipalities=Land van Cuijk", "--admin=a@w.example")
    with pytest.raises(CommandError, match="Boxmeer is sinds 2022 onderdeel van Land van Cuijk"):
        run("report", "--municipality=Boxmeer", "--month=2026-01", f"--csv={tmp_path / 'x.csv'}")
    with pytest.raises(CommandError, match="Welke organisatie"):
        run("organisation_setup", "--name=V", "--slug=v", "--municipalities=Land van Cuijk", "--admin=b@w.example")
        run("report", "--municipality=Land van Cuijk", "--month=2026-01", f"--csv={tmp_path / 'x.csv'}")


def test_a_village_the_gazetteer_misfiles_lands_in_its_real_municipality(tmp_path):
    """Onstwedde (PC4 9591) is filed under Vlagtwedde in the gazetteer, but lies in
    Stadskanaal; Drouwenermond (9523) is filed under Stadskanaal but lies in Borger-Odoorn."""
    run(
        "organisation_setup",
        "--name=VC",
        "--slug=vc",
        "--municipalities=Stadskanaal,Westerwolde",
        "--admin=a@vc.example",
    )
    path = tmp_path / "requests.csv"
    path.write_text(
        "external_id,requester_first_name,requester_last_name,kind,postcode,house_number,skills,schedule\n"
        "R1,Geert,Smit,practical,9591 AA,1,shopping,tue 10:00-11:00\n"
        "R2,Aaltje,Venema,practical,9523 AA,2,shopping,tue 10:00-11:00\n",
        encoding="utf-8",
    )
    run("import_requests", "--organisation=vc", str(path))
    r1 = HelpRequest.objects.get(external_id="R1")
    assert (r1.neighbourhood.name, r1.neighbourhood.municipality.name) == ("Onstwedde", "Stadskanaal")
    assert HelpRequest.objects.get(external_id="R2").neighbourhood is None  # not in this working area
