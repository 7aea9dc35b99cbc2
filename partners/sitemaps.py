"""The public vacancies in ``sitemap.xml`` (mounted by ``config.urls``): exactly what
``selectors.public_vacancies`` shows, so a vacancy that waits for the centre's check,
was rejected or closed, is past its date or belongs to a stopped partner is not listed."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from partners.models import Vacancy
from partners.selectors import public_vacancies


class VacancySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        # One query: only what the sitemap writes (no partner, skills or slots).
        return public_vacancies().select_related(None).prefetch_related(None).only("pk", "updated_at").order_by("pk")

    def location(self, item: Vacancy) -> str:
        return reverse("vacancies:detail", args=[item.pk])

    def lastmod(self, item: Vacancy):
        return item.updated_at
