"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

Purchases follow a Poisson process with rate lambda ~ Gamma(r, alpha) while a customer is
alive; after each repeat purchase the customer drops out with probability p ~ Beta(a, b).
The log-likelihood is the paper's equation (6) in log-space (log-sum-exp of its two terms),
summed over weighted unique (x, t_x, T) histories; its gradient is analytic. The
predictions are the paper's equation (10) (conditional expectation) and Hardie's note 021
(P(alive)), written exactly as lifetimes computes them so the two agree to rounding.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from clientela.analytics.value.fitting import (
    Fit,
    compress,
    maximise,
    row_parts,
    standard_errors,
    summed,
    warm_start_rows,
    wsum,
)

NAMES = ("r", "alpha", "a", "b")


class _Data:
    """Compressed histories; per-frequency sums are precomputed for the x-only terms."""

    def __init__(self, x, t_x, T, weights=None):
        if weights is None:
            (x, t_x, T), counts, _ = compress(x, t_x, T)
        else:
            x, t_x, T = (np.asarray(c, dtype=np.float64) for c in (x, t_x, T))
            counts = np.asarray(weights, dtype=np.float64)
        self.x, self.t_x, self.T, self.w = x, t_x, T, counts
        self.xs, inverse = np.unique(x, return_inverse=True)
        self.wx = np.bincount(inverse, weights=counts)
        self.repeat = x > 0
        self.x1 = np.maximum(x, 1) - 1
        self.total = float(counts.sum())
        self.Ts, self.T_at = np.unique(T, return_inverse=True)
        self.t_xs, self.t_x_at = np.unique(t_x, return_inverse=True)


def log_likelihood(params: np.ndarray, d: _Data, scale: float = 1.0) -> tuple[float, np.ndarray]:
    """Sum of log-likelihoods and its gradient in (r, alpha, a, b); times multiplied by
    `scale` (used to condition the optimisation; alpha is then in scaled units)."""
    r, alpha, a, b = params
    xs, wx = d.xs, d.wx
    per_x = (
        gammaln(r + xs) - gammaln(r) + gammaln(a + b) + gammaln(b + xs) - gammaln(b)
    ) - gammaln(a + b + xs)
    inv_t = (1.0 / (alpha + d.Ts * scale))[d.T_at]
    inv_tx = (1.0 / (alpha + d.t_xs * scale))[d.t_x_at]
    log_t = np.log(alpha + d.Ts * scale)[d.T_at]
    log_tx = np.log(alpha + d.t_xs * scale)[d.t_x_at]
    rx = r + d.x
    a3 = -rx * log_t
    # a4 - a3: the log-odds of "dropped out after the last purchase" against "still alive"
    gap = np.where(d.repeat, np.log(a) - np.log(b + d.x1) - rx * (log_tx - log_t), -np.inf)
    soft = np.log1p(np.exp(np.minimum(gap, 700.0)))
    mix = a3 + np.where(gap > 700.0, gap, soft)
    w = d.w
    value = float(wsum(wx, per_x) + d.total * r * np.log(alpha) + wsum(w, mix))
    w4 = np.where(d.repeat, 1.0 / (1.0 + np.exp(-np.maximum(gap, -700.0))), 0.0)
    w3 = 1.0 - w4
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + xs)
    grad = np.array(
        [
            wsum(wx, digamma(r + xs) - digamma(r))
            + d.total * np.log(alpha)
            - wsum(w, w3 * log_t + w4 * log_tx),
            d.total * r / alpha - wsum(w, rx * (w3 * inv_t + w4 * inv_tx)),
            wsum(wx, psi_ab - psi_abx) + wsum(w, w4) / a,
            wsum(wx, psi_ab + digamma(b + xs) - digamma(b) - psi_abx) - wsum(w, w4 / (b + d.x1)),
        ]
    )
    return value, grad


def bgnbd_fit(*, frequency, recency, T, weights=None) -> Fit:
    """Maximum-likelihood BG/NBD parameters, log-likelihood and standard errors. With
    `weights`, each row stands for that many customers with the same history."""
    d = _Data(frequency, recency, T, weights)
    scale = 1.0 / float(np.max(d.T))
    start = None
    sample = warm_start_rows(len(d.x))
    if sample is not None:
        small = _Data(d.x[sample], d.t_x[sample], d.T[sample], d.w[sample])
        start, _ = maximise(
            model="BG/NBD",
            names=NAMES,
            log_likelihood=lambda p: log_likelihood(p, small, scale),
            total_weight=small.total,
        )
    parts = [_Data(d.x[s], d.t_x[s], d.T[s], d.w[s]) for s in row_parts(len(d.x))]
    scaled, iterations = maximise(
        model="BG/NBD",
        names=NAMES,
        log_likelihood=summed(log_likelihood, parts, scale),
        total_weight=d.total,
        start=start,
    )
    params = scaled.copy()
    params[1] /= scale
    value, _ = log_likelihood(params, d)
    errors = standard_errors(
        model="BG/NBD", names=NAMES, params=params, log_likelihood=summed(log_likelihood, parts)
    )
    return Fit(
        model="bgnbd",
        params=dict(zip(NAMES, map(float, params), strict=True)),
        log_likelihood=value,
        standard_errors=errors,
        converged=True,
        customers=int(d.total),
        iterations=iterations,
    )


def probability_alive(params, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T): 1 for customers without repeat purchases."""
    r, alpha, a, b = params
    x = np.asarray(frequency, dtype=np.float64)
    log_div = (r + x) * np.log((alpha + T) / (alpha + recency)) + np.log(
        a / (b + np.maximum(x, 1) - 1)
    )
    return np.where(x == 0, 1.0, expit(-log_div))


def growth(params, t, x, T) -> np.ndarray:
    """The (x, T) part of equation 10: E[purchases in (T, T + t]] for a customer known to be
    alive, with the Euler transformation of 2F1 where the direct series overflows (as
    lifetimes does)."""
    r, alpha, a, b = params
    _a, _b, _c = r + x, b + x, a + b + x - 1
    z = t / (alpha + T + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ln_hyp = np.log(hyp2f1(_a, _b, _c, z))
        bad = np.isinf(ln_hyp)
        if np.any(bad):
            alt = np.log(hyp2f1(_c - _a, _c - _b, _c, z)) + (_c - _a - _b) * np.log1p(-z)
            ln_hyp = np.where(bad, alt, ln_hyp)
    first = (a + b + x - 1) / (a - 1)
    return first * (1 - np.exp(ln_hyp + (r + x) * np.log((alpha + T) / (alpha + t + T))))


def conditional_expected_purchases(params, t, frequency, recency, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (equation 10) = growth(x, T, t) * P(alive)."""
    x = np.asarray(frequency, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    return growth(params, t, x, T) * probability_alive(params, x, recency, T)


def expected_purchases(params, t) -> np.ndarray:
    """E[X(t)]: expected repeat purchases of a new customer in a period of length t (eq. 9)."""
    r, alpha, a, b = params
    t = np.asarray(t, dtype=np.float64)
    hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - hyp * (alpha / (alpha + t)) ** r)
