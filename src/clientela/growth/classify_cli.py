"""`clientela classify`: tell clients from customers by behaviour, with a progress bar.

Thin like the rest of the CLI: parse the options, call `classification_run` as the system,
print the mismatches (recorded kind differs from the behaviour) as a table, or with
`--explain PARTY` that party's finding on every dimension, strongest reason first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from clientela.analytics.analyze_cli import EngineName
from clientela.growth.classify import DIMENSIONS

SHOWN = 20


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
        _radar_print(result)


def _mismatches_print(result) -> None:
    from clientela import cli
    from clientela.growth.classify import explanation_of

    out = cli._out()
    mismatches = result[result["mismatch"]].sort_values(
        ["confidence", "customer_id"], ascending=[False, True]
    )
    table = Table(title="Recorded kind differs from behaviour")
    table.add_column("party", no_wrap=True)
    for column in ("recorded as", "behaves like", "confidence"):
        table.add_column(column, justify="right" if column == "confidence" else "left")
    table.add_column("main reason")
    for row in mismatches.head(SHOWN).itertuples():
        table.add_row(
            row.customer_id,
            row.kind,
            row.behaves_like,
            f"{row.confidence:.0%}",
            escape(explanation_of(row._asdict())[0][2]),
        )
    if len(mismatches):
        out.print(table)
    more = f" (the {SHOWN} most confident shown)" if len(mismatches) > SHOWN else ""
    out.print(
        f"{len(result):,} relationships classified; {len(mismatches):,} behave unlike "
        f"their recorded kind{more}."
    )


def _radar_print(result) -> None:
    from clientela import cli
    from clientela.growth.actions import LEVER_LABELS

    ranked = result[result["radar_score"].notna()].sort_values(
        ["radar_score", "customer_id"], ascending=[False, True]
    )
    if ranked.empty:
        return
    table = Table(title="Conversion radar: the customers most ready to become clients")
    for column in ("party", "rank score", "readiness", "next best action"):
        table.add_column(
            column, justify="left" if column in ("party", "next best action") else "right"
        )
    for row in ranked.head(SHOWN).itertuples():
        label = str(LEVER_LABELS.get(row.next_action, row.next_action))
        ready = row.radar_default
        table.add_row(row.customer_id, f"{row.radar_score:.2f}", f"{ready:.0%}", escape(label))
    cli._out().print(table)


def _explain_print(result, party: str) -> None:
    from clientela import cli
    from clientela.growth.classify import DIMENSION_LABELS, explanation_of

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
    for position, (dimension, score, sentence) in enumerate(explanation_of(row.to_dict()), 1):
        out.print(f"{position}. {DIMENSION_LABELS[dimension]} ({score:.2f}): {escape(sentence)}")
    if not pd.isna(row["radar_score"]):
        from clientela.growth.actions import LEVER_LABELS

        out.print(
            f"Conversion radar: readiness {row['radar_default']:.0%}, rank score "
            f"{row['radar_score']:.2f}; next best action: "
            f"{LEVER_LABELS[row['next_action']]}."
        )


SCORE_COLUMNS = (
    "party_id", "name", "kind", "behaves_like", "confidence", "mismatch", "total",
    *(f"score_{d}" for d in DIMENSIONS),
    "radar_score", "next_action",
)  # fmt: skip


def export_scores(
    file: Annotated[Path, typer.Argument(help="The CSV file to write.", dir_okay=False)],
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Directory holding the SQLite database.", file_okay=False),
    ] = None,
) -> None:
    """Export the latest classification: per party its kind, behaves-like, confidence,
    dimension scores, radar score and next action."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.growth.selectors import classification_run_latest

    with cli._handled():
        cli._require_initialised()
        if classification_run_latest() is None:
            cli._err().print("[red]Error:[/red] not classified yet: run `clientela classify`.")
            raise typer.Exit(1)
    cli._export(file, data_dir, "scores")
