"""Forms of the broker's intake desk: the intake itself, the transitions that need
words (refer, withdraw, a note), and entering a request on someone's behalf."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from caregivers.desk import BULK_MAX, BulkAction
from caregivers.forms import LanguageFormMixin
from caregivers.intake import SOLVED_BY_OWN
from caregivers.models import CareSignal, HelpRequest
from caregivers.services import GOAL_MAX, GOAL_MEASURABLE_MAX, OWN_STRENGTH_MAX, REASON_MAX
from common.forms import SafeModelMultipleChoiceField
from common.slots import SlotError, slots_from_text
from common.widgets import Select
from neighbourhoods.forms import AddressForm
from neighbourhoods.models import Organisation, Skill
from neighbourhoods.selectors import skills_for_organisation, skills_sorted

TEXT_LIMIT = 2000
PHONE_RE = re.compile(r"\+?[0-9(][0-9 ()-]{5,28}")
_DATE_LINE_RE = re.compile(
    r"^\s*(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"\s+(\d{1,2})[:.](\d{2})\s*(?:-|–|tot)\s*(\d{1,2})[:.](\d{2})\s*$",
    re.IGNORECASE,
)


def _textarea(rows: int = 4) -> forms.Textarea:
    # CharField adds maxlength="…" itself.
    return forms.Textarea(attrs={"rows": rows})


def _too_long() -> dict:
    return {"max_length": _("Dit is te lang: hoogstens %(limit_value)d tekens (nu %(show_value)d).")}


class _SkillField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.display_label


def parse_dates(text: str) -> list[tuple[datetime.date, datetime.time, datetime.time]]:
    """Parse one date and time per line (or ``;``): ``14-03-2026 10:00-12:00``.

    Only the writing is checked here (raises ValueError with a Dutch message that
    quotes the line); whether a date is past or overlaps is the service's rule."""
    result = []
    for line in re.split(r"[;\n]", text or ""):
        if not line.strip():
            continue
        shown = line.strip()[:40]
        match = _DATE_LINE_RE.match(line)
        if not match:
            raise ValueError(
                _("'%(line)s' is geen datum met tijd. Schrijf het zo: 14-03-2026 10:00-12:00.") % {"line": shown}
            )
        d, m, y, iy, im, iday, sh, sm, eh, em = match.groups()
        try:
            day = datetime.date(int(y or iy), int(m or im), int(d or iday))
            start = datetime.time(int(sh), int(sm))
            end = datetime.time(int(eh), int(em))
        except ValueError:
            raise ValueError(_("'%(line)s': deze datum of tijd bestaat niet.") % {"line": shown}) from None
        result.append((day, start, end))
    return result


class TimesForm(forms.Form):
    """When the help is needed: weekly slots (``di 13:00-17:00``) or dates, as text."""

    slots = forms.CharField(
        label=_("Vaste tijden, elke week"),
        required=False,
        max_length=500,
        help_text=_("Schrijf de dag en de tijden, zo: di 13:00-17:00; do 09:00-12:00."),
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
        error_messages=_too_long(),
    )
    dates = forms.CharField(
        label=_("Of losse data"),
        required=False,
        max_length=1000,
        help_text=_("Eén datum per regel, zo: 14-03-2026 10:00-12:00."),
        widget=forms.Textarea({"rows": 3, "spellcheck": "false"}),
        error_messages=_too_long(),
    )

    def clean_slots(self):
        try:
            # Accepts what people type ("di 13:00-17:00", "dinsdag 13-17", "tue 13:00-17:00"),
            # normalised to common.slots' syntax and parsed by it.
            return slots_from_text(self.cleaned_data["slots"])
        except SlotError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def clean_dates(self):
        try:
            return parse_dates(self.cleaned_data["dates"])
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    @staticmethod
    def times_initial(request: HelpRequest) -> dict:
        return {
            "slots": "; ".join(slot.as_slot().label() for slot in request.slots.all()),
            "dates": "\n".join(f"{row.date:%d-%m-%Y} {row.start:%H:%M}-{row.end:%H:%M}" for row in request.dates.all()),
        }


# --- Intake ----------------------------------------------------------------------


