"""P(churn) from the risk score: the backtest, its logistic calibration, the methods (SPEC §3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from clv_engine.churn.rules import (
    BACKTEST_HORIZON_DAYS,
    P_CHURN_METHODS,
    SIGNALS,
    RiskLevels,
    RiskWeights,
    SignalRules,
    _as_float,
)
from clv_engine.churn.signals import available_signals, churn_signals, risk_scores
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.status import DropoutCheck, DropoutRules, dropout_check

# -- P(churn) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """P(churn) from the score, fitted on a backtest one horizon before the as-of date.

    Customers watched at the reference date were scored on what was known then; "churned"
    means no visit in the following ``horizon_days``. P(churn) = 1 / (1 + e^−(a + b·score)),
    a and b by maximum likelihood (logistic calibration, "Platt scaling"): smooth, rising with
    the score when the score ranks churners first, and using every customer rather than
    thin score bands. ``table`` shows, per score band, the observed churn rate next to the
    mean fitted P(churn), so the fit can be checked by eye.
    """

    reference_date: date
    horizon_days: int
    intercept: float
    slope: float
    table: pd.DataFrame = field(repr=False)  # band_low, band_high, customers, churned, rate, p_churn
    auc: float = float("nan")  # how well the score ranks churners first: 0.5 coin toss, 1 perfect

    @property
    def customers(self) -> int:
        return int(self.table["customers"].sum())

    @property
    def base_rate(self) -> float:
        return float(self.table["churned"].sum() / max(self.customers, 1))

    def p_churn(self, score: np.ndarray | pd.Series) -> np.ndarray:
        return _logistic(self.intercept + self.slope * _as_float(score))


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def fit_logistic(
    x: np.ndarray | pd.Series, y: np.ndarray | pd.Series, ridge: float = 1e-6
) -> tuple[float, float]:
    """Intercept and slope of P(y) = 1 / (1 + e^−(a + b·x)) by Newton-Raphson.

    A tiny ridge on the slope keeps it finite when the classes are perfectly separated.
    """
    x = _as_float(x)
    y = np.asarray(y, dtype=float)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("a logistic fit needs both churners and stayers")
    design = np.column_stack([np.ones_like(x), x])
    beta = np.array([np.log(y.mean() / (1 - y.mean())), 0.0])
    penalty = np.diag([0.0, ridge * len(x)])
    for _ in range(100):
        p = _logistic(design @ beta)
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian + 1e-12 * np.eye(2), gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def calibration_from_backtest(
    scores: np.ndarray | pd.Series,
    churned: np.ndarray | pd.Series,
    reference_date: date,
    horizon_days: int,
    bands: int = 10,
    min_customers: int = 100,
) -> Calibration | None:
    """Fit P(churn) on the backtest; None with too few customers or no churner (or no stayer)."""
    s = _as_float(scores)
    y = np.asarray(churned, dtype=bool)
    if len(s) < min_customers or y.all() or not y.any():
        return None
    if np.isnan(s).any():  # no score to group by: the fit and the ranking as they come
        intercept, slope = fit_logistic(s, y)
        auc = ranking_auc(s, y)
        return _banded(
            s, np.ones(len(s)), y.astype(float), intercept, slope, auc, reference_date, horizon_days, bands
        )
    # A score is shared by many customers (a weighted sum of five signals, many of them 0):
    # the fit, the ranking and the bands read each distinct score once, with its customers
    # and churners (a twentieth of the rows on a million; the same likelihood).
    s_at, at, counts = np.unique(s, return_inverse=True, return_counts=True)
    y_at = np.bincount(at, weights=y.astype(float), minlength=len(s_at))
    return _from_distinct(s_at, counts, y_at, reference_date, horizon_days, bands)


def calibration_from_groups(
    scores: np.ndarray | pd.Series,
    customers: np.ndarray | pd.Series,
    churners: np.ndarray | pd.Series,
    reference_date: date,
    horizon_days: int,
    bands: int = 10,
    min_customers: int = 100,
) -> Calibration | None:
    """:func:`calibration_from_backtest` of a backtest given as groups: ``customers`` customers
    at each ``scores``, ``churners`` of them churned (scores may repeat). The same figures to
    the last bit: each distinct score's customers and churners are whole numbers, summed exactly."""
    s = _as_float(scores)
    n = np.asarray(customers, dtype=np.int64)
    k = np.asarray(churners, dtype=np.int64)
    total, churned = int(n.sum()), int(k.sum())
    if total < min_customers or churned == total or churned == 0:
        return None
    if np.isnan(s).any():  # every customer a row, as the backtest would give them
        rows = np.repeat(s, n)
        flags = np.concatenate([np.arange(m) < c for m, c in zip(n, k)]) if len(n) else np.zeros(0, bool)
        return calibration_from_backtest(rows, flags, reference_date, horizon_days, bands, min_customers)
    s_at, at = np.unique(s, return_inverse=True)
    counts = np.bincount(at, weights=n, minlength=len(s_at)).astype(np.int64)
    y_at = np.bincount(at, weights=k, minlength=len(s_at))
    keep = counts > 0  # a group of no customer adds nothing (the backtest has no such row)
    if not keep.all():
        s_at, counts, y_at = s_at[keep], counts[keep], y_at[keep]
    return _from_distinct(s_at, counts, y_at, reference_date, horizon_days, bands)


