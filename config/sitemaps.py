"""``/sitemap.xml`` and ``/robots.txt``: what search engines may read.

Only public pages are listed and allowed: the start page, the vacancy search and each
public vacancy, the postcode lookup, the form to ask without an account, the privacy page and the
accessibility statement. ``robots.txt`` allows those and
disallows everything else (staff pages, the partner's pages, accounts, the API, personal
pages), so a page added later is private to crawlers until it is added here."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from activities.sitemaps import ActivitySitemap
from partners.sitemaps import VacancySitemap

# URL names of the public pages without parameters, in the sitemap and allowed to crawlers.
PUBLIC_PAGES = (
    "home",
    "vacancies:list",
    "activities:list",
    "neighbourhoods:lookup",
    "privacy",
    "accessibility",
    "caregivers:ask",
)

# Public pages under an allowed prefix that are personal or need a login (RFC 9309
# patterns: ``*`` is any text).
PRIVATE_UNDER_PUBLIC = (
    "/vacatures/past-bij-u/",
    "/vacatures/mijn-reacties/",
    "/vacatures/*/reageren/",
    "/activiteiten/*/aanmelden/",
    "/activiteiten/*/afmelden/",
    "/activiteiten/aanbod/",
)


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return list(PUBLIC_PAGES)

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PublicPagesSitemap, "vacancies": VacancySitemap, "activities": ActivitySitemap}


def robots_lines(*, sitemap_url: str) -> list[str]:
    """robots.txt (RFC 9309: the longest matching rule wins, ``$`` ends a pattern)."""
    lines = ["# Buurtmakelaar: search engines read the public pages only.", "User-agent: *"]
    lines += [f"Disallow: {pattern}" for pattern in PRIVATE_UNDER_PUBLIC]
    for name in PUBLIC_PAGES:
        path = reverse(name)
        # The start page alone, not everything under "/"; the vacancies, the activities and
        # all below them.
        below = name in ("vacancies:list", "activities:list")
        lines.append(f"Allow: {path}" if below and path != "/" else f"Allow: {path}$")
    lines += ["Allow: /static/", "Disallow: /", "", f"Sitemap: {sitemap_url}"]
    return lines
