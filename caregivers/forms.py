"""Forms for mantelzorgers and help seekers: registration, the person cared for,
the burden check-in, requests (with their times) and withdrawing a request.

Forms check what a person can fix on the page (formats, required fields, times
that make sense); the services check the rules again before storing anything.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from caregivers.models import CareRecipient, HelpRequest, Mantelzorger, NetworkMember
from caregivers.services import (
    DESCRIPTION_MAX,
    GOAL_MAX,
    MAX_CARE_HOURS,
    MAX_DAYS_AHEAD,
    MAX_NETWORK_MEMBERS,
    NETWORK_NAME_MAX,
    NETWORK_WHAT_MAX,
    NOTES_MAX,
    OWN_STRENGTH_MAX,
    REASON_MAX,
    NetworkMemberData,
)
from common.forms import SafeModelChoiceField
from common.languages import COMMON_LANGUAGES, language_code
from common.phone import dutch_phone
from common.slots import Slot, SlotError, check_no_overlap, parse_slots
from neighbourhoods.forms import AddressForm

SLOT_ROWS = 3
DATE_ROWS = 5
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,22}$")

TOO_LONG = _("Schrijf hoogstens %(limit_value)s tekens. Nu zijn het er %(show_value)s.")


class PhoneField(forms.CharField):
    default_error_messages = {"invalid": _("Vul een telefoonnummer in, bijvoorbeeld 026 123 45 67 of 06 12345678.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Telefoonnummer"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and (not PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 6):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def _text_field(*, label, limit: int, required: bool = False, help_text="", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG},
    )


class _StrictAddressForm(AddressForm):
    """Postcode and house number, both required (no place-only look-up)."""

    require_house_number = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = True
        self.fields["postcode"].error_messages["required"] = _("Vul de postcode in.")
        self.fields["house_number"].required = True
        self.fields["house_number"].error_messages["required"] = _("Vul ook het huisnummer in.")
        del self.fields["place"]


# --- The ladder: own strength, who helps, the goal, the language -----------------------

OTHER_LANGUAGE = "other"


class LanguageFormMixin(forms.Form):
    """The preferred language: one of the common languages, or another one by its
    two-letter code. After is_valid(): ``cleaned_data["language"]`` ('' = no preference)."""

    preferred_language = forms.ChoiceField(
        label=_("In welke taal praat de persoon het liefst?"),
        required=False,
        choices=[
            ("", _("Geen voorkeur")),
            *COMMON_LANGUAGES.items(),
            (OTHER_LANGUAGE, _("Een andere taal")),
        ],
        help_text=_("Dan zoeken we het liefst een vrijwilliger die die taal spreekt."),
        error_messages={"invalid_choice": _("Kies een taal uit de lijst.")},
    )
    other_language = forms.CharField(
        label=_("Andere taal"),
        required=False,
        max_length=10,
        help_text=_("De taalcode van 2 letters, bijvoorbeeld so (Somalisch) of ti (Tigrinya)."),
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false", "size": 4}),
        error_messages={"max_length": TOO_LONG},
    )

    def clean(self):
        data = super().clean()
        choice, other = data.get("preferred_language"), data.get("other_language", "")
        if "preferred_language" in self.errors or "other_language" in self.errors:
            return data
        if choice == OTHER_LANGUAGE or (not choice and other):
            try:
                code = language_code(other)
            except ValueError:
                code = None
            if not code:
                self.add_error(
                    "other_language",
                    _("Schrijf de taalcode van 2 letters, bijvoorbeeld so voor Somalisch."),
                )
                return data
            data["language"] = code
        else:
            data["language"] = choice or ""
        return data

    @staticmethod
    def language_initial(code: str) -> dict:
        if not code or code in COMMON_LANGUAGES:
            return {"preferred_language": code, "other_language": ""}
        return {"preferred_language": OTHER_LANGUAGE, "other_language": code}


class NetworkMemberForm(forms.Form):
    """Someone in the person's network: who, and what they do or could do. The broker's
    version adds contact details, kept only with the person's consent."""

    with_contact = False

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Voornaam of omschrijving"),
        max_length=NETWORK_NAME_MAX,
        help_text=_("Bijvoorbeeld: Anja, of: de buurvrouw."),
        error_messages={"required": _("Vul een voornaam of omschrijving in."), "max_length": TOO_LONG},
    )
    relation = forms.ChoiceField(
        label=_("Wie is het?"),
        choices=[("", _("– kies –")), *NetworkMember.Relation.choices],
        error_messages={"required": _("Kies wie het is."), "invalid_choice": _("Kies wie het is.")},
    )
    helps = forms.ChoiceField(
        label=_("Helpt al of zou kunnen helpen?"),
        choices=[("", _("– kies –")), *NetworkMember.Helps.choices],
        error_messages={
            "required": _("Kies of deze persoon al helpt of zou kunnen helpen."),
            "invalid_choice": _("Kies of deze persoon al helpt of zou kunnen helpen."),
        },
    )
    what = forms.CharField(
        label=_("Wat doet deze persoon, of wat zou kunnen?"),
        required=False,
        max_length=NETWORK_WHAT_MAX,
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.with_contact:
            self.fields["contact_consent"] = forms.BooleanField(
                label=_("De persoon vindt het goed dat we het telefoonnummer of e-mailadres bewaren"),
                required=False,
            )
            self.fields["phone"] = PhoneField(label=_("Telefoonnummer (alleen met toestemming)"))
            self.fields["email"] = forms.EmailField(
                label=_("E-mailadres (alleen met toestemming)"),
                required=False,
                max_length=254,
                error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")},
            )

    def clean(self):
        data = super().clean()
        if self.with_contact and (data.get("phone") or data.get("email")) and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _("Bewaar contactgegevens alleen met toestemming. Zet het vinkje, of haal ze weg."),
            )
        return data

    def member(self) -> NetworkMemberData:
        data = self.cleaned_data
        return NetworkMemberData(
            id=data.get("id"),
            name=data["name"],
            relation=data["relation"],
            helps=data["helps"],
            what=data.get("what", ""),
            contact_consent=bool(data.get("contact_consent")),
            phone=data.get("phone", "") or "",
            email=data.get("email", "") or "",
        )


