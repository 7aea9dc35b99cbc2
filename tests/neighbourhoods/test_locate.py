"""Finding the area (buurt, wijk, kern) that a point lies in."""

import pytest

from common.geo import Point
from neighbourhoods.locate import Area, contains, nearest_area


def square(lat0: float, lon0: float, lat1: float, lon1: float) -> list[list[float]]:
    """A closed ring in GeoJSON order: [lon, lat]."""
    return [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]


# A 2 x 2 km-ish wijk around (52.00, 5.90) with a hole (a park) in its middle.
WIJK_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [square(51.99, 5.89, 52.01, 5.91), square(51.998, 5.898, 52.002, 5.902)],
}
BUURT = {"type": "Polygon", "coordinates": [square(51.991, 5.891, 51.995, 5.895)]}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [[square(52.10, 5.10, 52.11, 5.11)], [square(52.20, 5.20, 52.21, 5.21)]],
}

wijk = Area(id=1, kind="wijk", centroid=Point(52.00, 5.90), boundary=WIJK_WITH_HOLE)
buurt = Area(id=2, kind="buurt", centroid=Point(51.993, 5.893), boundary=BUURT)
islands = Area(id=3, kind="kern", centroid=Point(52.15, 5.15), boundary=TWO_ISLANDS)
village = Area(id=4, kind="kern", centroid=Point(52.05, 5.95))  # no boundary


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (Point(51.992, 5.905), True),  # inside the outer ring
        (Point(52.000, 5.900), False),  # inside the hole
        (Point(52.02, 5.90), False),  # north of it
        (Point(52.00, 5.88), False),  # west of it: lon/lat must not be swapped
    ],
)
def test_polygon_with_hole(point, expected):
    assert contains(WIJK_WITH_HOLE, point) is expected


def test_multipolygon_and_feature():
    assert contains(TWO_ISLANDS, Point(52.205, 5.205))
    assert contains(TWO_ISLANDS, Point(52.105, 5.105))
    assert not contains(TWO_ISLANDS, Point(52.15, 5.15))
    assert contains({"type": "Feature", "geometry": BUURT}, Point(51.993, 5.893))
    assert not contains({"type": "Point", "coordinates": [5.9, 52.0]}, Point(52.0, 5.9))


def test_point_inside_a_boundary():
    assert nearest_area(Point(52.008, 5.908), [village, wijk]) is wijk


def test_most_specific_kind_wins():
    # Inside both the wijk and the buurt that lies in it.
    assert nearest_area(Point(51.993, 5.893), [wijk, buurt, village]) is buurt


def test_multipolygon_part_counts():
    assert nearest_area(Point(52.205, 5.205), [wijk, islands, village]) is islands


def test_point_in_a_hole_falls_back_to_nearest_centre():
    # In the park: not inside the wijk polygon, but its centre is the nearest one.
    assert nearest_area(Point(52.0001, 5.9001), [wijk, village]) is wijk
    # Same spot with the village as the only other area within reach.
    far_wijk = Area(id=5, kind="wijk", centroid=Point(52.2, 5.5), boundary=WIJK_WITH_HOLE)
    assert nearest_area(Point(52.0001, 5.9001), [far_wijk, village]) is None  # 7 km > 5 km
    assert nearest_area(Point(52.0001, 5.9001), [far_wijk, village], max_km=8) is village


def test_nearest_centre_without_boundaries():
    near_village = Point(52.06, 5.96)  # about 1.3 km from the village centre
    assert nearest_area(near_village, [village, islands]) is village


def test_beyond_max_km_gives_none():
    assert nearest_area(Point(52.40, 6.40), [wijk, buurt, village]) is None
    assert nearest_area(Point(52.06, 5.96), [village], max_km=1.0) is None


def test_no_areas():
    assert nearest_area(Point(52.0, 5.9), []) is None


def test_accepts_any_record_with_the_same_attributes():
    class Row:  # e.g. a Neighbourhood model instance
        def __init__(self, pk, kind, centroid, boundary):
            self.id, self.kind, self.centroid, self.boundary = pk, kind, centroid, boundary

    row = Row(7, "wijk", Point(52.0, 5.9), WIJK_WITH_HOLE)
    assert nearest_area(Point(51.992, 5.905), [row]) is row
