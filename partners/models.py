"""Partner organisations of a volunteer centre (a sports club, a care home, a food bank,
a neighbourhood initiative), the people who work for them here, their vacancies and the
volunteers' responses.

A partner is not staff of the centre: its people see their own profile, their own
vacancies and the responses to them, nothing of the centre's requests, care files or
volunteers. Profiles and vacancies are the partner's (organisation data); a response is
personal data of the volunteer (export, erasure and retention in ``privacy``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Located, WeeklySlot


class PartnerSettings(models.Model):
    """A centre's choices about its partners."""

    organisation = models.OneToOneField(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="partner_settings"
    )
    # The first vacancies of a partner wait for the centre's check before they are public.
    review_first_vacancies = models.BooleanField(_("eerste vacatures van een partner eerst controleren"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("instellingen voor partners")
        verbose_name_plural = _("instellingen voor partners")

    def __str__(self) -> str:
        return str(self.organisation)


class Partner(models.Model):
    """An organisation the centre works with, that posts vacancies."""

    class Kind(models.TextChoices):
        SPORTS_CLUB = "sports_club", _("sportvereniging")
        CARE_HOME = "care_home", _("zorginstelling of verpleeghuis")
        FOOD_BANK = "food_bank", _("voedselbank")
        INITIATIVE = "initiative", _("buurtinitiatief")
        OTHER = "other", _("andere organisatie")

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="partners", verbose_name=_("centrale")
    )
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort organisatie"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("wat doet uw organisatie?"), max_length=2000, blank=True)
    place = models.CharField(_("waar (plaats of wijk)"), max_length=100, blank=True)
    # The organisation's own contact (not a person's): shown with its vacancies.
    email = models.EmailField(_("e-mailadres van de organisatie"), blank=True)
    phone = models.CharField(_("telefoon van de organisatie"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_partner_name_per_organisation"),
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    """Someone who works for a partner here: keeps its profile, posts its vacancies and
    answers the responses."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "user"], name="unique_partner_membership")]
        verbose_name = _("medewerker van een partner")
        verbose_name_plural = _("medewerkers van partners")

    def __str__(self) -> str:
        return f"{self.user} – {self.partner}"


class Vacancy(Located):
    """Volunteer work a partner offers. The place is a postcode or a place (the point is
    found by the geocoder), or "vanuit huis / telefonisch"."""

    class When(models.TextChoices):
        ONE_OFF = "one_off", _("eenmalig, op een datum")
        WEEKLY = "weekly", _("elke week, op vaste tijden")
        FLEXIBLE = "flexible", _("flexibel, in overleg")

    class Status(models.TextChoices):
        REVIEW = "review", _("wacht op controle door de centrale")
        PUBLISHED = "published", _("staat online")
        REJECTED = "rejected", _("niet goedgekeurd")
        CLOSED = "closed", _("gesloten")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="vacancies")
    title = models.CharField(_("titel"), max_length=120)
    description = models.TextField(_("omschrijving"), max_length=4000)
    skills = models.ManyToManyField(
        "neighbourhoods.Skill", blank=True, related_name="vacancies", verbose_name=_("wat doet de vrijwilliger?")
    )
    from_home = models.BooleanField(_("vanuit huis of telefonisch"), default=False)
    when = models.CharField(_("wanneer"), max_length=10, choices=When.choices, default=When.FLEXIBLE)
    date = models.DateField(_("datum"), null=True, blank=True)
    start_time = models.TimeField(_("van"), null=True, blank=True)
    end_time = models.TimeField(_("tot"), null=True, blank=True)
    hours = models.DecimalField(
        _("uren per keer"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(40)],
    )
    needs_vog = models.BooleanField(_("VOG nodig"), default=False)
    minimum_age = models.PositiveSmallIntegerField(
        _("minimale leeftijd"), null=True, blank=True, validators=[MinValueValidator(12), MaxValueValidator(99)]
    )
    places = models.PositiveSmallIntegerField(
        _("aantal plaatsen"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    until = models.DateField(_("zichtbaar tot en met"), null=True, blank=True)
    status = models.CharField(_("stand van zaken"), max_length=10, choices=Status.choices, default=Status.REVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="vacancy_places_at_least_one"),
            models.CheckConstraint(
                condition=~models.Q(when="one_off") | models.Q(date__isnull=False), name="vacancy_one_off_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "until"])]
        verbose_name = _("vacature")
        verbose_name_plural = _("vacatures")

    def __str__(self) -> str:
        return self.title

    def is_over(self, today: datetime.date | None = None) -> bool:
        """Past its "until", or a one-off date in the past."""
        today = today or timezone.localdate()
        return (self.until is not None and self.until < today) or (
            self.when == self.When.ONE_OFF and self.date is not None and self.date < today
        )


class VacancySlot(WeeklySlot):
    """When a weekly vacancy needs someone (wall-clock, Europe/Amsterdam)."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="slots")

    class Meta(WeeklySlot.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="vacancy_slot_end_after_start"),
        ]
        verbose_name = _("tijd van een vacature")
        verbose_name_plural = _("tijden van vacatures")


class Response(models.Model):
    """A volunteer's "ik wil dit doen" with a short note. The partner sees the name and the
    note; the contact details only once it has accepted."""

    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        ACCEPTED = "accepted", _("aangenomen")
        DECLINED = "declined", _("niet aangenomen")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="responses")
    # Empty once the volunteer's data are erased: the response still counts in the figures.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", null=True, blank=True, on_delete=models.SET_NULL, related_name="vacancy_responses"
    )
    note = models.TextField(_("korte toelichting"), max_length=500, blank=True)
    status = models.CharField(_("stand van zaken"), max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "volunteer"],
                condition=models.Q(volunteer__isnull=False),
                name="one_response_per_volunteer",
            ),
        ]
        verbose_name = _("reactie op een vacature")
        verbose_name_plural = _("reacties op vacatures")

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.get_status_display()}"
