"""Importing the CBS wijk- en buurtindeling: import_wijken and neighbourhoods.wijken."""

import io
import json
import sqlite3
import struct
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from common.geo import Point, haversine_km
from neighbourhoods.management.commands import import_wijken
from neighbourhoods.models import Municipality, Neighbourhood
from neighbourhoods.wijken import WijkFileError, centroid, pdok_url, rd_to_wgs84, read_geojson

FIXTURES = Path(__file__).parent / "fixtures"
RD_FILE = FIXTURES / "wijkenbuurten_stadskanaal_rd.geojson"
PDOK_RESPONSE = FIXTURES / "pdok_wfs_buurten_gm0037.json"


@pytest.fixture
def stadskanaal(db):
    return Municipality.objects.create(name="Stadskanaal", code="GM0037", province="Groningen")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wijken", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_rd_to_wgs84_matches_known_points():
    # Amersfoort's tower is the origin of the RD grid.
    assert rd_to_wgs84(155000, 463000) == pytest.approx((5.38720621, 52.15517440))
    # RD is metres: 10 km east and 10 km north of any point are ~10 km away, north is north.
    for x, y in ((260000, 557000), (100000, 400000)):
        lon, lat = rd_to_wgs84(x, y)
        east, north = rd_to_wgs84(x + 10000, y), rd_to_wgs84(x, y + 10000)
        assert haversine_km(Point(lat, lon), Point(east[1], east[0])) == pytest.approx(10, abs=0.05)
        assert haversine_km(Point(lat, lon), Point(north[1], north[0])) == pytest.approx(10, abs=0.05)
        assert north[1] > lat and east[0] > lon


def test_centroid_of_a_square_with_a_hole_is_its_middle():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}
    assert centroid(square) == Point(2, 2)
    holed = {"type": "Polygon", "coordinates": [*square["coordinates"], [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
    c = centroid(holed)
    assert c.lat > 2 and c.lon > 2  # the hole in the lower-left pulls the centre away


def test_import_from_a_cbs_file_in_rd_creates_wijken_and_buurten(stadskanaal):
    output = run("--municipality", "Stadskanaal", "--file", str(RD_FILE))
    assert "5 wijken en buurten nieuw" in output
    buurten = Neighbourhood.objects.filter(municipality=stadskanaal, kind="buurt").order_by("code")
    assert [b.code for b in buurten] == ["BU00370101", "BU00370102", "BU00370201"]
    centrum = buurten[0]
    assert centrum.name == "Stadskanaal-Centrum"
    assert centrum.parent.code == "WK003701" and centrum.parent.kind == "wijk"
    assert centrum.boundary["type"] == "Polygon"
    # The centroid lies in Stadskanaal (52.99 N, 6.95 E), not in RD metres.
    assert haversine_km(centrum.centroid, Point(52.99, 6.95)) < 3
    wijk = Neighbourhood.objects.get(code="WK003702")
    assert wijk.name == "Musselkanaal"


def test_import_is_idempotent_and_updates_by_code(stadskanaal, tmp_path):
    run("--municipality", "Stadskanaal", "--file", str(RD_FILE))
    data = json.loads(RD_FILE.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["buurtnaam"] = "Centrum"
    changed = tmp_path / "2025.geojson"
    changed.write_text(json.dumps(data), encoding="utf-8")
    output = run("--municipality", "GM0037", "--file", str(changed))
    assert "0 wijken en buurten nieuw, 5 bijgewerkt" in output
    assert Neighbourhood.objects.filter(municipality=stadskanaal).count() == 5
    assert Neighbourhood.objects.get(code="BU00370101").name == "Centrum"


def test_file_of_another_municipality_imports_nothing(db):
    Municipality.objects.create(name="Westerwolde", code="GM1950", province="Groningen")
    with pytest.raises(CommandError, match="andere gemeente.*GM0037.*Stadskanaal.*niet bij Westerwolde"):
        run("--municipality", "Westerwolde", "--file", str(RD_FILE))
    assert not Neighbourhood.objects.exists()


def test_a_country_file_keeps_only_the_municipality(stadskanaal, tmp_path):
    data = json.loads(RD_FILE.read_text(encoding="utf-8"))
    other = json.loads(json.dumps(data["features"][0]))
    other["properties"].update(buurtcode="BU19500101", wijkcode="WK195001", gemeentecode="GM1950")
    data["features"].append(other)
    path = tmp_path / "nl.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    run("--municipality", "Stadskanaal", "--file", str(path))
    assert not Neighbourhood.objects.filter(code__startswith="BU1950").exists()
    assert Neighbourhood.objects.filter(municipality=stadskanaal).count() == 5


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not json", "geen geldig GeoJSON"),
        (b'{"type": "Feature"}', "geen GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "geen wijken of buurten"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"buurtcode": "X1"},'
            b' "geometry": {"type": "Point", "coordinates": [6.9, 53.0]}}]}',
            "geen buurtcode",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"buurtcode": "BU00370101"},'
            b' "geometry": {"type": "LineString", "coordinates": [[6.9, 53.0], [6.8, 53.0]]}}]}',
            "geen Polygon",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"buurtcode": "BU00370101"},'
            b' "geometry": {"type": "Point", "coordinates": [-70.0, 40.0]}}]}',
            "niet in Nederland",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"buurtcode": "BU00370101",'
            b' "gemeentecode": "GM0003"}, "geometry": {"type": "Point", "coordinates": [6.9, 53.0]}}]}',
            "hoort niet bij gemeentecode",
        ),
    ],
)
def test_a_broken_file_imports_nothing_and_says_why(stadskanaal, tmp_path, content, reason):
    path = tmp_path / "broken.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=reason):
        run("--municipality", "Stadskanaal", "--file", str(path))
    assert not Neighbourhood.objects.exists()


