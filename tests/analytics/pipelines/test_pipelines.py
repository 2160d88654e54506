"""Every pipeline on hand-built data, with the expected numbers worked out by hand from the
definitions in docs/analytics.md (see the `shop` fixture for the orders)."""

from __future__ import annotations

import datetime

import ibis
import numpy as np
import pandas as pd

from clientela.analytics.pipelines.cohorts import cohort_retention, repeat_purchase_rate
from clientela.analytics.pipelines.concentration import lorenz_curve, revenue_concentration
from clientela.analytics.pipelines.segments import rfm_segments
from clientela.analytics.pipelines.summary import rfm_summary
from clientela.analytics.pipelines.transactions import paid_transactions
from tests.analytics.pipelines.frames import assert_rows, day, records


def test_paid_transactions_are_the_paid_orders_only(open_engine, shop):
    # given the shop (one refunded and one cancelled order); when paid transactions are read
    engine = open_engine()
    paid = records(engine.execute(paid_transactions(engine.tables)), ["date", "amount"])

    # then the 12 paid orders remain, with payer, kind, UTC day and amount
    A, B, C, D, E = (shop[x] for x in "ABCDE")
    assert_rows(
        paid,
        [
            {"customer_id": A, "kind": "customer", "date": day("2025-01-10"), "amount": 5.0},
            {"customer_id": A, "kind": "customer", "date": day("2025-01-10"), "amount": 10.0},
            {"customer_id": E, "kind": "customer", "date": day("2025-01-12"), "amount": 40.0},
            {"customer_id": B, "kind": "customer", "date": day("2025-01-20"), "amount": 8.0},
            {"customer_id": D, "kind": "client", "date": day("2025-01-31"), "amount": 400.0},
            {"customer_id": C, "kind": "customer", "date": day("2025-02-05"), "amount": 12.5},
            {"customer_id": A, "kind": "customer", "date": day("2025-02-15"), "amount": 20.0},
            {"customer_id": E, "kind": "client", "date": day("2025-02-20"), "amount": 200.0},
            {"customer_id": C, "kind": "customer", "date": day("2025-03-01"), "amount": 7.5},
            {"customer_id": A, "kind": "customer", "date": day("2025-03-20"), "amount": 30.0},
            {"customer_id": E, "kind": "client", "date": day("2025-03-25"), "amount": 300.0},
            {"customer_id": D, "kind": "client", "date": day("2025-03-31"), "amount": 400.0},
        ],
    )


def test_summary_quintiles_and_segments_of_five_buyers(open_engine, shop):
    # given the shop, in days (window end: the last purchase day, 2025-03-31 = day 90)
    engine = open_engine()
    paid = paid_transactions(engine.tables)
    summary = rfm_summary(paid.select("customer_id", "date", "amount"), period="day")

    # when the summary and the segments are computed
    got_summary = records(engine.execute(summary), ["customer_id"])
    segments = records(engine.execute(rfm_segments(summary)), ["customer_id"])

    # then, by hand: A bought on days 10 (10 + 5), 46 (20), 79 (30); B on 20; C on 36, 60;
    # D on 31, 90; E on 12, 51, 84.
    names = {public_id: name for name, public_id in shop.items()}
    by_name = {names[row["customer_id"]]: row for row in got_summary}
    expected_summary = {
        "A": (2.0, 69.0, 80.0, 25.0),
        "B": (0.0, 0.0, 70.0, 0.0),
        "C": (1.0, 24.0, 54.0, 7.5),
        "D": (1.0, 59.0, 59.0, 400.0),
        "E": (2.0, 72.0, 78.0, 250.0),
    }
    assert {
        name: (row["frequency"], row["recency"], row["T"], row["monetary_value"])
        for name, row in by_name.items()
    } == expected_summary
    # R metric T - recency: B 70, C 30, A 11, E 6, D 0 -> ranks 0..4 -> scores 1..5.
    # F: B 0 (rank 0), C and D 1 (rank 1, tied), A and E 2 (rank 3): scores 1, 2, 2, 4, 4.
    # M: B 0, C 7.5, A 25, E 250, D 400 -> scores 1..5.
    assert {names[row["customer_id"]]: tuple(row.values())[1:] for row in segments} == {
        "A": (3, 4, 3, "loyal"),
        "B": (1, 1, 1, "lost"),
        "C": (2, 2, 2, "hibernating"),
        "D": (5, 2, 5, "potential loyalists"),
        "E": (4, 4, 4, "loyal"),
    }
    assert list(segments[0]) == [
        "customer_id",
        "recency_score",
        "frequency_score",
        "monetary_score",
        "segment",
    ]


