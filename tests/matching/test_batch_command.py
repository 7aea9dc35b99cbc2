"""``python manage.py match_batch --organisation SLUG [--json FILE] [--commit]`` (DESIGN.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from matches.models import BatchRun, Match
from matches.reasons import clean_reasons, reasons_text

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"organisation", "proposals", "unmatched", "stats"}
PROPOSAL_KEYS = {"request", "volunteer", "score", "distance_km", "reasons"}


@pytest.fixture
def org(region):
    return region["org_a"]


@pytest.fixture
def scene(org, region, make_volunteer, make_request, frozen_now):
    """Three ready requests in org-a and two volunteers with one place each: two
    proposals and one unmatched request. org-b has a request and a volunteer that
    must never appear."""
    v1 = make_volunteer(org, external_id="V-1")
    v2 = make_volunteer(org)
    requests = [make_request(org, external_id="R-1"), make_request(org), make_request(org)]
    make_request(region["org_b"], external_id="B-1")
    make_volunteer(region["org_b"], external_id="VB-1")
    return {"volunteers": [v1, v2], "requests": requests}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("match_batch", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def without_timings(data):
    data = json.loads(json.dumps(data))
    data["stats"].pop("timings")
    return data


def test_json_to_a_file_follows_the_contract(scene, tmp_path):
    target = tmp_path / "batch.json"
    out, _ = run("--organisation", "org-a", "--json", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) == CONTRACT_KEYS
    assert data["organisation"] == "org-a"
    assert len(data["proposals"]) == 2 and len(data["unmatched"]) == 1
    v1, v2 = scene["volunteers"]
    assert {p["volunteer"] for p in data["proposals"]} == {"V-1", v2.pk}
    r1, r2, r3 = scene["requests"]
    assert {p["request"] for p in data["proposals"]} | set(data["unmatched"]) == {"R-1", r2.pk, r3.pk}
    for p in data["proposals"]:
        assert set(p) == PROPOSAL_KEYS
        assert type(p["score"]) is float and type(p["distance_km"]) is float
        assert isinstance(p["reasons"], list) and all(isinstance(r, str) for r in p["reasons"])
    assert isinstance(data["stats"], dict)
    assert {"matched", "unmatched", "greedy_matched", "timings"} <= set(data["stats"])
    # Only computes: nothing saved.
    assert Match.objects.count() == 0 and BatchRun.objects.count() == 0
    assert "Gekoppeld: 2, niet gekoppeld: 1" in out
    assert "Dichtstbijzijnde-eerst" in out and "gekoppeld 2" in out
    assert "Niets opgeslagen" in out


def test_json_to_stdout_is_pure_json_and_the_summary_goes_to_stderr(scene):
    out, err = run("--organisation", "org-a", "--json", "-")
    data = json.loads(out)
    assert set(data) == CONTRACT_KEYS
    assert "Gekoppeld: 2" in err


def test_same_database_same_json(scene):
    first, _ = run("--organisation", "org-a", "--json", "-")
    second, _ = run("--organisation", "org-a", "--json", "-")
    assert without_timings(json.loads(first)) == without_timings(json.loads(second))


def test_no_ready_requests_gives_valid_json_with_empty_lists(region, make_volunteer):
    make_volunteer(region["org_b"])
    out, _ = run("--organisation", "org-b", "--json", "-")
    data = json.loads(out)
    assert (data["organisation"], data["proposals"], data["unmatched"]) == ("org-b", [], [])
    assert data["stats"]["matched"] == 0


def test_commit_creates_proposed_matches_and_twice_does_not_duplicate(scene, tmp_path):
    out, _ = run("--organisation", "org-a", "--commit")
    assert "2 voorstellen gemaakt, 0 overgeslagen" in out
    matches = list(Match.objects.all())
    assert len(matches) == 2
    assert {m.status for m in matches} == {Match.Status.PROPOSED}
    run_ = BatchRun.objects.get()
    assert {m.batch_id for m in matches} == {run_.pk}
    assert run_.status == BatchRun.Status.DONE
    assert {entry["state"] for entry in run_.result["review"].values()} == {"confirmed"}

    # Again: the proposed requests are left out and both volunteers are full.
    target = tmp_path / "again.json"
    out, _ = run("--organisation", "org-a", "--commit", "--json", str(target))
    again = json.loads(target.read_text(encoding="utf-8"))
    assert again["proposals"] == []
    assert len(again["unmatched"]) == 1
    assert Match.objects.count() == 2
    assert "0 voorstellen gemaakt" in out


def test_the_file_has_sentences_in_dutch_and_the_stored_run_codes(scene, tmp_path):
    target = tmp_path / "batch.json"
    with translation.override("en"):  # whoever runs it: the file is in the site's language
        run("--organisation", "org-a", "--commit", "--json", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    stored = BatchRun.objects.get().result
    for in_file, in_run in zip(data["proposals"], stored["proposals"], strict=True):
        with translation.override("nl"):
            assert in_file["reasons"] == reasons_text(in_run["reasons"])
        assert in_file["reasons"][1] == "beschikbaar di 13:00-17:00"
        assert in_run["reasons"][1] == {"code": "available", "slots": [["tue", "13:00", "17:00"]]}
    # Committing such a file reads the sentences back into the codes.
    assert clean_reasons(data["proposals"][0]["reasons"]) == stored["proposals"][0]["reasons"]
    assert {tuple(map(str, m.reasons)) for m in Match.objects.all()} == {
        tuple(map(str, p["reasons"])) for p in stored["proposals"]
    }


def test_unknown_organisation_is_an_error(scene):
    with pytest.raises(CommandError, match="Organisatie nergens bestaat niet"):
        run("--organisation", "nergens")


def test_bad_max_edges_is_an_error(scene):
    with pytest.raises(CommandError):
        run("--organisation", "org-a", "--max-edges-per-request", "0")


def test_unwritable_json_file_is_an_error(scene, tmp_path):
    with pytest.raises(CommandError, match="Kan"):
        run("--organisation", "org-a", "--json", str(tmp_path / "missing-dir" / "x.json"))


def test_unknown_organisation_exits_with_status_1(scene, monkeypatch, capsys):
    """As on the command line (``run_from_argv``): a clear message on stderr, exit 1."""
    from django.db import connections

    from matching.management.commands.match_batch import Command

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test database open
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "match_batch", "--organisation", "nergens"])
    assert exit_info.value.code == 1
    assert "Organisatie nergens bestaat niet" in capsys.readouterr().err
    assert Match.objects.count() == 0
