"""The conversion radar's arithmetic without a database: measures and the transparent score
by hand, the logistic model and the AUC against scikit-learn (the peer reference), the next
best action's rules and sentences, the evaluation's counting, and monotonicity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from clientela.core.errors import ApplicationError
from clientela.growth.actions import Lever, action_reason, next_action
from clientela.growth.evaluation import evaluation_report
from clientela.growth.radar import (
    auc_score,
    logistic_fit,
    radar_components,
    radar_default_score,
    radar_fit,
    radar_measures,
    radar_weights_check,
)


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "revenue_percentile": 0.0,
        "months": 0.0,
        "personalised_share": 0.0,
        "interactions_per_month": 0.0,
        "purchases": 0,
        "advice_requests": 0,
        "support_contacts": 0,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


HALFWAY = {
    "revenue_percentile": 0.74,  # ramp (0.5, 0.98): 0.5
    "purchases": 11,
    "months": 10.0,  # 1.1 purchases a month, ramp (0.2, 2.0): 0.5; tenure (3, 24): 1/3
    "personalised_share": 0.16,  # ramp (0.02, 0.3): 0.5
    "advice_requests": 1,
    "support_contacts": 1,  # 2 questions, ramp (0, 4): 0.5
    "interactions_per_month": 0.525,  # ramp (0.05, 1.0): 0.5
    "p_alive": 0.8,
}


def test_measures_components_and_the_transparent_score_by_hand():
    # given one customer halfway up most ramps and one with nothing at all
    frame = _frame([HALFWAY, {"p_alive": math.nan}])

    # when the radar measures and scores them
    measures, supported = radar_measures(frame)
    components = radar_components(measures, supported)
    score = radar_default_score(components)

    # then no satisfaction or referral data means those measures are not supported
    assert supported == [
        "revenue",
        "frequency",
        "tenure",
        "p_alive",
        "personalised",
        "questions",
        "staff",
    ]
    assert [round(v, 9) for v in measures.iloc[0][supported]] == [
        0.5,
        0.5,
        round(1 / 3, 9),
        0.8,
        0.5,
        0.5,
        0.5,
    ]
    value = (0.5 + 0.5 + 1 / 3 + 0.8) / 4
    assert round(components.loc[0, "value"], 9) == round(value, 9)
    assert [round(v, 9) for v in components.loc[0, ["personalisation", "engagement"]]] == [
        0.5,
        0.5,
    ]
    assert components[["satisfaction", "advocacy"]].isna().all().all()
    # and the weights of the components without data are shared by the others
    expected = (0.30 * value + 0.25 * 0.5 + 0.20 * 0.5) / 0.75
    assert round(score[0], 9) == round(expected, 9)
    assert score[1] == 0.0


def test_satisfaction_and_referrals_count_once_the_business_has_them():
    frame = _frame([{**HALFWAY, "satisfaction": 1.0, "referrals_made": 3}, {"p_alive": 0.0}])
    frame.loc[1, ["satisfaction", "referrals_made"]] = [math.nan, math.nan]

    measures, supported = radar_measures(frame)
    components = radar_components(measures, supported)
    score = radar_default_score(components, {"value": 0.0, "personalisation": 0.0})

    # then satisfaction and advocacy are supported; a row missing them scores 0 there
    assert {"satisfaction", "referrals"} <= set(supported)
    assert components.loc[0, ["satisfaction", "advocacy"]].tolist() == [1.0, 1.0]
    assert components.loc[1, ["satisfaction", "advocacy"]].tolist() == [0.0, 0.0]
    # value and personalisation weighted 0: (0.15 * 1 + 0.10 * 1 + 0.20 * 0.5) / 0.45
    assert round(score[0], 9) == round(0.35 / 0.45, 9)


def test_bad_radar_weights_name_the_problem():
    with pytest.raises(ApplicationError) as unknown:
        radar_weights_check({"loyalty": 1})
    with pytest.raises(ApplicationError) as negative:
        radar_weights_check({"value": -1})
    with pytest.raises(ApplicationError) as zero:
        radar_weights_check({c: 0 for c in ("value", "satisfaction", "personalisation",
                                             "advocacy", "engagement")})  # fmt: skip
    assert unknown.value.message == "radar_weights: unknown component 'loyalty'"
    assert negative.value.message == "radar_weights: must be finite and not negative"
    assert zero.value.message == "radar_weights: must not all be zero"


def test_the_logistic_fit_agrees_with_scikit_learn():
    # given 600 rows of three measures and outcomes drawn from a known logistic model
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(600, 3))
    p = 1 / (1 + np.exp(-(-2.0 + 3.0 * x[:, 0] - 1.5 * x[:, 1] + 0.5 * x[:, 2])))
    y = (rng.uniform(size=600) < p).astype(float)

    # when both fit the same penalised likelihood (penalty 1 = scikit-learn's C = 1)
    intercept, beta = logistic_fit(x, y, penalty=1.0)
    peer = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(x, y)

    # then the coefficients agree to 1e-5
    assert abs(intercept - peer.intercept_[0]) < 1e-5
    assert np.max(np.abs(beta - peer.coef_[0])) < 1e-5


def test_auc_agrees_with_scikit_learn_including_ties():
    y = np.array([1, 0, 1, 0, 0, 1, 0, 1, 0, 0], dtype=float)
    predicted = np.array([0.9, 0.9, 0.7, 0.5, 0.5, 0.4, 0.3, 0.3, 0.1, 0.0])
    assert auc_score(y, predicted) == pytest.approx(roc_auc_score(y, predicted), abs=1e-12)
    assert auc_score(np.zeros(3), np.arange(3.0)) is None


def test_the_model_learns_only_from_enough_conversions():
    rng = np.random.default_rng(3)
    names = ["revenue", "staff"]
    customers = pd.DataFrame(rng.uniform(0, 0.6, size=(200, 2)), columns=names)
    converted = pd.DataFrame(rng.uniform(0.4, 1.0, size=(30, 2)), columns=names)

    # with 29 conversions there is no model; with 30 there is one, positive on both measures
    assert radar_fit(customers=customers, converted=converted[:29], supported=names) is None
    model = radar_fit(customers=customers, converted=converted, supported=names)
    assert (model.conversions, model.negatives, model.features) == (30, 200, names)
    assert model.coefficients["revenue"] > 0 and model.coefficients["staff"] > 0
    assert 0.5 < model.cv_auc <= 1.0
    scores = model.score(pd.DataFrame({"revenue": [0.0, 1.0], "staff": [0.0, 1.0]}))
    assert scores[0] < scores[1]


@pytest.mark.parametrize(
    ("measures", "score", "pays", "lever"),
    [
        ({}, 0.9, False, Lever.INCENTIVES),
        ({"satisfaction": 0.3}, 0.9, True, Lever.LISTEN),
        ({}, 0.6, True, Lever.REPRESENTATIVE),
        ({"advice_requests": 1, "support_contacts": 1}, 0.59, True, Lever.LISTEN),
        ({"advice_requests": 1}, 0.3, True, Lever.SURVEY),
        ({}, 0.29, True, Lever.INCENTIVES),
        ({"satisfaction": 0.7}, 0.2, True, Lever.WORD_OF_MOUTH),
        ({"satisfaction": 0.7, "referrals_made": 1}, 0.2, True, Lever.INCENTIVES),
        ({"web_actions": 3}, 0.1, True, Lever.LEARN_MORE),
        ({"web_actions": 3, "staff_interactions": 1}, 0.1, True, Lever.INCENTIVES),
        ({"web_actions": 2}, 0.1, True, Lever.INCENTIVES),
    ],
)
def test_next_best_action_rules(measures, score, pays, lever):
    assert next_action(measures, {"score": score}, conversion_pays=pays) == lever


def test_the_reasons_carry_the_figures():
    measures = {
        "purchases": 5,
        "months": 3.2,
        "personalised_share": 0.96,
        "interactions_per_month": 0.9,
        "advice_requests": 2,
        "support_contacts": 1,
        "web_actions": 4,
        "satisfaction": 0.35,
    }
    radar = {"score": 0.634}
    assert action_reason("representative", measures, radar, conversion_pays=True) == (
        "Readiness 63/100: 5 purchases in 3.2 months, 96% of spend personalised, 0.9 staff "
        "interactions a month. Offer a dedicated account manager."
    )
    assert action_reason("listen", measures, radar, conversion_pays=True) == (
        "Satisfaction is low (35/100): listen and put things right first."
    )
    without = {**measures, "satisfaction": None}
    assert action_reason("listen", without, radar, conversion_pays=True) == (
        "3 questions and support contacts: answer them with undivided attention; that is "
        "where personal service starts."
    )
    assert action_reason("learn_more", measures, radar, conversion_pays=True) == (
        "4 visits and campaign clicks but no conversation with staff: follow what they do "
        "with behaviour-triggered emails."
    )
    assert action_reason("incentives", measures, radar, conversion_pays=False) == (
        "Turning customers into clients does not pay for this business: keep them buying "
        "with rewards, coupons and flash offers."
    )


def test_the_evaluation_counts_exactly():
    # given six relationships, their truth and what the run said
    result = pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "kind": ["client", "customer", "customer", "customer", "customer", "client"],
            "behaves_like": ["client", "client", "customer", "client", "customer", "customer"],
            "mismatch": [False, True, False, True, False, False],
            "purchases": [3, 2, 1, 4, 1, 0],
            "staff_interactions": [2, 5, 0, 0, 0, 0],
            "radar_score": [None, 0.9, 0.2, 0.8, 0.1, None],
        }
    )
    truth = {
        "a": "client",
        "b": "client_like_customer",
        "c": "customer",
        "d": "customer",
        "e": "client_like_customer",
        "f": "client",  # no behaviour: not judged
    }

    report = evaluation_report(result, truth)

    # then five relationships are judged: clients a, b, e; said client a, b, d
    assert report["with_behaviour"] == 5
    assert report["behaves_like"]["precision"] == 2 / 3
    assert report["behaves_like"]["recall"] == 2 / 3
    assert report["behaves_like"]["accuracy"] == 3 / 5
    assert (report["mismatch"]["precision"], report["mismatch"]["recall"]) == (0.5, 0.5)
    # and the radar ranks b, d, c, e: top 5% of 4 customers is 1 row, b, a true candidate
    assert report["radar"]["precision_at_5_percent"] == 1.0
    assert report["radar"]["recall_at_5_percent"] == 0.5
    assert report["radar"]["precision_at_k"] == 0.5


FIGURES = st.fixed_dictionaries(
    {
        "revenue_percentile": st.floats(0, 1),
        "purchases": st.integers(0, 60),
        "months": st.floats(0, 48),
        "personalised_share": st.floats(0, 1),
        "advice_requests": st.integers(0, 10),
        "support_contacts": st.integers(0, 10),
        "interactions_per_month": st.floats(0, 5),
        "p_alive": st.floats(0, 1),
    }
)


@settings(max_examples=200, deadline=None)
@given(
    row=FIGURES,
    field=st.sampled_from(
        [
            "revenue_percentile",
            "purchases",
            "personalised_share",
            "advice_requests",
            "interactions_per_month",
            "p_alive",
        ]
    ),
    more=st.floats(0, 10),
)
def test_more_of_any_figure_never_lowers_the_transparent_readiness(row, field, more):
    # given a customer and the same customer with more of one figure (shares capped at 1)
    grown = dict(row)
    cap = 1.0 if field in ("revenue_percentile", "personalised_share", "p_alive") else None
    grown[field] = min(row[field] + more, cap) if cap else row[field] + more
    if isinstance(row[field], int):
        grown[field] = int(grown[field])
    frame = _frame([row, grown])

    measures, supported = radar_measures(frame)
    score = radar_default_score(radar_components(measures, supported))

    assert score[1] >= score[0] - 1e-12


def test_the_weighted_fit_agrees_with_scikit_learn_sample_weights():
    rng = np.random.default_rng(9)
    x = rng.uniform(0, 1, size=(400, 2))
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-(-1.0 + 2.0 * x[:, 0])))).astype(float)
    w = rng.uniform(0.5, 3.0, size=400)

    intercept, beta = logistic_fit(x, y, penalty=1.0, weights=w)
    peer = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(x, y, sample_weight=w)

    assert abs(intercept - peer.intercept_[0]) < 1e-5
    assert np.max(np.abs(beta - peer.coef_[0])) < 1e-5


def test_a_weighted_sample_of_customers_learns_what_all_of_them_would():
    # given 100 conversions and 100,000 customers from one logistic model
    rng = np.random.default_rng(5)
    names = ["revenue", "staff"]
    x = rng.uniform(0, 1, size=(200_000, 2))
    y = rng.uniform(size=200_000) < 1 / (1 + np.exp(-(-9.0 + 3.0 * x[:, 0] + 2.0 * x[:, 1])))
    converted = pd.DataFrame(x[y][:100], columns=names)
    customers = pd.DataFrame(x[~y][:100_000], columns=names)

    # when the radar fits on all customers and on a weighted sample of 10,000
    full = radar_fit(customers=customers, converted=converted, supported=names,
                     max_negatives=200_000)  # fmt: skip
    sampled = radar_fit(customers=customers, converted=converted, supported=names,
                        max_negatives=10_000)  # fmt: skip

    # then the intercept and coefficients agree closely, and both count every customer
    assert (full.negatives, sampled.negatives) == (100_000, 100_000)
    assert abs(full.intercept - sampled.intercept) < 0.3
    for name in names:
        assert abs(full.coefficients[name] - sampled.coefficients[name]) < 0.6
