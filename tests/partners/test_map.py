"""The map of the vacancy search: numbered dots like the list (the list alternative),
vacancies at one place share a dot, work from home is only in the list, and the tiled
map only when the deployment sets MAP_TILES_URL."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from common.geo import Point
from partners.maps import vacancy_map
from tests.partners.conftest import make_vacancy

pytestmark = pytest.mark.django_db


def _svg(html):
    found = re.search(r'<svg class="region-map__svg" id="vacancymap-svg".*?</svg>', html, re.S)
    return found.group(0) if found else ""


def test_the_search_shows_a_numbered_map_and_a_numbered_list(client, scene):
    make_vacancy(scene, title="Boodschappen in Arnhem")
    make_vacancy(scene, title="Bellen met ouderen", from_home=True, postcode="", place="", point=None)
    make_vacancy(scene, title="Tuinieren in Velp", postcode="6881 AA", place="Velp", point=Point(51.995, 5.97))
    response = client.get(reverse("vacancies:list"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = _svg(html)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Vacatures vanuit huis of zonder plek staan alleen in de lijst." in svg
    dots = re.findall(r'class="vacancy-dot__number"[^>]*>(\d+)<', svg)
    assert len(dots) == 2  # from home has no dot
    numbers = re.findall(r'<span class="vacancy-list__number">(\d+)\.</span> <a href="[^"]+">([^<]+)</a>', html)
    by_title = {title: n for n, title in numbers}
    assert set(dots) == {by_title["Boodschappen in Arnhem"], by_title["Tuinieren in Velp"]}
    assert "data-map-tiles" not in html and "leaflet" not in html


def test_vacancies_at_one_place_share_a_dot(scene):
    a = make_vacancy(scene, title="Een")
    b = make_vacancy(scene, title="Twee")
    result = vacancy_map([a, b])
    assert len(result.dots) == 1 and result.dots[0].numbers == [1, 2]
    assert "1. Een" in result.dots[0].tooltip and "2. Twee" in result.dots[0].tooltip


def test_no_map_when_no_vacancy_has_a_place(client, scene):
    make_vacancy(scene, title="Bellen", from_home=True, postcode="", place="", point=None)
    html = client.get(reverse("vacancies:list")).content.decode()
    assert "Bellen" in html and not _svg(html)


def test_a_title_with_html_is_text_on_the_map(client, scene):
    make_vacancy(scene, title="<script>alert(1)</script> Hulp")
    html = client.get(reverse("vacancies:list")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Hulp" in _svg(html)


@override_settings(MAP_TILES_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
def test_with_tiles_the_search_adds_leaflet_with_links_to_the_vacancies(client, scene):
    v = make_vacancy(scene, title="Boodschappen")
    html = client.get(reverse("vacancies:list")).content.decode()
    assert 'data-map-tiles="https://tile.openstreetmap.org/' in html and "OpenStreetMap" in html
    assert "vendor/leaflet/leaflet-1.9.4.js" in html
    assert reverse("vacancies:detail", args=[v.pk]) in html.split('id="vacancymap-features"')[1]
    assert _svg(html)


def test_the_privacy_page_says_whether_the_maps_fetch_tiles_elsewhere(client, settings):
    html = client.get("/privacy/").content.decode()
    assert "uw browser haalt niets op bij een andere website" in html
    settings.MAP_TILES_URL = (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
    )
    html = client.get("/privacy/").content.decode()
    assert "halen hun ondergrond bij service.pdok.nl" in html and "IP-adres" in html
