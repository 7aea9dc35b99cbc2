"""Address input: a Dutch postcode and house number, or a place name."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from neighbourhoods.geo import InvalidPostcode, normalise_postcode
from neighbourhoods.geocoding import GeocodeError, GeocodeResult, get_geocoder

HOUSE_NUMBER_RE = re.compile(r"^[1-9][0-9]{0,4}(\s?[-/]?\s?[A-Za-z0-9]{1,4})?$")


class PostcodeField(forms.CharField):
    """Accepts 1234AB, 1234 ab and 1234 AB; stores 1234 AB."""

    default_error_messages = {
        "invalid": _("Een Nederlandse postcode bestaat uit 4 cijfers en 2 letters, bijvoorbeeld 6811 AB."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("label", _("Postcode"))
        kwargs.setdefault("help_text", _("Bijvoorbeeld 6811 AB"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "postal-code", "inputmode": "text", "size": 8})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalise_postcode(value)
        except InvalidPostcode:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class AddressForm(forms.Form):
    """Postcode + house number (the usual way), or only a place name."""

    postcode = PostcodeField(required=False)
    house_number = forms.CharField(
        label=_("Huisnummer"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"}),
        help_text=_("Met toevoeging als dat nodig is, bijvoorbeeld 12a"),
    )
    place = forms.CharField(
        label=_("Of: plaats"),
        max_length=100,
        required=False,
        help_text=_("Weet u de postcode niet? Vul dan de plaats in."),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    require_house_number = False

    def clean_house_number(self) -> str:
        value = self.cleaned_data["house_number"].strip()
        if value and not HOUSE_NUMBER_RE.match(value):
            raise forms.ValidationError(_("Vul een huisnummer in, bijvoorbeeld 12 of 12a."), code="invalid")
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        postcode, house_number, place = data.get("postcode"), data.get("house_number"), data.get("place", "").strip()
        if not postcode and not place:
            raise forms.ValidationError(_("Vul uw postcode in, of de plaats waar u woont."), code="required")
        if postcode and self.require_house_number and not house_number:
            self.add_error("house_number", _("Vul ook uw huisnummer in."))
            return data
        try:
            self.location: GeocodeResult = get_geocoder().geocode(
                postcode=postcode or None, house_number=house_number or None, place=None if postcode else place
            )
        except GeocodeError as error:
            self.add_error("postcode" if postcode else "place", str(error))
        return data


# --- The organisation's settings page ----------------------------------------------------


def _number(label, help_text, field: str, **kwargs) -> forms.IntegerField:
    from neighbourhoods.orgsettings import NUMBER_BOUNDS

    bounds = NUMBER_BOUNDS[field]
    message = _("Kies een getal van %(min)d tot en met %(max)d.") % {"min": bounds.minimum, "max": bounds.maximum}
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=bounds.minimum,
        max_value=bounds.maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
        error_messages={
            "invalid": _("Vul een heel getal in."),
            "required": _("Vul een getal in."),
            "min_value": message,
            "max_value": message,
        },
        **kwargs,
    )


class OrganisationContactForm(forms.Form):
    """Name, contact details and the sender of the mails: the first step of the guided
    set-up, and the first part of the settings page. The service
    (neighbourhoods.orgsettings) checks everything again."""

    name = forms.CharField(
        label=_("Naam van de organisatie"),
        max_length=150,
        error_messages={"required": _("Vul de naam van de organisatie in.")},
    )
    email = forms.CharField(label=_("E-mailadres"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    website = forms.CharField(
        label=_("Website"), max_length=200, required=False, help_text=_("Bijvoorbeeld https://www.voorbeeld.nl")
    )
    sender_name = forms.CharField(
        label=_("Naam van de afzender"),
        max_length=100,
        required=False,
        help_text=_("Deze naam zien mensen bij de mails van uw organisatie. Leeg: de naam van de organisatie."),
    )
    sender_email = forms.CharField(
        label=_("E-mailadres van de afzender"),
        max_length=254,
        required=False,
        help_text=_("Leeg: het adres van Buurtmakelaar. Alleen adressen waarvan de mailserver mag versturen."),
    )
    GROUPS: tuple = (
        (_("Naam en contact"), ("name", "email", "phone", "website")),
        (_("Afzender van de mails"), ("sender_name", "sender_email")),
    )

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class OrganisationSettingsForm(OrganisationContactForm):
    """Contact details, sender of the mails, VOG validity and reminder intervals."""

    vog_valid_years = _number(
        _("Een VOG is geldig (jaren)"),
        _("Zo lang na de datum van afgifte telt een VOG. Daarna vragen we een nieuwe."),
        "vog_valid_years",
    )
    waiting_flag_days = _number(
        _("Een hulpvraag wacht lang na (dagen)"),
        _("Vragen die langer wachten krijgen een markering in de lijst."),
        "waiting_flag_days",
    )
    proposal_reminder_days = _number(
        _("Herinnering aan de vrijwilliger na (dagen)"),
        _("Zo lang na een voorstel zonder antwoord krijgt de vrijwilliger een herinnering."),
        "proposal_reminder_days",
    )
    proposal_alert_days = _number(
        _("Seintje aan de makelaar na (dagen)"),
        _("Zo lang na een voorstel zonder antwoord krijgt de makelaar een mail."),
        "proposal_alert_days",
    )
    first_checkin_days = _number(
        _("Eerste check-in na (dagen)"),
        _("Zo lang na de start van een koppeling vragen we de makelaar om te bellen hoe het gaat."),
        "first_checkin_days",
    )
    checkin_every_days = _number(
        _("Daarna check-in elke (dagen)"),
        _("Zo vaak daarna vragen we om weer te bellen."),
        "checkin_every_days",
    )
    carer_checkin_reminder_days = _number(
        _("Mantelzorger vragen hoe het gaat, elke (dagen)"),
        _(
            "Zo lang na de laatste belasting-check krijgt een mantelzorger een vriendelijke mail om weer in te "
            "vullen hoe het gaat (als die dat wil)."
        ),
        "carer_checkin_reminder_days",
    )

    GROUPS = OrganisationContactForm.GROUPS + (
        (_("VOG"), ("vog_valid_years",)),
        (
            _("Herinneringen"),
            (
                "waiting_flag_days",
                "proposal_reminder_days",
                "proposal_alert_days",
                "first_checkin_days",
                "checkin_every_days",
                "carer_checkin_reminder_days",
            ),
        ),
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("Een PNG- of JPEG-afbeelding van hooguit 1 MB. Medewerkers zien het bovenaan de pagina."),
        error_messages={
            "required": _("Kies een bestand."),
            "empty": _("Dit bestand is leeg."),
            "invalid": _("Kies een bestand."),
            "max_length": _("De naam van het bestand is te lang."),
        },
        max_length=200,
    )


class FrontDoorForm(forms.Form):
    """The municipality's Wmo-loket or sociaal wijkteam (``orgsettings.front_door_update``)."""

    name = forms.CharField(
        label=_("Naam van het loket of wijkteam"),
        max_length=150,
        required=False,
        help_text=_("Bijvoorbeeld: Wmo-loket gemeente Arnhem, of Sociaal wijkteam Velp."),
    )
    phone = forms.CharField(
        label=_("Telefoon"),
        max_length=30,
        required=False,
        help_text=_("Het algemene nummer, bijvoorbeeld 14 026. Nooit het nummer van een persoon."),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een webadres in dat begint met https://.")},
    )
    opening_hours = forms.CharField(
        label=_("Wanneer bereikbaar"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: maandag tot en met vrijdag van 9 tot 17 uur."),
    )


class CarerAppreciationForm(forms.Form):
    """The mantelzorgwaardering of a municipality (``orgsettings.carer_appreciation_update``)."""

    text = forms.CharField(
        label=_("Tekst voor mantelzorgers"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Een bedankje en wat de gemeente mantelzorgers geeft, bijvoorbeeld: "
            "Elk jaar krijgt u als mantelzorger een cadeaubon van de gemeente. Aanvragen kan tot 1 december."
        ),
    )
    link = forms.URLField(
        label=_("Link om aan te vragen"),
        max_length=300,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een webadres in dat begint met https://.")},
    )


class MunicipalityAddForm(forms.Form):
    municipality = forms.CharField(
        label=_("Gemeente toevoegen"),
        max_length=100,
        help_text=_("De naam zoals CBS die schrijft, bijvoorbeeld Land van Cuijk."),
        error_messages={"required": _("Vul de naam van een gemeente in.")},
    )


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul een e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        error_messages={"required": _("Kies een rol."), "invalid_choice": _("Kies een rol uit de lijst.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Gemeente (alleen bij de rol gemeente)"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Kies een gemeente uit het werkgebied.")},
    )

    def __init__(self, *args, organisation, **kwargs):
        from neighbourhoods.models import StaffMembership
        from neighbourhoods.orgsettings import INVITABLE_ROLES

        super().__init__(*args, **kwargs)
        labels = dict(StaffMembership.Role.choices)
        self.fields["role"].choices = [(role.value, labels[role.value]) for role in INVITABLE_ROLES]
        self.fields["municipality"].queryset = organisation.municipalities.order_by("name")
