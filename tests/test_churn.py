"""Churn early warning engine, pure parts: SPEC §3 formula and totals, each signal's
normalisation at its edges, weights, levels, calibration, the call list and its reasons."""

import numpy as np
import pandas as pd
import pytest

from clv_engine import churn
from clv_engine.errors import InputError
from wording import fmt
from wording.churn import export_frame, risk_reasons
from wording.errors import explain


def _says(excinfo: pytest.ExceptionInfo, words: str) -> None:
    """The input error reads ``words`` in English (through the wording layer)."""
    assert words in explain(excinfo.value, "en"), explain(excinfo.value, "en")
    assert explain(excinfo.value, "zh")


# -- SPEC §3 -----------------------------------------------------------------------------


def test_expected_value_formula_by_hand():
    # 0.6 × 0.78 × 21,000 − 800 = 9,828 − 800 = 9,028
    assert churn.expected_value(0.6, 0.78, 21_000, 800) == pytest.approx(9_028)
    got = churn.expected_value(np.array([0.5, 0.2]), 0.53, np.array([10_000, 1_000]), 300)
    # 0.5 × 0.53 × 10,000 − 300 = 2,350; 0.2 × 0.53 × 1,000 − 300 = −194
    np.testing.assert_allclose(got, [2_350, -194])


def _scored(levels, scores=None, stores=None):
    n = len(levels)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "home_store_id": stores if stores is not None else ["S01"] * n,
            "score": scores if scores is not None else [0.5] * n,
            "level": levels,
        }
    )
    return frame


def test_spec_seed_totals_through_the_call_list():
    # SPEC §3: 1,240 customers saved × 21,000 = 26,040,000 against 980,000 cost = 26.6×.
    # 500 high (× 800) + 1,600 mid (× 300) + 2,000 low (× 50) cost 980,000. With the same
    # P(churn) p for all, customers saved = p × (500×0.78 + 1,600×0.53 + 2,000×0.31) = 1,858 p.
    levels = ["high"] * 500 + ["mid"] * 1_600 + ["low"] * 2_000
    p = 1_240 / 1_858
    scored = _scored(levels)
    values = pd.DataFrame({"customer_id": scored["customer_id"], "clv": 21_000.0, "p_alive": 1 - p})
    listed = churn.call_list(scored, values, method="model")
    totals = churn.list_totals(listed)
    assert totals.customers == 4_100
    assert totals.cost == pytest.approx(980_000)
    assert totals.customers_saved == pytest.approx(1_240)
    assert totals.clv_saved == pytest.approx(26_040_000)
    assert totals.net_value == pytest.approx(25_060_000)
    assert fmt.multiple(totals.multiple) == "26.6×"


def test_interventions_are_the_spec_table():
    table = {i.level: (i.cost, i.success, i.lead_months) for i in churn.INTERVENTIONS}
    assert table == {"high": (800, 0.78, 6), "mid": (300, 0.53, 3), "low": (50, 0.31, 1)}


# -- normalisation of each signal ---------------------------------------------------------
# Baseline: 364 days with 4 visits and 2,000 spent, window 91 days -> expected in the window
# 2,000 / 364 × 91 = 500 and 4 / 364 × 91 = 1 visit (evidence 1).


@pytest.mark.parametrize(
    "recent, expected",
    [(500.0, 0.0), (0.0, 1.0), (250.0, 0.5), (800.0, 0.0), (125.0, 0.75)],
)
def test_spend_drop_edges_with_full_evidence(recent, expected):
    got = churn.drop_signal([recent], [2_000.0], [4], [364], 91, 180)
    assert got[0] == pytest.approx(expected)


def test_spend_drop_once_a_year_owner_is_not_gone():
    # One visit a year: 1/364 × 91 = 0.25 expected visits, so a quiet quarter scores 0.25.
    got = churn.drop_signal([0.0], [500.0], [1], [364], 91, 180)
    assert got[0] == pytest.approx(0.25)


