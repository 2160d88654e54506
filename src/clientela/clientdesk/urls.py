from django.urls import path

from clientela.clientdesk.views import backups, pages, settings_page

app_name = "clientdesk"

urlpatterns: list = [
    path("desk/", pages.morning, name="morning"),
    path("desk/workload/", pages.workload_page, name="workload"),
    path("desk/workload/reassign/", pages.reassign, name="reassign"),
    path("desk/tasks/<str:task_public_id>/done/", pages.task_done, name="task_done"),
    path("desk/relationships/<str:public_id>/backups/", backups.backup_add, name="backup_add"),
    path(
        "desk/relationships/<str:public_id>/backups/<str:username>/remove/",
        backups.backup_remove,
        name="backup_remove",
    ),
    path("settings/desk/", settings_page.desk_settings, name="settings"),
]
