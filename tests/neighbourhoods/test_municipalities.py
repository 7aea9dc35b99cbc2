"""The current CBS municipality list and the mergers since the gazetteer's 2016 borders."""

import csv

import pytest

from neighbourhoods.geo import DATA_DIR, get_gazetteer
from neighbourhoods.municipalities import current_municipality_name, get_register


def test_current_list_has_342_municipalities_with_unique_cbs_codes():
    current = get_register().current()
    assert len(current) == 342
    assert len({m.code for m in current}) == 342
    assert all(m.code.startswith("GM") and len(m.code) == 6 for m in current)
    by_province = {}
    for m in current:
        by_province[m.province] = by_province.get(m.province, 0) + 1
    # CBS counts per province since 2023.
    assert by_province == {
        "Noord-Brabant": 56, "Gelderland": 51, "Zuid-Holland": 50, "Noord-Holland": 44, "Limburg": 31,
        "Utrecht": 26, "Overijssel": 25, "Fryslân": 18, "Zeeland": 13, "Drenthe": 12, "Groningen": 10,
        "Flevoland": 6,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "year"),
    [
        ("Boxmeer", "Land van Cuijk", 2022),
        ("Cuijk", "Land van Cuijk", 2022),
        ("Grave", "Land van Cuijk", 2022),
        ("mill en sint hubert", "Land van Cuijk", 2022),
        ("Sint Anthonis", "Land van Cuijk", 2022),
        ("Uden", "Maashorst", 2022),
        ("Landerd", "Maashorst", 2022),
        ("Rijnwaarden", "Zevenaar", 2018),
        ("Vlagtwedde", "Westerwolde", 2018),
        ("Weesp", "Amsterdam", 2022),
        ("Hellevoetsluis", "Voorne aan Zee", 2023),
        ("Haren", "Groningen", 2019),
    ],
)
def test_former_municipalities_point_at_their_successor(old, new, year):
    lookup = get_register().lookup(old)
    assert lookup.municipality.name == new
    assert lookup.is_former
    assert lookup.changes[0].year == year


def test_every_gazetteer_municipality_maps_to_a_current_one():
    register = get_register()
    current = set(register.current())
    gazetteer = get_gazetteer()
    gazetteer.place("Arnhem")  # load
    for place in gazetteer._places:
        found = register.current_for(place.municipality, place.name, place.province)
        assert found in current, (place.name, place.municipality)


def test_a_split_municipality_maps_each_village_to_its_successor():
    register = get_register()
    assert register.current_for("Haaren", "Esch").name == "Boxtel"
    assert register.current_for("Haaren", "Helvoirt").name == "Vught"
    assert register.current_for("Haaren", "Biezenmortel").name == "Tilburg"
    assert register.current_for("Haaren", "Haaren").name == "Oisterwijk"
    lookup = register.lookup("Haaren")
    assert lookup.municipality is None
    assert {m.name for m in lookup.candidates} == {"Oisterwijk", "Boxtel", "Tilburg", "Vught"}


def test_ambiguous_names_list_both_and_the_province_decides():
    register = get_register()
    lookup = register.lookup("Bergen")
    assert lookup.municipality is None
    assert {m.name for m in lookup.candidates} == {"Bergen (NH.)", "Bergen (L.)"}
    assert register.current_for("Bergen", "Well", "Limburg").name == "Bergen (L.)"


def test_aliases_codes_and_typing_errors():
    register = get_register()
    assert register.lookup("Den Haag").municipality.code == "GM0518"
    assert register.lookup("gm0037").municipality.name == "Stadskanaal"
    assert register.lookup("Súdwest Fryslan").municipality.code == "GM1900"
    assert [m.name for m in register.lookup("Stadskanal").close_matches] == ["Stadskanaal"]
    assert "Land van Cuijk" in [m.name for m in register.lookup("Land van Cuyk").close_matches]
    assert register.lookup("Atlantis").close_matches == ()


def test_kernen_of_a_merged_municipality_come_from_all_its_predecessors():
    register = get_register()
    names = {k.name for k in register.kernen(register.lookup("Land van Cuijk").municipality)}
    assert {"Boxmeer", "Cuijk", "Grave", "Mill", "Sint Anthonis", "Overloon", "Vierlingsbeek"} <= names
    westerwolde = {k.name for k in register.kernen(register.lookup("Westerwolde").municipality)}
    assert {"Ter Apel", "Vlagtwedde", "Sellingen", "Bourtange"} <= westerwolde
    assert "Westerwolde" not in westerwolde  # the municipality itself is no village


def test_current_municipality_name_for_imports():
    assert current_municipality_name("Boxmeer", "Overloon") == "Land van Cuijk"
    assert current_municipality_name("Stadskanaal") == "Stadskanaal"
    assert current_municipality_name("Nergenshuizen") is None


def test_changes_file_names_only_current_successors_with_a_source():
    with open(DATA_DIR / "nl_municipality_changes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = {m.code: m.name for m in get_register().current()}
    for row in rows:
        assert codes[row["new_code"]] == row["new_name"]
        assert row["source"].startswith("CBS")
        assert row["kind"] in {"merger", "split", "rename"}


def test_places_the_gazetteer_misfiles_are_corrected_for_the_seed_regions():
    register = get_register()
    stadskanaal = {k.name for k in register.kernen(register.lookup("Stadskanaal").municipality)}
    assert {"Stadskanaal", "Musselkanaal", "Onstwedde", "Mussel"} <= stadskanaal
    assert not {"Drouwenermond", "Gieterveen"} & stadskanaal  # Borger-Odoorn, Aa en Hunze
    assert register.current_for("Vlagtwedde", "Onstwedde").name == "Stadskanaal"
    assert register.current_for("Vlagtwedde", "Ter Apel").name == "Westerwolde"
    assert register.current_for("Cuijk", "Plasmolen").name == "Mook en Middelaar"
    assert register.current_for("Landerd", "Langenboom").name == "Land van Cuijk"
    # The fix is for that municipality's place only: the other Keent (Weert) stays.
    assert register.current_for("Weert", "Keent").name == "Weert"
