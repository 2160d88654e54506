from django.urls import path

from clientela.coupons import views

app_name = "coupons"

urlpatterns = [
    path("customer-desk/coupons/", views.coupon_list, name="list"),
    path("customer-desk/coupons/new/", views.batch_new, name="new"),
    path("customer-desk/coupons/personal/new/", views.personal_new, name="personal_new"),
    path("customer-desk/coupons/counter/", views.counter, name="counter"),
    path("customer-desk/coupons/<str:public_id>/", views.batch_detail, name="detail"),
    path("customer-desk/coupons/<str:public_id>/codes.csv", views.batch_csv, name="csv"),
    path("customer-desk/coupons/<str:public_id>/toggle/", views.batch_toggle, name="toggle"),
]
