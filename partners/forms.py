"""Forms of the partner pages, the centre's partner page and the public vacancy search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import SafeModelMultipleChoiceField
from common.slots import SlotError, format_slots, slots_from_text
from neighbourhoods.forms import PostcodeField
from neighbourhoods.geocoding import GeocodeError, get_geocoder
from neighbourhoods.selectors import skills_for_organisation, skills_sorted
from partners.models import Partner, Vacancy

NOTE_MAX = 500


class PartnerInviteForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de organisatie"),
        max_length=150,
        help_text=_("Bijvoorbeeld: Voedselbank Arnhem of Voetbalclub Velp."),
        error_messages={"required": _("Vul de naam van de organisatie in.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort organisatie"),
        choices=Partner.Kind.choices,
        error_messages={"required": _("Kies een soort organisatie."), "invalid_choice": _("Kies uit de lijst.")},
    )
    email = forms.EmailField(
        label=_("E-mailadres van de contactpersoon"),
        max_length=254,
        help_text=_("Deze persoon krijgt een mail met een link om een wachtwoord te kiezen."),
        error_messages={
            "required": _("Vul een e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )


class PartnerSettingsForm(forms.Form):
    review_first_vacancies = forms.BooleanField(
        label=_("Eerste vacatures van een partner eerst controleren"),
        required=False,
        help_text=_("De eerste twee vacatures van een nieuwe partner komen pas online als een beheerder ze goedkeurt."),
    )


class PartnerProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ("name", "kind", "description", "place", "email", "phone", "website")
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "description": _("Wat doet uw organisatie, en voor wie? Dit staat bij uw vacatures."),
            "email": _("Het algemene adres van uw organisatie, niet van één persoon."),
        }


class VacancyForm(forms.Form):
    """A vacancy. The place is geocoded here (like the address forms); times are the
    weekly slots people type elsewhere (``common.slots``)."""

    title = forms.CharField(
        label=_("Titel"), max_length=120, error_messages={"required": _("Geef de vacature een titel.")}
    )
    description = forms.CharField(
        label=_("Wat gaat de vrijwilliger doen?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Vertel wat de vrijwilliger gaat doen.")},
    )
    skills = SafeModelMultipleChoiceField(
        label=_("Soort werk"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies uit de lijst."), "invalid_pk_value": _("Kies uit de lijst.")},
    )
    from_home = forms.BooleanField(label=_("Vanuit huis of telefonisch"), required=False)
    postcode = PostcodeField(required=False, label=_("Postcode van de plek"))
    place = forms.CharField(label=_("Of: plaats"), max_length=100, required=False)
    when = forms.ChoiceField(
        label=_("Wanneer"),
        choices=Vacancy.When.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wanneer het werk is."), "invalid_choice": _("Kies uit de lijst.")},
    )
    date = forms.DateField(
        label=_("Datum (bij eenmalig)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 25-10-2026.")},
    )
    start_time = forms.TimeField(
        label=_("Van (bij eenmalig)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("Vul een tijd in, bijvoorbeeld 13:00.")},
    )
    end_time = forms.TimeField(
        label=_("Tot (bij eenmalig)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("Vul een tijd in, bijvoorbeeld 17:00.")},
    )
    slots = forms.CharField(
        label=_("Vaste tijden (bij elke week)"),
        required=False,
        max_length=500,
        help_text=_("Bijvoorbeeld: di 13:00-17:00; do 9-12"),
    )
    hours = forms.DecimalField(
        label=_("Uren per keer"),
        required=False,
        min_value=0.5,
        max_value=40,
        decimal_places=1,
        max_digits=4,
        error_messages={
            "invalid": _("Vul een getal in, bijvoorbeeld 2 of 2,5."),
            "min_value": _("Kies een getal van 0,5 tot en met 40."),
            "max_value": _("Kies een getal van 0,5 tot en met 40."),
            "max_decimal_places": _("Hooguit één cijfer achter de komma."),
            "max_digits": _("Kies een getal van 0,5 tot en met 40."),
        },
    )
    needs_vog = forms.BooleanField(label=_("Een VOG is nodig"), required=False)
    minimum_age = forms.IntegerField(
        label=_("Minimale leeftijd"),
        required=False,
        min_value=12,
        max_value=99,
        error_messages={
            "invalid": _("Vul een heel getal in."),
            "min_value": _("Kies een leeftijd van 12 tot en met 99."),
            "max_value": _("Kies een leeftijd van 12 tot en met 99."),
        },
    )
    places = forms.IntegerField(
        label=_("Aantal plaatsen"),
        min_value=1,
        max_value=500,
        initial=1,
        error_messages={
            "required": _("Vul in hoeveel vrijwilligers u zoekt."),
            "invalid": _("Vul een heel getal in."),
            "min_value": _("Er is minstens één plaats nodig."),
            "max_value": _("Kies hooguit 500 plaatsen."),
        },
    )
    until = forms.DateField(
        label=_("Zichtbaar tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 25-10-2026.")},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = skills_for_organisation(organisation)
        self.fields["skills"].choices = [
            (skill.pk, skill.display_label) for skill in skills_sorted(skills_for_organisation(organisation))
        ]
        self.point = None

    def clean_slots(self):
        try:
            return slots_from_text(self.cleaned_data["slots"])
        except SlotError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def clean(self):
        data = super().clean()
        if self.errors or data.get("from_home"):
            return data
        postcode, place = data.get("postcode"), (data.get("place") or "").strip()
        if not postcode and not place:
            self.add_error("postcode", _("Vul de postcode of plaats in, of kies 'vanuit huis of telefonisch'."))
            return data
        try:
            location = get_geocoder().geocode(postcode=postcode or None, place=None if postcode else place)
        except GeocodeError as error:
            self.add_error("postcode" if postcode else "place", str(error))
            return data
        self.point = location.point
        data["place"] = place or location.place
        return data

    @classmethod
    def initial_for(cls, vacancy: Vacancy) -> dict:
        return {
            "title": vacancy.title,
            "description": vacancy.description,
            "skills": list(vacancy.skills.values_list("pk", flat=True)),
            "from_home": vacancy.from_home,
            "postcode": vacancy.postcode,
            "place": vacancy.place,
            "when": vacancy.when,
            "date": vacancy.date,
            "start_time": vacancy.start_time,
            "end_time": vacancy.end_time,
            "slots": format_slots(slot.as_slot() for slot in vacancy.slots.all()),
            "hours": vacancy.hours,
            "needs_vog": vacancy.needs_vog,
            "minimum_age": vacancy.minimum_age,
            "places": vacancy.places,
            "until": vacancy.until,
        }

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["point"] = self.point
        data["place"] = data.get("place") or ""
        data["postcode"] = data.get("postcode") or ""
        data["slots"] = data.get("slots") or []
        return data


class ResponseForm(forms.Form):
    note = forms.CharField(
        label=_("Korte toelichting"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom wilt u dit doen? Wanneer kunt u? Hooguit 500 tekens."),
        error_messages={"max_length": _("Schrijf hooguit 500 tekens.")},
    )

    def __init__(self, *args, vacancy: Vacancy, **kwargs):
        super().__init__(*args, **kwargs)
        if vacancy.minimum_age:
            self.fields["age_confirmed"] = forms.BooleanField(
                label=_("Ik ben %(age)d jaar of ouder") % {"age": vacancy.minimum_age},
                error_messages={
                    "required": _("Voor dit werk moet u minstens %(age)d jaar zijn.") % {"age": vacancy.minimum_age}
                },
            )
