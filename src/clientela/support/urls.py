from django.urls import path

from clientela.support import views

app_name = "support"

urlpatterns = [
    path("support/", views.queue, name="queue"),
    path("support/new/", views.new, name="new"),
    path("support/settings/", views.settings_page, name="sla_settings"),
    path("support/reports/", views.reports, name="reports"),
    path("support/tickets/<str:public_id>/", views.ticket, name="ticket"),
    path("support/tickets/<str:public_id>/reply/", views.reply, name="reply"),
    path("support/tickets/<str:public_id>/update/", views.update, name="update"),
]
