"""``manage.py import_volunteers``: the contract in DESIGN.md ("Import")."""

import datetime

import pytest

from common.slots import SlotError, parse_slots
from neighbourhoods.models import Organisation, Skill
from neighbourhoods.services import skills_ensure_defaults
from volunteers.models import Volunteer

COMMAND = "import_volunteers"
HEADER = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "house_number",
    "place",
    "latitude",
    "longitude",
    "max_distance_km",
    "skills",
    "availability",
    "max_active_matches",
    "vog_valid_until",
    "languages",
)
ZOE = {
    "external_id": "V-001",
    "first_name": "Zoë",
    "last_name": "van 't Hof-Özdemir",
    "email": "zoe@example.nl",
    "phone": "06 12345678",
    "postcode": "6881 ab",
    "house_number": "12a",
    "max_distance_km": "7.5",
    "skills": "shopping; transport",
    "availability": "mon 09:00-12:00; tue 13:00-17:00",
    "max_active_matches": "2",
    "vog_valid_until": "2027-01-31",
    "languages": "nl; en",
}
FATMA = {
    "external_id": "V-002",
    "first_name": "Fatma",
    "last_name": "Özdemir-Bakker",
    "latitude": "51.981",
    "longitude": "5.911",
    "skills": "companionship",
}
PLACE_ONLY = {"external_id": "V-003", "first_name": "Geert", "last_name": "d'Ancona", "place": "Velp"}


def snapshot(volunteer):
    return {
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "email": volunteer.email,
        "postcode": volunteer.postcode,
        "latitude": volunteer.latitude,
        "max_distance_km": volunteer.max_distance_km,
        "skills": sorted(volunteer.skills.values_list("code", flat=True)),
        "availability": [s.as_slot().code() for s in volunteer.availability.all()],
        "updated_at": volunteer.updated_at,
    }


# --- Happy path --------------------------------------------------------------------


def test_imports_volunteers_with_skills_availability_and_location(region, run_import, csv_text):
    out = run_import(COMMAND, csv_text(HEADER, [ZOE, FATMA, PLACE_ONLY]))

    assert out.strip().splitlines()[-1] == "3 nieuw, 0 bijgewerkt"
    zoe = Volunteer.objects.get(organisation=region["org_a"], external_id="V-001")
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "van 't Hof-Özdemir")
    assert (zoe.email, zoe.phone) == ("zoe@example.nl", "06 12345678")
    assert (zoe.postcode, zoe.house_number, zoe.place) == ("6881 AB", "12a", "Velp")
    assert (zoe.latitude, zoe.longitude) == pytest.approx((51.9982, 5.9727))  # the centroid of PC4 area 6881
    assert zoe.neighbourhood == region["areas"]["Velp"]
    assert zoe.max_distance_km == 7.5
    assert sorted(zoe.skills.values_list("code", flat=True)) == ["shopping", "transport"]
    assert [s.as_slot().code() for s in zoe.availability.all()] == ["mon 09:00-12:00", "tue 13:00-17:00"]
    assert zoe.max_active_matches == 2
    assert zoe.vog_valid_until == datetime.date(2027, 1, 31)
    assert zoe.languages == "nl;en"
    assert zoe.user is None and zoe.is_active

    fatma = Volunteer.objects.get(external_id="V-002")
    assert fatma.last_name == "Özdemir-Bakker"
    assert (fatma.latitude, fatma.longitude) == (51.981, 5.911)
    assert fatma.neighbourhood == region["areas"]["Arnhem"]  # nearest centre: Centrum
    # Empty optional cells give the model's defaults.
    assert (fatma.max_distance_km, fatma.max_active_matches, fatma.languages) == (5, 1, "nl")
    assert fatma.vog_valid_until is None
    assert list(fatma.availability.all()) == []

    geert = Volunteer.objects.get(external_id="V-003")
    assert geert.last_name == "d'Ancona"
    assert (geert.place, geert.postcode) == ("Velp", "")
    assert geert.neighbourhood == region["areas"]["Velp"]


