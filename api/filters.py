"""django-filter sets of the API's lists. A bad value is a 400 problem, never ignored."""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from caregivers.models import HelpRequest
from matches.models import BatchRun, Evaluation, HoursEntry, Match
from partners.filters import VacancyFilter
from volunteers.models import Volunteer

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number in the database's range (else 400, not an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class YesNoFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``; anything else is a 400 (django-filter's boolean ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("label", "true / false")
        super().__init__(*args, **kwargs)


class VolunteerFilter(django_filters.FilterSet):
    is_active = YesNoFilter()
    skill = django_filters.CharFilter(field_name="skills__code", max_length=40, distinct=True)
    neighbourhood = IdFilter(field_name="neighbourhood_id")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Volunteer
        fields = ["is_active", "skill", "neighbourhood", "updated_since"]


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HelpRequest.Status.choices)
    kind = django_filters.ChoiceFilter(choices=HelpRequest.Kind.choices)
    urgency = django_filters.ChoiceFilter(choices=HelpRequest.Urgency.choices)
    neighbourhood = IdFilter(field_name="neighbourhood_id")

    class Meta:
        model = HelpRequest
        fields = ["status", "kind", "urgency", "neighbourhood"]


class MatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Match.Status.choices)
    request = IdFilter(field_name="request_id")
    volunteer = IdFilter(field_name="volunteer_id")

    class Meta:
        model = Match
        fields = ["status", "request", "volunteer"]


class BatchRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BatchRun.Status.choices)

    class Meta:
        model = BatchRun
        fields = ["status"]


class PublicVacancyFilter(VacancyFilter):
    """The public vacancy search of ``/vacatures/`` (``partners.filters.VacancyFilter``:
    day, part of the day, one-off or weekly, postcode and distance), with the API's
    spelling of two filters: a skill by its code, as everywhere in the API, and
    ``from_home`` as ``true``/``false`` (the web page's checkbox takes any text as yes)."""

    skill = django_filters.CharFilter(field_name="skills__code", max_length=40, distinct=True)
    from_home = YesNoFilter(method="filter_from_home")

    class Meta(VacancyFilter.Meta):
        pass


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, plus the errors a filter set finds while it filters (the
    vacancy search looks the postcode up then): a 400, not a filter silently left out."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        filtered = filterset.qs
        if filterset.form.errors:
            raise utils.translate_validation(filterset.form.errors)
        return filtered


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class MonthField(forms.CharField):
    """``YYYY-MM`` as the first day of that month."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        found = _MONTH.match(value)
        if not found or not 1900 <= int(found[1]) <= 2999 or not 1 <= int(found[2]) <= 12:
            raise forms.ValidationError(_("Gebruik JJJJ-MM, bijvoorbeeld 2026-03."), code="invalid")
        return datetime.date(int(found[1]), int(found[2]), 1)


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
class MonthFilter(django_filters.Filter):
    """The rows of one month (``YYYY-MM``) of a date, or of a moment in the local time zone."""

    field_class = MonthField

    def __init__(self, *args, moment: bool = False, **kwargs):
        self.moment = moment
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        start, end = value, (value + datetime.timedelta(days=32)).replace(day=1)
        if self.moment:
            start, end = (
                timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in (start, end)
            )
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class HoursFilter(django_filters.FilterSet):
    month = MonthFilter(field_name="date")
    match = IdFilter(field_name="match_id")
    approved = YesNoFilter(method="filter_approved")

    class Meta:
        model = HoursEntry
        fields = ["month", "match", "approved"]

    def filter_approved(self, queryset, name, value):
        return queryset.filter(approved_at__isnull=not value)


class EvaluationFilter(django_filters.FilterSet):
    month = MonthFilter(field_name="created_at", moment=True)
    match = IdFilter(field_name="match_id")
    goal_reached = django_filters.ChoiceFilter(choices=Evaluation.Goal.choices)

    class Meta:
        model = Evaluation
        fields = ["month", "match", "goal_reached"]
