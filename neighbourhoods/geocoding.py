"""Turning a postcode (and house number) or a place name into a :class:`Point`.

Four geocoders share one interface, ``geocode(postcode=None, house_number=None,
place=None) -> GeocodeResult``:

- :class:`OfflineGeocoder`: the shipped gazetteer; a postcode gives the centre of its
  PC4 area. Always available, never exact to the address.
- :class:`PdokGeocoder`: the Dutch government's PDOK Locatieserver (BAG addresses, no
  key), through the geopy-style :class:`PDOKLocatieserver`, cached; gives the buurt and
  wijk code of the address as well.
- :class:`NominatimGeocoder`: OpenStreetMap Nominatim through geopy, cached.
- :class:`FallbackGeocoder`: asks a primary (online) geocoder and falls back to the
  offline one on any failure, saying so in ``fallback_reason``: a form is never
  blocked by a remote service.

:func:`get_geocoder` picks one from the settings. Django is imported lazily so this
module also works without a configured project.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlencode, urlsplit

from django.utils.translation import gettext_lazy as _
from geopy.geocoders.base import DEFAULT_SENTINEL
from geopy.geocoders.base import Geocoder as GeopyGeocoder

from common.geo import Point
from neighbourhoods.geo import Gazetteer, InvalidPostcode, get_gazetteer, normalise_name, normalise_postcode

logger = logging.getLogger(__name__)

UNKNOWN_POSTCODE = _("Deze postcode kennen we niet.")
UNKNOWN_PLACE = _("We kennen geen plaats met de naam “{name}”.")
NOTHING_GIVEN = _("Vul een postcode of een plaats in.")
NOT_FOUND_ONLINE = _("We konden dit adres niet vinden.")
FALLBACK_POSTCODE = _("De online adreszoeker gaf geen antwoord; we gebruiken het midden van uw postcodegebied.")
FALLBACK_PLACE = _("De online adreszoeker gaf geen antwoord; we gebruiken het midden van de plaats.")

USER_AGENT = "buurtmakelaar"
CACHE_SECONDS = 30 * 24 * 3600  # addresses hardly move; Nominatim asks clients to cache
CACHE_PREFIX = "geocode:nominatim:v1:"

PDOK_CACHE_PREFIX = "geocode:pdok:v1:"
PDOK_DOMAIN = "api.pdok.nl"
PDOK_PATH = "/bzk/locatieserver/search/v3_1/free"

_POINT_RE = re.compile(r"POINT\((?P<lon>-?[0-9.]+) (?P<lat>-?[0-9.]+)\)")

Source = Literal["offline", "nominatim", "pdok", "cache"]


class GeocodeError(Exception):
    """Nothing found for the input. ``str(error)`` is a Dutch message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    point: Point
    place: str
    municipality: str
    postcode: str | None  # "6811 AB", or "6811" when only the PC4 area was given
    source: Source
    approximate: bool  # the point is an area or place centre, not the address itself
    fallback_reason: str | None = None
    buurt_code: str | None = None  # CBS "BU02020101", from PDOK
    wijk_code: str | None = None  # CBS "WK020201", from PDOK


class Geocoder(Protocol):
    def geocode(
        self, postcode: str | None = None, house_number: str | None = None, place: str | None = None
    ) -> GeocodeResult: ...


def _clean_postcode(postcode: str) -> str:
    """Full postcode normalised ("6811 AB"), or a bare PC4 ("6811"); GeocodeError otherwise."""
    text = postcode.strip()
    if len(text) == 4 and text.isascii() and text.isdigit() and text[0] != "0":
        return text
    try:
        return normalise_postcode(postcode)
    except InvalidPostcode as error:
        raise GeocodeError(str(error)) from error


