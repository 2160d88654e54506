"""Every journey transition, kept forever: from, to, when, who, why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from clientela.journeys.definitions import Stage


class JourneyTransition(models.Model):
    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["relationship", "at"], name="transition_rel_at")]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} -> {self.to_stage}"
