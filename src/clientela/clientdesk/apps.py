from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientdeskConfig(AppConfig):
    name = "clientela.clientdesk"
    label = "clientdesk"
    verbose_name = _("Client desk")
