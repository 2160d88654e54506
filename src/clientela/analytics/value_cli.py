"""`clientela value fit|predict`: customer-value models on any transaction CSV.

Thin by design: parse the options, read the file (DuckDB through Ibis), build the RFM summary
with `rfm_summary`, call the value models, render. Needs neither Django nor a database, so an
analyst can run it on any file. Bad input is one red line naming the problem and exit code 1,
never a traceback.
"""

from __future__ import annotations

import datetime
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clientela.core.errors import ApplicationError, validation_error

value_app = typer.Typer(
    help="Fit customer-value models (BG/NBD, Pareto/NBD, Gamma-Gamma) on a transaction CSV.",
    no_args_is_help=True,
)


class Period(StrEnum):
    week = "week"
    day = "day"


class Model(StrEnum):
    bgnbd = "bgnbd"
    pareto = "pareto"


File = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Transaction CSV to read."),
]
Customer = Annotated[str, typer.Option("--customer", help="Column holding the customer id.")]
DateCol = Annotated[str, typer.Option("--date", help="Column holding the purchase date.")]
Amount = Annotated[str, typer.Option("--amount", help="Column holding the purchase amount.")]
CalibrationEnd = Annotated[
    str | None,
    typer.Option("--calibration-end", help="Last day (YYYY-MM-DD) the models learn from."),
]
ObservationEnd = Annotated[
    str | None,
    typer.Option("--observation-end", help="Last day (YYYY-MM-DD) of the data to consider."),
]
PeriodOpt = Annotated[Period, typer.Option("--period", help="Time unit of recency and T.")]
ModelOpt = Annotated[Model, typer.Option("--model", help="Purchase model.")]
DateFormat = Annotated[
    str | None,
    typer.Option("--date-format", help="strptime format of the dates (default: ISO 8601)."),
]


def _day(option: str, text: str | None) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise validation_error(option, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _score(
    file,
    customer,
    date,
    amount,
    calibration_end,
    observation_end,
    period,
    model,
    date_format,
    horizon_months=12,
    discount=0.01,
):
    from clientela.analytics.pipelines.summary import rfm_summary, summary_window_end
    from clientela.analytics.value import value_score
    from clientela.analytics.value.transactions import first_purchase_check, transactions_read_csv

    calibration = _day("calibration_end", calibration_end)
    observation = _day("observation_end", observation_end)
    summary_window_end(calibration_end=calibration, observation_end=observation)
    transactions = transactions_read_csv(
        path=file, customer=customer, date=date, amount=amount, date_format=date_format
    )
    first_purchase_check(transactions=transactions, calibration_end=calibration or observation)
    summary = rfm_summary(
        transactions,
        period=period.value,
        calibration_end=calibration,
        observation_end=observation,
    ).execute()
    result = value_score(
        summary,
        model=model.value,
        period=period.value,
        horizon_months=horizon_months,
        monthly_discount=discount,
    )
    return summary, result


def _fail(exc: ApplicationError) -> None:
    Console(stderr=True, soft_wrap=True, highlight=False).print(
        f"[red]Error:[/red] {escape(exc.message)}"
    )
    raise typer.Exit(1)


def _fit_json(fit) -> dict | None:
    if fit is None:
        return None
    return {
        "model": fit.model,
        "customers": fit.customers,
        "params": fit.params,
        "log_likelihood": fit.log_likelihood,
        "standard_errors": fit.standard_errors,
        "converged": fit.converged,
    }


def _fit_table(fit) -> Table:
    table = Table(
        title=f"{fit.model}: {fit.customers} customers, log-likelihood {fit.log_likelihood:.4f}"
    )
    for column in ("parameter", "estimate", "standard error"):
        table.add_column(column, justify="right" if column != "parameter" else "left")
    for name, value in fit.params.items():
        table.add_row(name, f"{value:.4f}", f"{fit.standard_errors[name]:.4f}")
    return table


@value_app.command("fit")
def fit(
    file: File,
    customer: Customer,
    date: DateCol,
    amount: Amount,
    calibration_end: CalibrationEnd = None,
    observation_end: ObservationEnd = None,
    period: PeriodOpt = Period.week,
    model: ModelOpt = Model.bgnbd,
    date_format: DateFormat = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Fit the purchase model and Gamma-Gamma; print parameters, log-likelihood, errors."""
    try:
        summary, result = _score(
            file,
            customer,
            date,
            amount,
            calibration_end,
            observation_end,
            period,
            model,
            date_format,
        )
    except ApplicationError as exc:
        _fail(exc)
    out = Console(soft_wrap=True, highlight=False)
    if as_json:
        body = {
            "customers": len(summary),
            "period": period.value,
            "purchase": _fit_json(result.purchase_fit),
            "spend": _fit_json(result.spend_fit),
        }
        typer.echo(json.dumps(body, indent=2))
        return
    out.print(_fit_table(result.purchase_fit))
    if result.spend_fit is None:
        out.print("Gamma-Gamma: not fitted (fewer than 2 repeat buyers).")
    else:
        out.print(_fit_table(result.spend_fit))


@value_app.command("predict")
def predict(
    file: File,
    customer: Customer,
    date: DateCol,
    amount: Amount,
    output: Annotated[
        Path, typer.Option("--output", dir_okay=False, help="OUT.csv or OUT.parquet to write.")
    ],
    calibration_end: CalibrationEnd = None,
    observation_end: ObservationEnd = None,
    period: PeriodOpt = Period.week,
    model: ModelOpt = Model.bgnbd,
    date_format: DateFormat = None,
    horizon_months: int = typer.Option(12, "--horizon-months", min=1, help="CLV horizon."),
    discount: float = typer.Option(0.01, "--discount", min=0.0, help="Monthly discount rate."),
) -> None:
    """Write per-customer predictions: frequency, recency, T, monetary_value, p_alive,
    expected_purchases (next 90 days), clv."""
    try:
        if output.suffix.lower() not in {".csv", ".parquet"}:
            raise validation_error("output", f"{output.name} must end in .csv or .parquet")
        summary, result = _score(
            file,
            customer,
            date,
            amount,
            calibration_end,
            observation_end,
            period,
            model,
            date_format,
            horizon_months,
            discount,
        )
    except ApplicationError as exc:
        _fail(exc)
    table = summary.merge(result.per_customer, on="customer_id", how="inner", sort=False)
    table = table.rename(columns={"customer_id": "customer"})
    columns = [
        "customer",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "clv",
    ]
    table = table[columns].sort_values("customer", kind="stable")
    if output.suffix.lower() == ".csv":
        table.to_csv(output, index=False)
    else:
        table.to_parquet(output, index=False)
    Console(soft_wrap=True, highlight=False).print(
        f"Wrote predictions for {len(table)} customers to {escape(str(output))}."
    )
