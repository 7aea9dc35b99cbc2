"""Points, distances, postcodes and the shipped gazetteer (no database needed)."""

import csv
import math

import pytest

from common.geo import Point, haversine_km
from neighbourhoods.geo import (
    DATA_DIR,
    POINT_SOURCES,
    POSTCODE_MESSAGE,
    Gazetteer,
    InvalidPostcode,
    get_gazetteer,
    normalise_name,
    normalise_pc4,
    normalise_postcode,
    split_place_name,
)

ARNHEM = Point(51.98, 5.91111)
NIJMEGEN = Point(51.8425, 5.85278)
# (min lat, max lat, min lon, max lon), read off a map and rounded outwards.
NETHERLANDS_BOX = (50.75, 53.56, 3.35, 7.23)  # Eijsden-Margraten to Rottumeroog, Cadzand to Bourtange
ARNHEM_BOX = (51.93, 52.10, 5.80, 5.99)  # the municipality: Schuytgraaf to Deelen, Schaarsbergen to Presikhaaf


def in_box(point: Point, box: tuple[float, float, float, float]) -> bool:
    lat_min, lat_max, lon_min, lon_max = box
    return lat_min < point.lat < lat_max and lon_min < point.lon < lon_max


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


# --- Point and distance ----------------------------------------------------------


def test_point_keeps_latitude_first():
    point = Point(52.0, 5.9)
    assert (point.lat, point.lon) == (52.0, 5.9)
    assert Point(lat=51, lon=6).lat == 51.0
    assert isinstance(Point(51, 6).lat, float)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91, 5.9), (-90.5, 5.9), (52.0, 180.5), (52.0, -181), (math.nan, 5.9), (52.0, math.inf)],
)
def test_point_rejects_out_of_range(lat, lon):
    with pytest.raises(ValueError):
        Point(lat, lon)


@pytest.mark.parametrize(("lat", "lon"), [("52.0", 5.9), (52.0, None), (True, 5.9)])
def test_point_rejects_non_numbers(lat, lon):
    with pytest.raises(TypeError):
        Point(lat, lon)


def test_point_is_immutable_and_hashable():
    point = Point(52.0, 5.9)
    with pytest.raises(AttributeError):
        point.lat = 1.0  # type: ignore[misc]
    assert {point, Point(52.0, 5.9)} == {point}


def test_haversine_arnhem_nijmegen():
    assert 15 <= haversine_km(ARNHEM, NIJMEGEN) <= 17
    assert haversine_km(ARNHEM, NIJMEGEN) == pytest.approx(haversine_km(NIJMEGEN, ARNHEM))
    assert haversine_km(ARNHEM, ARNHEM) == 0


def test_haversine_agrees_with_geopy_within_half_a_percent():
    from geopy.distance import geodesic

    groningen, maastricht = Point(53.2194, 6.5665), Point(50.8514, 5.6910)
    expected = geodesic((groningen.lat, groningen.lon), (maastricht.lat, maastricht.lon)).km
    assert haversine_km(groningen, maastricht) == pytest.approx(expected, rel=0.005)


# --- Postcodes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234AB", "1234 AB"),
        ("1234 ab", "1234 AB"),
        ("1234 AB", "1234 AB"),
        (" 1234  ab ", "1234 AB"),
        ("6811ab", "6811 AB"),
        ("9999 ZZ", "9999 ZZ"),
        ("1000 AA", "1000 AA"),
        ("1234\tAB", "1234 AB"),
        ("1234 SB", "1234 SB"),
    ],
)
def test_normalise_postcode_accepts(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1234",
        "0123 AB",
        "1234 SS",
        "1234 sa",
        "1234SD",
        "12345AB",
        "123 AB",
        "1234 A",
        "1234 ABC",
        "ABCD 12",
        "AB 1234",
        "1234-AB",
        "1234 A1",
        "1234 ÄB",
        "１２３４ AB",  # full-width digits
        "1234 AB" + " " * 30,
        "1234 AB" * 100,
        None,
        1234,
    ],
)
def test_normalise_postcode_rejects(text):
    with pytest.raises(InvalidPostcode) as info:
        normalise_postcode(text)
    assert str(info.value) == POSTCODE_MESSAGE
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("text", "expected"), [("6811", "6811"), (" 6811 ", "6811"), ("6811 ab", "6811")])
def test_normalise_pc4(text, expected):
    assert normalise_pc4(text) == expected


