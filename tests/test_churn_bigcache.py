"""Issue 14: the churn page joins each customer's values, tier and call details ONCE
(churn.list_base) and ranks by row position; here against the previous method (a join per
rerun, a sort on value then id), on the sample data, for the default and any weights/levels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv_engine import churn, clv
from clv_engine import segmentation as seg
from clv_engine.db import Database

AS_OF = date(2026, 9, 15)


@pytest.fixture(scope="module")
def parts(sample_db_path):
    db = Database(sample_db_path)
    signals = churn.churn_signals(db, AS_OF)
    values = clv.customer_values(db, AS_OF, None, clv.CLVParams())
    tiers = seg.score_customers(db, AS_OF)[["customer_id", "tier"]]
    details = churn.call_details(db, AS_OF)
    calibration = churn.calibrate(churn.backtest_signals(db, AS_OF, None))
    return signals, values, tiers, details, calibration


def _previous(parts, weights, levels, method="calibrated"):
    """The page before: score, join values and tiers, sort on (value desc, id), join details."""
    signals, values, tiers, details, calibration = parts
    scored = churn.score_risk(signals, weights, levels)
    ranked = scored[scored["level"].isin(churn.LEVELS)].merge(
        values[["customer_id", "name", "vin", "region", "clv"]], on="customer_id"
    )
    ranked = ranked.merge(tiers, on="customer_id", how="left")
    ranked["p_churn"] = churn.p_churn(ranked, method, calibration)
    cost = {i.level: i.cost for i in churn.INTERVENTIONS}
    success = {i.level: i.success for i in churn.INTERVENTIONS}
    ranked["expected_value"] = ranked["p_churn"] * ranked["level"].map(success).astype(float) * ranked[
        "clv"
    ] - ranked["level"].map(cost).astype(float)
    ranked = ranked.sort_values(["expected_value", "customer_id"], ascending=[False, True])
    return ranked.merge(details, on="customer_id", how="left").reset_index(drop=True)


def _now(parts, weights, levels, base=None, method="calibrated"):
    signals, values, tiers, details, calibration = parts
    base = churn.list_base(signals, values, tiers, details) if base is None else base
    scored = churn.score_risk(base, weights, levels)
    listed = churn.call_list(scored, None, method, calibration)
    return churn.add_call_details(listed, None, AS_OF), scored


COMPARED = ["customer_id", "level", "score", "tier", "clv", "p_churn", "expected_value", "phone", "vehicle"]


def _same(now: pd.DataFrame, before: pd.DataFrame) -> None:
    assert now["customer_id"].tolist() == before["customer_id"].tolist()
    # level and tier are categoricals now (codes, churn.LEVEL_CATEGORIES): the same names.
    names = {"level": object, "tier": object}
    pd.testing.assert_frame_equal(
        now[COMPARED].astype(names).reset_index(drop=True),
        before[COMPARED].astype(names),
        check_dtype=False,
        rtol=1e-12,
    )
    assert now["rank"].tolist() == list(range(1, len(now) + 1))


def test_joined_once_ranks_as_before(parts):
    signals = parts[0]
    assert signals["customer_id"].is_monotonic_increasing  # the signals SQL orders by id
    now, scored = _now(parts, churn.RiskWeights(), churn.RiskLevels())
    _same(now, _previous(parts, churn.RiskWeights(), churn.RiskLevels()))
    # every signal row stays (the lapsed count reads them), the ones without values are marked
    assert len(scored) == len(signals)
    assert scored.attrs["by_id"] and scored.attrs["available"] == signals.attrs["available"]
    assert now["owner_role"].notna().all() and (now["due_on"] == date(2026, 9, 22)).all()


def test_ties_in_value_break_by_id(parts):
    # every customer's CLV 0: every expected value is minus its level's cost, all tied
    signals, values, tiers, details, calibration = parts
    flat = (signals, values.assign(clv=0.0), tiers, details, calibration)
    now, _ = _now(flat, churn.RiskWeights(), churn.RiskLevels())
    _same(now, _previous(flat, churn.RiskWeights(), churn.RiskLevels()))


def test_rows_not_in_id_order_are_ranked_by_id_too(parts):
    signals, values, tiers, details, calibration = parts
    shuffled = signals.sample(frac=1.0, random_state=3).reset_index(drop=True)
    shuffled.attrs.update(signals.attrs)
    base = churn.list_base(shuffled, values, tiers, details)
    assert not base.attrs["by_id"]
    now, _ = _now(parts, churn.RiskWeights(), churn.RiskLevels(), base=base)
    _same(now, _previous(parts, churn.RiskWeights(), churn.RiskLevels()))


def test_a_customer_without_values_is_not_listed(parts):
    signals, values, tiers, details, calibration = parts
    listed = _now(parts, churn.RiskWeights(), churn.RiskLevels())[0]
    gone = listed["customer_id"].iloc[0]
    fewer = (signals, values[values["customer_id"] != gone], tiers, details, calibration)
    now, _ = _now(fewer, churn.RiskWeights(), churn.RiskLevels())
    assert gone not in set(now["customer_id"])
    _same(now, _previous(fewer, churn.RiskWeights(), churn.RiskLevels()))


@st.composite
def weights_and_levels(draw):
    cuts = sorted(draw(st.lists(st.integers(1, 20), min_size=4, max_size=4)))
    parts = [a - b for a, b in zip([*cuts, 20], [0, *cuts])]
    weights = churn.RiskWeights(**{s: p / 20 for s, p in zip(churn.SIGNALS, parts)})
    low = draw(st.integers(1, 18))
    mid = draw(st.integers(low + 1, 19))
    high = draw(st.integers(mid + 1, 20))
    return weights, churn.RiskLevels(high / 20, mid / 20, low / 20)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=weights_and_levels(), method=st.sampled_from(["calibrated", "score"]))
def test_any_weights_and_levels_rank_as_before(parts, choice, method):
    weights, levels = choice
    signals = parts[0]
    if sum(weights.as_dict()[s] for s in signals.attrs["available"]) <= 0:
        return  # no weight on an available signal: an input error on both paths
    now, _ = _now(parts, weights, levels, method=method)
    _same(now, _previous(parts, weights, levels, method=method))


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.one_of(st.just(float("nan")), st.floats(0, 1)), max_size=40),
    choice=weights_and_levels(),
)
def test_levels_and_per_level_values_as_before(scores, choice):
    levels = choice[1]
    previous = [
        "high"
        if s >= levels.high_min
        else "mid"
        if s >= levels.mid_min
        else "low"
        if s >= levels.low_min
        else churn.NO_LEVEL
        for s in scores
    ]
    now = churn.risk_level(pd.Series(scores, dtype=float), levels)
    assert list(now) == previous
    level = pd.Series(previous + [churn.LAPSED], dtype="str")
    cost = {i.level: i.cost for i in churn.INTERVENTIONS}
    expected = level.map(cost).astype(float).to_numpy()
    np.testing.assert_array_equal(churn.per_level(level, cost), expected)
    roles = churn.per_level(level, churn.OWNER_ROLE, None)
    assert list(roles) == [churn.OWNER_ROLE.get(x) for x in level]
    # The scored frame's categorical levels (a code per row, missing: -1) give the same.
    coded = level.astype(pd.CategoricalDtype(list(churn.LEVEL_CATEGORIES))).reindex(range(len(level) + 1))
    np.testing.assert_array_equal(churn.per_level(coded, cost), np.append(expected, np.nan))
    assert list(churn.per_level(coded, churn.OWNER_ROLE, None)) == [
        churn.OWNER_ROLE.get(x) for x in level
    ] + [None]


def test_the_predictive_models_p_alive_is_carried(parts):
    signals, values, tiers, details, calibration = parts
    rng = np.random.default_rng(7)
    predictive = values.assign(p_alive=rng.random(len(values)))
    now, _ = _now(
        (signals, predictive, tiers, details, calibration),
        churn.RiskWeights(),
        churn.RiskLevels(),
        method="model",
    )
    scored = churn.score_risk(signals)
    before = churn.call_list(scored, predictive, "model", None, churn.INTERVENTIONS, tiers)
    assert now["customer_id"].tolist() == before["customer_id"].tolist()
    np.testing.assert_allclose(now["p_churn"], 1.0 - before["p_alive"].clip(0, 1))
    np.testing.assert_allclose(now["expected_value"], before["expected_value"])
