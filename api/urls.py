"""The API (namespace ``api``), versioned in the path: ``/api/v1/``.

* ``schema/`` the OpenAPI 3.1 description (``api/openapi.yaml`` is the committed copy),
  ``docs/`` the reference (Swagger UI from our own static files);
* ``organisations/<slug>/…`` the resources of one organisation (``api.access``); its
  ``vacancies/`` and ``activities/`` are public (no token needed);
* the old address of the JSON suggestions stays as an alias of the one view.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api.views import activities, figures, matching, outcomes, people, reference, signals, tokens, vacancies, webhooks

organisation_patterns = [
    path("figures/", figures.FiguresView.as_view(), name="figures"),
    path("volunteers/", people.VolunteerList.as_view(), name="volunteers"),
    path("volunteers/<int:pk>/", people.VolunteerDetail.as_view(), name="volunteer"),
    path("requests/", people.RequestList.as_view(), name="requests"),
    path("requests/<int:pk>/", people.RequestDetail.as_view(), name="request"),
    path("requests/<int:pk>/suggestions/", matching.Suggestions.as_view(), name="suggestions"),
    path("matches/", matching.MatchList.as_view(), name="matches"),
    path("matches/<int:pk>/", matching.MatchDetail.as_view(), name="match"),
    path("batch-runs/", matching.BatchRunList.as_view(), name="batch_runs"),
    path("batch-runs/<int:pk>/", matching.BatchRunDetail.as_view(), name="batch_run"),
    path("hours/", outcomes.HoursList.as_view(), name="hours"),
    path("evaluations/", outcomes.EvaluationList.as_view(), name="evaluations"),
    path("vacancies/", vacancies.VacancyList.as_view(), name="vacancies"),
    path("vacancies/<int:pk>/", vacancies.VacancyDetail.as_view(), name="vacancy"),
    path("activities/", activities.ActivityList.as_view(), name="activities"),
    path("activities/<int:pk>/", activities.ActivityDetail.as_view(), name="activity"),
    path("signals/", signals.SignalCreate.as_view(), name="signals"),
]

v1_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", reference.Reference.as_view(url_name="api:schema"), name="docs"),
    path("organisations/<slug:slug>/", include(organisation_patterns)),
]

token_patterns = [
    path("", tokens.token_list, name="list"),
    path("nieuw/", tokens.token_new, name="new"),
    path("<int:pk>/intrekken/", tokens.token_revoke_view, name="revoke"),
]

webhook_patterns = [
    path("", webhooks.webhook_list, name="list"),
    path("nieuw/", webhooks.webhook_new, name="new"),
    path("afleveringen/", webhooks.webhook_deliveries, name="deliveries"),
    path("<int:pk>/uitzetten/", webhooks.webhook_deactivate, name="deactivate"),
    path("<int:pk>/verwijderen/", webhooks.webhook_delete, name="delete"),
]

urlpatterns = [
    path("api/v1/", include((v1_patterns, "api"))),
    # The admin's page of API tokens.
    path("organisatie/<slug:slug>/instellingen/api-sleutels/", include((token_patterns, "api_tokens"))),
    # The admin's page of webhooks and their delivery log.
    path("organisatie/<slug:slug>/instellingen/webhooks/", include((webhook_patterns, "api_webhooks"))),
    # The suggestions' first address (before the API): the same view, kept working.
    path(
        "organisatie/<slug:slug>/koppelen/api/<int:pk>/",
        matching.Suggestions.as_view(),
        name="legacy_suggestions",
    ),
]
