from django.urls import path

from privacy.views import retention

app_name = "privacy"
urlpatterns = [
    path("organisatie/<slug:slug>/bewaartermijnen/", retention.retention_settings, name="retention_settings"),
]
