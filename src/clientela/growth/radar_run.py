"""The radar's part of a classification run: score the current customers, learn from past
conversions when there are enough, and choose each customer's next best action.

`radar_apply` adds to the classified frame, for rows whose recorded kind is `customer`:
`radar_score` (what ranks them: the transparent readiness, or the learned probability of
converting once there are enough past conversions), `radar_default` (the transparent
readiness, kept even when the learned model ranks), `radar_<component>` for each of
`COMPONENTS` (NaN where the business has no data for it) and `next_action` (a `Lever`);
other rows get null scores and no action. The actions'
thresholds always read the transparent readiness, which is on the scale the settings speak
of (a learned probability is small when conversions are rare, whatever the customer).
It returns the record the run keeps: the method used (`default` or `logistic`), the
weights, the measures the data supports, the learned model's coefficients and quality, and
whether conversion pays for the business.

P(alive) comes from the latest analysis's purchase model for customers (BG/NBD or Pareto/NBD)
applied to each relationship's purchase days, so past conversions (observed up to their
conversion) and current customers are measured the same way; without a fitted model the
radar does without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientela.growth.actions import next_actions
from clientela.growth.radar import (
    COMPONENTS,
    MIN_CONVERSIONS,
    radar_components,
    radar_default_score,
    radar_fit,
    radar_measures,
    radar_weights_check,
)


def radar_apply(
    result: pd.DataFrame,
    converted: pd.DataFrame,
    *,
    radar_weights: dict | None,
    ready: float,
    conversion_pays: bool,
    min_conversions: int = MIN_CONVERSIONS,
) -> tuple[pd.DataFrame, dict]:
    """(result with the radar columns, the run's radar record); see the module. The
    columns are added to `result` itself: a run's frame is large, and a copy costs."""
    weights = radar_weights_check(radar_weights)
    mask = (result["kind"] == "customer").to_numpy()
    needed = [c for c in NEEDED if c in result]
    frame = result[needed].loc[mask]
    frame = frame.assign(p_alive=p_alive_latest(frame))
    converted = converted.assign(p_alive=p_alive_latest(converted))
    measures, supported = radar_measures(frame)
    components = radar_components(measures, supported)
    default = radar_default_score(components, weights)
    model = None
    if len(converted):
        past, _ = radar_measures(converted)
        model = radar_fit(
            customers=measures, converted=past, supported=supported, min_conversions=min_conversions
        )
    score = model.score(measures) if model is not None else default
    columns = {
        "radar_score": score,
        "radar_default": default,
        **{f"radar_{c}": components[c].to_numpy() for c in COMPONENTS},
        "p_alive": frame["p_alive"].to_numpy(),
    }
    added = {name: _spread(mask, values, np.nan) for name, values in columns.items()}
    actions = next_actions(frame, default, conversion_pays=conversion_pays, ready=ready)
    added["next_action"] = _spread(mask, actions, "")
    out = result
    for name, values in added.items():
        out[name] = values
    record = {
        "method": "logistic" if model is not None else "default",
        "weights": weights,
        "ready": float(ready),
        "conversion_pays": bool(conversion_pays),
        "conversions": len(converted),
        "min_conversions": min_conversions,
        "supported": supported,
        "model": model.as_dict() if model is not None else None,
    }
    return out, record


NEEDED = (
    "revenue_percentile", "months", "personalised_share", "interactions_per_month",
    "purchases", "advice_requests", "support_contacts", "web_actions", "staff_interactions",
    "first_purchase_age_days", "last_purchase_age_days", "satisfaction", "referrals_made",
)  # fmt: skip


def _spread(mask: np.ndarray, values, empty) -> np.ndarray:
    """A full-length column: `values` where `mask` holds, `empty` elsewhere."""
    values = np.asarray(values)
    full = np.full(len(mask), empty, dtype=object if values.dtype == object else "float64")
    full[mask] = values
    return full


def p_alive_latest(frame: pd.DataFrame) -> np.ndarray:
    """P(alive) under the latest analysis's customer purchase model, purchase days counted
    as purchases in the analysis's period; NaN without a model, 0 without a purchase."""
    from clientela.analytics.pipelines.summary import period_days
    from clientela.analytics.selectors import run_latest
    from clientela.analytics.value import bgnbd, pareto

    run = run_latest()
    nan = np.full(len(frame), np.nan)
    if run is None or not len(frame):
        return nan
    fit = ((run.fits or {}).get("customer") or {}).get("purchase") or {}
    params = fit.get("params") or {}
    model = (run.parameters or {}).get("model", "bgnbd")
    module = pareto if model == "pareto" else bgnbd
    if any(params.get(name) is None for name in module.NAMES):
        return nan
    days = period_days((run.parameters or {}).get("period", "week"))
    first = frame["first_purchase_age_days"].astype("float64").to_numpy() / days
    last = frame["last_purchase_age_days"].astype("float64").to_numpy() / days
    bought = ~np.isnan(first)
    x = np.maximum(frame["purchases"].astype("float64").to_numpy() - 1.0, 0.0)
    T = np.where(bought, np.maximum(first, 1e-9), 1.0)
    t_x = np.where(bought, np.clip(first - last, 0.0, T), 0.0)
    values = module.probability_alive(tuple(params[n] for n in module.NAMES), x, t_x, T)
    return np.where(bought, values, 0.0)
