"""Analysis runs and the scores they store per party.

A run is written once by `analytics.services.analysis_run` and never changed afterwards
except for its own status: its scores are inserted in one transaction together with the
switch to `succeeded`, so a run that readers see as succeeded always has all of its scores,
and a failed run has none. Older runs stay as they are; readers take the newest succeeded one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class EngineRun(PublicIdModel):
    """What every run on an analytics engine records: when it started and finished, its
    status, the engine, who started it (null: the system) and, when it failed, why."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    engine = models.CharField(max_length=20)
    error_message = models.TextField(blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status}, {self.engine})"


class AnalysisRun(EngineRun):
    """One analysis: when, on which engine, with which parameters, over which data window.

    `parameters`: period, calibration_end, observation_end, horizon_months,
    monthly_discount, model, expected_days, currency (as given or defaulted).
    `fits`: per relationship kind, either the fitted purchase and spend models (params,
    log_likelihood, standard_errors, converged) or `skipped` with the reason no model values
    were stored for that kind. `results`: the dashboard's aggregates (revenue concentration,
    Lorenz curve, cohort retention, CLV histogram), computed by the same run so that every
    figure on the dashboard describes the same data window as the scores.
    """

    PUBLIC_ID_PREFIX = "anr"

    parameters = models.JSONField(default=dict, blank=True)
    first_order_on = models.DateField(null=True, blank=True)
    last_order_on = models.DateField(null=True, blank=True)
    fits = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=dict, blank=True)

    class Meta(EngineRun.Meta):
        indexes = [models.Index(fields=["status", "-finished_at"], name="run_status_finished")]


class PartyScore(models.Model):
    """A party's RFM figures, segment and (when its kind had enough data) model values.

    `frequency`, `recency` and `T` are in the run's period (weeks or days). Money
    (`monetary_value`, `clv_12m`) is in the run's currency. `p_alive`,
    `expected_purchases_90d` and `clv_12m` are null when the run fitted no model for the
    party's kind (the run's `fits` says why)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="scores")
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(max_length=10)
    frequency = models.IntegerField()
    recency = models.FloatField()
    T = models.FloatField()
    monetary_value = models.DecimalField(max_digits=14, decimal_places=2)
    p_alive = models.FloatField(null=True, blank=True)
    expected_purchases_90d = models.FloatField(null=True, blank=True)
    clv_12m = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    recency_score = models.PositiveSmallIntegerField()
    frequency_score = models.PositiveSmallIntegerField()
    monetary_score = models.PositiveSmallIntegerField()
    segment = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "party"], name="uniq_score_run_party"),
        ]
        indexes = [models.Index(fields=["party"], name="score_party")]

    def __str__(self) -> str:
        return f"{self.party_id} in {self.run_id}: {self.segment}"
