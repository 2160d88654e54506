"""Slot computation: wall-clock working hours in the staff member's zone, DST changes,
time off, buffers, bookings, the past and the minimum notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from clientela.booking.selectors import booking_slots
from clientela.booking.services import booking_create
from clientela.booking.setup import time_off_add
from clientela.core.errors import ApplicationError
from tests.booking.conftest import make_service, make_staff

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _utc(slots) -> list[str]:
    return [s.start.astimezone(UTC).strftime("%m-%d %H:%M") for s in slots]


def _sunday_hours(start: time, end: time):
    return [(6, start, end)]


@pytest.mark.django_db
def test_a_plain_day_in_madrid_winter_gives_hourly_slots_in_utc():
    staff = make_staff("ana", zone="Europe/Madrid")
    service = make_service(staff, duration=60)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 1, 12),
        day_to=date(2026, 1, 12),
        tz="Europe/Madrid",
        now=LONG_AGO,
    )

    assert _utc(slots) == [f"01-12 {h:02d}:00" for h in range(8, 16)]
    assert {s.end - s.start for s in slots} == {timedelta(hours=1)}


@pytest.mark.django_db
def test_spring_forward_in_madrid_skips_the_nonexistent_wall_clock_times():
    assert date(2026, 3, 29).weekday() == 6
    staff = make_staff("ana", zone="Europe/Madrid", hours=_sunday_hours(time(1), time(5)))
    service = make_service(staff, duration=30)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 3, 29),
        day_to=date(2026, 3, 29),
        tz="UTC",
        now=LONG_AGO,
    )

    # 01:00 and 01:30 CET, 02:00/02:30 do not exist, then 03:00..04:30 CEST.
    assert _utc(slots) == [
        "03-29 00:00",
        "03-29 00:30",
        "03-29 01:00",
        "03-29 01:30",
        "03-29 02:00",
        "03-29 02:30",
    ]


@pytest.mark.django_db
def test_fall_back_in_madrid_takes_the_first_of_the_repeated_hour():
    assert date(2026, 10, 25).weekday() == 6
    staff = make_staff("ana", zone="Europe/Madrid", hours=_sunday_hours(time(1), time(4)))
    service = make_service(staff, duration=60)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 10, 24),
        day_to=date(2026, 10, 25),
        tz="UTC",
        now=LONG_AGO,
    )

    # 01:00 CEST (23:00Z), 02:00 fold=0 CEST (00:00Z), 03:00 CET (02:00Z); 02:00 CET
    # (01:00Z, the second 02:00) is not offered.
    assert _utc(slots) == ["10-24 23:00", "10-25 00:00", "10-25 02:00"]


@pytest.mark.django_db
def test_spring_forward_in_new_york():
    assert date(2026, 3, 8).weekday() == 6
    staff = make_staff("bob", zone="America/New_York", hours=_sunday_hours(time(1), time(4)))
    service = make_service(staff, duration=30)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 3, 8),
        day_to=date(2026, 3, 8),
        tz="America/New_York",
        now=LONG_AGO,
    )

    # 01:00, 01:30 EST; 02:00 and 02:30 do not exist; 03:00, 03:30 EDT (04:00 would end late).
    assert _utc(slots) == ["03-08 06:00", "03-08 06:30", "03-08 07:00", "03-08 07:30"]


@pytest.mark.django_db
def test_working_hours_follow_the_staff_zone_across_the_us_and_eu_gap():
    # 2026-03-16: New York already on EDT (-4), Madrid still CET (+1).
    madrid = make_staff("ana", zone="Europe/Madrid", hours=[(0, time(9), time(11))])
    new_york = make_staff("bob", zone="America/New_York", hours=[(0, time(9), time(11))])
    service = make_service(madrid, new_york, duration=60)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 3, 16),
        day_to=date(2026, 3, 16),
        tz="Europe/Madrid",
        now=LONG_AGO,
    )

    assert [(s.staff_id, s.start.strftime("%H:%M")) for s in slots] == [
        (madrid.pk, "08:00"),
        (madrid.pk, "09:00"),
        (new_york.pk, "13:00"),
        (new_york.pk, "14:00"),
    ]


@pytest.mark.django_db
def test_the_viewer_zone_decides_which_days_are_asked_for():
    staff = make_staff("ana", zone="Asia/Tokyo", hours=[(1, time(8), time(10))])
    service = make_service(staff, duration=60)

    # Tuesday 08:00-10:00 Tokyo = Monday 23:00Z and Tuesday 00:00Z.
    in_utc = booking_slots(
        service=service,
        day_from=date(2026, 1, 12),
        day_to=date(2026, 1, 12),
        tz="UTC",
        now=LONG_AGO,
    )
    in_tokyo = booking_slots(
        service=service,
        day_from=date(2026, 1, 13),
        day_to=date(2026, 1, 13),
        tz="Asia/Tokyo",
        now=LONG_AGO,
    )

    assert _utc(in_utc) == ["01-12 23:00"]
    assert _utc(in_tokyo) == ["01-12 23:00", "01-13 00:00"]


@pytest.mark.django_db
def test_several_spans_per_day_and_a_short_tail_that_does_not_fit():
    staff = make_staff(
        "ana", zone="UTC", hours=[(0, time(9), time(10, 45)), (0, time(13), time(14))]
    )
    service = make_service(staff, duration=45)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 1, 12),
        day_to=date(2026, 1, 12),
        now=LONG_AGO,
        tz="UTC",
    )

    assert _utc(slots) == ["01-12 09:00", "01-12 09:45", "01-12 13:00"]


@pytest.mark.django_db
def test_time_off_removes_the_slots_it_overlaps():
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff, duration=60)
    time_off_add(
        actor=None,
        user=staff,
        start_at=datetime(2026, 1, 12, 10, 30, tzinfo=UTC),
        end_at=datetime(2026, 1, 12, 13, 0, tzinfo=UTC),
        reason="Dentist",
    )

    slots = booking_slots(
        service=service,
        day_from=date(2026, 1, 12),
        day_to=date(2026, 1, 12),
        tz="UTC",
        now=LONG_AGO,
    )

    assert _utc(slots) == [
        "01-12 09:00",
        "01-12 13:00",
        "01-12 14:00",
        "01-12 15:00",
        "01-12 16:00",
    ]


@pytest.mark.django_db
def test_step_is_duration_plus_buffer_and_a_booking_blocks_its_buffer(client_party):
    staff = make_staff("ana", zone="UTC", hours=[(0, time(9), time(13))])
    service = make_service(staff, duration=45, buffer=15)
    short = make_service(staff, duration=30, name="Quick call")

    day = {"day_from": date(2026, 1, 12), "day_to": date(2026, 1, 12), "tz": "UTC", "now": LONG_AGO}
    assert _utc(booking_slots(service=service, **day)) == [
        "01-12 09:00",
        "01-12 10:00",
        "01-12 11:00",
        "01-12 12:00",
    ]
    booking_create(
        actor=None,
        service=service,
        staff=staff,
        party=client_party,
        start_at=datetime(2026, 1, 12, 10, tzinfo=UTC),
        now=LONG_AGO,
    )

    # Ana is busy 10:00-11:00 (45 minutes plus the 15-minute buffer).
    assert _utc(booking_slots(service=service, **day)) == [
        "01-12 09:00",
        "01-12 11:00",
        "01-12 12:00",
    ]
    assert _utc(booking_slots(service=short, **day)) == [
        "01-12 09:00",
        "01-12 09:30",
        "01-12 11:00",
        "01-12 11:30",
        "01-12 12:00",
        "01-12 12:30",
    ]


@pytest.mark.django_db
def test_the_past_and_the_two_hour_notice_are_not_offered():
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff, duration=60)
    now = datetime(2026, 1, 12, 10, 30, tzinfo=UTC)

    slots = booking_slots(
        service=service, day_from=date(2026, 1, 12), day_to=date(2026, 1, 12), tz="UTC", now=now
    )

    assert _utc(slots) == ["01-12 13:00", "01-12 14:00", "01-12 15:00", "01-12 16:00"]


@pytest.mark.django_db
def test_an_inactive_service_or_staff_offers_nothing():
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff, duration=60)
    day = {"day_from": date(2026, 1, 12), "day_to": date(2026, 1, 12), "now": LONG_AGO}
    staff.is_active = False
    staff.save()
    assert booking_slots(service=service, **day) == []
    service.active = False
    assert booking_slots(service=service, **day) == []


@pytest.mark.django_db
def test_a_range_backwards_or_too_long_is_refused_naming_to():
    service = make_service(make_staff("ana"))
    with pytest.raises(ApplicationError) as backwards:
        booking_slots(service=service, day_from=date(2026, 1, 12), day_to=date(2026, 1, 11))
    with pytest.raises(ApplicationError) as long:
        booking_slots(service=service, day_from=date(2026, 1, 1), day_to=date(2026, 3, 31))
    assert list(backwards.value.extra["fields"]) == ["to"]
    assert list(long.value.extra["fields"]) == ["to"]


@pytest.mark.django_db
def test_spring_forward_never_offers_overlapping_slots_of_one_person():
    staff = make_staff("ana", zone="Europe/Madrid", hours=_sunday_hours(time(1, 30), time(5)))
    service = make_service(staff, duration=45)

    slots = booking_slots(
        service=service,
        day_from=date(2026, 3, 29),
        day_to=date(2026, 3, 29),
        tz="UTC",
        now=LONG_AGO,
    )

    # 01:30 CET (00:30Z-01:15Z); 02:15 does not exist; 03:00 CEST (01:00Z) would overlap
    # the first slot and is skipped; then 03:45 CEST (01:45Z) and 04:30 would end too late.
    assert _utc(slots) == ["03-29 00:30", "03-29 01:45"]
