"""scripts/build_outlines.py on a small hand-made TopoJSON (the real source is a file of
a public repository, not shipped): two wijken of Arnhem that share a border, one of
another municipality, and the municipality outline dissolved from the two."""

import importlib.util
import sys
from pathlib import Path

import pytest

from common.geo import Point
from neighbourhoods.locate import contains

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_outlines.py"

# Quantised to 0.001 degrees from (5.9, 51.9). Arc 0: the shared border (x=10) from
# south to north; arc 1: west wijk's outside; arc 2: east wijk's outside.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.001, 0.001], "translate": [5.9, 51.9]},
    "arcs": [
        [[10, 0], [0, 10]],
        [[10, 10], [-10, 0], [0, -10], [10, 0]],
        [[10, 0], [10, 0], [0, 10], [-10, 0]],
        [[100, 100], [5, 0], [0, 5], [-5, 0], [0, -5]],
    ],
    "objects": {
        "layer": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": arcs, "properties": {"statcode": code, "statnaam": name}}
                for arcs, code, name in (
                    ([[0, 1]], "WK020201", "Wijk 01 West"),
                    ([[2, -1]], "WK020202", "Wijk 02 Oost"),
                    ([[3]], "WK999901", "Wijk 01 Elders"),
                )
            ],
        }
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_outlines", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_wijken_of_the_region_only_with_names_without_prefix(build):
    result = build.build(TOPOLOGY)
    wijken = {f["properties"]["code"]: f["properties"] for f in result["features"] if f["properties"]["kind"] == "wijk"}
    assert set(wijken) == {"WK020201", "WK020202"}  # WK9999 is no municipality of the region
    assert wijken["WK020201"]["name"] == "West" and wijken["WK020201"]["municipality"] == "Arnhem"
    assert result["source"]["licence"] == "CC BY 4.0"


def test_the_municipality_is_dissolved_from_its_wijken(build):
    result = build.build(TOPOLOGY)
    (arnhem,) = [f for f in result["features"] if f["properties"]["kind"] == "gemeente"]
    geometry = arnhem["geometry"]
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 1
    ring = geometry["coordinates"][0]
    assert ring[0] == ring[-1]
    # The shared border (x = 5.91) is inside, not on the outline: only its two end points are.
    assert sum(1 for lon, _ in ring[:-1] if lon == 5.91) == 2
    assert contains(geometry, Point(51.905, 5.905)) and contains(geometry, Point(51.905, 5.915))
    assert not contains(geometry, Point(51.905, 5.925))


def test_douglas_peucker_keeps_the_ends_and_the_shape(build):
    line = [(0.0, 0.0), (1.0, 0.00001), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)]
    simplified = build.douglas_peucker(line, 0.001)
    assert simplified[0] == line[0] and simplified[-1] == line[-1]
    assert (3.0, 1.0) in simplified and (1.0, 0.00001) not in simplified
