"""The shapes of the API (read-only, plus the request bodies of the writes).

Every field has a description in Dutch and English (``both``): the schema is the same
whatever the caller's language, so the committed ``api/openapi.yaml`` stays stable.
"""

from __future__ import annotations

import datetime
import decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.models import Activity
from caregivers.models import CareSignal, HelpRequest
from matches.models import BatchRun, Evaluation, HoursEntry, Match, MatchEvent
from partners.models import Partner, Vacancy
from volunteers.models import Volunteer


def both(nl: str, en: str) -> str:
    return f"{nl} / {en}"


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=both("Het veld (leeg: het geheel).", "The field (empty: the whole)."))
    code = serializers.CharField(help_text=both("Code van de fout.", "Error code."))
    message = serializers.CharField(help_text=both("De reden, in de taal van de vraag.", "The reason, localised."))


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text=both("Soort probleem (URN).", "Problem type (URN)."))
    title = serializers.CharField(help_text=both("HTTP-status in woorden.", "The HTTP status phrase."))
    status = serializers.IntegerField(help_text=both("HTTP-statuscode.", "HTTP status code."))
    detail = serializers.CharField(help_text=both("Wat er mis is.", "What is wrong."))
    code = serializers.CharField(help_text=both("Korte code.", "Short code."))
    errors = ProblemErrorSerializer(many=True, required=False, help_text=both("Fouten per veld.", "Errors per field."))


# --- Figures -------------------------------------------------------------------------------

FigureValue = serializers.JSONField  # a number, "<10", "x" (hidden) or null


class AreaFiguresSerializer(serializers.Serializer):
    area = serializers.CharField(help_text=both("Wijk, dorp of gemeente.", "Neighbourhood, village or municipality."))
    area_kind = serializers.CharField(help_text=both("Soort gebied.", "Kind of area."))
    municipality = serializers.CharField(required=False, help_text=both("Gemeente.", "Municipality."))
    figures = serializers.DictField(
        child=serializers.JSONField(),
        help_text=both(
            "Per cijfercode: een getal, '<10' (klein aantal) of 'x' (verborgen), of null.",
            "Per figure code: a number, '<10' (small count), 'x' (hidden) or null.",
        ),
    )


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=both("Maand, JJJJ-MM.", "Month, YYYY-MM."))
    provisional = serializers.BooleanField(help_text=both("Kan nog veranderen.", "May still change."))
    areas = AreaFiguresSerializer(many=True)
    total = AreaFiguresSerializer()


class FiguresSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text=both("Korte naam van de organisatie.", "Organisation slug."))
    municipality = serializers.CharField(allow_null=True, help_text=both("Gemeente.", "Municipality."))
    level = serializers.CharField(help_text=both("Rijen per wijk of per gemeente.", "Rows per area level."))
    period = serializers.DictField(child=serializers.CharField(), help_text=both("Van en tot.", "From and to."))
    generated_at = serializers.CharField(help_text=both("Gemaakt op.", "Generated at."))
    time_zone = serializers.CharField(help_text=both("Tijdzone.", "Time zone."))
    suppression = serializers.DictField(
        allow_null=True, help_text=both("Hoe kleine aantallen verborgen zijn.", "How small counts are hidden.")
    )
    figures = serializers.DictField(
        child=serializers.DictField(), help_text=both("Uitleg per cijfercode.", "Definition per figure code.")
    )
    months = MonthFiguresSerializer(many=True)


# --- People ----------------------------------------------------------------------------------


def _vog_status(valid_until: datetime.date | None) -> str:
    if valid_until is None:
        return "missing"
    return "valid" if valid_until >= timezone.localdate() else "expired"


