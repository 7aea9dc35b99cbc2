"""Mantelzorgers and help requests (respite first)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Located


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("mantelzorger")
        verbose_name_plural = _("mantelzorgers")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


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
        "volunteers.Skill", blank=True, related_name="help_requests", verbose_name=_("nodig")
    )
    # Weekly wall-clock slots, written as in DESIGN.md: "tue 13:00-17:00; thu 09:00-12:00".
    schedule = models.CharField(_("wanneer"), max_length=500, blank=True)
    needs_vog = models.BooleanField(_("VOG nodig"), default=False)
    max_distance_km = models.FloatField(
        _("maximale afstand (km)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
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
        indexes = [models.Index(fields=["organisation", "status"])]
        verbose_name = _("hulpvraag")
        verbose_name_plural = _("hulpvragen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.requester_first_name}"

    def save(self, *args, **kwargs):
        # Respite means a volunteer alone with a vulnerable person: always a VOG.
        if self.kind == self.Kind.RESPITE:
            self.needs_vog = True
        super().save(*args, **kwargs)
