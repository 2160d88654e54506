"""Check-ins: the cadence agreed with each client, and the reminders already sent."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class CheckinChannel(models.TextChoices):
    """The preferred way to check in; the values are `clientdesk.settings.CHANNELS`."""

    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    VIRTUAL_MEETING = "virtual_meeting", _("Virtual meeting")
    IN_PERSON_MEETING = "in_person_meeting", _("In-person meeting")


def _today():
    return timezone.localdate()


class CheckinCadence(PublicIdModel):
    """How often the account manager checks in with one client relationship, and how.

    The clock is not stored: the next check-in is due `every_days` after the last staff
    interaction on the party (or after `started_on` without one), computed by the selectors
    from the timeline, so any interaction logged anywhere resets it."""

    PUBLIC_ID_PREFIX = "cad"

    relationship = models.OneToOneField(
        "parties.Relationship", on_delete=models.CASCADE, related_name="checkin_cadence"
    )
    every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    channel = models.CharField(max_length=20, choices=CheckinChannel.choices)
    is_active = models.BooleanField(default=True)
    started_on = models.DateField(default=_today)

    def __str__(self) -> str:
        return f"every {self.every_days} days ({self.channel}) for {self.relationship_id}"


class CheckinReminder(models.Model):
    """One reminder sent for one due date of one relationship. The unique pair makes the
    reminder exactly-once even when two sweeps run at the same time."""

    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="checkin_reminders"
    )
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "due_on"], name="checkin_reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder for {self.relationship_id} due {self.due_on}"
