from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"
urlpatterns = [
    path("buurt/", views.lookup, name="lookup"),
    path("organisatie/<slug:slug>/", views.organisation_dashboard, name="dashboard"),
    path("organisatie/<slug:slug>/team/", views.organisation_team, name="team"),
    path("organisatie/<slug:slug>/gemeente/", views.municipality_overview, name="municipality"),
]
