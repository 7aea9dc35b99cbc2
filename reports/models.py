"""Stored report figures: per organisation and month, per neighbourhood, numbers only.

The tables keep the names they had in the ``neighbourhoods`` app (``db_table``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportMonth(models.Model):
    """The counted figures of one organisation in one calendar month, as stored for the
    report pages (``reports.store``): when they were counted, and per
    neighbourhood the raw numbers that add up (:class:`ReportMonthArea`).

    Only aggregates: numbers per neighbourhood, never a person."""

    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", on_delete=models.CASCADE, related_name="report_months"
    )
    # The first day of the month (Europe/Amsterdam calendar month).
    month = models.DateField(_("maand"))
    # When the counting began: a change after this moment is not in the figures.
    counted_at = models.DateTimeField(_("geteld op"))
    # Something changed that the figures may not show (a row was deleted, a
    # neighbourhood removed): counted again when a page or the nightly task needs it.
    invalidated_at = models.DateTimeField(_("verouderd sinds"), null=True, blank=True)
    # The month's numbers per staff member (user id -> column -> number) for the workload
    # table (``reports.workload.MONTH_COLUMNS``); names are looked up when shown.
    # Empty (None) when a page counted the figures: the workload is then counted when shown.
    workload = models.JSONField(null=True, blank=True)
    # What the figures mean (``reports.store.STORE_VERSION``): another version is counted again.
    version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        db_table = "neighbourhoods_reportmonth"
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
    ``reports.figures.Raw``."""

    report_month = models.ForeignKey(ReportMonth, on_delete=models.CASCADE, related_name="areas")
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Figure code -> number (only the numbers that are not 0).
    counts = models.JSONField(default=dict)
    # Days from request to the first start of a volunteer, sorted (for the median; no
    # link to the requests).
    days_to_match = models.JSONField(default=list)
    respite_hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    burden_sum = models.PositiveIntegerField(default=0)
    burden_checkins = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "neighbourhoods_reportmontharea"
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
