from django.urls import path

from clientela.booking import views_public, views_staff

app_name = "booking"

urlpatterns = [
    path("desk/bookings/", views_staff.booking_list, name="list"),
    path("desk/bookings/link/", views_staff.link_create, name="link_create"),
    path("desk/bookings/feed-token/", views_staff.feed_regenerate, name="feed_regenerate"),
    path("desk/bookings/setup/", views_staff.setup_page, name="setup"),
    path("desk/bookings/services/new/", views_staff.service_create, name="service_create"),
    path(
        "desk/bookings/services/<str:public_id>/",
        views_staff.service_update,
        name="service_update",
    ),
    path("desk/bookings/availability/", views_staff.availability, name="availability"),
    path("desk/bookings/time-off/", views_staff.time_off_add, name="time_off_add"),
    path(
        "desk/bookings/time-off/<str:public_id>/delete/",
        views_staff.time_off_delete,
        name="time_off_delete",
    ),
    path("desk/bookings/<str:public_id>/cancel/", views_staff.staff_cancel, name="staff_cancel"),
    path("book/done/<str:token>/", views_public.done, name="done"),
    path("book/ics/<str:token>.ics", views_public.ics, name="ics"),
    path("book/cancel/<str:token>/", views_public.cancel, name="cancel"),
    path("book/<str:token>/", views_public.public, name="public"),
    path("calendar/<str:token>.ics", views_public.feed, name="feed"),
]
