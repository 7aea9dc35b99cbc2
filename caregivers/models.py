"""Mantelzorgers and help requests (respite first)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Located, StatusEvent, WeeklySlot


class MantelzorgerQuerySet(models.QuerySet):
    def still_caring(self) -> MantelzorgerQuerySet:
        """Carers whose care has not ended (``care_ended_on`` empty). The one rule for
        "the care ended": no check-in reminders, no yearly thank-you, and no place on
        "Aandacht nodig" for a high burden after that (``care_ended_set`` refuses a day
        in the future, so a day that is set has passed)."""
        return self.filter(care_ended_on__isnull=True)


class Mantelzorger(Located):
    """An informal carer. Care details (issue: people and requests) hang off this
    record and are visible only to the carer and their organisation's brokers."""

    class Relation(models.TextChoices):
        PARTNER = "partner", _("partner")
        PARENT = "parent", _("(schoon)ouder")
        CHILD = "child", _("kind")
        OTHER_FAMILY = "family", _("ander familielid")
        FRIEND = "friend", _("vriend, buur of kennis")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="mantelzorgers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="mantelzorger"
    )
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    relation = models.CharField(_("ik zorg voor mijn"), max_length=20, choices=Relation.choices, blank=True)
    care_hours_per_week = models.PositiveSmallIntegerField(
        _("uren zorg per week"), null=True, blank=True, validators=[MaxValueValidator(168)]
    )
    # The care ended (the person cared for died, moved to a home, or someone else took
    # over): no more check-in reminders or yearly thank-you mails. Set by the carer or a broker.
    care_ended_on = models.DateField(_("de zorg is gestopt op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MantelzorgerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("mantelzorger")
        verbose_name_plural = _("mantelzorgers")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CareRecipient(models.Model):
    """The person a mantelzorger cares for: the minimum a broker needs, nothing more.
    Health data: visible only to the mantelzorger and their organisation's brokers."""

    class AgeBand(models.TextChoices):
        CHILD = "0-17", _("jonger dan 18")
        ADULT = "18-64", _("18 tot 65 jaar")
        SENIOR = "65-79", _("65 tot 80 jaar")
        ELDERLY = "80+", _("80 jaar of ouder")

    class Situation(models.TextChoices):
        DEMENTIA = "dementia", _("dementie")
        PHYSICAL = "physical", _("lichamelijke beperking of ziekte")
        PSYCHIATRIC = "psychiatric", _("psychische problemen")
        END_OF_LIFE = "end_of_life", _("laatste levensfase")
        OTHER = "other", _("anders")

    mantelzorger = models.ForeignKey(Mantelzorger, on_delete=models.CASCADE, related_name="care_recipients")
    name = models.CharField(_("voornaam of roepnaam"), max_length=50)
    age_band = models.CharField(_("leeftijd"), max_length=10, choices=AgeBand.choices)
    situation = models.CharField(_("situatie"), max_length=20, choices=Situation.choices)
    notes = models.TextField(_("wat moet de vrijwilliger weten?"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("zorgvrager")
        verbose_name_plural = _("zorgvragers")

    def __str__(self) -> str:
        return self.name


class BurdenCheckIn(models.Model):
    """How heavy care feels, asked again over time so a broker sees the trend.

    A 0-10 scale ("hoe zwaar voelt de zorg?", after the EDIZ/thermometer style
    checks used in Dutch carer support) plus a few yes/no signals."""

    SIGNALS = ("sleeps_badly", "no_time_for_self", "health_suffers", "feels_alone")
    HIGH_SCORE = 7

    mantelzorger = models.ForeignKey(Mantelzorger, on_delete=models.CASCADE, related_name="checkins")
    score = models.PositiveSmallIntegerField(
        _("hoe zwaar voelt de zorg? (0 = niet zwaar, 10 = veel te zwaar)"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    sleeps_badly = models.BooleanField(_("ik slaap slecht door de zorg"), default=False)
    no_time_for_self = models.BooleanField(_("ik heb geen tijd meer voor mezelf"), default=False)
    health_suffers = models.BooleanField(_("mijn eigen gezondheid gaat achteruit"), default=False)
    feels_alone = models.BooleanField(_("ik sta er alleen voor"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="burden_score_at_most_10")]
        verbose_name = _("belasting-check")
        verbose_name_plural = _("belasting-checks")

    def __str__(self) -> str:
        return f"{self.score}/10"

    @property
    def signal_count(self) -> int:
        return sum(bool(getattr(self, name)) for name in self.SIGNALS)

    @property
    def is_high(self) -> bool:
        return self.score >= self.HIGH_SCORE or self.signal_count >= 2


class LadderStep(models.TextChoices):
    """Where a question was solved, on the ladder of the zero line first."""

    OWN_STRENGTH = "own_strength", _("eigen kracht")
    OWN_NETWORK = "own_network", _("eigen netwerk")
    VOLUNTEER = "volunteer", _("vrijwilliger of buurt")
    REFERRAL = "referral", _("doorverwezen naar professionele hulp of gemeente")


class GoalReached(models.TextChoices):
    YES = "yes", _("ja")
    PARTLY = "partly", _("gedeeltelijk")
    NO = "no", _("nee")


class HelpRequest(Located):
    """A question for help: respite for a mantelzorger, or a hand with shopping,
    transport, odd jobs or company for anyone."""

    class Kind(models.TextChoices):
        RESPITE = "respite", _("respijtzorg")
        PRACTICAL = "practical", _("praktische hulp")
        COMPANIONSHIP = "companionship", _("gezelschap")
        TRANSPORT = "transport", _("vervoer")
        OTHER = "other", _("anders")

    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        INTAKE = "intake", _("in gesprek")
        READY = "ready", _("klaar om te koppelen")
        MATCHED = "matched", _("gekoppeld")
        CLOSED = "closed", _("afgesloten")
        REFERRED = "referred", _("doorverwezen")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    LadderStep = LadderStep
    GoalReached = GoalReached

    class Source(models.TextChoices):
        USUAL = "", _("met een account of door de makelaar")
        WEB_NO_ACCOUNT = "web_no_account", _("via de website, zonder account")

    class Urgency(models.TextChoices):
        LOW = "low", _("kan wachten")
        NORMAL = "normal", _("normaal")
        HIGH = "high", _("dringend")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="help_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
        verbose_name=_("aangevraagd door"),
    )
    mantelzorger = models.ForeignKey(
        Mantelzorger, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    external_id = models.CharField(_("extern nummer"), max_length=64, blank=True)
    requester_first_name = models.CharField(_("voornaam hulpvrager"), max_length=100)
    requester_last_name = models.CharField(_("achternaam hulpvrager"), max_length=150, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    kind = models.CharField(_("soort hulp"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("stand van zaken"), max_length=20, choices=Status.choices, default=Status.NEW)
    urgency = models.CharField(_("haast"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("wat is er nodig?"), max_length=2000, blank=True)
    skills = models.ManyToManyField(
        "neighbourhoods.Skill", blank=True, related_name="help_requests", verbose_name=_("nodig")
    )
    care_recipient = models.ForeignKey(
        CareRecipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ingevoerd door"),
    )
    # When: weekly slots (RequestSlot) for recurring help, or dates (RequestDate).
    recurring = models.BooleanField(_("elke week"), default=True)
    # Intake (vraagverheldering): the question behind the question, and what the
    # person and their own network can do themselves.
    question_behind = models.TextField(_("de vraag achter de vraag"), max_length=2000, blank=True)
    # The ladder (eerst eigen kracht, dan het eigen netwerk, dan vrijwilligers en de buurt,
    # dan professionele hulp): what the person can do, who helps (NetworkMember), the
    # goal, and at the end the step on which the question was solved.
    own_strength = models.TextField(_("wat kan de persoon zelf?"), max_length=2000, blank=True)
    goal_own_words = models.TextField(_("doel in eigen woorden"), max_length=1000, blank=True)
    goal_measurable = models.TextField(_("meetbaar doel"), max_length=500, blank=True)
    ladder_step = models.CharField(_("opgelost met"), max_length=20, choices=LadderStep.choices, blank=True)
    goal_reached = models.CharField(_("doel bereikt?"), max_length=10, choices=GoalReached.choices, blank=True)
    # ISO 639-1 code; empty: no preference. The engine's language part uses it.
    preferred_language = models.CharField(_("voorkeurstaal"), max_length=3, blank=True)
    referred_to = models.CharField(_("doorverwezen naar"), max_length=200, blank=True)
    # A known partner of the organisation (caregivers.referral); by model name, the
    # partners app sits above this one. ``referred_to`` keeps the name as it was then.
    referred_partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("doorverwezen naar partner"),
    )
    referral_reason = models.TextField(_("waarom doorverwezen"), max_length=2000, blank=True)
    outcome = models.CharField(
        _("uitkomst"),
        max_length=20,
        blank=True,
        choices=[
            ("helped", _("geholpen")),
            ("partly", _("deels geholpen")),
            ("not_helped", _("niet geholpen")),
            ("no_longer_needed", _("niet meer nodig")),
        ],
    )
    # A request about something else than a volunteer's help (no times needed): today a
    # carer asking to talk with the carer consultant.
    topic = models.CharField(
        _("onderwerp"),
        max_length=20,
        blank=True,
        choices=[("consultant", _("gesprek met de mantelzorgconsulent"))],
    )
    # How the request came in, shown to the broker: empty for the usual ways (an account,
    # a broker, an import); ``web_no_account`` for the public form without an account.
    source = models.CharField(_("binnengekomen"), max_length=20, blank=True, default="", choices=Source.choices)
    # Asked for someone else without an account: the name of who asked (the contact
    # details are theirs); and when the broker best calls back.
    contact_name = models.CharField(_("gevraagd door"), max_length=150, blank=True)
    call_time = models.CharField(_("beste tijd om te bellen"), max_length=100, blank=True)
    status_changed_at = models.DateTimeField(_("stand gewijzigd op"), null=True, blank=True)
    # The broker of the organisation who looks after this request (the desk's "assigned
    # to me"); caregivers.desk.request_assign checks the role. Cleared when that account goes.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        verbose_name=_("toegewezen aan"),
    )
    needs_vog = models.BooleanField(_("VOG nodig"), default=False)
    max_distance_km = models.FloatField(
        _("maximale afstand (km)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # The carer's latest check-in is high: an input of the priority rule, stored so that
    # the queue can be ordered in the database; kept in step by caregivers.burden.
    burden_high = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_request_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            # The reports count requests per month.
            models.Index(fields=["organisation", "created_at"], name="request_org_created"),
            # The queue reads open requests per urgency and burden, oldest first (intake.queue_page).
            models.Index(
                fields=["organisation", "urgency", "burden_high", "created_at", "id"], name="request_queue_rank"
            ),
        ]
        verbose_name = _("hulpvraag")
        verbose_name_plural = _("hulpvragen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.requester_first_name}"

    def save(self, *args, **kwargs):
        # Respite means a volunteer alone with a vulnerable person: always a VOG.
        if self.kind == self.Kind.RESPITE:
            self.needs_vog = True
        super().save(*args, **kwargs)


class RequestSlot(WeeklySlot):
    """A weekly time the volunteer must fully cover."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="slots")

    class Meta(WeeklySlot.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="request_slot_end_after_start"),
        ]
        verbose_name = _("vast tijdvak")
        verbose_name_plural = _("vaste tijdvakken")


class RequestDate(models.Model):
    """A specific date and time for one-off help."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("datum"))
    start = models.TimeField(_("van"))
    end = models.TimeField(_("tot"))

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="request_date_end_after_start"),
        ]
        verbose_name = _("datum")
        verbose_name_plural = _("data")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.start:%H:%M}-{self.end:%H:%M}"


def _choice_label(choices, value) -> str:
    """The label of ``value`` in the active language; the value itself if unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class RequestEvent(StatusEvent):
    """One step in a request's life: who, when, from which state to which, and why."""

    class Code(models.TextChoices):
        """What the system says about a step; the label is shown in the reader's language."""

        SUBMITTED = "submitted", _("Aangevraagd")
        ENTERED_BY_BROKER = "entered_by_broker", _("Ingevoerd door makelaar")
        ASKED_WITHOUT_ACCOUNT = "asked_without_account", _("Gevraagd via de website, zonder account")
        LINKED_TO_ACCOUNT = "linked_to_account", _("Gekoppeld aan het account van de hulpvrager")
        IMPORTED = "imported", _("Ingelezen uit een bestand.")
        WITHDRAWN_BY_BROKER = "withdrawn_by_broker", _("Ingetrokken door makelaar")
        WITHDRAWN_BY_REQUESTER = "withdrawn_by_requester", _("Ingetrokken door aanvrager")
        ERASED_ON_REQUEST = "erased_on_request", _("Ingetrokken: de gegevens zijn gewist op verzoek.")
        REMATCH_AFTER_EVALUATION = "rematch_after_evaluation", _("Na de evaluatie: we zoeken een nieuwe vrijwilliger.")
        REFER_AFTER_EVALUATION = (
            "refer_after_evaluation",
            _("Na de evaluatie: doorverwijzen. Leg vast naar wie en waarom."),
        )
        CLOSED_AFTER_EVALUATION = "closed_after_evaluation", _("Afgesloten na de evaluatie. Doel bereikt: %(goal)s.")
        SOLVED_WITHOUT_VOLUNTEER = "solved_without_volunteer", _("Opgelost met %(step)s. Doel bereikt: %(goal)s.")
        # The volunteer's name is not repeated here: the request's page lists its matches.
        MATCHED = "matched", _("Gekoppeld aan een vrijwilliger.")
        MATCH_STOPPED = "match_stopped", _("De koppeling met de vrijwilliger is gestopt.")
        MATCH_CANCELLED = "match_cancelled", _("De koppeling met de vrijwilliger is geannuleerd.")
        VOLUNTEER_STOPPED = "volunteer_stopped", _("De vrijwilliger is gestopt.")
        # ``params["parts"]``: which of LADDER_PARTS changed (never what was typed).
        LADDER_CHANGED = "ladder_changed", _("Zelf aangepast op de eigen pagina: %(parts)s.")

    NOTES = dict(Code.choices)
    # The parts of the ladder the person can change on their own page.
    LADDER_PARTS = {
        "own_strength": _("wat de aanvrager zelf kan"),
        "goal": _("het doel in eigen woorden"),
        "network": _("het netwerk"),
        "language": _("de taal"),
    }

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")

    def code_params(self) -> dict:
        params = super().code_params()
        if "goal" in params:
            params["goal"] = _choice_label(GoalReached, params["goal"])
        if "step" in params:
            params["step"] = _choice_label(LadderStep, params["step"])
        if "parts" in params:
            params["parts"] = ", ".join(str(self.LADDER_PARTS.get(part, part)) for part in params["parts"])
        return params

    class Meta(StatusEvent.Meta):
        # The reports look up referrals (and other steps) per month.
        indexes = [models.Index(fields=["to_status", "at"], name="request_event_status_at")]


class CareSignal(models.Model):
    """Someone noticed that a person may need support ("erop af"): a signal passed to the
    broker with the least data needed to get in touch, and the person's consent.

    Staff enter signals (a colleague, or what a GP or wijkteam said on the phone), and a
    partner organisation passes them on its own pages (``source_kind`` "partner",
    ``source_partner_id``); ``source_kind`` and ``source_name`` say where it came from. The broker
    contacts the person and turns the signal into a request (``request``) or closes it
    with a reason. Personal data: exported and erased with the request it became (an
    open signal: erased with the person it names, by their e-mail or phone), made
    anonymous by retention (``privacy.retention``), every read logged (``caregivers.access``)."""

    class SourceKind(models.TextChoices):
        STAFF = "staff", _("medewerker van onze organisatie")
        GP = "gp", _("huisarts of praktijkondersteuner")
        DISTRICT_TEAM = "district_team", _("wijkteam of wijkverpleging")
        HOUSING = "housing", _("woningcorporatie")
        NEIGHBOUR = "neighbour", _("buurtbewoner of vrijwilliger")
        PARTNER = "partner", _("partnerorganisatie (via de eigen pagina's)")
        OTHER = "other", _("anders")

    class Status(models.TextChoices):
        OPEN = "open", _("nieuw signaal")
        REQUEST = "request", _("hulpvraag van gemaakt")
        CLOSED = "closed", _("afgesloten")

    class CloseReason(models.TextChoices):
        NO_NEED = "no_need", _("geen hulp nodig")
        OWN_NETWORK = "own_network", _("het eigen netwerk helpt")
        DECLINED = "declined", _("wil geen hulp")
        UNREACHABLE = "unreachable", _("niet bereikbaar")
        REFERRED = "referred", _("doorverwezen")
        OTHER = "other", _("anders")

    class ConsentHow(models.TextChoices):
        VERBAL = "verbal", _("mondeling")
        WRITTEN = "written", _("schriftelijk of per e-mail")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.PROTECT, related_name="care_signals"
    )
    source_kind = models.CharField(_("van wie komt het signaal?"), max_length=20, choices=SourceKind.choices)
    source_name = models.CharField(_("naam van de melder of organisatie"), max_length=150, blank=True)
    # The partners.Partner that passed the signal on its own pages (source_kind "partner").
    # A plain id, not a foreign key: caregivers lies below partners in the layers.
    source_partner_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    first_name = models.CharField(_("voornaam"), max_length=100)
    contact = models.CharField(_("hoe bereiken we de persoon?"), max_length=150)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    place = models.CharField(_("plaats of dorp"), max_length=100, blank=True)
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    noticed = models.TextField(_("wat viel op?"), max_length=1000)
    about_carer = models.BooleanField(_("de persoon zorgt voor een naaste (mantelzorger)"), default=False)
    consent_given = models.BooleanField(_("de persoon vindt het goed dat wij contact opnemen"), default=False)
    consent_how = models.CharField(_("hoe gaf de persoon toestemming?"), max_length=20, choices=ConsentHow.choices)
    consent_at = models.DateTimeField(_("toestemming vastgelegd op"))
    status = models.CharField(_("stand"), max_length=20, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(_("waarom afgesloten"), max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(_("toelichting"), max_length=500, blank=True)
    request = models.OneToOneField(HelpRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="signal")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A signal without the person's consent is never stored.
            models.CheckConstraint(condition=models.Q(consent_given=True), name="care_signal_needs_consent"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="care_signal_org_status"),
            models.Index(fields=["organisation", "created_at"], name="care_signal_org_created"),
        ]
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")

    def __str__(self) -> str:
        return f"{_('signaal')} #{self.pk}"

    @classmethod
    def staff_source_kinds(cls) -> list[tuple[str, str]]:
        """The sources staff and the API can name; "partner" is only set by a partner's own page."""
        return [choice for choice in cls.SourceKind.choices if choice[0] != cls.SourceKind.PARTNER]


class NetworkMember(models.Model):
    """Someone in the person's own network who helps or could help: a first name or a
    description ("de buurvrouw"), the relation and what they do. No contact details
    unless the person agreed that the organisation keeps them (``contact_consent``,
    with the date); the database refuses them otherwise."""

    class Relation(models.TextChoices):
        PARTNER = "partner", _("partner")
        FAMILY = "family", _("familie")
        NEIGHBOUR = "neighbour", _("buren")
        FRIEND = "friend", _("vriend of kennis")
        CLUB = "club", _("kerk, vereniging of club")
        OTHER = "other", _("anders")

    class Helps(models.TextChoices):
        NOW = "now", _("helpt al")
        COULD = "could", _("zou kunnen helpen")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(_("voornaam of omschrijving"), max_length=60)
    relation = models.CharField(_("wie is het?"), max_length=20, choices=Relation.choices)
    helps = models.CharField(_("helpt al of zou kunnen helpen"), max_length=10, choices=Helps.choices)
    what = models.CharField(_("wat doet hij of zij, of wat zou kunnen?"), max_length=300, blank=True)
    contact_consent = models.BooleanField(_("de persoon vindt het goed dat we contactgegevens bewaren"), default=False)
    contact_consent_on = models.DateField(_("toestemming gegeven op"), null=True, blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(contact_consent=True) & models.Q(contact_consent_on__isnull=False))
                | (
                    models.Q(contact_consent=False)
                    & models.Q(contact_consent_on__isnull=True)
                    & models.Q(phone="")
                    & models.Q(email="")
                ),
                name="network_member_contact_needs_consent",
            ),
        ]
        verbose_name = _("iemand uit het netwerk")
        verbose_name_plural = _("eigen netwerk")

    def __str__(self) -> str:
        return self.name


class CarerSupport(models.Model):
    """What an organisation offers carers besides respite, in its own words: information
    and advice, peer groups, the carer consultant. Plain text, kept by the organisation's
    admin; shown escaped, with paragraphs and web addresses made into links."""

    organisation = models.OneToOneField(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="carer_support"
    )
    information = models.TextField(_("informatie en advies"), max_length=4000, blank=True)
    peer_groups = models.TextField(_("lotgenotencontact"), max_length=4000, blank=True)
    consultant = models.TextField(_("de mantelzorgconsulent"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("steun voor mantelzorgers")
        verbose_name_plural = _("steun voor mantelzorgers")

    def __str__(self) -> str:
        return str(self.organisation)


class SavedQueueFilter(models.Model):
    """A broker's named set of queue filters ("Mijn wijk, dringend"), for that broker in
    that organisation only. ``query`` is the queue's query string as the filter form
    accepted it (caregivers.desk.saved_filter_save keeps only known, valid parameters)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_filters")
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="saved_queue_filters"
    )
    name = models.CharField(_("naam"), max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "name"], name="unique_saved_queue_filter_name"),
        ]
        verbose_name = _("bewaard filter")
        verbose_name_plural = _("bewaarde filters")

    def __str__(self) -> str:
        return self.name
