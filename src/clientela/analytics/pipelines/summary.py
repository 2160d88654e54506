"""The RFM summary (frequency, recency, age, average repeat value) as one Ibis expression.

`rfm_summary` returns a lazy expression, so the same summary runs in DuckDB, in PostgreSQL or
on Spark, and only the per-customer result (one row per customer) ever leaves the engine.

Semantics are those of lifetimes' `summary_data_from_transaction_data` with `freq="D"` and
`freq_multiplier` = the period length in days, which is the convention of Fader, Hardie & Lee
(2005) on CDNOW: purchases on the same day are merged into one (their amounts summed), and
recency and age are measured in (fractional) periods of 1 day or 7 days.

- frequency: the number of distinct purchase days after the first one (repeat purchases);
- recency: time from the first to the last purchase day, in periods;
- T: time from the first purchase day to the end of the window, in periods;
- monetary_value: the mean amount of the repeat purchase days, 0 when frequency is 0.

The window ends at `calibration_end` when given, else at `observation_end`, else at the last
purchase day in the data; purchases after the end are ignored, and so are customers whose
first purchase falls after it.
"""

from __future__ import annotations

import datetime

import ibis
import ibis.expr.types as ir

from clientela.core.errors import validation_error

PERIOD_DAYS = {"day": 1, "week": 7}


def period_days(period: str) -> int:
    """The length of a period in days; a period other than day or week is a validation error."""
    try:
        return PERIOD_DAYS[period]
    except KeyError:
        raise validation_error("period", f"must be day or week, not {period!r}") from None


def summary_window_end(
    *, calibration_end: datetime.date | None, observation_end: datetime.date | None
) -> datetime.date | None:
    """The last day the summary counts (None: the last purchase day in the data)."""
    if calibration_end is not None and observation_end is not None:
        if calibration_end > observation_end:
            raise validation_error(
                "calibration_end",
                f"{calibration_end.isoformat()} is after the observation end "
                f"{observation_end.isoformat()}",
            )
    return calibration_end if calibration_end is not None else observation_end


def rfm_summary(
    transactions: ir.Table,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    period: str = "week",
    calibration_end: datetime.date | None = None,
    observation_end: datetime.date | None = None,
) -> ir.Table:
    """One row per customer: customer_id, frequency, recency, T, monetary_value (all float64
    except customer_id, which keeps its type). Uses only group-bys, an argmin and date
    arithmetic, so every Ibis backend we run on compiles it."""
    days = period_days(period)
    end = summary_window_end(calibration_end=calibration_end, observation_end=observation_end)
    rows = transactions.select(
        customer_id=transactions[customer],
        day=transactions[date].cast("date").epoch_days(),
        amount=transactions[amount].cast("float64"),
    )
    if end is None:
        end_day = rows.day.max().as_scalar()
    else:
        end_day = ibis.literal(end, type="date").epoch_days()
        rows = rows.filter(rows.day <= end_day)
    per_day = rows.group_by(["customer_id", "day"]).aggregate(amount=rows.amount.sum())
    # The first day's amount comes from an argmin in the same aggregation (no window over
    # the per-day rows): a third of the summary's time at a million customers.
    per_customer = per_day.group_by("customer_id").aggregate(
        days_bought=per_day.count(),
        first=per_day.day.min(),
        last=per_day.day.max(),
        total_amount=per_day.amount.sum(),
        first_amount=per_day.amount.argmin(per_day.day),
    )
    per_customer = per_customer.mutate(
        repeat_amount=per_customer.total_amount - per_customer.first_amount
    )
    frequency = (per_customer.days_bought - 1).cast("float64")
    return per_customer.select(
        "customer_id",
        frequency=frequency,
        recency=((per_customer["last"] - per_customer["first"]) / days).cast("float64"),
        T=((end_day - per_customer["first"]) / days).cast("float64"),
        monetary_value=ibis.cases(
            (per_customer.days_bought > 1, per_customer.repeat_amount / frequency), else_=0.0
        ).cast("float64"),
    )
