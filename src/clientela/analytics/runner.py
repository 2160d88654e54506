"""The computing half of an analysis run: engine tables in, plain frames and dicts out.

Nothing here touches the Django models; `analytics.services.analysis_run` stores what
`analysis_compute` returns. The rules, which the stored scores rely on:

- One score per party with at least one paid order. A party that bought under both kinds
  (a customer converted into a client) is scored once, under the kind of its most recent paid
  order (the client side when both fall on the same day; the customer side for an order
  recorded without a relationship), over all of its paid orders: it is one buyer, and its
  history before the conversion still says how it buys.
- The RFM summary's observation end is the calibration end when one is given, else the
  date of the last paid order in the data (so a demo or an import from last year is not
  scored as if everyone had stopped buying since).
- RFM scores and segments are quintiles within the party's kind: a client is compared with
  clients, a customer with customers.
- Purchase and spend models are fitted per kind. A kind with fewer than
  `MIN_REPEAT_BUYERS` repeat buyers, or whose purchase model does not converge, gets no
  model values (p_alive, expected purchases and CLV stay empty) and `fits[kind]["skipped"]`
  says why. When only the spend model (Gamma-Gamma) does not converge, the kind keeps its
  purchase-model values, its CLV uses each party's own mean repeat spend, and
  `fits[kind]["spend_skipped"]` says why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clientela.core.errors import ApplicationError, validation_error

Progress = Callable[[str, int, int], None]

KINDS = ("client", "customer")
MIN_REPEAT_BUYERS = 10
STEPS = ("reading tables", "summary", "segments", "fitting", "scoring", "storing")
LORENZ_POINTS = 101
SUMMARY_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value"]


@dataclass(frozen=True)
class RunParameters:
    period: str = "week"
    calibration_end: dt.date | None = None
    horizon_months: int = 12
    monthly_discount: float = 0.01
    model: str = "bgnbd"
    expected_days: int = 90

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "calibration_end": self.calibration_end.isoformat() if self.calibration_end else None,
            "horizon_months": self.horizon_months,
            "monthly_discount": self.monthly_discount,
            "model": self.model,
            "expected_days": self.expected_days,
        }


@dataclass
class Computed:
    """`scores`: one row per party (customer_id, kind, the summary's columns, the RFM scores
    and segment, p_alive, expected_purchases, clv; model columns NaN where no model)."""

    scores: pd.DataFrame
    first_order_on: dt.date
    last_order_on: dt.date
    observation_end: dt.date
    fits: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


def parameters_check(
    *, period: str, calibration_end, horizon_months, monthly_discount, model, expected_days
) -> RunParameters:
    """Validate the run's parameters before anything is written; name the bad one."""
    if period not in {"week", "day"}:
        raise validation_error("period", "must be week or day")
    if model not in {"bgnbd", "pareto"}:
        raise validation_error("model", "must be bgnbd or pareto")
    if isinstance(calibration_end, str):
        try:
            calibration_end = dt.date.fromisoformat(calibration_end)
        except ValueError:
            raise validation_error("calibration_end", "is not a date (YYYY-MM-DD)") from None
    if not isinstance(horizon_months, int) or not 1 <= horizon_months <= 120:
        raise validation_error("horizon_months", "must be a whole number from 1 to 120")
    if not isinstance(expected_days, int) or not 1 <= expected_days <= 3650:
        raise validation_error("expected_days", "must be a whole number from 1 to 3650")
    try:
        monthly_discount = float(monthly_discount)
    except (TypeError, ValueError):
        raise validation_error("monthly_discount", "is not a number") from None
    if not 0 <= monthly_discount < 1:
        raise validation_error("monthly_discount", "must be at least 0 and below 1")
    return RunParameters(
        period=period,
        calibration_end=calibration_end,
        horizon_months=horizon_months,
        monthly_discount=monthly_discount,
        model=model,
        expected_days=expected_days,
    )


def analysis_compute(*, engine, parameters: RunParameters, progress: Progress) -> Computed:
    """Run every pipeline on `engine` and fit the models; see the module docstring."""
    import ibis

    from clientela.analytics.pipelines.segments import rfm_segments
    from clientela.analytics.pipelines.summary import rfm_summary
    from clientela.analytics.pipelines.transactions import paid_transactions

    progress(STEPS[0], 0, 1)
    tables = engine.tables
    paid = paid_transactions(tables)
    window = engine.execute(
        paid.aggregate(first=paid.date.min(), last=paid.date.max(), orders=paid.count())
    )
    if int(window["orders"].iloc[0]) == 0:
        raise validation_error("orders", "there are no paid orders to analyse")
    first, last = _as_date(window["first"].iloc[0]), _as_date(window["last"].iloc[0])
    observation_end = parameters.calibration_end or last
    if observation_end < first:
        raise validation_error("calibration_end", "is before the first paid order")
    progress(STEPS[0], 1, 1)

    progress(STEPS[1], 0, 1)
    scoped = paid.filter(paid.date <= ibis.literal(observation_end))
    latest = scoped.group_by("customer_id").aggregate(latest=scoped.date.max())
    on_latest = scoped.join(latest, "customer_id").filter(lambda t: t.date == t.latest)
    kinds = on_latest.group_by("customer_id").aggregate(
        kind=on_latest.kind.min().fill_null("customer")
    )
    summary = rfm_summary(
        paid.select("customer_id", "date", "amount"),
        period=parameters.period,
        calibration_end=parameters.calibration_end,
        observation_end=observation_end,
    )
    summary = summary.join(kinds, "customer_id").select(*SUMMARY_COLUMNS, "kind")
    frame = engine.execute(summary)
    progress(STEPS[1], 1, 1)

    present = [k for k in KINDS if (frame["kind"] == k).any()]
    progress(STEPS[2], 0, len(present))
    segment_frames = []
    for done, kind in enumerate(present, start=1):
        expr = rfm_segments(
            summary.filter(summary.kind == ibis.literal(kind)).select(SUMMARY_COLUMNS)
        )
        segment_frames.append(engine.execute(expr))
        progress(STEPS[2], done, len(present))
    segments = pd.concat(segment_frames, ignore_index=True)
    scores = frame.merge(segments, on="customer_id", how="left", validate="one_to_one")

    progress(STEPS[3], 0, len(present))
    fits, per_customer = {}, []
    for done, kind in enumerate(present, start=1):
        fits[kind], predictions = _fit_kind(frame[frame["kind"] == kind], parameters)
        if predictions is not None:
            per_customer.append(predictions)
        progress(STEPS[3], done, len(present))

    progress(STEPS[4], 0, 1)
    if per_customer:
        predicted = pd.concat(per_customer, ignore_index=True)
        scores = scores.merge(predicted, on="customer_id", how="left", validate="one_to_one")
    else:
        scores = scores.assign(p_alive=np.nan, expected_purchases=np.nan, clv=np.nan)
    results = _dashboard_results(engine, tables, scores)
    progress(STEPS[4], 1, 1)
    return Computed(
        scores=scores,
        first_order_on=first,
        last_order_on=last,
        observation_end=observation_end,
        fits=fits,
        results=results,
    )


