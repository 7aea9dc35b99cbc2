"""``manage.py import_requests``: the contract in DESIGN.md ("Import")."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caregivers.models import HelpRequest, RequestEvent
from common.slots import SlotError, parse_slots
from neighbourhoods.models import Organisation

COMMAND = "import_requests"
HEADER = (
    "external_id",
    "requester_first_name",
    "requester_last_name",
    "email",
    "phone",
    "kind",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "skills",
    "schedule",
    "needs_vog",
    "max_distance_km",
    "urgency",
)
RESPITE = {
    "external_id": "H-100",
    "requester_first_name": "Henk",
    "requester_last_name": "Willemsen",
    "email": "henk@example.nl",
    "phone": "026 123 45 67",
    "kind": "respite",
    "postcode": "6881 AB",
    "house_number": "3",
    "skills": "respite; dementia",
    "schedule": "tue 13:00-17:00",
    "needs_vog": "false",  # respite always needs a VOG, whatever the file says
    "max_distance_km": "4",
    "urgency": "high",
}
SHOPPING = {
    "external_id": "H-101",
    "requester_first_name": "Fatma",
    "requester_last_name": "Özdemir-Bakker",
    "kind": "Practical",
    "latitude": "51.981",
    "longitude": "5.911",
    "skills": "shopping",
    "schedule": "mon 10:00-11:00; thu 10:00-11:00",
    "needs_vog": "ja",
}
COMPANY = {
    "external_id": "H-102",
    "requester_first_name": "Zoë",
    "requester_last_name": "van 't Hof",
    "kind": "companionship",
    "place": "Velp",
    "needs_vog": "0",
    "urgency": "low",
}


def snapshot(request):
    return {
        "requester_last_name": request.requester_last_name,
        "kind": request.kind,
        "status": request.status,
        "urgency": request.urgency,
        "latitude": request.latitude,
        "skills": sorted(request.skills.values_list("code", flat=True)),
        "schedule": [s.as_slot().code() for s in request.slots.all()],
        "updated_at": request.updated_at,
    }


def test_imports_requests_with_skills_schedule_and_location(region, run_import, csv_text):
    out = run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING, COMPANY]))

    assert out.strip() == "3 nieuw, 0 bijgewerkt"
    respite = HelpRequest.objects.get(organisation=region["org_a"], external_id="H-100")
    assert (respite.requester_first_name, respite.requester_last_name) == ("Henk", "Willemsen")
    assert (respite.email, respite.phone) == ("henk@example.nl", "026 123 45 67")
    assert respite.kind == HelpRequest.Kind.RESPITE
    assert respite.needs_vog is True
    assert respite.status == HelpRequest.Status.NEW
    assert respite.status_changed_at is not None
    assert respite.urgency == HelpRequest.Urgency.HIGH
    assert respite.max_distance_km == 4
    assert (respite.postcode, respite.house_number, respite.place) == ("6881 AB", "3", "Velp")
    assert respite.neighbourhood == region["areas"]["Velp"]
    assert sorted(respite.skills.values_list("code", flat=True)) == ["dementia", "respite"]
    assert [s.as_slot().code() for s in respite.slots.all()] == ["tue 13:00-17:00"]
    assert [(e.from_status, e.to_status) for e in respite.events.all()] == [("", "new")]

    shopping = HelpRequest.objects.get(external_id="H-101")
    assert shopping.kind == HelpRequest.Kind.PRACTICAL  # case does not matter
    assert shopping.requester_last_name == "Özdemir-Bakker"
    assert shopping.needs_vog is True  # "ja"
    assert shopping.max_distance_km is None
    assert shopping.urgency == HelpRequest.Urgency.NORMAL
    assert shopping.neighbourhood == region["areas"]["Arnhem"]
    assert [s.as_slot().code() for s in shopping.slots.all()] == ["mon 10:00-11:00", "thu 10:00-11:00"]

    company = HelpRequest.objects.get(external_id="H-102")
    assert company.requester_last_name == "van 't Hof"
    assert (company.needs_vog, company.urgency, company.place) == (False, "low", "Velp")
    assert list(company.skills.all()) == [] and list(company.slots.all()) == []


def test_status_ready_for_new_requests(region, run_import, csv_text):
    run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING]), "--status", "ready")
    assert set(HelpRequest.objects.filter(organisation=region["org_a"]).values_list("status", flat=True)) == {"ready"}
    assert list(RequestEvent.objects.values_list("from_status", "to_status")) == [("", "ready")] * 2


def test_reimport_with_status_ready_moves_new_on_but_never_back(region, run_import, csv_text):
    run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING, COMPANY]))
    HelpRequest.objects.filter(external_id="H-101").update(status=HelpRequest.Status.MATCHED)
    HelpRequest.objects.filter(external_id="H-102").update(status=HelpRequest.Status.INTAKE)

    run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING, COMPANY]), "--status", "ready")

    statuses = dict(HelpRequest.objects.values_list("external_id", "status"))
    assert statuses == {"H-100": "ready", "H-101": "matched", "H-102": "ready"}
    events = RequestEvent.objects.filter(request__external_id="H-102").values_list("from_status", "to_status")
    assert list(events) == [("", "new"), ("intake", "ready")]
    # A plain re-import (default status) leaves every status alone.
    run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING, COMPANY]))
    assert dict(HelpRequest.objects.values_list("external_id", "status")) == statuses


def test_reimport_updates_by_external_id_without_duplicates(region, run_import, csv_text, db_counts):
    run_import(COMMAND, csv_text(HEADER, [RESPITE, SHOPPING]))
    pk = HelpRequest.objects.get(external_id="H-101").pk
    before = db_counts()

    changed = SHOPPING | {"kind": "transport", "skills": "transport", "schedule": "fri 09:00-10:00", "urgency": "high"}
    out = run_import(COMMAND, csv_text(HEADER, [RESPITE, changed]))

    assert out.strip() == "0 nieuw, 2 bijgewerkt"
    after = db_counts()
    assert after["requests"] == before["requests"]
    assert after["request_events"] == before["request_events"]  # no status change, no event
    shopping = HelpRequest.objects.get(external_id="H-101")
    assert shopping.pk == pk
    assert (shopping.kind, shopping.urgency) == ("transport", "high")
    assert list(shopping.skills.values_list("code", flat=True)) == ["transport"]
    assert [s.as_slot().code() for s in shopping.slots.all()] == ["fri 09:00-10:00"]


def test_same_file_twice_changes_no_counts(region, run_import, csv_text, db_counts):
    text = csv_text(HEADER, [RESPITE, SHOPPING, COMPANY])
    run_import(COMMAND, text)
    before = db_counts()
    assert run_import(COMMAND, text).strip() == "0 nieuw, 3 bijgewerkt"
    assert db_counts() == before


def test_organisation_is_created_when_missing(db, run_import, csv_text):
    out = run_import(COMMAND, csv_text(HEADER, [COMPANY]), organisation="buurtzorg-velp")
    organisation = Organisation.objects.get(slug="buurtzorg-velp")
    assert organisation.name == "Buurtzorg Velp"
    assert organisation.help_requests.get().external_id == "H-102"
    assert out.strip().splitlines()[-1] == "1 nieuw, 0 bijgewerkt"


def test_semicolon_file_with_bom(region, run_import, csv_text):
    text = csv_text(HEADER, [RESPITE | {"schedule": "tue 13:00-17:00; thu 09:00-12:00"}], delimiter=";")
    run_import(COMMAND, b"\xef\xbb\xbf" + text.encode("utf-8"))
    respite = HelpRequest.objects.get(external_id="H-100")
    assert [s.as_slot().code() for s in respite.slots.all()] == ["tue 13:00-17:00", "thu 09:00-12:00"]


def test_unknown_status_option_is_refused(region, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("external_id,requester_first_name,kind,place\nH1,Ans,other,Velp\n")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(COMMAND, "--organisation", "org-a", "--status", "matched", str(path))
    assert not HelpRequest.objects.filter(external_id="H1").exists()


SLOT = object()  # expected: line 3, column schedule, the message of parse_slots


def slot_message(text):
    with pytest.raises(SlotError) as error:
        parse_slots(text)
    return str(error.value)


BAD_ROWS = {
    "empty required name": ({"requester_first_name": ""}, "line 3: requester_first_name: verplicht, maar leeg."),
    "empty kind": ({"kind": ""}, "line 3: kind: verplicht, maar leeg."),
    "bad kind": (
        {"kind": "cleaning"},
        "line 3: kind: 'cleaning' kennen we niet. Kies uit: respite, practical, companionship, transport, other.",
    ),
    "bad urgency": (
        {"urgency": "asap"},
        "line 3: urgency: 'asap' kennen we niet. Kies uit: low, normal, high.",
    ),
    "bad boolean": (
        {"needs_vog": "misschien"},
        "line 3: needs_vog: 'misschien' is geen ja of nee. Gebruik true of false (ook goed: ja/nee, 1/0).",
    ),
    "negative distance": ({"max_distance_km": "-1"}, "line 3: max_distance_km: -1 is te klein; het kleinste is 0."),
    "bad postcode": (
        {"postcode": "68811AB"},
        "line 3: postcode: '68811AB': Een Nederlandse postcode bestaat uit 4 cijfers en 2 letters, "
        "bijvoorbeeld 6811 AB.",
    ),
    "unknown place": (
        {"postcode": "", "place": "Atlantis"},
        "line 3: place: We kennen geen plaats met de naam “Atlantis”.",
    ),
    "lat/lon swapped": (
        {"latitude": "5.97", "longitude": "51.99"},
        "line 3: latitude: 5.97, 51.99 ligt niet in Nederland. Zijn latitude en longitude omgewisseld (swapped?)",
    ),
    "unknown skill code": (
        {"skills": "respite; babysitting"},
        "line 3: skills: onbekende vaardigheid: babysitting. Bekende codes: companionship, cooking, dementia, "
        "digital, gardening, language, odd_jobs, paperwork, respite, shopping, transport, walking.",
    ),
    "bad slot text": ({"schedule": "dinsdagmiddag"}, SLOT),
    "across midnight": ({"schedule": "sat 23:00-01:00"}, SLOT),
    "overlapping slots": ({"schedule": "tue 13:00-17:00; tue 16:00-18:00"}, SLOT),
    "bad email": ({"email": "henk at example.nl"}, "line 3: email: 'henk at example.nl' is geen geldig e-mailadres."),
    "duplicate external_id in file": (
        {"external_id": "H-000"},
        "line 3: external_id: 'H-000' staat ook al op regel 2.",
    ),
}


@pytest.mark.parametrize("cells, expected", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_reported_and_nothing_is_written(
    region, run_import, run_failing_import, csv_text, db_counts, cells, expected
):
    existing = {
        "external_id": "H-000",
        "requester_first_name": "Oud",
        "kind": "practical",
        "postcode": "6811 AB",
        "skills": "odd_jobs",
        "schedule": "wed 10:00-12:00",
    }
    run_import(COMMAND, csv_text(HEADER, [existing]))
    before_row = snapshot(HelpRequest.objects.get(external_id="H-000"))
    before = db_counts()

    update = existing | {"kind": "other", "skills": "digital", "schedule": "thu 10:00-12:00", "urgency": "high"}
    errors = run_failing_import(COMMAND, csv_text(HEADER, [update, RESPITE | cells]), "--status", "ready")

    if expected is SLOT:
        expected = "line 3: schedule: " + slot_message(cells["schedule"])
    assert errors == [expected]
    assert db_counts() == before
    assert snapshot(HelpRequest.objects.get(external_id="H-000")) == before_row


def test_missing_required_column(region, run_failing_import, db_counts):
    before = db_counts()
    assert run_failing_import(COMMAND, "external_id,requester_first_name,place\nH1,Ans,Velp\n") == [
        "line 1: kind: deze kolom ontbreekt; hij is verplicht."
    ]
    assert db_counts() == before


def test_unknown_column(region, run_failing_import):
    errors = run_failing_import(
        COMMAND, "external_id,requester_first_name,kind,place,description\nH1,Ans,other,Velp,x\n"
    )
    assert errors == ["line 1: description: deze kolom kennen we niet. Mogelijke kolommen: " + ", ".join(HEADER) + "."]


def test_wrong_encoding(region, run_failing_import, csv_text, db_counts):
    before = db_counts()
    assert run_failing_import(COMMAND, csv_text(HEADER, [RESPITE, COMPANY]).encode("cp1252")) == [
        "line 3: het bestand is geen UTF-8. Sla het op als 'CSV UTF-8' en probeer het opnieuw."
    ]
    assert db_counts() == before
