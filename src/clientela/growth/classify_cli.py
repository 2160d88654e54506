"""`clientela classify`: tell clients from customers by behaviour, with a progress bar.

Thin like the rest of the CLI: parse the options, call `classification_run` as the system,
print the mismatches (recorded kind differs from the behaviour) as a table, or with
`--explain PARTY` that party's finding on every dimension, strongest reason first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from clientela.analytics.analyze_cli import EngineName


def classify(
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Where the features are computed.")
    ] = EngineName.duckdb,
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="PARTY", help="Explain one party (its public id)."),
    ] = None,
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
    """Classify every relationship as behaving like a client or a customer."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.growth.services import classification_run

    with cli._handled():
        cli._require_initialised()
        with cli._progress_bar() as progress:
            try:
                result = classification_run(actor=None, engine=engine.value, progress=progress)
            except ImportError as exc:
                cli._err().print(f"[red]Error:[/red] engine: {exc}")
                raise typer.Exit(1) from None
    if explain is not None:
        _explain_print(result, explain)
    else:
        _mismatches_print(result)


def _mismatches_print(result) -> None:
    from clientela import cli

    out = cli._out()
    mismatches = result[result["mismatch"]].sort_values(
        ["confidence", "customer_id"], ascending=[False, True]
    )
    table = Table(title="Recorded kind differs from behaviour")
    table.add_column("party", no_wrap=True)
    for column in ("recorded as", "behaves like", "confidence"):
        table.add_column(column, justify="right" if column == "confidence" else "left")
    table.add_column("main reason")
    for row in mismatches.itertuples():
        table.add_row(
            row.customer_id,
            row.kind,
            row.behaves_like,
            f"{row.confidence:.0%}",
            escape(row.explanation[0][2]),
        )
    if len(mismatches):
        out.print(table)
    out.print(
        f"{len(result):,} relationships classified; {len(mismatches):,} behave unlike "
        "their recorded kind."
    )


def _explain_print(result, party: str) -> None:
    from clientela import cli
    from clientela.growth.classify import DIMENSION_LABELS

    rows = result[result["customer_id"] == party]
    if rows.empty:
        cli._err().print(
            f"[red]Error:[/red] party: {escape(party)} has no current relationship to classify"
        )
        raise typer.Exit(1)
    row = rows.iloc[0]
    out = cli._out()
    out.print(
        f"{escape(party)}: recorded as a {row['kind']}; behaves like a {row['behaves_like']} "
        f"(score {row['total']:.2f}, confidence {row['confidence']:.0%})."
    )
    for position, (dimension, score, sentence) in enumerate(row["explanation"], start=1):
        out.print(f"{position}. {DIMENSION_LABELS[dimension]} ({score:.2f}): {escape(sentence)}")
