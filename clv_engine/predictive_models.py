"""BG/NBD visits and Gamma-Gamma spend: the probabilistic models behind predictive CLV.

Numpy and scipy only. Everything here works on per-customer arrays:

- ``frequency`` x: repeat visits (visits after the first) in the observation window;
- ``recency`` t_x: time of the last visit, measured from the first visit;
- ``T``: age, time from the first visit to the end of the window;
- ``mean_value``: mean spend (or gross profit) per repeat visit.

Times are in one unit of the caller's choosing (weeks for CDNOW, weeks or days from the
order table). The references are Fader, Hardie & Lee (2005), "Counting your customers the
easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2) for BG/NBD, and
Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note 025) for the spend.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1

# Log-parameters are kept inside these bounds: exp(±20) spans 2e-9 .. 5e8, far beyond any
# sensible value; an optimum near a bound means the data cannot pin that parameter down.
_LOG_BOUND = 20.0
_MIN_CUSTOMERS = 10


class FitError(ValueError):
    """No model fit is possible on these data; ``str(error)`` is written for the user.

    ``reason`` is a short code a page can translate (``predictive.fit_error.<reason>``),
    ``details`` the values its message needs.
    """

    def __init__(self, message: str, reason: str, **details: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class FitNote(str):
    """A warning about a fit: the English text, plus ``code`` and ``details`` for a page
    that shows it in another language (``predictive.note.<code>``)."""

    code: str
    details: dict

    def __new__(cls, message: str, code: str = "", **details: object) -> FitNote:
        note = super().__new__(cls, message)
        note.code = code
        note.details = details
        return note


class BGNBDParams(NamedTuple):
    """Population parameters of BG/NBD: visit rate ~ Gamma(r, alpha), dropout ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


class GammaGammaParams(NamedTuple):
    """Spend per visit ~ Gamma(p, nu) for each customer, nu ~ Gamma(q, gamma) across them."""

    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD model with its uncertainty and how the fit went."""

    params: BGNBDParams
    standard_errors: BGNBDParams          # NaN where the likelihood is flat (see warnings)
    log_likelihood: float
    n_customers: int
    n_unique_rows: int                    # distinct (x, t_x, T) rows after compression
    method: str                           # the optimiser and start that gave the optimum
    covariance_log: np.ndarray = field(repr=False)  # of log-parameters (r, alpha, a, b)
    warnings: tuple[FitNote, ...] = ()


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model."""

    params: GammaGammaParams
    standard_errors: GammaGammaParams
    log_likelihood: float
    n_customers: int
    method: str
    spend_frequency_pearson: float
    spend_frequency_spearman: float
    covariance_log: np.ndarray = field(repr=False)
    warnings: tuple[FitNote, ...] = ()

    @property
    def mean_value_per_visit(self) -> float:
        """Population mean spend per visit, p * gamma / (q - 1) (infinite when q <= 1)."""
        p, q, gamma = self.params
        return p * gamma / (q - 1.0) if q > 1.0 else float("inf")


# ---------------------------------------------------------------------------------------
# Input checks and row compression
# ---------------------------------------------------------------------------------------

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
            key = key.astype(np.int64)          # whole numbers (visit counts) sort faster
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
# BG/NBD likelihood
# ---------------------------------------------------------------------------------------

