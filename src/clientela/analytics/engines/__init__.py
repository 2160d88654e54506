"""Where the analytics run: the same named tables on DuckDB, PostgreSQL or Spark.

`engine_open(name)` returns an `Engine` whose `tables` are the named input tables of
`clientela.analytics.engines.tables` (orders, order_lines, activities, relationships,
parties) with the same columns and types on every engine, so one Ibis expression gives the
same result wherever it runs:

- `duckdb` (default, embedded): the source tables are read from the Django database through
  Arrow (one SELECT per table, see `sources`) into an in-memory DuckDB.
- `postgres` (in-database): when the operational database is PostgreSQL, the named tables are
  Ibis expressions over the real tables, on Django's own connection, so nothing is copied and
  the engine sees exactly what Django sees (including the current transaction).
- `spark`: the same Arrow tables are written to Parquet in a temporary directory under the
  data directory and read by a local PySpark session (`clientela[spark]` extra).

Every session computes in UTC. An engine is used from the thread that opened it; `close()`
releases what the engine owns (the DuckDB database, the Parquet files).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from clientela.analytics.engines.sources import RAW, raw_arrow
from clientela.analytics.engines.tables import SCHEMAS, named_tables
from clientela.core.errors import validation_error

ENGINES = ("duckdb", "postgres", "spark")
TABLES = tuple(SCHEMAS)

__all__ = ["ENGINES", "TABLES", "Engine", "engine_open"]


@dataclass
class Engine:
    """An open engine: `tables` maps each named table to an Ibis table on `backend`."""

    name: str
    backend: Any
    tables: dict[str, ir.Table]
    _cleanup: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        """Run `expr` on this engine; a table expression comes back as a DataFrame."""
        result = self.backend.execute(expr)
        return result if isinstance(result, pd.DataFrame) else pd.DataFrame({"value": [result]})

    def to_frame(self, expr: ir.Table) -> pd.DataFrame:
        """Run a table expression through Arrow: the same rows as `execute`, several times
        faster for wide results (strings stay Python strings, integers with nulls become
        floats with NaN, booleans with nulls objects)."""
        return self.backend.to_pyarrow(expr).to_pandas()

    def close(self) -> None:
        while self._cleanup:
            self._cleanup.pop()()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def engine_open(name: str = "duckdb") -> Engine:
    """Open engine `name` (duckdb | postgres | spark) over the operational database.

    Raises a validation error (field `engine`) for an unknown name, for `postgres` when the
    operational database is not PostgreSQL, and for `spark` without the spark extra."""
    if name == "duckdb":
        return _duckdb()
    if name == "postgres":
        return _postgres()
    if name == "spark":
        return _spark()
    raise validation_error("engine", f"must be one of {', '.join(ENGINES)}, not {name!r}")


def _duckdb() -> Engine:
    backend = ibis.duckdb.connect()
    backend.raw_sql("SET TimeZone = 'UTC'")
    raw = {key: backend.create_table(f"raw_{key}", raw_arrow(key), temp=True) for key in RAW}
    return Engine("duckdb", backend, named_tables(raw), [backend.disconnect])


def _postgres() -> Engine:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise validation_error(
            "engine",
            f"postgres needs PostgreSQL as the operational database, not {connection.vendor}",
        )
    connection.ensure_connection()
    backend = ibis.postgres.from_connection(connection.connection)
    raw = {}
    for key, source in RAW.items():
        table = backend.table(source.db_table())
        raw[key] = table.select(
            **{name: table[name].cast(ibis.dtype(kind)) for name, kind in source.columns}
        )
    return Engine("postgres", backend, named_tables(raw))


def _spark() -> Engine:
    import pyarrow.parquet as pq
    from django.conf import settings

    from clientela.analytics.engines.spark import spark_session

    session = spark_session()
    backend = ibis.pyspark.connect(session)
    root = Path(settings.DATA_DIR) / "analytics"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="spark-", dir=root))
    tag = uuid.uuid4().hex[:12]
    raw = {}
    for key in RAW:
        path = folder / f"{key}.parquet"
        pq.write_table(raw_arrow(key), path)
        raw[key] = backend.read_parquet(str(path), table_name=f"raw_{key}_{tag}")

    def cleanup() -> None:
        for key in RAW:
            session.catalog.dropTempView(f"raw_{key}_{tag}")
        shutil.rmtree(folder, ignore_errors=True)

    return Engine("spark", backend, named_tables(raw), [cleanup])