class OfflineGeocoder:
    """Postcode -> centre of its PC4 area; place -> the place's centre. The house
    number is accepted for a uniform interface but cannot make it more precise."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or get_gazetteer()

    def geocode(
        self, postcode: str | None = None, house_number: str | None = None, place: str | None = None
    ) -> GeocodeResult:
        if postcode and postcode.strip():
            code = _clean_postcode(postcode)
            area = self.gazetteer.postcode(code)
            if area is None:
                raise GeocodeError(UNKNOWN_POSTCODE)
            return GeocodeResult(
                point=area.point,
                place=area.place,
                municipality=area.municipality,
                postcode=code,
                source="offline",
                approximate=True,
            )
        if place and place.strip():
            found = self.gazetteer.place(place)
            if found is not None:
                return GeocodeResult(found.point, found.name, found.municipality, None, "offline", True)
            # A village with a postcode but no coordinates of its own in the place data.
            areas = self.gazetteer.postcodes_for_place(place)
            if areas:
                area = areas[0]
                return GeocodeResult(area.point, area.place, area.municipality, None, "offline", True)
            raise GeocodeError(UNKNOWN_PLACE.format(name=" ".join(place.split())[:80]))
        raise GeocodeError(NOTHING_GIVEN)


class NominatimGeocoder:
    """OpenStreetMap Nominatim via geopy, results cached by normalised query.

    Mind the usage policy of the public server (at most one request a second, a
    real user agent): for production, point ``domain`` at your own instance.
    ``cache`` is anything with ``get(key)`` and ``set(key, value, timeout)`` (or a
    dict); by default Django's cache. ``geolocator`` replaces geopy in tests.
    """

    def __init__(
        self,
        domain: str | None = None,
        *,
        scheme: str = "https",
        timeout: float = 3,
        cache: Any = None,
        gazetteer: Gazetteer | None = None,
        geolocator: Any = None,
    ) -> None:
        self.domain = domain or "nominatim.openstreetmap.org"
        self.scheme = scheme
        self.timeout = timeout
        self._cache = cache
        self._gazetteer = gazetteer
        self._geolocator = geolocator

    @property
    def gazetteer(self) -> Gazetteer:
        return self._gazetteer or get_gazetteer()

    @property
    def geolocator(self) -> Any:
        if self._geolocator is None:
            from geopy.geocoders import Nominatim

            self._geolocator = Nominatim(
                user_agent=USER_AGENT, domain=self.domain, scheme=self.scheme, timeout=self.timeout
            )
        return self._geolocator

    @property
    def cache(self) -> Any:
        if self._cache is None:
            from django.core.cache import cache

            return cache
        return self._cache

    def geocode(
        self, postcode: str | None = None, house_number: str | None = None, place: str | None = None
    ) -> GeocodeResult:
        """Raises GeocodeError when nothing is found, and geopy's errors (GeopyError)
        when the service fails; :class:`FallbackGeocoder` handles both."""
        code = _clean_postcode(postcode) if postcode and postcode.strip() else None
        number = " ".join((house_number or "").split()) or None
        if code:
            query = f"{code} {number}" if number else code
        elif place and place.strip():
            query = " ".join(place.split())
        else:
            raise GeocodeError(NOTHING_GIVEN)
        key = CACHE_PREFIX + hashlib.sha256(normalise_name(query).encode()).hexdigest()

        cached = self._cache_get(key)
        if cached is not None:
            return GeocodeResult(
                point=Point(cached["lat"], cached["lon"]),
                place=cached["place"],
                municipality=cached["municipality"],
                postcode=code,
                source="cache",
                approximate=cached["approximate"],
            )

        location = self.geolocator.geocode(
            query, exactly_one=True, country_codes="nl", addressdetails=True, timeout=self.timeout
        )
        if location is None:
            raise GeocodeError(NOT_FOUND_ONLINE)
        point = Point(location.latitude, location.longitude)
        address = (getattr(location, "raw", None) or {}).get("address", {})
        place_name, municipality = self._names(address, point, code)
        value = {
            "lat": point.lat,
            "lon": point.lon,
            "place": place_name,
            "municipality": municipality,
            "approximate": "house_number" not in address,
        }
        self._cache_set(key, value)
        return GeocodeResult(point, place_name, municipality, code, "nominatim", value["approximate"])

    def _names(self, address: dict, point: Point, code: str | None) -> tuple[str, str]:
        """Place and municipality from Nominatim's address parts; the gazetteer fills
        in what Nominatim leaves out (it often has no municipality for a village)."""
        place_name = next((address[k] for k in ("city", "town", "village", "hamlet", "suburb") if address.get(k)), "")
        municipality = (address.get("municipality") or "").removeprefix("Gemeente ").strip()
        if not municipality or not place_name:
            area = self.gazetteer.postcode(code) if code else None
            nearby = area or self.gazetteer.nearest_place(point)
            if nearby is not None:
                municipality = municipality or nearby.municipality
                place_name = place_name or (area.place if area else nearby.name)
        return place_name, municipality

    def _cache_get(self, key: str) -> dict | None:
        try:
            value = self.cache.get(key)
        except Exception:  # a broken cache must not break geocoding
            logger.warning("geocoding cache read failed", exc_info=True)
            return None
        return value if isinstance(value, dict) else None

    def _cache_set(self, key: str, value: dict) -> None:
        try:
            if isinstance(self.cache, dict):
                self.cache[key] = value
            else:
                self.cache.set(key, value, CACHE_SECONDS)
        except Exception:
            logger.warning("geocoding cache write failed", exc_info=True)


class PDOKLocatieserver(GeopyGeocoder):
    """geopy geocoder for the PDOK Locatieserver (``free`` endpoint, v3.1).

    geopy 2.5 has none. Free, no key, BAG addresses; ``fq`` narrows the type
    (``type:adres``, ``type:postcode``, ``type:woonplaats``). Each :class:`Location`
    keeps the full document in ``raw`` (buurtcode, wijkcode, gemeentenaam, ...).
    ``adapter_factory`` is geopy's transport; tests pass a recorded one.
    """

    def __init__(self, *, domain: str = PDOK_DOMAIN, scheme: str = "https", timeout: float = 3, **kwargs: Any):
        super().__init__(scheme=scheme, timeout=timeout, user_agent=USER_AGENT, **kwargs)
        self.api = f"{self.scheme}://{domain}{PDOK_PATH}"

    def geocode(self, query: str, *, exactly_one: bool = True, fq: str = "type:adres", timeout: Any = DEFAULT_SENTINEL):
        params = {"q": query, "fq": fq, "rows": 1 if exactly_one else 10}
        url = f"{self.api}?{urlencode(params)}"
        return self._call_geocoder(url, lambda data: self._parse(data, exactly_one), timeout=timeout)

    @staticmethod
    def _parse(data: Any, exactly_one: bool):
        from geopy.location import Location

        docs = ((data or {}).get("response") or {}).get("docs") or []
        locations = []
        for doc in docs:
            match = _POINT_RE.fullmatch(str(doc.get("centroide_ll", "")).strip())
            if not match:
                continue
            lon, lat = float(match["lon"]), float(match["lat"])
            locations.append(Location(doc.get("weergavenaam", ""), (lat, lon), doc))
        if not locations:
            return None
        return locations[0] if exactly_one else locations


class PdokGeocoder:
    """Our interface over :class:`PDOKLocatieserver`, cached by normalised query.

    Postcode and house number -> the address (``fq=type:adres``); a postcode alone ->
    the postcode's centre (``type:postcode``); a place -> the place (``type:woonplaats``).
    ``cache`` as for :class:`NominatimGeocoder`; ``geolocator`` replaces the geopy class.
    """

    def __init__(self, *, timeout: float = 3, cache: Any = None, geolocator: Any = None) -> None:
        self.timeout = timeout
        self._cache = cache
        self._geolocator = geolocator

    @property
    def geolocator(self) -> Any:
        if self._geolocator is None:
            self._geolocator = PDOKLocatieserver(timeout=self.timeout)
        return self._geolocator

    cache = NominatimGeocoder.cache
    _cache_get = NominatimGeocoder._cache_get
    _cache_set = NominatimGeocoder._cache_set

    def geocode(
        self, postcode: str | None = None, house_number: str | None = None, place: str | None = None
    ) -> GeocodeResult:
        """Raises GeocodeError when nothing is found, and geopy's errors when the service
        fails; :class:`FallbackGeocoder` handles both."""
        code = _clean_postcode(postcode) if postcode and postcode.strip() else None
        number = " ".join((house_number or "").split()) or None
        if code and number:
            query, fq = f"{code.replace(' ', '')} {number}", "type:adres"
        elif code:
            query, fq = code.replace(" ", ""), "type:postcode"
        elif place and place.strip():
            query, fq = " ".join(place.split()), "type:woonplaats"
        else:
            raise GeocodeError(NOTHING_GIVEN)
        key = PDOK_CACHE_PREFIX + hashlib.sha256(f"{fq}|{normalise_name(query)}".encode()).hexdigest()
        cached = self._cache_get(key)
        if cached is not None:
            return self._result(cached, code, source="cache")
        location = self.geolocator.geocode(query, exactly_one=True, fq=fq, timeout=self.timeout)
        if location is None:
            raise GeocodeError(NOT_FOUND_ONLINE)
        doc = location.raw or {}
        value = {
            "lat": location.latitude,
            "lon": location.longitude,
            "place": doc.get("woonplaatsnaam") or "",
            "municipality": doc.get("gemeentenaam") or "",
            "approximate": doc.get("type") != "adres",
            "buurt_code": doc.get("buurtcode") or None,
            "wijk_code": doc.get("wijkcode") or None,
        }
        self._cache_set(key, value)
        return self._result(value, code, source="pdok")

    @staticmethod
    def _result(value: dict, code: str | None, *, source: Source) -> GeocodeResult:
        return GeocodeResult(
            point=Point(value["lat"], value["lon"]),
            place=value["place"],
            municipality=value["municipality"],
            postcode=code,
            source=source,
            approximate=value["approximate"],
            buurt_code=value.get("buurt_code"),
            wijk_code=value.get("wijk_code"),
        )


class FallbackGeocoder:
    """Ask ``primary``; on an error, a timeout or no result use ``fallback`` and say why."""

    def __init__(self, primary: Geocoder, fallback: Geocoder) -> None:
        self.primary = primary
        self.fallback = fallback

    def geocode(
        self, postcode: str | None = None, house_number: str | None = None, place: str | None = None
    ) -> GeocodeResult:
        try:
            result = self.primary.geocode(postcode=postcode, house_number=house_number, place=place)
        except GeocodeError as error:
            logger.info("online geocoder found nothing: %s", error)
            result = None
        except Exception:
            # geopy's GeopyError (timeouts, unavailable, rate limits) and anything
            # else: the user should never be blocked by a remote service.
            logger.warning("online geocoder failed", exc_info=True)
            result = None
        if result is not None:
            return result
        # Raises GeocodeError (with the user's message) if offline knows nothing either.
        result = self.fallback.geocode(postcode=postcode, house_number=house_number, place=place)
        reason = FALLBACK_POSTCODE if postcode and postcode.strip() else FALLBACK_PLACE
        return GeocodeResult(
            point=result.point,
            place=result.place,
            municipality=result.municipality,
            postcode=result.postcode,
            source=result.source,
            approximate=result.approximate,
            fallback_reason=reason,
        )


def get_geocoder() -> Geocoder:
    """The geocoder named by ``settings.GEOCODER``: "offline" (default), "pdok" or
    "nominatim" (both with the offline gazetteer as fallback; ``GEOCODER_NOMINATIM_URL``
    may name your own Nominatim server, ``GEOCODER_TIMEOUT`` is in seconds)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    kind = (getattr(settings, "GEOCODER", "offline") or "offline").lower()
    if kind == "offline":
        return OfflineGeocoder()
    if kind == "pdok":
        timeout = getattr(settings, "GEOCODER_TIMEOUT", 3)
        return FallbackGeocoder(PdokGeocoder(timeout=timeout), OfflineGeocoder())
    if kind == "nominatim":
        url = getattr(settings, "GEOCODER_NOMINATIM_URL", "") or ""
        parts = urlsplit(url if "//" in url else f"//{url}") if url else None
        domain = (parts.netloc + parts.path.rstrip("/")) if parts else None
        scheme = parts.scheme if parts and parts.scheme else "https"
        timeout = getattr(settings, "GEOCODER_TIMEOUT", 3)
        return FallbackGeocoder(NominatimGeocoder(domain, scheme=scheme, timeout=timeout), OfflineGeocoder())
    raise ImproperlyConfigured(f"GEOCODER must be 'offline', 'pdok' or 'nominatim', not {kind!r}")
