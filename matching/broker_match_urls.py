"""The broker's match pages of one organisation, mounted at /organisatie/<slug>/koppelingen/
(namespace ``matching_broker``; every view takes ``slug``)."""

from django.urls import path

from matching import broker_match_views as views

app_name = "matching_broker"
urlpatterns = [
    path("", views.match_list, name="list"),
    path("uren/goedkeuren/", views.hours_approve_organisation, name="hours_approve_all"),
    path("<int:pk>/", views.match_detail, name="detail"),
    path("<int:pk>/annuleren/", views.cancel, name="cancel"),
    path("<int:pk>/starten/", views.activate, name="activate"),
    path("<int:pk>/afronden/", views.end, name="end"),
    path("<int:pk>/uren/goedkeuren/", views.hours_approve_match, name="hours_approve_match"),
    path("<int:pk>/uren/<int:entry>/goedkeuren/", views.hours_approve_one, name="hours_approve"),
]
