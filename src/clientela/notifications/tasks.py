"""The worker's notification tasks: one email attempt, and the sweeps' recurring tick."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def send_email(*, notification_id: str) -> dict:
    """Attempt the email of notification `notification_id` (a public id) once and return the
    outcome: sent, queued (a later attempt is queued), failed (gave up), skipped (another
    worker has it, it is not due or already done) or missing."""
    from clientela.notifications.delivery import notification_email_attempt

    return {
        "notification": notification_id,
        "outcome": notification_email_attempt(notification_id=notification_id),
    }


@task()
def sweep(*, scheduled: bool = True, slot: str | None = None) -> dict:
    """Run every registered sweep once. A scheduled run first queues the next one (so the
    chain survives a failing sweep) and queues again the emails a stopped worker left."""
    from clientela.notifications.delivery import notification_emails_resume
    from clientela.notifications.sweeps import (
        sweep_schedule_next,
        sweep_slot_record,
        sweeps_run,
    )

    started_at = timezone.now()
    if scheduled:
        # After this run's own slot even if the clocks disagree a little: never the same slot.
        after = started_at
        if slot:
            after = max(started_at, dt.datetime.fromisoformat(slot))
        sweep_schedule_next(now=after)
        notification_emails_resume()
    results = sweeps_run()
    summary = {name: (sent if isinstance(sent, int) else "error") for name, sent in results.items()}
    sweep_slot_record(slot=slot, started_at=started_at, results=summary)
    return summary
