"""Issue 14: the churn calibration reads each distinct score once (customers and churners per
score). Here against the per-customer computation it replaced (kept in this test): the same
fit, the same ranking AUC, the same band table, on random backtests with many shared scores."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import churn
from clv_engine.churn import calibration as cal

REF = date(2025, 9, 15)


def _per_customer(scores: np.ndarray, churned: np.ndarray, bands: int = 10):
    """The calibration as it was computed before: every customer a row of the fit and the ranks."""
    intercept, slope = cal.fit_logistic(scores, churned)
    # Average ranks by hand (ties half): the Mann-Whitney count of churner-above-stayer pairs.
    pos, neg = scores[churned], scores[~churned]
    pairs = sum(float((neg < p).sum()) + 0.5 * float((neg == p).sum()) for p in pos)
    auc = pairs / (len(pos) * len(neg))
    edges = np.linspace(0.0, 1.0, bands + 1)
    band = np.clip(np.searchsorted(edges, scores, side="right") - 1, 0, bands - 1)
    fitted = 1.0 / (1.0 + np.exp(-(intercept + slope * scores)))
    table = pd.DataFrame(
        {
            "customers": np.bincount(band, minlength=bands),
            "churned": np.bincount(band, weights=churned.astype(float), minlength=bands).astype(int),
            "fitted": np.bincount(band, weights=fitted, minlength=bands),
        }
    )
    return intercept, slope, auc, table


def _check(scores: np.ndarray, churned: np.ndarray) -> None:
    found = cal.calibration_from_backtest(scores, churned, REF, 365, min_customers=1)
    if churned.all() or not churned.any():
        assert found is None
        return
    intercept, slope, auc, table = _per_customer(scores, churned)
    assert found.intercept == pytest.approx(intercept, rel=1e-7, abs=1e-7)
    assert found.slope == pytest.approx(slope, rel=1e-7, abs=1e-7)
    assert found.auc == pytest.approx(auc, rel=1e-12)
    assert found.table["customers"].tolist() == table["customers"].tolist()
    assert found.table["churned"].tolist() == table["churned"].tolist()
    used = table["customers"] > 0
    np.testing.assert_allclose(
        found.table["p_churn"][used], (table["fitted"] / table["customers"])[used], rtol=1e-7, atol=1e-9
    )
    # the AUC of the public function (average ranks), exactly the same number
    assert found.auc == cal.ranking_auc(scores, churned)


@settings(max_examples=80, deadline=None)
@given(
    levels=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=12),
    picks=st.lists(st.tuples(st.integers(0, 11), st.booleans()), min_size=2, max_size=300),
)
def test_grouped_calibration_is_the_per_customer_one(levels, picks):
    scores = np.array([levels[i % len(levels)] for i, _ in picks])
    churned = np.array([c for _, c in picks])
    _check(scores, churned)


def test_a_large_random_backtest_with_many_zeros():
    rng = np.random.default_rng(14)
    n = 20_000
    scores = np.where(rng.random(n) < 0.4, 0.0, np.round(rng.random(n), 3))
    churned = rng.random(n) < 0.15 + 0.6 * scores
    _check(scores, churned)


def test_calibrate_on_the_sample_backtest_is_the_per_customer_one(sample_db_path):
    from clv_engine.db import Database

    db = Database(sample_db_path)
    backtest = churn.backtest_signals(db, date(2026, 9, 15), None)
    weights = churn.RiskWeights(spend_drop=0.4, frequency_drop=0.15)
    found = churn.calibrate(backtest, weights)
    scores = cal.risk_scores(backtest, weights)
    intercept, slope, auc, table = _per_customer(scores, backtest["churned"].to_numpy(dtype=bool))
    assert (found.intercept, found.slope) == pytest.approx((intercept, slope), rel=1e-7)
    assert found.auc == pytest.approx(auc, rel=1e-12)
    assert found.table["customers"].tolist() == table["customers"].tolist()


# -- the backtest counted per distinct set of signals (churn.calibrate_groups) -----------------


def _same_calibration(a, b) -> None:
    """Two calibrations equal to the last bit (or both None)."""
    assert (a is None) == (b is None)
    if a is not None:
        assert (a.intercept, a.slope, a.reference_date, a.horizon_days) == (
            b.intercept,
            b.slope,
            b.reference_date,
            b.horizon_days,
        )
        assert a.auc == b.auc or (np.isnan(a.auc) and np.isnan(b.auc))
        pd.testing.assert_frame_equal(a.table, b.table)


def _backtest(rows: list[tuple], available=churn.SIGNALS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*churn.SIGNALS, "churned"])
    frame["churned"] = frame["churned"].astype(bool)
    frame["watched"] = True
    frame.attrs.update(reference_date=REF, horizon_days=365, available=tuple(available))
    return frame


_SIGNAL_VALUE = st.sampled_from([0.0, -0.0, 0.1, 0.25, 1 / 3, 0.5, 0.7, 1.0, float("nan")])


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_SIGNAL_VALUE, _SIGNAL_VALUE, _SIGNAL_VALUE, _SIGNAL_VALUE, _SIGNAL_VALUE, st.booleans()),
        min_size=0,
        max_size=260,
    ),
    weights=st.sampled_from(
        [churn.RiskWeights(), churn.RiskWeights(0.1, 0.1, 0.4, 0.2, 0.2), churn.RiskWeights(1.0, 0, 0, 0, 0)]
    ),
    available=st.sampled_from([churn.SIGNALS, churn.SIGNALS[:2], ("spend_drop", "complaints")]),
)
def test_the_grouped_backtest_calibrates_as_the_per_customer_one(rows, weights, available):
    """Counted per distinct set of signals (NaN signals too, read as 0 by the score), the
    backtest gives the calibration the per-customer backtest gives, to the last bit."""
    backtest = _backtest(rows, available)
    groups = cal.group_backtest(backtest)
    assert int(groups["customers"].sum()) == len(backtest)
    assert int(groups["churners"].sum()) == int(backtest["churned"].sum())
    _same_calibration(
        cal.calibrate_groups(groups, weights),
        churn.calibrate(backtest, weights) if len(backtest) else None,
    )


def test_a_large_grouped_backtest_calibrates_as_the_per_customer_one():
    rng = np.random.default_rng(5)
    n = 30_000
    rows = [
        (*(np.where(rng.random(5) < 0.6, 0.0, np.round(rng.random(5), 2))), rng.random() < 0.3)
        for _ in range(n)
    ]
    backtest = _backtest(rows)
    groups = cal.group_backtest(backtest)
    assert len(groups) < n
    for weights in (churn.RiskWeights(), churn.RiskWeights(0.2, 0.2, 0.2, 0.2, 0.2)):
        _same_calibration(cal.calibrate_groups(groups, weights), churn.calibrate(backtest, weights))


def test_grouped_counts_with_nan_scores_are_read_row_by_row():
    """A NaN score (not from the signals, which read NaN as 0) has no distinct value to count
    by: the groups are read as their customers, as the backtest would give them."""
    scores = np.array([np.nan, 0.2, 0.8, 0.2])
    n, k = np.array([50, 60, 40, 0]), np.array([10, 5, 30, 0])
    rows = np.repeat(scores, n)
    flags = np.concatenate([np.arange(m) < c for m, c in zip(n, k)])
    a = cal.calibration_from_groups(scores, n, k, REF, 365)
    b = cal.calibration_from_backtest(rows, flags, REF, 365)
    pd.testing.assert_frame_equal(a.table, b.table)