class VolunteerSerializer(serializers.ModelSerializer):
    neighbourhood = serializers.CharField(
        source="neighbourhood.name", default=None, allow_null=True, help_text=both("Wijk of dorp.", "Neighbourhood.")
    )
    skills = serializers.SerializerMethodField(help_text=both("Codes van vaardigheden.", "Skill codes."))
    availability = serializers.SerializerMethodField(
        help_text=both("Vaste tijden per week, 'di 13:00-17:00'-stijl codes.", "Weekly slots, e.g. 'tue 13:00-17:00'.")
    )
    vog_status = serializers.SerializerMethodField(
        help_text=both("VOG: valid (geldig), expired (verlopen), missing (geen).", "Certificate of conduct status.")
    )
    languages = serializers.SerializerMethodField(help_text=both("Talen (ISO 639-1).", "Languages (ISO 639-1)."))

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "external_id",
            "first_name",
            "last_name",
            "neighbourhood",
            "skills",
            "availability",
            "languages",
            "max_active_matches",
            "max_distance_km",
            "vog_status",
            "vog_valid_until",
            "is_active",
            "paused_until",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de vrijwilliger.", "Volunteer id.")},
            "external_id": {"help_text": both("Nummer in een ander systeem.", "Id in another system.")},
            "first_name": {"help_text": both("Voornaam.", "First name.")},
            "last_name": {"help_text": both("Achternaam.", "Last name.")},
            "max_active_matches": {"help_text": both("Hoeveel koppelingen tegelijk.", "Matches at a time.")},
            "max_distance_km": {"help_text": both("Reist tot (km).", "Travels up to (km).")},
            "vog_valid_until": {"help_text": both("VOG geldig tot.", "Certificate valid until.")},
            "is_active": {"help_text": both("Doet mee.", "Active.")},
            "paused_until": {"help_text": both("Pauze tot en met.", "Paused until.")},
            "updated_at": {"help_text": both("Laatst gewijzigd.", "Last changed.")},
        }

    def get_skills(self, obj) -> list[str]:
        return sorted(skill.code for skill in obj.skills.all())

    def get_availability(self, obj) -> list[str]:
        return [slot.as_slot().code() for slot in obj.availability.all()]

    def get_vog_status(self, obj) -> str:
        return _vog_status(obj.vog_valid_until)

    def get_languages(self, obj) -> list[str]:
        return obj.language_codes()


class RequestSerializer(serializers.ModelSerializer):
    """A request as every casework role sees it: no names, no free text."""

    neighbourhood = serializers.CharField(
        source="neighbourhood.name", default=None, allow_null=True, help_text=both("Wijk of dorp.", "Neighbourhood.")
    )
    skills = serializers.SerializerMethodField(help_text=both("Nodige vaardigheden.", "Required skills."))
    schedule = serializers.SerializerMethodField(help_text=both("Gevraagde tijden per week.", "Weekly slots asked."))

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "external_id",
            "kind",
            "status",
            "urgency",
            "neighbourhood",
            "skills",
            "schedule",
            "recurring",
            "needs_vog",
            "created_at",
            "status_changed_at",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de hulpvraag.", "Request id.")},
            "external_id": {"help_text": both("Nummer in een ander systeem.", "Id in another system.")},
            "kind": {"help_text": both("Soort hulp.", "Kind of help.")},
            "status": {"help_text": both("Stand van zaken.", "Status.")},
            "urgency": {"help_text": both("Haast.", "Urgency.")},
            "recurring": {"help_text": both("Elke week.", "Every week.")},
            "needs_vog": {"help_text": both("VOG nodig.", "Certificate of conduct needed.")},
            "created_at": {"help_text": both("Binnengekomen op.", "Received at.")},
            "status_changed_at": {"help_text": both("Stand gewijzigd op.", "Status changed at.")},
        }

    def get_skills(self, obj) -> list[str]:
        return sorted(skill.code for skill in obj.skills.all())

    def get_schedule(self, obj) -> list[str]:
        return [slot.as_slot().code() for slot in obj.slots.all()]


