from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_home, name="home"),
    path("aanmelden/", views.volunteer_start, name="start"),
    path("aanmelden/<slug:step>/", views.volunteer_start, name="start_step"),
    path("gegevens/", views.volunteer_edit, name="edit"),
    path("tijden/", views.volunteer_availability, name="availability"),
    path("pauze/", views.volunteer_pause_view, name="pause"),
    path("pauze/stoppen/", views.volunteer_resume_view, name="resume"),
    path("verwijderen/", views.volunteer_delete_view, name="delete"),
]
