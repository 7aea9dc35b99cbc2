from django.urls import path  # noqa: F401

app_name = "volunteers_broker"
urlpatterns: list = []