@pytest.mark.parametrize("text", ["0811", "681", "68111", "6811 SS"])
def test_normalise_pc4_rejects(text):
    with pytest.raises(InvalidPostcode):
        normalise_pc4(text)


# --- Place names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("'s-Heerenberg", "s heerenberg"),
        ("’s Heerenberg", "s heerenberg"),
        ("S-HEERENBERG", "s heerenberg"),
        ("Laag-Soeren", "laag soeren"),
        ("Exloërmond", "exloermond"),
        ("  Sint   Michielsgestel ", "sint michielsgestel"),
    ],
)
def test_normalise_name(text, key):
    assert normalise_name(text) == key


@pytest.mark.parametrize(
    ("text", "name", "province", "municipality"),
    [
        ("Loo Gld", "Loo", "Gelderland", None),
        ("velp gld", "velp", "Gelderland", None),
        ("Bergen (NH)", "Bergen", "Noord-Holland", None),
        ("Bergen L", "Bergen", "Limburg", None),
        ("Rijswijk (GLD)", "Rijswijk", "Gelderland", None),
        ("Elst Ut", "Elst", "Utrecht", None),
        ("Alteveer gem Hoogeveen", "Alteveer", None, "Hoogeveen"),
        ("Bleskensgraaf ca", "Bleskensgraaf", None, None),
        ("Den Ilp", "Den Ilp", None, None),
        ("Oud Ade", "Oud Ade", None, None),
        ("'s-Heerenberg", "'s-Heerenberg", None, None),
    ],
)
def test_split_place_name(text, name, province, municipality):
    parsed = split_place_name(text)
    assert (parsed.name, parsed.province, parsed.municipality) == (name, province, municipality)


# --- Gazetteer: postcodes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "place", "municipality"),
    [
        ("6811", "Arnhem", "Arnhem"),
        ("6811 AB", "Arnhem", "Arnhem"),
        ("6881", "Velp", "Rheden"),
        ("6915", "Lobith", "Rijnwaarden"),
        ("6851", "Huissen", "Lingewaard"),
        ("6924", "Loo", "Duiven"),  # "Loo Gld" in the source
        ("6917", "Spijk", "Rijnwaarden"),  # not Spijk in Groningen
        ("6678", "Oosterhout", "Overbetuwe"),  # not Oosterhout in Noord-Brabant
        ("5363", "Velp", "Grave"),  # not Velp in Rheden: the area's own point is 32 km from it
        ("9143", "Nes", "Dongeradeel"),  # not Nes on Ameland
        ("4901", "Oosterhout", "Oosterhout"),
        ("6861", "Oosterbeek", "Renkum"),
        ("6941", "Didam", "Montferland"),
        ("1011", "Amsterdam", "Amsterdam"),
        ("5211", "'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("2511", "Den Haag", "Den Haag"),  # "'s-Gravenhage" in the source
    ],
)
def test_postcode_lookup(gazetteer, code, place, municipality):
    area = gazetteer.postcode(code)
    assert area is not None
    assert (area.place, area.municipality) == (place, municipality)
    assert 50.7 < area.point.lat < 53.6 and 3.3 < area.point.lon < 7.3  # in the Netherlands, not swapped


def test_postcode_in_arnhem_is_near_arnhem(gazetteer):
    area = gazetteer.postcode("6811")
    assert (area.approximate, area.point_source) == (False, "pc4")
    assert haversine_km(area.point, ARNHEM) < 3
    assert 51.9 < area.point.lat < 52.1 and 5.8 < area.point.lon < 6.0


