from django.urls import path

from clientela.referrals import views

app_name = "referrals"

urlpatterns: list = [
    path("customer-desk/referrals/", views.leaderboard, name="leaderboard"),
    path("customer-desk/referrals/programme/", views.programme, name="programme"),
    path("customer-desk/referrals/party/<str:public_id>/code/", views.party_code, name="code"),
    path("customer-desk/referrals/party/<str:public_id>/claim/", views.party_claim, name="claim"),
    path("r/<str:code>/", views.landing, name="landing"),
]
