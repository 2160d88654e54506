from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "clientela.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        checks.register(check_rate, checks.Tags.compatibility)


def check_rate(app_configs=None, **kwargs):
    """A malformed CLIENTELA_API_RATE is reported at start-up, not on the first request."""
    from django.conf import settings

    from clientela.api.auth import parse_rate

    try:
        parse_rate(settings.API_RATE)
    except ValueError as exc:
        return [checks.Error(str(exc), id="clientela.api.E001")]
    return []
