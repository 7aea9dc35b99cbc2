"""Geocoders: offline gazetteer, Nominatim (faked, no network) and the fallback."""

from types import SimpleNamespace

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable

from common.geo import Point, haversine_km
from neighbourhoods.geo import POSTCODE_MESSAGE, get_gazetteer
from neighbourhoods.geocoding import (
    FALLBACK_POSTCODE,
    NOT_FOUND_ONLINE,
    UNKNOWN_POSTCODE,
    FallbackGeocoder,
    GeocodeError,
    GeocodeResult,
    NominatimGeocoder,
    OfflineGeocoder,
    get_geocoder,
)

# --- Offline -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "place", "municipality", "normalised"),
    [
        ("6811 AB", "Arnhem", "Arnhem", "6811 AB"),
        ("6881ab", "Velp", "Rheden", "6881 AB"),
        (" 6915  xa ", "Lobith", "Rijnwaarden", "6915 XA"),
        ("6851", "Huissen", "Lingewaard", "6851"),
    ],
)
def test_offline_postcode(postcode, place, municipality, normalised):
    result = OfflineGeocoder().geocode(postcode=postcode, house_number="12")
    assert (result.place, result.municipality, result.postcode) == (place, municipality, normalised)
    assert result.source == "offline"
    assert result.approximate is True
    assert result.fallback_reason is None
    assert 51.8 < result.point.lat < 52.1 and 5.8 < result.point.lon < 6.2


def test_offline_postcodes_of_one_town_lie_apart():
    """A full postcode and its bare PC4 give the area's own centroid; two areas of
    Arnhem are no longer the same point (the town's centre)."""
    geocoder = OfflineGeocoder()
    centre, south = geocoder.geocode(postcode="6811 AB"), geocoder.geocode(postcode="6846 CD", house_number="3")
    assert centre.point == geocoder.geocode(postcode="6811").point == get_gazetteer().postcode("6811").point
    assert haversine_km(centre.point, south.point) > 3
    assert centre.point != Point(51.98, 5.91111)  # the centre of the town, shared until now


@pytest.mark.parametrize(
    ("place", "expected", "municipality"),
    [
        ("Oosterbeek", "Oosterbeek", "Renkum"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Lathum", "Lathum", "Zevenaar"),
        # No coordinates of its own anywhere: the centre of its PC4 area.
        ("Drempt", "Drempt", None),
    ],
)
def test_offline_place(place, expected, municipality):
    result = OfflineGeocoder().geocode(place=place)
    assert result.place == expected
    if municipality:
        assert result.municipality == municipality
    assert result.postcode is None


def test_postcode_wins_over_place():
    result = OfflineGeocoder().geocode(postcode="6881 AA", place="Wageningen")
    assert result.place == "Velp"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"postcode": "1000 AA"}, UNKNOWN_POSTCODE),
        ({"postcode": "1234 SS"}, POSTCODE_MESSAGE),
        ({"postcode": "0123"}, POSTCODE_MESSAGE),
        ({"place": "Atlantis"}, "We kennen geen plaats met de naam “Atlantis”."),
        ({}, "Vul een postcode of een plaats in."),
        ({"postcode": "  ", "place": ""}, "Vul een postcode of een plaats in."),
    ],
)
def test_offline_errors(kwargs, message):
    with pytest.raises(GeocodeError) as info:
        OfflineGeocoder().geocode(**kwargs)
    assert str(info.value) == message


# --- Fakes ----------------------------------------------------------------------------------


