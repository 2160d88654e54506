from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "clientela.reviews"
    label = "reviews"
    verbose_name = _("Performance reviews")

    def ready(self) -> None:
        from clientela.reviews import rules  # noqa: F401  (registers the hook and the sweep)
