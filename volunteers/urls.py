"""The volunteer's own pages (``/vrijwilliger/``, namespace ``volunteers``) and the broker's
volunteer list (``/organisatie/<slug>/vrijwilligers/``, namespace ``volunteers_broker``;
those views take ``slug``)."""

from django.urls import include, path

from volunteers.views import broker, volunteer

volunteer_patterns = [
    path("", volunteer.volunteer_home, name="home"),
    path("aanmelden/", volunteer.volunteer_start, name="start"),
    path("aanmelden/<slug:step>/", volunteer.volunteer_start, name="start_step"),
    path("gegevens/", volunteer.volunteer_edit, name="edit"),
    path("tijden/", volunteer.volunteer_availability, name="availability"),
    path("pauze/", volunteer.volunteer_pause_view, name="pause"),
    path("pauze/stoppen/", volunteer.volunteer_resume_view, name="resume"),
    path("verwijderen/", volunteer.volunteer_delete_view, name="delete"),
]

broker_patterns = [
    path("", broker.volunteer_list, name="list"),
    path("<int:pk>/", broker.volunteer_detail, name="detail"),
    path("<int:pk>/vog/", broker.volunteer_vog, name="vog"),
    path("bedankt/", broker.volunteer_thanks, name="thanks"),
]

urlpatterns = [
    path("vrijwilliger/", include((volunteer_patterns, "volunteers"))),
    path("organisatie/<slug:slug>/vrijwilligers/", include((broker_patterns, "volunteers_broker"))),
]