def test_semicolon_file_with_bom_quoted_lists_and_decimal_comma(region, run_import, csv_text):
    text = csv_text(HEADER, [ZOE | {"max_distance_km": "7,5"}, FATMA | {"latitude": "51,981"}], delimiter=";")
    assert '"shopping; transport"' in text  # lists are quoted in a ; file
    out = run_import(COMMAND, b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert "2 nieuw, 0 bijgewerkt" in out
    zoe = Volunteer.objects.get(external_id="V-001")
    assert zoe.first_name == "Zoë"  # the BOM did not end up in the first column
    assert zoe.max_distance_km == 7.5
    assert sorted(zoe.skills.values_list("code", flat=True)) == ["shopping", "transport"]
    assert Volunteer.objects.get(external_id="V-002").latitude == 51.981


def test_crlf_line_ends_and_blank_lines_are_fine(region, run_import, csv_text):
    text = csv_text(HEADER, [ZOE]).replace("\n", "\r\n") + "\r\n,,,,,,,,,,,,,,,\r\n"
    assert "1 nieuw, 0 bijgewerkt" in run_import(COMMAND, text)


def test_only_required_and_location_columns(region, run_import):
    run_import(COMMAND, "external_id,first_name,postcode\nA1,Ans,6811 AB\n")
    ans = Volunteer.objects.get(external_id="A1")
    assert (ans.place, ans.neighbourhood) == ("Arnhem", region["areas"]["Arnhem"])


def test_organisation_own_skill_is_accepted(region, run_import, csv_text):
    Skill.objects.create(organisation=region["org_a"], code="bike_repair", label="fietsen maken")
    run_import(COMMAND, csv_text(HEADER, [ZOE | {"skills": "bike_repair; shopping"}]))
    zoe = Volunteer.objects.get(external_id="V-001")
    assert sorted(zoe.skills.values_list("code", flat=True)) == ["bike_repair", "shopping"]
    # The default catalogue was completed on the way.
    assert Skill.objects.filter(organisation=None).count() == 12


def test_another_organisations_skill_is_unknown(region, run_failing_import, csv_text, db_counts):
    Skill.objects.create(organisation=region["org_b"], code="bike_repair", label="fietsen maken")
    before = db_counts()
    errors = run_failing_import(COMMAND, csv_text(HEADER, [ZOE | {"skills": "bike_repair"}]))
    assert len(errors) == 1
    assert errors[0].startswith("line 2: skills: onbekende vaardigheid: bike_repair. Bekende codes: companionship,")
    assert db_counts() == before


# --- Re-import ----------------------------------------------------------------------


def test_reimport_updates_by_external_id_without_duplicates(region, run_import, csv_text, db_counts):
    run_import(COMMAND, csv_text(HEADER, [ZOE, FATMA]))
    first_pk = Volunteer.objects.get(external_id="V-001").pk
    before = db_counts()

    changed = ZOE | {
        "last_name": "van 't Hof",
        "postcode": "6811 AB",
        "skills": "gardening",
        "availability": "wed 18:00-21:00",
        "languages": "",
    }
    out = run_import(COMMAND, csv_text(HEADER, [changed, FATMA]))

    assert "0 nieuw, 2 bijgewerkt" in out
    assert db_counts() | {"availability": 0, "volunteer_skills": 0} == before | {
        "availability": 0,
        "volunteer_skills": 0,
    }
    zoe = Volunteer.objects.get(external_id="V-001")
    assert zoe.pk == first_pk
    assert zoe.last_name == "van 't Hof"
    assert (zoe.postcode, zoe.place, zoe.neighbourhood) == ("6811 AB", "Arnhem", region["areas"]["Arnhem"])
    assert list(zoe.skills.values_list("code", flat=True)) == ["gardening"]  # replaced, not added
    assert [s.as_slot().code() for s in zoe.availability.all()] == ["wed 18:00-21:00"]
    assert zoe.languages == "nl"  # an empty cell resets to the default
    assert Volunteer.objects.filter(organisation=region["org_a"]).count() == 2


def test_reimport_same_file_twice_changes_no_counts(region, run_import, csv_text, db_counts):
    text = csv_text(HEADER, [ZOE, FATMA, PLACE_ONLY])
    run_import(COMMAND, text)
    before = db_counts()
    assert "0 nieuw, 3 bijgewerkt" in run_import(COMMAND, text)
    assert db_counts() == before


def test_columns_left_out_keep_their_values_on_reimport(region, run_import, csv_text):
    run_import(COMMAND, csv_text(HEADER, [ZOE]))
    run_import(COMMAND, "external_id,first_name,postcode\nV-001,Zoé,6881 AB\n")
    zoe = Volunteer.objects.get(external_id="V-001")
    assert zoe.first_name == "Zoé"
    assert zoe.last_name == "van 't Hof-Özdemir"
    assert sorted(zoe.skills.values_list("code", flat=True)) == ["shopping", "transport"]
    assert zoe.availability.count() == 2
    assert zoe.max_distance_km == 7.5


def test_same_external_id_in_another_organisation_is_another_volunteer(region, run_import, csv_text):
    run_import(COMMAND, csv_text(HEADER, [ZOE]))
    run_import(COMMAND, csv_text(HEADER, [ZOE]), organisation="org-b")
    assert Volunteer.objects.filter(external_id="V-001").count() == 2


def test_organisation_is_created_when_missing(db, run_import, csv_text):
    out = run_import(COMMAND, csv_text(HEADER, [ZOE]), organisation="vrijwilligers-velp")

    organisation = Organisation.objects.get(slug="vrijwilligers-velp")
    assert organisation.name == "Vrijwilligers Velp"
    assert not organisation.municipalities.exists()
    assert "Organisatie 'Vrijwilligers Velp' (vrijwilligers-velp) is aangemaakt" in out
    zoe = organisation.volunteers.get()
    assert zoe.neighbourhood is None  # no work area yet, so no neighbourhoods
    assert zoe.place == "Velp"


def test_bad_organisation_slug_is_refused(db, run_import, csv_text):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="geen geldige korte naam"):
        run_import(COMMAND, csv_text(HEADER, [ZOE]), organisation="Vrijwilligers Velp!")
    assert not Organisation.objects.exists()


