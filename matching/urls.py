"""Matching for one organisation: suggestions (``/organisatie/<slug>/koppelen/``, namespace
``matching``), batch runs (``/organisatie/<slug>/koppelronde/``, namespace ``matching_batch``) and
the admin's weights with a preview (``/organisatie/<slug>/instellingen/gewichten/``, namespace
``matching_settings``).
Every view takes ``slug``."""

from django.urls import include, path

from matching.views import batch, suggestions, weights

suggestion_patterns = [
    path("<int:pk>/", suggestions.suggestions, name="suggestions"),
    path("<int:pk>/voorstellen/", suggestions.propose, name="propose"),
]

batch_patterns = [
    path("", batch.run_list, name="list"),
    path("starten/", batch.run_start, name="start"),
    path("<int:pk>/", batch.run_detail, name="detail"),
    path("<int:pk>/voortgang/", batch.run_progress, name="progress"),
    path("<int:pk>/bevestigen/", batch.run_confirm, name="confirm"),
    path("<int:pk>/afwijzen/", batch.run_reject, name="reject"),
]

settings_patterns = [
    path("", weights.weights, name="weights"),
]

urlpatterns = [
    path("organisatie/<slug:slug>/instellingen/gewichten/", include((settings_patterns, "matching_settings"))),
    path("organisatie/<slug:slug>/koppelen/", include((suggestion_patterns, "matching"))),
    path("organisatie/<slug:slug>/koppelronde/", include((batch_patterns, "matching_batch"))),
]
