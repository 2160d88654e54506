from django.urls import path

from clientela.rewards import views

app_name = "rewards"

urlpatterns = [
    path("customer-desk/rewards/", views.catalogue, name="catalogue"),
    path("customer-desk/rewards/new/", views.reward_new, name="new"),
    path("customer-desk/rewards/<str:public_id>/edit/", views.reward_edit, name="edit"),
    path("customer-desk/rewards/party/<str:public_id>/redeem/", views.redeem, name="redeem"),
    path("customer-desk/rewards/redemptions/<str:public_id>/fulfil/", views.fulfil, name="fulfil"),
    path("customer-desk/rewards/redemptions/<str:public_id>/cancel/", views.cancel, name="cancel"),
]
