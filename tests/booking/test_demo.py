from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from clientela.booking.demo import demo_load as booking_demo_load
from clientela.booking.models import BookableService, Booking, StaffCalendar, TimeOff
from clientela.demo import END, demo_load

NOW = END if END.tzinfo else END.replace(tzinfo=UTC)


def _snapshot():
    return (
        list(BookableService.objects.values_list("name", "duration_minutes", "buffer_minutes")),
        sorted(StaffCalendar.objects.values_list("user__username", "time_zone")),
        sorted(
            Booking.objects.values_list(
                "service__name",
                "staff__username",
                "party__external_id",
                "start_at",
                "status",
                "uid",
            )
        ),
        sorted(TimeOff.objects.values_list("calendar__user__username", "start_at", "reason")),
    )


@pytest.mark.django_db
def test_the_bank_demo_gets_services_calendars_and_bookings_around_now():
    demo_load(business="bank", size="small", seed=42, desk=False)

    created = booking_demo_load(business="bank", seed=42, now=NOW)

    services, calendars, bookings, time_off = _snapshot()
    assert services == [
        ("Portfolio review", 45, 15),
        ("Quick check-in call", 30, 0),
        ("Retirement planning", 60, 0),
    ]
    assert calendars == [
        ("elena.am", "Europe/Madrid"),
        ("javier.am", "Europe/Madrid"),
        ("tomasz.am", "America/New_York"),
    ]
    assert [(user, start.date().isoformat(), why) for user, start, why in time_off] == [
        ("elena.am", "2026-11-12", "Training"),
        ("javier.am", "2026-11-08", "Day off"),
    ]
    assert (created, len(bookings)) == (44, 21)
    assert Booking.objects.filter(status="cancelled").count() == 1
    assert created == len(calendars) * 6 + len(time_off) + 3 + len(bookings)
    assert any(b[3] < NOW for b in bookings) and any(b[3] > NOW for b in bookings)
    confirmed = Booking.objects.filter(status="confirmed").order_by("staff_id", "start_at")
    for before, after in zip(confirmed, confirmed[1:], strict=False):
        if before.staff_id == after.staff_id:
            assert after.start_at >= before.end_at + timedelta(minutes=before.buffer_minutes)
    assert booking_demo_load(business="cafe", seed=42, now=NOW) == 0
    first = (created, bookings)

    Booking.objects.all().delete()
    BookableService.objects.all().delete()
    StaffCalendar.objects.all().delete()
    again = booking_demo_load(business="bank", seed=42, now=NOW)
    assert (again, [b[:5] for b in _snapshot()[2]]) == (first[0], [b[:5] for b in first[1]])
