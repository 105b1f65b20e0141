"""Parameter recovery: data simulated from known parameters are fitted back within
sampling error, and the reported standard errors are the real spread of the estimates."""

from __future__ import annotations

import numpy as np
import pytest

import clv_engine.models.bg_nbd as bg
from clv_engine.models import (
    BGNBDParams,
    GammaGammaParams,
    fit_bgnbd,
    fit_gamma_gamma,
    simulate_bgnbd,
)
from clv_engine.predictive import holdout_table

TRUE = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)  # the CDNOW estimates


def _simulate(n: int, seed: int, holdout: float = 0.0):
    rng = np.random.default_rng(seed)
    T = rng.uniform(20, 80, n)  # customers acquired over a year, observed for a while
    return simulate_bgnbd(n, TRUE, T, rng, holdout=holdout)


def test_bgnbd_recovers_parameters_within_sampling_error():
    sim = _simulate(30_000, seed=11)
    fit = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    z = (np.array(fit.params) - np.array(TRUE)) / np.array(fit.standard_errors)
    assert np.all(np.abs(z) < 3.5), dict(zip(TRUE._fields, z))
    assert fit.warnings == ()


def test_standard_errors_match_the_spread_of_repeated_fits():
    # 40 independent samples of 2,000 customers: the z-scores of the log-parameters
    # (estimate − truth) / se should have a standard deviation near 1.
    z = []
    for seed in range(40):
        sim = _simulate(2_000, seed=100 + seed)
        fit = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
        se_log = np.sqrt(np.diag(fit.covariance_log))
        z.append((np.log(fit.params) - np.log(TRUE)) / se_log)
    spread = np.std(np.array(z), axis=0)
    # With 40 draws the sample sd of a N(0, 1) lies in 0.72..1.28 with 99.9% probability;
    # a and b are skewed at this sample size, so allow a little more above.
    assert np.all((spread > 0.7) & (spread < 1.4)), dict(zip(TRUE._fields, spread))


def test_gamma_gamma_recovers_parameters_within_sampling_error():
    true = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
    rng = np.random.default_rng(5)
    n = 20_000
    x = rng.integers(1, 15, n).astype(float)
    nu = rng.gamma(true.q, 1 / true.gamma, n)  # rate of each customer
    # Mean of x visit values, each gamma(p, rate ν): a gamma(p x, rate ν x).
    zbar = rng.gamma(true.p * x, 1 / (nu * x))
    fit = fit_gamma_gamma(x, zbar)
    z = (np.array(fit.params) - np.array(true)) / np.array(fit.standard_errors)
    assert np.all(np.abs(z) < 3.5), dict(zip(true._fields, z))
    assert not any("correlated" in w for w in fit.warnings)


def test_holdout_forecast_is_unbiased_on_simulated_customers():
    # The conditional expectation averaged over customers must equal the average of what
    # they then do (law of total expectation), in every calibration-frequency group.
    sim = _simulate(40_000, seed=21, holdout=39.0)
    table = holdout_table(
        TRUE, sim["frequency"], sim["recency"], sim["T"], sim["holdout_visits"], 39.0, max_visits=7
    )
    group = np.minimum(sim["frequency"], 7)
    for _, row in table.iterrows():
        actual = sim["holdout_visits"][group == row["calibration_visits"]]
        standard_error = actual.std(ddof=1) / np.sqrt(len(actual))
        assert abs(row["predicted"] - row["actual"]) < 4 * standard_error + 1e-9, row.to_dict()
    assert table["customers"].sum() == 40_000
    assert table["actual"].iloc[0] == pytest.approx(sim["holdout_visits"][sim["frequency"] == 0].mean())


def test_warm_start_from_a_subsample_reaches_the_same_optimum(monkeypatch):
    # Above 40,000 distinct rows the fit starts from a fit on a tenth of them.
    sim = _simulate(60_000, seed=31)
    warm = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    assert warm.n_unique_rows > 40_000
    monkeypatch.setattr(bg, "_warm_start", lambda *args, **kwargs: None)
    cold = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    np.testing.assert_allclose(warm.params, cold.params, rtol=1e-5)
    np.testing.assert_allclose(warm.standard_errors, cold.standard_errors, rtol=1e-3)
    assert warm.log_likelihood == pytest.approx(cold.log_likelihood, abs=1e-6)
