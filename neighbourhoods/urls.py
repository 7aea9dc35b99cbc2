from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"
urlpatterns = [
    path("buurt/", views.lookup, name="lookup"),
    path("organisatie/<slug:slug>/team/", views.organisation_team, name="team"),
    path("organisatie/<slug:slug>/team/uitnodigen/", views.team_invite, name="team_invite"),
    path("organisatie/<slug:slug>/team/<int:pk>/weghalen/", views.team_remove, name="team_remove"),
    path("organisatie/<slug:slug>/instellingen/", views.organisation_settings, name="settings"),
    path("organisatie/<slug:slug>/instellingen/logo/", views.organisation_logo, name="settings_logo"),
    path("organisatie/<slug:slug>/instellingen/werkgebied/", views.organisation_area_add, name="settings_area_add"),
    path(
        "organisatie/<slug:slug>/instellingen/werkgebied/<int:pk>/weghalen/",
        views.organisation_area_remove,
        name="settings_area_remove",
    ),
    path(
        "organisatie/<slug:slug>/instellingen/loket/<int:pk>/",
        views.organisation_front_door,
        name="settings_front_door",
    ),
    path(
        "organisatie/<slug:slug>/instellingen/mantelzorgwaardering/<int:pk>/",
        views.organisation_carer_appreciation,
        name="settings_carer_appreciation",
    ),
    path("organisatie/<slug:slug>/logo/", views.organisation_logo_file, name="logo"),
    # The first admin's guided set-up (after organisation_setup).
    path("organisatie/<slug:slug>/inrichten/", views.setup, name="setup"),
    path("organisatie/<slug:slug>/inrichten/gegevens/", views.setup_details, name="setup_details"),
    path("organisatie/<slug:slug>/inrichten/werkgebied/", views.setup_area, name="setup_area"),
    path("organisatie/<slug:slug>/inrichten/team/", views.setup_team, name="setup_team"),
    path("organisatie/<slug:slug>/inrichten/klaar/", views.setup_finish, name="setup_finish"),
]