@pytest.mark.parametrize(
    "baseline, visits, days",
    [(2_000.0, 4, 179), (0.0, 0, 364), (-300.0, 1, 364), (2_000.0, 4, 0)],
)
def test_drop_without_a_usual_pace_is_zero(baseline, visits, days):
    # Known for less than 180 days, nothing (or only refunds) in the baseline: nothing to drop from.
    assert churn.drop_signal([0.0], [baseline], [visits], [days], 91, 180)[0] == 0.0


def test_frequency_drop_uses_visits_as_amount_and_evidence():
    # 4 visits in the baseline year, 3 in the last year: drop 0.25, evidence min(1, 4) = 1.
    assert churn.drop_signal([3], [4], [4], [365], 365, 180)[0] == pytest.approx(0.25)
    # Half a baseline year with 1 visit -> pace 2 a year; 0 visits now -> 1.
    assert churn.drop_signal([0], [1], [1], [182.5], 365, 180)[0] == pytest.approx(1.0)


def test_complaint_signal_edges():
    np.testing.assert_allclose(churn.complaint_signal([0, 1, 3], 1), [0, 1, 1])
    np.testing.assert_allclose(churn.complaint_signal([0, 1, 2, 5], 2), [0, 0.5, 1, 1])
    with pytest.raises(ValueError, match="complaint_cap"):
        churn.complaint_signal([1], 0)


def test_competitor_signal_edges():
    got = churn.competitor_signal([0, 365, 400, np.nan, 182.5], 365)
    np.testing.assert_allclose(got, [1, 0, 0, 0, 0.5])


def test_cancellation_signal_edges():
    got = churn.cancellation_signal([0, 2, 1, 1, 0], [0, 2, 1, 4, 5], 2)
    # none booked 0; 2 of 2 -> 1; 1 of 1 -> 1 × min(1, 1/2) = 0.5; 1 of 4 -> 0.25; 0 of 5 -> 0
    np.testing.assert_allclose(got, [0, 1, 0.5, 0.25, 0])


# -- weights and levels -------------------------------------------------------------------


def test_default_weights_are_spec_and_valid():
    w = churn.RiskWeights()
    assert w.as_dict() == {
        "spend_drop": 0.30,
        "frequency_drop": 0.25,
        "complaints": 0.20,
        "competitor": 0.15,
        "cancellations": 0.10,
    }
    w.validate()


def test_weights_must_sum_to_100_percent():
    with pytest.raises(InputError) as err:
        churn.RiskWeights(spend_drop=0.35).validate()
    _says(err, "must sum to 100%, they sum to 105%")
    with pytest.raises(InputError) as err:
        churn.RiskWeights(cancellations=-0.1, spend_drop=0.5).validate()
    _says(err, "cancellations must be between 0% and 100%")


def test_missing_signals_share_out_their_weight():
    w = churn.effective_weights(churn.RiskWeights(), ("spend_drop", "frequency_drop"))
    assert w["spend_drop"] == pytest.approx(0.30 / 0.55)
    assert w["frequency_drop"] == pytest.approx(0.25 / 0.55)
    assert w["complaints"] == w["competitor"] == w["cancellations"] == 0
    assert sum(w.values()) == pytest.approx(1)


def test_all_weight_on_missing_signals_is_an_error():
    weights = churn.RiskWeights(
        spend_drop=0, frequency_drop=0, complaints=0.5, competitor=0.5, cancellations=0
    )
    with pytest.raises(InputError) as err:
        churn.effective_weights(weights, ("spend_drop", "frequency_drop"))
    _says(err, "signals with no data")


def test_levels_on_their_thresholds():
    got = churn.risk_level([0.5, 0.4999, 0.3, 0.15, 0.1499, 0.0, 1.0], churn.RiskLevels())
    assert list(got) == ["high", "mid", "mid", "low", "none", "none", "high"]


@pytest.mark.parametrize("high, mid, low", [(0.3, 0.5, 0.1), (0.5, 0.3, 0.0), (1.2, 0.5, 0.1)])
def test_levels_must_rise(high, mid, low):
    with pytest.raises(InputError) as err:
        churn.risk_level([0.2], churn.RiskLevels(high, mid, low))
    _says(err, "thresholds must rise")


def test_score_risk_combines_weighted_signals():
    frame = pd.DataFrame(
        {
            "spend_drop": [1.0, 0.0],
            "frequency_drop": [0.0, 1.0],
            "complaints": [1.0, 0.0],
            "competitor": [0.5, 0.0],
            "cancellations": [0.0, 0.0],
            "watched": [True, False],
        }
    )
    frame.attrs["available"] = churn.SIGNALS
    scored = churn.score_risk(frame)
    # 0.30 + 0.20 + 0.15 × 0.5 = 0.575; the second is outside the watch window.
    assert scored["score"].tolist() == pytest.approx([0.575, 0.25])
    assert scored["level"].tolist() == ["high", "lapsed"]
    assert scored["c_competitor"].tolist() == pytest.approx([0.075, 0])


# -- P(churn) -----------------------------------------------------------------------------


def test_ranking_auc_by_hand():
    # Churners 0.35 and 0.8 against stayers 0.1 and 0.4: 3 of 4 pairs ranked right.
    assert churn.ranking_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert churn.ranking_auc([0.5, 0.5], [True, False]) == pytest.approx(0.5)
    assert np.isnan(churn.ranking_auc([0.5, 0.6], [True, True]))


def test_logistic_fit_of_two_groups_is_their_rates():
    # Two score values and two parameters: the fit reproduces each group's churn rate
    # exactly, a = logit(0.1), b = logit(0.6) − logit(0.1).
    scores = [0.0] * 100 + [1.0] * 100
    churned = [True] * 10 + [False] * 90 + [True] * 60 + [False] * 40
    a, b = churn.fit_logistic(scores, churned)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert a == pytest.approx(logit(0.1), abs=1e-4)
    assert b == pytest.approx(logit(0.6) - logit(0.1), abs=1e-3)


def test_logistic_fit_stays_finite_when_separated():
    a, b = churn.fit_logistic([0.1, 0.2, 0.8, 0.9], [False, False, True, True])
    assert np.isfinite(a) and np.isfinite(b) and b > 0
    with pytest.raises(ValueError, match="both churners and stayers"):
        churn.fit_logistic([0.1, 0.2], [False, False])


def test_calibration_from_backtest():
    # 150 customers at 0.05 with 15 churned (10%), 50 at 0.55 with 25 churned (50%).
    scores = [0.05] * 150 + [0.55] * 50
    churned = [True] * 15 + [False] * 135 + [True] * 25 + [False] * 25
    cal = churn.calibration_from_backtest(scores, churned, pd.Timestamp("2025-01-01").date(), 540)
    np.testing.assert_allclose(cal.p_churn([0.05, 0.55]), [0.10, 0.50], atol=1e-4)
    assert cal.p_churn([0.3])[0] == pytest.approx(1 / (1 + np.exp(-(cal.intercept + 0.3 * cal.slope))))
    assert cal.customers == 200
    assert cal.base_rate == pytest.approx(0.2)
    table = cal.table.set_index("band_low")
    assert table.loc[0.0, "customers"] == 150 and table.loc[0.0, "rate"] == pytest.approx(0.1)
    assert table.loc[0.0, "p_churn"] == pytest.approx(0.1, abs=1e-4)
    assert table.loc[0.5, "rate"] == pytest.approx(0.5)
    assert np.isnan(table.loc[0.9, "rate"])
    # AUC by hand: P(a churner scores above a stayer), ties counting one half
    # = (25 × 135 + 0.5 × (15 × 135 + 25 × 25)) / (40 × 160)
    assert cal.auc == pytest.approx((25 * 135 + 0.5 * (15 * 135 + 25 * 25)) / (40 * 160))


def test_calibration_needs_enough_customers_and_both_outcomes():
    day = pd.Timestamp("2025-01-01").date()
    assert churn.calibration_from_backtest([0.1] * 99, [False, True] * 49 + [False], day, 540) is None
    assert churn.calibration_from_backtest([0.1] * 200, [False] * 200, day, 540) is None


