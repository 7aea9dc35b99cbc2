"""The people's own match pages, mounted at /koppelingen/ (namespace ``matching_people``)."""

from django.urls import path

from matching import people_views as views

app_name = "matching_people"
urlpatterns = [
    # The volunteer: proposals and matches.
    path("", views.mine, name="mine"),
    path("<int:pk>/ja/", views.accept, name="accept"),
    path("<int:pk>/nee/", views.decline, name="decline"),
    path("<int:pk>/uren/", views.hours, name="hours"),
    # The requester or mantelzorger: who is coming.
    path("wie-komt-er/", views.requester, name="requester"),
    path("wie-komt-er/<int:pk>/past/", views.activate, name="activate"),
    path("wie-komt-er/<int:pk>/past-niet/", views.requester_decline, name="requester_decline"),
    # Links from the proposal e-mail (no login: the secret is the proof).
    path("link/<str:purpose>/<str:secret>/", views.link, name="link"),
]