class BrokerRequestSerializer(RequestSerializer):
    """A request with its intake, for brokers (care files): logged in the access log."""

    class Meta(RequestSerializer.Meta):
        fields = [
            *RequestSerializer.Meta.fields,
            "requester_first_name",
            "requester_last_name",
            "description",
            "question_behind",
            "own_strength",
            "goal_own_words",
            "goal_measurable",
            "preferred_language",
            "ladder_step",
            "goal_reached",
            "referred_to",
            "referral_reason",
            "outcome",
        ]
        extra_kwargs = {
            **RequestSerializer.Meta.extra_kwargs,
            "requester_first_name": {"help_text": both("Voornaam hulpvrager.", "Requester's first name.")},
            "requester_last_name": {"help_text": both("Achternaam hulpvrager.", "Requester's last name.")},
            "description": {"help_text": both("Wat is er nodig?", "What is needed?")},
            "question_behind": {"help_text": both("De vraag achter de vraag.", "The question behind the question.")},
            "own_strength": {"help_text": both("Wat de persoon zelf kan.", "What the person can do themselves.")},
            "goal_own_words": {
                "help_text": both("Het doel in de eigen woorden.", "The goal in the person's own words.")
            },
            "goal_measurable": {"help_text": both("Het meetbare doel.", "The measurable goal.")},
            "preferred_language": {"help_text": both("Voorkeurstaal (ISO 639).", "Preferred language (ISO 639).")},
            "ladder_step": {
                "help_text": both("Waar de vraag is opgelost.", "Where on the ladder the question was solved.")
            },
            "goal_reached": {"help_text": both("Doel bereikt?", "Goal reached?")},
            "referred_to": {"help_text": both("Doorverwezen naar.", "Referred to.")},
            "referral_reason": {"help_text": both("Waarom doorverwezen.", "Why referred.")},
            "outcome": {"help_text": both("Uitkomst.", "Outcome.")},
        }


# --- Matches ---------------------------------------------------------------------------------


class MatchEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchEvent
        fields = ["from_status", "to_status", "at"]
        extra_kwargs = {
            "from_status": {"help_text": both("Van stand.", "From status.")},
            "to_status": {"help_text": both("Naar stand.", "To status.")},
            "at": {"help_text": both("Wanneer.", "When.")},
        }


class MatchSerializer(serializers.ModelSerializer):
    events = MatchEventSerializer(many=True, read_only=True, help_text=both("Alle stappen.", "Every transition."))

    class Meta:
        model = Match
        fields = [
            "id",
            "request",
            "volunteer",
            "status",
            "score",
            "distance_km",
            "batch",
            "created_at",
            "accepted_at",
            "activated_at",
            "ended_at",
            "decline_reason",
            "events",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de koppeling.", "Match id.")},
            "request": {"help_text": both("Nummer van de hulpvraag.", "Request id.")},
            "volunteer": {"help_text": both("Nummer van de vrijwilliger.", "Volunteer id.")},
            "status": {"help_text": both("Stand van zaken.", "Status.")},
            "score": {"help_text": both("Score bij het voorstel.", "Score when proposed.")},
            "distance_km": {"help_text": both("Afstand (km).", "Distance (km).")},
            "batch": {"help_text": both("Koppelronde die het voorstelde.", "Batch run that proposed it.")},
            "created_at": {"help_text": both("Voorgesteld op.", "Proposed at.")},
            "accepted_at": {"help_text": both("Vrijwilliger zei ja op.", "Volunteer accepted at.")},
            "activated_at": {"help_text": both("Gestart op.", "Started at.")},
            "ended_at": {"help_text": both("Gestopt op.", "Ended at.")},
            "decline_reason": {"help_text": both("Reden van afwijzen.", "Reason for declining.")},
        }


# --- Suggestions and batch runs --------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=both("Code van de reden.", "Reason code."))
    text = serializers.CharField(help_text=both("De reden in woorden.", "The reason as text."))


class CandidateSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(help_text=both("Nummer van de vrijwilliger.", "Volunteer id."))
    name = serializers.CharField(help_text=both("Naam.", "Name."))
    area = serializers.CharField(help_text=both("Wijk of dorp.", "Area."))
    score = serializers.FloatField(help_text=both("Score, 0-1.", "Score, 0-1."))
    distance_km = serializers.FloatField(help_text=both("Afstand (km).", "Distance (km)."))
    reasons = serializers.ListField(
        child=serializers.DictField(), help_text=both("Redenen: code, getallen en tekst.", "Reasons.")
    )


class SuggestionsSerializer(serializers.Serializer):
    request = serializers.IntegerField(help_text=both("Nummer van de hulpvraag.", "Request id."))
    limit = serializers.IntegerField(help_text=both("Hoeveel gevraagd.", "How many asked for."))
    candidates = CandidateSerializer(many=True)
    summary = serializers.ListField(
        child=serializers.DictField(), help_text=both("Waarom anderen afvielen.", "Why others fell out.")
    )
    rejections = serializers.DictField(
        child=serializers.IntegerField(), help_text=both("Aantallen per reden.", "Counts per reason.")
    )


