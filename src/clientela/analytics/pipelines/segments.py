"""RFM segments: quintile scores for recency, frequency and monetary value, and a name.

Input: an RFM summary (`clientela.analytics.pipelines.summary.rfm_summary`: customer_id,
frequency, recency, T, monetary_value). Scores compare each customer with the others in the
summary given (to score within a kind, filter the summary first).

Scores (1 = worst, 5 = best), the same on every engine because they use only SQL `RANK`
and integer comparisons (no `NTILE`, whose tie handling differs between engines):

- the metric for R is the time since the last purchase, `T - recency` (smaller is better);
  for F it is `frequency`, for M `monetary_value` (larger is better); metrics are rounded
  to 6 decimals first, so values that differ only by floating-point noise tie;
- `r` = the number of customers strictly worse on the metric (SQL `RANK() - 1`, so equal
  values share the lowest rank: ties always get the same score);
- score = floor(5 * r / n) + 1 with n the number of customers, computed exactly as
  1 + #{k in 1..4 : 5 r >= k n}.

Segments come from the recency score R and the frequency score F (the usual RF grid; the
monetary score is reported alongside):

| R \\ F | 1             | 2              | 3              | 4             | 5           |
|--------|---------------|----------------|----------------|---------------|-------------|
| 5      | new           | potential loyalists | potential loyalists | champions | champions |
| 4      | promising     | potential loyalists | potential loyalists | loyal     | loyal       |
| 3      | about to sleep | about to sleep | need attention | loyal         | loyal       |
| 2      | hibernating   | hibernating    | at risk        | at risk       | cannot lose |
| 1      | lost          | hibernating    | at risk        | at risk       | cannot lose |
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

SEGMENTS = (
    "champions",
    "loyal",
    "potential loyalists",
    "new",
    "promising",
    "need attention",
    "about to sleep",
    "at risk",
    "cannot lose",
    "hibernating",
    "lost",
)

# Recency score -> the segment for frequency scores 1..5 (the table in the module docstring).
RF_ROWS: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential loyalists", "potential loyalists", "champions", "champions"),
    4: ("promising", "potential loyalists", "potential loyalists", "loyal", "loyal"),
    3: ("about to sleep", "about to sleep", "need attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at risk", "at risk", "cannot lose"),
    1: ("lost", "hibernating", "at risk", "at risk", "cannot lose"),
}
GRID: dict[tuple[int, int], str] = {
    (r, f): name for r, names in RF_ROWS.items() for f, name in enumerate(names, start=1)
}

DECIMALS = 6


def quintile_score(metric: ir.NumericColumn, n: ir.IntegerScalar, *, descending: bool = False):
    """1..5: floor(5 * r / n) + 1, r = customers strictly worse (ties share the score)."""
    value = metric.round(DECIMALS)
    rank = ibis.rank().over(order_by=value.desc() if descending else value.asc())
    score = ibis.literal(1)
    for k in range(1, 5):
        score = score + ibis.cases((rank * 5 >= n * k, 1), else_=0)
    return score.cast("int64")


def rfm_segments(summary: ir.Table) -> ir.Table:
    """One row per customer of `summary`: customer_id, recency_score, frequency_score,
    monetary_score (int64, 1..5) and segment (one of `SEGMENTS`)."""
    n = summary.count().as_scalar()
    scored = summary.select(
        "customer_id",
        recency_score=quintile_score(summary["T"] - summary.recency, n, descending=True),
        frequency_score=quintile_score(summary.frequency, n),
        monetary_score=quintile_score(summary.monetary_value, n),
    )
    segment = ibis.cases(
        *[
            ((scored.recency_score == r) & (scored.frequency_score == f), name)
            for (r, f), name in sorted(GRID.items(), reverse=True)
        ],
        else_=ibis.null("string"),
    )
    return scored.mutate(segment=segment)