def test_postcode_areas_of_a_town_have_their_own_points(gazetteer):
    centre, presikhaaf, schuytgraaf = (gazetteer.postcode(code) for code in ("6811", "6825", "6846"))
    assert {a.municipality for a in (centre, presikhaaf, schuytgraaf)} == {"Arnhem"}
    assert haversine_km(centre.point, presikhaaf.point) > 2  # east of the centre
    assert haversine_km(centre.point, schuytgraaf.point) > 3  # south of the Rhine
    arnhem = gazetteer.postcode_areas(municipality="Arnhem")
    assert len(arnhem) >= 26
    assert {a.point_source for a in arnhem} == {"pc4"}
    assert len({a.point for a in arnhem}) == len(arnhem)  # until now they all shared one point
    assert all(in_box(a.point, ARNHEM_BOX) for a in arnhem), [a for a in arnhem if not in_box(a.point, ARNHEM_BOX)]


def test_postcode_without_place_coordinates_gets_its_own_centroid(gazetteer):
    aerdt = gazetteer.postcode("6913")
    assert (aerdt.place, aerdt.municipality, aerdt.point_source) == ("Aerdt", "Rijnwaarden", "pc4")
    assert aerdt.approximate is False
    # Between Pannerden (6911) and Lobith (6915), a few km apart.
    assert haversine_km(aerdt.point, gazetteer.postcode("6915").point) < 6


def test_postcode_without_any_point_is_estimated(gazetteer):
    # GeoNames has no postal-code point for 5157 (Doeveren) and the place data none
    # for the village: placed between its numerical neighbours, near Drunen (5151).
    doeveren = gazetteer.postcode("5157")
    assert (doeveren.point_source, doeveren.approximate) == ("estimate", True)
    assert haversine_km(doeveren.point, gazetteer.postcode("5151").point) < 10


def test_unknown_and_invalid_postcodes(gazetteer):
    assert gazetteer.postcode("1000") is None  # valid form, not in use
    with pytest.raises(InvalidPostcode):
        gazetteer.postcode("0123")


def test_postcodes_for_place(gazetteer):
    assert [a.pc4 for a in gazetteer.postcodes_for_place("Huissen")] == ["6851", "6852"]
    assert [a.pc4 for a in gazetteer.postcodes_for_place("Loo Gld")] == ["6924"]


# --- Gazetteer: places -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "municipality", "expected_name", "expected_municipality"),
    [
        ("Oosterbeek", None, "Oosterbeek", "Renkum"),
        ("oosterbeek", None, "Oosterbeek", "Renkum"),
        ("'s-Hertogenbosch", None, "'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Den Bosch", None, "'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("'s-Heerenberg", None, "'s-Heerenberg", "Montferland"),
        ("s Heerenberg", None, "'s-Heerenberg", "Montferland"),
        ("'s-Gravenhage", None, "Den Haag", "Den Haag"),
        ("Loo Gld", None, "Loo", "Duiven"),
        ("Oosterhout", "Overbetuwe", "Oosterhout", "Overbetuwe"),
        ("Lobith", None, "Lobith", "Rijnwaarden"),
        ("Malburgen West", None, "Malburgen-West", "Arnhem"),
        ("Didam", None, "Didam", "Montferland"),
    ],
)
def test_place_lookup(gazetteer, name, municipality, expected_name, expected_municipality):
    place = gazetteer.place(name, municipality)
    assert place is not None
    assert (place.name, place.municipality) == (expected_name, expected_municipality)


def test_place_lookup_misses(gazetteer):
    assert gazetteer.place("Atlantis") is None
    assert gazetteer.place("") is None
    assert gazetteer.place("Oosterhout", "Arnhem") is None


def test_place_coordinates_are_not_swapped(gazetteer):
    arnhem = gazetteer.place("Arnhem")
    assert 51.9 < arnhem.point.lat < 52.1
    assert 5.8 < arnhem.point.lon < 6.0
    assert arnhem.province == "Gelderland"


def test_search_places_by_prefix(gazetteer):
    names = [p.name for p in gazetteer.search_places("oosterb", limit=5)]
    assert names[0] == "Oosterbeek"
    assert all(normalise_name(n).startswith("oosterb") for n in names)
    assert len(gazetteer.search_places("a", limit=3)) == 3
    assert gazetteer.search_places("", limit=5) == []
    exact_first = gazetteer.search_places("Elst", limit=5)
    assert exact_first[0].name == "Elst"


