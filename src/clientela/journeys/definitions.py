"""The two journeys, as domain.md defines them. Stage order is the order of the tuple."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    CONSIDERATION = "consideration", _("Consideration")
    PURCHASE = "purchase", _("Purchase")
    ONBOARDING = "onboarding", _("Onboarding")
    RELATIONSHIP_MANAGEMENT = "relationship_management", _("Relationship management")
    RETENTION = "retention", _("Retention")


JOURNEYS: dict[str, tuple[str, ...]] = {
    "client": (
        Stage.AWARENESS,
        Stage.CONSIDERATION,
        Stage.PURCHASE,
        Stage.ONBOARDING,
        Stage.RELATIONSHIP_MANAGEMENT,
    ),
    "customer": (Stage.AWARENESS, Stage.CONSIDERATION, Stage.PURCHASE, Stage.RETENTION),
}


def journey_stages(kind: str) -> tuple[str, ...]:
    return JOURNEYS[kind]


def stage_index(kind: str, stage: str) -> int:
    """Position of `stage` in the `kind` journey; -1 when the stage is not part of it."""
    stages = JOURNEYS[kind]
    return stages.index(stage) if stage in stages else -1


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage
