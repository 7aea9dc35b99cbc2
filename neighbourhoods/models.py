"""Geography (municipalities, neighbourhoods, villages) and the organisations that
serve them, with their staff."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from neighbourhoods.geo import Point


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """The organising scale: a wijk or buurt in a town, or a village (kern)."""

    class Kind(models.TextChoices):
        WIJK = "wijk", _("wijk")
        BUURT = "buurt", _("buurt")
        KERN = "kern", _("dorp of kern")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="neighbourhoods")
    name = models.CharField(_("naam"), max_length=100)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.KERN)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("ligt in")
    )
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))
    # Optional GeoJSON Polygon or MultiPolygon (lon, lat order, as GeoJSON says).
    boundary = models.JSONField(_("grens (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name", "kind"], name="unique_neighbourhood_name"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="neighbourhood_coordinates_in_range",
            ),
        ]
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"

    @property
    def centroid(self) -> Point:
        return Point(self.latitude, self.longitude)

    def clean(self) -> None:
        if self.boundary is not None:
            kind = self.boundary.get("type") if isinstance(self.boundary, dict) else None
            if kind not in {"Polygon", "MultiPolygon"}:
                raise ValidationError({"boundary": _("De grens moet een GeoJSON Polygon of MultiPolygon zijn.")})


class Organisation(models.Model):
    """A volunteer centre (vrijwilligerscentrale, welzijnsorganisatie)."""

    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(_("korte naam"), max_length=60, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", blank=True, verbose_name=_("werkgebied (gemeenten)")
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    vog_valid_years = models.PositiveSmallIntegerField(
        _("VOG geldig (jaren)"), default=3, help_text=_("Hoe lang een VOG geldig blijft na de datum van afgifte.")
    )
    waiting_flag_days = models.PositiveSmallIntegerField(
        _("lang wachten na (dagen)"), default=14, help_text=_("Vragen die langer wachten krijgen een markering.")
    )
    # Weights of the matching score parts; missing keys take the engine's defaults.
    matching_weights = models.JSONField(_("gewichten bij het koppelen"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class StaffMembership(models.Model):
    """A person's role at an organisation. Every staff view is scoped by these rows."""

    class Role(models.TextChoices):
        BROKER = "broker", _("makelaar")
        ADMIN = "admin", _("beheerder")
        MUNICIPALITY = "municipality", _("gemeente (alleen cijfers)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    # A municipality viewer sees the figures of one municipality only.
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("gemeente")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
            models.CheckConstraint(
                condition=~models.Q(role="municipality") | models.Q(municipality__isnull=False),
                name="municipality_viewer_has_municipality",
            ),
        ]
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    def clean(self) -> None:
        if self.role == self.Role.MUNICIPALITY and not self.municipality_id:
            raise ValidationError({"municipality": _("Kies de gemeente waarvan deze persoon de cijfers ziet.")})
        if (
            self.municipality_id
            and self.organisation_id
            and not self.organisation.municipalities.filter(pk=self.municipality_id).exists()
        ):
            raise ValidationError({"municipality": _("Deze gemeente hoort niet bij het werkgebied.")})


class ReportMonth(models.Model):
    """The counted figures of one organisation in one calendar month, as stored for the
    report pages (``neighbourhoods.report_store``): when they were counted, and per
    neighbourhood the raw numbers that add up (:class:`ReportMonthArea`).

    Only aggregates: numbers per neighbourhood, never a person."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_months")
    # The first day of the month (Europe/Amsterdam calendar month).
    month = models.DateField(_("maand"))
    # When the counting began: a change after this moment is not in the figures.
    counted_at = models.DateTimeField(_("geteld op"))
    # Something changed that the figures may not show (a row was deleted, a
    # neighbourhood removed): counted again when a page or the nightly task needs it.
    invalidated_at = models.DateTimeField(_("verouderd sinds"), null=True, blank=True)
    # The month's numbers per staff member (user id -> column -> number) for the workload
    # table (``neighbourhoods.workload.MONTH_COLUMNS``); names are looked up when shown.
    # Empty (None) when a page counted the figures: the workload is then counted when shown.
    workload = models.JSONField(null=True, blank=True)
    # What the figures mean (``report_store.STORE_VERSION``): another version is counted again.
    version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["organisation", "month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="unique_report_month"),
        ]
        verbose_name = _("getelde maand")
        verbose_name_plural = _("getelde maanden")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class ReportMonthArea(models.Model):
    """The raw numbers of one neighbourhood in a :class:`ReportMonth` (``neighbourhood``
    empty: requests and people whose neighbourhood is not known). The fields are those of
    ``neighbourhoods.reports.Raw``."""

    report_month = models.ForeignKey(ReportMonth, on_delete=models.CASCADE, related_name="areas")
    neighbourhood = models.ForeignKey(Neighbourhood, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Figure code -> number (only the numbers that are not 0).
    counts = models.JSONField(default=dict)
    # Days from request to the first start of a volunteer, sorted (for the median; no
    # link to the requests).
    days_to_match = models.JSONField(default=list)
    respite_hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    burden_sum = models.PositiveIntegerField(default=0)
    burden_checkins = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report_month", "neighbourhood"],
                condition=models.Q(neighbourhood__isnull=False),
                name="unique_report_month_area",
            ),
            # NULLs are distinct in a unique index: one "unknown" row per month needs its own.
            models.UniqueConstraint(
                fields=["report_month"],
                condition=models.Q(neighbourhood__isnull=True),
                name="unique_report_month_unknown_area",
            ),
        ]
        verbose_name = _("getelde maand per buurt")
        verbose_name_plural = _("getelde maanden per buurt")

    def __str__(self) -> str:
        return f"{self.report_month} {self.neighbourhood_id or '-'}"
