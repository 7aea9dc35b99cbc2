"""scripts/build_gazetteer.py: the point of each PC4 area (own centroid, place
centre or estimate), on small hand-made inputs (the real sources are PyPI packages
that the test environment does not install)."""

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from common.geo import Point

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def geonames_rows():
    """GeoNames postal codes as the JSON file has them: strings, one row per PC4 and place."""
    return [
        {"zipcode": "7001", "name": "Testdorp", "latitude": "52.0010", "longitude": "6.0010"},
        {"zipcode": "7002", "name": "Testdorp", "latitude": "52.0200", "longitude": "6.0100"},
        {"zipcode": "7002", "name": "Buurtschap", "latitude": "52.0300", "longitude": "6.0200"},
        {"zipcode": "7003", "name": "Gehucht", "latitude": "52.0400", "longitude": "6.0400"},
        # A wrong extra row, 40 km away (the source has a few): ignored, the named one counts.
        {"zipcode": "7005", "name": "Anderdorp", "latitude": "52.1000", "longitude": "6.1000"},
        {"zipcode": "7005", "name": "Elders", "latitude": "52.4500", "longitude": "6.1000"},
    ]


def write_json(path: Path, rows) -> Path:
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def sample(build, pc4_points):
    """Two places and six PC4 areas: 7001-7002 in Testdorp, 7003 and 7004 in places
    without coordinates, 7005-7006 in Anderdorp. Returns the nl_postcodes.csv text."""
    places = [
        build.SourcePlace("Testdorp", "Gelderland", Point(52.0, 6.0), "geonames", "Testgemeente", True),
        build.SourcePlace("Anderdorp", "Gelderland", Point(52.1, 6.1), "geonames", "Andergemeente", True),
    ]
    names = {"7001": "Testdorp", "7002": "Testdorp", "7003": "Gehucht", "7004": "Gat"}
    names |= {"7005": "Anderdorp", "7006": "Anderdorp"}
    pc4s = [build.Pc4(code, name, name, None, None, "Gelderland") for code, name in names.items()]
    build.resolve_postcodes(pc4s, places, [], build.pc4_centroids(pc4s, pc4_points))
    return build.postcodes_csv(pc4s)


def rows_of(text):
    lines = text.splitlines()
    assert lines[0] == "pc4,place,municipality,lat,lon,point_source"
    return {line.split(",")[0]: line.split(",")[1:] for line in lines[1:]}


def test_each_area_gets_its_own_centroid_or_keeps_its_place_centre(build, tmp_path):
    rows = rows_of(sample(build, build.read_pc4_points(write_json(tmp_path / "nl.json", geonames_rows()))))
    assert rows["7001"] == ["Testdorp", "Testgemeente", "52.00100", "6.00100", "pc4"]
    # Two places in one area, 1.3 km apart: the mean of both, rounded to 5 decimals.
    assert rows["7002"] == ["Testdorp", "Testgemeente", "52.02500", "6.01500", "pc4"]
    # A village without coordinates in the place data: its own centroid, and the
    # municipality of the nearest place to that centroid.
    assert rows["7003"] == ["Gehucht", "Testgemeente", "52.04000", "6.04000", "pc4"]
    # No GeoNames point and no place: between its numerical neighbours, as before.
    assert rows["7004"][-1] == "estimate"
    assert 52.0 < float(rows["7004"][2]) < 52.1 and 6.0 < float(rows["7004"][3]) < 6.1
    assert rows["7005"] == ["Anderdorp", "Andergemeente", "52.10000", "6.10000", "pc4"]
    # No GeoNames point: the centre of its place, as before.
    assert rows["7006"] == ["Anderdorp", "Andergemeente", "52.10000", "6.10000", "place"]


def test_without_the_postal_codes_every_area_keeps_its_place_centre(build):
    rows = rows_of(sample(build, {}))
    assert {code: row[-1] for code, row in rows.items()} == {
        "7001": "place",
        "7002": "place",
        "7003": "estimate",
        "7004": "estimate",
        "7005": "place",
        "7006": "place",
    }
    assert rows["7001"][2:4] == rows["7002"][2:4] == ["52.00000", "6.00000"]  # one point for the town


def test_the_build_is_deterministic(build, tmp_path):
    first = sample(build, build.read_pc4_points(write_json(tmp_path / "a.json", geonames_rows())))
    again = sample(build, build.read_pc4_points(write_json(tmp_path / "a.json", geonames_rows())))
    shuffled_rows = geonames_rows()
    random.Random(4).shuffle(shuffled_rows)
    shuffled = sample(build, build.read_pc4_points(write_json(tmp_path / "b.json", shuffled_rows)))
    assert first == again == shuffled


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"zipcode": "700", "name": "X", "latitude": "52.0", "longitude": "6.0"}, "not a PC4 code"),
        ({"zipcode": "0700", "name": "X", "latitude": "52.0", "longitude": "6.0"}, "not a PC4 code"),
        ({"zipcode": "7001", "name": "X", "latitude": "6.0", "longitude": "52.0"}, "outside the Netherlands"),
        ({"zipcode": "7001", "name": "X", "latitude": "noord", "longitude": "6.0"}, "could not convert"),
        ({"zipcode": "7001", "name": "X", "latitude": "52.0"}, "longitude"),
    ],
)
def test_a_bad_postal_code_file_stops_the_build(build, tmp_path, row, message):
    with pytest.raises(SystemExit, match=message):
        build.read_pc4_points(write_json(tmp_path / "bad.json", [row]))


def test_a_file_that_is_not_json_stops_the_build(build, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("zipcode,name\n7001,Testdorp\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not a GeoNames postal-code list"):
        build.read_pc4_points(path)


def test_a_namesake_far_from_the_areas_own_point_is_not_its_place(build, tmp_path):
    """Velp (Noord-Brabant, 5363) is not Velp (Rheden), 32 km away: without its own
    point the area took the only Velp with coordinates; with it, the area keeps its
    name and takes the municipality of the nearest place to its point."""
    places = [
        build.SourcePlace("Velp", "Gelderland", Point(51.995, 5.97361), "geonames", "Rheden", True),
        build.SourcePlace("Grave", "Noord-Brabant", Point(51.75917, 5.73889), "geonames", "Grave", True),
    ]
    pc4s = [build.Pc4("5363", "Velp", "Velp", None, None, "Noord-Brabant")]
    points = build.read_pc4_points(
        write_json(
            tmp_path / "nl.json", [{"zipcode": "5363", "name": "Velp", "latitude": "51.7497", "longitude": "5.7194"}]
        )
    )
    build.resolve_postcodes(pc4s, places, [], build.pc4_centroids(pc4s, points))
    assert rows_of(build.postcodes_csv(pc4s))["5363"] == ["Velp", "Grave", "51.74970", "5.71940", "pc4"]

    without = [build.Pc4("5363", "Velp", "Velp", None, None, "Noord-Brabant")]
    build.resolve_postcodes(without, places, [], {})
    assert rows_of(build.postcodes_csv(without))["5363"] == ["Velp", "Rheden", "51.99500", "5.97361", "place"]
