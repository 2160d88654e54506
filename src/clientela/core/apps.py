from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientela.core"
    label = "core"
