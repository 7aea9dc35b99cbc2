from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts.views import webauthn_remove
from config import health, pwa
from config.sitemaps import SITEMAPS
from config.views import accessibility, home, not_found, robots_txt, server_error
from privacy.views import retention as privacy_views

# The admin's own login form would skip allauth's second step: send it to ours.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    # Health checks (config/health.py): no login, no trailing slash (probes are simple).
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    # For search engines: the public pages and vacancies (config/sitemaps.py).
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # The privacy page: its retention section is rendered from privacy.schedule.
    path("privacy/", privacy_views.privacy_page, name="privacy"),
    # The accessibility statement (toegankelijkheidsverklaring), in the format of the
    # Dutch public bodies' model statement.
    path("toegankelijkheid/", accessibility, name="accessibility"),
    # The installable web app (config/pwa.py): the service worker at the root, so that
    # its scope is the whole site.
    path("manifest.webmanifest", pwa.web_manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    # Before allauth's URLs, so that this one wins: staff keep at least one second step.
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", webauthn_remove, name="mfa_remove_webauthn"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("e-mail/", include("notifications.urls")),
    # Each app's pages; the staff pages of one organisation are scoped by the slug and
    # the user's membership (see each app's urls.py for its prefixes and namespaces).
    path("", include("volunteers.urls")),
    path("", include("caregivers.urls")),
    path("", include("matches.urls")),
    path("", include("matching.urls")),
    path("", include("partners.urls")),
    path("", include("activities.urls")),
    path("", include("conversations.urls")),
    path("", include("reports.urls")),
    path("", include("neighbourhoods.urls")),
    path("", include("privacy.urls")),
    path("", include("audit.urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]

# Problem documents (RFC 9457) under /api/, the usual pages elsewhere.
handler404 = not_found
handler500 = server_error
