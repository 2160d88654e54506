"""Revenue concentration: how much of the revenue the top parties bring, Gini, Lorenz curve.

A party's revenue is the sum of its paid orders (`paid_transactions`) of a kind; the row with
kind `all` sums each party's paid orders of every kind (a party counts once). Only parties
with at least one paid order count (`parties`); `revenue` is their total.

- Ranking: parties by revenue, highest first, ties broken by customer_id (ascending), so the
  result never depends on the engine. Position i runs from 1 to n.
- top_p_share (p = 1, 10, 20): the revenue share of the top ceil(p n / 100) parties (at least
  one), i.e. of the parties whose position satisfies 100 (i - 1) < p n, an exact integer test.
- gini: with the revenues sorted ascending, x_1 <= ... <= x_n, and S their sum,
  G = 2 * sum(i * x_i) / (n * S) - (n + 1) / n: 0 when everyone brings the same, (n - 1) / n
  when one party brings everything. Null when S is 0.
- lorenz_curve: per kind, the point (0, 0) and, for each party in ascending order of revenue
  (ties by customer_id), party_share = i / n and revenue_share = (x_1 + ... + x_i) / S.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from clientela.analytics.pipelines.cohorts import ALL
from clientela.analytics.pipelines.transactions import paid_transactions

TOP_PERCENTS = (1, 10, 20)


def party_revenue(tables: dict[str, ir.Table]) -> ir.Table:
    """kind (each kind, and `all`), customer_id, revenue (float64): one row per paying party."""
    paid = paid_transactions(tables)
    per_kind = paid.group_by(["kind", "customer_id"]).aggregate(revenue=paid.amount.sum())
    overall = paid.group_by("customer_id").aggregate(revenue=paid.amount.sum())
    overall = overall.select(
        kind=ibis.literal(ALL), customer_id=overall.customer_id, revenue=overall.revenue
    )
    return per_kind.select("kind", "customer_id", "revenue").union(overall)


def _ranked(tables: dict[str, ir.Table]) -> ir.Table:
    revenue = party_revenue(tables)
    return revenue.mutate(
        down=ibis.row_number().over(
            group_by=revenue.kind, order_by=[revenue.revenue.desc(), revenue.customer_id.asc()]
        ),
        up=ibis.row_number().over(
            group_by=revenue.kind, order_by=[revenue.revenue.asc(), revenue.customer_id.asc()]
        )
        + 1,
        n=revenue.customer_id.count().over(group_by=revenue.kind),
    )


def revenue_concentration(tables: dict[str, ir.Table]) -> ir.Table:
    """Rows of kind, top_1_share, top_10_share, top_20_share, gini (float64), parties (int64)
    and revenue (float64); see the module docstring."""
    ranked = _ranked(tables)
    shares = {
        f"top_{p}_share": ibis.cases((ranked.down * 100 < ranked.n * p, ranked.revenue), else_=0.0)
        .sum()
        .cast("float64")
        for p in TOP_PERCENTS
    }
    agg = ranked.group_by("kind").aggregate(
        parties=ranked.count(),
        revenue=ranked.revenue.sum(),
        weighted=(ranked.up.cast("float64") * ranked.revenue).sum(),
        **shares,
    )
    total = agg.revenue.cast("float64").nullif(0.0)
    n = agg.parties.cast("float64")
    return agg.select(
        "kind",
        **{name: agg[name] / total for name in shares},
        gini=2.0 * agg.weighted / (n * total) - (n + 1.0) / n,
        parties=agg.parties.cast("int64"),
        revenue=agg.revenue.cast("float64"),
    )


def lorenz_curve(tables: dict[str, ir.Table]) -> ir.Table:
    """Rows of kind, party_share, revenue_share (float64); see the module docstring."""
    ranked = _ranked(tables)
    window = ibis.window(
        group_by=ranked.kind,
        order_by=[ranked.revenue.asc(), ranked.customer_id.asc()],
        preceding=None,
        following=0,
    )
    points = ranked.select(
        "kind",
        "n",
        up=ranked.up,
        running=ranked.revenue.sum().over(window),
        total=ranked.revenue.sum().over(group_by=ranked.kind),
    )
    curve = points.select(
        "kind",
        party_share=points.up.cast("float64") / points.n.cast("float64"),
        revenue_share=points.running / points.total.nullif(0.0),
    )
    origin = points.select("kind").distinct()
    origin = origin.select(
        "kind",
        party_share=ibis.literal(0.0, type="float64"),
        revenue_share=ibis.literal(0.0, type="float64"),
    )
    return curve.union(origin)
