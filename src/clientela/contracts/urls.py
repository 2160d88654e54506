from django.urls import path

from clientela.contracts import views

app_name = "contracts"

urlpatterns: list = [
    path("desk/contracts/", views.contract_list, name="list"),
    path("desk/contracts/new/", views.contract_new, name="new"),
    path("desk/contracts/<str:public_id>/", views.contract_detail, name="detail"),
    path("desk/contracts/<str:public_id>/edit/", views.contract_edit, name="edit"),
    path(
        "desk/contracts/<str:public_id>/transition/",
        views.contract_transition,
        name="transition",
    ),
    path("desk/contracts/<str:public_id>/document/", views.contract_document, name="document"),
]
