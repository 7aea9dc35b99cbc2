"""The broker's intake desk, mounted at /organisatie/<slug>/vragen/ (every view takes ``slug``)."""

from django.urls import path

from caregivers import broker_views as views

app_name = "caregivers_broker"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("nieuw/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/intake/", views.request_intake, name="intake"),
    path("<int:pk>/gesprek-starten/", views.request_start, name="start_intake"),
    path("<int:pk>/klaarzetten/", views.request_ready, name="mark_ready"),
    path("<int:pk>/doorverwijzen/", views.request_refer_view, name="refer"),
    path("<int:pk>/intrekken/", views.request_withdraw_view, name="withdraw"),
    path("<int:pk>/heropenen/", views.request_reopen_view, name="reopen"),
]
