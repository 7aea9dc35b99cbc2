"""The region map on the report pages: base geography from the shipped CBS outlines,
a sequential colour per gap level, labels that never overlap (numbers with a key in
the table where a name does not fit), zoom to a municipality, the cache, and the
tiled map only when the deployment sets MAP_TILES_URL."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from neighbourhoods.mapdraw import Marker, labels_overlap, place_labels
from reports.charts import draw_region_map, region_map
from reports.demand import AreaGap
from tests.login import log_in

pytestmark = pytest.mark.django_db


def url(name, slug="org-a", **params):
    path = reverse(f"reports:{name}", args=[slug])
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


@pytest.fixture
def demo_region(db):
    from neighbourhoods.models import Neighbourhood
    from neighbourhoods.services import REGIO_ARNHEM, geography_load_region

    geography_load_region(REGIO_ARNHEM)
    return list(Neighbourhood.objects.select_related("municipality"))


def test_markers_crowded_together_get_names_or_numbers_that_never_overlap():
    markers = [Marker(200 + (i % 5) * 6, 200 + (i // 5) * 6, 9, f"Buurt nummer {i}", priority=i % 3) for i in range(25)]
    place_labels(markers, width=480, height=420)
    assert not labels_overlap(markers)
    named = [m for m in markers if m.label and m.label.number is None]
    numbered = sorted(m.label.number for m in markers if m.label and m.label.number)
    assert named and numbered == list(range(1, len(numbered) + 1))
    for m in markers:
        if m.label:
            assert 0 <= m.label.x <= 480 and 0 <= m.label.y <= 420


def test_the_demo_region_map_draws_outlines_base_geography_and_no_overlapping_labels(demo_region):
    areas = [AreaGap(n, waiting=(n.pk * 7) % 5, available=(n.pk * 3) % 4, suppress=False) for n in demo_region]
    result = draw_region_map(title="Regio", areas=areas, municipalities=["Arnhem", "Rheden"])
    print(f"region map drawn in {result.seconds * 1000:.1f} ms for {len(result.shapes)} areas")
    assert len([b for b in result.base if b.kind == "gemeente"]) == 12  # every municipality of the areas
    outlined = [s for s in result.shapes if s.path]
    assert len(outlined) >= 20 and len(outlined) < len(result.shapes)  # outlines where known, dots elsewhere
    markers = [Marker(s.cx, s.cy, s.r, s.name, label=s.label) for s in result.shapes]
    assert not labels_overlap(markers)
    # Every area is named or numbered on the map, or (when even a number does not fit) in the table.
    # At the scale of the whole region (81 areas in 480 units, Arnhem dense) most get a name or a number.
    assert sum(1 for s in result.shapes if s.label) > len(result.shapes) // 2
    rows = result.rows(areas)
    assert {number for _, number in rows if number} == set(result.numbers.values())


def test_zoom_fits_the_map_to_one_municipality(demo_region):
    areas = [AreaGap(n, 3, 1, suppress=False) for n in demo_region]
    whole = draw_region_map(title="Regio", areas=areas)
    rheden = draw_region_map(title="Regio", areas=areas, zoom="Rheden")
    assert {s.municipality for s in rheden.shapes} == {"Rheden"}
    velp_whole = next(s for s in whole.shapes if s.name == "Velp")
    velp_zoom = next(s for s in rheden.shapes if s.name == "Velp")

    # Zoomed in, Velp's outline is drawn much bigger.
    def width(d):
        xs = [float(x) for x in re.findall(r"([\d.]+),[\d.]+", d)]
        return max(xs) - min(xs)

    assert width(velp_zoom.path) > 2 * width(velp_whole.path)
    assert rheden.zoom == "Rheden"


def test_the_map_is_cached_and_redrawn_when_a_count_changes(demo_region):
    cache.clear()
    areas = [AreaGap(n, 2, 1) for n in demo_region[:10]]
    first = region_map(title="Regio", areas=areas, cache_key="t")
    assert region_map(title="Regio", areas=areas, cache_key="t").seconds == first.seconds  # from the cache
    changed = [AreaGap(areas[0].neighbourhood, 30, 0), *areas[1:]]
    redrawn = region_map(title="Regio", areas=changed, cache_key="t")
    assert next(s for s in redrawn.shapes if s.pk == areas[0].neighbourhood.pk).level == "short"


def _svg(html):
    return re.search(r'<svg class="region-map__svg".*?</svg>', html, re.S).group(0)


def test_the_organisation_page_draws_the_svg_map_and_zooms(client, personas, frozen):
    log_in(client, personas["broker_a"])
    response = client.get(url("organisation", maand="2026-03"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = _svg(html)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'class="base base--gemeente"' in svg  # Arnhem's and Rheden's outlines
    assert "leaflet" not in html and "data-map-tiles" not in html  # no tiles by default: offline
    assert 'name="kaart"' in html and "Nr. op de kaart" in html
    zoomed = client.get(url("organisation", maand="2026-03", kaart="Rheden"))
    assert zoomed.status_code == 200
    assert zoomed.context["map"].zoom == "Rheden"
    assert {s.municipality for s in zoomed.context["map"].shapes} == {"Rheden"}


@pytest.mark.parametrize("value", ["Ede", "Nergenshuizen", "<script>", "x" * 101])
def test_zooming_to_a_municipality_of_another_organisation_is_a_form_error(client, personas, frozen, value):
    log_in(client, personas["broker_a"])
    for name in ("organisation", "demand"):
        response = client.get(url(name, kaart=value))
        assert response.status_code == 400
        html = response.content.decode()
        assert "De kaart kan niet inzoomen" in html or "niet meer dan" in html
        assert "<script>" not in html.split("</header>")[-1].replace('<script src="', "")


@override_settings(
    MAP_TILES_URL="https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)
def test_with_tiles_the_page_adds_leaflet_and_geojson(client, personas, frozen):
    log_in(client, personas["broker_a"])
    html = client.get(url("demand")).content.decode()
    assert "vendor/leaflet/leaflet-1.9.4.js" in html and "js/map-tiles.js" in html
    assert 'data-map-tiles="https://service.pdok.nl/' in html
    assert "BRT-Achtergrondkaart" in html  # the credit line
    assert '<script id="demandmap-features" type="application/json">' in html
    assert _svg(html)  # the SVG stays: the map without JavaScript


def test_the_csp_allows_the_tile_host_only_when_set():
    from config.settings import CONTENT_SECURITY_POLICY, tiles_origin

    assert CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'"]
    assert tiles_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("http://tile.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png", "javascript:x"):
        with pytest.raises(ImproperlyConfigured):
            tiles_origin(bad)


def test_zoom_to_a_municipality_without_outline_or_places_says_so(db):
    from demo.factories import MunicipalityFactory, NeighbourhoodFactory

    ede = MunicipalityFactory(name="Ede")
    velp = NeighbourhoodFactory(municipality=MunicipalityFactory(name="Rheden"), name="Velp", latitude=51.995,
                                longitude=5.97)  # fmt: skip
    result = draw_region_map(title="Kaart", areas=[AreaGap(velp, 1, 0)], municipalities=[ede.name], zoom="Ede")
    assert result.shapes == [] and "nog geen buurten" in result.description
    # Not zoomed, Rheden's outline and Velp are drawn.
    whole = draw_region_map(title="Kaart", areas=[AreaGap(velp, 1, 0)], municipalities=[ede.name])
    assert [s.name for s in whole.shapes] == ["Velp"] and any(b.name == "Rheden" for b in whole.base)
