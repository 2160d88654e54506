from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerdeskConfig(AppConfig):
    name = "clientela.customerdesk"
    label = "customerdesk"
    verbose_name = _("Customer desk")

    def ready(self) -> None:
        from clientela.customerdesk import rules  # noqa: F401  (hooks and sweeps this app registers)
