from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "clientela.parties"
    label = "parties"
