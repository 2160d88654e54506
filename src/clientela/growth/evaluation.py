"""Measuring the classification and the radar against a known truth (the demo's).

`evaluation_report(result, truth)` compares a classification run's frame with the labels a
demo generator recorded (`demo.demo_truth`: client, customer, client_like_customer,
converted) and returns plain numbers:

- behaves-like, over the relationships with behaviour (a purchase or a staff interaction;
  the others carry no claim, see `growth.classify`): the truth is `client` for clients,
  converted customers and customers who behave like clients, `customer` otherwise;
  precision and recall of `client`, and accuracy;
- mismatches: precision and recall of the flagged relationships against the customers who
  behave like clients (the mismatches the demo planted);
- the radar, over the current customers ranked by readiness: precision at the top 5% (and
  at the top k, k the number of true candidates) of finding the customers who behave like
  clients, and the share of them found in the top 5%; for the run's ranking and, when the
  components are there, for the transparent default score.
"""

from __future__ import annotations

import math

import pandas as pd

from clientela.growth.radar import COMPONENTS, radar_default_score

CLIENT_LIKE = {"client", "converted", "client_like_customer"}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def evaluation_report(
    result: pd.DataFrame, truth: dict[str, str], *, weights: dict | None = None
) -> dict:
    """See the module. `result` needs customer_id, kind, behaves_like, mismatch, purchases,
    staff_interactions and radar_score; with the `radar_<component>` columns the transparent
    score (with the radar `weights`) is measured too, next to the method the run used."""
    frame = result.assign(truth=result["customer_id"].map(truth))
    if frame["truth"].isna().any():
        missing = frame.loc[frame["truth"].isna(), "customer_id"].iloc[0]
        raise ValueError(f"no truth for {missing}")
    evidence = (frame["purchases"] > 0) | (frame["staff_interactions"] > 0)
    judged = frame[evidence]
    actual = judged["truth"].isin(CLIENT_LIKE)
    said = judged["behaves_like"] == "client"
    tp = int((actual & said).sum())
    planted = frame["truth"] == "client_like_customer"
    flagged = frame["mismatch"].astype(bool)
    customers = frame[frame["kind"] == "customer"]
    radar = _radar(customers, "radar_score")
    if "radar_value" in customers:
        parts = pd.DataFrame(
            {c: customers[f"radar_{c}"].to_numpy() for c in COMPONENTS}, index=customers.index
        )
        default = customers.assign(default_score=radar_default_score(parts, weights))
        radar["transparent_score"] = _radar(default, "default_score")
    return {
        "relationships": len(frame),
        "with_behaviour": len(judged),
        "truth": frame["truth"].value_counts().to_dict(),
        "behaves_like": {
            "precision": _ratio(tp, int(said.sum())),
            "recall": _ratio(tp, int(actual.sum())),
            "accuracy": _ratio(int((actual == said).sum()), len(judged)),
            "true_positives": tp,
            "predicted_clients": int(said.sum()),
            "actual_clients": int(actual.sum()),
        },
        "mismatch": {
            "precision": _ratio(int((flagged & planted).sum()), int(flagged.sum())),
            "recall": _ratio(int((flagged & planted).sum()), int(planted.sum())),
            "flagged": int(flagged.sum()),
        },
        "radar": radar,
    }


def _radar(customers: pd.DataFrame, column: str) -> dict:
    customers = customers.sort_values([column, "customer_id"], ascending=[False, True])
    candidates = customers["truth"] == "client_like_customer"
    top = max(1, math.ceil(0.05 * len(customers)))
    k = int(candidates.sum())
    return {
        "customers": len(customers),
        "candidates": k,
        "top_5_percent": top,
        "precision_at_5_percent": _ratio(int(candidates.iloc[:top].sum()), top),
        "best_possible_at_5_percent": _ratio(min(k, top), top),
        "recall_at_5_percent": _ratio(int(candidates.iloc[:top].sum()), k),
        "precision_at_k": _ratio(int(candidates.iloc[:k].sum()), k) if k else None,
    }