class BatchRunSerializer(serializers.ModelSerializer):
    proposals = serializers.SerializerMethodField(
        help_text=both("Voorstellen van de ronde (als klaar).", "The run's proposals (when done).")
    )
    unmatched = serializers.SerializerMethodField(
        help_text=both("Vragen zonder voorstel.", "Requests without a proposal.")
    )

    class Meta:
        model = BatchRun
        fields = ["id", "status", "progress", "step", "created_at", "finished_at", "proposals", "unmatched"]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de ronde.", "Run id.")},
            "status": {"help_text": both("Stand van zaken.", "Status.")},
            # A percentage; the bounds are stated here so that the schema does not depend on
            # the database's integer range (SQLite's 64-bit versus PostgreSQL's smallint).
            "progress": {"help_text": both("Voortgang (%).", "Progress (%)."), "min_value": 0, "max_value": 100},
            "step": {"help_text": both("Code van de stap.", "Step code.")},
            "created_at": {"help_text": both("Gestart op.", "Started at.")},
            "finished_at": {"help_text": both("Klaar op.", "Finished at.")},
        }

    def get_proposals(self, obj) -> list[dict]:
        result = obj.result or {}
        return [
            {
                "request": p.get("request"),
                "volunteer": p.get("volunteer"),
                "score": p.get("score"),
                "distance_km": p.get("distance_km"),
            }
            for p in result.get("proposals", [])
        ]

    def get_unmatched(self, obj) -> list:
        return list((obj.result or {}).get("unmatched", []))


class BatchRunStartSerializer(serializers.Serializer):
    """No fields: a run takes every ready request of the organisation."""


# --- Public vacancies ------------------------------------------------------------------------


class PublicPartnerSerializer(serializers.ModelSerializer):
    """What the public vacancy page shows of a partner: no e-mail, no phone, no people."""

    class Meta:
        model = Partner
        fields = ["name", "kind", "description", "website"]
        extra_kwargs = {
            "name": {"help_text": both("Naam van de partner.", "The partner's name.")},
            "kind": {"help_text": both("Soort organisatie.", "Kind of organisation.")},
            "description": {"help_text": both("Wat de partner doet.", "What the partner does.")},
            "website": {"help_text": both("Website.", "Website.")},
        }


