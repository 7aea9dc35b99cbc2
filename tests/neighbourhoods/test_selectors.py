import pytest

from common.geo import Point
from demo.factories import NeighbourhoodFactory
from neighbourhoods.selectors import neighbourhood_for_point

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.90, 51.97], [5.92, 51.97], [5.92, 51.99], [5.90, 51.99], [5.90, 51.97]]],
}


def test_point_maps_to_nearest_village(region):
    assert neighbourhood_for_point(point=Point(51.996, 5.975)).name == "Velp"
    assert neighbourhood_for_point(point=Point(52.041, 5.668)).name == "Ede"


def test_point_inside_a_boundary_beats_a_nearer_centre(region):
    inner = NeighbourhoodFactory(
        municipality=region["arnhem"],
        name="Binnenstad",
        kind="buurt",
        latitude=51.975,
        longitude=5.905,
        boundary=SQUARE,
    )
    NeighbourhoodFactory(municipality=region["arnhem"], name="Dichtbij", kind="kern", latitude=51.989, longitude=5.919)
    assert neighbourhood_for_point(point=Point(51.988, 5.918)) == inner


def test_point_far_from_everything_has_no_neighbourhood(region):
    assert neighbourhood_for_point(point=Point(53.2, 6.56)) is None  # Groningen


def test_scoped_to_municipality(region):
    found = neighbourhood_for_point(point=Point(51.996, 5.975), municipality=region["arnhem"])
    assert found.name == "Centrum"
