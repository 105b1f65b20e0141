"""What both models share: input checks, row compression, maximum likelihood, errors, notes.

Times are in one unit of the caller's choosing; see ``clv_engine.models`` for the meaning of
frequency, recency and T. The engine words nothing: a fit that cannot be made raises
:class:`FitError` (an ``InputError`` with a ``models.*`` code), and a warning about a fit is
a :class:`FitNote` (a code and its details); ``wording.predictive`` turns both into sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clv_engine import errors
from clv_engine.errors import InputError
from clv_engine.models.special import minimize

# Log-parameters are kept inside these bounds: exp(±20) spans 2e-9 .. 5e8, far beyond any
# sensible value; an optimum near a bound means the data cannot pin that parameter down.
_LOG_BOUND = 20.0
_MIN_CUSTOMERS = 10

CODES = errors.declare(
    "models",
    "too_few_customers",
    "no_repeat_visits",
    "no_history",
    "did_not_converge",
    "too_few_repeat_customers",
    "no_customers",
)


class FitError(InputError):
    """No model fit is possible on these data.

    ``reason`` is the short name (``too_few_customers`` ...), ``code`` the declared
    ``models.<reason>`` whose catalogue entry ``error.models.<reason>`` words it;
    ``details`` holds the values the sentence needs.
    """

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(CODES[reason], **details)
        self.reason = reason

    def __reduce__(self):
        return _rebuild_fit_error, (self.reason, self.details)


def _rebuild_fit_error(reason: str, details: dict) -> FitError:
    return FitError(reason, **details)


@dataclass(frozen=True)
class FitNote:
    """A warning about a fit: ``code`` (catalogue ``predictive.note.<code>``) and the values
    its sentence needs."""

    code: str
    details: dict = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **details: object) -> FitNote:
        return cls(code, details)


def _as_array(values: object, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional sequence, got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name}: row {int(np.argmax(bad))} is not a finite number")
    return array


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def check_rfm(frequency: object, recency: object, T: object) -> tuple[np.ndarray, ...]:
    """Validated float arrays (x, t_x, T); ValueError naming the column and row otherwise."""
    x = _as_array(frequency, "frequency")
    t_x = _as_array(recency, "recency")
    age = _as_array(T, "T")
    if not (len(x) == len(t_x) == len(age)):
        raise ValueError(
            f"frequency, recency and T must have the same length ({len(x)}, {len(t_x)}, {len(age)})"
        )
    checks = (
        (x < 0, "frequency", "is negative"),
        (x != np.round(x), "frequency", "is not a whole number of visits"),
        (t_x < 0, "recency", "is negative"),
        (age < 0, "T", "is negative"),
        # A little slack: recency and T computed from the same dates may differ by rounding.
        (t_x > age * (1 + 1e-9) + 1e-9, "recency", "is later than T (the end of observation)"),
        ((x == 0) & (t_x != 0), "recency", "must be 0 for a customer with no repeat visit"),
    )
    for mask, name, problem in checks:
        if mask.any():
            raise ValueError(f"{name}: row {_first_bad(mask)} {problem}")
    return x, np.minimum(t_x, age), age


def compress_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Identical rows merged: (unique columns, counts, inverse index back to the rows).

    Customers with the same (x, t_x, T) contribute the same likelihood term and get the
    same predictions, so each distinct row is evaluated once and weighted by its count.
    Rows are ordered by successive stable sorts, last column first (a least-significant-
    key-first sort): faster than np.lexsort, and far faster than np.unique(axis=0).
    """
    n = len(columns[0])
    if n == 0:
        return [c[:0] for c in columns], np.zeros(0), np.zeros(0, dtype=np.intp)
    order = None
    for column in reversed(columns):
        key = column if order is None else column[order]
        if key.dtype.kind == "f" and np.all(key == np.floor(key)) and np.abs(key).max() < 2**62:
            key = key.astype(np.int64)  # whole numbers (visit counts) sort faster
        step = np.argsort(key, kind="stable")
        order = step if order is None else order[step]
    new_group = np.zeros(n, dtype=bool)
    new_group[0] = True
    for column in columns:
        sorted_column = column[order]
        new_group[1:] |= sorted_column[1:] != sorted_column[:-1]
    group_of_sorted = np.cumsum(new_group) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group_of_sorted
    starts = order[new_group]
    counts = np.bincount(group_of_sorted).astype(float)
    return [c[starts] for c in columns], counts, inverse


# ---------------------------------------------------------------------------------------


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    # Not `u @ v`: BLAS's threaded dot stalls badly when other processes share the cores,
    # and a plain multiply-and-sum is as fast for vectors of this size.
    return float(np.multiply(u, v).sum())