class BaseNetworkFormSet(forms.BaseFormSet):
    def members(self) -> list[NetworkMemberData]:
        """Who the person named: every stored member shown on the page (changed or not;
        left out only when "verwijderen" is ticked) and every new row that was filled in."""
        initial = self.initial_form_count()
        return [
            form.member()
            for i, form in enumerate(self.forms)
            if (i < initial or form.has_changed()) and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    @property
    def all_errors(self) -> list[str]:
        errors = list(self.non_form_errors())
        for form in self.forms:
            for field_errors in form.errors.values():
                errors.extend(field_errors)
        return errors


class NetworkMemberContactForm(NetworkMemberForm):
    """The broker's version: contact details, with the person's consent."""

    with_contact = True


def network_formset(*, with_contact: bool, extra: int = 2, can_delete: bool | None = None):
    """The network's rows; the broker's have contact fields. ``can_delete`` (default: the
    broker's) adds "verwijderen" to stored rows, for a page that changes a stored network."""
    return forms.formset_factory(
        NetworkMemberContactForm if with_contact else NetworkMemberForm,
        formset=BaseNetworkFormSet,
        extra=extra,
        max_num=MAX_NETWORK_MEMBERS,
        validate_max=True,
        absolute_max=MAX_NETWORK_MEMBERS,
        can_delete=with_contact if can_delete is None else can_delete,
    )


def network_initial(request: HelpRequest) -> list[dict]:
    return [
        {
            "id": m.pk,
            "name": m.name,
            "relation": m.relation,
            "helps": m.helps,
            "what": m.what,
            "contact_consent": m.contact_consent,
            "phone": m.phone,
            "email": m.email,
        }
        for m in request.network.all()
    ]


class OwnStrengthForm(LanguageFormMixin):
    """The optional parts of a request in the person's own words: what they can do
    themselves, their goal, and the language they prefer."""

    own_strength = _text_field(
        label=_("Wat kunt u zelf, of wat doen mensen om u heen al?"),
        limit=OWN_STRENGTH_MAX,
        help_text=_("Bijvoorbeeld: ik kan zelf nog koken, mijn zoon doet de boodschappen in het weekend."),
        rows=3,
    )
    goal_own_words = _text_field(
        label=_("Wat wilt u bereiken?"),
        limit=GOAL_MAX,
        help_text=_("In uw eigen woorden. Bijvoorbeeld: ik wil weer één keer per week naar buiten."),
        rows=3,
    )

    field_order = ["own_strength", "goal_own_words", "preferred_language", "other_language"]


# --- Mantelzorger -----------------------------------------------------------------


class MantelzorgerForm(_StrictAddressForm):
    """About the carer: name, where they live, how to reach them, for whom they care."""

    first_name = forms.CharField(
        label=_("Uw voornaam"),
        max_length=100,
        widget=forms.TextInput({"autocomplete": "given-name"}),
        error_messages={"required": _("Vul uw voornaam in.")},
    )
    last_name = forms.CharField(
        label=_("Uw achternaam"),
        max_length=150,
        required=False,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    phone = PhoneField(help_text=_("Dan kan de makelaar u bellen."))
    relation = forms.ChoiceField(
        label=_("Voor wie zorgt u?"),
        choices=Mantelzorger.Relation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies voor wie u zorgt.")},
    )
    care_hours_per_week = forms.IntegerField(
        label=_("Hoeveel uur per week zorgt u ongeveer?"),
        required=False,
        min_value=0,
        max_value=MAX_CARE_HOURS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
        error_messages={
            "min_value": _("Vul een aantal uren in van 0 tot en met 168."),
            "max_value": _("Vul een aantal uren in van 0 tot en met 168. Zoveel uren heeft een week."),
            "invalid": _("Vul een heel getal in, bijvoorbeeld 20."),
        },
    )

    field_order = ["first_name", "last_name", "postcode", "house_number", "phone", "relation", "care_hours_per_week"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].error_messages["required"] = _("Vul uw postcode in.")
        self.fields["house_number"].error_messages["required"] = _("Vul ook uw huisnummer in.")


class CareRecipientForm(forms.Form):
    """The person cared for, kept minimal: this is health data."""

    name = forms.CharField(
        label=_("Voornaam of roepnaam"),
        max_length=50,
        help_text=_("Alleen een voornaam of roepnaam. Meer hoeven we niet te weten."),
        error_messages={"required": _("Vul een voornaam of roepnaam in."), "max_length": TOO_LONG},
    )
    age_band = forms.ChoiceField(
        label=_("Leeftijd"),
        choices=CareRecipient.AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een leeftijd."), "invalid_choice": _("Kies een leeftijd.")},
    )
    situation = forms.ChoiceField(
        label=_("Wat past het best bij de situatie?"),
        choices=CareRecipient.Situation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wat het best past."),
            "invalid_choice": _("Kies wat het best past."),
        },
    )
    notes = _text_field(
        label=_("Wat moet een vrijwilliger weten?"),
        limit=NOTES_MAX,
        help_text=_("Kort, hoogstens 500 tekens. Bijvoorbeeld: houdt van muziek, loopt met een rollator."),
        rows=3,
    )


class CareEndedForm(forms.Form):
    """The day the care ended (empty: the care goes on). Checked again by ``care_ended_set``."""

    ended_on = forms.DateField(
        label=_("De zorg is gestopt op"),
        required=False,
        help_text=_("Laat leeg als u nog voor iemand zorgt."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-01.")},
    )

    def __init__(self, *args, mantelzorger=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mantelzorger = mantelzorger
        self.fields["ended_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_ended_on(self):
        value = self.cleaned_data.get("ended_on")
        if value is None:
            return None
        if value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst. Vul de dag in waarop de zorg stopte."))
        made = self.mantelzorger.created_at if self.mantelzorger is not None else None
        if made and value < timezone.localdate(made):
            raise forms.ValidationError(
                _("De zorg kan niet gestopt zijn vóór de aanmelding als mantelzorger (%(date)s).")
                % {"date": timezone.localdate(made).strftime("%d-%m-%Y")}
            )
        return value


class BurdenCheckInForm(forms.Form):
    """How heavy does care feel? A 0-10 scale and four yes/no signals."""

    score = forms.TypedChoiceField(
        label=_("Hoe zwaar voelt de zorg nu?"),
        help_text=_("0 is helemaal niet zwaar. 10 is veel te zwaar."),
        choices=[
            (0, _("0 – niet zwaar")),
            *((i, str(i)) for i in range(1, 10)),
            (10, _("10 – veel te zwaar")),
        ],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={
            "required": _("Kies een getal van 0 tot en met 10."),
            "invalid_choice": _("Kies een getal van 0 tot en met 10."),
        },
    )
    sleeps_badly = forms.BooleanField(label=_("Ik slaap slecht door de zorg"), required=False)
    no_time_for_self = forms.BooleanField(label=_("Ik heb geen tijd meer voor mezelf"), required=False)
    health_suffers = forms.BooleanField(label=_("Mijn eigen gezondheid gaat achteruit"), required=False)
    feels_alone = forms.BooleanField(label=_("Ik sta er alleen voor"), required=False)


# --- When: weekly times or dates ----------------------------------------------------


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"invalid": _("Vul een tijd in, bijvoorbeeld 13:30.")},
    )


class ScheduleForm(forms.Form):
    """When help is wanted: up to three weekly rows (day, from, to) or the slot
    text ("di 13:00-17:00"), or up to five dates with a time. After is_valid():
    ``cleaned_data["weekly_slots"]`` (list of Slot) and ``cleaned_data["dates"]``
    (list of (date, start, end))."""

    slots_text = forms.CharField(
        label=_("Of schrijf de tijden per week zo"),
        required=False,
        max_length=300,
        help_text=_("Bijvoorbeeld: di 13:00-17:00; do 09:00-12:00"),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = [("", _("– kies een dag –")), *((str(i), WEEKDAYS[i]) for i in range(7))]
        today = timezone.localdate()
        for i in range(1, SLOT_ROWS + 1):
            self.fields[f"slot_{i}_day"] = forms.ChoiceField(
                label=_("Dag"),
                choices=days,
                required=False,
                error_messages={"invalid_choice": _("Kies een dag van maandag tot en met zondag.")},
            )
            self.fields[f"slot_{i}_start"] = _time_field(_("Van"))
            self.fields[f"slot_{i}_end"] = _time_field(_("Tot"))
            for part, text in (("day", _("dag")), ("start", _("van")), ("end", _("tot"))):
                self.fields[f"slot_{i}_{part}"].summary_label = _("Tijd %(n)s, %(part)s") % {"n": i, "part": text}
        for i in range(1, DATE_ROWS + 1):
            self.fields[f"date_{i}"] = forms.DateField(
                label=_("Datum"),
                required=False,
                widget=forms.DateInput(
                    attrs={
                        "type": "date",
                        "min": today.isoformat(),
                        "max": (today + datetime.timedelta(days=MAX_DAYS_AHEAD)).isoformat(),
                    },
                    format="%Y-%m-%d",
                ),
                input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
                error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 24-06-2025.")},
            )
            self.fields[f"date_{i}_start"] = _time_field(_("Van"))
            self.fields[f"date_{i}_end"] = _time_field(_("Tot"))
            for part, text in (("", _("datum")), ("_start", _("van")), ("_end", _("tot"))):
                self.fields[f"date_{i}{part}"].summary_label = _("Datum %(n)s, %(part)s") % {"n": i, "part": text}
        self.fields["slots_text"].summary_label = self.fields["slots_text"].label

    @property
    def slot_rows(self):
        return [
            (self[f"slot_{i}_day"], self[f"slot_{i}_start"], self[f"slot_{i}_end"]) for i in range(1, SLOT_ROWS + 1)
        ]

    @property
    def date_rows(self):
        return [(self[f"date_{i}"], self[f"date_{i}_start"], self[f"date_{i}_end"]) for i in range(1, DATE_ROWS + 1)]

    def _rows_in_use(self, names: list[str]) -> bool:
        """Whether any of these fields holds a value or an error (then their rows are shown)."""
        if not self.is_bound:
            return False
        return any(self.data.get(self.add_prefix(name)) or name in self.errors for name in names)

    @property
    def extra_slot_rows_open(self) -> bool:
        names = [f"slot_{i}_{part}" for i in range(2, SLOT_ROWS + 1) for part in ("day", "start", "end")]
        return self._rows_in_use([*names, "slots_text"])

    @property
    def extra_date_rows_open(self) -> bool:
        return self._rows_in_use(
            [f"date_{i}{part}" for i in range(2, DATE_ROWS + 1) for part in ("", "_start", "_end")]
        )

    def _row_has_errors(self, names: list[str]) -> bool:
        return any(name in self.errors for name in names)

    def _weekly_rows(self) -> list[Slot]:
        slots: list[Slot] = []
        for i in range(1, SLOT_ROWS + 1):
            names = [f"slot_{i}_day", f"slot_{i}_start", f"slot_{i}_end"]
            if self._row_has_errors(names):
                continue
            day, start, end = (self.cleaned_data.get(name) for name in names)
            if not day and start is None and end is None:
                continue
            if not day:
                self.add_error(names[0], _("Kies een dag."))
            if start is None:
                self.add_error(names[1], _("Vul de begintijd in."))
            if end is None:
                self.add_error(names[2], _("Vul de eindtijd in."))
            if day and start is not None and end is not None:
                try:
                    slots.append(Slot(int(day), start, end))
                except SlotError as error:
                    self.add_error(names[2], str(error))
        return slots

    def _date_rows(self, today: datetime.date) -> list[tuple[datetime.date, datetime.time, datetime.time]]:
        rows = []
        for i in range(1, DATE_ROWS + 1):
            names = [f"date_{i}", f"date_{i}_start", f"date_{i}_end"]
            if self._row_has_errors(names):
                continue
            day, start, end = (self.cleaned_data.get(name) for name in names)
            if day is None and start is None and end is None:
                continue
            if day is None:
                self.add_error(names[0], _("Vul de datum in."))
            elif day < today:
                self.add_error(names[0], _("Deze datum is al voorbij. Kies vandaag of een latere datum."))
            elif day > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
                self.add_error(names[0], _("Kies een datum binnen een jaar."))
            if start is None:
                self.add_error(names[1], _("Vul de begintijd in."))
            if end is None:
                self.add_error(names[2], _("Vul de eindtijd in."))
            elif start is not None and end <= start:
                self.add_error(
                    names[2],
                    _(
                        "De eindtijd moet na de begintijd liggen. Gaat het over middernacht? "
                        "Vul dan twee data in: tot 23:59 en vanaf 00:00 de dag erna."
                    ),
                )
            if day is not None and start is not None and end is not None and not self._row_has_errors(names):
                rows.append((day, start, end))
        return rows

    def clean(self):
        data = super().clean()
        slots = self._weekly_rows()
        if "slots_text" not in self.errors and data.get("slots_text"):
            try:
                slots += parse_slots(data["slots_text"])
            except SlotError as error:
                self.add_error("slots_text", str(error))
        try:
            slots = check_no_overlap(slots)
        except SlotError as error:
            self.add_error(None, str(error))
        dates = self._date_rows(timezone.localdate())
        if not self.errors:
            if slots and dates:
                self.add_error(
                    None, _("Kies óf vaste tijden per week, óf losse data. Niet allebei. Haal één van de twee weg.")
                )
            elif not slots and not dates:
                self.add_error(
                    None, _("Vul in wanneer u hulp wilt: elke week op een vaste tijd, of op een of meer data.")
                )
        data["weekly_slots"] = slots
        data["dates"] = dates
        return data


# --- Requests -----------------------------------------------------------------------


class UrgencyField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Hoe snel is de hulp nodig?"))
        kwargs.setdefault(
            "choices",
            [
                (HelpRequest.Urgency.LOW, _("Het kan wachten")),
                (HelpRequest.Urgency.NORMAL, _("Binnen een paar weken")),
                (HelpRequest.Urgency.HIGH, _("Het is dringend")),
            ],
        )
        kwargs.setdefault("initial", HelpRequest.Urgency.NORMAL)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault(
            "error_messages",
            {"required": _("Kies hoe snel de hulp nodig is."), "invalid_choice": _("Kies hoe snel de hulp nodig is.")},
        )
        super().__init__(**kwargs)


class CareRecipientChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: CareRecipient) -> str:
        return f"{obj.name} ({obj.get_situation_display()})"


class RespiteRequestForm(_StrictAddressForm):
    """Respite (respijtzorg): a volunteer takes over for a few hours."""

    care_recipient = CareRecipientChoiceField(
        label=_("Voor wie zorgt de vrijwilliger?"),
        queryset=CareRecipient.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Kies voor wie de vrijwilliger zorgt."),
            "invalid_choice": _("Kies iemand uit de lijst. Die persoon kennen we niet bij u."),
        },
    )
    description = _text_field(
        label=_("Wat moet de vrijwilliger weten?"),
        limit=DESCRIPTION_MAX,
        help_text=_("Bijvoorbeeld: wat hij of zij fijn vindt, waar u op moet letten, of er een huisdier is."),
    )
    urgency = UrgencyField()

    field_order = ["care_recipient", "postcode", "house_number", "description", "urgency"]

    def __init__(self, *args, mantelzorger: Mantelzorger, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_recipient"].queryset = CareRecipient.objects.filter(mantelzorger=mantelzorger).order_by("pk")
        self.fields["postcode"].help_text = _("Het adres waar de vrijwilliger komt. Meestal is dat uw eigen adres.")


# What someone needs help with, in plain words: the kind of request and the skill
# a volunteer needs for it.
HELP_WITH: dict[str, tuple[str, str | None, str]] = {
    "shopping": (HelpRequest.Kind.PRACTICAL, "shopping", _("Boodschappen doen")),
    "odd_jobs": (HelpRequest.Kind.PRACTICAL, "odd_jobs", _("Een klusje in huis")),
    "gardening": (HelpRequest.Kind.PRACTICAL, "gardening", _("De tuin")),
    "paperwork": (HelpRequest.Kind.PRACTICAL, "paperwork", _("Post en administratie")),
    "digital": (HelpRequest.Kind.PRACTICAL, "digital", _("Computer, tablet of telefoon")),
    "cooking": (HelpRequest.Kind.PRACTICAL, "cooking", _("Een maaltijd")),
    "companionship": (HelpRequest.Kind.COMPANIONSHIP, "companionship", _("Gezelschap, een praatje")),
    "walking": (HelpRequest.Kind.COMPANIONSHIP, "walking", _("Samen wandelen")),
    "transport": (HelpRequest.Kind.TRANSPORT, "transport", _("Vervoer, bijvoorbeeld naar de dokter")),
    "language": (HelpRequest.Kind.OTHER, "language", _("Nederlands leren of oefenen")),
    "other": (HelpRequest.Kind.OTHER, None, _("Iets anders")),
}


class HelpRequestForm(_StrictAddressForm):
    """A practical, companionship, transport or other request from anyone, for
    themselves or for someone else."""

    help_with = forms.ChoiceField(
        label=_("Waarbij zoekt u hulp?"),
        choices=[(code, label) for code, (_kind, _skill, label) in HELP_WITH.items()],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies waarbij u hulp zoekt."), "invalid_choice": _("Kies waarbij u hulp zoekt.")},
    )
    description = _text_field(
        label=_("Wat is er nodig?"),
        limit=DESCRIPTION_MAX,
        required=True,
        help_text=_("Vertel kort wat u nodig heeft. Bijvoorbeeld: elke week boodschappen bij de supermarkt."),
    )
    for_someone_else = forms.BooleanField(
        label=_("Ik vraag hulp voor iemand anders"),
        required=False,
        help_text=_("Vul dan hieronder de naam en het adres van die persoon in."),
    )
    first_name = forms.CharField(
        label=_("Voornaam van wie de hulp krijgt"),
        max_length=100,
        error_messages={"required": _("Vul de voornaam in van wie de hulp krijgt.")},
    )
    last_name = forms.CharField(label=_("Achternaam van wie de hulp krijgt"), max_length=150, required=False)
    phone = PhoneField(help_text=_("Dan kan de makelaar u bellen."))
    urgency = UrgencyField()

    field_order = [
        "help_with",
        "description",
        "for_someone_else",
        "first_name",
        "last_name",
        "postcode",
        "house_number",
        "phone",
        "urgency",
    ]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("Vertel kort wat er nodig is.")
        self.fields["postcode"].help_text = _("Waar de hulp nodig is.")

    def clean(self):
        data = super().clean()
        if data.get("for_someone_else") and data.get("first_name"):
            same_first = data["first_name"].strip().casefold() == (self.user.first_name or "").strip().casefold()
            same_last = (data.get("last_name") or "").strip().casefold() == (
                self.user.last_name or ""
            ).strip().casefold()
            if same_first and same_last:
                self.add_error("first_name", _("Vul de naam in van degene voor wie u hulp vraagt, niet uw eigen naam."))
        return data

    @property
    def kind(self) -> str:
        return HELP_WITH[self.cleaned_data["help_with"]][0]

    @property
    def skill_code(self) -> str | None:
        return HELP_WITH[self.cleaned_data["help_with"]][1]


class WithdrawForm(forms.Form):
    reason = _text_field(
        label=_("Waarom trekt u de vraag in?"),
        limit=REASON_MAX,
        help_text=_("Dat helpt ons. U hoeft het niet te zeggen."),
        rows=3,
    )


# --- Asking without an account (caregivers.asking) ----------------------------------------

# What someone needs, as in the account form, plus respite for a carer.
ASK_HELP_WITH: dict[str, tuple[str, str | None, str]] = {
    **HELP_WITH,
    "respite": (
        HelpRequest.Kind.RESPITE,
        "respite",
        _("Even tijd voor mezelf: iemand blijft bij mijn naaste (respijtzorg)"),
    ),
}
ASK_HELP_WITH["other"] = ASK_HELP_WITH.pop("other")  # "Iets anders" stays last
CALL_TIME_MAX = 100


class AskWithoutAccountForm(_StrictAddressForm):
    """The public form: who, how to reach them, where, what is needed, when to call.
    ``website`` is a honeypot: people do not see it, and a form that fills it in is
    treated as a robot (the view pretends success and stores nothing)."""

    help_with = forms.ChoiceField(
        label=_("Waarbij zoekt u hulp?"),
        choices=[(code, label) for code, (_kind, _skill, label) in ASK_HELP_WITH.items()],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies waarbij u hulp zoekt."), "invalid_choice": _("Kies waarbij u hulp zoekt.")},
    )
    description = _text_field(
        label=_("Wat is er nodig?"),
        limit=DESCRIPTION_MAX,
        required=True,
        help_text=_("Vertel kort wat er nodig is. Bijvoorbeeld: elke week boodschappen doen bij de supermarkt."),
    )
    for_someone_else = forms.BooleanField(
        label=_("Ik vraag hulp voor iemand anders"),
        required=False,
        help_text=_("Bijvoorbeeld voor uw moeder of een buurman. Vul dan ook uw eigen naam in."),
    )
    first_name = forms.CharField(
        label=_("Voornaam van wie de hulp krijgt"),
        max_length=100,
        help_text=_("Vraagt u voor uzelf? Dan is dat uw eigen voornaam."),
        error_messages={"required": _("Vul de voornaam in van wie de hulp krijgt."), "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_name = forms.CharField(
        label=_("Uw eigen naam"),
        max_length=100,
        required=False,
        help_text=_("Alleen als u voor iemand anders vraagt."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        help_text=_("Dan belt de makelaar u terug. Vraagt u voor iemand anders? Vul dan uw eigen nummer in."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        required=False,
        help_text=_("Heeft u geen telefoon? Dan mailt de makelaar u."),
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    call_time = forms.CharField(
        label=_("Wanneer kunnen we u het beste bellen?"),
        max_length=CALL_TIME_MAX,
        required=False,
        help_text=_("Bijvoorbeeld: dinsdagochtend, of na 16 uur."),
        error_messages={"max_length": TOO_LONG},
    )
    # The honeypot (see the class docstring); named like a field robots like to fill.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = [
        "help_with",
        "description",
        "for_someone_else",
        "first_name",
        "contact_name",
        "postcode",
        "house_number",
        "phone",
        "email",
        "call_time",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("Vertel kort wat er nodig is.")
        self.fields["postcode"].help_text = _("Waar de hulp nodig is. Bijvoorbeeld 6811 AB.")

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in (checked on the raw data, before validation)."""
        return bool(self.is_bound and (self.data.get("website") or "").strip())

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not dutch_phone(value):
            raise forms.ValidationError(
                _("Vul een Nederlands telefoonnummer in van 10 cijfers, bijvoorbeeld 06 12345678 of 026 123 45 67."),
                code="invalid",
            )
        return value

    def clean(self):
        data = super().clean()
        if (
            "phone" not in self.errors
            and "email" not in self.errors
            and not data.get("phone")
            and not data.get("email")
        ):
            self.add_error("phone", _("Vul een telefoonnummer of een e-mailadres in. Dan kunnen we u bereiken."))
        someone_else = data.get("for_someone_else") and "contact_name" not in self.errors
        if someone_else and not (data.get("contact_name") or "").strip():
            self.add_error("contact_name", _("Vul uw eigen naam in. Dan weet de makelaar wie er belt."))
        return data

    @property
    def kind(self) -> str:
        return ASK_HELP_WITH[self.cleaned_data["help_with"]][0]

    @property
    def skill_code(self) -> str | None:
        return ASK_HELP_WITH[self.cleaned_data["help_with"]][1]
