import numpy as np

from clientela.analytics.value.fitting import compress


def _rows(columns):
    return sorted(zip(*(c.tolist() for c in columns), strict=True))


def test_compress_on_whole_days_and_weeks_rebuilds_the_input_exactly():
    # given summary-like columns: whole repeat counts, times in days / 7
    x = np.array([0.0, 2.0, 2.0, 5.0, 0.0, 2.0])
    t_x = np.array([0, 3, 3, 10, 0, 3]) / 7
    T = np.array([14, 20, 20, 30, 14, 21]) / 7
    # when compressed
    (ux, ut_x, uT), weights, inverse = compress(x, t_x, T)
    # then every row comes back and each unique history is counted once with its weight
    assert np.array_equal(ux[inverse], x)
    assert np.array_equal(ut_x[inverse], t_x)
    assert np.array_equal(uT[inverse], T)
    expected = [(0.0, 0.0, 2.0, 2.0), (2.0, 3 / 7, 20 / 7, 2.0), (2.0, 3 / 7, 3.0, 1.0),
                (5.0, 10 / 7, 30 / 7, 1.0)]  # fmt: skip
    assert _rows([ux, ut_x, uT, weights]) == expected


def test_compress_falls_back_to_row_bytes_for_other_values():
    # given times that are not whole days or weeks (and a negative one)
    x = np.array([1.0, 1.0, 3.0])
    t_x = np.array([0.123, 0.123, -0.5])
    T = np.array([2.5, 2.5, 2.5])
    (ux, ut_x, uT), weights, inverse = compress(x, t_x, T)
    assert np.array_equal(ut_x[inverse], t_x)
    assert _rows([ux, ut_x, uT, weights]) == [(1.0, 0.123, 2.5, 2.0), (3.0, -0.5, 2.5, 1.0)]


def test_a_log_likelihood_summed_over_row_parts_equals_the_whole(cdnow_summary):
    from clientela.analytics.value import bgnbd, gamma_gamma
    from clientela.analytics.value.fitting import summed

    # given the CDNOW histories split into three parts of rows
    x, t_x, T, m = (cdnow_summary[c].to_numpy(dtype=float)
                    for c in ("frequency", "recency", "T", "monetary_value"))  # fmt: skip
    cuts = [slice(0, 700), slice(700, 1500), slice(1500, None)]
    whole = bgnbd._Data(x, t_x, T, np.ones_like(x))
    parts = [bgnbd._Data(x[s], t_x[s], T[s], np.ones_like(x[s])) for s in cuts]
    params = np.array([0.2426, 4.4136, 0.7929, 2.4259])
    # then values and gradients agree with the one-piece evaluation (threads included)
    value, grad = summed(bgnbd.log_likelihood, parts)(params)
    expected_value, expected_grad = bgnbd.log_likelihood(params, whole)
    assert abs(value - expected_value) <= 1e-9 * abs(expected_value)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-9)
    assert round(value, 2) == -9582.43  # the paper's log-likelihood at its parameters

    repeat = (x > 0) & (m > 0)
    xr, mr = x[repeat], m[repeat]
    gg_parts = [gamma_gamma._Data(xr[s], mr[s]) for s in (slice(0, 400), slice(400, None))]
    gg_params = np.array([6.25, 3.74, 15.44])
    value, grad = summed(gamma_gamma.log_likelihood, gg_parts)(gg_params)
    expected_value, expected_grad = gamma_gamma.log_likelihood(gg_params, gamma_gamma._Data(xr, mr))
    assert abs(value - expected_value) <= 1e-9 * abs(expected_value)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-9)
