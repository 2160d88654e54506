"""Classification runs and the decision they store per relationship.

A run is written once by `growth.services.classification_run` and never changed afterwards
except for its own status: its rows are inserted in one transaction together with the switch
to `succeeded`, so a succeeded run always has all of its rows and a failed run has none.
Older runs stay as they are; readers take the newest succeeded one.

The explanation is stored without its sentences: `explanation` keeps the order and score of
each dimension and `measures` the figures the sentences are built from, so the page can
write them in the reader's language (`growth.selectors.classification_sentences`).
"""

from __future__ import annotations

from django.db import models

from clientela.analytics.models import EngineRun


class ClassificationRun(EngineRun):
    """One classification: when, on which engine, for which business type and weights."""

    PUBLIC_ID_PREFIX = "clr"

    business_type = models.CharField(max_length=30)
    weights = models.JSONField(default=dict, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)
    # The radar's method (default or logistic), weights, supported measures, the learned
    # model's coefficients and quality, and whether conversion pays (growth.radar_run).
    radar = models.JSONField(default=dict, blank=True)

    class Meta(EngineRun.Meta):
        indexes = [
            models.Index(fields=["status", "-finished_at"], name="clrun_status_finished"),
        ]


class Classification(models.Model):
    """A relationship's decision in one run: recorded `kind`, `behaves_like`, `confidence`,
    weighted `total`, `mismatch` (the two kinds differ), `scores` (dimension -> score in
    [0, 1]), `explanation` (list of {dimension, score}, strongest reason first) and
    `measures` (the features row the sentences are built from, nulls as null)."""

    run = models.ForeignKey(
        ClassificationRun, on_delete=models.CASCADE, related_name="classifications"
    )
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="classifications"
    )
    kind = models.CharField(max_length=10)
    behaves_like = models.CharField(max_length=10)
    confidence = models.FloatField()
    total = models.FloatField()
    mismatch = models.BooleanField(db_index=True)
    scores = models.JSONField(default=dict)
    explanation = models.JSONField(default=list)
    measures = models.JSONField(default=dict)
    # The conversion radar, for customers only: readiness in [0, 1], the components behind
    # it and the next best action (a growth.actions.Lever); null / empty for clients.
    radar_score = models.FloatField(null=True, blank=True)
    radar = models.JSONField(default=dict, blank=True)
    next_action = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "party"], name="uniq_class_run_party"),
        ]
        indexes = [
            models.Index(fields=["party"], name="class_party"),
            models.Index(fields=["run", "mismatch", "-confidence"], name="class_run_mismatch"),
            models.Index(fields=["run", "-radar_score"], name="class_run_radar"),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} in {self.run_id}: {self.behaves_like}"
