"""Reads: bookable slots, bookings, services and calendars.

Slots (`booking_slots`) are computed, never stored. For each staff member delivering the
service, their working hours are walked day by day in THEIR time zone; a slot starts at the
span's start and then every `duration + buffer` minutes (so a day fills back to back with
the buffer between meetings) while it ends within the span. A slot is dropped when:
- its wall-clock start does not exist that day (DST gap; an ambiguous one is fold=0), or
  falls inside the previous slot of the same span (the real time the gap skipped),
- it overlaps the staff member's time off,
- it overlaps a confirmed booking of that staff member, the booking's buffer included
  (and the slot's own buffer: [start, end + buffer) must be free),
- it starts before now + MIN_NOTICE.
Slots are returned in UTC; views show them in the viewer's chosen zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.booking.models import (
    BookableService,
    Booking,
    BookingStatus,
    StaffCalendar,
    TimeOff,
)
from clientela.booking.timezones import wall_clock_bound, wall_clock_instant, zone_or_default
from clientela.core.errors import ApplicationError, ErrorCode, validation_error

MIN_NOTICE = timedelta(hours=2)
MAX_SLOT_DAYS = 62
# Years a slot or booking may fall in (keeps date arithmetic far from datetime's limits).
MIN_YEAR, MAX_YEAR = 1970, 2200


@dataclass(frozen=True)
class Slot:
    staff_id: int
    staff_name: str
    calendar_id: str  # the staff calendar's public id (what public pages send back)
    start: datetime  # UTC
    end: datetime  # UTC


def day_window(*, day_from: date, day_to: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[midnight of day_from, midnight after day_to) in `tz`, as UTC instants."""
    start = datetime.combine(day_from, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end.astimezone(UTC)


def booking_slots(
    *,
    service: BookableService,
    day_from: date,
    day_to: date,
    tz: str | ZoneInfo | None = None,
    staff_ids: list[int] | None = None,
    now: datetime | None = None,
    ignore_bookings: bool = False,
) -> list[Slot]:
    """The free slots of `service` starting between `day_from` and `day_to` (inclusive,
    days in `tz`, default the business zone), ordered by start then staff name. See the
    module docstring for the rules. `staff_ids` restricts to some staff members."""
    for field, day in (("from", day_from), ("to", day_to)):
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise validation_error(
                field,
                _("must be between %(low)d and %(high)d") % {"low": MIN_YEAR, "high": MAX_YEAR},
            )
    if day_to < day_from:
        raise validation_error("to", _("must not be before the start day"))
    if (day_to - day_from).days >= MAX_SLOT_DAYS:
        raise validation_error(
            "to", _("the range may span at most %(n)d days") % {"n": MAX_SLOT_DAYS}
        )
    zone = tz if isinstance(tz, ZoneInfo) else zone_or_default(tz)
    window_start, window_end = day_window(day_from=day_from, day_to=day_to, tz=zone)
    return slots_between(
        service=service,
        start=window_start,
        end=window_end,
        staff_ids=staff_ids,
        now=now,
        ignore_bookings=ignore_bookings,
    )


def slots_between(
    *,
    service: BookableService,
    start: datetime,
    end: datetime,
    staff_ids: list[int] | None = None,
    now: datetime | None = None,
    ignore_bookings: bool = False,
) -> list[Slot]:
    """The free slots of `service` starting in [start, end) (UTC instants)."""
    if not service.active:
        return []
    earliest = max(start, (now or timezone.now()) + MIN_NOTICE)
    calendars = StaffCalendar.objects.filter(user__in=service.staff.filter(is_active=True))
    if staff_ids is not None:
        calendars = calendars.filter(user_id__in=staff_ids)
    step = timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    length = timedelta(minutes=service.duration_minutes)
    buffer = timedelta(minutes=service.buffer_minutes)
    found: list[Slot] = []
    for calendar in calendars.select_related("user").prefetch_related("hours"):
        zone = zone_or_default(calendar.time_zone)
        busy = _busy(calendar, start - timedelta(days=1), end + timedelta(days=1), ignore_bookings)
        by_day: dict[int, list] = {}
        for span in calendar.hours.all():
            by_day.setdefault(span.weekday, []).append(span)
        day = start.astimezone(zone).date() - timedelta(days=1)
        last_day = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last_day:
            for span in by_day.get(day.weekday(), ()):
                span_end = wall_clock_bound(day, span.end_time, zone)
                wall = datetime.combine(day, span.start_time)
                previous_end = None
                while wall.date() == day:
                    instant = wall_clock_instant(day, wall.time(), zone)
                    # On the spring-forward day the wall-clock grid jumps ahead in real
                    # time: a start inside the previous slot is skipped, never offered.
                    if instant is not None and (previous_end is None or instant >= previous_end):
                        if instant + length > span_end:
                            break
                        previous_end = instant + length
                        if (
                            earliest <= instant < end
                            and instant >= start
                            and not _overlaps(busy, instant, instant + length + buffer)
                        ):
                            found.append(
                                Slot(
                                    staff_id=calendar.user_id,
                                    staff_name=str(calendar.user),
                                    calendar_id=calendar.public_id,
                                    start=instant,
                                    end=instant + length,
                                )
                            )
                    wall += step
            day += timedelta(days=1)
    found.sort(key=lambda slot: (slot.start, slot.staff_name, slot.staff_id))
    return found


def _busy(calendar, start, end, ignore_bookings: bool) -> list[tuple[datetime, datetime]]:
    """The intervals the staff member is unavailable in, bookings extended by their buffer."""
    spans = [
        (row.start_at, row.end_at)
        for row in TimeOff.objects.filter(calendar=calendar, start_at__lt=end, end_at__gt=start)
    ]
    if not ignore_bookings:
        for b_start, b_end, b_buffer in Booking.objects.filter(
            staff_id=calendar.user_id,
            status=BookingStatus.CONFIRMED,
            start_at__lt=end,
            end_at__gt=start - timedelta(minutes=240),
        ).values_list("start_at", "end_at", "buffer_minutes"):
            spans.append((b_start, b_end + timedelta(minutes=b_buffer)))
    return spans


def _overlaps(spans, start: datetime, end: datetime) -> bool:
    return any(s < end and start < e for s, e in spans)


# -- services and calendars ---------------------------------------------------------------


def service_list(*, active_only: bool = False) -> QuerySet[BookableService]:
    rows = BookableService.objects.prefetch_related("staff").select_related("catalog_item")
    return rows.filter(active=True) if active_only else rows


def service_get(*, public_id: str) -> BookableService:
    try:
        return service_list().get(public_id=public_id)
    except BookableService.DoesNotExist as exc:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No bookable service %(id)s.") % {"id": public_id}
        ) from exc


