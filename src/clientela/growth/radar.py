"""The conversion radar: customers ranked by readiness to become clients.

`radar_measures(frame, p_alive=...)` turns the classification features of customers into
measures in [0, 1] (`MEASURES`), each a non-decreasing ramp of one figure, grouped into the
five components of readiness (`COMPONENTS`): value (revenue position, purchase frequency,
tenure, P(alive)), satisfaction (survey scores, where the business has any), appetite for
personalisation (personalised share of spend, questions and support contacts), advocacy
(referrals made, where recorded) and engagement with staff.

Two ways to score, both returning a readiness in [0, 1]:
- `radar_default_score`: transparent, the weighted mean of the components (weights
  `RADAR_WEIGHTS` or the business's own), each component the mean of its measures. A measure
  the business has no data for at all (no surveys, no referrals, no value model) is left
  out and its component's weight shared among the others, so the ranking never rests on
  missing data; a single missing figure in a row counts as 0.
- `radar_fit` / `RadarModel.score`: once the business has at least `MIN_CONVERSIONS` past
  conversions, an L2-penalised logistic regression on the same measures learns which of them
  preceded a conversion (positives: converted customer relationships observed up to their
  conversion; negatives: the current customers, a weighted sample of them above
  `MAX_NEGATIVES`). Its output is a probability fitted by
  maximum likelihood on those examples; its coefficients, 5-fold cross-validated AUC and
  Brier score are kept so a person can judge and read the model.

Monotone: every measure is a non-decreasing function of its figure and the default score a
non-negative weighted sum, so more value, more personalised spend or more staff engagement
never lowers a customer's default readiness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy
from scipy import optimize, stats

from clientela.core.errors import validation_error
from clientela.growth.classify import ramp

COMPONENTS = ("value", "satisfaction", "personalisation", "advocacy", "engagement")

RADAR_WEIGHTS: dict[str, float] = {
    "value": 0.30,
    "satisfaction": 0.15,
    "personalisation": 0.25,
    "advocacy": 0.10,
    "engagement": 0.20,
}

MIN_CONVERSIONS = 30

COMPONENT_LABELS = {
    "value": gettext_lazy("Value"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "personalisation": gettext_lazy("Appetite for personalisation"),
    "advocacy": gettext_lazy("Advocacy"),
    "engagement": gettext_lazy("Engagement with staff"),
}

COMPONENT_SHORT = {
    "value": gettext_lazy("Value"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "personalisation": gettext_lazy("Personal"),
    "advocacy": gettext_lazy("Advocacy"),
    "engagement": gettext_lazy("Staff"),
}

MEASURE_LABELS = {
    "revenue": gettext_lazy("Revenue position"),
    "frequency": gettext_lazy("Purchases a month"),
    "tenure": gettext_lazy("Tenure"),
    "p_alive": gettext_lazy("P(alive)"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "personalised": gettext_lazy("Personalised share of spend"),
    "questions": gettext_lazy("Questions and support contacts"),
    "referrals": gettext_lazy("Referrals made"),
    "staff": gettext_lazy("Staff interactions a month"),
}


@dataclass(frozen=True)
class Measure:
    name: str
    component: str
    source: str  # the features column the measure reads (or a derived one, see `_figures`)
    lo: float
    hi: float


MEASURES: tuple[Measure, ...] = (
    Measure("revenue", "value", "revenue_percentile", 0.5, 0.98),
    Measure("frequency", "value", "purchases_per_month", 0.2, 2.0),
    Measure("tenure", "value", "months", 3.0, 24.0),
    Measure("p_alive", "value", "p_alive", 0.0, 1.0),
    Measure("satisfaction", "satisfaction", "satisfaction", 0.0, 1.0),
    Measure("personalised", "personalisation", "personalised_share", 0.02, 0.3),
    Measure("questions", "personalisation", "questions", 0.0, 4.0),
    Measure("referrals", "advocacy", "referrals_made", 0.0, 3.0),
    Measure("staff", "engagement", "interactions_per_month", 0.05, 1.0),
)


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures the measures read, derived from the features where needed."""
    out = pd.DataFrame(index=frame.index)
    for column in ("revenue_percentile", "months", "personalised_share", "interactions_per_month"):
        out[column] = frame[column].astype("float64")
    out["purchases_per_month"] = frame["purchases"].astype("float64") / np.maximum(
        frame["months"].astype("float64"), 1.0
    )
    out["questions"] = (frame["advice_requests"] + frame["support_contacts"]).astype("float64")
    for optional in ("p_alive", "satisfaction", "referrals_made"):
        out[optional] = (
            frame[optional].astype("float64") if optional in frame else np.full(len(frame), np.nan)
        )
    return out