def test_p_churn_methods():
    frame = pd.DataFrame({"score": [0.2, 0.7], "p_alive": [0.9, 0.25]})
    np.testing.assert_allclose(churn.p_churn(frame, "score"), [0.2, 0.7])
    np.testing.assert_allclose(churn.p_churn(frame, "model"), [0.1, 0.75])
    with pytest.raises(ValueError, match="needs a calibration"):
        churn.p_churn(frame, "calibrated", None)
    with pytest.raises(ValueError, match="p_alive"):
        churn.p_churn(frame[["score"]], "model")
    with pytest.raises(ValueError, match="must be one of"):
        churn.p_churn(frame, "guess")


# -- the call list ------------------------------------------------------------------------


def _list():
    scored = _scored(
        ["high", "mid", "low", "none", "lapsed", "mid"],
        [0.8, 0.4, 0.2, 0.05, 0.1, 0.45],
        ["S01", "S02", "S01", "S01", "S02", "S01"],
    )
    values = pd.DataFrame(
        {
            "customer_id": scored["customer_id"],
            "name": list("ABCDEF"),
            "clv": [2_000.0, 10_000.0, 5_000.0, 9_000.0, 9_000.0, 100.0],
        }
    )
    tiers = pd.DataFrame(
        {
            "customer_id": scored["customer_id"],
            "tier": ["gold", "platinum", "silver", "gold", "churned", "ordinary"],
        }
    )
    return churn.call_list(scored, values, method="score", tiers=tiers)


def test_call_list_ranks_by_expected_value():
    listed = _list()
    # EV: C0 0.8×0.78×2,000−800 = 448; C1 0.4×0.53×10,000−300 = 1,820;
    #     C2 0.2×0.31×5,000−50 = 260;  C5 0.45×0.53×100−300 = −276.15
    assert listed["customer_id"].tolist() == ["C00001", "C00000", "C00002", "C00005"]
    assert listed["expected_value"].tolist() == pytest.approx([1_820, 448, 260, -276.15])
    assert listed["rank"].tolist() == [1, 2, 3, 4]
    assert "C00003" not in set(listed["customer_id"]) and "C00004" not in set(listed["customer_id"])


def test_filter_list_by_store_tier_level_and_value():
    listed = _list()
    assert churn.filter_list(listed, store_ids=["S01"])["customer_id"].tolist() == [
        "C00000",
        "C00002",
        "C00005",
    ]
    assert churn.filter_list(listed, tiers=["platinum", "silver"])["customer_id"].tolist() == [
        "C00001",
        "C00002",
    ]
    assert churn.filter_list(listed, levels=["mid"])["customer_id"].tolist() == ["C00001", "C00005"]
    assert churn.filter_list(listed, paying_only=True)["customer_id"].tolist() == [
        "C00001",
        "C00000",
        "C00002",
    ]
    with pytest.raises(ValueError, match="tier column"):
        churn.filter_list(listed.drop(columns="tier"), tiers=["gold"])


def test_level_summary_and_totals():
    listed = _list()
    summary = churn.level_summary(listed).set_index("level")
    assert summary.loc["mid", "customers"] == 2
    assert summary.loc["mid", "cost"] == 600
    # CLV saved for mid: 0.4×0.53×10,000 + 0.45×0.53×100 = 2,120 + 23.85
    assert summary.loc["mid", "clv_saved"] == pytest.approx(2_143.85)
    totals = churn.list_totals(listed)
    assert totals.cost == 800 + 300 + 50 + 300
    assert totals.net_value == pytest.approx(1_820 + 448 + 260 - 276.15)


def test_interventions_must_cover_every_level():
    with pytest.raises(ValueError, match="missing for level"):
        churn.call_list(
            _scored(["high"]),
            pd.DataFrame({"customer_id": ["C00000"], "clv": [1.0]}),
            method="score",
            interventions=churn.INTERVENTIONS[:2],
        )
    with pytest.raises(InputError) as err:
        churn.Intervention("high", 800, 1.2, 6).validate()
    _says(err, "success rate")


