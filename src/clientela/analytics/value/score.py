"""Value every customer: fit the purchase and spend models on an RFM summary, then predict.

Guarantees:
- the summary is checked before fitting (columns present, no missing values, at least two
  customers, whole non-negative frequencies, 0 <= recency <= T); a violation is an
  ApplicationError naming the column and the problem;
- the purchase model is fitted, and its predictions computed, once per distinct (frequency,
  recency, T) history (weighted by its number of customers) and spread back to the
  customers: exact, and far cheaper than once per customer;
- CLV has lifetimes' `customer_lifetime_value` semantics: the sum over months m = 1..H of
  the expected purchases in month m times the expected average spend, divided by
  (1 + monthly_discount)^m, a month being 4.345 weeks or 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientela.analytics.pipelines.summary import period_days
from clientela.analytics.value import bgnbd, gamma_gamma, pareto
from clientela.analytics.value.fitting import Fit, compress
from clientela.core.errors import validation_error

MONTH_IN_PERIODS = {"week": 4.345, "day": 30.0}
MODELS = {
    "bgnbd": (bgnbd.bgnbd_fit, bgnbd),
    "pareto": (pareto.pareto_fit, pareto),
}
SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")


@dataclass(frozen=True)
class ValueResult:
    """The two fits and one row per customer: customer_id, p_alive, expected_purchases, clv."""

    purchase_fit: Fit
    spend_fit: Fit | None
    per_customer: pd.DataFrame


def summary_arrays(summary: pd.DataFrame) -> dict[str, np.ndarray]:
    """The summary's numeric columns as float64 arrays, validated."""
    missing = [c for c in SUMMARY_COLUMNS if c not in summary.columns]
    if missing:
        raise validation_error("summary", f"missing column(s) {', '.join(missing)}")
    if len(summary) < 2:
        raise validation_error(
            "summary", f"at least 2 customers are needed to fit a model, got {len(summary)}"
        )
    arrays = {c: summary[c].to_numpy(dtype=np.float64) for c in SUMMARY_COLUMNS[1:]}
    for column, values in arrays.items():
        if np.isnan(values).any():
            raise validation_error(column, "has missing values")
    x, t_x, T = arrays["frequency"], arrays["recency"], arrays["T"]
    if (x < 0).any() or (x != np.floor(x)).any():
        raise validation_error("frequency", "must be whole numbers >= 0")
    if (t_x < 0).any() or (t_x > T).any():
        raise validation_error("recency", "must be between 0 and T")
    if (arrays["monetary_value"] < 0).any():
        raise validation_error("monetary_value", "must not be negative")
    return arrays


def purchase_fit(*, model: str, frequency, recency, T, weights=None) -> Fit:
    """Fit the purchase model named `model` (bgnbd or pareto)."""
    if model not in MODELS:
        raise validation_error("model", f"must be bgnbd or pareto, not {model!r}")
    return MODELS[model][0](frequency=frequency, recency=recency, T=T, weights=weights)


def predictions(
    *,
    fit: Fit,
    frequency,
    recency,
    T,
    expected_periods: float,
    horizon_months: int,
    monthly_discount: float,
    period: str,
) -> dict[str, np.ndarray]:
    """p_alive, expected purchases over `expected_periods`, and the expected purchases in each
    month of the horizon, already discounted (multiply by spend and sum for CLV)."""
    module = MODELS[fit.model][1]
    params = fit.values()
    x = np.asarray(frequency, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    alive = module.probability_alive(params, x, recency, T)
    # E[purchases in (T, T+t] | history] = growth(x, T, t) * P(alive): the growth term depends
    # on (x, T) only, so the horizon is summed per distinct (x, T) and gathered once.
    (ux, uT), _, inverse = compress(x, T)
    expected = module.growth(params, expected_periods, ux, uT)
    cumulative = np.vstack(
        [
            module.growth(params, m * MONTH_IN_PERIODS[period], ux, uT)
            for m in range(1, horizon_months + 1)
        ]
    )
    monthly = np.diff(cumulative, axis=0, prepend=0.0)
    discount = (1 + monthly_discount) ** np.arange(1, horizon_months + 1)
    return {
        "p_alive": alive,
        "expected_purchases": expected[inverse] * alive,
        "discounted_purchases": (monthly / discount[:, None]).sum(axis=0)[inverse] * alive,
    }


def spend_estimate(*, spend_fit: Fit | None, frequency, monetary_value) -> np.ndarray:
    """Expected average spend per customer: Gamma-Gamma's conditional expectation; without a
    spend fit, the customer's own mean, else the mean over repeat buyers (0 if none)."""
    if spend_fit is not None:
        return gamma_gamma.expected_average_spend(spend_fit.values(), frequency, monetary_value)
    positive = monetary_value[monetary_value > 0]
    fallback = float(positive.mean()) if positive.size else 0.0
    return np.where(monetary_value > 0, monetary_value, fallback)


def value_score(
    summary: pd.DataFrame,
    *,
    model: str = "bgnbd",
    horizon_months: int = 12,
    monthly_discount: float = 0.01,
    period: str = "week",
    expected_days: int = 90,
    spend_model: str = "gamma_gamma",
) -> ValueResult:
    """Fit the purchase model and (with at least 2 repeat buyers) Gamma-Gamma on `summary`
    (the columns of `rfm_summary`, in `period` units), then score every customer.

    `spend_model="mean"` skips Gamma-Gamma: CLV then uses each customer's own mean repeat
    spend (the mean over repeat buyers for the others), for data whose spend is too uniform
    for Gamma-Gamma to pin down its parameters."""
    if spend_model not in {"gamma_gamma", "mean"}:
        raise validation_error("spend_model", "must be gamma_gamma or mean")
    days = period_days(period)
    if horizon_months < 1:
        raise validation_error("horizon_months", "must be at least 1")
    if monthly_discount < 0:
        raise validation_error("monthly_discount", "must not be negative")
    a = summary_arrays(summary)
    x, t_x, T, m = a["frequency"], a["recency"], a["T"], a["monetary_value"]
    (ux, ut_x, uT), weights, inverse = compress(x, t_x, T)
    fit = purchase_fit(model=model, frequency=ux, recency=ut_x, T=uT, weights=weights)
    repeat = (x > 0) & (m > 0)
    spend_fit = (
        gamma_gamma.gamma_gamma_fit(frequency=x[repeat], monetary_value=m[repeat])
        if spend_model == "gamma_gamma" and repeat.sum() >= 2
        else None
    )
    spend = spend_estimate(spend_fit=spend_fit, frequency=x, monetary_value=m)
    scored = predictions(
        fit=fit,
        frequency=ux,
        recency=ut_x,
        T=uT,
        expected_periods=expected_days / days,
        horizon_months=horizon_months,
        monthly_discount=monthly_discount,
        period=period,
    )
    per_customer = pd.DataFrame(
        {
            "customer_id": summary["customer_id"].to_numpy(),
            "p_alive": scored["p_alive"][inverse],
            "expected_purchases": scored["expected_purchases"][inverse],
            "clv": spend * scored["discounted_purchases"][inverse],
        }
    )
    return ValueResult(purchase_fit=fit, spend_fit=spend_fit, per_customer=per_customer)