# The segment of each (R, F) cell, copied from the rules table in docs/analytics.md.
RF_TABLE = {
    5: ["new", "potential loyalists", "potential loyalists", "champions", "champions"],
    4: ["promising", "potential loyalists", "potential loyalists", "loyal", "loyal"],
    3: ["about to sleep", "about to sleep", "need attention", "loyal", "loyal"],
    2: ["hibernating", "hibernating", "at risk", "at risk", "cannot lose"],
    1: ["lost", "hibernating", "at risk", "at risk", "cannot lose"],
}


def test_segments_cover_the_rf_grid_and_ties_share_a_score(open_engine):
    # given 25 customers: customer (a, b) was last seen 100 - 10a - b periods ago and bought
    # 10b + a repeat periods, so its scores are R = a + 1 and F = b + 1; plus two customers
    # tied with (0, 0) on every metric
    rows = [
        {
            "customer_id": f"c{a}{b}",
            "frequency": float(10 * b + a),
            "recency": 0.0,
            "T": float(100 - 10 * a - b),
            "monetary_value": float(b),
        }
        for a in range(5)
        for b in range(5)
    ]
    summary = ibis.memtable(pd.DataFrame(rows))
    engine = open_engine()

    # when the segments are computed
    got = {row["customer_id"]: row for row in records(engine.execute(rfm_segments(summary)), [])}

    # then every cell of the grid gets its named segment
    for a in range(5):
        for b in range(5):
            row = got[f"c{a}{b}"]
            assert (row["recency_score"], row["frequency_score"]) == (a + 1, b + 1)
            assert row["segment"] == RF_TABLE[a + 1][b], (a, b)
            # monetary b repeats 5 times: min rank 5b of 25 -> score b + 1
            assert row["monetary_score"] == b + 1


def test_cohort_retention_by_acquisition_month_and_kind(open_engine, shop):
    # given the shop: January customers A, B, E; January client D; February customer C;
    # February client E (converted); March customer F (never bought)
    engine = open_engine()

    # when the retention table is computed
    got = records(
        engine.execute(cohort_retention(engine.tables)), ["kind", "cohort_month", "months_since"]
    )

    # then each cohort has one row per month with paid orders (Jan, Feb, Mar) from its month
    def row(month, kind, since, active, size):
        return {
            "cohort_month": day(month),
            "kind": kind,
            "months_since": since,
            "active": active,
            "cohort_size": size,
            "retention": active / size,
        }

    assert_rows(
        got,
        [
            row("2025-01-01", "client", 0, 1, 1),  # D in January
            row("2025-01-01", "client", 1, 0, 1),
            row("2025-01-01", "client", 2, 1, 1),  # D on 03-31
            row("2025-02-01", "client", 0, 1, 1),  # E on 02-20
            row("2025-02-01", "client", 1, 1, 1),  # E on 03-25
            row("2025-01-01", "customer", 0, 3, 3),  # A, B, E
            row("2025-01-01", "customer", 1, 1, 3),  # A (E is a client by then)
            row("2025-01-01", "customer", 2, 1, 3),  # A (the refund does not count)
            row("2025-02-01", "customer", 0, 1, 1),  # C
            row("2025-02-01", "customer", 1, 1, 1),
            row("2025-03-01", "customer", 0, 0, 1),  # F never bought
        ],
    )


def test_repeat_purchase_rate_by_kind_counts_distinct_days(open_engine, shop):
    # given the shop: A's two orders on 01-10 are one purchase day
    engine = open_engine()

    # when the repeat-purchase rate is computed
    got = records(engine.execute(repeat_purchase_rate(engine.tables)), ["kind"])

    # then customers A, C repeat (B and E's customer side do not), clients D, E repeat
    assert_rows(
        got,
        [
            {"kind": "all", "buyers": 5, "repeat_buyers": 4, "repeat_rate": 0.8},
            {"kind": "client", "buyers": 2, "repeat_buyers": 2, "repeat_rate": 1.0},
            {"kind": "customer", "buyers": 4, "repeat_buyers": 2, "repeat_rate": 0.5},
        ],
    )


