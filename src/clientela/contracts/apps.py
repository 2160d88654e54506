from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "clientela.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from clientela.contracts import rules  # noqa: F401  (the journey guard and the sweep)
