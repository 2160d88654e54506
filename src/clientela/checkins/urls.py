from django.urls import path

from clientela.checkins import views

app_name = "checkins"

urlpatterns = [
    path("desk/checkins/", views.queue, name="queue"),
    path("desk/checkins/<str:public_id>/log/", views.log, name="log"),
    path("desk/checkins/<str:public_id>/cadence/", views.cadence, name="cadence"),
]
