"""Retention: cohort retention by acquisition month and kind, and the repeat-purchase rate.

Cohort retention. A cohort member is a party with a relationship of a kind (client or
customer), counted once per kind; its cohort month is the UTC month in which its first
relationship of that kind started (its acquisition month), whether or not it has bought.
The member is *active* in month m (m = 0 is the acquisition month) when it has at least one
paid order of that kind placed in the calendar month m months after its cohort month. A
customer converted into a client therefore joins a client cohort in the month of the
conversion, and stops being active in its customer cohort from then on (its later orders are
client orders). For each cohort and kind there is one row per month from the cohort month
on in which the business recorded at least one paid order (so a heat map has its zeros):
`active` members, `cohort_size`, and `retention` = active / cohort_size.

Repeat-purchase rate. Among the parties with at least one paid order of a kind (`buyers`),
the `repeat_buyers` bought on at least two different UTC days (same-day orders are one
purchase, as in the RFM summary); `repeat_rate` = repeat_buyers / buyers. The row with kind
`all` counts every party once, over all its paid orders.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from clientela.analytics.pipelines.transactions import paid_transactions

ALL = "all"


def _month_index(day: ir.DateValue) -> ir.IntegerValue:
    return day.year().cast("int64") * 12 + day.month().cast("int64")


def cohort_retention(tables: dict[str, ir.Table]) -> ir.Table:
    """Rows of cohort_month (date, first of the month), kind, months_since (int64), active
    (int64), cohort_size (int64) and retention (float64); see the module docstring."""
    rel = tables["relationships"]
    members = rel.group_by(["customer_id", "kind"]).aggregate(
        cohort_month=rel.acquisition_month.min()
    )
    members = members.mutate(cohort_index=_month_index(members.cohort_month))
    paid = paid_transactions(tables)
    bought = paid.select("customer_id", "kind", month_index=_month_index(paid.date)).distinct()

    joined = members.join(bought, ["customer_id", "kind"])
    active = (
        joined.filter(joined.month_index >= joined.cohort_index)
        .mutate(months_since=joined.month_index - joined.cohort_index)
        .group_by(["cohort_month", "kind", "months_since"])
        .aggregate(active=lambda t: t.customer_id.nunique())
    )

    sizes = members.group_by(["cohort_month", "kind", "cohort_index"]).aggregate(
        cohort_size=members.count()
    )
    months = bought.select("month_index").distinct()
    grid = sizes.cross_join(months)
    grid = grid.filter(grid.month_index >= grid.cohort_index).select(
        "cohort_month",
        "kind",
        "cohort_size",
        months_since=grid.month_index - grid.cohort_index,
    )
    table = grid.left_join(active, ["cohort_month", "kind", "months_since"])
    count = table.active.coalesce(0).cast("int64")
    return table.select(
        cohort_month=table.cohort_month,
        kind=table.kind,
        months_since=table.months_since.cast("int64"),
        active=count,
        cohort_size=table.cohort_size.cast("int64"),
        retention=count.cast("float64") / table.cohort_size.cast("float64"),
    )


def repeat_purchase_rate(tables: dict[str, ir.Table]) -> ir.Table:
    """Rows of kind (each kind with a paid order, and `all`), buyers, repeat_buyers (int64)
    and repeat_rate (float64); see the module docstring."""
    paid = paid_transactions(tables)
    per_kind = paid.group_by(["kind", "customer_id"]).aggregate(days=paid.date.nunique())
    overall = paid.group_by("customer_id").aggregate(days=paid.date.nunique())
    overall = overall.select(
        kind=ibis.literal(ALL), customer_id=overall.customer_id, days=overall.days
    )
    both = per_kind.select("kind", "customer_id", "days").union(overall)
    rates = both.group_by("kind").aggregate(
        buyers=both.count(),
        repeat_buyers=ibis.cases((both.days >= 2, 1), else_=0).sum(),
    )
    return rates.select(
        "kind",
        buyers=rates.buyers.cast("int64"),
        repeat_buyers=rates.repeat_buyers.cast("int64"),
        repeat_rate=rates.repeat_buyers.cast("float64") / rates.buyers.cast("float64"),
    )