def radar_measures(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(measures per row in [0, 1], the names of the measures the data can support).

    A measure is supported when its figure is known for at least one row; unknown figures
    in a supported measure count as 0."""
    figures = _figures(frame)
    measures = pd.DataFrame(index=frame.index)
    supported = []
    for m in MEASURES:
        values = figures[m.source]
        if values.notna().any():
            supported.append(m.name)
        measures[m.name] = ramp(values, m.lo, m.hi)
    return measures, supported


def radar_weights_check(weights: dict | None) -> dict[str, float]:
    """The radar weights with the caller's overrides; a validation error names the problem."""
    if weights is None:
        return dict(RADAR_WEIGHTS)
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise validation_error("radar_weights", f"unknown component {unknown[0]!r}")
    used = {**RADAR_WEIGHTS, **{k: float(v) for k, v in weights.items()}}
    if any(not math.isfinite(v) or v < 0 for v in used.values()):
        raise validation_error("radar_weights", "must be finite and not negative")
    if sum(used.values()) <= 0:
        raise validation_error("radar_weights", "must not all be zero")
    return used


def radar_components(measures: pd.DataFrame, supported: list[str]) -> pd.DataFrame:
    """Each component's score per row: the mean of its supported measures (NaN when the
    component has none)."""
    out = pd.DataFrame(index=measures.index)
    for component in COMPONENTS:
        names = [m.name for m in MEASURES if m.component == component and m.name in supported]
        out[component] = measures[names].mean(axis=1) if names else np.nan
    return out


def radar_default_score(components: pd.DataFrame, weights: dict | None = None) -> np.ndarray:
    """The weighted mean of the components that have data (see the module)."""
    used = radar_weights_check(weights)
    present = [c for c in COMPONENTS if components[c].notna().any() and used[c] > 0]
    if not present:
        return np.zeros(len(components))
    norm = sum(used[c] for c in present)
    return sum(used[c] * components[c].fillna(0.0).to_numpy() for c in present) / norm


@dataclass
class RadarModel:
    """A logistic readiness model: P(convert) = 1 / (1 + exp(-(intercept + coef . x)))
    with x the measures in `features` (each in [0, 1])."""

    features: list[str]
    coefficients: dict[str, float]
    intercept: float
    conversions: int
    negatives: int
    penalty: float
    cv_auc: float | None = None
    cv_brier: float | None = None
    extra: dict = field(default_factory=dict)

    def score(self, measures: pd.DataFrame) -> np.ndarray:
        x = measures[self.features].to_numpy(dtype="float64")
        beta = np.array([self.coefficients[f] for f in self.features])
        return _sigmoid(self.intercept + x @ beta)

    def as_dict(self) -> dict:
        return {
            "features": list(self.features),
            "coefficients": {k: float(v) for k, v in self.coefficients.items()},
            "intercept": float(self.intercept),
            "conversions": int(self.conversions),
            "negatives": int(self.negatives),
            "penalty": float(self.penalty),
            "cv_auc": None if self.cv_auc is None else float(self.cv_auc),
            "cv_brier": None if self.cv_brier is None else float(self.cv_brier),
        }


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logistic_fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    penalty: float = 1.0,
    weights: np.ndarray | None = None,
    tolerance: float = 1e-9,
) -> tuple[float, np.ndarray]:
    """Maximum penalised likelihood: minimise sum(w (log(1 + e^z) - y z)) + penalty/2 |beta|^2
    with z = b0 + x beta (the intercept unpenalised; w the row weights, 1 by default), by
    L-BFGS with the analytic gradient. The same objective as scikit-learn's
    LogisticRegression(C=1/penalty) with sample_weight=w."""
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    w = np.ones(n) if weights is None else np.asarray(weights, dtype="float64")

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ theta
        loss = np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * penalty * np.sum(theta[1:] ** 2)
        grad = design.T @ (w * (_sigmoid(z) - y))
        grad[1:] += penalty * theta[1:]
        return float(loss), grad

    result = optimize.minimize(
        objective,
        np.zeros(k + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "gtol": tolerance, "ftol": 1e-15 if tolerance < 1e-6 else 1e-10},
    )
    return float(result.x[0]), result.x[1:]


