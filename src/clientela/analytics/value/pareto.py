"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader & Hardie's note
"A note on deriving the Pareto/NBD model and related expressions" (2005).

Purchases follow a Poisson process with rate lambda ~ Gamma(r, alpha) during an exponential
lifetime with rate mu ~ Gamma(s, beta). The likelihood's second term is s * I with

    I = integral from t_x to T of (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy
      = J(t_x) - J(T),  J(t) = 2F1(r+s+x, .; r+s+x+1; z(t)) / ((r+s+x) (max + t)^(r+s+x))

written, as in the note and in lifetimes, with the larger of alpha and beta in front so that
the hypergeometric argument z stays in [0, 1). Everything is in log-space. The gradient in
alpha and beta is analytic (the derivative of I is the same integral with the exponent raised
by one, again a 2F1); the derivative of I in its exponents (r and s) has no closed form and is
taken by central differences of the 2F1 expression (relative error ~1e-9).
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from clientela.analytics.value.fitting import Fit, compress, maximise, standard_errors, wsum

NAMES = ("r", "alpha", "s", "beta")
STEP = 1e-5


def _log_j(p, q, alpha, beta, t):
    """log of the integral from t to infinity of (alpha + y)^-p (beta + y)^-q dy."""
    c = p + q - 1
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        return np.log(hyp2f1(c, q, c + 1, z)) - c * np.log(alpha + t) - np.log(c)
    z = (beta - alpha) / (beta + t)
    return np.log(hyp2f1(c, p, c + 1, z)) - c * np.log(beta + t) - np.log(c)


def _log_i(p, q, alpha, beta, t_x, T):
    """log(J(t_x) - J(T)); -inf when t_x == T (nothing to integrate)."""
    upper = _log_j(p, q, alpha, beta, t_x)
    lower = _log_j(p, q, alpha, beta, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(T > t_x, upper + np.log1p(-np.exp(lower - upper)), -np.inf)


class _Data:
    def __init__(self, x, t_x, T, weights=None):
        if weights is None:
            (x, t_x, T), counts, _ = compress(x, t_x, T)
        else:
            x, t_x, T = (np.asarray(c, dtype=np.float64) for c in (x, t_x, T))
            counts = np.asarray(weights, dtype=np.float64)
        self.x, self.t_x, self.T, self.w = x, t_x, T, counts
        self.total = float(counts.sum())
        self.open = T > t_x


def _terms(params, x, t_x, T):
    r, alpha, s, beta = params
    l1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_i = _log_i(r + x, s + 1, alpha, beta, t_x, T)
    mix = np.logaddexp(l1, np.log(s) + log_i)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return head, l1, log_i, mix


def log_likelihood(params: np.ndarray, d: _Data, scale: float = 1.0) -> tuple[float, np.ndarray]:
    """Sum of log-likelihoods and its gradient in (r, alpha, s, beta)."""
    with np.errstate(all="ignore"):
        return _log_likelihood(params, d, scale)


def _log_likelihood(params, d: _Data, scale: float) -> tuple[float, np.ndarray]:
    r, alpha, s, beta = params
    x, w, t_x, T = d.x, d.w, d.t_x * scale, d.T * scale
    head, l1, log_i, mix = _terms(params, x, t_x, T)
    value = float(wsum(w, head + mix))
    w1 = np.exp(l1 - mix)
    w2 = np.where(d.open, 1.0 - w1, 0.0)
    p, q = r + x, s + 1

    def ratio(log_other):
        return np.where(d.open, np.exp(np.where(d.open, log_other - log_i, 0.0)), 0.0)

    d_alpha = -p * ratio(_log_i(p + 1, q, alpha, beta, t_x, T))
    d_beta = -q * ratio(_log_i(p, q + 1, alpha, beta, t_x, T))
    hp, hq = STEP * p, STEP * q
    d_p = (
        ratio(_log_i(p + hp, q, alpha, beta, t_x, T))
        - ratio(_log_i(p - hp, q, alpha, beta, t_x, T))
    ) / (2 * hp)
    d_q = (
        ratio(_log_i(p, q + hq, alpha, beta, t_x, T))
        - ratio(_log_i(p, q - hq, alpha, beta, t_x, T))
    ) / (2 * hq)
    grad = np.array(
        [
            wsum(
                w, digamma(r + x) - digamma(r) + np.log(alpha) - w1 * np.log(alpha + T) + w2 * d_p
            ),
            wsum(w, r / alpha - w1 * (r + x) / (alpha + T) + w2 * d_alpha),
            wsum(w, np.log(beta) - w1 * np.log(beta + T) + w2 * (1 / s + d_q)),
            wsum(w, s / beta - w1 * s / (beta + T) + w2 * d_beta),
        ]
    )
    return value, grad


def pareto_fit(*, frequency, recency, T, weights=None) -> Fit:
    """Maximum-likelihood Pareto/NBD parameters, log-likelihood and standard errors. With
    `weights`, each row stands for that many customers with the same history."""
    d = _Data(frequency, recency, T, weights)
    scale = 1.0 / float(np.max(d.T))
    scaled, iterations = maximise(
        model="Pareto/NBD",
        names=NAMES,
        log_likelihood=lambda p: log_likelihood(p, d, scale),
        total_weight=d.total,
    )
    params = scaled.copy()
    params[1] /= scale
    params[3] /= scale
    value, _ = log_likelihood(params, d)
    errors = standard_errors(
        model="Pareto/NBD",
        names=NAMES,
        params=params,
        log_likelihood=lambda p: log_likelihood(p, d),
    )
    return Fit(
        model="pareto",
        params=dict(zip(NAMES, map(float, params), strict=True)),
        log_likelihood=value,
        standard_errors=errors,
        converged=True,
        customers=int(d.total),
        iterations=iterations,
    )


def probability_alive(params, frequency, recency, T) -> np.ndarray:
    """P(alive | x, t_x, T): the share of the likelihood's first (still alive) term."""
    x = np.asarray(frequency, dtype=np.float64)
    _, l1, _, mix = _terms(params, x, np.asarray(recency, float), np.asarray(T, float))
    return np.exp(l1 - mix)


def growth(params, t, x, T) -> np.ndarray:
    """The (x, T) part of the conditional expectation: E[purchases in (T, T + t]] for a
    customer known to be alive."""
    r, alpha, s, beta = params
    factor = (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) / (s - 1)
    return (r + x) * (beta + T) / (alpha + T) * factor


def conditional_expected_purchases(params, t, frequency, recency, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (Fader-Hardie note, equation 22)."""
    x = np.asarray(frequency, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    return probability_alive(params, x, recency, T) * growth(params, t, x, T)
