"""`clientela worker`: run background tasks and the scheduled analysis.

The worker is django-tasks' database worker (`db_worker`): it takes queued tasks from the
database one at a time, so several workers may run side by side on PostgreSQL. On start it
makes sure the next scheduled analysis is queued (see `analytics.schedule`:
`CLIENTELA_ANALYZE_SCHEDULE`, default nightly at 02:00 in `CLIENTELA_TIME_ZONE`); each
scheduled analysis queues the one after it. It also queues again the webhook deliveries
a stopped worker left unsent (`webhooks.delivery.webhook_deliveries_resume`) and the
notification emails it left (`notifications.delivery.notification_emails_resume`), and makes
sure the next run of the sweeps is queued (`notifications.sweeps`: every
`CLIENTELA_SWEEP_MINUTES`, default 15; each run queues the one after it, once however many
workers run).
`--no-schedule` starts a worker that only runs what others queue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# `clientela desk` (sweeps) is registered next to the worker that runs them on a schedule.
from clientela.notifications.cli import desk_app

__all__ = ["desk_app", "worker"]


def worker(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Directory holding the SQLite database (default: $CLIENTELA_DATA_DIR, "
            "else ./clientela-data).",
            file_okay=False,
        ),
    ] = None,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule",
            help="Queue the scheduled analysis and sweeps (on by default).",
        ),
    ] = True,
    batch: Annotated[
        bool, typer.Option("--batch", help="Run the tasks that are due now, then exit.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.0, help="Seconds between polls when idle.")
    ] = 1.0,
) -> None:
    """Run background tasks (the scheduled analysis, imports) until stopped."""
    from clientela import cli

    cli._setup(data_dir)
    from django.core.management import call_command

    from clientela.analytics.schedule import schedule_next
    from clientela.notifications.delivery import notification_emails_resume
    from clientela.notifications.sweeps import sweep_schedule_next
    from clientela.webhooks.delivery import webhook_deliveries_resume

    out = cli._out()
    with cli._handled():
        cli._require_initialised()
        resumed = webhook_deliveries_resume()
        if resumed:
            out.print(f"Queued {resumed} webhook deliveries again that were left unsent.")
        emails = notification_emails_resume()
        if emails:
            out.print(f"Queued {emails} notification emails again that were left unsent.")
        if schedule:
            slot = schedule_next()
            if slot is not None:
                out.print(f"Next scheduled analysis: {slot:%Y-%m-%d %H:%M} UTC.")
            sweep_slot = sweep_schedule_next()
            if sweep_slot is not None:
                out.print(f"Next sweep: {sweep_slot:%Y-%m-%d %H:%M} UTC.")
    if not batch:
        out.print("The worker is running (Ctrl+C stops it).")
    call_command(
        "db_worker",
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=not batch,
        verbosity=1,
    )
