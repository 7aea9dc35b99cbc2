"""django-filter sets of the API's lists. A bad value is a 400 problem, never ignored."""

from __future__ import annotations

import django_filters

from caregivers.models import HelpRequest
from matches.models import BatchRun, Match
from volunteers.models import Volunteer


class VolunteerFilter(django_filters.FilterSet):
    skill = django_filters.CharFilter(field_name="skills__code", max_length=40, distinct=True)
    neighbourhood = django_filters.NumberFilter(field_name="neighbourhood_id")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Volunteer
        fields = ["is_active", "skill", "neighbourhood", "updated_since"]


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HelpRequest.Status.choices)
    kind = django_filters.ChoiceFilter(choices=HelpRequest.Kind.choices)
    urgency = django_filters.ChoiceFilter(choices=HelpRequest.Urgency.choices)
    neighbourhood = django_filters.NumberFilter(field_name="neighbourhood_id")

    class Meta:
        model = HelpRequest
        fields = ["status", "kind", "urgency", "neighbourhood"]


class MatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Match.Status.choices)
    request = django_filters.NumberFilter(field_name="request_id")
    volunteer = django_filters.NumberFilter(field_name="volunteer_id")

    class Meta:
        model = Match
        fields = ["status", "request", "volunteer"]


class BatchRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BatchRun.Status.choices)

    class Meta:
        model = BatchRun
        fields = ["status"]
