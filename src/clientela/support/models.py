"""Support: tickets, their conversation, SLA policies and business-hours calendars.

A ticket keeps a snapshot of its targets (business minutes) and its due times; the SLA
clock (`support.clock`) computes them on the ticket's calendar. Due times are recomputed
from the ticket's creation whenever the priority changes, and the resolution due time is
pushed by the business minutes spent waiting on the customer (pending) or resolved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.core.models import PublicIdModel


class TicketKind(models.TextChoices):
    CLIENT = "client", _("Client")
    CUSTOMER = "customer", _("Customer")
    OTHER = "other", _("Other")


class TicketChannel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    API = "api", _("API")


class TicketPriority(models.TextChoices):
    LOW = "low", pgettext_lazy("ticket priority", "Low")
    NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
    HIGH = "high", pgettext_lazy("ticket priority", "High")
    URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", pgettext_lazy("ticket status", "Pending (waiting on the requester)")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


# Statuses in which the ticket still needs work (the queue's default, the card's count).
OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)
# Statuses that stop the resolution clock.
PAUSED_STATUSES = (TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED)


class BusinessCalendar(PublicIdModel):
    """Business hours in one time zone: `hours` maps a weekday ("0" Monday .. "6" Sunday)
    to a list of ["HH:MM", "HH:MM"] intervals (end "24:00" allowed); `holidays` is a list
    of {"date": "YYYY-MM-DD", "name": str}. Exactly one calendar is the default."""

    PUBLIC_ID_PREFIX = "cal"

    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, default="UTC")
    hours = models.JSONField(default=dict, blank=True)
    holidays = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="support_one_default_cal"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets for one kind (client, customer, other) and one priority, in business minutes
    of `calendar` (None: the default calendar)."""

    kind = models.CharField(max_length=10, choices=TicketKind.choices)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "priority"], name="support_policy_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.priority}"


class TicketCategory(models.Model):
    """The configurable list of categories; `key` is what a ticket stores."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name


class Ticket(PublicIdModel):
    PUBLIC_ID_PREFIX = "tkt"

    # The human reference, "TKT-<number>", in e-mail subjects.
    number = models.PositiveIntegerField(unique=True)
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="tickets")
    relationship = models.ForeignKey(
        "parties.Relationship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=TicketKind.choices)
    subject = models.CharField(max_length=300)
    channel = models.CharField(max_length=10, choices=TicketChannel.choices)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices)
    category = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=TicketStatus.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_tickets",
    )
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    first_response_due = models.DateTimeField()
    resolution_due = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The resolution clock: stopped since `paused_since` (pending, resolved, closed), and
    # the business seconds it was stopped before.
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="ticket_status_created"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["party", "status"], name="ticket_party_status"),
        ]

    @property
    def reference(self) -> str:
        return f"TKT-{self.number}"

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class TicketMessage(PublicIdModel):
    """One message: a staff reply (public, e-mailed to the party) or internal note, or the
    customer's message (e-mail in, or typed by staff when the ticket was opened)."""

    PUBLIC_ID_PREFIX = "tmsg"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_customer = models.BooleanField(default=False)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)
    # The e-mail Message-ID (incoming) or the one our reply was sent with (outgoing).
    message_id = models.CharField(max_length=300, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.at:%Y-%m-%d %H:%M}"


class SlaNotice(models.Model):
    """One warning or breach notice sent for one target of one ticket: the unique triple
    makes the sweep's notices exactly-once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_notices")
    target = models.CharField(max_length=20)  # first_response | resolution
    stage = models.CharField(max_length=8)  # warning | breach
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "stage"], name="support_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.target} {self.ticket_id}"
