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