class IntakeForm(LanguageFormMixin, TimesForm):
    """The question behind the question, the ladder (own strength, the goal; the
    network is a formset beside it), the language, and adjustments."""

    question_behind = forms.CharField(
        label=_("De vraag achter de vraag"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_(
            "Waar gaat het eigenlijk om? Bijvoorbeeld: de vraag is hulp bij boodschappen, "
            "maar mevrouw voelt zich vooral alleen."
        ),
        widget=_textarea(),
        error_messages=_too_long(),
    )
    own_strength = forms.CharField(
        label=_("Wat kan de persoon zelf?"),
        required=False,
        max_length=OWN_STRENGTH_MAX,
        help_text=_("Eigen kracht eerst: wat lukt nog wel, met wat hulp of een hulpmiddel?"),
        widget=_textarea(3),
        error_messages=_too_long(),
    )
    goal_own_words = forms.CharField(
        label=_("Het doel in de woorden van de persoon"),
        required=False,
        max_length=GOAL_MAX,
        help_text=_("Bijvoorbeeld: ik wil weer zelf naar de markt."),
        widget=_textarea(2),
        error_messages=_too_long(),
    )
    goal_measurable = forms.CharField(
        label=_("Meetbaar doel"),
        required=False,
        max_length=GOAL_MEASURABLE_MAX,
        help_text=_("Zo dat u later kunt zien of het gelukt is. Bijvoorbeeld: over 3 maanden 1 keer per week buiten."),
        widget=_textarea(2),
        error_messages=_too_long(),
    )
    kind = forms.ChoiceField(
        label=_("Soort hulp"),
        choices=HelpRequest.Kind.choices,
        error_messages={"invalid_choice": _("Deze soort hulp kennen we niet.")},
    )
    urgency = forms.ChoiceField(
        label=_("Hoe snel is hulp nodig?"),
        choices=HelpRequest.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies hoe snel de hulp nodig is."), "required": _("Kies hoe snel.")},
    )
    skills = _SkillField(
        label=_("Wat moet de vrijwilliger kunnen?"),
        help_text=_("Alleen wat echt nodig is: elke keuze maakt de groep vrijwilligers kleiner."),
        required=False,
        queryset=Skill.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Deze vaardigheid kennen we niet: %(value)s."),
            "invalid_pk_value": _("Deze vaardigheid kennen we niet: %(pk)s."),
        },
    )
    max_distance_km = forms.FloatField(
        label=_("Hoe ver mag de vrijwilliger wonen? (km)"),
        required=False,
        min_value=0.5,
        max_value=100,
        help_text=_("Leeg laten: de afstand die de vrijwilliger zelf opgeeft."),
        error_messages={
            "min_value": _("Kies een afstand van minstens %(limit_value)s km."),
            "max_value": _("Kies een afstand van hoogstens %(limit_value)s km."),
            "invalid": _("Vul een getal in, bijvoorbeeld 5."),
        },
        widget=forms.NumberInput({"step": "0.5", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Komt in de geschiedenis van deze vraag, met uw naam en de datum."),
        widget=_textarea(3),
        error_messages=_too_long(),
    )

    field_order = [
        "question_behind",
        "own_strength",
        "goal_own_words",
        "goal_measurable",
        "preferred_language",
        "other_language",
        "kind",
        "urgency",
        "skills",
        "slots",
        "dates",
        "max_distance_km",
        "note",
    ]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["skills"]
        field.queryset = skills_for_organisation(organisation)
        field.choices = [(skill.pk, skill.display_label) for skill in skills_sorted(field.queryset)]

    @classmethod
    def initial_for(cls, request: HelpRequest) -> dict:
        return {
            "question_behind": request.question_behind,
            "own_strength": request.own_strength,
            "goal_own_words": request.goal_own_words,
            "goal_measurable": request.goal_measurable,
            **cls.language_initial(request.preferred_language),
            "kind": request.kind,
            "urgency": request.urgency,
            "skills": [skill.pk for skill in request.skills.all()],
            "max_distance_km": request.max_distance_km,
            **cls.times_initial(request),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "question_behind": data["question_behind"],
            "own_strength": data["own_strength"],
            "goal_own_words": data["goal_own_words"],
            "goal_measurable": data["goal_measurable"],
            "preferred_language": data["language"],
            "kind": data["kind"],
            "urgency": data["urgency"],
            "skills": list(data["skills"]),
            "max_distance_km": data["max_distance_km"],
            "weekly_slots": data["slots"],
            "dates": data["dates"],
            "note": data["note"],
        }


# --- Transitions that need words ----------------------------------------------------


class NoteForm(forms.Form):
    """An optional note with a step (start intake, mark ready, reopen)."""

    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=_textarea(2),
        error_messages=_too_long(),
    )


class ReferForm(forms.Form):
    """A warm referral: to whom (a known partner, or someone else written out), and why."""

    referred_partner = forms.TypedChoiceField(
        label=_("Naar een partner van de centrale"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Kies een partner uit de lijst. Staat de organisatie er niet bij? Vul dan hieronder in naar wie."),
        error_messages={"invalid_choice": _("Kies een partner uit de lijst.")},
    )
    referred_to = forms.CharField(
        label=_("Naar wie verwijst u door?"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: het wijkteam, de casemanager dementie, de huisarts of het Steunpunt Mantelzorg."),
        error_messages=_too_long(),
    )
    referral_reason = forms.CharField(
        label=_("Waarom?"),
        max_length=TEXT_LIMIT,
        help_text=_(
            "Wat is er nodig dat vrijwilligers niet kunnen geven? En hoe heeft u de persoon in contact "
            "gebracht met de nieuwe hulp?"
        ),
        widget=_textarea(),
        error_messages={"required": _("Vul in waarom u de vraag doorverwijst."), **_too_long()},
    )

    def __init__(self, *args, targets: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if targets:
            self.fields["referred_partner"].choices = [("", _("Geen partner uit de lijst")), *targets]
        else:
            del self.fields["referred_partner"]
            self.fields["referred_to"].required = True
            self.fields["referred_to"].error_messages["required"] = _("Vul in naar wie u de vraag doorverwijst.")

    def clean(self):
        data = super().clean()
        missing = data.get("referred_partner") is None and not (data.get("referred_to") or "").strip()
        if "referred_partner" in self.fields and not self.errors and missing:
            self.add_error("referred_to", _("Kies een partner, of vul in naar wie u de vraag doorverwijst."))
        return data


class CloseSolvedForm(forms.Form):
    """Closed without a volunteer: solved with the person's own strength or network."""

    ladder_step = forms.ChoiceField(
        label=_("Waarmee is de vraag opgelost?"),
        choices=[(step, HelpRequest.LadderStep(step).label) for step in SOLVED_BY_OWN],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies eigen kracht of eigen netwerk."),
            "invalid_choice": _("Kies eigen kracht of eigen netwerk."),
        },
    )
    goal_reached = forms.ChoiceField(
        label=_("Is het doel bereikt?"),
        choices=HelpRequest.GoalReached.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies of het doel bereikt is."),
            "invalid_choice": _("Kies ja, gedeeltelijk of nee."),
        },
    )
    note = forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Bijvoorbeeld: de zoon doet nu elke week de boodschappen."),
        widget=_textarea(2),
        error_messages=_too_long(),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom trekt u de vraag in?"),
        max_length=REASON_MAX,
        help_text=_("Bijvoorbeeld: de buurvrouw helpt nu, of de persoon belde dat het niet meer nodig is."),
        widget=_textarea(3),
        error_messages={"required": _("Vul in waarom de vraag wordt ingetrokken."), **_too_long()},
    )


# --- A request on someone's behalf ------------------------------------------------------


class BehalfRequestForm(AddressForm, TimesForm):
    """Phone or desk intake: a broker types in the request of someone who is not online."""

    require_house_number = True

    requester_first_name = forms.CharField(
        label=_("Voornaam"), max_length=100, error_messages={"required": _("Vul de voornaam in."), **_too_long()}
    )
    requester_last_name = forms.CharField(
        label=_("Achternaam"), max_length=150, required=False, error_messages=_too_long()
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput({"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        error_messages=_too_long(),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), **_too_long()},
    )
    kind = forms.ChoiceField(
        label=_("Soort hulp"),
        choices=HelpRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de soort hulp."), "invalid_choice": _("Deze soort hulp kennen we niet.")},
    )
    description = forms.CharField(
        label=_("Wat is er nodig?"),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("In de woorden van de persoon zelf."),
        widget=_textarea(),
        error_messages=_too_long(),
    )
    urgency = forms.ChoiceField(
        label=_("Hoe snel is hulp nodig?"),
        choices=HelpRequest.Urgency.choices,
        initial=HelpRequest.Urgency.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe snel."), "invalid_choice": _("Kies hoe snel de hulp nodig is.")},
    )
    then_intake = forms.BooleanField(
        label=_("Daarna meteen de intake invullen"),
        required=False,
        initial=True,
    )

    field_order = [
        "requester_first_name",
        "requester_last_name",
        "phone",
        "email",
        "postcode",
        "house_number",
        "kind",
        "description",
        "slots",
        "dates",
        "urgency",
        "then_intake",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = True
        self.fields["postcode"].error_messages["required"] = _("Vul de postcode in.")
        self.fields["house_number"].required = True
        self.fields["house_number"].error_messages["required"] = _("Vul het huisnummer in.")
        del self.fields["place"]

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.fullmatch(value):
            raise forms.ValidationError(_("Vul een telefoonnummer in, bijvoorbeeld 026 1234567."), code="invalid")
        return value

    def clean(self):
        data = super().clean()
        if "phone" in data and "email" in data and not data["phone"] and not data["email"]:
            self.add_error("phone", _("Vul een telefoonnummer of een e-mailadres in, zodat we de persoon bereiken."))
        if "slots" in data and "dates" in data:
            if data["slots"] and data["dates"]:
                self.add_error("dates", _("Kies vaste tijden of losse data, niet allebei."))
            elif not data["slots"] and not data["dates"]:
                self.add_error("slots", _("Vul in wanneer de hulp nodig is: vaste tijden of losse data."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "requester_first_name": data["requester_first_name"].strip(),
            "requester_last_name": data["requester_last_name"].strip(),
            "email": data["email"],
            "phone": data["phone"],
            "location": self.location,
            "postcode": data["postcode"],
            "house_number": data["house_number"],
            "description": data["description"].strip(),
            "weekly_slots": data["slots"],
            "dates": data["dates"],
            "urgency": data["urgency"],
        }


# --- Signals -------------------------------------------------------------------------------


class SignalForm(AddressForm):
    """Staff pass on a signal about someone: the least needed to get in touch, and consent."""

    first_name = forms.CharField(
        label=_("Voornaam"), max_length=100, error_messages={"required": _("Vul de voornaam in."), **_too_long()}
    )
    contact = forms.CharField(
        label=_("Hoe bereiken we de persoon?"),
        max_length=150,
        help_text=_("Een telefoonnummer of e-mailadres."),
        widget=forms.TextInput({"autocomplete": "off"}),
        error_messages={"required": _("Vul in hoe we de persoon bereiken: telefoon of e-mail."), **_too_long()},
    )
    noticed = forms.CharField(
        label=_("Wat viel op?"),
        max_length=1000,
        help_text=_("Kort en feitelijk. Alleen wat nodig is om contact op te nemen."),
        widget=_textarea(3),
        error_messages={"required": _("Schrijf kort wat er opviel."), **_too_long()},
    )
    about_carer = forms.BooleanField(label=_("De persoon zorgt voor een naaste (mantelzorger)"), required=False)
    source_kind = forms.ChoiceField(
        label=_("Van wie komt het signaal?"),
        choices=CareSignal.staff_source_kinds(),
        error_messages={
            "required": _("Kies van wie het signaal komt."),
            "invalid_choice": _("Kies van wie het signaal komt."),
        },
    )
    source_name = forms.CharField(
        label=_("Naam van de melder of organisatie"),
        max_length=150,
        required=False,
        help_text=_("Bijvoorbeeld: huisartsenpraktijk De Linde."),
        error_messages=_too_long(),
    )
    consent_given = forms.BooleanField(
        label=_("De persoon vindt het goed dat wij contact opnemen"),
        required=True,
        error_messages={
            "required": _(
                "Zonder toestemming van de persoon slaan we geen signaal op. Vraag eerst of het goed is "
                "dat wij contact opnemen."
            )
        },
    )
    consent_how = forms.ChoiceField(
        label=_("Hoe gaf de persoon toestemming?"),
        choices=CareSignal.ConsentHow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies hoe de persoon toestemming gaf."),
            "invalid_choice": _("Kies hoe de persoon toestemming gaf."),
        },
    )

    field_order = [
        "first_name",
        "contact",
        "postcode",
        "place",
        "noticed",
        "about_carer",
        "source_kind",
        "source_name",
        "consent_given",
        "consent_how",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["house_number"]
        self.fields["place"].label = _("Of: plaats of dorp")

    def clean_contact(self) -> str:
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                forms.EmailField().clean(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."), code="invalid"
                ) from None
        elif not PHONE_RE.fullmatch(value):
            raise forms.ValidationError(
                _("Vul een telefoonnummer of e-mailadres in, bijvoorbeeld 026 1234567."), code="invalid"
            )
        return value

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "contact": data["contact"],
            "noticed": data["noticed"],
            "about_carer": data["about_carer"],
            "source_kind": data["source_kind"],
            "source_name": data["source_name"],
            "consent_given": data["consent_given"],
            "consent_how": data["consent_how"],
            "location": getattr(self, "location", None),
            "postcode": data.get("postcode") or "",
            "place": data.get("place", ""),
        }


class PartnerSignalForm(SignalForm):
    """A partner passes a signal on its own pages: the staff form's fields and rules,
    without "from whom" (the partner itself is the source)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["source_kind"]
        del self.fields["source_name"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "contact": data["contact"],
            "noticed": data["noticed"],
            "about_carer": data["about_carer"],
            "source_kind": CareSignal.SourceKind.PARTNER,
            "consent_given": data["consent_given"],
            "consent_how": data["consent_how"],
            "location": getattr(self, "location", None),
            "postcode": data.get("postcode") or "",
            "place": data.get("place", ""),
        }


class SignalCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Waarom sluit u het signaal af?"),
        choices=CareSignal.CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies waarom het signaal wordt afgesloten."),
            "invalid_choice": _("Kies waarom het signaal wordt afgesloten."),
        },
    )
    note = forms.CharField(
        label=_("Toelichting"), max_length=500, required=False, widget=_textarea(2), error_messages=_too_long()
    )


class CarerSupportForm(forms.Form):
    """The admin's texts about support for carers (plain text; links are made clickable)."""

    information = forms.CharField(
        label=_("Informatie en advies"),
        required=False,
        max_length=4000,
        help_text=_(
            "Bijvoorbeeld: waar mantelzorgers terechtkunnen met vragen. Gewone tekst; een webadres wordt een link."
        ),
        widget=_textarea(5),
        error_messages=_too_long(),
    )
    peer_groups = forms.CharField(
        label=_("Lotgenotencontact"),
        required=False,
        max_length=4000,
        help_text=_("Bijvoorbeeld: het mantelzorgcafé, elke eerste dinsdag van de maand."),
        widget=_textarea(5),
        error_messages=_too_long(),
    )
    consultant = forms.CharField(
        label=_("De mantelzorgconsulent"),
        required=False,
        max_length=4000,
        help_text=_("Wie de consulent is en wat die doet. Mantelzorgers kunnen om een gesprek vragen."),
        widget=_textarea(5),
        error_messages=_too_long(),
    )


# --- The desk: assignment, saved filters, bulk steps (caregivers.desk) ---------------------


class _BrokerField(forms.ModelChoiceField):
    widget = Select  # the same HTML, faster (on the queue with every view: issue #12)

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


def _broker_field(label, *, required: bool, brokers) -> _BrokerField:
    return _BrokerField(
        label=label,
        queryset=brokers,
        required=required,
        empty_label=_("Niemand"),
        error_messages={
            "required": _("Kies een makelaar."),
            "invalid_choice": _("Kies een makelaar van deze organisatie uit de lijst."),
        },
    )


class AssignForm(forms.Form):
    """Who looks after one request (empty: nobody)."""

    assignee = forms.Field()  # replaced in __init__

    def __init__(self, *args, brokers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _broker_field(_("Makelaar"), required=False, brokers=brokers)


class SaveFilterForm(forms.Form):
    """A name for the queue's current filters (the filters come from the query string)."""

    name = forms.CharField(
        label=_("Naam van dit filter"),
        max_length=60,
        help_text=_("Bijvoorbeeld: Velp, dringend."),
        error_messages={"required": _("Geef het filter een naam."), **_too_long()},
    )


class _IdListField(forms.Field):
    """The ids of the selected requests (checkboxes named ``requests``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Kies eerst een of meer vragen."),
        "invalid": _("Kies vragen uit de lijst."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 12:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        return ids


class BulkForm(forms.Form):
    """One step for the selected requests of the queue (``caregivers.desk.requests_bulk``)."""

    requests = _IdListField()
    action = forms.ChoiceField(
        label=_("Wat wilt u doen met de gekozen vragen?"),
        choices=[],  # set in __init__ (caregivers.desk.BulkAction)
        widget=Select,
        error_messages={
            "required": _("Kies wat u met de vragen wilt doen."),
            "invalid_choice": _("Deze actie kennen we niet. Kies een van de mogelijkheden."),
        },
    )
    assignee = forms.Field(required=False)  # replaced in __init__
    reason = forms.CharField(
        label=_("Reden (bij intrekken)"),
        required=False,
        max_length=REASON_MAX,
        error_messages=_too_long(),
    )
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, brokers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Kies een actie")), *BulkAction.choices]
        self.fields["assignee"] = _broker_field(_("Makelaar (bij toewijzen)"), required=False, brokers=brokers)

    def clean(self):
        data = super().clean()
        ids = data.get("requests") or []
        if len(set(ids)) > BULK_MAX:
            self.add_error(
                "requests",
                _("Kies hoogstens %(limit)s vragen tegelijk, nu %(count)s.")
                % {
                    "limit": BULK_MAX,
                    "count": len(set(ids)),
                },
            )
        action = data.get("action")
        if action == BulkAction.ASSIGN and not data.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", _("Kies aan wie u de vragen toewijst."))
        if action == BulkAction.WITHDRAW and not (data.get("reason") or "").strip() and "reason" not in self.errors:
            self.add_error("reason", _("Schrijf op waarom de vragen worden ingetrokken."))
        return data
