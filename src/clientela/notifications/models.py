"""Notifications: one row per thing a person (or an address) was told.

A notification is in-app when it has a `user` (it shows on /notifications/ and in the bell)
and is emailed when SMTP is configured and it has an address; `key` makes sending
idempotent (a second `notification_send` with the same key returns the first row). The email
part is a small state machine driven by the worker: none (in-app only) | queued -> sending ->
sent, or back to queued with a later `next_attempt_at` after a failure, until `failed`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class EmailStatus(models.TextChoices):
    NONE = "none", _("Not emailed")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(PublicIdModel):
    PUBLIC_ID_PREFIX = "ntf"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    email = models.EmailField(max_length=254, blank=True)
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=2000, blank=True)
    key = models.CharField(max_length=200, unique=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the worker now sending it claimed it: a row `sending` for too long was left by a
    # worker that stopped, and is queued again (`notification_emails_resume`).
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["email_status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"


class NotificationAttachment(models.Model):
    """A file sent with the email (bytes kept as they are: .ics, PDF...)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class SweepSlot(models.Model):
    """One scheduled sweep run: `slot` is unique, so whichever worker inserts it first is the
    only one that queues that run (two workers never multiply the schedule)."""

    slot = models.DateTimeField(unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"sweep {self.slot:%Y-%m-%d %H:%M}"
