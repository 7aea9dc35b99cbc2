"""The public activities of an organisation: the same open, not-yet-ended activities as
``/activiteiten/`` (``activities.selectors.public_activities``), read-only, for anyone,
cached like the public vacancies. Nothing private: no sign-ups, no names."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView

from activities.models import Activity
from activities.selectors import public_activities
from api.pagination import Cursor
from api.serializers import PublicActivitySerializer
from api.views.vacancies import _PublicVacancies


class _PublicActivities(_PublicVacancies):
    serializer_class = PublicActivitySerializer
    queryset = Activity.objects.none()

    def scoped_queryset(self):
        return public_activities().filter(organisation=self.organisation)


@extend_schema_view(get=extend_schema(tags=["activities"], summary="Activiteiten / Activities"))
class ActivityList(_PublicActivities, ListAPIView):
    """Open activiteiten van de centrale, zoals op /activiteiten/; zonder sleutel.
    / The centre's open activities, as on /activiteiten/; no token needed."""

    pagination_class = Cursor

    def list(self, request, *args, **kwargs):
        return self.cached(request, lambda: super(ActivityList, self).list(request, *args, **kwargs))


@extend_schema_view(get=extend_schema(tags=["activities"], summary="Een activiteit / An activity"))
class ActivityDetail(_PublicActivities, RetrieveAPIView):
    """Eén open activiteit; een afgelaste of afgelopen activiteit is 404.
    / One open activity; a cancelled or ended one is 404."""

    def retrieve(self, request, *args, **kwargs):
        return self.cached(request, lambda: super(ActivityDetail, self).retrieve(request, *args, **kwargs))
