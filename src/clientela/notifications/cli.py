"""`clientela desk`: the client desk's command-line tools.

`clientela desk sweep` runs every registered sweep once (the reminders and warnings the
worker sends every `CLIENTELA_SWEEP_MINUTES`) and prints what each sent; a sweep that fails
is reported and the others still run (exit code 1 if any failed). Sweeps are idempotent, so
running this between two scheduled runs tells nobody twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

desk_app = typer.Typer(help="Client desk tools (sweeps).", no_args_is_help=True)


@desk_app.callback()
def desk() -> None:
    """Tools of the client and customer desks."""


@desk_app.command("sweep")
def desk_sweep(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Directory holding the SQLite database (default: $CLIENTELA_DATA_DIR, "
            "else ./clientela-data).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Run every sweep of both desks once and print what each did (notifications sent,
    points expired, tiers reviewed, referrals expired, SLA warnings)."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.notifications.sweeps import sweeps_run

    out = cli._out()
    with cli._handled():
        cli._require_initialised()
        results = sweeps_run()
    if not results:
        out.print("No sweeps are registered.")
        return
    table = Table("Sweep", "Done", title="Sweeps")
    failed = 0
    for name, sent in results.items():
        if isinstance(sent, Exception):
            failed += 1
            table.add_row(escape(name), f"[red]failed: {escape(str(sent))}[/red]")
        else:
            table.add_row(escape(name), str(sent))
    out.print(table)
    out.print(
        f"{len(results) - failed} sweeps ran. Done: notifications sent, or for the loyalty "
        "sweeps the entries written (expiry) and the members reviewed (tiers)."
    )
    if failed:
        cli._err().print(f"[red]Error:[/red] {failed} sweeps failed (see the log).")
        raise typer.Exit(1)
