"""The private calendar feed and its settings page (namespace ``calendar``, mounted at ``agenda/``)."""

from django.urls import path

from matching import calendar_views as views

app_name = "calendar"
urlpatterns = [
    path("", views.manage, name="manage"),
    # No login: the secret token is the proof (calendar apps cannot log in).
    path("<str:token>.ics", views.feed, name="feed"),
]
