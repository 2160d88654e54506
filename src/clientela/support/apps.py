from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "clientela.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from clientela.support import rules  # noqa: F401  (hooks and sweeps this app registers)
