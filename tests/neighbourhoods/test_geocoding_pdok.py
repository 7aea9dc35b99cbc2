"""The PDOK Locatieserver geocoder, with recorded answers through a fake geopy
transport: never the network."""

import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from caregivers.models import HelpRequest
from neighbourhoods import geocoding
from neighbourhoods.geocoding import (
    FALLBACK_POSTCODE,
    NOT_FOUND_ONLINE,
    FallbackGeocoder,
    GeocodeError,
    PdokGeocoder,
    PDOKLocatieserver,
    get_geocoder,
)
from neighbourhoods.models import Municipality, Organisation

FIXTURES = Path(__file__).parent / "fixtures"
ADDRESS = json.loads((FIXTURES / "pdok_locatieserver_adres.json").read_text(encoding="utf-8"))
EMPTY = json.loads((FIXTURES / "pdok_locatieserver_empty.json").read_text(encoding="utf-8"))


class Recorded(BaseSyncAdapter):
    """A geopy transport that answers from a list and remembers the URLs asked."""

    answers: list = []
    asked: list = []

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        Recorded.asked.append(url)
        answer = Recorded.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_text(self, url, *, timeout, headers):
        return json.dumps(self.get_json(url, timeout=timeout, headers=headers))


@pytest.fixture
def recorded():
    Recorded.answers, Recorded.asked = [], []
    return Recorded


def pdok(cache=None):
    return PdokGeocoder(cache={} if cache is None else cache, geolocator=PDOKLocatieserver(adapter_factory=Recorded))


def test_geopy_class_asks_the_free_endpoint_for_an_address(recorded):
    recorded.answers = [ADDRESS]
    location = PDOKLocatieserver(adapter_factory=Recorded).geocode("9501AA 12")
    url = urlsplit(recorded.asked[0])
    assert (url.scheme, url.netloc, url.path) == ("https", "api.pdok.nl", "/bzk/locatieserver/search/v3_1/free")
    assert parse_qs(url.query) == {"q": ["9501AA 12"], "fq": ["type:adres"], "rows": ["1"]}
    assert 52.9 < location.latitude < 53.1 and 6.9 < location.longitude < 7.0  # lat/lon not swapped
    assert location.raw["buurtcode"] == "BU00370101"


def test_address_gives_point_and_buurt_and_wijk_code(recorded):
    recorded.answers = [ADDRESS]
    result = pdok().geocode(postcode="9501 aa", house_number="12")
    assert (result.place, result.municipality, result.postcode) == ("Stadskanaal", "Stadskanaal", "9501 AA")
    assert (result.buurt_code, result.wijk_code) == ("BU00370101", "WK003701")
    assert (result.source, result.approximate) == ("pdok", False)


def test_answers_are_cached(recorded):
    recorded.answers = [ADDRESS]
    cache = {}
    first = pdok(cache).geocode(postcode="9501AA", house_number="12")
    second = pdok(cache).geocode(postcode="9501 AA", house_number=" 12 ")
    assert len(recorded.asked) == 1
    assert second.source == "cache"
    assert (second.point, second.buurt_code) == (first.point, first.buurt_code)


def test_postcode_alone_and_place_ask_the_right_type(recorded):
    recorded.answers = [ADDRESS, ADDRESS]
    pdok().geocode(postcode="9501AA")
    pdok().geocode(place="Stadskanaal")
    kinds = [parse_qs(urlsplit(u).query)["fq"][0] for u in recorded.asked]
    assert kinds == ["type:postcode", "type:woonplaats"]


def test_nothing_found_is_a_geocode_error(recorded):
    recorded.answers = [EMPTY]
    with pytest.raises(GeocodeError) as error:
        pdok().geocode(postcode="9501AA", house_number="9999")
    assert error.value.message == NOT_FOUND_ONLINE


@pytest.mark.parametrize("failure", [GeocoderTimedOut("timed out"), GeocoderServiceError("HTTP 500")])
def test_time_out_or_error_falls_back_to_the_gazetteer(recorded, failure):
    recorded.answers = [failure]
    result = FallbackGeocoder(pdok(), geocoding.OfflineGeocoder()).geocode(postcode="9501AA", house_number="12")
    assert result.source == "offline"
    assert result.fallback_reason == FALLBACK_POSTCODE
    assert (result.place, result.municipality) == ("Stadskanaal", "Stadskanaal")
    assert result.buurt_code is None


def test_setting_selects_pdok_with_offline_fallback(settings):
    settings.GEOCODER = "pdok"
    geocoder = get_geocoder()
    assert isinstance(geocoder, FallbackGeocoder)
    assert isinstance(geocoder.primary, PdokGeocoder)
    assert isinstance(geocoder.fallback, geocoding.OfflineGeocoder)
    settings.GEOCODER = "offline"
    assert isinstance(get_geocoder(), geocoding.OfflineGeocoder)


@pytest.mark.django_db
def test_import_with_pdok_puts_a_request_in_the_buurt_pdok_names(recorded, settings, monkeypatch, tmp_path):
    """The CBS buurt code from PDOK decides the neighbourhood, not the distance."""
    settings.GEOCODER = "pdok"
    monkeypatch.setattr(geocoding, "PDOKLocatieserver", lambda **kw: PDOKLocatieserver(adapter_factory=Recorded, **kw))
    recorded.answers = [ADDRESS]
    municipality = Municipality.objects.create(name="Stadskanaal", code="GM0037", province="Groningen")
    organisation = Organisation.objects.create(name="Vrijwilligers Stadskanaal", slug="vc-stadskanaal")
    organisation.municipalities.add(municipality)
    call_command(
        "import_wijken",
        "--municipality",
        "Stadskanaal",
        "--file",
        str(FIXTURES / "wijkenbuurten_stadskanaal_rd.geojson"),
        stdout=io.StringIO(),
    )
    path = tmp_path / "requests.csv"
    path.write_text(
        "external_id,requester_first_name,requester_last_name,kind,postcode,house_number,skills,schedule\n"
        "R1,Annie,Bakker,practical,9501 AA,12,shopping,tue 10:00-12:00\n",
        encoding="utf-8",
    )
    call_command("import_requests", "--organisation", "vc-stadskanaal", str(path), stdout=io.StringIO())
    request = HelpRequest.objects.get(external_id="R1")
    assert request.neighbourhood.code == "BU00370101"
    assert len(recorded.asked) == 1


@pytest.mark.django_db
def test_serving_area_uses_the_buurt_pdok_names():
    """The request form's lookup: the buurt code beats the nearest centre."""
    from common.geo import Point
    from neighbourhoods.geocoding import GeocodeResult
    from neighbourhoods.models import Neighbourhood
    from neighbourhoods.selectors import serving_area

    municipality = Municipality.objects.create(name="Stadskanaal", code="GM0037")
    organisation = Organisation.objects.create(name="VC", slug="vc")
    organisation.municipalities.add(municipality)
    near = Neighbourhood.objects.create(municipality=municipality, name="Dichtbij", latitude=52.99, longitude=6.95)
    far = Neighbourhood.objects.create(
        municipality=municipality, name="Ver weg", kind="buurt", code="BU00370201", latitude=52.93, longitude=7.01
    )
    location = GeocodeResult(Point(52.99, 6.95), "Stadskanaal", "Stadskanaal", "9501 AA", "pdok", False)
    assert serving_area(location=location).neighbourhood == near
    coded = GeocodeResult(
        Point(52.99, 6.95), "Stadskanaal", "Stadskanaal", "9501 AA", "pdok", False, buurt_code="BU00370201"
    )
    assert serving_area(location=coded).neighbourhood == far