def _maximise(
    value_and_gradient,
    starts: list[np.ndarray],
    total_weight: float,
    bounds: list[tuple[float, float]],
    first_inverse_hessian: np.ndarray | None = None,
) -> tuple[np.ndarray, float, str]:
    """Log-parameters that maximise the likelihood: BFGS from each start in turn, then
    Nelder-Mead from the best point when no gradient run converged cleanly.

    BFGS rather than L-BFGS-B: since scipy 1.15 L-BFGS-B makes LAPACK calls that, with a
    multi-threaded OpenBLAS on a busy machine, cost milliseconds each even for 4 parameters
    (scipy issue 22438); BFGS works in numpy alone. The bounds (far outside any sensible
    value) are enforced by an infinite objective beyond them. The objective is the mean
    negative log-likelihood per customer, so the tolerances mean the same for 2,000
    customers and for a million. ``first_inverse_hessian`` (of that mean objective) starts
    BFGS from the first start with the curvature known, if it is.
    """
    low, high = np.array(bounds, dtype=float).T

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if np.any(theta < low) or np.any(theta > high):
            return np.inf, np.zeros_like(theta)
        with np.errstate(all="ignore"):
            ll, grad = value_and_gradient(theta)
        if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(theta)
        # d/d(log θ) = θ d/dθ
        return -ll / total_weight, -grad * np.exp(theta) / total_weight

    def converged(theta: np.ndarray) -> bool:
        value, grad = objective(theta)
        return bool(np.isfinite(value) and np.max(np.abs(grad)) < 1e-5)

    best: tuple[np.ndarray, float, str] | None = None
    for index, start in enumerate(starts):
        start = np.clip(start, low + 1e-6, high - 1e-6)
        options = {"maxiter": 500, "gtol": 1e-6}
        if index == 0 and first_inverse_hessian is not None:
            options["hess_inv0"] = first_inverse_hessian
        result = minimize(objective, start, jac=True, method="BFGS", options=options)
        if not np.isfinite(result.fun):
            continue
        candidate = (result.x, float(result.fun), f"BFGS, start {index + 1}")
        if best is None or candidate[1] < best[1]:
            best = candidate
        # "Precision loss" (status 2) at a zero gradient is a converged fit too.
        if result.status in (0, 2) and converged(result.x):
            return candidate
    # No clean convergence: the derivative-free simplex is slower but does not need a
    # well-behaved gradient; it starts from the best point found so far.
    origin = best[0] if best is not None else np.clip(starts[0], low, high)
    result = minimize(
        lambda theta: objective(theta)[0],
        origin,
        method="Nelder-Mead",
        options={"maxiter": 20000, "maxfev": 20000, "xatol": 1e-9, "fatol": 1e-13},
    )
    if np.isfinite(result.fun) and (best is None or result.fun <= best[1]):
        best = (result.x, float(result.fun), "Nelder-Mead")
    if best is None:
        raise FitError("did_not_converge")  # the likelihood is not finite anywhere looked
    if not converged(best[0]) and not _on_bound(best[0]).any():
        raise FitError("did_not_converge")  # no stable maximum found
    return best


def _on_bound(theta: np.ndarray) -> np.ndarray:
    # Near the outer bounds, generously (within a factor e^4 = 55 of them): an optimiser
    # walking a flat ridge towards infinity stops wherever its tolerance says.
    return np.abs(theta) > _LOG_BOUND - 4.0


def _covariance_of_logs(value_and_gradient, theta: np.ndarray) -> np.ndarray | None:
    """Inverse of the observed information in log-parameters, by central differences of
    the analytic gradient; None when the likelihood is flat or not concave there."""
    step = 1e-5
    k = len(theta)
    hessian = np.empty((k, k))
    for j in range(k):
        shift = np.zeros(k)
        shift[j] = step
        up = value_and_gradient(theta + shift)[1] * np.exp(theta + shift)
        down = value_and_gradient(theta - shift)[1] * np.exp(theta - shift)
        hessian[:, j] = (up - down) / (2 * step)
    information = -(hessian + hessian.T) / 2
    if not np.all(np.isfinite(information)):
        return None
    try:
        np.linalg.cholesky(information)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.inv(information)


def _polish(value_and_gradient, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """One Newton step from the optimiser's answer, with the observed information that the
    standard errors need anyway: (log-parameters, covariance of them).

    BFGS is stopped at a mean gradient of 1e-6, before its line search runs into the
    rounding of a sum over many customers (where it spends dozens of evaluations for
    nothing); from there one Newton step lands on the optimum to about 1e-9.
    """
    covariance = _covariance_of_logs(value_and_gradient, theta)
    if covariance is None:
        return theta, None
    value, gradient = value_and_gradient(theta)
    step = covariance @ (gradient * np.exp(theta))
    candidate = theta + step
    if np.all(np.abs(candidate) <= _LOG_BOUND):
        with np.errstate(all="ignore"):
            new_value, _ = value_and_gradient(candidate)
        if np.isfinite(new_value) and new_value >= value:
            return candidate, covariance
    return theta, covariance


def _standard_errors(params: np.ndarray, covariance: np.ndarray | None) -> np.ndarray:
    # Delta method: se(θ) = θ · se(log θ).
    if covariance is None:
        return np.full(len(params), np.nan)
    return params * np.sqrt(np.diag(covariance))


# ---------------------------------------------------------------------------------------
# BG/NBD fit and predictions
