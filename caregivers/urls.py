"""Pages for mantelzorgers and help seekers themselves, mounted at /hulp/."""

from django.urls import path

from caregivers import views

app_name = "caregivers"
urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("vraag/nieuw/", views.request_new, name="request_new"),
    path("vraag/<int:pk>/", views.request_detail, name="request_detail"),
    path("vraag/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("respijtzorg/", views.respite_new, name="respite_new"),
    path("mantelzorger/", views.mantelzorger_home, name="mantelzorger_home"),
    path("mantelzorger/aanmelden/", views.mantelzorger_start, name="mantelzorger_start"),
    path("mantelzorger/hoe-gaat-het/", views.checkin, name="checkin"),
    path("mantelzorger/naaste/nieuw/", views.care_recipient_new, name="care_recipient_new"),
    path("mantelzorger/naaste/<int:pk>/", views.care_recipient_edit, name="care_recipient_edit"),
]
