"""Webhook subscriptions and their deliveries.

A subscription names a URL and the event types it wants; every event of those types becomes
one delivery per active subscription, with the event's JSON payload frozen at emission. A
delivery is attempted by the worker until it succeeds or runs out of attempts; its row is the
delivery log (status, attempts, last response code, error and body excerpt, duration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class EventType(models.TextChoices):
    """The fixed registry of events a subscription may ask for (plus the test event, which
    only the test button sends)."""

    PARTY_CREATED = "party.created", _("Party created")
    PARTY_UPDATED = "party.updated", _("Party updated")
    RELATIONSHIP_OPENED = "relationship.opened", _("Relationship opened")
    RELATIONSHIP_CONVERTED = "relationship.converted", _("Relationship converted")
    RELATIONSHIP_ENDED = "relationship.ended", _("Relationship ended")
    RELATIONSHIP_OWNER_CHANGED = "relationship.owner_changed", _("Relationship owner changed")
    JOURNEY_STAGE_CHANGED = "journey.stage_changed", _("Journey stage changed")
    ORDER_RECORDED = "order.recorded", _("Order recorded")
    ACTIVITY_LOGGED = "activity.logged", _("Activity logged")
    SCORE_CHANGED = "score.changed", _("Score changed")
    CLASSIFICATION_CHANGED = "classification.changed", _("Classification changed")
    WEBHOOK_TEST = "webhook.test", _("Test event")


# The types a subscription lists; `webhook.test` goes to one subscription, by request.
SUBSCRIBABLE = tuple(t for t in EventType if t != EventType.WEBHOOK_TEST)


class WebhookSubscription(PublicIdModel):
    PUBLIC_ID_PREFIX = "whk"

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    # Kept in clear because every delivery is signed with it; never logged or audited.
    secret = models.CharField(max_length=100)
    # After a rotation the old secret still signs (a second v1) until this time, so a
    # receiver can switch over without missing a delivery.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookSubscription {self.public_id} {self.url}>"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookDelivery(PublicIdModel):
    PUBLIC_ID_PREFIX = "whd"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that claimed the attempt in flight; another worker may take the
    # delivery over only once it has passed (the first one died).
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "id"], name="webhook_delivery_log"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.subscription_id} ({self.status})"
