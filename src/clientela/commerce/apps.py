from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "clientela.commerce"
    label = "commerce"
