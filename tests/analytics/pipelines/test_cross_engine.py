"""The bank demo through every pipeline: the same results on PostgreSQL and Spark as on
DuckDB (counts and sums exactly, floats to 1e-9 relative), and a Gini that agrees with an
independent formula."""

from __future__ import annotations

import numpy as np
import pytest

from clientela.analytics.engines import TABLES, engine_open
from clientela.analytics.pipelines.cohorts import cohort_retention, repeat_purchase_rate
from clientela.analytics.pipelines.concentration import lorenz_curve, revenue_concentration
from clientela.analytics.pipelines.segments import rfm_segments
from clientela.analytics.pipelines.summary import rfm_summary
from clientela.analytics.pipelines.transactions import paid_transactions
from tests.analytics.pipelines.conftest import engine_available
from tests.analytics.pipelines.frames import assert_rows, records

# What each pipeline returns on the bank demo, and the columns that order its rows.
KEYS = {
    "orders": ["order_id"],
    "order_lines": ["order_id", "consumer_id", "amount", "quantity", "offering"],
    "activities": ["activity_id"],
    "relationships": ["relationship_id"],
    "parties": ["customer_id"],
    "paid": ["customer_id", "date", "amount"],
    "summary": ["customer_id"],
    "segments": ["customer_id"],
    "cohorts": ["kind", "cohort_month", "months_since"],
    "repeat": ["kind"],
    "concentration": ["kind"],
    "lorenz": ["kind", "party_share"],
}


def pipelines(engine) -> dict:
    tables = engine.tables
    paid = paid_transactions(tables)
    summary = rfm_summary(paid.select("customer_id", "date", "amount"), period="week")
    exprs = {name: tables[name] for name in TABLES}
    exprs.update(
        paid=paid,
        summary=summary,
        segments=rfm_segments(summary),
        cohorts=cohort_retention(tables),
        repeat=repeat_purchase_rate(tables),
        concentration=revenue_concentration(tables),
        lorenz=lorenz_curve(tables),
    )
    return {name: records(engine.execute(expr), KEYS[name]) for name, expr in exprs.items()}


def gini_mean_difference(values) -> float:
    x = np.asarray(values, dtype=float)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


@pytest.fixture
def bank(db):
    from clientela.demo import demo_load

    return demo_load(business="bank", size="small")


@pytest.mark.parametrize("other", ["postgres", pytest.param("spark", marks=pytest.mark.spark)])
def test_every_pipeline_gives_the_same_result_as_duckdb(request, bank, other):
    # given the bank demo
    engine_available(other)
    if other == "spark":
        request.getfixturevalue("spark_for_tests")

    # when every pipeline runs on DuckDB and on the other engine
    with engine_open("duckdb") as duckdb, engine_open(other) as engine:
        expected, got = pipelines(duckdb), pipelines(engine)

    # then every result is the same, row for row
    assert {name: len(rows) for name, rows in got.items()} == {
        name: len(rows) for name, rows in expected.items()
    }
    assert len(expected["orders"]) == bank.counts["orders"]
    for name in KEYS:
        assert_rows(got[name], expected[name])
    # and the Gini of each kind agrees with the mean-difference formula on that engine's data
    for row in got["concentration"]:
        revenue: dict[str, float] = {}
        for paid in got["paid"]:
            if row["kind"] in ("all", paid["kind"]):
                revenue[paid["customer_id"]] = (
                    revenue.get(paid["customer_id"], 0.0) + paid["amount"]
                )
        assert row["parties"] == len(revenue)
        assert row["gini"] == pytest.approx(gini_mean_difference(list(revenue.values())), rel=1e-9)


def test_gini_and_top_shares_agree_with_numpy_on_the_bank_demo(bank):
    # given the bank demo on the default engine
    with engine_open("duckdb") as engine:
        orders = engine.execute(engine.tables["orders"])
        got = records(engine.execute(revenue_concentration(engine.tables)), ["kind"])

    # then per kind, Gini is the mean-difference formula and top 10% the sorted head's share
    paid = orders[orders["status"] == "paid"]
    by_kind = {
        "all": paid.groupby("customer_id")["amount"].sum(),
        **{k: g.groupby("customer_id")["amount"].sum() for k, g in paid.groupby("kind")},
    }
    assert [row["kind"] for row in got] == sorted(by_kind)
    assert {row["kind"] for row in got} == {"all", "client", "customer"}
    for row in got:
        revenue = np.sort(by_kind[row["kind"]].to_numpy())[::-1]
        top = -(-10 * len(revenue) // 100)
        assert row["parties"] == len(revenue)
        assert row["revenue"] == pytest.approx(revenue.sum(), rel=1e-12)
        assert row["gini"] == pytest.approx(gini_mean_difference(revenue), rel=1e-9)
        assert row["top_10_share"] == pytest.approx(revenue[:top].sum() / revenue.sum(), rel=1e-9)
