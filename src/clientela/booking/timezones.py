"""Time zones: validating IANA names and turning a staff member's wall-clock times into
instants.

Daylight-saving rules (documented in docs/client-desk.md, "Self-service booking"):
- a wall-clock time that does not exist that day (the hour skipped in spring, e.g.
  02:30 in Madrid on 2026-03-29) is no slot: it is skipped;
- a wall-clock time that happens twice (the hour repeated in autumn) is taken at its first
  occurrence (fold=0), i.e. with the summer offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings

# Offered first in the public page's time zone menu; any IANA name works in `?tz=`.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Warsaw",
    "Europe/Bucharest",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@lru_cache(maxsize=512)
def zone_check(name: str | None) -> ZoneInfo | None:
    """The zone named `name`, or None when it is not a known IANA name."""
    if not name or not isinstance(name, str) or len(name) > 64 or "\x00" in name:
        return None
    if name not in _known():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def business_zone_name() -> str:
    return settings.TIME_ZONE if zone_check(settings.TIME_ZONE) else "UTC"


def zone_or_default(name: str | None) -> ZoneInfo:
    """The zone named `name`, or the business's TIME_ZONE when it is unknown or empty."""
    return zone_check(name) or ZoneInfo(business_zone_name())


def wall_clock_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of wall-clock `at` on `day` in `zone`: None when that time does not
    exist that day (skipped by a DST change); the first occurrence (fold=0) when it
    happens twice."""
    local = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def wall_clock_bound(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Like `wall_clock_instant` for the END of a span: a nonexistent time is read with
    the offset before the change (09:00-02:30 ends at 03:30 summer time), never None."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)
