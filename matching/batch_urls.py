"""Batch matching ("koppelronde"), mounted at /organisatie/<slug>/koppelronde/
(every view takes ``slug``)."""

from django.urls import path

from matching import batch_views as views

app_name = "matching_batch"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("starten/", views.run_start, name="start"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/voortgang/", views.run_progress, name="progress"),
    path("<int:pk>/bevestigen/", views.run_confirm, name="confirm"),
    path("<int:pk>/afwijzen/", views.run_reject, name="reject"),
]
