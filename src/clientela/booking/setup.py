"""Configuring booking: bookable services (DESK_CONFIGURE) and staff availability (a
person's own time zone, working hours and time off; others' need DESK_CONFIGURE)."""

from __future__ import annotations

import secrets
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.booking.models import (
    BookableService,
    Booking,
    MeetingKind,
    StaffCalendar,
    TimeOff,
    WorkingHours,
)
from clientela.booking.timezones import business_zone_name, zone_check
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record

_SERVICE_FIELDS = (
    "name",
    "description",
    "duration_minutes",
    "buffer_minutes",
    "meeting_kind",
    "catalog_item",
    "active",
)


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _staff_clean(staff) -> list:
    staff = list(staff or [])
    for user in staff:
        if not user.is_active:
            raise validation_error("staff", _("%(user)s is not active") % {"user": user.username})
    return staff


def service_create(
    *,
    actor,
    name: str,
    duration_minutes: int,
    description: str = "",
    buffer_minutes: int = 0,
    meeting_kind: str = MeetingKind.IN_PERSON,
    staff=(),
    catalog_item=None,
    active: bool = True,
) -> BookableService:
    """A new bookable service (admins and managers). Its staff get a calendar (business
    time zone, no hours yet) if they have none."""
    authorize(actor, Action.DESK_CONFIGURE)
    service = BookableService(
        name=(name or "").strip(),
        description=(description or "").strip(),
        duration_minutes=duration_minutes,
        buffer_minutes=buffer_minutes,
        meeting_kind=meeting_kind,
        catalog_item=catalog_item,
        active=active,
    )
    _clean(service)
    staff = _staff_clean(staff)
    with transaction.atomic():
        service.save()
        service.staff.set(staff)
        for user in staff:
            calendar_ensure(user=user)
        audit_record(
            actor=actor,
            action="booking.service_created",
            target=service,
            data={"name": service.name, "staff": [u.username for u in staff]},
        )
    return service


def service_update(*, actor, service: BookableService, staff=None, **changes) -> BookableService:
    """Change some fields (None: unchanged) and, when given, the staff who deliver it.
    Existing bookings keep their times."""
    authorize(actor, Action.DESK_CONFIGURE)
    unknown = set(changes) - set(_SERVICE_FIELDS)
    if unknown:
        raise validation_error(sorted(unknown)[0], _("is not a field of a service"))
    with transaction.atomic():
        locked = BookableService.objects.select_for_update().get(pk=service.pk)
        for field, value in changes.items():
            if value is not None or field == "catalog_item":
                setattr(locked, field, value.strip() if isinstance(value, str) else value)
        locked.updated_at = timezone.now()
        _clean(locked)
        locked.save()
        if staff is not None:
            staff = _staff_clean(staff)
            locked.staff.set(staff)
            for user in staff:
                calendar_ensure(user=user)
        audit_record(
            actor=actor,
            action="booking.service_updated",
            target=locked,
            data={k: v for k, v in changes.items() if k != "catalog_item"},
        )
    return locked


def service_delete(*, actor, service: BookableService) -> None:
    """Delete a service that was never booked; a booked one can only be deactivated."""
    authorize(actor, Action.DESK_CONFIGURE)
    with transaction.atomic():
        if Booking.objects.filter(service=service).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("This service has bookings: deactivate it instead of deleting it."),
            )
        audit_record(actor=actor, action="booking.service_deleted", target=service)
        service.delete()


