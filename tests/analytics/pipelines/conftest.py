"""One suite, every engine: `engine_name` runs a test on duckdb, postgres and spark.

- duckdb always runs.
- postgres runs when the Django test database is PostgreSQL (the PostgreSQL pass of
  `make test`), and is skipped on the SQLite pass, where there is no PostgreSQL to run in.
- spark is marked `spark` (run by `make test-spark`, deselected by the quick passes with
  `-m "not spark"`); without pyspark it is skipped, except on CI (CI=true), where it fails.
  One SparkSession serves the whole test session and is stopped at its end.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
from decimal import Decimal

import pytest

ENGINE_PARAMS = ["duckdb", "postgres", pytest.param("spark", marks=pytest.mark.spark)]


def engine_available(name: str) -> None:
    """Skip (or, for spark on CI, fail) the calling test when engine `name` cannot run."""
    from django.db import connection

    if name == "postgres" and connection.vendor != "postgresql":
        pytest.skip(
            f"the postgres engine runs in the operational database, and this test database is "
            f"{connection.vendor}: run with CLIENTELA_DATABASE_URL=postgres://... to cover it"
        )
    if name == "spark" and importlib.util.find_spec("pyspark") is None:
        message = "pyspark is not installed: pip install -e '.[spark,test]' (make test-spark)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the spark tests, but {message}")
        pytest.skip(message)


@pytest.fixture(scope="session")
def spark_for_tests():
    """The one SparkSession of the test session, tuned for tiny data (whole-stage code
    generation off: compiling code costs more than it saves on a few thousand rows), and
    stopped when the test session ends."""
    from clientela.analytics.engines.spark import spark_session

    session = spark_session()
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    yield session
    session.stop()
    spark_session.cache_clear()


@pytest.fixture(params=ENGINE_PARAMS)
def engine_name(request) -> str:
    engine_available(request.param)
    if request.param == "spark":
        request.getfixturevalue("spark_for_tests")
    return request.param


@pytest.fixture
def open_engine(engine_name, db):
    """`open_engine()` opens the test's engine over what the database holds now (open it
    after the given data is written); every engine opened is closed after the test."""
    from clientela.analytics.engines import engine_open

    opened = []

    def _open():
        engine = engine_open(engine_name)
        opened.append(engine)
        return engine

    yield _open
    for engine in opened:
        engine.close()


def at(day: str, time: str = "12:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}:00+00:00")


def buy(party, day: str, amount: str, *, status: str = "paid", time: str = "12:00"):
    from clientela.commerce.services import LineIn, order_record

    order, _ = order_record(
        actor=None,
        payer=party,
        lines=[LineIn(description="item", unit_price=Decimal(amount))],
        currency="EUR",
        status=status,
        placed_at=at(day, time),
    )
    return order


@pytest.fixture
def shop(db) -> dict[str, str]:
    """Six parties with known orders, written through the services in time order; returns
    letter -> public id. Amounts are exact in binary, so sums are exact on every engine.

    A customer since 2025-01-10: paid 10 + 5 (same day) on 01-10, 20 on 02-15, 30 on 03-20;
      refunded 100 on 03-21.
    B customer since 2025-01-20: paid 8 on 01-20; cancelled 50 on 02-01.
    C customer since 2025-02-05: paid 12.5 on 02-05, 7.5 on 03-01.
    D client since 2025-01-05: paid 400 on 01-31 at 23:30 UTC, 400 on 03-31.
    E customer since 2025-01-12: paid 40 on 01-12; converted into a client on 02-10;
      paid 200 on 02-20 and 300 on 03-25 as a client.
    F customer since 2025-03-01: no orders.
    """
    from clientela.parties.selectors import relationship_current
    from clientela.parties.services import party_create, relationship_convert

    def person(name: str, kind: str, day: str):
        return party_create(
            actor=None, given_name=name, family_name="Test", relationship_kind=kind, at=at(day)
        )

    d = person("D", "client", "2025-01-05")
    a = person("A", "customer", "2025-01-10")
    e = person("E", "customer", "2025-01-12")
    b = person("B", "customer", "2025-01-20")
    buy(a, "2025-01-10", "10")
    buy(a, "2025-01-10", "5", time="18:00")
    buy(e, "2025-01-12", "40")
    buy(b, "2025-01-20", "8")
    buy(d, "2025-01-31", "400", time="23:30")
    buy(b, "2025-02-01", "50", status="cancelled")
    c = person("C", "customer", "2025-02-05")
    buy(c, "2025-02-05", "12.5")
    relationship_convert(
        actor=None, relationship=relationship_current(party=e), reason="wealth", at=at("2025-02-10")
    )
    buy(a, "2025-02-15", "20")
    buy(e, "2025-02-20", "200")
    f = person("F", "customer", "2025-03-01")
    buy(c, "2025-03-01", "7.5")
    buy(a, "2025-03-20", "30")
    buy(a, "2025-03-21", "100", status="refunded")
    buy(e, "2025-03-25", "300")
    buy(d, "2025-03-31", "400")
    return {p.given_name: p.public_id for p in (a, b, c, d, e, f)}
