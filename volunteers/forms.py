from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neighbourhoods.forms import AddressForm
from volunteers.models import Skill


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.display_label


class VolunteerStartForm(AddressForm):
    """The first step of becoming a volunteer: who, where, how far, what."""

    require_house_number = True

    first_name = forms.CharField(
        label=_("Voornaam"), max_length=100, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Achternaam"), max_length=150, required=False, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    max_distance_km = forms.FloatField(
        label=_("Hoe ver wilt u reizen? (km)"),
        min_value=0.5,
        max_value=100,
        initial=5,
        error_messages={
            "min_value": _("Kies een afstand van minstens %(limit_value)s km."),
            "max_value": _("Kies een afstand van hoogstens %(limit_value)s km."),
            "invalid": _("Vul een getal in, bijvoorbeeld 5."),
        },
    )
    skills = SkillChoiceField(
        label=_("Wat doet u graag?"),
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één ding dat u graag doet.")},
    )

    field_order = ["first_name", "last_name", "postcode", "house_number", "place", "max_distance_km", "skills"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisation-specific skills follow once the organisation is known (issue #3).
        self.fields["skills"].queryset = Skill.objects.filter(Q(organisation__isnull=True)).order_by("label")
        self.fields["postcode"].required = True
        self.fields["postcode"].error_messages["required"] = _("Vul uw postcode in.")
        self.fields["house_number"].required = True
        self.fields["house_number"].error_messages["required"] = _("Vul ook uw huisnummer in.")
        del self.fields["place"]
