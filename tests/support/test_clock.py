"""The SLA clock: business minutes across nights, weekends, holidays and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clientela.support.clock import (
    business_add,
    business_add_minutes,
    business_between,
    business_minutes_between,
    business_subtract,
    calendar_from,
    parse_hhmm,
)

MADRID = ZoneInfo("Europe/Madrid")
NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}


def cal(hours=None, holidays=(), zone="Europe/Madrid"):
    return calendar_from(
        zone=zone,
        hours=NINE_TO_FIVE if hours is None else hours,
        holidays=[{"date": d, "name": "x"} for d in holidays],
    )


def local(*args):
    return datetime(*args, tzinfo=MADRID)


def test_friday_afternoon_plus_four_hours_is_monday_lunchtime():
    # 2026-11-20 is a Friday: 30 minutes on Friday, 3h30 on Monday from 09:00
    due = business_add_minutes(local(2026, 11, 20, 16, 30), 240, cal())
    assert due == local(2026, 11, 23, 12, 30)


def test_friday_afternoon_plus_four_hours_on_eight_to_five_is_monday_11_30():
    hours = {str(d): [["08:00", "17:00"]] for d in range(5)}
    due = business_add_minutes(local(2026, 11, 20, 16, 30), 240, cal(hours))
    assert due == local(2026, 11, 23, 11, 30)


def test_a_monday_holiday_moves_it_to_tuesday():
    due = business_add_minutes(local(2026, 11, 20, 16, 30), 240, cal(holidays=["2026-11-23"]))
    assert due == local(2026, 11, 24, 12, 30)


def test_a_start_before_opening_counts_from_opening():
    assert business_add_minutes(local(2026, 11, 23, 6, 0), 30, cal()) == local(2026, 11, 23, 9, 30)


def test_a_start_on_saturday_counts_from_monday():
    due = business_add_minutes(local(2026, 11, 21, 12, 0), 60, cal())
    assert due == local(2026, 11, 23, 10, 0)


def test_ending_exactly_at_closing_stays_on_that_day():
    assert business_add_minutes(local(2026, 11, 23, 9, 0), 480, cal()) == local(2026, 11, 23, 17)


def test_several_days():
    # 3 business days of 8 hours from Wednesday 10:00: Wed 7h, Thu 8h, Fri 8h, Mon 1h
    due = business_add_minutes(local(2026, 11, 18, 10, 0), 24 * 60, cal())
    assert due == local(2026, 11, 23, 10, 0)


def test_zero_minutes_is_the_start_itself():
    start = local(2026, 11, 21, 12, 0)
    assert business_add_minutes(start, 0, cal()) == start


def test_split_intervals_skip_the_lunch_break():
    hours = {str(d): [["09:00", "13:00"], ["14:00", "18:00"]] for d in range(5)}
    assert business_add_minutes(local(2026, 11, 23, 12, 30), 60, cal(hours)) == local(
        2026, 11, 23, 14, 30
    )


def test_madrid_march_change_on_a_business_day_interval():
    # 2026-03-29 (Sunday) clocks jump 02:00 -> 03:00: Friday 16:30 CET + 4h is Monday 12:30 CEST.
    due = business_add_minutes(local(2026, 3, 27, 16, 30), 240, cal())
    assert due == local(2026, 3, 30, 12, 30)
    assert due == datetime(2026, 3, 30, 10, 30, tzinfo=UTC)
    assert business_minutes_between(local(2026, 3, 27, 16, 30), due, cal()) == 240.0


def test_madrid_october_change_on_a_business_day_interval():
    # 2026-10-25 (Sunday) clocks fall back 03:00 -> 02:00: Friday 16:30 CEST + 4h is Monday
    # 12:30 CET, 11:30 UTC.
    due = business_add_minutes(local(2026, 10, 23, 16, 30), 240, cal())
    assert due == datetime(2026, 10, 26, 11, 30, tzinfo=UTC)
    assert business_minutes_between(local(2026, 10, 23, 16, 30), due, cal()) == 240.0


def test_round_the_clock_calendar_counts_the_real_hours_of_a_dst_day():
    always = {str(d): [["00:00", "24:00"]] for d in range(7)}
    spring = business_between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), cal(always))
    autumn = business_between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), cal(always))
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))
    # 2 hours after 01:00 on the spring change is 04:00 local (02:00-03:00 does not exist)
    due = business_add(local(2026, 3, 29, 1, 0), timedelta(hours=2), cal(always))
    assert due == local(2026, 3, 29, 4, 0)


def test_an_interval_bound_inside_the_skipped_hour():
    # Sunday hours 02:30-05:00 on the spring change day: 02:30 does not exist; it is read
    # with the winter offset (01:30 UTC = 03:30 summer time), so the interval lasts 1h30.
    hours = {"6": [["02:30", "05:00"]]}
    got = business_between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), cal(hours))
    assert got == timedelta(hours=1, minutes=30)


def test_business_minutes_between_across_a_weekend_and_a_holiday():
    calendar = cal(holidays=["2026-11-23"])
    # Fri 16:30 -> Tue 10:00 = 30 min Friday + 60 min Tuesday
    got = business_minutes_between(local(2026, 11, 20, 16, 30), local(2026, 11, 24, 10), calendar)
    assert got == 90.0


def test_between_is_zero_outside_hours_and_for_reversed_bounds():
    calendar = cal()
    assert business_between(local(2026, 11, 21, 9), local(2026, 11, 22, 20), calendar) == timedelta(
        0
    )
    assert business_between(local(2026, 11, 24, 9), local(2026, 11, 23, 9), calendar) == timedelta(
        0
    )


def test_adding_is_additive_and_inverse_of_between():
    calendar = cal(holidays=["2026-12-25"])
    start = local(2026, 12, 23, 15, 17)
    for minutes in (1, 59, 480, 481, 1000, 5000):
        due = business_add_minutes(start, minutes, calendar)
        assert business_minutes_between(start, due, calendar) == minutes
        half = business_add_minutes(start, minutes // 2, calendar)
        assert business_add_minutes(half, minutes - minutes // 2, calendar) == due


def test_another_zone():
    calendar = cal(zone="America/New_York")
    due = business_add_minutes(datetime(2026, 11, 23, 21, 0, tzinfo=UTC), 60, calendar)
    assert due == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 16:00 -> 17:00 New York


def test_a_calendar_without_hours_refuses_to_add():
    with pytest.raises(ValueError):
        business_add_minutes(local(2026, 11, 23, 9), 10, cal(hours={}))


def test_malformed_calendars_are_refused():
    for hours in (
        {"0": [["09:00", "08:00"]]},
        {"0": [["09:00", "12:00"], ["11:00", "13:00"]]},
        {"7": [["09:00", "10:00"]]},
        {"0": [["9:00", "10:00"]]},
        {"0": [["09:60", "10:00"]]},
        {"0": [["09:00", "24:01"]]},
    ):
        with pytest.raises(ValueError):
            cal(hours=hours)
    assert parse_hhmm("24:00") == 1440


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        business_add_minutes(datetime(2026, 11, 23, 9), 10, cal())


def test_subtracting_mirrors_adding():
    calendar = cal(holidays=["2026-11-23"])
    # Tuesday 10:00 minus 90 business minutes: 60 on Tuesday, 30 on Friday (Monday a holiday)
    assert business_subtract(local(2026, 11, 24, 10), timedelta(minutes=90), calendar) == local(
        2026, 11, 20, 16, 30
    )
    end = local(2026, 3, 30, 11, 0)
    for minutes in (1, 120, 480, 481, 2000):
        start = business_subtract(end, timedelta(minutes=minutes), cal())
        assert business_minutes_between(start, end, cal()) == minutes
