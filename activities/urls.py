"""The public activities (``/activiteiten/``, namespace ``activities``) and the centre's
activity pages (``/organisatie/<slug>/activiteiten/``, namespace ``activities_centre``)."""

from django.urls import include, path

from activities.views import centre, public

public_patterns = [
    path("", public.activity_list, name="list"),
    path("<int:pk>/", public.activity_detail, name="detail"),
    path("<int:pk>/aanmelden/", public.activity_signup, name="signup"),
    path("<int:pk>/afmelden/", public.activity_cancel, name="cancel"),
    path("aanbod/<str:token>/", public.offer, name="offer"),
]

centre_patterns = [
    path("", centre.activity_list, name="list"),
    path("nieuw/", centre.activity_new, name="new"),
    path("<int:pk>/", centre.activity_detail, name="detail"),
    path("<int:pk>/aanmelden/", centre.signup_add, name="signup"),
    path("<int:pk>/volgorde/", centre.order, name="order"),
    path("<int:pk>/uitnodigen/", centre.invite, name="invite"),
    path("aanmeldingen/<int:pk>/afmelden/", centre.signup_remove, name="cancel"),
]

urlpatterns = [
    path("activiteiten/", include((public_patterns, "activities"))),
    path("organisatie/<slug:slug>/activiteiten/", include((centre_patterns, "activities_centre"))),
]
