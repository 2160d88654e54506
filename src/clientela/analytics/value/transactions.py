"""Read an analyst's transaction file into DuckDB (through Ibis) and refuse bad input.

Guarantees: the returned table has columns customer_id (text), date (date) and amount
(float64), and no row of it has an unparseable date, a missing or unparseable amount, or a
negative amount; each of those is an ApplicationError naming the column, the first offending
value and its line in the file. Nothing is read row by row in Python.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import ibis
import ibis.expr.types as ir

from clientela.core.errors import validation_error


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def transactions_read_csv(
    *,
    path: Path,
    customer: str,
    date: str,
    amount: str,
    date_format: str | None = None,
    connection=None,
) -> ir.Table:
    """The validated transactions of a CSV file as an Ibis table on DuckDB."""
    con = connection or ibis.duckdb.connect()
    try:
        raw = con.read_csv(str(path), all_varchar=True, header=True)
    except Exception as exc:  # DuckDB's parser errors carry no stable type
        raise validation_error("file", f"cannot read {path.name} as CSV ({exc})") from None
    for option, column in (("--customer", customer), ("--date", date), ("--amount", amount)):
        if column not in raw.columns:
            raise validation_error(
                column,
                f"no such column in {path.name} (given by {option}; "
                f"the columns are {', '.join(raw.columns)})",
            )
    c, d, a = _quoted(customer), _quoted(date), _quoted(amount)
    parsed_date = (
        f"TRY_STRPTIME(TRIM({d}), '{date_format.replace(chr(39), chr(39) * 2)}')::DATE"
        if date_format
        else f"TRY_CAST(TRIM({d}) AS DATE)"
    )
    name = raw.get_name()
    con.raw_sql(
        f"CREATE OR REPLACE TEMP TABLE clientela_tx AS SELECT row_number() OVER () + 1 AS line, "
        f"{c} AS customer_id, {d} AS date_text, {parsed_date} AS date, {a} AS amount_text, "
        f"TRY_CAST(TRIM({a}) AS DOUBLE) AS amount FROM {_quoted(name)}"
    )
    checks = (
        ("customer_id IS NULL OR TRIM(customer_id) = ''", customer, "missing value", None),
        ("date IS NULL", date, "cannot parse {value!r} as a date", "date_text"),
        ("amount_text IS NULL OR TRIM(amount_text) = ''", amount, "missing value", None),
        ("amount IS NULL", amount, "cannot parse {value!r} as a number", "amount_text"),
        ("amount < 0", amount, "negative value {value}", "amount_text"),
    )
    for where, column, problem, shown in checks:
        row = con.raw_sql(
            f"SELECT line, {shown or 'NULL'} FROM clientela_tx WHERE {where} ORDER BY line LIMIT 1"
        ).fetchone()
        if row is not None:
            hint = (
                " (give --date-format, e.g. %Y%m%d)" if column == date and not date_format else ""
            )
            raise validation_error(column, f"{problem.format(value=row[1])} on line {row[0]}{hint}")
    table = con.table("clientela_tx")
    if table.count().execute() == 0:
        raise validation_error("file", f"{path.name} has no transactions")
    return table.select("customer_id", "date", "amount")


def first_purchase_check(*, transactions: ir.Table, calibration_end: datetime.date | None) -> None:
    """A calibration end before the first purchase leaves nothing to fit: say so."""
    if calibration_end is None:
        return
    first = transactions.date.min().execute()
    first = first.date() if isinstance(first, datetime.datetime) else first
    if calibration_end < first:
        raise validation_error(
            "calibration_end",
            f"{calibration_end.isoformat()} is before the first purchase ({first.isoformat()})",
        )
