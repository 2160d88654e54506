from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "clientela.coupons"
    label = "coupons"
    verbose_name = _("Coupons")

    def ready(self) -> None:
        from clientela.coupons import rules  # noqa: F401  (hooks and sweeps this app registers)
