"""The public vacancy search (django-filter, a GET form). A bad value (an unknown
skill, a postcode we cannot find, "abc" as a distance) makes that filter's field show
an error and the filter is left out; never a 500."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.geo import Point, haversine_km
from common.slots import DAY_NAMES
from neighbourhoods.forms import PostcodeField
from neighbourhoods.geocoding import GeocodeError, get_geocoder
from neighbourhoods.models import Skill
from partners.models import Vacancy, VacancySlot

DISTANCES = [("2", _("2 km")), ("5", _("5 km")), ("10", _("10 km")), ("25", _("25 km"))]
# Parts of the day, wall-clock: a vacancy fits when its time overlaps the part.
PARTS = {
    "morning": (_("ochtend (tot 12 uur)"), datetime.time(0, 0), datetime.time(12, 0)),
    "afternoon": (_("middag (12 tot 18 uur)"), datetime.time(12, 0), datetime.time(18, 0)),
    "evening": (_("avond (na 18 uur)"), datetime.time(18, 0), datetime.time(23, 59, 59)),
}
KINDS = [("one_off", _("eenmalig")), ("weekly", _("vast, elke week")), ("flexible", _("flexibel"))]
# Degrees of latitude per km; a box first, then the exact distance.
KM_PER_DEGREE = 111.0


class VacancyFilter(django_filters.FilterSet):
    skill = django_filters.ModelChoiceFilter(
        label=_("Soort werk"), queryset=Skill.objects.none(), field_name="skills", empty_label=_("Alle soorten werk")
    )
    postcode = django_filters.CharFilter(label=_("Uw postcode"), method="filter_nothing")
    distance = django_filters.ChoiceFilter(
        label=_("Afstand"), choices=DISTANCES, method="filter_distance", empty_label=_("Elke afstand")
    )
    day = django_filters.ChoiceFilter(
        label=_("Dag"),
        choices=[(str(i), name) for i, name in enumerate(DAY_NAMES)],
        method="filter_time",
        empty_label=_("Elke dag"),
    )
    part = django_filters.ChoiceFilter(
        label=_("Deel van de dag"),
        choices=[(key, label) for key, (label, _start, _end) in PARTS.items()],
        method="filter_time",
        empty_label=_("Hele dag"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Eenmalig of vast"), choices=KINDS, field_name="when", empty_label=_("Allebei")
    )
    from_home = django_filters.BooleanFilter(
        label=_("Alleen vanuit huis of telefonisch"),
        field_name="from_home",
        widget=forms.CheckboxInput,
        method="filter_from_home",
    )

    class Meta:
        model = Vacancy
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["skill"].queryset = Skill.objects.filter(
            Q(organisation__isnull=True) | Q(vacancies__isnull=False)
        ).distinct()
        self.form.fields["postcode"] = PostcodeField(required=False, label=_("Uw postcode"))
        self.origin = None

    def filter_queryset(self, queryset):
        # The form is validated by now; the postcode is looked up once, before the filters.
        self._check_postcode(self.form)
        return super().filter_queryset(queryset)

    def _check_postcode(self, form) -> None:
        postcode, distance = form.cleaned_data.get("postcode"), form.cleaned_data.get("distance")
        if distance and not postcode:
            form.add_error("postcode", _("Vul uw postcode in om op afstand te zoeken."))
            return
        if not postcode:
            return
        try:
            self.origin = get_geocoder().geocode(postcode=postcode).point
        except GeocodeError as error:
            form.add_error("postcode", str(error))

    def filter_nothing(self, queryset, name, value):
        return queryset  # the postcode is the origin of the distance filter

    def filter_from_home(self, queryset, name, value):
        return queryset.filter(from_home=True) if value else queryset

    def filter_distance(self, queryset, name, value):
        if self.origin is None:
            return queryset
        km = float(value)
        box = km / KM_PER_DEGREE
        near = queryset.filter(
            from_home=False,
            latitude__range=(self.origin.lat - box, self.origin.lat + box),
            longitude__range=(self.origin.lon - 2 * box, self.origin.lon + 2 * box),
        )
        ids = [
            pk
            for pk, lat, lon in near.values_list("pk", "latitude", "longitude")
            if haversine_km(self.origin, Point(lat, lon)) <= km
        ]
        # Work from home can be done from anywhere.
        return queryset.filter(Q(pk__in=ids) | Q(from_home=True))

    def filter_time(self, queryset, name, value):
        data = self.form.cleaned_data
        day, part = data.get("day"), data.get("part")
        if name == "part" and day:
            return queryset  # both at once, when the day filter runs
        start, end = (PARTS[part][1], PARTS[part][2]) if part else (datetime.time(0, 0), datetime.time(23, 59, 59))
        slots = VacancySlot.objects.filter(vacancy=OuterRef("pk"), start__lt=end, end__gt=start)
        one_off = Q(when=Vacancy.When.ONE_OFF, start_time__lt=end, end_time__gt=start)
        if day:
            weekday = int(day)
            slots = slots.filter(weekday=weekday)
            # Django's week_day: 1 is Sunday, 7 Saturday.
            one_off &= Q(date__week_day=(weekday + 1) % 7 + 1)
        # A flexible vacancy fits any time.
        return queryset.filter(Exists(slots) | one_off | Q(when=Vacancy.When.FLEXIBLE))
