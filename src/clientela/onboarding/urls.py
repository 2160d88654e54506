from django.urls import path

from clientela.onboarding import template_views, views

app_name = "onboarding"

urlpatterns = [
    path("desk/onboarding/", views.plans, name="plans"),
    path("desk/onboarding/start/", views.plan_start, name="plan_start"),
    path("desk/onboarding/templates/", template_views.templates, name="templates"),
    path("desk/onboarding/templates/new/", template_views.template_edit, name="template_new"),
    path(
        "desk/onboarding/templates/<str:public_id>/",
        template_views.template_edit,
        name="template_edit",
    ),
    path(
        "desk/onboarding/templates/<str:public_id>/delete/",
        template_views.template_delete,
        name="template_delete",
    ),
    path(
        "desk/onboarding/tasks/<str:public_id>/complete/", views.task_complete, name="task_complete"
    ),
    path("desk/onboarding/tasks/<str:public_id>/reopen/", views.task_reopen, name="task_reopen"),
    path("desk/onboarding/documents/<str:public_id>/", views.document, name="document"),
    path("desk/onboarding/<str:public_id>/", views.plan, name="plan"),
]