def test_missing_file_and_unknown_or_former_municipality(stadskanaal):
    with pytest.raises(CommandError, match="kan niet worden gelezen"):
        run("--municipality", "Stadskanaal", "--file", "/nonexistent/x.geojson")
    with pytest.raises(CommandError, match="Vlagtwedde is sinds 2018 onderdeel van Westerwolde"):
        run("--municipality", "Vlagtwedde", "--file", str(RD_FILE))
    with pytest.raises(CommandError, match="Bedoelt u: Stadskanaal"):
        run("--municipality", "Stadskanal", "--file", str(RD_FILE))


def _gpkg_polygon(ring):
    wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    wkb += b"".join(struct.pack("<dd", x, y) for x, y in ring)
    return b"GP\x00\x01" + struct.pack("<i", 28992) + wkb  # no envelope


def _gpkg_multipolygon_z(ring):
    """Big-endian ISO WKB MultiPolygon Z (type 1006) behind a header with an xy envelope."""
    polygon = struct.pack(">BII", 0, 1003, 1) + struct.pack(">I", len(ring))
    polygon += b"".join(struct.pack(">ddd", x, y, 0.0) for x, y in ring)
    wkb = struct.pack(">BII", 0, 1006, 1) + polygon
    xs, ys = [x for x, _y in ring], [y for _x, y in ring]
    envelope = struct.pack("<dddd", min(xs), max(xs), min(ys), max(ys))
    return b"GP\x00\x03" + struct.pack("<i", 28992) + envelope + wkb


def test_import_from_a_geopackage(stadskanaal, tmp_path):
    path = tmp_path / "wijkenbuurten.gpkg"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,"
        " organization_coordsys_id INTEGER, definition TEXT);"
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Amersfoort / RD New', 28992, 'EPSG', 28992, '');"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,"
        " srs_id INTEGER, z INTEGER, m INTEGER);"
        "INSERT INTO gpkg_geometry_columns VALUES ('buurten', 'geom', 'MULTIPOLYGON', 28992, 0, 0);"
        "CREATE TABLE buurten (fid INTEGER PRIMARY KEY, geom BLOB, buurtcode TEXT, buurtnaam TEXT,"
        " wijkcode TEXT, gemeentecode TEXT, gemeentenaam TEXT);"
    )
    ring = [(260000, 557000), (260800, 557000), (260800, 557800), (260000, 557800), (260000, 557000)]
    db.execute(
        "INSERT INTO buurten VALUES (1, ?, 'BU00370101', 'Stadskanaal-Centrum', 'WK003701', 'GM0037', 'Stadskanaal')",
        (_gpkg_polygon(ring),),
    )
    mussel = [(264000, 550500), (264800, 550500), (264800, 551300), (264000, 551300), (264000, 550500)]
    db.execute(
        "INSERT INTO buurten VALUES (2, ?, 'BU00370201', 'Musselkanaal-Centrum', 'WK003702', 'GM0037', 'Stadskanaal')",
        (_gpkg_multipolygon_z(mussel),),
    )
    db.commit()
    db.close()
    run("--municipality", "Stadskanaal", "--file", str(path))
    buurt = Neighbourhood.objects.get(code="BU00370101")
    assert haversine_km(buurt.centroid, Point(52.99, 6.95)) < 3
    musselkanaal = Neighbourhood.objects.get(code="BU00370201")
    assert musselkanaal.boundary["type"] == "MultiPolygon"
    assert haversine_km(musselkanaal.centroid, Point(52.93, 7.01)) < 3
    assert Neighbourhood.objects.get(code="WK003701").kind == "wijk"


