from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "clientela.checkins"
    label = "checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        from clientela.checkins import rules  # noqa: F401  (the journey hook and the sweep)
