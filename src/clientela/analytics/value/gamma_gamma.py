"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note 025).

The value of each transaction is Gamma(p, nu) around a customer's mean, with
nu ~ Gamma(q, gamma) across customers; spend is assumed independent of the purchase process.
It is fitted on repeat buyers only (x > 0, monetary value > 0): the mean of x repeat
transactions m has density Gamma(px+q)/(Gamma(px)Gamma(q)) gamma^q m^(px-1) x^(px) /
(gamma + m x)^(px+q). The gradient is analytic.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from clientela.analytics.value.fitting import (
    Fit,
    maximise,
    row_parts,
    standard_errors,
    summed,
    warm_start_rows,
    wsum,
)

NAMES = ("p", "q", "gamma")


class _Data:
    """Sufficient statistics: the x-only terms per distinct x, sums of logs precomputed; only
    log(gamma + m x) is left per customer."""

    def __init__(self, x, m):
        self.n = float(x.size)
        self.xs, inverse = np.unique(x, return_inverse=True)
        self.wx = np.bincount(inverse).astype(np.float64)
        self.x = x
        self.spend = m * x
        log_m = np.log(m)
        self.sum_log_m = float(log_m.sum())
        self.sum_x_log_mx = float(wsum(x, log_m + np.log(x)))


def log_likelihood(params, d: _Data, scale: float = 1.0) -> tuple[float, np.ndarray]:
    """Sum of log-likelihoods and its gradient in (p, q, gamma); values multiplied by scale."""
    p, q, g = params
    pxs = p * d.xs
    log_gs = np.log(g + d.spend * scale)
    x_log_gs = float(wsum(d.x, log_gs))
    sum_log_gs = float(log_gs.sum())
    inv_gs = 1.0 / (g + d.spend * scale)
    log_scale = np.log(scale)
    sum_x_log_mx = d.sum_x_log_mx + log_scale * wsum(d.xs, d.wx)
    sum_log_m = d.sum_log_m + d.n * log_scale
    value = (
        wsum(d.wx, gammaln(pxs + q) - gammaln(pxs))
        - d.n * gammaln(q)
        + d.n * q * np.log(g)
        + p * sum_x_log_mx
        - sum_log_m
        - p * x_log_gs
        - q * sum_log_gs
    )
    psi = digamma(pxs + q)
    grad = np.array(
        [
            wsum(d.wx, d.xs * (psi - digamma(pxs))) + sum_x_log_mx - x_log_gs,
            wsum(d.wx, psi) - d.n * digamma(q) + d.n * np.log(g) - sum_log_gs,
            d.n * q / g - p * float(wsum(d.x, inv_gs)) - q * float(inv_gs.sum()),
        ]
    )
    return float(value), grad


def gamma_gamma_fit(*, frequency, monetary_value) -> Fit:
    """Maximum-likelihood Gamma-Gamma parameters on the customers with x > 0 and m > 0."""
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    d = _Data(x, m)
    scale = 1.0 / float(np.mean(m))
    start = None
    sample = warm_start_rows(len(x))
    if sample is not None:
        small = _Data(x[sample], m[sample])
        start, _ = maximise(
            model="Gamma-Gamma",
            names=NAMES,
            log_likelihood=lambda p: log_likelihood(p, small, scale),
            total_weight=small.n,
        )
    parts = [_Data(x[s], m[s]) for s in row_parts(len(x))]
    scaled, iterations = maximise(
        model="Gamma-Gamma",
        names=NAMES,
        log_likelihood=summed(log_likelihood, parts, scale),
        total_weight=d.n,
        start=start,
    )
    params = scaled.copy()
    params[2] /= scale
    value, _ = log_likelihood(params, d)
    errors = standard_errors(
        model="Gamma-Gamma",
        names=NAMES,
        params=params,
        log_likelihood=summed(log_likelihood, parts),
    )
    return Fit(
        model="gamma_gamma",
        params=dict(zip(NAMES, map(float, params), strict=True)),
        log_likelihood=value,
        standard_errors=errors,
        converged=True,
        customers=int(d.n),
        iterations=iterations,
    )


def expected_average_spend(params, frequency, monetary_value) -> np.ndarray:
    """E[mean transaction value | x, m]: a weighted average of the customer's own mean and the
    population mean p gamma / (q - 1) (the latter alone for customers without repeats)."""
    p, q, g = params
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    individual = p * x / (p * x + q - 1)
    return (1 - individual) * g * p / (q - 1) + individual * m