def test_a_broken_geopackage_imports_nothing(stadskanaal, tmp_path):
    path = tmp_path / "broken.gpkg"
    sqlite3.connect(path).execute("CREATE TABLE x (a INTEGER)").connection.commit()
    with pytest.raises(CommandError, match="geen geldige GeoPackage"):
        run("--municipality", "Stadskanaal", "--file", str(path))


def test_pdok_with_a_recorded_response(stadskanaal, monkeypatch):
    """The --pdok path with PDOK's answer recorded in a file: never the network."""
    asked = []

    def recorded(url, timeout):
        asked.append(url)
        return PDOK_RESPONSE.read_bytes()

    monkeypatch.setattr(import_wijken.Command, "pdok_opener", staticmethod(recorded))
    output = run("--municipality", "Stadskanaal", "--pdok")
    assert "5 wijken en buurten nieuw" in output
    assert asked == [pdok_url(municipality_code="GM0037")]
    assert "GM0037" in asked[0] and "EPSG%3A4326" in asked[0]
    assert Neighbourhood.objects.get(code="BU00370201").name == "Musselkanaal-Centrum"


def test_pdok_unreachable_says_so(stadskanaal, monkeypatch):
    def down(url, timeout):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(import_wijken.Command, "pdok_opener", staticmethod(down))
    with pytest.raises(CommandError, match="PDOK gaf geen antwoord"):
        run("--municipality", "Stadskanaal", "--pdok")
    assert not Neighbourhood.objects.exists()


def test_read_geojson_rejects_duplicates():
    feature = {"type": "Feature", "properties": {"buurtcode": "BU00370101"}, "geometry": None}
    feature["geometry"] = {"type": "Point", "coordinates": [6.95, 52.99]}
    data = json.dumps({"type": "FeatureCollection", "features": [feature, feature]}).encode()
    with pytest.raises(WijkFileError, match="twee keer"):
        read_geojson(data)


def test_a_municipality_not_yet_in_a_working_area_is_created_with_its_code(db):
    run("--municipality", "stadskanaal", "--file", str(RD_FILE))
    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.code, municipality.province) == ("Stadskanaal", "GM0037", "Groningen")
    assert municipality.neighbourhoods.count() == 5


def test_a_municipality_without_a_code_gets_it(db):
    Municipality.objects.create(name="Stadskanaal")
    run("--municipality", "Stadskanaal", "--file", str(RD_FILE))
    assert Municipality.objects.get().code == "GM0037"


def test_a_record_the_model_refuses_rolls_back_the_whole_file(stadskanaal):
    """Every record is written in one transaction: one bad record leaves nothing."""
    from common.errors import DomainError
    from neighbourhoods.services import wijken_import
    from neighbourhoods.wijken import WijkBuurt

    good = WijkBuurt("buurt", "BU00370101", "Centrum", "GM0037", "Stadskanaal", Point(52.99, 6.95), None)
    bad = WijkBuurt("buurt", "BU00370102", "", "GM0037", "Stadskanaal", Point(52.99, 6.95), None)  # no name
    with pytest.raises(DomainError, match="BU00370102 kan niet worden opgeslagen"):
        wijken_import(municipality=stadskanaal, records=[good, bad])
    assert not Neighbourhood.objects.exists()
