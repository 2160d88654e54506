from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clientela.web"
    label = "web"