# -- reasons ------------------------------------------------------------------------------


def _reason_frame():
    frame = pd.DataFrame(
        {
            "spend_fall": [1.0, 0.0],
            "expected_visits_spend_window": [1.0, 0.0],
            "spend_baseline_visits": [4, 0],
            "spend_baseline_days": [365, 365],
            "visits_recent": [3, 0],
            "expected_visits": [4.0, 0.0],
            "unresolved_complaints": [1, 0],
            "oldest_open_days": [60.0, np.nan],
            "days_since_sighting": [np.nan, np.nan],
            "cancelled": [0, 0],
            "appointments": [0, 0],
            "c_spend_drop": [0.30, 0.0],
            "c_frequency_drop": [0.0625, 0.0],
            "c_complaints": [0.2, 0.0],
            "c_competitor": [0.0, 0.0],
            "c_cancellations": [0.0, 0.0],
        }
    )
    return frame


def test_reasons_largest_first_and_only_what_adds():
    reasons = risk_reasons(_reason_frame(), "en")
    assert reasons[0] == (
        "no spend in 3 months (usually 4.0 visits a year) (+0.30); "
        "1 unresolved complaint(s), oldest open 60 days (+0.20); "
        "3 visits in 12 months against 4.0 expected (+0.06)"
    )
    assert reasons[1] == "no warning sign"
    zh = risk_reasons(_reason_frame(), "zh")
    assert zh[0].startswith("近3个月没有消费") and "；" in zh[0]


def test_export_frame_has_reasons_and_translated_headers():
    listed = _list()
    for s in churn.SIGNALS:
        listed[f"c_{s}"] = 0.0
    listed["c_complaints"] = 0.2
    for col, value in {
        "unresolved_complaints": 2,
        "oldest_open_days": 9.0,
        "spend_fall": 0.0,
        "expected_visits_spend_window": 0.0,
        "spend_baseline_visits": 0,
        "spend_baseline_days": 0,
        "visits_recent": 0,
        "expected_visits": 0.0,
        "days_since_sighting": np.nan,
        "cancelled": 0,
        "appointments": 0,
    }.items():
        listed[col] = value
    out = export_frame(listed, "en")
    assert list(out.columns) == [
        "Rank",
        "Customer",
        "Name",
        "Store",
        "Tier",
        "Risk score",
        "Risk level",
        "P(churn)",
        "Remaining CLV",
        "Intervention",
        "Cost",
        "Success rate",
        "Expected value",
        "Reasons",
    ]
    assert out["Reasons"][0] == "2 unresolved complaint(s), oldest open 9 days (+0.20)"
    assert out["Intervention"][0] == "Account manager visit + service offer"
    assert out["Tier"][0] == "Platinum"
    zh = export_frame(listed, "zh")
    assert "原因" in zh.columns and zh["风险等级"][0] == "中"


def test_p_churn_methods_say_why_one_is_not_offered():
    from clv_engine.status import dropout_check

    flat = dropout_check(0.3, 500.0, [0.99] * 100)
    spread = dropout_check(0.8, 2.4, [i / 100 for i in range(101)])
    assert churn.p_churn_methods(None, False) == {
        "calibrated": "no_calibration",
        "score": None,
        "model": "no_model",
    }
    assert churn.p_churn_methods(None, True, flat)["model"] == "not_identifiable"
    assert churn.p_churn_methods(None, True, spread)["model"] is None
    assert churn.p_churn_methods(None, True)["model"] is None


def test_best_number_of_customers_to_call_by_hand():
    # Ranked values 500, 300, −50, 100, −400: running totals 500, 800, 750, 850, 450 -> stop at 4.
    frame = pd.DataFrame({"expected_value": [500.0, 300.0, -50.0, 100.0, -400.0]})
    cumulative, best = churn.best_call_count(frame)
    assert cumulative.tolist() == [500, 800, 750, 850, 450]
    assert best == 4
    assert churn.best_call_count(frame.iloc[:0])[1] == 0
