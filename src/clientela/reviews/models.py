"""Performance reviews: models.

A `ReviewSchedule` says how often a client relationship is asked for a review; a `Review` is one
questionnaire sent to the client (by a signed link) and its answers. Rows are written only
through `reviews.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class ReviewSchedule(models.Model):
    """The review cadence of one relationship (at most one schedule per relationship)."""

    relationship = models.OneToOneField(
        "parties.Relationship", on_delete=models.CASCADE, related_name="review_schedule"
    )
    every_months = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    next_due_on = models.DateField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["active", "next_due_on"], name="rvs_active_due")]

    def __str__(self) -> str:
        return f"every {self.every_months} months, next {self.next_due_on}"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ReviewOrigin(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Sent by hand")


class Review(PublicIdModel):
    """One questionnaire for one client relationship.

    A review created by the schedule is unique per (relationship, due_on), which makes the sweep
    idempotent even when two sweeps run at once.
    """

    PUBLIC_ID_PREFIX = "rvw"

    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="reviews"
    )
    origin = models.CharField(
        max_length=10, choices=ReviewOrigin.choices, default=ReviewOrigin.SCHEDULE
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The address the link was emailed to; empty = the account manager sends it by hand.
    sent_to = models.EmailField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    client_comment = models.TextField(blank=True, max_length=4000)
    notes = models.TextField(blank=True, max_length=10000)
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "due_on"],
                condition=Q(origin="schedule"),
                name="rvw_one_scheduled_per_due",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "answered_at"], name="rvw_status_answered"),
            models.Index(fields=["relationship", "answered_at"], name="rvw_rel_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"