def test_nearest_place(gazetteer):
    assert gazetteer.nearest_place(Point(51.9935, 5.9740)).name == "Velp"
    assert gazetteer.nearest_place(Point(51.8625, 6.1181)).municipality == "Rijnwaarden"


def test_places_in_municipality(gazetteer):
    names = {p.name for p in gazetteer.places_in_municipality("Rheden")}
    assert {"Rheden", "Velp", "Dieren", "De Steeg", "Ellecom", "Spankeren", "Laag-Soeren"} <= names
    lingewaard = {p.name for p in gazetteer.places_in_municipality("lingewaard")}
    assert {"Huissen", "Bemmel", "Gendt"} <= lingewaard
    assert "Oosterbeek" not in lingewaard


def test_municipalities(gazetteer):
    names = gazetteer.municipalities()
    assert {"Arnhem", "Rijnwaarden", "Lingewaard", "Overbetuwe", "Zevenaar", "Rozendaal"} <= set(names)
    assert len(names) == len(set(names)) > 300


def test_region_places_cover_the_twelve_municipalities(gazetteer):
    rows = gazetteer.region_places()
    assert len({r.municipality for r in rows}) == 12
    arnhem_wijken = {r.name for r in rows if r.municipality == "Arnhem" and r.kind == "wijk"}
    assert {"Klarendal", "Geitenkamp", "Presikhaaf", "Schuytgraaf"} <= arnhem_wijken
    located = [r for r in rows if r.point is not None]
    assert all(haversine_km(r.point, ARNHEM) < 30 for r in located)
    assert {r.name for r in rows if r.point is None} == {"Schaarsbergen", "Oud-Zevenaar"}


# --- The data files ------------------------------------------------------------------------


def test_data_files_are_small_and_consistent():
    with open(DATA_DIR / "nl_places.csv", encoding="utf-8") as f:
        places = list(csv.DictReader(f))
    with open(DATA_DIR / "nl_postcodes.csv", encoding="utf-8") as f:
        postcodes = list(csv.DictReader(f))
    size = (DATA_DIR / "nl_places.csv").stat().st_size + (DATA_DIR / "nl_postcodes.csv").stat().st_size
    assert size < 1_000_000
    assert len(places) > 1500 and len(postcodes) > 4000
    assert len({p["pc4"] for p in postcodes}) == len(postcodes)
    for row in places + postcodes:
        assert in_box(Point(float(row["lat"]), float(row["lon"])), NETHERLANDS_BOX), row
        assert row["municipality"], row
    sources = [row["point_source"] for row in postcodes]
    assert set(sources) <= set(POINT_SOURCES)
    assert sources.count("pc4") > 4000  # all but a handful have their own centroid


def test_a_gazetteer_reads_another_folder(tmp_path):
    (tmp_path / "nl_places.csv").write_text(
        "name,municipality,province,lat,lon,source\nTestdorp,Testgemeente,Gelderland,52.00000,6.00000,geonames\n",
        encoding="utf-8",
    )
    (tmp_path / "nl_postcodes.csv").write_text(
        "pc4,place,municipality,lat,lon,point_source\n9999,Testdorp,Testgemeente,52.00000,6.00000,estimate\n",
        encoding="utf-8",
    )
    small = Gazetteer(tmp_path)
    assert small.place("testdorp").municipality == "Testgemeente"
    assert small.postcode("9999 ZZ").approximate is True
    assert small.municipalities() == ["Testgemeente"]


def test_an_unknown_point_source_is_an_error(tmp_path):
    (tmp_path / "nl_places.csv").write_text("name,municipality,province,lat,lon,source\n", encoding="utf-8")
    (tmp_path / "nl_postcodes.csv").write_text(
        "pc4,place,municipality,lat,lon,point_source\n9999,Testdorp,Testgemeente,52.00000,6.00000,1\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="point_source"):
        Gazetteer(tmp_path).postcode("9999")
