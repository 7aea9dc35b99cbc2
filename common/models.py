"""Model pieces shared by the apps."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from neighbourhoods.geo import Point


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
