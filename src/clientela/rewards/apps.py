from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "clientela.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from clientela.rewards import rules  # noqa: F401  (hooks and sweeps this app registers)
