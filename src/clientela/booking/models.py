"""Booking: bookable services, each staff member's calendar (time zone, working hours, time
off, feed token) and the bookings themselves.

A booking's times are stored in UTC; working hours are wall-clock times in the staff
member's own time zone, so "09:00" stays 09:00 for them across daylight-saving changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class MeetingKind(models.TextChoices):
    """How the meeting happens; the activity logged on the client's timeline has this kind."""

    IN_PERSON = "meeting_in_person", _("In-person meeting")
    VIRTUAL = "meeting_virtual", _("Virtual meeting")


class BookableService(PublicIdModel):
    PUBLIC_ID_PREFIX = "bsv"

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(240)]
    )
    meeting_kind = models.CharField(
        max_length=20, choices=MeetingKind.choices, default=MeetingKind.IN_PERSON
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="bookable_services"
    )
    catalog_item = models.ForeignKey(
        "commerce.CatalogItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class StaffCalendar(PublicIdModel):
    """One per staff user. Its row is the lock `booking_create` takes, so two bookings for
    the same person are checked one after the other."""

    PUBLIC_ID_PREFIX = "scl"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_calendar"
    )
    time_zone = models.CharField(max_length=64)
    # The secret in the calendar feed's URL; regenerating it cuts off old subscriptions.
    feed_token = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone})"

    def clean(self):
        from clientela.booking.timezones import zone_check

        if zone_check(self.time_zone) is None:
            raise ValidationError({"time_zone": _("is not a known IANA time zone")})


class WorkingHours(models.Model):
    """A span of working time on one weekday (0 = Monday), wall-clock in the calendar's
    zone. Several spans per day are allowed (a lunch break is two spans)."""

    calendar = models.ForeignKey(StaffCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time", "id"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self):
        if self.start_time is not None and self.end_time is not None:
            if self.end_time <= self.start_time:
                raise ValidationError({"end_time": _("must be after the start time")})


class TimeOff(PublicIdModel):
    PUBLIC_ID_PREFIX = "tof"

    calendar = models.ForeignKey(StaffCalendar, on_delete=models.CASCADE, related_name="time_off")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_at", "id"]

    def __str__(self) -> str:
        return f"{self.start_at:%Y-%m-%d %H:%M} - {self.end_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("must be after the start")})


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class CreatedVia(models.TextChoices):
    LINK = "link", _("Booking link")
    STAFF = "staff", _("Staff")
    API = "api", _("API")


class Booking(PublicIdModel):
    PUBLIC_ID_PREFIX = "bkg"

    service = models.ForeignKey(BookableService, on_delete=models.PROTECT, related_name="bookings")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_to_deliver"
    )
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="bookings")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    # The service's buffer when booked: the staff member stays blocked until end_at + buffer.
    buffer_minutes = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    email = models.EmailField(blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_via = models.CharField(max_length=8, choices=CreatedVia.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_by_client = models.BooleanField(default=False)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # iCalendar identity: the same UID for every update, SEQUENCE raised by each change.
    uid = models.CharField(max_length=120, unique=True)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start_at", "id"]
        indexes = [
            models.Index(fields=["staff", "status", "start_at"], name="booking_staff_time"),
            models.Index(fields=["party", "start_at"], name="booking_party_time"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.start_at:%Y-%m-%d %H:%M}"
