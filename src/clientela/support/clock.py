"""The SLA clock: business time on a weekly calendar with holidays, in one time zone.

Pure (no database). A business minute is a real elapsed minute inside a business interval:
intervals are wall-clock times of the calendar's zone turned into instants with zoneinfo,
so a day with a DST change counts the hours that really pass (an interval 00:00-06:00 is
5 hours on the spring change and 7 on the autumn one; 9-17 is always 8). A wall-clock
bound that does not exist that day (the skipped hour) is read with the offset before the
change (fold=0): 02:30 on Madrid's spring change day is 01:30 UTC, i.e. 03:30 summer time;
a bound that happens twice (the repeated autumn hour) is its first occurrence.

Guarantees: `business_add(start, d)` is the earliest instant `t >= start` with
`business_between(start, t) == d`; adding is additive (`add(add(s, a), b) == add(s, a + b)`)
and `business_between` is zero outside business hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far ahead the clock looks for business time before giving up (a calendar whose
# every day is a holiday).
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    """`hours[weekday]` (0 Monday) lists (start, end) minutes of the day, 0..1440, sorted
    and not overlapping; `holidays` are local dates without business hours."""

    zone: ZoneInfo
    hours: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def has_hours(self) -> bool:
        return any(self.hours.get(day) for day in range(7))


def parse_hhmm(text: str) -> int:
    """ "09:30" -> 570; "24:00" -> 1440. ValueError for anything else."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError(text)
    hh, mm = text[:2], text[3:]
    if not (hh.isdigit() and mm.isdigit()):
        raise ValueError(text)
    minutes = int(hh) * 60 + int(mm)
    if int(mm) > 59 or minutes > 1440:
        raise ValueError(text)
    return minutes


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def calendar_from(*, zone: str, hours: dict, holidays: list) -> Calendar:
    """A Calendar from the stored JSON shapes (see support.models.BusinessCalendar);
    ValueError when they are malformed (overlapping or empty intervals, bad dates)."""
    parsed: dict[int, tuple[tuple[int, int], ...]] = {}
    for key, intervals in (hours or {}).items():
        day = int(key)
        if not 0 <= day <= 6:
            raise ValueError(key)
        spans = sorted((parse_hhmm(a), parse_hhmm(b)) for a, b in intervals)
        for (a, b), nxt in zip(spans, spans[1:] + [(1441, 1441)], strict=True):
            if a >= b or b > nxt[0]:
                raise ValueError(intervals)
        if spans:
            parsed[day] = tuple(spans)
    days = frozenset(date.fromisoformat(str(h["date"])) for h in holidays or [])
    return Calendar(zone=ZoneInfo(zone), hours=parsed, holidays=days)


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= 1440:
        day, minute = day + timedelta(days=1), minute - 1440
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.replace(fold=0).astimezone(UTC)


def _intervals(calendar: Calendar, day: date):
    """The day's business intervals as UTC instants."""
    if day in calendar.holidays:
        return
    for a, b in calendar.hours.get(day.weekday(), ()):
        start, end = _instant(day, a, calendar.zone), _instant(day, b, calendar.zone)
        if end > start:
            yield start, end


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} needs a time zone")
    return moment.astimezone(UTC)


def business_add(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The instant `duration` of business time after `start` (UTC). A zero duration gives
    `start` itself. ValueError when the calendar has no business hours in reach."""
    current = _aware(start, "start")
    remaining = duration
    if remaining <= timedelta(0):
        return current
    if not calendar.has_hours():
        raise ValueError("the calendar has no business hours")
    day = current.astimezone(calendar.zone).date() - timedelta(days=1)
    for _ in range(MAX_DAYS):
        for a, b in _intervals(calendar, day):
            if b <= current:
                continue
            begin = max(a, current)
            available = b - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            current = b
        day += timedelta(days=1)
    raise ValueError("no business hours within reach")


def business_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Business time from `start` to `end`; zero when `end <= start`."""
    start, end = _aware(start, "start"), _aware(end, "end")
    total = timedelta(0)
    if end <= start:
        return total
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)
    last = end.astimezone(calendar.zone).date()
    while day <= last:
        for a, b in _intervals(calendar, day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def business_minutes_between(start: datetime, end: datetime, calendar: Calendar) -> float:
    """`business_between` in minutes (fractional)."""
    return business_between(start, end, calendar).total_seconds() / 60


def business_add_minutes(start: datetime, minutes: float, calendar: Calendar) -> datetime:
    return business_add(start, timedelta(minutes=minutes), calendar)


def business_subtract(end: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The latest instant `t <= end` with `business_between(t, end) == duration` (the
    mirror of `business_add`; the demo uses it to place tickets around a moment)."""
    current = _aware(end, "end")
    remaining = duration
    if remaining <= timedelta(0):
        return current
    if not calendar.has_hours():
        raise ValueError("the calendar has no business hours")
    day = current.astimezone(calendar.zone).date() + timedelta(days=1)
    for _ in range(MAX_DAYS):
        for a, b in reversed(list(_intervals(calendar, day))):
            if a >= current:
                continue
            finish = min(b, current)
            available = finish - a
            if remaining <= available:
                return finish - remaining
            remaining -= available
            current = a
        day -= timedelta(days=1)
    raise ValueError("no business hours within reach")
