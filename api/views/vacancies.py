"""The public vacancies of an organisation's partners: the same published, reviewed,
not-yet-over vacancies as the public search ``/vacatures/`` (``partners.selectors.
public_vacancies``, filtered by the same ``partners.filters.VacancyFilter``), read-only,
for anyone: no token, a session of anyone, or a token of the organisation with
``read:public``. Nothing private: no responses, no partner e-mail or phone, no people.

Answers are kept in the shared cache for ``API_PUBLIC_CACHE_SECONDS`` (a partner's
website asks for the same page again and again) and carry an ETag like every read."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from api.access import public_organisation
from api.filters import PublicVacancyFilter, StrictFilterBackend
from api.pagination import Cursor
from api.serializers import PublicVacancySerializer, both
from api.views.base import ApiView
from partners.filters import DISTANCES, KINDS, PARTS
from partners.models import Vacancy
from partners.selectors import public_vacancies


def _query(name: str, nl: str, en: str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=both(nl, en), enum=enum)


FILTER_PARAMETERS = [
    _query("skill", "Code van het soort werk, bijvoorbeeld shopping.", "Skill code, e.g. shopping."),
    _query("from_home", "Alleen vanuit huis of telefonisch.", "Only from home or by phone.", ["true", "false"]),
    _query("kind", "Eenmalig, vast of flexibel.", "One-off, weekly or flexible.", [k for k, _label in KINDS]),
    _query("day", "Dag: 0 maandag tot 6 zondag.", "Day: 0 Monday to 6 Sunday.", [str(d) for d in range(7)]),
    _query("part", "Deel van de dag.", "Part of the day.", list(PARTS)),
    _query("postcode", "Postcode, het midden van de afstand.", "Postcode, the centre for the distance."),
    _query("distance", "Afstand in km (met postcode).", "Distance in km (needs postcode).", [d for d, _l in DISTANCES]),
]


class _PublicVacancies(ApiView):
    serializer_class = PublicVacancySerializer
    queryset = Vacancy.objects.none()

    def initial(self, request, *args, **kwargs):
        # Not ApiView's: no caller needed, only the organisation (a token: its own).
        GenericAPIView.initial(self, request, *args, **kwargs)
        self.organisation = public_organisation(request, slug=kwargs.get("slug", ""))

    def scoped_queryset(self):
        return public_vacancies().filter(partner__organisation=self.organisation)

    def cached(self, request, answer):
        """``answer()``'s data from the shared cache, per organisation and full address
        (the pages' ``next`` links hold the host)."""
        seconds = settings.API_PUBLIC_CACHE_SECONDS
        if seconds <= 0:
            return answer()
        address = request.build_absolute_uri()
        key = "api:public:" + hashlib.sha256(f"{self.organisation.pk}|{address}".encode()).hexdigest()
        data = cache.get(key)
        if data is None:
            response = answer()
            cache.set(key, response.data, seconds)
        else:
            response = Response(data)
        response["Cache-Control"] = f"public, max-age={seconds}"
        return response


@extend_schema_view(
    get=extend_schema(
        tags=["vacancies"],
        summary="Vacatures / Vacancies",
        parameters=FILTER_PARAMETERS,
    )
)
class VacancyList(_PublicVacancies, ListAPIView):
    """Open vacatures van de partners, zoals op /vacatures/; zonder sleutel.
    / The partners' open vacancies, as on /vacatures/; no token needed."""

    pagination_class = Cursor
    filterset_class = PublicVacancyFilter
    filter_backends = [StrictFilterBackend]

    def list(self, request, *args, **kwargs):
        return self.cached(request, lambda: super(VacancyList, self).list(request, *args, **kwargs))


@extend_schema_view(get=extend_schema(tags=["vacancies"], summary="Een vacature / A vacancy"))
class VacancyDetail(_PublicVacancies, RetrieveAPIView):
    """Eén open vacature; een gesloten of verlopen vacature is 404.
    / One open vacancy; a closed or expired one is 404."""

    def retrieve(self, request, *args, **kwargs):
        return self.cached(request, lambda: super(VacancyDetail, self).retrieve(request, *args, **kwargs))
