"""Reports of one organisation (namespace ``reports``): the figures at
``organisatie/<slug>/cijfers/``, the organisation's start page and the municipality's
overview per neighbourhood."""

from django.urls import include, path

from reports.views import figures, overview

patterns = [
    path("cijfers/", figures.municipality_dashboard, name="dashboard"),
    path("cijfers/vraag-en-aanbod/", figures.demand, name="demand"),
    path("cijfers/organisatie/", figures.organisation_overview, name="organisation"),
    path("cijfers/export.csv", figures.export_csv, name="csv"),
    path("cijfers/export.json", figures.export_json, name="json"),
    path("", overview.organisation_dashboard, name="start"),
    path("gemeente/", overview.municipality_overview, name="municipality_overview"),
]

urlpatterns = [path("organisatie/<slug:slug>/", include((patterns, "reports")))]