MAX_NEGATIVES = 50_000


def radar_fit(
    *,
    customers: pd.DataFrame,
    converted: pd.DataFrame,
    supported: list[str],
    penalty: float = 1.0,
    min_conversions: int = MIN_CONVERSIONS,
    max_negatives: int = MAX_NEGATIVES,
) -> RadarModel | None:
    """A logistic model of conversion on the supported measures, or None with fewer than
    `min_conversions` past conversions (or no current customer to contrast them with).

    `customers` and `converted` are measure frames (`radar_measures`). With more than
    `max_negatives` customers, a fixed-seed random sample of that many stands for them, each
    weighted by customers / sample, so the fitted probabilities stay those of the whole book
    (case-control sampling) while a million customers fit in about a second."""
    if len(converted) < min_conversions or len(customers) == 0:
        return None
    features = [m.name for m in MEASURES if m.name in supported]
    negatives = customers[features].to_numpy("float64")
    weight = 1.0
    if len(negatives) > max_negatives:
        rows = np.random.default_rng(0).choice(len(negatives), max_negatives, replace=False)
        weight = len(negatives) / max_negatives
        negatives = negatives[np.sort(rows)]
    x = np.vstack([converted[features].to_numpy("float64"), negatives])
    y = np.concatenate([np.ones(len(converted)), np.zeros(len(negatives))])
    w = np.concatenate([np.ones(len(converted)), np.full(len(negatives), weight)])
    intercept, beta = logistic_fit(x, y, penalty=penalty, weights=w)
    auc, brier = _cross_validate(x, y, w, penalty)
    return RadarModel(
        features=features,
        coefficients=dict(zip(features, map(float, beta), strict=True)),
        intercept=intercept,
        conversions=len(converted),
        negatives=len(customers),
        penalty=penalty,
        cv_auc=auc,
        cv_brier=brier,
    )


def _cross_validate(x: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: float, folds: int = 5):
    """Out-of-fold AUC (of the rows fitted) and weighted Brier score; folds interleave each
    class's rows so every fold holds positives (deterministic: no random split)."""
    fold = np.empty(len(y), dtype=int)
    for label in (0.0, 1.0):
        rows = np.flatnonzero(y == label)
        fold[rows] = np.arange(len(rows)) % folds
    predicted = np.empty(len(y))
    for k in range(folds):
        test = fold == k
        b0, beta = logistic_fit(
            x[~test], y[~test], penalty=penalty, weights=w[~test], tolerance=1e-5
        )
        predicted[test] = _sigmoid(b0 + x[test] @ beta)
    brier = float(np.sum(w * (predicted - y) ** 2) / np.sum(w))
    return auc_score(y, predicted), brier


def auc_score(y: np.ndarray, predicted: np.ndarray) -> float | None:
    """Area under the ROC curve (Mann-Whitney U over the positives and negatives, ties
    counted half); None without both classes."""
    positives = int(np.sum(y == 1))
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = stats.rankdata(predicted)
    u = np.sum(ranks[y == 1]) - positives * (positives + 1) / 2.0
    return float(u / (positives * negatives))