class _BGNBDData:
    """The data in the shape the likelihood needs, prepared once per fit.

    The log-likelihood of one customer is
        ln A1 + ln A2 + ln(A3 + [x > 0] A4)
    with A1 = Γ(r+x) α^r / Γ(r), A2 = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
    A3 = (α+T)^-(r+x), A4 = a / (b+x-1) (α+t_x)^-(r+x)  (FHL 2005, eq. 6).
    A1 and A2 depend on x only, so the gamma functions are evaluated once per distinct x
    and weighted by how many customers have it; only the logs of A3 and A4 are per row.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray) -> None:
        self.total_weight = float(w.sum())
        self.x_values, x_index = np.unique(x, return_inverse=True)
        self.x_weight = np.bincount(x_index, weights=w, minlength=len(self.x_values))
        repeat = x > 0
        self.T0, self.w0 = age[~repeat], w[~repeat]
        self.x1, self.tx1, self.T1, self.w1 = x[repeat], t_x[repeat], age[repeat], w[repeat]
        self.x1_index = x_index[repeat]

    def value_and_gradient(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        """Total log-likelihood and its gradient with respect to (r, alpha, a, b)."""
        r, alpha, a, b = np.exp(log_params)
        xv, wx, W = self.x_values, self.x_weight, self.total_weight
        ll = _dot(wx, gammaln(r + xv) - gammaln(r) + gammaln(a + b) + gammaln(b + xv)
                  - gammaln(b) - gammaln(a + b + xv)) + W * r * np.log(alpha)
        g_r = _dot(wx, digamma(r + xv) - digamma(r)) + W * np.log(alpha)
        g_alpha = W * r / alpha
        g_a = _dot(wx, digamma(a + b) - digamma(a + b + xv))
        g_b = _dot(wx, digamma(a + b) + digamma(b + xv) - digamma(b) - digamma(a + b + xv))

        # Customers without a repeat visit: only A3 = (α+T)^-r.
        log_T0 = np.log(alpha + self.T0)
        ll -= r * _dot(self.w0, log_T0)
        g_r -= _dot(self.w0, log_T0)
        g_alpha -= r * _dot(self.w0, 1.0 / (alpha + self.T0))

        # Repeat customers: ln(A3 + A4) = ln A3 + softplus(ln A4 - ln A3), never exponentiated
        # on its own, so a large x cannot overflow.
        with np.errstate(divide="ignore"):
            log_b_x1 = np.log(b + xv - 1.0)          # -inf for x = 0, never used
        rx = r + self.x1
        log_T1 = np.log(alpha + self.T1)
        log_ratio = log_T1 - np.log(alpha + self.tx1)
        diff = (np.log(a) - log_b_x1[self.x1_index]) + rx * log_ratio
        # softplus(d) and its derivative expit(d) from one exp(-|d|): twice as fast as
        # np.logaddexp + scipy's expit, and as exact for the sums they enter.
        e = np.exp(-np.abs(diff))
        one_plus_e = 1.0 + e
        softplus = np.maximum(diff, 0.0) + np.log(one_plus_e)
        share4 = np.where(diff > 0, 1.0, e) / one_plus_e     # A4 / (A3 + A4)
        w1 = self.w1
        ll += _dot(w1, softplus - rx * log_T1)
        w_share4 = w1 * share4
        g_r -= _dot(w1, log_T1) - _dot(w_share4, log_ratio)
        g_alpha -= _dot(w1 * rx, (1.0 - share4) / (alpha + self.T1)
                        + share4 / (alpha + self.tx1))
        g_a += w_share4.sum() / a
        inv_b_x1 = np.where(xv > 0, 1.0 / np.maximum(b + xv - 1.0, 1e-300), 0.0)
        g_b -= _dot(np.bincount(self.x1_index, weights=w_share4, minlength=len(xv)), inv_b_x1)
        return float(ll), np.array([g_r, g_alpha, g_a, g_b])


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    # Not `u @ v`: BLAS's threaded dot stalls badly when other processes share the cores,
    # and a plain multiply-and-sum is as fast for vectors of this size.
    return float(np.multiply(u, v).sum())


def bgnbd_log_likelihood(params: BGNBDParams | tuple[float, float, float, float],
                         frequency: object, recency: object, T: object,
                         weights: object | None = None) -> float:
    """Total BG/NBD log-likelihood of the customers at ``params`` (r, alpha, a, b)."""
    x, t_x, age = check_rfm(frequency, recency, T)
    w = np.ones_like(x) if weights is None else _as_array(weights, "weights")
    if np.any(np.asarray(params, dtype=float) <= 0):
        raise ValueError("params: r, alpha, a and b must all be positive")
    value, _ = _BGNBDData(x, t_x, age, w).value_and_gradient(np.log(np.asarray(params, float)))
    return value


# ---------------------------------------------------------------------------------------
# Maximum likelihood, shared by both models
# ---------------------------------------------------------------------------------------

def _maximise(value_and_gradient, starts: list[np.ndarray], total_weight: float,
              bounds: list[tuple[float, float]],
              first_inverse_hessian: np.ndarray | None = None) -> tuple[np.ndarray, float, str]:
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
    result = minimize(lambda theta: objective(theta)[0], origin, method="Nelder-Mead",
                      options={"maxiter": 20000, "maxfev": 20000, "xatol": 1e-9, "fatol": 1e-13})
    if np.isfinite(result.fun) and (best is None or result.fun <= best[1]):
        best = (result.x, float(result.fun), "Nelder-Mead")
    if best is None:
        raise FitError(
            "The model could not be fitted: the likelihood is not finite anywhere the "
            "optimiser looked. Check the data for extreme values.",
            reason="did_not_converge",
        )
    if not converged(best[0]) and not _on_bound(best[0]).any():
        raise FitError(
            "The model fit did not converge: no optimiser found a stable maximum of the "
            "likelihood on these data.",
            reason="did_not_converge",
        )
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
# ---------------------------------------------------------------------------------------

def fit_bgnbd(frequency: object, recency: object, T: object, weights: object | None = None,
              *, min_customers: int = _MIN_CUSTOMERS) -> BGNBDFit:
    """Maximum likelihood BG/NBD fit. Raises FitError when the data cannot support one."""
    x, t_x, age = check_rfm(frequency, recency, T)
    w = np.ones_like(x) if weights is None else _as_array(weights, "weights")
    if len(w) != len(x):
        raise ValueError(f"weights: length {len(w)} differs from frequency ({len(x)})")
    if np.any(w < 0):
        raise ValueError(f"weights: row {_first_bad(w < 0)} is negative")
    n_customers = float(w.sum())
    if n_customers < min_customers:
        raise FitError(
            f"Too few customers to fit the visit model: {n_customers:,.0f} "
            f"(at least {min_customers} are needed).",
            reason="too_few_customers", n=int(n_customers), minimum=min_customers,
        )
    repeaters = float(w[x > 0].sum())
    if repeaters == 0:
        raise FitError(
            "No customer has come back for a second visit yet, so there is nothing to learn "
            "the visit rate or the dropout from. Choose a later date or more history.",
            reason="no_repeat_visits", n=int(n_customers),
        )
    if float(w[age > 0].sum()) == 0:
        raise FitError("Every customer was first seen on the as-of date: no history to fit.",
                       reason="no_history", n=int(n_customers))

    (ux, utx, uT), counts, inverse = compress_rows(x, t_x, age)
    if weights is not None:
        counts = np.bincount(inverse, weights=w, minlength=len(ux))
    data = _BGNBDData(ux, utx, uT, counts)

    # Starts: the mean visit rate over all customers sets alpha for r = 1 (a rough method of
    # moments that ignores dropout); the second start is the far side of the space.
    mean_rate = max(float(w @ x) / max(float(w @ age), 1e-12), 1e-6)
    starts = [np.log([1.0, 1.0 / mean_rate, 1.0, 3.0]),
              np.log([0.3, 0.3 / mean_rate, 0.5, 0.5])]
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 4
    warm = _warm_start(ux, utx, uT, counts, starts, bounds)
    if warm is not None:
        starts = [warm[0]] + starts
    theta, _, method = _maximise(data.value_and_gradient, starts, data.total_weight, bounds,
                                 None if warm is None else warm[1])

    at_bound = _on_bound(theta)
    covariance = None
    if not at_bound.any():
        theta, covariance = _polish(data.value_and_gradient, theta)
    params = np.exp(theta)
    notes: list[FitNote] = []
    if at_bound.any():
        names = ", ".join(n for n, hit in zip(BGNBDParams._fields, at_bound) if hit)
        notes.append(FitNote(
            f"The data do not pin down {names}: the best fit is at the edge of the parameter "
            "space (typically: too little history to tell dropout from slow visiting). "
            "Predictions are usable; standard errors are not.", "visits_edge", names=names))
    if covariance is None and not at_bound.any():
        notes.append(FitNote("Standard errors are unavailable: the likelihood is flat at the "
                             "optimum.", "no_standard_errors"))
    a, b = params[2], params[3]
    if a + b > _HYP2F1_MAX_AB and not at_bound[2:].any():
        notes.append(FitNote(
            f"The chance of leaving after a visit comes out nearly the same for every customer "
            f"(a + b = {a + b:,.0f}, mean {a / (a + b):.2%}): a and b are not separately "
            "meaningful, only their ratio.", "homogeneous_dropout", total=float(a + b),
            mean=float(a / (a + b))))
    return BGNBDFit(
        params=BGNBDParams(*map(float, params)),
        standard_errors=BGNBDParams(*map(float, _standard_errors(params, covariance))),
        log_likelihood=data.value_and_gradient(theta)[0],
        n_customers=int(round(n_customers)),
        n_unique_rows=len(ux),
        method=method,
        covariance_log=covariance if covariance is not None else np.full((4, 4), np.nan),
        warnings=tuple(notes),
    )


def _warm_start(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, counts: np.ndarray,
                starts: list[np.ndarray], bounds: list[tuple[float, float]],
                sample_rows: int = 20_000) -> tuple[np.ndarray, np.ndarray] | None:
    """Optimum and inverse Hessian (of the mean objective) on a random tenth of the distinct
    rows, when there are many: the full fit then starts next to its optimum with the
    curvature known and converges in a handful of evaluations instead of some fifty.
    Each sampled row keeps its count, so the subsample's likelihood estimates the full one.
    """
    n = len(x)
    size = max(sample_rows, n // 10)
    if n < 2 * size:
        return None
    rows = np.random.default_rng(0).choice(n, size, replace=False)
    sample = _BGNBDData(x[rows], t_x[rows], age[rows], counts[rows])
    try:
        theta, _, _ = _maximise(sample.value_and_gradient, starts, sample.total_weight, bounds)
    except FitError:
        return None
    covariance = _covariance_of_logs(sample.value_and_gradient, theta)
    if covariance is None or _on_bound(theta).any():
        return None
    inverse_hessian = covariance * sample.total_weight
    return theta, (inverse_hessian + inverse_hessian.T) / 2.0


def _bgnbd(params: BGNBDParams | BGNBDFit) -> BGNBDParams:
    return params.params if isinstance(params, BGNBDFit) else BGNBDParams(*params)


def _log_odds_dead(p: BGNBDParams, x: np.ndarray, t_x: np.ndarray, age: np.ndarray) -> np.ndarray:
    """ln(A4 / A3): log-odds that the customer has dropped out (−inf when x = 0)."""
    r, alpha, a, b = p
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (np.log(a) - np.log(b + x - 1.0)
                + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x)))
    return np.where(x > 0, odds, -np.inf)


def p_alive(params: BGNBDParams | BGNBDFit, frequency: object, recency: object,
            T: object) -> np.ndarray:
    """Probability that each customer is still active at the end of observation (FHL eq. 13).

    Computed as a logistic of the log-odds, so large x never overflows.
    """
    x, t_x, age = check_rfm(frequency, recency, T)
    return expit(-_log_odds_dead(_bgnbd(params), x, t_x, age))


def _hyp2f1_robust(A: float, B: float, C: np.ndarray, z: np.ndarray) -> np.ndarray:
    """scipy's 2F1, with a fallback where it returns inf/NaN.

    scipy fails (inf or NaN) when C - A - B is an integer, C is large and z > 0.9; the
    function is smooth in A, so the mean of the values at A ± 1e-7 is exact to ~1e-12.
    """
    value = hyp2f1(A, B, C, z)
    bad = ~np.isfinite(value)
    if bad.any():
        eps = 1e-7
        value[bad] = 0.5 * (hyp2f1(A + eps, B, C[bad], z[bad]) + hyp2f1(A - eps, B, C[bad], z[bad]))
    return value


# Above this a + b, scipy's 2F1 loses accuracy (and soon returns inf/NaN): its parameters
# are then in the thousands. Such fits mean "about the same dropout chance for everyone".
_HYP2F1_MAX_AB = 1_000.0
_QUANTILE_NODES, _QUANTILE_WEIGHTS = np.polynomial.legendre.leggauss(64)


def _expected_visits_if_alive(p: BGNBDParams, x: np.ndarray, age: np.ndarray,
                              horizon: np.ndarray | float) -> np.ndarray:
    """E[visits in (T, T + horizon] | alive at T, x, T].

    FHL eq. 10 writes this with ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z), whose first
    two arguments grow with x and whose power underflows. Euler's transformation
    2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) turns the product into
    (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z): only C grows with x, which makes the series
    converge faster, and nothing overflows. When a + b is very large, or 2F1 still fails,
    the expectation is integrated over the dropout chance instead (_visits_by_quadrature).
    """
    r, alpha, a, b = p
    horizon = np.broadcast_to(np.asarray(horizon, dtype=float), x.shape)
    if a + b > _HYP2F1_MAX_AB:
        return _visits_by_quadrature(p, x, age, horizon)
    if abs(a - 1.0) < 1e-7:
        # The expression is 0/0 at a = 1; a step of 1e-7 moves the value by ~1e-7 relative.
        a = 1.0 + 1e-7 if a >= 1.0 else 1.0 - 1e-7
    z = horizon / (alpha + age + horizon)
    c = a + b + x - 1.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        term = (1.0 - z) ** (a - 1.0) * _hyp2f1_robust(a + b - 1.0 - r, a - 1.0, c, z)
        value = (c / (a - 1.0)) * (1.0 - term)
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        value[bad] = _visits_by_quadrature(p, x[bad], age[bad], horizon[bad])
    return np.where(horizon > 0, value, 0.0)


def _visits_by_quadrature(p: BGNBDParams, x: np.ndarray, age: np.ndarray,
                          horizon: np.ndarray) -> np.ndarray:
    """The same expectation by integrating over the dropout chance.

    Given alive, λ ~ Gamma(r + x, α + T) and the dropout chance q ~ Beta(a, b + x); the
    λ-expectation of (1 − e^{−λqt})/q is (1 − (1 + qt/(α+T))^−(r+x))/q in closed form, and
    the q-expectation is taken over the Beta's quantiles, E[g(q)] = ∫_0^1 g(F⁻¹(u)) du, by
    64-point Gauss-Legendre: g is smooth and bounded, and the quantile nodes sit where the
    Beta has its mass whatever a and b are (within 1e-5 relative on the cases tested).
    """
    from scipy.special import betaincinv

    r, alpha, a, b = p
    out = np.zeros(len(x))
    u = (_QUANTILE_NODES + 1.0) / 2.0
    weights = _QUANTILE_WEIGHTS / 2.0
    x_values, x_index = np.unique(x, return_inverse=True)
    # Quantile nodes per distinct x (the Beta depends on x only): a few hundred rows at most.
    nodes = np.maximum(betaincinv(a, b + x_values[:, None], u[None, :]), 1e-300)
    for start in range(0, len(x), 20_000):           # bounded memory: 20,000 × 64 at a time
        rows = slice(start, start + 20_000)
        q = nodes[x_index[rows]]
        scaled = (horizon[rows] / (alpha + age[rows]))[:, None]
        g = -np.expm1(-(r + x[rows])[:, None] * np.log1p(q * scaled)) / q
        out[rows] = g @ weights
    return out


def expected_visits(params: BGNBDParams | BGNBDFit, horizon: float, frequency: object,
                    recency: object, T: object) -> np.ndarray:
    """Expected visits of each customer in the next ``horizon`` time units (FHL eq. 10)."""
    if not np.isfinite(horizon) or horizon < 0:
        raise ValueError(f"horizon: must be a non-negative number, got {horizon!r}")
    x, t_x, age = check_rfm(frequency, recency, T)
    p = _bgnbd(params)
    alive = expit(-_log_odds_dead(p, x, t_x, age))
    (ux, uT), _, inverse = compress_rows(x, age)
    return alive * _expected_visits_if_alive(p, ux, uT, horizon)[inverse]


def p_visit_within(params: BGNBDParams | BGNBDFit, horizon: float, frequency: object,
                   recency: object, T: object) -> np.ndarray:
    """Probability that each customer visits at least once in the next ``horizon`` units.

    A customer can only visit if alive, and an alive customer with rate λ makes no visit in
    t with probability e^{-λt} (no visit, no chance to drop out); over the posterior
    λ ~ Gamma(r + x, α + T) that is ((α+T)/(α+T+t))^(r+x). Hence
    P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)). More telling than P(alive) alone when most
    customers have few repeat visits, where P(alive) stays near 1 by construction.
    """
    if not np.isfinite(horizon) or horizon < 0:
        raise ValueError(f"horizon: must be a non-negative number, got {horizon!r}")
    x, t_x, age = check_rfm(frequency, recency, T)
    p = _bgnbd(params)
    alive = expit(-_log_odds_dead(p, x, t_x, age))
    none = np.exp((p.r + x) * (np.log(p.alpha + age) - np.log(p.alpha + age + horizon)))
    return alive * (1.0 - none)


def expected_visits_new_customer(params: BGNBDParams | BGNBDFit, t: object) -> np.ndarray:
    """Expected repeat visits in (0, t] of a customer just acquired (FHL eq. 9).

    It is the conditional expectation for x = 0 and T = 0, so one formula serves both.
    """
    times = _as_array(t, "t")
    if np.any(times < 0):
        raise ValueError(f"t: row {_first_bad(times < 0)} is negative")
    zeros = np.zeros_like(times)
    return _expected_visits_if_alive(_bgnbd(params), zeros, zeros, times)


def _check_horizon(horizon_years: float, discount_rate: float, units_per_year: float) -> None:
    if not np.isfinite(horizon_years) or horizon_years <= 0:
        raise ValueError(f"horizon_years: must be positive, got {horizon_years!r}")
    if not np.isfinite(discount_rate) or discount_rate <= -1:
        raise ValueError(f"discount_rate: must be above -100%, got {discount_rate!r}")
    if not np.isfinite(units_per_year) or units_per_year <= 0:
        raise ValueError(f"units_per_year: must be positive, got {units_per_year!r}")


def _visit_forecast(p: BGNBDParams, x: np.ndarray, t_x: np.ndarray, age: np.ndarray,
                    horizon_years: float, discount_rate: float,
                    units_per_year: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P(alive), expected visits over the horizon, the same visits discounted).

    The horizon is cut into years; the visits expected in year k are E[Y(k)] - E[Y(k-1)]
    and are discounted by (1 + d)^-k, the end-of-year convention of the product's DCF
    model, so the two CLVs are comparable. A fractional last year is discounted at its end.
    The visits expected of a live customer depend on (x, T) only, not on t_x, and order
    data repeat those pairs a lot, so 2F1 is evaluated once per distinct pair and year.
    """
    alive = expit(-_log_odds_dead(p, x, t_x, age))
    (ux, uT), _, inverse = compress_rows(x, age)
    ends = np.arange(1.0, np.ceil(horizon_years) + 1.0)
    ends[-1] = horizon_years
    discounted = np.zeros_like(ux)
    cumulative = previous = np.zeros_like(ux)
    for end in ends:
        cumulative = _expected_visits_if_alive(p, ux, uT, end * units_per_year)
        discounted += (cumulative - previous) / (1.0 + discount_rate) ** end
        previous = cumulative
    return alive, alive * cumulative[inverse], alive * discounted[inverse]


