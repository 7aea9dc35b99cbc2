"""The public activities in ``sitemap.xml`` (mounted by ``config.sitemaps``): exactly
what ``selectors.public_activities`` shows, so a cancelled activity or one that ended
is not listed."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from activities.models import Activity


class ActivitySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self):
        from activities.selectors import public_activities

        # One query: only what the sitemap writes.
        return public_activities().select_related(None).prefetch_related(None).only("pk", "updated_at").order_by("pk")

    def location(self, item: Activity) -> str:
        return reverse("activities:detail", args=[item.pk])

    def lastmod(self, item: Activity):
        return item.updated_at
