"""The bulk write path for generated or imported data at volume (demo data, benchmarks).

Rows arrive as plain tuples in a fixed column order, with the primary key chosen by the
caller (so rows of one chunk can reference each other without a round trip), and are written
with one parameterised `executemany` per table: no model instances, no per-row validation,
no audit. Table and column names come from the models' metadata, never from input. The
caller validates what it generates and wraps each chunk in one transaction.

Datetimes are passed naive in UTC and adapted here once per backend, exactly as the ORM
stores them (SQLite: naive UTC text; PostgreSQL: aware timestamps), so ORM filters match.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


def next_ids(model_classes: Sequence[type[models.Model]]) -> dict[type[models.Model], int]:
    """The first free primary key of each model: max(id) + 1 (1 for an empty table)."""
    return {
        model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in model_classes
    }


def rows_insert(*, model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> int:
    """Insert `rows` (tuples in the order of `columns`, attribute names such as `party_id`)
    into `model`'s table with one executemany. Returns the number of rows written."""
    if not rows:
        return 0
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(field) for field in fields]
    if any(adapt is not None for adapt in adapters):
        rows = [
            tuple(
                value if adapt is None or value is None else adapt(value)
                for value, adapt in zip(row, adapters, strict=True)
            )
            for row in rows
        ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def rows_copy_skipping_conflicts(
    *,
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple],
    returning: str | None = None,
) -> int | set:
    """PostgreSQL only: write `rows` (tuples in the order of `columns`; JSON columns as
    Python values) with COPY into a temporary table, then one
    `INSERT ... SELECT ... ON CONFLICT DO NOTHING` into `model`'s table, in the order the rows
    came (callers sort them, so two concurrent writers take their locks in one order).
    Returns the number of rows inserted, or with `returning` (a column name) the set of that
    column's values of the rows this call inserted; a row whose unique key is already taken
    is skipped, as `bulk_create(ignore_conflicts=True)` does, at a fraction of its cost (no
    parameter list of rows x columns). Must run inside the caller's transaction: the
    temporary table lives until its commit."""
    if not rows:
        return set() if returning else 0
    fields = [model._meta.get_field(name) for name in columns]
    json_at = [i for i, field in enumerate(fields) if isinstance(field, models.JSONField)]
    if json_at:
        rows = [
            tuple(json.dumps(v) if i in json_at and v is not None else v for i, v in enumerate(r))
            for r in rows
        ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    staging = quote(f"copy_{model._meta.db_table}")
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        insert = (
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        )
        if returning is None:
            cursor.execute(insert)
            return cursor.rowcount
        column = quote(model._meta.get_field(returning).column)
        cursor.execute(f"{insert} RETURNING {column}")
        return {value for (value,) in cursor.fetchall()}


def sequences_reset(model_classes: Sequence[type[models.Model]]) -> None:
    """After explicit primary keys: move the id sequences past the highest id (PostgreSQL;
    SQLite's AUTOINCREMENT bookkeeping follows explicit ids by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextlib.contextmanager
def bulk_session() -> Iterator[None]:
    """Tune the connection for a long bulk load and restore it afterwards.

    On SQLite: a large page cache and in-memory temp storage; `synchronous=OFF` between the
    per-chunk commits (a crash mid-load loses the load, not the database's integrity, and the
    load is restartable into a fresh data directory); foreign-key checks off, since the
    caller generates the keys itself. Nothing changes on PostgreSQL."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # inside a caller's transaction (tests) the pragmas cannot change
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1048576")
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            return str
        return _aware
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
