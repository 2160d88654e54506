from django.urls import path

from clientela.loyalty import views, views_programme

app_name = "loyalty"

urlpatterns = [
    path("customer-desk/loyalty/", views.members, name="members"),
    path("customer-desk/loyalty/programme/", views_programme.programme, name="programme"),
    path(
        "customer-desk/loyalty/programme/save/",
        views_programme.programme_save,
        name="programme_save",
    ),
    path("customer-desk/loyalty/rules/add/", views_programme.rule_add, name="rule_add"),
    path(
        "customer-desk/loyalty/rules/<str:public_id>/delete/",
        views_programme.rule_delete,
        name="rule_delete",
    ),
    path("customer-desk/loyalty/campaigns/add/", views_programme.campaign_add, name="campaign_add"),
    path(
        "customer-desk/loyalty/campaigns/<str:public_id>/delete/",
        views_programme.campaign_delete,
        name="campaign_delete",
    ),
    path("customer-desk/loyalty/tiers/add/", views_programme.tier_add, name="tier_add"),
    path(
        "customer-desk/loyalty/tiers/<str:public_id>/delete/",
        views_programme.tier_delete,
        name="tier_delete",
    ),
    path("customer-desk/loyalty/members/<str:public_id>/", views.statement, name="statement"),
    path("customer-desk/loyalty/members/<str:public_id>/enrol/", views.enrol, name="enrol"),
    path("customer-desk/loyalty/members/<str:public_id>/adjust/", views.adjust, name="adjust"),
    path("customer-desk/loyalty/members/<str:public_id>/redeem/", views.redeem, name="redeem"),
    path(
        "customer-desk/loyalty/entries/<str:public_id>/cancel/",
        views.cancel_redemption,
        name="cancel_redemption",
    ),
]
