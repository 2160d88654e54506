"""The value models against published references and against lifetimes.

Reference numbers come from Fader, Hardie & Lee (2005) and from the expectations lifetimes'
own test suite takes from Hardie's spreadsheets and the BTYD walkthrough; none of them were
produced by running this code.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.generate_data import beta_geometric_nbd_model

from clientela.analytics.value import bgnbd, gamma_gamma, pareto, value_score
from clientela.core.errors import ApplicationError

PAPER_BGNBD = (0.243, 4.414, 0.793, 2.426)


def _fit_args(summary):
    return {
        "frequency": summary["frequency"].to_numpy(),
        "recency": summary["recency"].to_numpy(),
        "T": summary["T"].to_numpy(),
    }


def test_bgnbd_reproduces_the_paper(cdnow_summary):
    fit = bgnbd.bgnbd_fit(**_fit_args(cdnow_summary))
    assert {k: round(v, 4) for k, v in fit.params.items()} == {
        "r": 0.2426,
        "alpha": 4.4136,
        "a": 0.7929,
        "b": 2.4259,
    }
    assert round(fit.log_likelihood, 2) == -9582.43
    assert fit.customers == 2357
    assert fit.converged is True


def test_pareto_nbd_reproduces_the_paper(cdnow_summary):
    fit = pareto.pareto_fit(**_fit_args(cdnow_summary))
    assert {k: round(v, 3) for k, v in fit.params.items()} == {
        "r": 0.553,
        "alpha": 10.578,
        "s": 0.606,
        "beta": 11.669,
    }
    assert round(fit.log_likelihood, 1) == -9595.0


def test_gamma_gamma_reproduces_the_paper(cdnow_summary):
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    fit = gamma_gamma.gamma_gamma_fit(
        frequency=repeat["frequency"].to_numpy(), monetary_value=repeat["monetary_value"].to_numpy()
    )
    assert fit.customers == 946
    assert {k: round(v, 2) for k, v in fit.params.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_bgnbd_conditional_expectation_matches_hardie_spreadsheet():
    value = bgnbd.conditional_expected_purchases(PAPER_BGNBD, 39, 2, 30.43, 38.86)
    assert round(float(value), 3) == 1.226


def test_bgnbd_expectation_matches_hardie_spreadsheet(cdnow_summary):
    fit = bgnbd.bgnbd_fit(**_fit_args(cdnow_summary))
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    np.testing.assert_allclose(bgnbd.expected_purchases(fit.values(), times), expected, atol=5e-4)


def test_pareto_nbd_matches_btyd_walkthrough(cdnow_summary):
    # P(alive) with the walkthrough's parameters; E[Y(52)] with the fitted ones
    btyd = (0.5534, 10.5802, 0.6061, 11.6562)
    assert round(float(pareto.probability_alive(btyd, 26.0, 30.86, 31.0)), 4) == 0.9979
    fit = pareto.pareto_fit(**_fit_args(cdnow_summary))
    value = pareto.conditional_expected_purchases(fit.values(), 52, 26.0, 30.86, 31.0)
    assert round(float(value), 2) == 25.46


def test_gamma_gamma_expected_spend_matches_hardie_spreadsheet(cdnow_summary):
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    fit = gamma_gamma.gamma_gamma_fit(
        frequency=repeat["frequency"].to_numpy(), monetary_value=repeat["monetary_value"].to_numpy()
    )
    first_ten = cdnow_summary.head(10)
    spend = gamma_gamma.expected_average_spend(
        fit.values(), first_ten["frequency"], first_ten["monetary_value"]
    )
    expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    np.testing.assert_allclose(spend, expected, atol=0.005)


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    """5,000 BG/NBD customers (r=0.5, alpha=6, a=0.6, b=3) over 26..52 weeks, Gamma-Gamma
    spend (p=5, q=4, gamma=20); seeded."""
    np.random.seed(20240601)
    ages = np.random.uniform(26, 52, 5000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = beta_geometric_nbd_model(ages, 0.5, 6.0, 0.6, 3.0, size=5000)
    rng = np.random.default_rng(7)
    x = data["frequency"].to_numpy()
    nu = rng.gamma(4.0, 1 / 20.0, size=len(x))
    means = np.array(
        [rng.gamma(5.0 * n, 1 / (5.0 * v)) if n > 0 else 0.0 for n, v in zip(x, nu, strict=True)]
    )
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(x))],
            "frequency": x.astype(float),
            "recency": data["recency"].to_numpy(),
            "T": data["T"].to_numpy(),
            "monetary_value": means,
        }
    )


@pytest.mark.parametrize(
    ("model", "fitter"), [("bgnbd", BetaGeoFitter), ("pareto", ParetoNBDFitter)]
)
def test_synthetic_fit_and_predictions_agree_with_lifetimes(synthetic, model, fitter):
    # given our scores and lifetimes' on the same summary
    result = value_score(synthetic, model=model, period="week", expected_days=91)
    x, t_x, T, m = (synthetic[c] for c in ("frequency", "recency", "T", "monetary_value"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = fitter().fit(x, t_x, T, tol=1e-10)
        repeat = synthetic[x > 0]
        spend = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
        clv = spend.customer_lifetime_value(
            theirs, x, t_x, T, m, time=12, discount_rate=0.01, freq="W"
        )
    # then parameters and every customer's prediction agree to 1e-5 relative
    np.testing.assert_allclose(result.purchase_fit.values(), theirs.params_.to_numpy(), rtol=1e-5)
    np.testing.assert_allclose(result.spend_fit.values(), spend.params_.to_numpy(), rtol=1e-5)
    ours = result.per_customer
    np.testing.assert_allclose(
        ours["p_alive"], np.asarray(theirs.conditional_probability_alive(x, t_x, T)), rtol=1e-5
    )
    np.testing.assert_allclose(
        ours["expected_purchases"],
        theirs.conditional_expected_number_of_purchases_up_to_time(13, x, t_x, T),
        rtol=1e-5,
    )
    np.testing.assert_allclose(ours["clv"], clv.to_numpy(), rtol=1e-5)
    assert list(ours.columns) == ["customer_id", "p_alive", "expected_purchases", "clv"]


def test_a_single_customer_is_refused():
    summary = pd.DataFrame(
        {
            "customer_id": ["c"],
            "frequency": [1.0],
            "recency": [2.0],
            "T": [5.0],
            "monetary_value": [10.0],
        }
    )
    with pytest.raises(ApplicationError) as caught:
        value_score(summary)
    assert caught.value.message == "summary: at least 2 customers are needed to fit a model, got 1"


def test_missing_and_negative_monetary_values_are_refused(synthetic):
    broken = synthetic.copy()
    broken.loc[3, "monetary_value"] = np.nan
    with pytest.raises(ApplicationError) as caught:
        value_score(broken)
    assert caught.value.message == "monetary_value: has missing values"
    broken.loc[3, "monetary_value"] = -1.0
    with pytest.raises(ApplicationError) as caught:
        value_score(broken)
    assert caught.value.message == "monetary_value: must not be negative"


def test_a_fit_that_cannot_converge_says_so():
    # given customers who never came back: nothing identifies the dropout process
    summary = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "frequency": [0.0] * 3,
            "recency": [0.0] * 3,
            "T": [10.0, 20.0, 30.0],
            "monetary_value": [0.0] * 3,
        }
    )
    with pytest.raises(ApplicationError) as caught:
        value_score(summary)
    assert caught.value.code == "validation_error"
    assert caught.value.message == (
        "BG/NBD: the maximum-likelihood fit did not converge (the likelihood is flat at the "
        "point reached): the data do not determine the model's parameters"
    )


def test_spend_model_mean_values_spend_by_each_customers_own_mean(cdnow_summary):
    # given the CDNOW summary scored with and without Gamma-Gamma
    with_gg = value_score(cdnow_summary)
    by_mean = value_score(cdnow_summary, spend_model="mean")
    # then the purchase side is identical and no spend model was fitted
    assert by_mean.spend_fit is None
    assert with_gg.spend_fit is not None
    np.testing.assert_array_equal(
        by_mean.per_customer["p_alive"].to_numpy(), with_gg.per_customer["p_alive"].to_numpy()
    )
    # and CLV / spend is the same discounted purchase count for every customer with the same
    # history: spend is the customer's own mean repeat value, else the repeat buyers' mean
    m = cdnow_summary["monetary_value"].to_numpy()
    repeat_mean = m[m > 0].mean()
    spend = np.where(m > 0, m, repeat_mean)
    discounted = by_mean.per_customer["clv"].to_numpy() / spend
    histories = cdnow_summary[["frequency", "recency", "T"]].round(9)
    spread = pd.Series(discounted).groupby([histories[c] for c in histories]).agg(np.ptp)
    assert spread.max() < 1e-9


def test_an_unknown_spend_model_is_refused(cdnow_summary):
    with pytest.raises(ApplicationError) as info:
        value_score(cdnow_summary, spend_model="median")
    assert info.value.message == "spend_model: must be gamma_gamma or mean"