def _from_distinct(
    s_at: np.ndarray,
    counts: np.ndarray,
    y_at: np.ndarray,
    reference_date: date,
    horizon_days: int,
    bands: int,
) -> Calibration:
    """The calibration from each distinct score (ascending), its customers and churners."""
    n_at = counts.astype(float)
    intercept, slope = _fit_grouped(s_at, n_at, y_at)
    auc = _grouped_auc(counts, y_at)
    return _banded(s_at, n_at, y_at, intercept, slope, auc, reference_date, horizon_days, bands)


def _banded(
    s_at: np.ndarray,
    n_at: np.ndarray,
    y_at: np.ndarray,
    intercept: float,
    slope: float,
    auc: float,
    reference_date: date,
    horizon_days: int,
    bands: int,
) -> Calibration:
    edges = np.linspace(0.0, 1.0, bands + 1)
    band = np.clip(np.searchsorted(edges, s_at, side="right") - 1, 0, bands - 1)
    customers = np.bincount(band, weights=n_at, minlength=bands).astype(np.int64)
    churned_n = np.bincount(band, weights=y_at, minlength=bands)
    fitted_sum = np.bincount(band, weights=n_at * _logistic(intercept + slope * s_at), minlength=bands)
    used = customers > 0
    table = pd.DataFrame(
        {
            "band_low": edges[:-1],
            "band_high": edges[1:],
            "customers": customers,
            "churned": churned_n.astype(int),
            "rate": np.divide(churned_n, customers, out=np.full(bands, np.nan), where=used),
            "p_churn": np.divide(fitted_sum, customers, out=np.full(bands, np.nan), where=used),
        }
    )
    return Calibration(reference_date, horizon_days, intercept, slope, table, auc)