def discounted_expected_visits(params: BGNBDParams | BGNBDFit, frequency: object,
                               recency: object, T: object, *, horizon_years: float,
                               discount_rate: float, units_per_year: float) -> np.ndarray:
    """Expected visits over the horizon, each year's visits discounted to today by
    (1 + d)^-k at the end of year k (as the product's DCF model discounts)."""
    _check_horizon(horizon_years, discount_rate, units_per_year)
    x, t_x, age = check_rfm(frequency, recency, T)
    return _visit_forecast(_bgnbd(params), x, t_x, age, horizon_years, discount_rate,
                           units_per_year)[2]


def predict_customers(visits: BGNBDParams | BGNBDFit, spend: GammaGammaParams | GammaGammaFit,
                      frequency: object, recency: object, T: object, mean_value: object, *,
                      horizon_years: float, discount_rate: float,
                      units_per_year: float) -> dict[str, np.ndarray]:
    """Every per-customer prediction in one pass: p_alive, expected_visits (over the
    horizon), expected_value_per_visit and predictive_clv (discounted value over the
    horizon = expected value per visit × discounted expected visits)."""
    _check_horizon(horizon_years, discount_rate, units_per_year)
    x, t_x, age = check_rfm(frequency, recency, T)
    alive, visits_horizon, discounted = _visit_forecast(
        _bgnbd(visits), x, t_x, age, horizon_years, discount_rate, units_per_year)
    value = expected_value_per_visit(spend, x, mean_value)
    return {"p_alive": alive, "expected_visits": visits_horizon,
            "expected_value_per_visit": value, "predictive_clv": value * discounted}


