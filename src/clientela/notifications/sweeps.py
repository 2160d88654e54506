"""Sweeps: periodic, idempotent jobs that send notifications (reminders, warnings).

An app registers a sweep with `@register("name")` on a function `fn(*, now) -> int` (how many
notifications it sent) in a module its `AppConfig.ready()` imports. The worker runs every
sweep each `CLIENTELA_SWEEP_MINUTES` (default 15) and `clientela desk sweep` runs them once.
A sweep must be idempotent (deterministic notification keys): it may run twice for the
same moment (a manual run, a worker catching up) without telling anyone twice.

The schedule is a chain of deferred `sweep` tasks on a fixed grid (multiples of the interval
since midnight UTC). Each slot is claimed by inserting a unique `SweepSlot` row, so two
workers starting together, or a worker starting while a chain already waits, queue it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientela.core.errors import validation_error

logger = logging.getLogger(__name__)

DEFAULT_SWEEP_MINUTES = 15
KEEP_SLOTS = dt.timedelta(days=7)

SweepFn = Callable[..., int]
_SWEEPS: dict[str, SweepFn] = {}


def register(name: str):
    """Decorator registering `fn(*, now: datetime) -> int` (notifications sent) as the sweep
    `name`. Registering a name again replaces the earlier function (a module imported twice
    does not run twice)."""

    def decorator(fn: SweepFn) -> SweepFn:
        _SWEEPS[name] = fn
        return fn

    return decorator


def unregister(name: str) -> None:
    """Forget a sweep (tests register throw-away ones)."""
    _SWEEPS.pop(name, None)


def sweeps_registered() -> list[str]:
    """The registered sweep names, sorted (the order they run in)."""
    return sorted(_SWEEPS)


def sweeps_run(*, now: dt.datetime | None = None) -> dict[str, int | Exception]:
    """Run every registered sweep once, in name order, and return what each sent (or the
    exception it raised: one failing sweep is logged and does not stop the others). Each
    sweep runs in its own transaction, so a failing one leaves nothing half-sent."""
    now = now or timezone.now()
    results: dict[str, int | Exception] = {}
    for name in sweeps_registered():
        try:
            with transaction.atomic():
                results[name] = int(_SWEEPS[name](now=now) or 0)
        except Exception as exc:  # noqa: BLE001 - one sweep's bug must not stop the others
            logger.exception("Sweep %s failed", name)
            results[name] = exc
    return results


def sweep_minutes() -> int:
    """The interval between scheduled sweeps, in minutes (1 to 1440)."""
    value = getattr(settings, "CLIENTELA_SWEEP_MINUTES", None)
    if value is None:
        value = os.environ.get("CLIENTELA_SWEEP_MINUTES", "") or DEFAULT_SWEEP_MINUTES
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= 1440:
        raise validation_error(
            "CLIENTELA_SWEEP_MINUTES", f"{value!r} is not a number of minutes from 1 to 1440"
        )
    return minutes


def sweep_slot_after(*, now: dt.datetime, minutes: int) -> dt.datetime:
    """The first grid moment strictly after `now` (aware UTC): the grid is every `minutes`
    from midnight UTC, so every worker computes the same slots."""
    now = now.astimezone(dt.UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    step = dt.timedelta(minutes=minutes)
    count = (now - midnight) // step + 1
    return midnight + count * step


def sweep_schedule_next(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next scheduled sweep unless one already waits; return its slot (None when
    one was already waiting or another worker claimed the slot first)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from clientela.notifications.models import SweepSlot
    from clientela.notifications.tasks import sweep

    now = now or timezone.now()
    slot = sweep_slot_after(now=now, minutes=sweep_minutes())
    waiting = DBTaskResult.objects.filter(
        task_path=sweep.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__kwargs__scheduled=True,
    ).exists()
    if waiting:
        return None
    try:
        with transaction.atomic():
            SweepSlot.objects.create(slot=slot)
            sweep.using(run_after=slot).enqueue(scheduled=True, slot=slot.isoformat())
    except IntegrityError:
        return None
    SweepSlot.objects.filter(slot__lt=now - KEEP_SLOTS).delete()
    return slot


def sweep_slot_record(*, slot: str | None, started_at, results: dict) -> None:
    """Keep what a scheduled run sent on its slot row (shown on the settings page)."""
    from clientela.notifications.models import SweepSlot

    if not slot:
        return
    SweepSlot.objects.filter(slot=dt.datetime.fromisoformat(slot)).update(
        started_at=started_at, finished_at=timezone.now(), results=results
    )
