"""Forms of the volunteer side (sign-up steps, profile, availability, pause,
deletion) and of the broker's screening pages."""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import SafeModelMultipleChoiceField
from common.languages import COMMON_LANGUAGES
from common.slots import Slot, SlotError, check_no_overlap, slots_from_text
from neighbourhoods.forms import AddressForm
from neighbourhoods.models import Skill
from neighbourhoods.selectors import skills_for_organisation, skills_sorted
from volunteers.models import TARGET_GROUPS, VogCheck, Volunteer
from volunteers.selectors import (
    VOG_STATES,
    neighbourhoods_of_organisation,
    vog_state_q,
    volunteer_status_q,
)
from volunteers.services import MAX_PAUSE_DAYS
from volunteers.widgets import DAY_BLOCKS, WeekGridWidget, grid_choices, grid_value

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SkillChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.display_label


# --- Sign-up steps (also used on the edit page) --------------------------------------


class VolunteerDetailsForm(AddressForm):
    """Who and where: name, phone, home address (geocoded) and how far to travel."""

    require_house_number = True

    first_name = forms.CharField(
        label=_("Voornaam"), max_length=100, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Achternaam"), max_length=150, required=False, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        help_text=_("Dan kan de makelaar u bellen."),
        widget=forms.TextInput({"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    max_distance_km = forms.FloatField(
        label=_("Hoe ver wilt u reizen? (km)"),
        min_value=0.5,
        max_value=100,
        initial=5,
        help_text=_("Hemelsbreed, vanaf uw huis. Lopend is 1 tot 2 km, fietsend ongeveer 5 km."),
        error_messages={
            "min_value": _("Kies een afstand van minstens %(limit_value)s km."),
            "max_value": _("Kies een afstand van hoogstens %(limit_value)s km."),
            "invalid": _("Vul een getal in, bijvoorbeeld 5."),
        },
        widget=forms.NumberInput({"step": "0.5", "inputmode": "decimal"}),
    )

    field_order = ["first_name", "last_name", "phone", "postcode", "house_number", "max_distance_km"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = True
        self.fields["postcode"].error_messages["required"] = _("Vul uw postcode in.")
        self.fields["house_number"].required = True
        self.fields["house_number"].error_messages["required"] = _("Vul ook uw huisnummer in.")
        del self.fields["place"]

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not re.fullmatch(r"\+?[0-9(][0-9 ()-]{5,28}", value):
            raise forms.ValidationError(_("Vul een telefoonnummer in, bijvoorbeeld 06 12345678."), code="invalid")
        return value

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "phone": data["phone"],
            "location": self.location,
            "postcode": data["postcode"],
            "house_number": data["house_number"],
            "max_distance_km": data["max_distance_km"],
        }


class VolunteerSkillsForm(forms.Form):
    """What someone likes to do: the default catalogue plus the organisation's own."""

    skills = SkillChoiceField(
        label=_("Wat doet u graag?"),
        help_text=_("Kies alles wat u leuk vindt. U kunt dit later nog veranderen."),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies minstens één ding dat u graag doet."),
            "invalid_choice": _("Deze keuze kennen we niet: %(value)s."),
            "invalid_pk_value": _("Deze keuze kennen we niet: %(pk)s."),
        },
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["skills"]
        field.queryset = skills_for_organisation(organisation)
        # Sorted by the label people read, which may be a translation.
        field.choices = [(skill.pk, skill.display_label) for skill in skills_sorted(field.queryset)]

    def service_kwargs(self) -> dict:
        return {"skills": list(self.cleaned_data["skills"])}


def slots_as_grid(slots: list[Slot]) -> tuple[list[str], str]:
    """Split stored slots into ticked grid cells and the rest as exact-times text."""
    by_value = {block.slot(day): grid_value(day, block) for day in range(7) for block in DAY_BLOCKS}
    ticked = [by_value[slot] for slot in slots if slot in by_value]
    rest = "; ".join(slot.label() for slot in sorted(slots) if slot not in by_value)
    return ticked, rest


class WeekGridForm(forms.Form):
    """Weekly availability: tick parts of days, or type exact times, or both."""

    grid = forms.MultipleChoiceField(
        label=_("Wanneer kunt u helpen?"),
        help_text=_("Vink aan welke dagdelen u meestal kunt. Elke week opnieuw."),
        required=False,
        choices=grid_choices(),
        widget=WeekGridWidget(),
        error_messages={"invalid_choice": _("Deze keuze kennen we niet: %(value)s.")},
    )
    exact = forms.CharField(
        label=_("Of precieze tijden"),
        required=False,
        max_length=500,
        help_text=_(
            "Kunt u op andere tijden? Schrijf de dag en de tijden, zo: di 13:00-17:00; do 09:00-12:00. "
            "Dagen: ma, di, wo, do, vr, za, zo."
        ),
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_exact(self) -> list[Slot]:
        try:
            return slots_from_text(self.cleaned_data["exact"])
        except SlotError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        grid_slots = [
            block.slot(day)
            for day in range(7)
            for block in DAY_BLOCKS
            if grid_value(day, block) in data.get("grid", [])
        ]
        try:
            data["slots"] = check_no_overlap([*grid_slots, *data.get("exact", [])])
        except SlotError as error:
            self.add_error("exact", str(error))
            return data
        if not data["slots"]:
            raise forms.ValidationError(
                _("Kies minstens één dagdeel, of vul precieze tijden in. Geen tijd? Neem dan even pauze."),
                code="required",
            )
        return data

    @classmethod
    def initial_for(cls, slots: list[Slot]) -> dict:
        ticked, rest = slots_as_grid(slots)
        return {"grid": ticked, "exact": rest}

    def service_kwargs(self) -> dict:
        return {"slots": self.cleaned_data["slots"]}


HELP_KINDS = {
    "one_off": _("Eenmalige hulp, bijvoorbeeld één keer mee naar het ziekenhuis"),
    "recurring": _("Vaste hulp, bijvoorbeeld elke week een wandeling"),
}
_LANGUAGE_SPLIT_RE = re.compile(r"[\s,;/]+")


class VolunteerPreferencesForm(forms.Form):
    """How much, in which languages, what kind of help and for whom."""

    max_active_matches = forms.TypedChoiceField(
        label=_("Hoeveel mensen wilt u tegelijk helpen?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=1,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een aantal."), "invalid_choice": _("Kies een aantal van 1 tot 5.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Welke talen spreekt u?"),
        required=False,
        choices=list(COMMON_LANGUAGES.items()),
        initial=["nl"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Deze taal kennen we niet: %(value)s.")},
    )
    other_languages = forms.CharField(
        label=_("Een andere taal"),
        required=False,
        max_length=30,
        help_text=_(
            "De taalcode van 2 letters, bijvoorbeeld so (Somalisch) of ti (Tigrinya). "
            "Meer talen: zet een komma ertussen."
        ),
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false", "size": 8}),
    )
    help_kinds = forms.MultipleChoiceField(
        label=_("Wat voor hulp wilt u geven?"),
        choices=list(HELP_KINDS.items()),
        initial=list(HELP_KINDS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies eenmalige hulp, vaste hulp of allebei.")},
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Voor wie wilt u het liefst iets doen?"),
        help_text=_("Niets gekozen? Dan kunt u iedereen helpen."),
        required=False,
        choices=list(TARGET_GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Deze groep kennen we niet: %(value)s.")},
    )

    def __init__(self, *args, current_max: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_max and current_max > 5:
            # A broker may have set more than the usual 5; do not lose it on save.
            field = self.fields["max_active_matches"]
            field.choices = [*field.choices, (current_max, str(current_max))]

    def clean_other_languages(self) -> list[str]:
        codes = [code for code in _LANGUAGE_SPLIT_RE.split(self.cleaned_data["other_languages"].strip()) if code]
        for code in codes:
            if not re.fullmatch(r"[A-Za-z]{2}", code):
                raise forms.ValidationError(
                    _("'%(code)s' is geen taalcode van 2 letters. Bijvoorbeeld: so voor Somalisch."),
                    code="invalid",
                    params={"code": code[:10]},
                )
        return [code.lower() for code in codes]

    def clean(self):
        data = super().clean()
        if "languages" in data and "other_languages" in data and not (data["languages"] or data["other_languages"]):
            self.add_error("languages", _("Kies minstens één taal die u spreekt."))
        return data

    @classmethod
    def initial_for(cls, volunteer: Volunteer) -> dict:
        codes = volunteer.language_codes()
        return {
            "max_active_matches": volunteer.max_active_matches,
            "languages": [code for code in codes if code in COMMON_LANGUAGES],
            "other_languages": ", ".join(code for code in codes if code not in COMMON_LANGUAGES),
            "help_kinds": [
                kind
                for kind, wanted in (("one_off", volunteer.wants_one_off), ("recurring", volunteer.wants_recurring))
                if wanted
            ],
            "target_groups": list(volunteer.target_groups),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "max_active_matches": data["max_active_matches"],
            "languages": [*data["languages"], *data["other_languages"]],
            "wants_one_off": "one_off" in data["help_kinds"],
            "wants_recurring": "recurring" in data["help_kinds"],
            "target_groups": data["target_groups"],
        }


# --- Pause and deletion -------------------------------------------------------------


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label=_("Pauze tot en met"),
        help_text=_("Tot en met deze dag krijgt u geen nieuwe vragen. Bijvoorbeeld het einde van uw vakantie."),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Vul een datum in."),
            "invalid": _("Vul een datum in, bijvoorbeeld 31-07-2026."),
        },
    )

    def clean_paused_until(self) -> datetime.date:
        value = self.cleaned_data["paused_until"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("Deze datum is al voorbij. Kies vandaag of een datum later."), code="past")
        if value > today + datetime.timedelta(days=MAX_PAUSE_DAYS):
            raise forms.ValidationError(_("Pauzeren kan tot hoogstens een jaar vooruit."), code="too_far")
        return value


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, verwijder mijn gegevens als vrijwilliger"),
        error_messages={"required": _("Zet een vinkje als u het zeker weet.")},
    )


# --- Broker: screening and the volunteer list ----------------------------------------


class VogForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Stand van zaken"),
        choices=VogCheck.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een stand van zaken.")},
    )
    issued_on = forms.DateField(
        label=_("Datum van afgifte"),
        required=False,
        help_text=_("Staat op de VOG. Verplicht als de VOG in orde is."),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 15-03-2026.")},
    )
    note = forms.CharField(
        label=_("Opmerking"),
        required=False,
        max_length=200,
        help_text=_(
            "Niet verplicht. Kort en zakelijk, bijvoorbeeld 'aangevraagd via Justis'. Nooit de inhoud van de VOG."
        ),
    )

    def clean_issued_on(self) -> datetime.date | None:
        value = self.cleaned_data["issued_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("De datum van afgifte kan niet in de toekomst liggen."), code="future")
        return value

    def clean(self):
        data = super().clean()
        if data.get("status") == VogCheck.Status.VALID and "issued_on" in data and not data["issued_on"]:
            self.add_error("issued_on", _("Vul de datum van afgifte in. Die staat op de VOG."))
        return data


STATUS_CHOICES = [
    ("active", _("beschikbaar")),
    ("paused", _("pauze")),
    ("inactive", _("gestopt")),
]


class VolunteerFilter(django_filters.FilterSet):
    """The broker's volunteer list: by name, neighbourhood, skill, VOG and status."""

    q = django_filters.CharFilter(label=_("Naam"), method="filter_name")
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Buurt"), queryset=None, empty_label=_("Alle buurten"), field_name="neighbourhood"
    )
    skill = django_filters.ChoiceFilter(label=_("Doet graag"), method="filter_skill", empty_label=_("Alles"))
    vog = django_filters.ChoiceFilter(
        label=_("VOG"), choices=list(VOG_STATES.items()), method="filter_vog", empty_label=_("Alle")
    )
    status = django_filters.ChoiceFilter(
        label=_("Beschikbaar"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("Alle")
    )

    class Meta:
        model = Volunteer
        fields: list[str] = []

    def __init__(self, *args, organisation, on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = on
        self.filters["neighbourhood"].queryset = neighbourhoods_of_organisation(organisation)
        self.filters["skill"].extra["choices"] = [
            (str(skill.pk), skill.display_label) for skill in skills_sorted(skills_for_organisation(organisation))
        ]

    def filter_name(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset

    def filter_skill(self, queryset, name, value):
        return queryset.filter(skills__pk=int(value)) if value else queryset

    def filter_vog(self, queryset, name, value):
        return queryset.filter(vog_state_q(value, self.on)) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(volunteer_status_q(value, self.on)) if value else queryset


class VolunteerThanksForm(forms.Form):
    """The organisation's thank-you to its volunteers (``services.volunteer_thanks_update``)."""

    text = forms.CharField(
        label=_("Bedankje aan de vrijwilligers"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Vrijwilligers lezen dit in hun jaaroverzicht en op hun bewijs van inzet. Leeg: een standaardtekst."
        ),
        error_messages={"max_length": _("Hoogstens %(limit_value)d tekens, nu %(show_value)d.")},
    )
