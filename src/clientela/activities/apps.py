from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "clientela.activities"
    label = "activities"