class PublicVacancySerializer(serializers.ModelSerializer):
    """A published vacancy as ``/vacatures/<id>/`` shows it: no responses, no address
    beyond the place (or postcode), no coordinates, nobody's name."""

    partner = PublicPartnerSerializer(read_only=True)
    place = serializers.SerializerMethodField(
        help_text=both(
            "Plaats (of postcode); leeg bij werk vanuit huis.", "Place (or postcode); empty for work from home."
        )
    )
    skills = serializers.SerializerMethodField(help_text=both("Codes van het soort werk.", "Skill codes."))
    schedule = serializers.SerializerMethodField(
        help_text=both("Vaste tijden per week (bij 'weekly').", "Weekly slots (for 'weekly').")
    )
    url = serializers.SerializerMethodField(help_text=both("De openbare pagina.", "The public page."))

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "title",
            "description",
            "partner",
            "skills",
            "from_home",
            "place",
            "when",
            "date",
            "start_time",
            "end_time",
            "schedule",
            "hours",
            "places",
            "needs_vog",
            "minimum_age",
            "until",
            "published_at",
            "url",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de vacature.", "Vacancy id.")},
            "title": {"help_text": both("Titel.", "Title.")},
            "description": {"help_text": both("Omschrijving.", "Description.")},
            "from_home": {"help_text": both("Vanuit huis of telefonisch.", "From home or by phone.")},
            "when": {"help_text": both("Eenmalig, elke week of flexibel.", "One-off, weekly or flexible.")},
            "date": {"help_text": both("Datum (bij 'one_off').", "Date (for 'one_off').")},
            "start_time": {"help_text": both("Van (bij 'one_off').", "From (for 'one_off').")},
            "end_time": {"help_text": both("Tot (bij 'one_off').", "Until (for 'one_off').")},
            "hours": {
                "help_text": both("Uren per keer.", "Hours each time."),
                "min_value": decimal.Decimal("0.5"),
                "max_value": decimal.Decimal("40"),
            },
            "places": {"help_text": both("Aantal plaatsen.", "Number of places."), "max_value": 500},
            "needs_vog": {"help_text": both("VOG nodig.", "Certificate of conduct needed.")},
            "minimum_age": {"help_text": both("Minimale leeftijd.", "Minimum age."), "max_value": 99},
            "until": {"help_text": both("Reageren kan tot en met.", "Open until (inclusive).")},
            "published_at": {"help_text": both("Online sinds.", "Published at.")},
        }

    def get_place(self, obj) -> str:
        return "" if obj.from_home else (obj.place or obj.postcode)

    def get_skills(self, obj) -> list[str]:
        return sorted(skill.code for skill in obj.skills.all())

    def get_schedule(self, obj) -> list[str]:
        return [slot.as_slot().code() for slot in obj.slots.all()]

    def get_url(self, obj) -> str:
        path = reverse("vacancies:detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- Signals ---------------------------------------------------------------------------------


class SignalCreateSerializer(serializers.Serializer):
    """A signal about someone who may need support, with their consent: the fields of the
    staff's form (``caregivers.broker_forms.SignalForm``), which checks them after the types."""

    first_name = serializers.CharField(max_length=100, help_text=both("Voornaam van de persoon.", "First name."))
    contact = serializers.CharField(
        max_length=150, help_text=both("Telefoon of e-mailadres van de persoon.", "The person's phone or e-mail.")
    )
    postcode = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text=both("Postcode (of vul place in).", "Postcode (or give place)."),
    )
    place = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=both("Plaats of dorp, als de postcode onbekend is.", "Place or village, without a postcode."),
    )
    noticed = serializers.CharField(
        max_length=1000, help_text=both("Wat viel op? Kort en feitelijk.", "What was noticed, briefly.")
    )
    about_carer = serializers.BooleanField(
        required=False, default=False, help_text=both("De persoon is mantelzorger.", "The person is a carer.")
    )
    source_kind = serializers.ChoiceField(
        choices=CareSignal.staff_source_kinds(), help_text=both("Van wie komt het signaal?", "Who passes the signal?")
    )
    source_name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text=both(
            "Naam van de melder of organisatie (standaard de naam van de sleutel).",
            "Name of the source (default: the token's name).",
        ),
    )
    consent_given = serializers.BooleanField(
        help_text=both(
            "De persoon vindt contact goed; zonder toestemming geen signaal.",
            "The person agreed to be contacted; required.",
        )
    )
    consent_how = serializers.ChoiceField(
        choices=CareSignal.ConsentHow.choices,
        help_text=both("Hoe de persoon toestemming gaf.", "How consent was given."),
    )

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [_("Dit veld kennen we niet.")] for name in unknown[:20]})
        return super().to_internal_value(data)


class SignalCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=both("Nummer van het signaal.", "Signal id."))


# --- Hours and evaluations -------------------------------------------------------------------


class HoursSerializer(serializers.ModelSerializer):
    approved = serializers.SerializerMethodField(help_text=both("Goedgekeurd.", "Approved."))

    class Meta:
        model = HoursEntry
        fields = ["id", "match", "date", "hours", "note", "approved", "approved_at", "created_at"]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de regel.", "Entry id.")},
            "match": {"help_text": both("Nummer van de koppeling.", "Match id.")},
            "date": {"help_text": both("Datum.", "Date.")},
            "hours": {
                "help_text": both("Uren.", "Hours."),
                "min_value": decimal.Decimal("0.25"),
                "max_value": decimal.Decimal("24"),
            },
            "note": {"help_text": both("Opmerking van de vrijwilliger.", "The volunteer's note.")},
            "approved_at": {"help_text": both("Goedgekeurd op.", "Approved at.")},
            "created_at": {"help_text": both("Ingevuld op.", "Logged at.")},
        }

    def get_approved(self, obj) -> bool:
        return obj.approved_at is not None


class EvaluationSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(
        source="match.request_id", help_text=both("Nummer van de hulpvraag.", "Request id.")
    )
    volunteer = serializers.IntegerField(
        source="match.volunteer_id", help_text=both("Nummer van de vrijwilliger.", "Volunteer id.")
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "match",
            "request",
            "volunteer",
            "goal_reached",
            "volunteer_satisfaction",
            "requester_satisfaction",
            "next_step",
            "note",
            "created_at",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de evaluatie.", "Evaluation id.")},
            "match": {"help_text": both("Nummer van de koppeling.", "Match id.")},
            "goal_reached": {"help_text": both("Doel bereikt?", "Goal reached?")},
            "volunteer_satisfaction": {
                "help_text": both("Tevredenheid vrijwilliger (1-5).", "Volunteer's satisfaction (1-5)."),
                "min_value": 1,
                "max_value": 5,
            },
            "requester_satisfaction": {
                "help_text": both("Tevredenheid hulpvrager (1-5).", "Requester's satisfaction (1-5)."),
                "min_value": 1,
                "max_value": 5,
            },
            "next_step": {"help_text": both("Hoe verder.", "Next step.")},
            "note": {"help_text": both("Toelichting.", "Note.")},
            "created_at": {"help_text": both("Vastgelegd op.", "Recorded at.")},
        }


# --- Activities ------------------------------------------------------------------------------


class PublicActivityDateSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=both("Datum.", "Date."))
    start = serializers.TimeField(help_text=both("Van.", "From."))
    end = serializers.TimeField(help_text=both("Tot.", "Until."))


class PublicActivitySerializer(serializers.ModelSerializer):
    """An open activity as ``/activiteiten/<id>/`` shows it: no sign-ups, no names, no
    coordinates; the number of free places only."""

    organiser = serializers.SerializerMethodField(
        help_text=both("Wie het organiseert (partner of centrale).", "Organiser (partner or centre).")
    )
    place = serializers.SerializerMethodField(help_text=both("Plaats (of postcode).", "Place (or postcode)."))
    neighbourhood = serializers.SerializerMethodField(help_text=both("Buurt of dorp.", "Neighbourhood or village."))
    dates = PublicActivityDateSerializer(many=True, read_only=True, help_text=both("De datums.", "The dates."))
    weekly = serializers.SerializerMethodField(
        help_text=both("Vaste tijden per week (bij 'weekly').", "Weekly slots (for 'weekly').")
    )
    places_left = serializers.SerializerMethodField(
        help_text=both(
            "Vrije plaatsen voor deelnemers (0: wachtlijst).", "Free places for participants (0: waiting list)."
        )
    )
    url = serializers.SerializerMethodField(help_text=both("De openbare pagina.", "The public page."))

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "audience",
            "organiser",
            "place",
            "neighbourhood",
            "schedule",
            "dates",
            "weekly",
            "until",
            "participant_places",
            "volunteer_places",
            "places_left",
            "url",
        ]
        extra_kwargs = {
            "id": {"help_text": both("Nummer van de activiteit.", "Activity id.")},
            "title": {"help_text": both("Titel.", "Title.")},
            "description": {"help_text": both("Omschrijving.", "Description.")},
            "kind": {"help_text": both("Soort activiteit.", "Kind of activity.")},
            "audience": {"help_text": both("Voor wie.", "Audience.")},
            "schedule": {"help_text": both("Op datums of elke week.", "On dates or weekly.")},
            "until": {"help_text": both("Loopt tot en met.", "Runs until (inclusive).")},
            "participant_places": {
                "help_text": both("Plaatsen voor deelnemers.", "Places for participants."),
                "max_value": 500,
            },
            "volunteer_places": {
                "help_text": both("Plaatsen voor vrijwilligers.", "Places for volunteers."),
                "max_value": 100,
            },
        }

    def get_organiser(self, obj) -> str:
        return obj.partner.name if obj.partner_id else obj.organisation.name

    def get_place(self, obj) -> str:
        return obj.place or obj.postcode

    def get_neighbourhood(self, obj) -> str:
        return obj.neighbourhood.name if obj.neighbourhood_id else ""

    def get_weekly(self, obj) -> list[str]:
        return [slot.as_slot().code() for slot in obj.slots.all()]

    def get_places_left(self, obj) -> int:
        return max(0, obj.participant_places - getattr(obj, "participants", 0))

    def get_url(self, obj) -> str:
        path = reverse("activities:detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
