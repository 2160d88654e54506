from django.urls import path

from clientela.customerdesk import views

app_name = "customerdesk"

urlpatterns = [
    path("customer-desk/", views.overview, name="overview"),
    path("customer-desk/retention/", views.retention_page, name="retention"),
    path("settings/customer-desk/", views.settings_page, name="settings"),
]
