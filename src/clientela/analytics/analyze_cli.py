"""`clientela analyze`: run the whole analysis now, with a progress bar and a summary.

Thin like the rest of the CLI: parse the options, call `analysis_run` as the system, print
what it stored. A failed analysis is one red line and exit code 1 (the failed run is kept,
with its error, for the record).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table


class EngineName(StrEnum):
    duckdb = "duckdb"
    postgres = "postgres"
    spark = "spark"


class Period(StrEnum):
    week = "week"
    day = "day"


def analyze(
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Where the pipelines run.")
    ] = EngineName.duckdb,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Directory holding the SQLite database (default: $CLIENTELA_DATA_DIR, "
            "else ./clientela-data).",
            file_okay=False,
        ),
    ] = None,
    period: Annotated[
        Period, typer.Option("--period", help="Unit of recency and age.")
    ] = Period.week,
    horizon_months: Annotated[
        int, typer.Option("--horizon-months", min=1, max=120, help="Horizon of the value (CLV).")
    ] = 12,
) -> None:
    """Score every party (RFM, segment, P(alive), expected purchases, lifetime value)."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.analytics.services import analysis_run

    with cli._handled():
        cli._require_initialised()
        with cli._progress_bar() as progress:
            try:
                run = analysis_run(
                    actor=None,
                    engine=engine.value,
                    progress=progress,
                    period=period.value,
                    horizon_months=horizon_months,
                )
            except ImportError as exc:
                cli._err().print(f"[red]Error:[/red] engine: {exc}")
                raise typer.Exit(1) from None
    _summary_print(run)


def _summary_print(run) -> None:
    from clientela.analytics.selectors import run_kind_summary

    out = _console()
    table = Table(title=f"Analysis {run.public_id} ({run.engine}, {run.parameters['period']}s)")
    for column in ("kind", "parties", "repeat buyers", "model", "mean P(alive)", "total CLV"):
        table.add_column(column, justify="left" if column in {"kind", "model"} else "right")
    currency = run.parameters.get("currency", "")
    rows = run_kind_summary(run=run)
    for row in rows:
        table.add_row(
            row.kind,
            f"{row.parties:,}",
            f"{row.repeat_buyers:,}",
            row.model,
            "—" if row.mean_p_alive is None else f"{row.mean_p_alive:.1%}",
            "—" if row.total_clv is None else f"{row.total_clv:,.2f} {currency}",
        )
    out.print(table)
    for row in rows:
        if row.note:
            out.print(f"[yellow]{row.kind}:[/yellow] {escape(row.note)}")
    out.print(
        f"Orders from {run.first_order_on} to {run.last_order_on}; "
        f"{run.parameters['parties']:,} parties scored."
    )


def _console():
    from clientela import cli

    return cli._out()


def demo_analyse() -> None:
    """Score and classify a just-loaded demo, so its party pages, dashboard and conversion
    radar are alive from the start; a failed step leaves the demo usable (`clientela
    analyze` and `clientela classify` retry it)."""
    from clientela import cli
    from clientela.analytics.services import analysis_run
    from clientela.core.errors import ApplicationError
    from clientela.growth.services import classification_run

    with cli._progress_bar() as progress:
        try:
            analysis_run(actor=None, progress=progress)
            classification_run(actor=None, progress=progress)
        except ApplicationError as exc:
            cli._err().print(f"[yellow]The demo was not analysed:[/yellow] {exc.message}")
