"""Model pieces shared by the apps."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.geo import Point
from common.slots import DAYS, Slot

WEEKDAY_CHOICES = [(i, day) for i, day in enumerate(DAYS)]


class Located(models.Model):
    """An address reduced to what matching needs: postcode, house number, place,
    a point and the neighbourhood it falls in. No street names are stored."""

    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.CharField(_("huisnummer"), max_length=10, blank=True)
    place = models.CharField(_("plaats"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("breedtegraad"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("lengtegraad"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def point(self) -> Point | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Point(self.latitude, self.longitude)


class WeeklySlot(models.Model):
    """A weekday with a wall-clock start and end (Europe/Amsterdam), never across
    midnight. Overlaps between the slots of one owner are refused by the services."""

    weekday = models.PositiveSmallIntegerField(_("dag"), choices=WEEKDAY_CHOICES)
    start = models.TimeField(_("van"))
    end = models.TimeField(_("tot"))

    class Meta:
        abstract = True
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return self.as_slot().label()

    def as_slot(self) -> Slot:
        return Slot(self.weekday, self.start, self.end)


class StatusEvent(models.Model):
    """One recorded transition: who, when, from which state to which, and why.

    What the system says about a step is stored as a ``code`` (with ``params``, codes
    and numbers only, never personal data) and rendered in the reader's language at
    display time (:attr:`note_text`); ``note`` holds only what a person typed."""

    # code -> the text shown for it (lazy, may use %(name)s from ``params``); each
    # concrete model names its own.
    NOTES: ClassVar[dict[str, Any]] = {}

    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    code = models.CharField(max_length=40, blank=True)
    # NULL for none: the bulk inserts (``matches.proposals._insert_many``) leave it out.
    params = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"

    def code_params(self) -> dict[str, Any]:
        """The parameters of the code's text, ready to show (subclasses turn codes in
        ``params`` into labels)."""
        return dict(self.params or {})

    @property
    def code_text(self) -> str:
        """The text of ``code`` in the active language; empty for no (or an unknown) code."""
        message = self.NOTES.get(self.code)
        if message is None:
            return ""
        params = self.code_params()
        return str(message) % params if params else str(message)

    @property
    def note_text(self) -> str:
        """What the history shows for this step: the code's text, then the typed note."""
        return "\n".join(part for part in (self.code_text, self.note) if part)
