from django.urls import path

from clientela.reviews import public, views

app_name = "reviews"

urlpatterns: list = [
    path("desk/reviews/", views.review_list, name="list"),
    path("desk/reviews/send/<str:relationship_id>/", views.review_send_now, name="send"),
    path("desk/reviews/schedule/<str:relationship_id>/", views.review_schedule, name="schedule"),
    path("desk/reviews/<str:public_id>/", views.review_detail, name="detail"),
    path("desk/reviews/<str:public_id>/notes/", views.review_notes, name="notes"),
    path("desk/reviews/<str:public_id>/close/", views.review_close, name="close"),
    path("review/<str:token>/", public.review_answer, name="answer"),
]
