from django.urls import path

from volunteers import broker_views

app_name = "volunteers_broker"
urlpatterns = [
    path("", broker_views.volunteer_list, name="list"),
    path("<int:pk>/", broker_views.volunteer_detail, name="detail"),
    path("<int:pk>/vog/", broker_views.volunteer_vog, name="vog"),
]
