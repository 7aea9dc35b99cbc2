"""The privacy officer's access log (``/organisatie/<slug>/inzagelog/``, namespace ``audit``)."""

from django.urls import include, path

from audit import views

log_patterns = [
    path("", views.log_page, name="log"),
    path("export.csv", views.log_export, name="export"),
]

urlpatterns = [path("organisatie/<slug:slug>/inzagelog/", include((log_patterns, "audit")))]
