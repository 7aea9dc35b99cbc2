from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"
urlpatterns = [
    path("buurt/", views.lookup, name="lookup"),
    path("organisatie/<slug:slug>/team/", views.organisation_team, name="team"),
]
