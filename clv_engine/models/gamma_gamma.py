"""Gamma-Gamma: the value of a visit, per customer.

Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note 025): spend per visit
~ Gamma(p, nu) for each customer, nu ~ Gamma(q, gamma) across them, independent of visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from clv_engine.models.fitting import (
    _LOG_BOUND,
    _MIN_CUSTOMERS,
    FitError,
    FitNote,
    _as_array,
    _dot,
    _first_bad,
    _maximise,
    _on_bound,
    _polish,
    _standard_errors,
)
from clv_engine.models.special import digamma, gammaln


class GammaGammaParams(NamedTuple):
    """Spend per visit ~ Gamma(p, nu) for each customer, nu ~ Gamma(q, gamma) across them."""

    p: float
    q: float
    gamma: float


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
        ll = (
            _dot(wv, gammaln(pxv + q) - gammaln(pxv))
            + W * (q * np.log(gamma) - gammaln(q))
            + p * (self.sum_wx_log_m + self.sum_wx_log_x)
            - self.sum_w_log_m
            - p * _dot(self.wx, log_denominator)
            - q * _dot(self.w, log_denominator)
        )
        g_p = (
            _dot(wv * xv, psi - digamma(pxv))
            + self.sum_wx_log_m
            + self.sum_wx_log_x
            - _dot(self.wx, log_denominator)
        )
        g_q = _dot(wv, psi) - W * digamma(q) + W * np.log(gamma) - _dot(self.w, log_denominator)
        inverse = 1.0 / (gamma + self.xm)
        g_gamma = W * q / gamma - p * _dot(self.wx, inverse) - q * _dot(self.w, inverse)
        return float(ll), np.array([g_p, g_q, g_gamma])


def _spend_sample(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Customers the spend model learns from: a repeat visit and a positive mean value."""
    return (x > 0) & (m > 0)


def gamma_gamma_log_likelihood(
    params: GammaGammaParams | tuple[float, float, float], frequency: object, mean_value: object
) -> float:
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


def fit_gamma_gamma(
    frequency: object,
    mean_value: object,
    *,
    min_customers: int = _MIN_CUSTOMERS,
    correlation_warning: float = 0.3,
) -> GammaGammaFit:
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
        # left out of the spend model: it needs positive values
        notes.append(FitNote.of("left_out", n=left_out))
    if n < min_customers:
        raise FitError("too_few_repeat_customers", n=n, minimum=min_customers)
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
        notes.append(FitNote.of("q_constrained", mean=mean_m))
    pearson, spearman = spend_frequency_correlation(x, m)
    strongest = max(abs(pearson), abs(spearman)) if np.isfinite(pearson) else 0.0
    if strongest >= correlation_warning:
        # the spend model assumes spend and visits are independent
        notes.append(FitNote.of("correlated", pearson=pearson, spearman=spearman))
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
        notes.append(FitNote.of("spend_edge", names=names))
    else:
        theta, covariance = _polish(data.value_and_gradient, theta)
    params = np.exp(theta)
    errors = _standard_errors(params, covariance)
    return theta, params, errors, covariance if covariance is not None else np.full((3, 3), np.nan)


def _gamma_gamma_mean_held(data: _GammaGammaData, theta: np.ndarray, mean_value: float, notes: list[FitNote]):
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
        notes.append(FitNote.of("no_standard_errors"))
        full = np.full((3, 3), np.nan)
    else:
        # Delta method: p = e^θ0, q = 1 + e^θ1, γ = m e^(θ1 − θ0).
        jacobian = np.array([[params[0], 0.0], [0.0, params[1] - 1.0], [-params[2], params[2]]])
        full = jacobian @ covariance @ jacobian.T
        errors = np.sqrt(np.diag(full))
        full = full / np.outer(params, params)  # as a covariance of log-parameters
    return th, params, errors, full


def expected_value_per_visit(
    params: GammaGammaParams | GammaGammaFit, frequency: object, mean_value: object
) -> np.ndarray:
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
