"""When the worker runs the analysis on its own.

`CLIENTELA_ANALYZE_SCHEDULE` holds the times of day, in the installation's time zone
(`CLIENTELA_TIME_ZONE`), as `HH:MM`, several separated by commas (`02:00,14:00`); `off`
turns the schedule off. Default: `02:00`, nightly.

The schedule is a chain of deferred tasks in the task table: at most one scheduled analysis
waits at any time, so restarting the worker (or running several) never queues duplicates,
and a slot missed while no worker ran is caught up as soon as one starts.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from django.conf import settings
from django.utils import timezone

from clientela.core.errors import validation_error

DEFAULT_SCHEDULE = "02:00"


def schedule_times(value: str | None = None) -> list[dt.time]:
    """The configured times of day, sorted; [] when the schedule is off."""
    text = value if value is not None else os.environ.get("CLIENTELA_ANALYZE_SCHEDULE", "")
    text = text.strip() or DEFAULT_SCHEDULE
    if text.lower() == "off":
        return []
    times = set()
    for part in text.split(","):
        try:
            hours, minutes = part.strip().split(":")
            times.add(dt.time(int(hours), int(minutes)))
        except ValueError:
            raise validation_error(
                "CLIENTELA_ANALYZE_SCHEDULE",
                f"{part.strip()!r} is not a time of day (HH:MM, several separated by commas, "
                "or off)",
            ) from None
    return sorted(times)


def schedule_slot_after(*, now: dt.datetime, times: list[dt.time]) -> dt.datetime | None:
    """The first scheduled moment strictly after `now` (aware, UTC), or None when off."""
    if not times:
        return None
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    for days in range(0, 2):
        day = local.date() + dt.timedelta(days=days)
        for at in times:
            slot = dt.datetime.combine(day, at, tzinfo=zone)
            if slot > local:
                return slot.astimezone(dt.UTC)
    raise AssertionError("unreachable: a time of day recurs within two days")


def schedule_next(
    *, now: dt.datetime | None = None, value: str | None = None
) -> dt.datetime | None:
    """Queue the next scheduled analysis unless one is already waiting; return its slot
    (None when the schedule is off or one was already waiting)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from clientela.analytics.services import analysis_enqueue
    from clientela.analytics.tasks import analyze

    slot = schedule_slot_after(now=now or timezone.now(), times=schedule_times(value))
    if slot is None:
        return None
    waiting = DBTaskResult.objects.filter(
        task_path=analyze.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__kwargs__scheduled=True,
    ).exists()
    if waiting:
        return None
    analysis_enqueue(actor=None, run_after=slot, scheduled=True)
    return slot
