"""Matching for one organisation, mounted at /organisatie/<slug>/koppelen/ (every view takes ``slug``)."""

from django.urls import path

from matching import api, views

app_name = "matching"
urlpatterns = [
    path("<int:pk>/", views.suggestions, name="suggestions"),
    path("<int:pk>/voorstellen/", views.propose, name="propose"),
    path("api/<int:pk>/", api.api_suggestions, name="api_suggestions"),
]
