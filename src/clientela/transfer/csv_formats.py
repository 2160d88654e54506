"""The CSV formats Clientela reads and writes, and the parsing of their cells.

Guarantees: every row keeps the file line it starts on (the header is line 1), so a
rejected row can be named exactly; a bad header (a missing required column, an unknown
column in our own formats) is refused before any row is read, naming the column; every
cell parser raises `validation_error(column, problem)`, so a reason names the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from clientela.core.errors import validation_error

PARTY_COLUMNS = (
    "kind",
    "given_name",
    "family_name",
    "organisation_name",
    "email",
    "phone",
    "language",
    "tags",
    "marketing_consent",
    "consent_source",
    "relationship_kind",
    "acquisition_channel",
    "owner",
    "stage",
    "external_id",
)
ORDER_COLUMNS = (
    "external_id",
    "placed_at",
    "payer_email",
    "payer_external_id",
    "payer_name",
    "consumer_email",
    "consumer_external_id",
    "currency",
    "channel",
    "status",
    "sku",
    "description",
    "quantity",
    "unit_price",
)
ACTIVITY_COLUMNS = (
    "party_email",
    "party_external_id",
    "kind",
    "channel",
    "direction",
    "occurred_at",
    "staff",
    "subject",
    "body",
    "external_id",
)

# Several values in one cell (tags, a party's emails and phones) are separated by this.
LIST_SEPARATOR = ";"
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


@dataclass(frozen=True)
class CsvRow:
    line: int  # the file line the row starts on; the header is line 1
    values: dict[str, str]
    extra_cells: bool = False  # more cells than the header has columns

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def csv_rows_read(
    stream: IO[str],
    *,
    columns: Iterable[str],
    required: Iterable[str] = (),
    one_of: Iterable[tuple[str, ...]] = (),
    strict: bool = True,
) -> list[CsvRow]:
    """Read every row of a CSV file with a header line.

    `strict` refuses columns not in `columns` (a misspelt column would silently lose data);
    `one_of` lists groups of columns of which the header must hold at least one."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise validation_error("file", "is empty (a header line is expected)") from None
    except csv.Error as exc:
        raise validation_error("file", f"line 1 is not valid CSV ({exc})") from exc
    names = [name.strip().lstrip("\ufeff") for name in header]
    if strict:
        names = [name.lower() for name in names]
    known = set(columns)
    for name in names:
        if strict and name not in known:
            raise validation_error(
                "columns", f"unknown column {name!r}; expected some of: {', '.join(columns)}"
            )
    seen = set()
    for name in names:
        if name in seen and name:
            raise validation_error("columns", f"column {name!r} appears twice")
        seen.add(name)
    for name in required:
        if name not in seen:
            raise validation_error("columns", f"column {name!r} is missing")
    for group in one_of:
        if not seen.intersection(group):
            raise validation_error("columns", f"one of the columns {', '.join(group)} is needed")
    return list(_rows(reader, names))


def _rows(reader, names: list[str]) -> Iterator[CsvRow]:
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise validation_error("file", f"line {start} is not valid CSV ({exc})") from exc
        previous = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
        extra = any(cell.strip() for cell in cells[len(names) :])
        yield CsvRow(line=start, values=values, extra_cells=extra)


def csv_rows_write(stream: IO[str], *, columns: Iterable[str], rows: Iterable[dict]) -> int:
    """Write a header and one line per row; returns the number of rows written."""
    columns = list(columns)
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: _cell(row.get(name)) for name in columns})
        count += 1
    return count


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def parse_bool(column: str, value: str) -> bool:
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise validation_error(column, f"{value!r} is not yes/no/true/false/1/0")


def parse_choice(column: str, value: str, choices: Iterable[str], default: str = "") -> str:
    folded = value.strip().lower() or default
    choices = list(choices)
    if folded not in choices:
        raise validation_error(column, f"{value!r} is not one of {', '.join(choices)}")
    return folded


def parse_datetime(column: str, value: str) -> datetime:
    """ISO 8601; a value without a time zone is taken as UTC."""
    text = value.strip()
    if not text:
        raise validation_error(column, "is required")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise validation_error(column, f"{value!r} is not an ISO 8601 date and time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_decimal(column: str, value: str, *, positive: bool = False) -> Decimal:
    text = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError) as exc:
        raise validation_error(column, f"{value!r} is not a number") from exc
    if not number.is_finite():
        raise validation_error(column, f"{value!r} is not a number")
    if positive and number <= 0:
        raise validation_error(column, f"{value!r} must be greater than zero")
    if number < 0:
        raise validation_error(column, f"{value!r} cannot be negative")
    return number


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
