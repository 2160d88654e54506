from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "clientela.journeys"
    label = "journeys"

    def ready(self) -> None:
        from clientela.journeys import rules  # noqa: F401  (registers the built-in guards)