def test_revenue_concentration_and_lorenz_curve_of_the_shop(open_engine, shop):
    # given revenues: customers A 65, B 8, C 20, E 40 (133); clients D 800, E 500 (1300);
    # overall A 65, B 8, C 20, D 800, E 540 (1433)
    engine = open_engine()

    # when concentration and the Lorenz curve are computed
    got = records(engine.execute(revenue_concentration(engine.tables)), ["kind"])
    curve = records(engine.execute(lorenz_curve(engine.tables)), ["kind", "party_share"])

    # then with 5 or fewer parties every top share is the single top party's; Gini by hand:
    # customer 2 (8 + 2*20 + 3*40 + 4*65) / (4 * 133) - 5/4 = 191/532,
    # client 2 (500 + 2*800) / (2 * 1300) - 3/2 = 3/26,
    # all 2 (8 + 2*20 + 3*65 + 4*540 + 5*800) / (5 * 1433) - 6/5 = 4208/7165
    def row(kind, top, gini, parties, revenue):
        return {
            "kind": kind,
            "top_1_share": top,
            "top_10_share": top,
            "top_20_share": top,
            "gini": gini,
            "parties": parties,
            "revenue": revenue,
        }

    assert_rows(
        got,
        [
            row("all", 800 / 1433, 4208 / 7165, 5, 1433.0),
            row("client", 800 / 1300, 3 / 26, 2, 1300.0),
            row("customer", 65 / 133, 191 / 532, 4, 133.0),
        ],
    )
    assert_rows(
        [r for r in curve if r["kind"] != "all"],
        [
            {"kind": "client", "party_share": 0.0, "revenue_share": 0.0},
            {"kind": "client", "party_share": 0.5, "revenue_share": 500 / 1300},
            {"kind": "client", "party_share": 1.0, "revenue_share": 1.0},
            {"kind": "customer", "party_share": 0.0, "revenue_share": 0.0},
            {"kind": "customer", "party_share": 0.25, "revenue_share": 8 / 133},
            {"kind": "customer", "party_share": 0.5, "revenue_share": 28 / 133},
            {"kind": "customer", "party_share": 0.75, "revenue_share": 68 / 133},
            {"kind": "customer", "party_share": 1.0, "revenue_share": 1.0},
        ],
    )
    assert len([r for r in curve if r["kind"] == "all"]) == 6


def gini_mean_difference(values: list[float]) -> float:
    """Gini as the mean absolute difference over twice the mean (numpy, no sorting)."""
    x = np.asarray(values, dtype=float)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def _orders(kind: str, revenues: list[float]) -> list[dict]:
    return [
        {
            "customer_id": f"{kind[:2]}{i:02d}",
            "kind": kind,
            "date": datetime.date(2025, 1, 1),
            "amount": amount,
            "status": "paid",
        }
        for i, amount in enumerate(revenues)
    ]


def test_top_shares_take_the_exact_ceiling_of_p_percent_of_the_parties(open_engine):
    # given 11 customers (100, 50, 25, then eight of 10: 255) and 30 clients (1000, 500, 250,
    # 100, then 26 of 1: 1876), plus a refunded order that must not count
    rows = _orders("customer", [100.0, 50.0, 25.0] + [10.0] * 8)
    rows += _orders("client", [1000.0, 500.0, 250.0, 100.0] + [1.0] * 26)
    rows.append({**rows[0], "amount": 999.0, "status": "refunded"})
    engine = open_engine()
    tables = {"orders": ibis.memtable(pd.DataFrame(rows))}

    # when concentration is computed
    got = records(engine.execute(revenue_concentration(tables)), ["kind"])

    # then customers: top ceil(0.11)=1, ceil(1.1)=2, ceil(2.2)=3 parties; clients: top 1,
    # ceil(3.0)=3 (not 4: 10% of 30 is exactly 3), ceil(6.0)=6; Gini by hand:
    # customers 2 (10 (1+...+8) + 9*25 + 10*50 + 11*100) / (11 * 255) - 12/11 = 262/561,
    # clients 2 ((1+...+26) + 27*100 + 28*250 + 29*500 + 30*1000) / (30 * 1876) - 31/30
    #   = 25473/28140
    assert_rows(
        got,
        [
            {
                "kind": "all",
                "top_1_share": 1000 / 2131,
                "top_10_share": (1000 + 500 + 250 + 100 + 100) / 2131,  # ceil(4.1) = 5
                "top_20_share": (1000 + 500 + 250 + 100 + 100 + 50 + 25 + 10 + 10) / 2131,
                "gini": gini_mean_difference([r["amount"] for r in rows[:-1]]),
                "parties": 41,
                "revenue": 2131.0,
            },
            {
                "kind": "client",
                "top_1_share": 1000 / 1876,
                "top_10_share": 1750 / 1876,
                "top_20_share": 1852 / 1876,
                "gini": 25473 / 28140,
                "parties": 30,
                "revenue": 1876.0,
            },
            {
                "kind": "customer",
                "top_1_share": 100 / 255,
                "top_10_share": 150 / 255,
                "top_20_share": 175 / 255,
                "gini": 262 / 561,
                "parties": 11,
                "revenue": 255.0,
            },
        ],
    )