def calendar_for(*, user) -> StaffCalendar | None:
    return StaffCalendar.objects.filter(user=user).prefetch_related("hours", "time_off").first()


def calendar_by_token(*, token: str) -> StaffCalendar:
    """The calendar whose feed token is `token` (compared by the database, exact)."""
    found = (
        StaffCalendar.objects.select_related("user").filter(feed_token=token).first()
        if token and len(token) <= 64
        else None
    )
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such calendar."))
    return found


def time_off_upcoming(*, calendar: StaffCalendar, now: datetime | None = None):
    return calendar.time_off.filter(end_at__gt=now or timezone.now()).order_by("start_at")


# -- bookings -----------------------------------------------------------------------------


def bookings_visible(*, user) -> QuerySet[Booking]:
    """The bookings `user` may see: all for admins and managers (DESK_CONFIGURE); otherwise
    the ones they deliver and those of the clients they own."""
    from clientela.accounts.permissions import Action, is_allowed

    rows = Booking.objects.select_related("service", "staff", "party")
    if is_allowed(user, Action.DESK_CONFIGURE):
        return rows
    return rows.filter(Q(staff_id=user.pk) | Q(party__current_owner_id=user.pk))


def booking_get(*, user, public_id: str) -> Booking:
    found = bookings_visible(user=user).filter(public_id=public_id).first()
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No booking %(id)s.") % {"id": public_id})
    return found


def bookings_upcoming(
    *, user, mine_only: bool, now: datetime | None = None, limit: int = 200
) -> list[Booking]:
    rows = bookings_visible(user=user).filter(
        status=BookingStatus.CONFIRMED, end_at__gt=now or timezone.now()
    )
    if mine_only:
        rows = rows.filter(staff_id=user.pk)
    return list(rows.order_by("start_at", "id")[:limit])


def bookings_of_party(*, party_id: int, now: datetime | None = None, limit: int = 5) -> list:
    return list(
        Booking.objects.select_related("service", "staff")
        .filter(party_id=party_id, status=BookingStatus.CONFIRMED, end_at__gt=now or timezone.now())
        .order_by("start_at", "id")[:limit]
    )


def bookings_for_feed(*, calendar: StaffCalendar, now: datetime | None = None) -> list[Booking]:
    """The staff member's confirmed bookings from 30 days ago to 180 days ahead."""
    now = now or timezone.now()
    return list(
        Booking.objects.select_related("service", "staff", "party")
        .filter(
            staff_id=calendar.user_id,
            status=BookingStatus.CONFIRMED,
            start_at__gte=now - timedelta(days=30),
            start_at__lt=now + timedelta(days=180),
        )
        .order_by("start_at", "id")
    )
