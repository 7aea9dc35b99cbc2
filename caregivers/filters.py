"""Filters of the broker's request queue (django-filter, GET forms).

Bad values (an unknown status, "abc" as an age, a neighbourhood of another
municipality) make the form invalid; django-filter then leaves that one filter
out, and the page shows the error next to it. Never a 500.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caregivers.intake import OPEN_STATUSES, OTHER_STATUSES
from caregivers.models import HelpRequest
from common.widgets import Select
from neighbourhoods.models import Neighbourhood, Organisation

TABS = {
    "open": _("Te doen"),
    "other": _("Afgerond of doorverwezen"),
    "all": _("Alle vragen"),
}
SORT_CHOICES = [
    ("newest", _("Nieuwste eerst")),
    ("waiting", _("Langst wachtend eerst")),
]
ASSIGNED_CHOICES = [
    ("me", _("Aan mij")),
    ("none", _("Aan niemand")),
]
AGE_CHOICES = [
    ("7", _("langer dan 7 dagen")),
    ("14", _("langer dan 14 dagen")),
    ("30", _("langer dan 30 dagen")),
]
SEARCH_MAX_LENGTH = 100


class RequestQueueFilter(django_filters.FilterSet):
    """The queue: a tab (open / other / all), then neighbourhood, kind, urgency,
    status, age and a name search. A chosen status wins over the tab."""

    tab = django_filters.ChoiceFilter(
        label=_("Welke vragen"),
        choices=list(TABS.items()),
        method="filter_tab",
        empty_label=None,
        widget=forms.HiddenInput,
    )
    q = django_filters.CharFilter(
        label=_("Zoek op naam"),
        method="filter_name",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Voornaam, achternaam of nummer (#12)."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Buurt"),
        queryset=Neighbourhood.objects.none(),
        field_name="neighbourhood",
        empty_label=_("Alle buurten"),
        null_label=_("Buurt onbekend"),
        widget=Select,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Soort hulp"), choices=HelpRequest.Kind.choices, empty_label=_("Alle soorten"), widget=Select
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Haast"), choices=HelpRequest.Urgency.choices, empty_label=_("Alle"), widget=Select
    )
    status = django_filters.ChoiceFilter(
        label=_("Stand van zaken"),
        choices=HelpRequest.Status.choices,
        empty_label=_("Alle van dit tabblad"),
        widget=Select,
    )
    age = django_filters.ChoiceFilter(
        label=_("Wacht al"), choices=AGE_CHOICES, method="filter_age", empty_label=_("Maakt niet uit"), widget=Select
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Toegewezen"),
        choices=ASSIGNED_CHOICES,
        method="filter_assigned",
        empty_label=_("Maakt niet uit"),
        widget=Select,
    )

    # The order of the list: the request priority (caregivers.priority) unless the
    # broker asks for the newest or the longest waiting first. The view applies it.
    sort = django_filters.ChoiceFilter(
        label=_("Volgorde"),
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=_("Belangrijkste eerst"),
        widget=Select,
    )

    class Meta:
        model = HelpRequest
        fields: list[str] = []

    def __init__(self, data=None, *args, organisation: Organisation, now: datetime.datetime, user=None, **kwargs):
        # Always bound, so that the default tab ("open") applies without parameters.
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.now = now
        self.user = user  # the broker looking: "assigned to me"
        self.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality__organisations=organisation
        ).select_related("municipality")
        error_messages = {"invalid_choice": _("Deze keuze kennen we niet. Kies een van de mogelijkheden.")}
        for name in ("tab", "neighbourhood", "kind", "urgency", "status", "age", "assigned", "sort"):
            self.form.fields[name].error_messages.update(error_messages)
        self.form.fields["q"].error_messages["max_length"] = _(
            "Zoek met hoogstens %(limit_value)d tekens (nu %(show_value)d)."
        )

    @property
    def tab_value(self) -> str:
        """The tab in use (``open`` when none or an unknown one was asked for)."""
        self.form.errors  # noqa: B018 -- validates the form, which fills cleaned_data
        return self.form.cleaned_data.get("tab") or "open"

    def filter_queryset(self, queryset):
        # The tab sets the default statuses; an explicit (valid) status wins.
        if not self.form.cleaned_data.get("status"):
            tab = self.tab_value
            if tab == "open":
                queryset = queryset.filter(status__in=OPEN_STATUSES)
            elif tab == "other":
                queryset = queryset.filter(status__in=OTHER_STATUSES)
        return super().filter_queryset(queryset)

    @property
    def sort_value(self) -> str:
        """``newest``, ``waiting`` or ``priority`` (the default, also for an unknown one)."""
        self.form.errors  # noqa: B018 -- validates the form, which fills cleaned_data
        return self.form.cleaned_data.get("sort") or "priority"

    def filter_sort(self, queryset, name, value):
        return queryset  # the order is applied by the view (caregivers.views.broker.queue)

    def filter_tab(self, queryset, name, value):
        return queryset  # applied in filter_queryset, together with the status

    def filter_name(self, queryset, name, value):
        for word in value.split()[:5]:
            condition = Q()
            # SQLite's LIKE folds ASCII only ("özdemir" would miss "Özdemir"): try the usual casings too.
            for variant in {word, word.lower(), word.capitalize(), word.upper()}:
                condition |= Q(requester_first_name__icontains=variant) | Q(requester_last_name__icontains=variant)
            number = word.lstrip("#")
            if number.isdigit() and len(number) < 10:
                condition |= Q(pk=int(number))
            queryset = queryset.filter(condition)
        return queryset

    def filter_assigned(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "me":
            user_id = getattr(self.user, "pk", None)
            return queryset.filter(assigned_to_id=user_id) if user_id else queryset.none()
        return queryset

    def filter_age(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(created_at__lt=self.now - datetime.timedelta(days=int(value)))
