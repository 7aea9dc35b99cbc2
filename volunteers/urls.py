from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_home, name="home"),
    path("aanmelden/", views.volunteer_start, name="start"),
]
