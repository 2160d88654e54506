"""Does a relationship behave like a client or like a customer? Scores, decision, explanation.

`classify(features)` takes the rows of `features.classification_features` (executed) and adds:

- one score in [0, 1] per dimension (1 = client-like), `score_<dimension>`;
- `total`, the weighted mean of the scores (weights: `WEIGHTS`, or the caller's);
- `behaves_like`: `client` when total >= 0.5, else `customer`;
- `confidence`: |total - 0.5| * 2, 0 on the boundary and 1 when every score agrees fully;
  0 for a relationship with no behaviour yet (no paid purchase and no staff interaction: a
  fresh prospect), since its scores rest on no evidence;
- `mismatch`: behaves_like differs from the recorded kind, on evidence (never for a
  relationship with no behaviour yet);
- `explanation`: a list of (dimension, score, sentence), one plain translated sentence per
  dimension with the figures behind it, ordered by how far the dimension pushed the total
  towards the decision taken (contribution weight * (score - 0.5), in the decision's
  direction; ties in the order of `DIMENSIONS`).

Monotone by construction: every score is built only from ramps, r(x) = clip((x - lo) /
(hi - lo), 0, 1), which never decrease as x grows (or `1 - r` for the gaps' variation, where
less variation is more client-like, and a missing variation, too few purchases, counts as
the least regular), from indicators (0 or 1), and from non-negative weighted sums of these.
The total is a non-negative weighted sum of the scores. So more staff interactions, a larger
personalised share, more revenue or a more regular purchase rhythm never lowers the total.
The thresholds (lo, hi) come from `DEFAULTS`, one row per business type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.core.errors import validation_error

DIMENSIONS = (
    "engagement",
    "offering",
    "volume",
    "acquisition",
    "experience",
    "journey",
    "commitment",
)

DIMENSION_LABELS = {
    "engagement": gettext_lazy("Engagement"),
    "offering": gettext_lazy("Offering"),
    "volume": gettext_lazy("Business volume"),
    "acquisition": gettext_lazy("Acquisition"),
    "experience": gettext_lazy("Experience"),
    "journey": gettext_lazy("Journey"),
    "commitment": gettext_lazy("Commitment"),
}

WEIGHTS: dict[str, float] = {
    "engagement": 0.25,
    "offering": 0.25,
    "volume": 0.15,
    "acquisition": 0.10,
    "experience": 0.10,
    "journey": 0.10,
    "commitment": 0.05,
}

Ramp = tuple[float, float]

THRESHOLD_LABELS = {
    "interactions_per_month": gettext_lazy("Staff interactions a month"),
    "inbound_share": gettext_lazy("Share of interactions the party started"),
    "personalised_share": gettext_lazy("Personalised share of spend"),
    "revenue_percentile": gettext_lazy("Revenue percentile"),
    "revenue_share": gettext_lazy("Share of the business's revenue"),
    "proactive_share": gettext_lazy("Share of contacts staff started"),
    "months": gettext_lazy("Months in the relationship"),
    "gap_cv": gettext_lazy("Variation of the gaps between purchases (lower is more regular)"),
}


@dataclass(frozen=True)
class Thresholds:
    """(lo, hi) of each ramp: at or below lo the measure scores 0, at or above hi 1 (for
    `gap_cv` the other way round: at or below lo it scores 1)."""

    interactions_per_month: Ramp
    inbound_share: Ramp
    personalised_share: Ramp
    revenue_percentile: Ramp
    revenue_share: Ramp
    proactive_share: Ramp
    months: Ramp
    gap_cv: Ramp


DEFAULTS: dict[str, Thresholds] = {
    "professional_services": Thresholds(
        (0.1, 2.0),
        (0.0, 0.5),
        (0.1, 0.6),
        (0.5, 0.95),
        (0.0, 0.05),
        (0.2, 0.8),
        (3, 24),
        (0.25, 1.0),
    ),
    "retail": Thresholds(
        (0.05, 1.0),
        (0.0, 0.5),
        (0.05, 0.4),
        (0.8, 0.99),
        (0.0, 0.01),
        (0.2, 0.8),
        (6, 36),
        (0.3, 1.2),
    ),
    "hospitality": Thresholds(
        (0.05, 1.0),
        (0.0, 0.5),
        (0.05, 0.3),
        (0.8, 0.99),
        (0.0, 0.01),
        (0.2, 0.8),
        (3, 24),
        (0.3, 1.2),
    ),
    "banking": Thresholds(
        (0.1, 1.0),
        (0.0, 0.5),
        (0.1, 0.5),
        (0.7, 0.98),
        (0.0, 0.02),
        (0.2, 0.8),
        (6, 36),
        (0.2, 0.8),
    ),
    "ecommerce": Thresholds(
        (0.02, 0.5),
        (0.0, 0.5),
        (0.05, 0.3),
        (0.9, 0.995),
        (0.0, 0.005),
        (0.2, 0.8),
        (6, 36),
        (0.3, 1.2),
    ),
}


def classify(
    features: pd.DataFrame,
    *,
    weights: dict | None = None,
    business_type: str = "professional_services",
    thresholds: dict | None = None,
    sentences: bool = True,
) -> pd.DataFrame:
    """A copy of `features` with the scores, total, behaves_like, confidence, mismatch and
    explanation described in the module docstring. Sentences are in the active language.
    `thresholds` overrides some of the business type's ramps ({name: (lo, hi)}).
    `explanation_order` (the indices in `DIMENSIONS`, strongest reason first, packed into one
    integer: `order_unpack`) is always there; `sentences=False` leaves the `explanation`
    column out, which is what a run over many relationships wants (the sentences are written
    when someone reads them: `explanation_of`).
    Raises a validation error for an unknown business type, bad weights (unknown
    dimension, negative, or all zero) or bad thresholds."""
    used = weights_check(weights)
    t = thresholds_for(business_type, thresholds)
    out = features.copy()
    scores = dimension_scores(out, t)
    for name in DIMENSIONS:
        out[f"score_{name}"] = scores[name]
    norm = sum(used.values())
    total = sum(used[name] * scores[name] for name in DIMENSIONS) / norm
    out["total"] = total
    out["behaves_like"] = np.where(total >= 0.5, "client", "customer")
    evidence = (out["purchases"].fillna(0) > 0) | (out["staff_interactions"].fillna(0) > 0)
    out["confidence"] = np.where(evidence, np.abs(total - 0.5) * 2.0, 0.0)
    out["mismatch"] = evidence & (out["behaves_like"] != out["kind"])
    out["explanation_order"] = _orders(scores, used, total)
    if sentences:
        out["explanation"] = [explanation_of(row) for row in out.to_dict("records")]
    return out


def _orders(scores: dict[str, np.ndarray], weights: dict[str, float], total) -> np.ndarray:
    """Per row, the dimensions' indices by how far each pushed the total towards the
    decision (weight * (score - 0.5) in the decision's direction), ties in DIMENSIONS order,
    packed into one integer (3 bits per position, the strongest in the highest bits): a
    million rows then need no Python object each."""
    direction = np.where(np.asarray(total) >= 0.5, 1.0, -1.0)
    moved = np.column_stack(
        [direction * weights[name] * (np.asarray(scores[name]) - 0.5) for name in DIMENSIONS]
    )
    order = np.argsort(-moved, axis=1, kind="stable").astype("int64")
    shifts = 3 * np.arange(len(DIMENSIONS) - 1, -1, -1, dtype="int64")
    return (order << shifts).sum(axis=1)


def order_unpack(packed) -> list[int]:
    """The dimension indices a packed `explanation_order` holds, strongest first."""
    value = int(packed)
    count = len(DIMENSIONS)
    return [(value >> (3 * (count - 1 - k))) & 7 for k in range(count)]


def explanation_of(row: dict) -> list[tuple[str, float, str]]:
    """A classified row's explanation: (dimension, score, sentence in the active language)
    for each dimension, strongest reason first."""
    order = [DIMENSIONS[i] for i in order_unpack(row["explanation_order"])]
    return [(name, float(row[f"score_{name}"]), SENTENCES[name](row)) for name in order]


def thresholds_for(business_type: str, overrides: dict | None = None) -> Thresholds:
    """The business type's thresholds with `overrides` ({ramp name: (lo, hi)}) applied;
    a validation error names an unknown type or ramp, or a range that is not lo < hi."""
    if business_type not in DEFAULTS:
        raise validation_error("business_type", f"must be one of {', '.join(DEFAULTS)}")
    base = DEFAULTS[business_type]
    if not overrides:
        return base
    names = [f.name for f in fields(Thresholds)]
    changed = {}
    for name, pair in overrides.items():
        if name not in names:
            raise validation_error("thresholds", f"unknown threshold {name!r}")
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise validation_error(name, "must be two numbers, low and high") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise validation_error(name, "the low end must be below the high end")
        changed[name] = (lo, hi)
    return replace(base, **changed)


def ramp(values, lo: float, hi: float) -> np.ndarray:
    """clip((x - lo) / (hi - lo), 0, 1): non-decreasing in x; a missing x scores 0."""
    x = np.asarray(values, dtype="float64")
    return np.nan_to_num(np.clip((x - lo) / (hi - lo), 0.0, 1.0), nan=0.0)


def dimension_scores(features: pd.DataFrame, t: Thresholds) -> dict[str, np.ndarray]:
    """Each dimension's score per row, from its own measures only."""
    f = features
    regularity = 1.0 - ramp(f["gap_cv"], *t.gap_cv)
    regularity = np.where(pd.isna(f["gap_cv"]).to_numpy(), 0.0, regularity)
    tenure = ramp(f["months"], *t.months)
    return {
        "engagement": 0.8 * ramp(f["interactions_per_month"], *t.interactions_per_month)
        + 0.2 * ramp(f["inbound_share"], *t.inbound_share),
        "offering": ramp(f["personalised_share"], *t.personalised_share),
        "volume": 0.5 * ramp(f["revenue_percentile"], *t.revenue_percentile)
        + 0.5 * ramp(f["revenue_share"], *t.revenue_share),
        "acquisition": f["targeted_channel"].astype(bool).to_numpy().astype("float64"),
        "experience": ramp(f["proactive_share"], *t.proactive_share),
        "journey": 0.75 * f["client_stage"].astype(bool).to_numpy().astype("float64")
        + 0.25 * tenure,
        "commitment": 0.5 * regularity + 0.5 * tenure,
    }


def weights_check(weights: dict | None) -> dict[str, float]:
    if weights is None:
        return dict(WEIGHTS)
    unknown = sorted(set(weights) - set(DIMENSIONS))
    if unknown:
        raise validation_error("weights", f"unknown dimension {unknown[0]!r}")
    used = {**WEIGHTS, **{k: float(v) for k, v in weights.items()}}
    if any(not math.isfinite(v) or v < 0 for v in used.values()):
        raise validation_error("weights", "must be finite and not negative")
    if sum(used.values()) <= 0:
        raise validation_error("weights", "must not all be zero")
    return used


def _percent(share) -> int:
    return int(round(100.0 * float(share)))


def _engagement(row: dict) -> str:
    if not row["staff_interactions"]:
        return _("No meetings, calls or emails with staff.")
    staff = row.get("main_staff") or _("a staff member")
    return _(
        "%(rate).1f staff interactions a month, most with %(staff)s; "
        "the party started %(inbound)d%% of them."
    ) % {
        "rate": row["interactions_per_month"],
        "staff": staff,
        "inbound": _percent(row["inbound_share"]),
    }


def _offering(row: dict) -> str:
    if not row["purchases"]:
        return _("No paid purchases yet.")
    return _("%(share)d%% of spend on personalised services.") % {
        "share": _percent(row["personalised_share"])
    }


def _volume(row: dict) -> str:
    top = max(1, math.ceil(round(100.0 * (1.0 - float(row["revenue_percentile"])), 6)))
    return _(
        "Revenue of %(revenue).2f, %(share).1f%% of the business total, "
        "in the top %(top)d%% by revenue."
    ) % {"revenue": row["revenue"], "share": 100.0 * row["revenue_share"], "top": top}


def _acquisition(row: dict) -> str:
    from clientela.parties.models import AcquisitionChannel

    value = row["acquisition_channel"]
    channel = AcquisitionChannel(value).label if value in AcquisitionChannel.values else value
    if row["targeted_channel"]:
        return _("Acquired through a targeted channel (%(channel)s).") % {"channel": channel}
    return _("Acquired through a mass-market channel (%(channel)s).") % {"channel": channel}


def _experience(row: dict) -> str:
    contacts = int(row["staff_contacts"])
    if not contacts:
        return _("No contacts with staff.")
    return _(
        "Staff started %(share)d%% of the contacts with them; contacts in all: %(contacts)d."
    ) % {"share": _percent(row["proactive_share"]), "contacts": contacts}


def _journey(row: dict) -> str:
    from clientela.journeys.definitions import Stage

    value = row["stage"]
    stage = Stage(value).label if value in Stage.values else value
    return _("In stage “%(stage)s” after %(months).1f months.") % {
        "stage": stage,
        "months": row["months"],
    }


def _commitment(row: dict) -> str:
    values = {"purchases": int(row["purchases"]), "months": row["months"]}
    if pd.isna(row["gap_cv"]):
        return (
            _("Paid purchases: %(purchases)d in %(months).1f months, too few to judge regularity.")
            % values
        )
    return _(
        "Paid purchases: %(purchases)d in %(months).1f months; the gaps between them vary by "
        "%(cv)d%%."
    ) % {**values, "cv": _percent(row["gap_cv"])}


SENTENCES = {
    "engagement": _engagement,
    "offering": _offering,
    "volume": _volume,
    "acquisition": _acquisition,
    "experience": _experience,
    "journey": _journey,
    "commitment": _commitment,
}