class FakeCache:
    """Django's cache interface, in memory."""

    def __init__(self):
        self.data, self.timeouts = {}, {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def set(self, key, value, timeout=None):
        self.data[key] = value
        self.timeouts[key] = timeout


class FakeNominatim:
    """Stands in for geopy's Nominatim: returns ``answer`` or raises it."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


VELPERPLEIN = SimpleNamespace(
    latitude=51.9849,
    longitude=5.9148,
    raw={"address": {"house_number": "12", "city": "Arnhem", "postcode": "6811 AG"}},
)


class RaisingPrimary:
    def __init__(self, error):
        self.error = error

    def geocode(self, postcode=None, house_number=None, place=None):
        raise self.error


class NonePrimary:
    def geocode(self, postcode=None, house_number=None, place=None):
        return None


# --- Nominatim ------------------------------------------------------------------------------


def test_nominatim_result_is_cached():
    cache, fake = FakeCache(), FakeNominatim(VELPERPLEIN)
    geocoder = NominatimGeocoder(cache=cache, geolocator=fake)

    first = geocoder.geocode(postcode="6811ag", house_number="12")
    assert first.source == "nominatim"
    assert first.point == Point(51.9849, 5.9148)
    assert (first.place, first.municipality, first.postcode) == ("Arnhem", "Arnhem", "6811 AG")
    assert first.approximate is False  # Nominatim found the house number
    query, kwargs = fake.calls[0]
    assert query == "6811 AG 12"
    assert kwargs["country_codes"] == "nl"
    assert len(cache.data) == 1 and next(iter(cache.timeouts.values())) > 0

    # Same address typed differently: a cache hit, no second request.
    second = geocoder.geocode(postcode=" 6811 AG ", house_number=" 12")
    assert second.source == "cache"
    assert second.point == first.point
    assert second.municipality == "Arnhem"
    assert len(fake.calls) == 1


def test_nominatim_accepts_a_plain_dict_as_cache():
    cache = {}
    geocoder = NominatimGeocoder(cache=cache, geolocator=FakeNominatim(VELPERPLEIN))
    geocoder.geocode(postcode="6811 AG", house_number="12")
    assert geocoder.geocode(postcode="6811 AG", house_number="12").source == "cache"


def test_nominatim_fills_the_municipality_from_the_gazetteer():
    village = SimpleNamespace(latitude=51.8625, longitude=6.118, raw={"address": {"village": "Lobith"}})
    result = NominatimGeocoder(cache=FakeCache(), geolocator=FakeNominatim(village)).geocode(place="Lobith")
    assert (result.place, result.municipality) == ("Lobith", "Rijnwaarden")
    assert result.approximate is True


def test_nominatim_no_result_is_a_geocode_error():
    geocoder = NominatimGeocoder(cache=FakeCache(), geolocator=FakeNominatim(None))
    with pytest.raises(GeocodeError) as info:
        geocoder.geocode(postcode="6811 AG", house_number="12")
    assert str(info.value) == NOT_FOUND_ONLINE


def test_nominatim_survives_a_broken_cache():
    class BrokenCache:
        def get(self, key):
            raise ConnectionError("redis is down")

        def set(self, key, value, timeout):
            raise ConnectionError("redis is down")

    result = NominatimGeocoder(cache=BrokenCache(), geolocator=FakeNominatim(VELPERPLEIN)).geocode(
        postcode="6811 AG", house_number="12"
    )
    assert result.source == "nominatim"


# --- Fallback --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "primary",
    [
        RaisingPrimary(GeocoderTimedOut("Service timed out")),
        RaisingPrimary(GeocoderUnavailable("down")),
        RaisingPrimary(GeocoderServiceError("HTTP 500")),
        RaisingPrimary(OSError("network unreachable")),
        RaisingPrimary(GeocodeError(NOT_FOUND_ONLINE)),
        NonePrimary(),
    ],
    ids=["timeout", "unavailable", "service-error", "os-error", "not-found", "none"],
)
def test_fallback_uses_offline_and_says_why(primary):
    result = FallbackGeocoder(primary, OfflineGeocoder()).geocode(postcode="6881 AB", house_number="3")
    assert result.source == "offline"
    assert (result.place, result.municipality) == ("Velp", "Rheden")
    assert result.fallback_reason == FALLBACK_POSTCODE


def test_fallback_around_nominatim_that_times_out():
    nominatim = NominatimGeocoder(cache=FakeCache(), geolocator=FakeNominatim(GeocoderTimedOut("slow")))
    result = FallbackGeocoder(nominatim, OfflineGeocoder()).geocode(postcode="6851 AB", house_number="1")
    assert (result.place, result.municipality, result.source) == ("Huissen", "Lingewaard", "offline")
    assert result.fallback_reason is not None


def test_fallback_for_a_place_says_so_too():
    result = FallbackGeocoder(NonePrimary(), OfflineGeocoder()).geocode(place="Oosterbeek")
    assert result.municipality == "Renkum"
    assert result.fallback_reason and "plaats" in result.fallback_reason


def test_fallback_passes_a_good_answer_through():
    answer = GeocodeResult(Point(51.98, 5.91), "Arnhem", "Arnhem", "6811 AG", "nominatim", False)

    class Good:
        def geocode(self, postcode=None, house_number=None, place=None):
            return answer

    assert FallbackGeocoder(Good(), OfflineGeocoder()).geocode(postcode="6811 AG") is answer


def test_fallback_still_reports_unknown_input():
    primary = RaisingPrimary(GeocoderTimedOut("slow"))
    with pytest.raises(GeocodeError) as info:
        FallbackGeocoder(primary, OfflineGeocoder()).geocode(postcode="1000 AA")
    assert str(info.value) == UNKNOWN_POSTCODE


# --- Settings ----------------------------------------------------------------------------------


def test_get_geocoder_offline_by_default(settings):
    settings.GEOCODER = "offline"
    assert isinstance(get_geocoder(), OfflineGeocoder)


def test_get_geocoder_nominatim_with_own_server(settings):
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_NOMINATIM_URL = "http://nominatim.example.org/"
    settings.GEOCODER_TIMEOUT = 2
    geocoder = get_geocoder()
    assert isinstance(geocoder, FallbackGeocoder)
    assert isinstance(geocoder.primary, NominatimGeocoder)
    assert (geocoder.primary.domain, geocoder.primary.scheme, geocoder.primary.timeout) == (
        "nominatim.example.org",
        "http",
        2,
    )
    assert isinstance(geocoder.fallback, OfflineGeocoder)


def test_get_geocoder_nominatim_public_server(settings):
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_NOMINATIM_URL = ""
    geocoder = get_geocoder()
    assert geocoder.primary.domain == "nominatim.openstreetmap.org"
    assert geocoder.primary.geolocator.headers["User-Agent"] == "buurtmakelaar"