def _fit_grouped(x: np.ndarray, n: np.ndarray, k: np.ndarray, ridge: float = 1e-6) -> tuple[float, float]:
    """:func:`fit_logistic` on rows grouped by value: ``n`` rows at ``x``, ``k`` of them with
    y = 1. The log-likelihood, its gradient and Hessian are the per-row ones summed by group."""
    total = float(n.sum())
    mean = float(k.sum()) / total
    beta = np.array([np.log(mean / (1 - mean)), 0.0])
    for _ in range(100):
        p = _logistic(beta[0] + beta[1] * x)
        residual = k - n * p
        weight = n * p * (1 - p)
        gradient = np.array([residual.sum(), (x * residual).sum() - ridge * total * beta[1]])
        wx = weight * x
        hessian = np.array([[weight.sum(), wx.sum()], [wx.sum(), (wx * x).sum() + ridge * total]])
        step = np.linalg.solve(hessian + 1e-12 * np.eye(2), gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def _grouped_auc(counts: np.ndarray, churners: np.ndarray) -> float:
    """:func:`ranking_auc` from customers and churners per distinct score (ascending): each
    churner beats the stayers of lower scores and half of those of its own. Whole numbers
    (doubled), so the sum is exact, as the average ranks' is."""
    pos = np.rint(churners).astype(np.int64)
    neg = counts.astype(np.int64) - pos
    positives, negatives = int(pos.sum()), int(neg.sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    below = np.concatenate([[0], np.cumsum(neg)[:-1]])
    doubled = int((pos * (2 * below + neg)).sum())
    return float(doubled / (2 * positives * negatives))


def ranking_auc(scores: np.ndarray | pd.Series, churned: np.ndarray | pd.Series) -> float:
    """Area under the ROC curve: the chance a churner scores above a stayer (ties half)."""
    s = _as_float(scores)
    y = np.asarray(churned, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    # Average ranks (a tie counts one half), scipy.stats.rankdata's, by pandas: importing
    # scipy.stats costs a page's first render 0.4-2 s. Half-integers, so the sums are exact.
    if np.isnan(s).any():  # scipy's rankdata: every rank NaN
        return float("nan")
    ranks = pd.Series(s).rank(method="average").to_numpy(dtype=float)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def backtest_outcome_sql() -> str:
    return "SELECT DISTINCT customer_id FROM orders WHERE order_date > ? AND order_date <= ?"


def backtest_signals(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: SignalRules = SignalRules(),
    horizon_days: int = BACKTEST_HORIZON_DAYS,
    stored: bool = True,
    ids: bool = True,
) -> pd.DataFrame:
    """Signals as they stood ``horizon_days`` before ``as_of`` for the customers watched then,
    with ``churned`` = no visit from then to ``as_of``.

    For every customer (no store, no scope) at the data's end date, the file's stored backtest
    when it keeps one (clv_engine.derived.churn; ``stored=False``: compute): the signals and
    the outcome only, the same rows in the same order; ``ids=False``: the stored one without
    the customer ids (ten million of them), what :func:`calibrate` reads."""
    reference = as_of - timedelta(days=horizon_days)
    kept = (
        derived_churn.backtest_frame(db, as_of, rules, horizon_days, ids=ids)
        if stored and not store_ids
        else None
    )
    if kept is not None:
        kept.attrs.update(available=available_signals(db), rules=rules, as_of=reference)
        return kept
    frame = churn_signals(db, reference, store_ids, rules)
    frame = frame[frame["watched"]].copy()
    came = db.query_df(backtest_outcome_sql(), [reference, as_of])
    frame["churned"] = ~frame["customer_id"].isin(came["customer_id"])
    frame.attrs["reference_date"] = reference
    frame.attrs["horizon_days"] = horizon_days
    return frame


def calibrate(
    backtest: pd.DataFrame, weights: RiskWeights = RiskWeights(), levels: RiskLevels = RiskLevels()
) -> Calibration | None:
    """Score the backtest with today's weights and fit P(churn) by score band.

    Calibrate on the backtest of every customer (``backtest_signals`` without a store scope)
    and filter the list afterwards: a customer's P(churn) and expected value must be the
    same on the churn list, in lookup and in the exports, whatever store scope is chosen."""
    if backtest.empty:
        return None
    levels.validate()  # as scoring the levels would (the fit reads the score only)
    return calibration_from_backtest(
        risk_scores(backtest, weights),
        backtest["churned"],
        backtest.attrs["reference_date"],
        backtest.attrs["horizon_days"],
    )


def group_backtest(backtest: pd.DataFrame) -> pd.DataFrame:
    """A backtest (:func:`backtest_signals`) as its distinct sets of the five signals, each
    with its ``customers`` and ``churners``: what :func:`calibrate_groups` reads."""
    picked = backtest[list(SIGNALS)].copy()
    picked["customers"] = 1
    picked["churners"] = backtest["churned"].to_numpy(dtype=bool).astype(np.int64)
    grouped = picked.groupby(list(SIGNALS), dropna=False, sort=False, as_index=False).sum()
    grouped.attrs = dict(backtest.attrs)
    return grouped


def backtest_groups(
    db: Database,
    as_of: date,
    rules: SignalRules = SignalRules(),
    horizon_days: int = BACKTEST_HORIZON_DAYS,
) -> pd.DataFrame:
    """The group's backtest (every customer, no scope) counted per distinct set of signals
    (:func:`group_backtest`): counted in DuckDB over the file's stored backtest when it keeps
    one (clv_engine.derived.churn), else computed and counted here."""
    kept = derived_churn.backtest_groups(db, as_of, rules, horizon_days)
    if kept is not None:
        kept.attrs.update(available=available_signals(db), rules=rules, as_of=kept.attrs["reference_date"])
        return kept
    return group_backtest(backtest_signals(db, as_of, None, rules, horizon_days, ids=False))


def calibrate_groups(
    groups: pd.DataFrame, weights: RiskWeights = RiskWeights(), levels: RiskLevels = RiskLevels()
) -> Calibration | None:
    """:func:`calibrate` of a backtest given as :func:`backtest_groups`: the same calibration."""
    if groups.empty or int(groups["customers"].sum()) == 0:
        return None
    levels.validate()
    return calibration_from_groups(
        risk_scores(groups, weights),
        groups["customers"],
        groups["churners"],
        groups.attrs["reference_date"],
        groups.attrs["horizon_days"],
    )


def p_churn(frame: pd.DataFrame, method: str, calibration: Calibration | None = None) -> np.ndarray:
    """P(churn) per row of a scored frame by ``method``:

    - ``calibrated``: the backtest's rate for the score (needs ``calibration``);
    - ``score``: the risk score read as a probability;
    - ``model``: 1 − P(alive) of the predictive model (needs a ``p_alive`` column).
    """
    if method == "calibrated":
        if calibration is None:
            raise ValueError("P(churn) method 'calibrated' needs a calibration (not enough history)")
        return calibration.p_churn(frame["score"])
    if method == "score":
        return frame["score"].to_numpy(dtype=float)
    if method == "model":
        if "p_alive" not in frame.columns:
            raise ValueError("P(churn) method 'model' needs a p_alive column from the predictive model")
        return np.clip(1.0 - frame["p_alive"].to_numpy(dtype=float), 0.0, 1.0)
    raise ValueError(f"P(churn) method must be one of {P_CHURN_METHODS}, got {method!r}")


def p_churn_methods(
    calibration: Calibration | None, has_p_alive: bool, dropout: DropoutCheck | None = None
) -> dict[str, str | None]:
    """Each P(churn) method with the reason it cannot be offered (None: it can).

    ``model`` (1 − P(alive)) needs the predictive model's P(alive), and a fit that can tell
    customers who left from those who did not: when ``dropout`` says it cannot, P(alive) is
    near 1 for nearly everyone and 1 − P(alive) would read as "nobody churns"."""
    reasons: dict[str, str | None] = {m: None for m in P_CHURN_METHODS}
    if calibration is None:
        reasons["calibrated"] = "no_calibration"
    if not has_p_alive:
        reasons["model"] = "no_model"
    elif dropout is not None and not dropout.identifiable:
        reasons["model"] = "not_identifiable"
    return reasons


def kept_dropout(
    db: Database, as_of: date, a: float, b: float, rules: DropoutRules = DropoutRules()
) -> DropoutCheck | None:
    """The fitted model's ``dropout()`` (``a``, ``b``: its dropout parameters) from the
    P(alive) kept with the derived tables, counted in SQL (clv_engine.derived.churn), without
    reading the model's summary; None when they keep none for ``as_of``."""
    found = derived_churn.kept_alive_share(db, as_of, rules.near_one)
    if found is None:
        return None
    customers, near = found
    # dropout_check reads the share at or above near_one: the same count, the same share.
    alive = np.zeros(customers)
    alive[:near] = 1.0
    return dropout_check(a, b, alive, rules)
