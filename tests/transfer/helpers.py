"""Rows for the import services, read from CSV text exactly as the CLI reads a file."""

from __future__ import annotations

import io
from textwrap import dedent

from clientela.transfer.csv_formats import (
    ACTIVITY_COLUMNS,
    ORDER_COLUMNS,
    PARTY_COLUMNS,
    CsvRow,
    csv_rows_read,
)

COLUMNS = {"parties": PARTY_COLUMNS, "orders": ORDER_COLUMNS, "activities": ACTIVITY_COLUMNS}


def rows_of(entity: str, text: str) -> list[CsvRow]:
    return csv_rows_read(io.StringIO(dedent(text).lstrip()), columns=COLUMNS[entity])
