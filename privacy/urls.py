"""The privacy app's pages: an organisation's retention periods (namespace ``privacy``),
a person's own data (``/mijn-gegevens/``, namespace ``mydata``) and the broker's page for
someone offline (``/organisatie/<slug>/privacy/<kind>/<pk>/``, namespace
``privacy_broker``; kind is ``vrijwilliger``, ``mantelzorger`` or ``hulpvraag``)."""

from django.urls import include, path

from privacy.views import broker, mine, retention

retention_patterns = [
    path("organisatie/<slug:slug>/bewaartermijnen/", retention.retention_settings, name="retention_settings"),
]

own_patterns = [
    path("", mine.my_data, name="mine"),
    path("download.json", mine.my_data_json, name="export_json"),
    path("overzicht/", mine.my_data_page, name="export_page"),
    path("wissen/", mine.my_data_erase, name="erase"),
]

broker_patterns = [
    path("<slug:kind>/<int:pk>/", broker.person, name="person"),
]

urlpatterns = [
    path("", include((retention_patterns, "privacy"))),
    path("mijn-gegevens/", include((own_patterns, "mydata"))),
    path("organisatie/<slug:slug>/privacy/", include((broker_patterns, "privacy_broker"))),
]
