"""Properties of `classify` on generated features: more client-like behaviour never lowers
the total, and the explanation always puts the dimensions that moved the decision most
first."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.growth.classify import DEFAULTS, DIMENSIONS, classify

share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
row_strategy = st.fixed_dictionaries(
    {
        "customer_id": st.just("pty_a"),
        "kind": st.sampled_from(["client", "customer"]),
        "stage": st.sampled_from(["awareness", "purchase", "onboarding", "retention"]),
        "acquisition_channel": st.sampled_from(["referral", "walk_in", "search_ad"]),
        "months": st.floats(min_value=0.0, max_value=120.0),
        "staff_interactions": st.integers(min_value=0, max_value=500),
        "interactions_per_month": st.floats(min_value=0.0, max_value=20.0),
        "inbound_share": share,
        "main_staff": st.just("Ana"),
        "personalised_share": share,
        "revenue": st.floats(min_value=0.0, max_value=1e7),
        "revenue_share": share,
        "revenue_percentile": share,
        "staff_contacts": st.integers(min_value=0, max_value=500),
        "proactive_share": share,
        "purchases": st.integers(min_value=0, max_value=300),
        "gap_cv": st.one_of(st.none(), st.floats(min_value=0.0, max_value=5.0)),
    }
).map(
    lambda row: {
        **row,
        "targeted_channel": row["acquisition_channel"] == "referral",
        "client_stage": row["stage"] == "onboarding",
    }
)
business_types = st.sampled_from(sorted(DEFAULTS))


def _total(row: dict, business_type: str) -> float:
    frame = pd.DataFrame([row])
    frame["gap_cv"] = frame["gap_cv"].astype("float64")
    return float(classify(frame, business_type=business_type)["total"].iloc[0])


@settings(max_examples=150, deadline=None)
@given(row_strategy, business_types, share, st.floats(min_value=0.0, max_value=20.0))
def test_more_personalised_spend_or_staff_interactions_never_lower_the_total(
    row, business_type, more_share, more_rate
):
    before = _total(row, business_type)

    personalised = {**row, "personalised_share": max(row["personalised_share"], more_share)}
    engaged = {
        **row,
        "interactions_per_month": row["interactions_per_month"] + more_rate,
        "staff_interactions": row["staff_interactions"] + 1,
    }

    assert _total(personalised, business_type) >= before
    assert _total(engaged, business_type) >= before


@settings(max_examples=150, deadline=None)
@given(row_strategy, business_types, st.floats(min_value=0.0, max_value=0.2))
def test_a_contract_like_regular_rhythm_never_lowers_the_total(row, business_type, cv):
    # given any relationship; when its purchases become as regular as a contract's
    regular = {**row, "gap_cv": cv if row["gap_cv"] is None else min(cv, row["gap_cv"])}

    # then its total does not drop
    assert _total(regular, business_type) >= _total(row, business_type)


@settings(max_examples=150, deadline=None)
@given(row_strategy, business_types)
def test_the_explanation_names_the_dimensions_that_moved_the_decision_most_first(
    row, business_type
):
    frame = pd.DataFrame([row])
    frame["gap_cv"] = frame["gap_cv"].astype("float64")
    result = classify(frame, business_type=business_type).iloc[0]

    direction = 1.0 if result["behaves_like"] == "client" else -1.0
    weights = {"engagement": 0.25, "offering": 0.25, "volume": 0.15}
    weights |= {"acquisition": 0.1, "experience": 0.1, "journey": 0.1, "commitment": 0.05}
    moved = [direction * weights[name] * (score - 0.5) for name, score, _ in result["explanation"]]
    assert sorted(name for name, _, _ in result["explanation"]) == sorted(DIMENSIONS)
    assert moved == sorted(moved, reverse=True)
    assert all(0.0 <= score <= 1.0 for _, score, _ in result["explanation"])
    assert (result["total"] >= 0.5) == (result["behaves_like"] == "client")


@settings(max_examples=100, deadline=None)
@given(row=row_strategy, business_type=business_types)
def test_without_any_behaviour_there_is_no_confidence_and_no_mismatch(row, business_type):
    # given a fresh prospect: no paid purchase, no staff interaction
    row = {**row, "purchases": 0, "staff_interactions": 0}
    frame = pd.DataFrame([row])
    frame["gap_cv"] = frame["gap_cv"].astype("float64")
    result = classify(frame, business_type=business_type).iloc[0]
    # then nothing is claimed about it
    assert result["confidence"] == 0.0
    assert not bool(result["mismatch"])
    # and with one paid purchase the confidence is |total - 0.5| * 2 again
    frame["purchases"] = 1
    again = classify(frame, business_type=business_type).iloc[0]
    assert again["confidence"] == abs(again["total"] - 0.5) * 2.0
