"""The shipped CBS outlines and which neighbourhood gets which (neighbourhoods/outlines.py)."""

import json

import pytest

from common.geo import Point
from neighbourhoods.locate import contains
from neighbourhoods.models import Neighbourhood
from neighbourhoods.outlines import DATA_FILE, Place, assign_outlines, base_outlines, municipality_outline
from neighbourhoods.services import REGIO_ARNHEM, geography_load_region

SQUARE = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]}
EAST = {"type": "Polygon", "coordinates": [[[5.1, 52.0], [5.2, 52.0], [5.2, 52.1], [5.1, 52.1], [5.1, 52.0]]]}


def _file(tmp_path, features):
    path = tmp_path / "outlines.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _wijk(code, name, geometry, municipality="Stad"):
    return {
        "type": "Feature",
        "properties": {"kind": "wijk", "code": code, "name": name, "municipality": municipality},
        "geometry": geometry,
    }


def test_shipped_file_is_small_and_covers_the_region():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert DATA_FILE.stat().st_size < 1024 * 1024
    assert data["source"]["licence"] == "CC BY 4.0"
    for name in REGIO_ARNHEM.municipalities:
        outline = municipality_outline(name)
        assert outline is not None, name
        assert outline.geometry["type"] in {"Polygon", "MultiPolygon"}
    # Arnhem's station area lies in Arnhem's outline and in its wijk Centrum.
    station = Point(51.9850, 5.8990)
    assert contains(municipality_outline("Arnhem").geometry, station)
    wijken = {o.name: o for o in base_outlines(["Arnhem"]) if o.kind == "wijk"}
    assert contains(wijken["Centrum"].geometry, station) or contains(wijken["Spijkerkwartier"].geometry, station)
    assert not contains(municipality_outline("Rheden").geometry, station)


def test_a_wijk_gets_its_outline_by_name_and_its_centre_moves_inside(tmp_path):
    path = _file(tmp_path, [_wijk("WK1", "Wijk Noord", SQUARE)])
    outside = Place(name="Wijk-Noord", kind="wijk", code="", municipality="Stad", centroid=Point(52.2, 5.05))
    result = assign_outlines([outside], path=path)
    assert result[0].geometry == SQUARE
    assert contains(SQUARE, result[0].centroid)


def test_by_code_before_name_and_two_wijken_merge(tmp_path):
    path = _file(tmp_path, [_wijk("WK1", "Oost", SQUARE), _wijk("WK2", "Presikhaaf West", SQUARE),
                            _wijk("WK3", "Presikhaaf Oost", EAST)])  # fmt: skip
    by_code = Place(name="Anders", kind="wijk", code="WK1", municipality="Stad", centroid=Point(52.05, 5.05))
    assert assign_outlines([by_code], path=path)[0].geometry == SQUARE
    presikhaaf = Place(name="Presikhaaf", kind="wijk", code="", municipality="Stad", centroid=Point(52.05, 5.1))
    merged = assign_outlines([presikhaaf], path=path)[0].geometry
    assert merged["type"] == "MultiPolygon" and len(merged["coordinates"]) == 2


def test_an_outline_holding_another_village_stays_a_dot(tmp_path):
    path = _file(tmp_path, [_wijk("WK1", "Rheden", SQUARE), _wijk("WK2", "Heijenoord en Lombok", EAST)])
    rheden = Place(name="Rheden", kind="kern", code="", municipality="Stad", centroid=Point(52.05, 5.05))
    steeg = Place(name="De Steeg", kind="kern", code="", municipality="Stad", centroid=Point(52.06, 5.02))
    heijenoord = Place(name="Heijenoord", kind="wijk", code="", municipality="Stad", centroid=Point(52.05, 5.15))
    assert assign_outlines([rheden, steeg, heijenoord], path=path) == {}
    # Without De Steeg the wijk is Rheden's own; another municipality's wijk is never taken.
    assert 0 in assign_outlines([rheden], path=path)
    elsewhere = Place(name="Rheden", kind="kern", code="", municipality="Dorp", centroid=Point(52.05, 5.05))
    assert assign_outlines([elsewhere], path=path) == {}


@pytest.mark.django_db
def test_the_demo_region_gets_real_outlines_and_keeps_dots_elsewhere():
    geography_load_region(REGIO_ARNHEM)
    with_outline = set(Neighbourhood.objects.exclude(boundary=None).values_list("name", flat=True))
    assert {"Spijkerkwartier", "Presikhaaf", "Velp", "Oosterbeek", "Elden"} <= with_outline
    # CBS's wijk Rheden also holds De Steeg: both keep their dots.
    assert not {"Rheden", "De Steeg", "Dieren"} & with_outline
    for n in Neighbourhood.objects.exclude(boundary=None):
        n.full_clean()
        assert contains(n.boundary, n.centroid), n.name
