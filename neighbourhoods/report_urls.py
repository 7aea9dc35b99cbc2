"""Reports of one organisation, mounted at ``organisatie/<slug>/cijfers/``."""

from django.urls import path

from neighbourhoods import report_views

app_name = "reports"
urlpatterns = [
    path("", report_views.municipality_dashboard, name="dashboard"),
    path("vraag-en-aanbod/", report_views.demand, name="demand"),
    path("organisatie/", report_views.organisation_overview, name="organisation"),
    path("export.csv", report_views.export_csv, name="csv"),
    path("export.json", report_views.export_json, name="json"),
]