# ---------------------------------------------------------------------------------------
# Gamma-Gamma spend
# ---------------------------------------------------------------------------------------

def _check_spend(frequency: object, mean_value: object) -> tuple[np.ndarray, np.ndarray]:
    x = _as_array(frequency, "frequency")
    m = _as_array(mean_value, "mean_value")
    if len(x) != len(m):
        raise ValueError(f"frequency and mean_value must have the same length ({len(x)}, {len(m)})")
    if np.any(x < 0):
        raise ValueError(f"frequency: row {_first_bad(x < 0)} is negative")
    return x, m


class _GammaGammaData:
    """Per-customer log-likelihood of the mean spend of x visits (Fader & Hardie 2013, eq. 1a):
    ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄).

    The gamma functions depend on x only and are evaluated once per distinct x; the sums of
    w·x·ln z̄, w·ln z̄ and w·x·ln x do not depend on the parameters and are taken once, so a
    likelihood evaluation costs one log and one division per customer.
    """

    def __init__(self, x: np.ndarray, m: np.ndarray, w: np.ndarray) -> None:
        self.x, self.w = x, w
        self.xm = x * m
        self.wx = w * x
        self.total_weight = float(w.sum())
        log_m = np.log(m)
        self.sum_wx_log_m = _dot(self.wx, log_m)
        self.sum_w_log_m = _dot(w, log_m)
        self.sum_wx_log_x = _dot(self.wx, np.log(x))
        self.x_values, x_index = np.unique(x, return_inverse=True)
        self.x_weight = np.bincount(x_index, weights=w, minlength=len(self.x_values))

    def value_and_gradient(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = np.exp(log_params)
        xv, wv, W = self.x_values, self.x_weight, self.total_weight
        pxv = p * xv
        psi = digamma(pxv + q)
        log_denominator = np.log(gamma + self.xm)
        ll = (_dot(wv, gammaln(pxv + q) - gammaln(pxv)) + W * (q * np.log(gamma) - gammaln(q))
              + p * (self.sum_wx_log_m + self.sum_wx_log_x) - self.sum_w_log_m
              - p * _dot(self.wx, log_denominator) - q * _dot(self.w, log_denominator))
        g_p = (_dot(wv * xv, psi - digamma(pxv)) + self.sum_wx_log_m + self.sum_wx_log_x
               - _dot(self.wx, log_denominator))
        g_q = _dot(wv, psi) - W * digamma(q) + W * np.log(gamma) - _dot(self.w, log_denominator)
        inverse = 1.0 / (gamma + self.xm)
        g_gamma = W * q / gamma - p * _dot(self.wx, inverse) - q * _dot(self.w, inverse)
        return float(ll), np.array([g_p, g_q, g_gamma])


def _spend_sample(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Customers the spend model learns from: a repeat visit and a positive mean value."""
    return (x > 0) & (m > 0)


def gamma_gamma_log_likelihood(params: GammaGammaParams | tuple[float, float, float],
                               frequency: object, mean_value: object) -> float:
    """Total Gamma-Gamma log-likelihood over the customers with x > 0 and mean value > 0."""
    x, m = _check_spend(frequency, mean_value)
    keep = _spend_sample(x, m)
    data = _GammaGammaData(x[keep], m[keep], np.ones(int(keep.sum())))
    return data.value_and_gradient(np.log(np.asarray(params, dtype=float)))[0]


def spend_frequency_correlation(frequency: object, mean_value: object) -> tuple[float, float]:
    """Pearson and Spearman correlation of repeat visits with mean value, over the customers
    the spend model learns from. The model assumes none (FHL 2005, JMR, sec. 2.2)."""
    x, m = _check_spend(frequency, mean_value)
    keep = _spend_sample(x, m)
    x, m = x[keep], m[keep]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(m) == 0:
        return float("nan"), float("nan")
    pearson = float(np.corrcoef(x, m)[0, 1])
    ranks = [_average_ranks(v) for v in (x, m)]
    return pearson, float(np.corrcoef(*ranks)[0, 1])


def _average_ranks(values: np.ndarray) -> np.ndarray:
    # Ties get their mean rank, as in Spearman's definition.
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], len(values)] - 1
    ranks = np.empty(len(values))
    ranks[order] = ((first + last) / 2.0)[group]
    return ranks


def fit_gamma_gamma(frequency: object, mean_value: object, *,
                    min_customers: int = _MIN_CUSTOMERS,
                    correlation_warning: float = 0.3) -> GammaGammaFit:
    """Maximum likelihood Gamma-Gamma fit on the repeat customers with a positive mean value.

    Warns (in ``warnings``) when spend and frequency are correlated beyond
    ``correlation_warning`` on either Pearson's or Spearman's measure, and when customers
    were left out for a zero or negative mean value.
    """
    x, m = _check_spend(frequency, mean_value)
    keep = _spend_sample(x, m)
    n = int(keep.sum())
    notes: list[FitNote] = []
    left_out = int(((x > 0) & (m <= 0)).sum())
    if left_out:
        notes.append(FitNote(
            f"{left_out:,} repeat customers have a zero or negative mean value per visit and "
            "were left out of the spend model (it needs positive values).", "left_out",
            n=left_out))
    if n < min_customers:
        raise FitError(
            f"Too few repeat customers with a positive value per visit to fit the spend model: "
            f"{n:,} (at least {min_customers} are needed).",
            reason="too_few_repeat_customers", n=n, minimum=min_customers,
        )
    # No row compression: mean values are continuous, so rows rarely repeat.
    data = _GammaGammaData(x[keep], m[keep], np.ones(n))
    mean_m = float(np.mean(m[keep]))
    # Start: an individual coefficient of variation of 1/sqrt(p) = 0.5, a prior with q = 3
    # and gamma chosen so that the population mean p γ / (q − 1) equals the observed mean.
    starts = [np.log([4.0, 3.0, mean_m * 2.0 / 4.0]), np.log([1.0, 1.5, mean_m * 0.5])]
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 3
    theta, _, method = _maximise(data.value_and_gradient, starts, data.total_weight, bounds)
    if np.exp(theta[1]) > 1.0:
        theta, params, errors, covariance = _gamma_gamma_free(data, theta, notes)
    else:
        # q <= 1: the population mean p γ / (q − 1) is infinite, so a customer with no repeat
        # visit would get an infinite value per visit. Hold the population mean at the
        # observed mean of the customers' means (its method-of-moments estimate; on CDNOW the
        # two differ by nine cents, FHL 2005) and fit p and q by maximum likelihood.
        theta, params, errors, covariance = _gamma_gamma_mean_held(data, theta, mean_m, notes)
        method += ", population mean held"
        notes.append(FitNote(
            "Spend per visit is so dispersed that the best fit has no finite average (q <= 1); "
            f"the average for a new customer was held at the observed {mean_m:,.2f}.",
            "q_constrained", mean=mean_m))
    pearson, spearman = spend_frequency_correlation(x, m)
    strongest = max(abs(pearson), abs(spearman)) if np.isfinite(pearson) else 0.0
    if strongest >= correlation_warning:
        notes.append(FitNote(
            f"Spend per visit and number of visits are correlated (Pearson {pearson:.2f}, "
            f"Spearman {spearman:.2f}); the spend model assumes they are independent, so "
            "treat the expected value per visit with care.", "correlated",
            pearson=pearson, spearman=spearman))
    return GammaGammaFit(
        params=GammaGammaParams(*map(float, params)),
        standard_errors=GammaGammaParams(*map(float, errors)),
        log_likelihood=data.value_and_gradient(np.log(params))[0],
        n_customers=n,
        method=method,
        spend_frequency_pearson=pearson,
        spend_frequency_spearman=spearman,
        covariance_log=covariance,
        warnings=tuple(notes),
    )


def _gamma_gamma_free(data: _GammaGammaData, theta: np.ndarray, notes: list[FitNote]):
    """Polish and standard errors of an unconstrained fit in log (p, q, γ)."""
    covariance = None
    at_bound = _on_bound(theta)
    if at_bound.any():
        names = ", ".join(nm for nm, hit in zip(GammaGammaParams._fields, at_bound) if hit)
        notes.append(FitNote(f"The spend data do not pin down {names} (fit at the edge of the "
                             "parameter space); standard errors are not available.",
                             "spend_edge", names=names))
    else:
        theta, covariance = _polish(data.value_and_gradient, theta)
    params = np.exp(theta)
    errors = _standard_errors(params, covariance)
    return theta, params, errors, covariance if covariance is not None else np.full((3, 3), np.nan)


def _gamma_gamma_mean_held(data: _GammaGammaData, theta: np.ndarray, mean_value: float,
                           notes: list[FitNote]):
    """Fit in (log p, log(q − 1)) with γ = mean_value (q − 1) / p, so that p γ / (q − 1)
    stays at ``mean_value``."""
    def natural(th: np.ndarray) -> np.ndarray:
        p, q_minus_1 = np.exp(th)
        return np.array([p, 1.0 + q_minus_1, mean_value * q_minus_1 / p])

    def value_and_gradient(th: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = natural(th)
        value, (g_p, g_q, g_gamma) = data.value_and_gradient(np.log([p, q, gamma]))
        # Chain rule to (log p, log(q−1)): dγ/dlog p = −γ, dγ/dlog(q−1) = γ; returned
        # divided by e^θ because _maximise multiplies by it.
        d_log_p = g_p * p - g_gamma * gamma
        d_log_q1 = g_q * (q - 1.0) + g_gamma * gamma
        return value, np.array([d_log_p, d_log_q1]) / np.exp(th)

    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 2
    starts = [np.array([theta[0], np.log(0.5)]), np.log([1.0, 1.0])]
    th, _, _ = _maximise(value_and_gradient, starts, data.total_weight, bounds)
    covariance = None
    if not _on_bound(th).any():
        th, covariance = _polish(value_and_gradient, th)
    params = natural(th)
    if covariance is None:
        errors = np.full(3, np.nan)
        notes.append(FitNote("Standard errors are unavailable: the likelihood is flat at the "
                             "optimum.", "no_standard_errors"))
        full = np.full((3, 3), np.nan)
    else:
        # Delta method: p = e^θ0, q = 1 + e^θ1, γ = m e^(θ1 − θ0).
        jacobian = np.array([[params[0], 0.0], [0.0, params[1] - 1.0],
                             [-params[2], params[2]]])
        full = jacobian @ covariance @ jacobian.T
        errors = np.sqrt(np.diag(full))
        full = full / np.outer(params, params)    # as a covariance of log-parameters
    return th, params, errors, full


def expected_value_per_visit(params: GammaGammaParams | GammaGammaFit, frequency: object,
                             mean_value: object) -> np.ndarray:
    """E[value per visit | x, z̄] = p (γ + x z̄) / (p x + q − 1) (Fader & Hardie 2013, eq. 5).

    A weighted mean of the population mean and the customer's own mean, the weight on
    the customer growing with x. A customer with no repeat visit gets the population mean;
    a zero or negative own mean is taken as 0 (the model knows only positive values), which
    pulls the estimate down from the population mean as the evidence accumulates.
    """
    p, q, gamma = params.params if isinstance(params, GammaGammaFit) else GammaGammaParams(*params)
    x, m = _check_spend(frequency, mean_value)
    own = np.where(x > 0, np.maximum(m, 0.0), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return p * (gamma + x * own) / (p * x + q - 1.0)


# ---------------------------------------------------------------------------------------
# Simulation (tests, benchmarks)
# ---------------------------------------------------------------------------------------

def simulate_bgnbd(n: int, params: BGNBDParams | tuple[float, float, float, float],
                   T: object, rng: np.random.Generator,
                   holdout: float = 0.0) -> dict[str, np.ndarray]:
    """Customers drawn from the BG/NBD generative story, observed for T, then ``holdout``.

    Each customer draws λ ~ Gamma(r, 1/α) and p ~ Beta(a, b); visits arrive as a Poisson
    process with rate λ, and after each repeat visit the customer drops out with
    probability p. The number of repeat visits up to dropout is therefore geometric, and
    the customer makes min(geometric, Poisson(λT)) visits in the window; given N arrivals,
    the time of the x-th is T times a Beta(x, N − x + 1) variate (an order statistic of
    uniforms). By memorylessness, a customer alive at T starts afresh in the holdout.
    """
    r, alpha, a, b = BGNBDParams(*params)
    age = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = np.clip(rng.beta(a, b, n), 1e-12, 1.0)
    visits_to_dropout = rng.geometric(drop)
    arrivals = rng.poisson(lam * age)
    x = np.minimum(visits_to_dropout, arrivals)
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = age[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1)
    alive = visits_to_dropout > arrivals
    out = {"frequency": x.astype(float), "recency": t_x, "T": age, "alive": alive,
           "rate": lam, "dropout": drop}
    if holdout > 0:
        later = np.minimum(rng.geometric(drop), rng.poisson(lam * holdout))
        out["holdout_visits"] = np.where(alive, later, 0).astype(float)
    return out