def test_failing_import_does_not_create_the_organisation(db, run_failing_import, csv_text):
    run_failing_import(COMMAND, csv_text(HEADER, [ZOE | {"first_name": ""}]), organisation="nieuw")
    assert not Organisation.objects.filter(slug="nieuw").exists()


# --- Bad input: one row ------------------------------------------------------------

SLOT = object()  # expected: line 3, column availability, the message of parse_slots


def slot_message(text):
    with pytest.raises(SlotError) as error:
        parse_slots(text)
    return str(error.value)


BAD_ROWS = {
    "empty required cell": ({"first_name": ""}, "line 3: first_name: verplicht, maar leeg."),
    "empty external_id": ({"external_id": ""}, "line 3: external_id: verplicht, maar leeg."),
    "bad postcode": (
        {"postcode": "6881"},
        "line 3: postcode: '6881': Een Nederlandse postcode bestaat uit 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.",
    ),
    "unknown postcode": ({"postcode": "1000 AA"}, "line 3: postcode: '1000 AA': Deze postcode kennen we niet."),
    "unknown place": (
        {"postcode": "", "place": "Nergenshuizen"},
        "line 3: place: We kennen geen plaats met de naam “Nergenshuizen”.",
    ),
    "no location at all": (
        {"postcode": ""},
        "line 3: postcode: geen adres. Vul postcode en house_number in, of place, of latitude en longitude.",
    ),
    "lat/lon swapped": (
        {"latitude": "5.911", "longitude": "51.981"},
        "line 3: latitude: 5.911, 51.981 ligt niet in Nederland. Zijn latitude en longitude omgewisseld (swapped?)",
    ),
    "longitude outside the Netherlands": (
        {"latitude": "51.98", "longitude": "13.4"},
        "line 3: longitude: 13.4 ligt niet in Nederland (3,2 tot 7,3).",
    ),
    "latitude without longitude": (
        {"latitude": "51.98"},
        "line 3: longitude: leeg; vul latitude en longitude allebei in.",
    ),
    "latitude not a number": ({"latitude": "noord", "longitude": "5.9"}, "line 3: latitude: 'noord' is geen getal."),
    "unknown skill code": (
        {"skills": "shopping; knutselen"},
        "line 3: skills: onbekende vaardigheid: knutselen. Bekende codes: companionship, cooking, dementia, digital, "
        "gardening, language, odd_jobs, paperwork, respite, shopping, transport, walking.",
    ),
    # Slot messages come from common.slots (its wording is its own; the line and column are ours).
    "bad slot text": ({"availability": "maandagochtend"}, SLOT),
    "bad day": ({"availability": "xyz 09:00-12:00"}, SLOT),
    "across midnight": ({"availability": "fri 22:00-02:00"}, SLOT),
    "end before start": ({"availability": "mon 12:00-09:00"}, SLOT),
    "overlapping slots": ({"availability": "mon 09:00-12:00; mon 11:00-13:00"}, SLOT),
    "negative distance": ({"max_distance_km": "-3"}, "line 3: max_distance_km: -3 is te klein; het kleinste is 0."),
    "distance too large": (
        {"max_distance_km": "250"},
        "line 3: max_distance_km: 250 is te groot; het grootste is 100.",
    ),
    "distance not a number": ({"max_distance_km": "ver"}, "line 3: max_distance_km: 'ver' is geen getal."),
    "zero matches": ({"max_active_matches": "0"}, "line 3: max_active_matches: 0 is te klein; het kleinste is 1."),
    "matches not whole": (
        {"max_active_matches": "1.5"},
        "line 3: max_active_matches: '1.5' is geen heel getal.",
    ),
    "bad date": (
        {"vog_valid_until": "31-01-2027"},
        "line 3: vog_valid_until: '31-01-2027' is geen datum. Schrijf jaar-maand-dag, bijvoorbeeld 2027-03-31.",
    ),
    "impossible date": (
        {"vog_valid_until": "2027-02-30"},
        "line 3: vog_valid_until: '2027-02-30' is geen datum. Schrijf jaar-maand-dag, bijvoorbeeld 2027-03-31.",
    ),
    "bad email": ({"email": "zoe@"}, "line 3: email: 'zoe@' is geen geldig e-mailadres."),
    "bad language": (
        {"languages": "nl; xx"},
        "line 3: languages: 'xx' is geen taalcode. Gebruik twee letters (ISO 639-1), bijvoorbeeld nl of en.",
    ),
    "name too long": (
        {"first_name": "A" * 101},
        "line 3: first_name: te lang (101 tekens); het mag hoogstens 100 tekens zijn.",
    ),
    "duplicate external_id in file": (
        {"external_id": "V-000"},
        "line 3: external_id: 'V-000' staat ook al op regel 2.",
    ),
}


