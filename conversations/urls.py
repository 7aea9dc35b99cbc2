"""The conversations: the people's (``/berichten/``, namespace ``conversations``) and the
broker's thread of a match (``/organisatie/<slug>/koppelingen/<pk>/berichten/``,
namespace ``conversations_broker``) and of a sign-up for an activity
(``/organisatie/<slug>/activiteiten/aanmeldingen/<pk>/berichten/``, namespace
``conversations_activity``)."""

from django.urls import include, path

from conversations import views

people_patterns = [
    path("", views.inbox, name="inbox"),
    path("koppeling/<int:pk>/", views.match_thread, name="match"),
    path("reactie/<int:pk>/", views.response_thread, name="response"),
    path("activiteit/<int:pk>/", views.signup_thread, name="signup"),
]

broker_patterns = [
    path("<int:pk>/berichten/", views.broker_thread, name="thread"),
]

activity_patterns = [
    path("<int:pk>/berichten/", views.broker_signup_thread, name="thread"),
]

urlpatterns = [
    path("berichten/", include((people_patterns, "conversations"))),
    path("organisatie/<slug:slug>/koppelingen/", include((broker_patterns, "conversations_broker"))),
    path(
        "organisatie/<slug:slug>/activiteiten/aanmeldingen/",
        include((activity_patterns, "conversations_activity")),
    ),
]
