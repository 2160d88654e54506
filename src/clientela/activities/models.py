"""The timeline: activities and touchpoints on a party."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING_VIRTUAL = "meeting_virtual", _("Virtual meeting")
    MEETING_IN_PERSON = "meeting_in_person", _("In-person meeting")
    WEBSITE_VISIT = "website_visit", _("Website visit")
    SOCIAL_INTERACTION = "social_interaction", _("Social interaction")
    CAMPAIGN_OPEN = "campaign_open", _("Email campaign open")
    CAMPAIGN_CLICK = "campaign_click", _("Email campaign click")
    SERVICE_CALL = "service_call", _("Service call")
    STORE_VISIT = "store_visit", _("Store visit")
    CHAT = "chat", _("Chat")
    NOTE = "note", _("Note")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    VIDEO = "video", _("Video call")
    IN_PERSON = "in_person", _("In person")
    WEB = "web", _("Website")
    SOCIAL = "social", _("Social media")
    STORE = "store", _("Store")
    CHAT = "chat", _("Chat")
    INTERNAL = "internal", _("Internal")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    INTERNAL = "internal", _("Internal")


# The channel an activity kind happens on unless the caller says otherwise.
DEFAULT_CHANNEL = {
    ActivityKind.CALL: Channel.PHONE,
    ActivityKind.EMAIL: Channel.EMAIL,
    ActivityKind.MEETING_VIRTUAL: Channel.VIDEO,
    ActivityKind.MEETING_IN_PERSON: Channel.IN_PERSON,
    ActivityKind.WEBSITE_VISIT: Channel.WEB,
    ActivityKind.SOCIAL_INTERACTION: Channel.SOCIAL,
    ActivityKind.CAMPAIGN_OPEN: Channel.EMAIL,
    ActivityKind.CAMPAIGN_CLICK: Channel.EMAIL,
    ActivityKind.SERVICE_CALL: Channel.PHONE,
    ActivityKind.STORE_VISIT: Channel.STORE,
    ActivityKind.CHAT: Channel.CHAT,
    ActivityKind.NOTE: Channel.INTERNAL,
}


class Activity(PublicIdModel):
    PUBLIC_ID_PREFIX = "act"

    # Indexed by `activity_party_time` (party first): a separate index on party alone would
    # only slow down the hottest insert path (batch ingestion).
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="activities", db_index=False
    )
    relationship = models.ForeignKey(
        "parties.Relationship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    kind = models.CharField(max_length=24, choices=ActivityKind.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    properties = models.JSONField(default=dict, blank=True)
    # Idempotency key for bulk and API ingestion: the same event recorded twice is one row.
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["party", "-occurred_at"], name="activity_party_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.party_id} at {self.occurred_at:%Y-%m-%d}"
