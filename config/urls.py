from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("vrijwilliger/", include("volunteers.urls")),
    path("hulp/", include("caregivers.urls")),
    path("koppelingen/", include("matching.people_urls")),
    path("agenda/", include("matching.calendar_urls")),
    path("e-mail/", include("notifications.urls")),
    # Broker pages of one organisation (scoped by the slug and the user's membership).
    path("organisatie/<slug:slug>/vrijwilligers/", include("volunteers.broker_urls")),
    path("organisatie/<slug:slug>/vragen/", include("caregivers.broker_urls")),
    path("organisatie/<slug:slug>/koppelen/", include("matching.urls")),
    path("organisatie/<slug:slug>/koppelronde/", include("matching.batch_urls")),
    path("organisatie/<slug:slug>/koppelingen/", include("matching.broker_match_urls")),
    path("organisatie/<slug:slug>/aandacht/", include("matching.attention_urls")),
    path("organisatie/<slug:slug>/cijfers/", include("neighbourhoods.report_urls")),
    path("", include("neighbourhoods.urls")),
    path("admin/", admin.site.urls),
]