def calendar_ensure(*, user) -> StaffCalendar:
    """The user's calendar, created (business time zone, no working hours) when missing.
    Safe under concurrent calls (the user's calendar is unique)."""
    found = StaffCalendar.objects.filter(user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StaffCalendar.objects.create(
                user=user, time_zone=business_zone_name(), feed_token=_token()
            )
    except IntegrityError:
        return StaffCalendar.objects.get(user=user)


def _token() -> str:
    return secrets.token_urlsafe(32)


def _may_edit(actor, user) -> None:
    if actor is not None and getattr(actor, "pk", None) == user.pk and actor.is_active:
        return
    authorize(actor, Action.DESK_CONFIGURE)


def availability_set(
    *,
    actor,
    user,
    time_zone: str | None = None,
    hours: list[tuple[int, time, time]] | None = None,
    time_off: list[tuple[datetime, datetime, str]] | None = None,
) -> StaffCalendar:
    """Set a staff member's time zone and/or replace their working hours (weekday 0 =
    Monday, start, end; wall-clock in their zone) and/or their time off that has not ended
    yet. Spans on the same day must not overlap. Everything is checked before anything is
    written. Oneself, or others with DESK_CONFIGURE."""
    _may_edit(actor, user)
    absences = []
    for start_at, end_at, reason in time_off or []:
        for field, value in (("time_off.start_at", start_at), ("time_off.end_at", end_at)):
            if value is None or timezone.is_naive(value):
                raise validation_error(field, _("needs a time zone"))
            if not 1970 <= value.year <= 2200:
                raise validation_error(field, _("must be between 1970 and 2200"))
        absence = TimeOff(start_at=start_at, end_at=end_at, reason=(reason or "").strip())
        _clean(absence, exclude=["calendar"])
        absences.append(absence)
    if time_zone is not None and zone_check(time_zone) is None:
        raise validation_error("time_zone", _("is not a known IANA time zone"))
    rows = []
    if hours is not None:
        for weekday, start, end in hours:
            row = WorkingHours(weekday=weekday, start_time=start, end_time=end)
            _clean(row, exclude=["calendar"])
            rows.append(row)
        ordered = sorted(rows, key=lambda r: (r.weekday, r.start_time))
        for before, after in zip(ordered, ordered[1:], strict=False):
            if before.weekday == after.weekday and after.start_time < before.end_time:
                raise validation_error("hours", _("spans on the same day overlap"))
    calendar = calendar_ensure(user=user)
    with transaction.atomic():
        locked = StaffCalendar.objects.select_for_update().get(pk=calendar.pk)
        if time_zone is not None:
            locked.time_zone = time_zone
            locked.updated_at = timezone.now()
            locked.save(update_fields=["time_zone", "updated_at"])
        if hours is not None:
            locked.hours.all().delete()
            for row in rows:
                row.calendar = locked
            WorkingHours.objects.bulk_create(rows)
        if time_off is not None:
            locked.time_off.filter(end_at__gt=timezone.now()).delete()
            for absence in absences:
                absence.calendar = locked
                absence.save()
        audit_record(
            actor=actor,
            action="booking.availability_set",
            target=locked,
            data={
                "user": user.username,
                "time_zone": time_zone,
                "hours": None
                if hours is None
                else [f"{r.weekday} {r.start_time:%H:%M}-{r.end_time:%H:%M}" for r in rows],
            },
        )
    return locked


def time_off_add(*, actor, user, start_at: datetime, end_at: datetime, reason: str = "") -> TimeOff:
    _may_edit(actor, user)
    for field, value in (("start_at", start_at), ("end_at", end_at)):
        if value is None or timezone.is_naive(value):
            raise validation_error(field, _("needs a time zone"))
        if not 1970 <= value.year <= 2200:
            raise validation_error(field, _("must be between 1970 and 2200"))
    calendar = calendar_ensure(user=user)
    row = TimeOff(
        calendar=calendar, start_at=start_at, end_at=end_at, reason=(reason or "").strip()
    )
    _clean(row)
    with transaction.atomic():
        row.save()
        audit_record(
            actor=actor,
            action="booking.time_off_added",
            target=calendar,
            data={"time_off": row.public_id, "start_at": start_at, "end_at": end_at},
        )
    return row


def time_off_delete(*, actor, time_off: TimeOff) -> None:
    _may_edit(actor, time_off.calendar.user)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="booking.time_off_deleted",
            target=time_off.calendar,
            data={"time_off": time_off.public_id},
        )
        time_off.delete()


def feed_token_regenerate(*, actor, user) -> StaffCalendar:
    """A new secret for the calendar feed: the old feed URL stops working at once."""
    _may_edit(actor, user)
    calendar = calendar_ensure(user=user)
    with transaction.atomic():
        locked = StaffCalendar.objects.select_for_update().get(pk=calendar.pk)
        locked.feed_token = _token()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["feed_token", "updated_at"])
        audit_record(actor=actor, action="booking.feed_token_regenerated", target=locked)
    return locked
