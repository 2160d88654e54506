from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "clientela.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from clientela.referrals import rules  # noqa: F401  (hooks and sweeps this app registers)
