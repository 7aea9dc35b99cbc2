"""The conversations: the people's (``/berichten/``, namespace ``conversations``) and the
broker's thread of a match (``/organisatie/<slug>/koppelingen/<pk>/berichten/``,
namespace ``conversations_broker``)."""

from django.urls import include, path

from conversations import views

people_patterns = [
    path("", views.inbox, name="inbox"),
    path("koppeling/<int:pk>/", views.match_thread, name="match"),
    path("reactie/<int:pk>/", views.response_thread, name="response"),
]

broker_patterns = [
    path("<int:pk>/berichten/", views.broker_thread, name="thread"),
]

urlpatterns = [
    path("berichten/", include((people_patterns, "conversations"))),
    path("organisatie/<slug:slug>/koppelingen/", include((broker_patterns, "conversations_broker"))),
]