@pytest.mark.parametrize("cells, expected", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_reported_and_nothing_is_written(
    region, run_import, run_failing_import, csv_text, db_counts, cells, expected
):
    # V-000 exists; line 2 would update it, line 3 would add a volunteer.
    existing = {"external_id": "V-000", "first_name": "Oud", "last_name": "Bestand", "postcode": "6811 AB"}
    run_import(COMMAND, csv_text(HEADER, [existing | {"skills": "walking", "availability": "sat 10:00-12:00"}]))
    before_row = snapshot(Volunteer.objects.get(external_id="V-000"))
    before = db_counts()

    update = existing | {"last_name": "Nieuw", "skills": "cooking", "availability": "sun 10:00-12:00"}
    errors = run_failing_import(COMMAND, csv_text(HEADER, [update, ZOE | cells]))

    if expected is SLOT:
        expected = "line 3: availability: " + slot_message(cells["availability"])
    assert errors == [expected]
    assert db_counts() == before
    assert snapshot(Volunteer.objects.get(external_id="V-000")) == before_row


def test_every_bad_row_and_cell_is_reported_in_line_order(region, run_failing_import, csv_text):
    rows = [
        ZOE,
        FATMA | {"first_name": "", "max_distance_km": "-1"},
        PLACE_ONLY,
        PLACE_ONLY | {"external_id": "V-004", "skills": "zwemmen"},
    ]
    errors = run_failing_import(COMMAND, csv_text(HEADER, rows))
    assert [e.split(":")[0:2] for e in errors] == [
        ["line 3", " first_name"],
        ["line 3", " max_distance_km"],
        ["line 5", " skills"],
    ]


def test_line_numbers_are_physical_lines(region, run_failing_import):
    text = (
        "external_id,first_name,last_name,postcode\n"
        'V1,Anna,"de\nVries",6811 AB\n'  # one record on lines 2 and 3
        "\n"  # line 4 is empty
        "V2,,Jansen,6811 AB\n"  # line 5
    )
    assert run_failing_import(COMMAND, text) == ["line 5: first_name: verplicht, maar leeg."]


def test_unquoted_list_in_semicolon_file_is_explained(region, run_failing_import):
    text = "external_id;first_name;postcode;skills\nV1;Anna;6811 AB;shopping;transport\n"
    assert run_failing_import(COMMAND, text) == [
        "line 2: skills: deze regel heeft 5 cellen, de kopregel 4. Staat er een ';' in een cel? "
        "Zet die cel dan tussen aanhalingstekens."
    ]


# --- Bad input: the whole file -------------------------------------------------------


def test_wrong_encoding_is_reported_with_its_line(region, run_failing_import, csv_text, db_counts):
    before = db_counts()
    latin1 = csv_text(HEADER, [PLACE_ONLY, ZOE]).encode("latin-1")  # "Zoë" on line 3
    assert run_failing_import(COMMAND, latin1) == [
        "line 3: het bestand is geen UTF-8. Sla het op als 'CSV UTF-8' en probeer het opnieuw."
    ]
    assert db_counts() == before


def test_missing_required_column(region, run_failing_import, db_counts):
    before = db_counts()
    assert run_failing_import(COMMAND, "external_id,last_name,postcode\nV1,Jansen,6811 AB\n") == [
        "line 1: first_name: deze kolom ontbreekt; hij is verplicht."
    ]
    assert db_counts() == before


def test_unknown_column(region, run_failing_import, db_counts):
    before = db_counts()
    errors = run_failing_import(COMMAND, "external_id,first_name,postcode,shoe_size\nV1,Ans,6811 AB,38\n")
    assert errors == ["line 1: shoe_size: deze kolom kennen we niet. Mogelijke kolommen: " + ", ".join(HEADER) + "."]
    assert db_counts() == before


def test_column_twice(region, run_failing_import):
    assert run_failing_import(COMMAND, "external_id,first_name,postcode,first_name\nV1,Ans,6811 AB,An\n") == [
        "line 1: first_name: deze kolom staat er twee keer in."
    ]


def test_no_location_columns(region, run_failing_import):
    assert run_failing_import(COMMAND, "external_id,first_name,latitude\nV1,Ans,51.9\n") == [
        "line 1: longitude: deze kolom ontbreekt; latitude en longitude horen bij elkaar.",
        "line 1: postcode: deze kolom ontbreekt. Geef postcode (met house_number), place of latitude en longitude.",
    ]


def test_empty_file(region, run_failing_import):
    assert run_failing_import(COMMAND, b"\xef\xbb\xbf\n") == [
        "line 1: het bestand is leeg. De eerste regel moet de kolomnamen bevatten."
    ]


def test_missing_file_is_a_clear_error(region):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="bestaat niet"):
        call_command(COMMAND, "--organisation", "org-a", "/nonexistent/vrijwilligers.csv")


# --- Speed: no query per row ------------------------------------------------------------


def test_queries_do_not_grow_with_rows(region, run_import, csv_text, django_assert_max_num_queries):
    skills_ensure_defaults()
    rows = [
        ZOE | {"external_id": f"V-{n:03d}", "postcode": f"68{11 + n % 3} AB"} for n in range(120)
    ]  # 120 rows, three PC4 areas
    with django_assert_max_num_queries(40):
        run_import(COMMAND, csv_text(HEADER, rows))
    with django_assert_max_num_queries(40):
        assert "0 nieuw, 120 bijgewerkt" in run_import(COMMAND, csv_text(HEADER, rows))
