"""The operational tables the analytics read, and how they leave the Django database.

`RAW` names, for each source table, the model it comes from and the columns read with their
types. Every engine starts from exactly these columns and types, so the named tables built
on top of them (`clientela.analytics.engines.tables`) are the same everywhere.

`raw_arrow` reads one source table through the Django connection with a single SELECT,
fetched in chunks and turned into typed Arrow columns (no ORM objects, no per-row queries).
Values are normalised on the way: timestamps become UTC microsecond timestamps (SQLite hands
back text, PostgreSQL aware datetimes), booleans become booleans (SQLite hands back 0/1) and
money becomes float64 through Python's correctly rounded `float()` of the Decimal, which gives the
same double as PostgreSQL's `numeric::float8` used by the in-database engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

INT = pa.int64()
STR = pa.string()
BOOL = pa.bool_()
FLOAT = pa.float64()
TS = pa.timestamp("us", tz="UTC")

CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class Source:
    model: str  # "app_label.ModelName"
    columns: tuple[tuple[str, pa.DataType], ...]

    def db_table(self) -> str:
        from django.apps import apps

        return apps.get_model(self.model)._meta.db_table

    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(name, kind) for name, kind in self.columns])


RAW: dict[str, Source] = {
    "party": Source(
        "parties.Party",
        (("id", INT), ("public_id", STR), ("kind", STR), ("created_at", TS)),
    ),
    "relationship": Source(
        "parties.Relationship",
        (
            ("id", INT),
            ("public_id", STR),
            ("party_id", INT),
            ("kind", STR),
            ("acquisition_channel", STR),
            ("status", STR),
            ("is_current", BOOL),
            ("stage", STR),
            ("started_at", TS),
            ("ended_at", TS),
            ("converted_from_id", INT),
        ),
    ),
    "order": Source(
        "commerce.Order",
        (
            ("id", INT),
            ("public_id", STR),
            ("payer_id", INT),
            ("relationship_id", INT),
            ("placed_at", TS),
            ("currency", STR),
            ("channel", STR),
            ("status", STR),
            ("total", FLOAT),
        ),
    ),
    "line": Source(
        "commerce.OrderLine",
        (
            ("id", INT),
            ("order_id", INT),
            ("offering", STR),
            ("quantity", FLOAT),
            ("amount", FLOAT),
            ("payer_id", INT),
            ("consumer_id", INT),
        ),
    ),
    "activity": Source(
        "activities.Activity",
        (
            ("id", INT),
            ("public_id", STR),
            ("party_id", INT),
            ("relationship_id", INT),
            ("kind", STR),
            ("channel", STR),
            ("direction", STR),
            ("staff_id", INT),
            ("occurred_at", TS),
        ),
    ),
}


def raw_arrow(name: str, *, chunk_rows: int = CHUNK_ROWS) -> pa.Table:
    """All rows of source table `name` as an Arrow table with exactly `RAW[name]`'s schema."""
    source = RAW[name]
    schema = source.schema()
    batches = [
        pa.RecordBatch.from_arrays(
            [
                _column(values, kind)
                for values, (_, kind) in zip(columns, source.columns, strict=True)
            ],
            schema=schema,
        )
        for columns in _chunks(source, chunk_rows)
    ]
    return pa.Table.from_batches(batches, schema=schema)


def raw_arrow_all() -> dict[str, pa.Table]:
    return {name: raw_arrow(name) for name in RAW}


def _chunks(source: Source, chunk_rows: int) -> Iterator[list[tuple]]:
    from django.db import connection

    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name, _ in source.columns)
    sql = f"SELECT {names} FROM {quote(source.db_table())} ORDER BY {quote('id')}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_rows):
            yield list(zip(*rows, strict=True))


def _column(values: tuple, kind: pa.DataType) -> pa.Array:
    if kind == TS:
        if any(isinstance(v, str) for v in values):
            return pa.array(values, STR).cast(pa.timestamp("us")).cast(TS)
        return pa.array(values, TS)
    if kind == FLOAT:
        return pa.array([None if v is None else float(v) for v in values], FLOAT)
    if kind == BOOL:
        return pa.array([None if v is None else bool(v) for v in values], BOOL)
    return pa.array(values, kind)
