from django.urls import path

from clientela.notifications import views

app_name = "notifications"

urlpatterns: list = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("notifications/test-email/", views.notification_test_email, name="test_email"),
    path("notifications/<str:public_id>/", views.notification_open, name="open"),
]
