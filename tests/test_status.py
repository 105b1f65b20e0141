"""One vocabulary of customer status, and the check that a visit model can tell dropout apart."""

from __future__ import annotations

import numpy as np
import pytest

from clv_engine import status as cs
from clv_engine.models import BGNBDParams, fit_bgnbd, p_alive, simulate_bgnbd
from wording.status import dropout_reasons_text


def test_status_by_days_since_activity():
    days = [0, 365, 366, 730, 731, 5_000, None, float("nan")]
    assert list(cs.customer_status(days)) == [
        "active",
        "active",
        "lapsing",
        "lapsing",
        "lapsed",
        "lapsed",
        "lapsed",
        "lapsed",
    ]
    assert cs.status_counts(days) == {"active": 2, "lapsing": 2, "lapsed": 4}


def test_status_thresholds_are_editable_and_checked():
    rules = cs.StatusRules(active_days=180, lapsed_days=400)
    assert list(cs.customer_status([180, 181, 400, 401], rules)) == ["active", "lapsing", "lapsing", "lapsed"]
    with pytest.raises(ValueError, match="rise"):
        cs.customer_status([1], cs.StatusRules(active_days=500, lapsed_days=400))


def test_churn_watch_window_is_the_lapsed_threshold():
    from clv_engine.churn import LAPSED, SignalRules

    assert SignalRules().watch_days == cs.StatusRules().lapsed_days and LAPSED == cs.LAPSED


def _fit(params: BGNBDParams, seed: int):
    rng = np.random.default_rng(seed)
    T = rng.uniform(52, 260, 3_000)  # customers first seen one to five years ago (weeks)
    sim = simulate_bgnbd(3_000, params, T, rng)
    fit = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"])
    return fit, p_alive(fit, sim["frequency"], sim["recency"], sim["T"]), sim


def test_dropout_is_identifiable_when_customers_do_leave():
    # The CDNOW estimates: after each repeat purchase about a quarter of customers leave.
    fit, alive, sim = _fit(BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426), seed=3)
    check = cs.dropout_check(fit.params.a, fit.params.b, alive)
    assert check.identifiable and check.reasons == ()
    # Independently: P(alive) separates the simulated leavers from the stayers.
    assert alive[~sim["alive"]].mean() < alive[sim["alive"]].mean() - 0.2


def test_dropout_is_not_identifiable_when_nobody_leaves():
    # Yearly-service customers who never drop out (p ≈ 0): P(alive) ≈ 1 for everyone.
    fit, alive, sim = _fit(BGNBDParams(r=1.3, alpha=46.0, a=1e-9, b=1.0), seed=4)
    assert sim["alive"].all()
    check = cs.dropout_check(fit.params.a, fit.params.b, alive)
    assert not check.identifiable
    assert "p_alive_near_one" in check.reasons
    assert check.near_one_share == pytest.approx((alive >= 0.9).mean())


def test_dropout_reasons_by_hand():
    near_one = np.r_[np.full(96, 0.99), np.full(4, 0.2)]
    check = cs.dropout_check(0.3, 150.0, near_one)
    assert check.reasons == ("ab_large", "p_alive_near_one")
    assert check.dropout_per_visit == pytest.approx(0.3 / 150.3)
    assert check.near_one_share == pytest.approx(0.96)
    spread = np.linspace(0, 1, 101)
    assert cs.dropout_check(0.8, 2.4, spread).identifiable
    text = dropout_reasons_text(check, "en")
    assert "a + b = 150" in text and "96.0%" in text
    assert "a + b = 150" in dropout_reasons_text(check, "zh")


def test_sample_fit_is_flagged(sample_db_path):
    from datetime import date

    from clv_engine.db import Database
    from clv_engine.predictive import fit_predictive_model

    model = fit_predictive_model(Database(sample_db_path), date(2026, 11, 30))
    check = model.dropout()
    assert not check.identifiable
    v = model.visits.params
    assert check.a_plus_b == pytest.approx(v.a + v.b)
