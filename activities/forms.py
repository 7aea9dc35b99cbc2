"""Forms of the activity pages: the centre's activity form (from a demand signal too),
a broker signing someone up, the waiting list's order, signing oneself up and the
answer to an offer."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, SignUp
from activities.services import MAX_DATES, PARTS, DateTime
from common.forms import SafeModelChoiceField
from common.slots import SlotError, format_slots, slots_from_text
from neighbourhoods.forms import PostcodeField
from neighbourhoods.geocoding import GeocodeError, get_geocoder
from partners.models import Partner

_DATE_LINE = re.compile(
    r"^\s*(?P<date>\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{1,2}-\d{1,2})\s+"
    r"(?P<start>\d{1,2}(?::\d{2})?)\s*-\s*(?P<end>\d{1,2}(?::\d{2})?)\s*$"
)


def _time(text: str) -> datetime.time:
    hours, _sep, minutes = text.partition(":")
    return datetime.time(int(hours), int(minutes or 0))


def parse_dates(text: str) -> list[DateTime]:
    """One date per line: ``25-12-2026 14:00-16:30`` (or ``2026-12-25 14-16``)."""
    result = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        found = _DATE_LINE.match(line)
        if not found:
            raise forms.ValidationError(
                _("Schrijf elke datum op een eigen regel, bijvoorbeeld: 25-12-2026 14:00-16:00."), code="invalid"
            )
        raw = found["date"]
        try:
            if raw[4] == "-":
                date = datetime.date.fromisoformat("-".join(part.zfill(2) for part in raw.split("-")))
            else:
                day, month, year = (int(part) for part in raw.split("-"))
                date = datetime.date(year, month, day)
            start, end = _time(found["start"]), _time(found["end"])
        except ValueError:
            raise forms.ValidationError(
                _("Deze datum of tijd bestaat niet: %(line)s") % {"line": line.strip()[:40]}, code="invalid"
            ) from None
        if end <= start:
            raise forms.ValidationError(_("De eindtijd moet na de begintijd liggen."), code="invalid")
        result.append(DateTime(date, start, end))
    if len(result) > MAX_DATES:
        raise forms.ValidationError(_("Vul hooguit %(n)s datums in.") % {"n": MAX_DATES}, code="invalid")
    return result


def format_dates(dates) -> str:
    return "\n".join(f"{d.date:%d-%m-%Y} {d.start:%H:%M}-{d.end:%H:%M}" for d in dates)


_PLACES_ERRORS = {
    "required": _("Vul in hoeveel plaatsen er zijn."),
    "invalid": _("Vul een heel getal in."),
}


class ActivityForm(forms.Form):
    """An activity. The place is geocoded here, like the vacancy form."""

    title = forms.CharField(
        label=_("Titel"), max_length=120, error_messages={"required": _("Geef de activiteit een titel.")}
    )
    description = forms.CharField(
        label=_("Wat gebeurt er?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Vertel wat er gebeurt bij de activiteit.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort activiteit"),
        choices=Activity.Kind.choices,
        error_messages={"required": _("Kies een soort activiteit."), "invalid_choice": _("Kies uit de lijst.")},
    )
    audience = forms.ChoiceField(
        label=_("Voor wie"),
        choices=Activity.Audience.choices,
        error_messages={"required": _("Kies voor wie de activiteit is."), "invalid_choice": _("Kies uit de lijst.")},
    )
    partner = SafeModelChoiceField(
        label=_("Georganiseerd voor partner"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Laat leeg als de centrale het zelf organiseert."),
        error_messages={"invalid_choice": _("Kies een partner uit de lijst.")},
    )
    schedule = forms.ChoiceField(
        label=_("Wanneer"),
        choices=Activity.Schedule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wanneer de activiteit is."), "invalid_choice": _("Kies uit de lijst.")},
    )
    dates = forms.CharField(
        label=_("Datums (bij één of meer datums)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén datum per regel, met de tijd. Bijvoorbeeld: 25-12-2026 14:00-16:00"),
    )
    slots = forms.CharField(
        label=_("Vaste tijden (bij elke week)"),
        required=False,
        max_length=500,
        help_text=_("Bijvoorbeeld: di 13:00-17:00; do 9-12"),
    )
    until = forms.DateField(
        label=_("Loopt tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Vul in tot wanneer de activiteit loopt."),
            "invalid": _("Vul een datum in, bijvoorbeeld 25-10-2026."),
        },
    )
    participant_places = forms.IntegerField(
        label=_("Plaatsen voor deelnemers"),
        min_value=1,
        max_value=500,
        error_messages={
            **_PLACES_ERRORS,
            "min_value": _("Er is minstens één plaats voor deelnemers nodig."),
            "max_value": _("Kies hooguit 500 plaatsen."),
        },
    )
    volunteer_places = forms.IntegerField(
        label=_("Plaatsen voor vrijwilligers"),
        min_value=0,
        max_value=100,
        initial=0,
        error_messages={
            **_PLACES_ERRORS,
            "min_value": _("Vul 0 of meer plaatsen voor vrijwilligers in."),
            "max_value": _("Kies hooguit 100 plaatsen."),
        },
    )
    waiting_order = forms.ChoiceField(
        label=_("Volgorde van de wachtlijst"),
        choices=Activity.WaitingOrder.choices,
        initial=Activity.WaitingOrder.FIRST_COME,
        error_messages={"required": _("Kies de volgorde."), "invalid_choice": _("Kies uit de lijst.")},
    )
    postcode = PostcodeField(required=False, label=_("Postcode van de plek"))
    house_number = forms.CharField(label=_("Huisnummer"), max_length=10, required=False)
    place = forms.CharField(label=_("Of: plaats"), max_length=100, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(organisation=organisation, is_active=True)
        self.point = None

    def clean_dates(self):
        return parse_dates(self.cleaned_data["dates"])

    def clean_slots(self):
        try:
            return slots_from_text(self.cleaned_data["slots"])
        except SlotError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        postcode, place = data.get("postcode"), (data.get("place") or "").strip()
        if not postcode and not place:
            self.add_error("postcode", _("Vul de postcode of plaats in."))
            return data
        try:
            location = get_geocoder().geocode(
                postcode=postcode or None,
                house_number=(data.get("house_number") or None) if postcode else None,
                place=None if postcode else place,
            )
        except GeocodeError as error:
            self.add_error("postcode" if postcode else "place", str(error))
            return data
        self.point = location.point
        data["place"] = place or location.place
        return data

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        return {
            "title": activity.title,
            "description": activity.description,
            "kind": activity.kind,
            "audience": activity.audience,
            "partner": activity.partner_id,
            "schedule": activity.schedule,
            "dates": format_dates(activity.dates.all()),
            "slots": format_slots(slot.as_slot() for slot in activity.slots.all()),
            "until": activity.until,
            "participant_places": activity.participant_places,
            "volunteer_places": activity.volunteer_places,
            "waiting_order": activity.waiting_order,
            "postcode": activity.postcode,
            "house_number": activity.house_number,
            "place": activity.place,
        }

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["point"] = self.point
        for name in ("place", "postcode", "house_number"):
            data[name] = data.get(name) or ""
        data["dates"] = data.get("dates") or []
        data["slots"] = data.get("slots") or []
        return data


class DemandForm(forms.Form):
    """The demand signal an activity is made from (the link on the demand page)."""

    neighbourhood = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    skill = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    weekday = forms.IntegerField(required=False, min_value=0, max_value=6)
    part = forms.ChoiceField(required=False, choices=[("", "")] + [(p, p) for p in PARTS])


class BrokerSignUpForm(forms.Form):
    """A broker signs someone of the organisation up, by the e-mail address of their
    profile or account."""

    role = forms.ChoiceField(
        label=_("Als"),
        choices=SignUp.Role.choices,
        widget=forms.RadioSelect,
        initial=SignUp.Role.PARTICIPANT,
        error_messages={"required": _("Kies deelnemer of vrijwilliger."), "invalid_choice": _("Kies uit de lijst.")},
    )
    email = forms.EmailField(
        label=_("E-mailadres van de persoon"),
        max_length=254,
        help_text=_("Het adres van een mantelzorger, hulpvrager of vrijwilliger van de centrale."),
        error_messages={
            "required": _("Vul een e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )


class WaitingOrderForm(forms.Form):
    order = forms.ChoiceField(
        label=_("Volgorde van de wachtlijst"),
        choices=Activity.WaitingOrder.choices,
        error_messages={"required": _("Kies de volgorde."), "invalid_choice": _("Kies uit de lijst.")},
    )


class SignUpForm(forms.Form):
    """Signing oneself up: as a participant, or (a volunteer) to help."""

    role = forms.ChoiceField(
        label=_("Ik wil"),
        choices=[(SignUp.Role.PARTICIPANT, _("meedoen")), (SignUp.Role.HELPER, _("helpen als vrijwilliger"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of u meedoet of helpt."), "invalid_choice": _("Kies uit de lijst.")},
    )


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", _("Ja, ik kom")), ("decline", _("Nee, geef de plaats aan een ander"))],
        error_messages={"required": _("Kies ja of nee."), "invalid_choice": _("Kies ja of nee.")},
    )
