"""The broker's "needs attention" list, mounted at /organisatie/<slug>/aandacht/
(namespace ``attention``; every view takes ``slug``)."""

from django.urls import path

from matching import attention_views as views

app_name = "attention"
urlpatterns = [
    path("", views.attention_list, name="list"),
    path("<int:pk>/check-in/", views.checkin, name="checkin"),
]