def _fit_kind(summary: pd.DataFrame, parameters: RunParameters):
    """(the kind's fit record, its per-customer predictions or None)."""
    from clientela.analytics.value import value_score

    repeat = int((summary["frequency"] > 0).sum())
    record: dict[str, Any] = {"parties": len(summary), "repeat_buyers": repeat}
    if repeat < MIN_REPEAT_BUYERS:
        record["skipped"] = f"{repeat} repeat buyers; the models need at least {MIN_REPEAT_BUYERS}"
        return record, None
    arguments = {
        "model": parameters.model,
        "horizon_months": parameters.horizon_months,
        "monthly_discount": parameters.monthly_discount,
        "period": parameters.period,
        "expected_days": parameters.expected_days,
    }
    columns = summary[SUMMARY_COLUMNS].reset_index(drop=True)
    try:
        result = value_score(columns, **arguments)
    except ApplicationError as exc:
        if exc.extra.get("model") != "Gamma-Gamma":
            record["skipped"] = exc.message
            return record, None
        # Only the spend model failed: keep the purchase model, value spend by each party's
        # own mean repeat spend.
        record["spend_skipped"] = exc.message
        result = value_score(columns, spend_model="mean", **arguments)
    record["purchase"] = _fit_json(result.purchase_fit)
    record["spend"] = _fit_json(result.spend_fit) if result.spend_fit is not None else None
    predictions = result.per_customer[["customer_id", "p_alive", "expected_purchases", "clv"]]
    return record, predictions


def _fit_json(fit) -> dict[str, Any]:
    get = fit.get if isinstance(fit, dict) else lambda name: getattr(fit, name)
    return {
        "params": {k: _number(v) for k, v in dict(get("params")).items()},
        "log_likelihood": _number(get("log_likelihood")),
        "standard_errors": {k: _number(v) for k, v in dict(get("standard_errors")).items()},
        "converged": bool(get("converged")),
    }


def _dashboard_results(engine, tables, scores: pd.DataFrame) -> dict[str, Any]:
    """The dashboard's aggregates as JSON-ready lists of records (small at any volume)."""
    from clientela.analytics.pipelines.cohorts import cohort_retention
    from clientela.analytics.pipelines.concentration import lorenz_curve, revenue_concentration

    concentration = engine.execute(revenue_concentration(tables))
    lorenz = engine.execute(lorenz_curve(tables))
    cohorts = engine.execute(cohort_retention(tables))
    cohorts = cohorts.assign(cohort_month=cohorts["cohort_month"].map(_month))
    return {
        "concentration": _records(
            concentration.sort_values("kind", key=lambda k: k.map({"client": 0, "customer": 1}))
        ),
        "lorenz": _records(_lorenz_thin(lorenz)),
        "cohorts": _records(cohorts.sort_values(["kind", "cohort_month", "months_since"])),
        "clv_histogram": _clv_histogram(scores),
    }


def _lorenz_thin(lorenz: pd.DataFrame) -> pd.DataFrame:
    """At most LORENZ_POINTS points per kind, evenly spaced along the parties, ends kept."""
    parts = []
    for _kind, group in lorenz.sort_values(["kind", "party_share"]).groupby("kind"):
        picks = np.unique(np.linspace(0, len(group) - 1, LORENZ_POINTS).round().astype(int))
        parts.append(group.iloc[picks])
    return pd.concat(parts, ignore_index=True) if parts else lorenz


def _clv_histogram(scores: pd.DataFrame) -> list[dict[str, Any]]:
    """Parties per kind in CLV bins on a log scale (CLV spans orders of magnitude between a
    café's customer and a bank's client): bin edges at 1, 2, 5 x powers of ten."""
    valued = scores.dropna(subset=["clv"])
    if valued.empty:
        return []
    top = max(float(valued["clv"].max()), 1.0)
    edges = [0.0]
    power = 1.0
    while edges[-1] <= top:
        edges.extend(x * power for x in (1, 2, 5))
        power *= 10
    rows = []
    for kind, group in valued.groupby("kind"):
        counts, _ = np.histogram(group["clv"].clip(lower=0), bins=edges)
        for low, high, count in zip(edges[:-1], edges[1:], counts, strict=True):
            rows.append({"kind": kind, "low": low, "high": high, "parties": int(count)})
    return rows


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _number(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _number(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return value


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()
