"""Maximum-likelihood machinery shared by the purchase and spend models.

Guarantees:
- a fit minimises the mean negative log-likelihood over log-parameters with L-BFGS-B and the
  model's analytic gradient, so the parameters stay positive without bounds;
- identical customer histories are compressed into one row with a weight (exact: the
  log-likelihood is a sum over customers), which is what makes a million customers cheap;
- the standard errors come from the inverse Hessian of the negative log-likelihood at the
  optimum, in the natural parameters (central differences of the analytic gradient);
- a fit whose optimiser stops without converging raises ApplicationError (VALIDATION) saying
  so, instead of returning numbers nobody should trust.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from clientela.core.errors import ApplicationError, ErrorCode

WARM_START_ROWS = 50_000  # above this, a fit starts from the optimum of a seeded subsample
GRADIENT_TOLERANCE = 1e-6  # on the mean log-likelihood's gradient in log-parameters

# (log-likelihood sum, gradient of the sum in the natural parameters)
LogLikelihood = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class Fit:
    """A fitted model: natural parameters, log-likelihood at the optimum, standard errors."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    standard_errors: dict[str, float]
    converged: bool
    customers: int
    iterations: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def values(self) -> tuple[float, ...]:
        return tuple(self.params.values())


def wsum(weights: np.ndarray, values: np.ndarray) -> float:
    """sum(weights * values). Not np.dot: a BLAS call per evaluation costs more in thread
    wake-ups than the arithmetic on a busy two-core machine (measured: 50x slower)."""
    return float(np.sum(np.multiply(weights, values)))


def compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Unique rows of the given columns, their counts (as float weights) and the inverse index
    (unique[inverse] rebuilds the input)."""
    stacked = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    keys = _integer_keys(stacked)
    if keys is None:
        keys = (
            np.ascontiguousarray(stacked)
            .view(np.dtype((np.void, stacked.dtype.itemsize * stacked.shape[1])))
            .ravel()
        )
    _, first, inverse, counts = np.unique(
        keys, return_index=True, return_inverse=True, return_counts=True
    )
    unique = stacked[first]
    return [unique[:, i] for i in range(stacked.shape[1])], counts.astype(np.float64), inverse


def _integer_keys(stacked: np.ndarray) -> np.ndarray | None:
    """One int64 key per row when every column holds whole numbers of days or weeks (value x
    1 or x 7 is an integer that divides back to exactly the same float), which is what the
    RFM summary produces; sorting one int64 column is several times faster than sorting rows
    of bytes. None when the columns do not allow it (the caller falls back)."""
    key = np.zeros(len(stacked), dtype=np.int64)
    span = 1
    for column in stacked.T:
        for multiplier in (1, 7):
            scaled = np.rint(column * multiplier)
            if np.array_equal(scaled / multiplier, column) and scaled.min(initial=0) >= 0:
                break
        else:
            return None
        width = int(scaled.max(initial=0)) + 1
        if span * width >= 2**62:
            return None
        key += scaled.astype(np.int64) * span
        span *= width
    return key


def maximise(
    *,
    model: str,
    names: tuple[str, ...],
    log_likelihood: LogLikelihood,
    total_weight: float,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """The natural parameters maximising `log_likelihood`, and the optimiser's iteration count.
    Raises ApplicationError when the optimiser does not converge."""

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            value, gradient = log_likelihood(params)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros_like(log_params)
        return -value / total_weight, -gradient * params / total_weight

    x0 = np.zeros(len(names)) if start is None else np.log(start)
    result = minimize(
        objective,
        x0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9, "maxcor": 20},
    )
    value, gradient = objective(result.x)
    worst = float(np.max(np.abs(gradient))) if np.isfinite(value) else np.inf
    if not np.isfinite(value) or worst > GRADIENT_TOLERANCE or np.any(np.abs(result.x) > 30):
        raise ApplicationError(
            ErrorCode.VALIDATION,
            f"{model}: the maximum-likelihood fit did not converge "
            f"({result.message}; largest gradient {worst:.3g}): the data do not determine "
            "the model's parameters",
            {"model": model, "rule": "fit.not_converged"},
        )
    return np.exp(result.x), int(result.nit)


def standard_errors(
    *, model: str, names: tuple[str, ...], params: np.ndarray, log_likelihood: LogLikelihood
) -> dict[str, float]:
    """Square roots of the diagonal of the inverse observed information. A Hessian that is not
    positive definite means the optimiser stopped on a flat ridge, not at a maximum: that is
    a fit that did not converge, and raises ApplicationError."""
    k = len(params)
    hessian = np.empty((k, k))
    for i in range(k):
        step = 1e-5 * params[i]
        up, down = params.copy(), params.copy()
        up[i] += step
        down[i] -= step
        hessian[i] = -(log_likelihood(up)[1] - log_likelihood(down)[1]) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    try:
        np.linalg.cholesky(hessian)
        variances = np.diag(np.linalg.inv(hessian))
    except np.linalg.LinAlgError:
        variances = np.full(k, np.nan)
    if not np.all(np.isfinite(variances)) or np.any(variances <= 0):
        raise ApplicationError(
            ErrorCode.VALIDATION,
            f"{model}: the maximum-likelihood fit did not converge (the likelihood is flat "
            "at the point reached): the data do not determine the model's parameters",
            {"model": model, "rule": "fit.not_converged"},
        )
    return {name: float(np.sqrt(v)) for name, v in zip(names, variances, strict=True)}


def warm_start_rows(rows: int) -> np.ndarray | None:
    """The rows of a seeded subsample to fit first (None when the data are small): the full
    fit then starts next to its optimum and needs a few iterations instead of dozens. The
    result is still the full data's optimum; only the path to it changes."""
    if rows <= WARM_START_ROWS:
        return None
    return np.sort(np.random.default_rng(0).choice(rows, WARM_START_ROWS // 2, replace=False))


# Below this many rows a log-likelihood is evaluated in one piece: threads cost more than
# they save.
PARALLEL_ROWS = 200_000
_POOL: ThreadPoolExecutor | None = None


def row_parts(rows: int) -> list[slice]:
    """Contiguous slices splitting `rows` into one part per core (one part when small)."""
    parts = min(os.cpu_count() or 1, 4) if rows >= PARALLEL_ROWS else 1
    edges = np.linspace(0, rows, parts + 1).astype(int)
    return [slice(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def summed(log_likelihood, parts: list, *args):
    """A log-likelihood over the union of `parts` (row subsets of one data set): each part is
    evaluated in a thread and values and gradients are added. Exact, because the
    log-likelihoods are sums over customers; faster, because numpy's array arithmetic
    releases the GIL, so the parts run on all cores."""
    global _POOL
    if len(parts) == 1:
        return lambda p: log_likelihood(p, parts[0], *args)
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="clientela-fit")

    def total(p):
        results = list(_POOL.map(lambda part: log_likelihood(p, part, *args), parts))
        return sum(r[0] for r in results), sum(r[1] for r in results)

    return total
