"""Issue 14: the churn page scores without the signals' contributions (five columns of ten
million customers nobody reads but for the rows drawn); churn.with_signals makes them for those
rows. Here against the scoring that keeps them (churn.score_risk as before), on random small
databases and on a database with the kept churn base: the same scores and levels, the same
rows drawn (columns, order, dtypes, values) and the same reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clv_engine import churn, clv
from tests.test_churn_bigcache import weights_and_levels
from tests.test_churn_derived import derived_db  # noqa: F401  (the fixture)
from tests.test_churn_narrow import _parts, _random_db
from wording.churn import risk_reasons


def _check(scored_wide: pd.DataFrame, scored_lazy: pd.DataFrame, db, picks: np.ndarray) -> None:
    assert not set(churn.CONTRIBUTIONS) & set(scored_lazy.columns)
    assert scored_lazy.attrs["lazy_contributions"]
    pd.testing.assert_frame_equal(scored_lazy, scored_wide.drop(columns=list(churn.CONTRIBUTIONS)))
    calibration = None
    wide = churn.call_list(scored_wide, None, "score", calibration, narrow=True)
    lazy = churn.call_list(scored_lazy, None, "score", calibration, narrow=True)
    pd.testing.assert_frame_equal(lazy, wide)
    if len(wide) == 0:
        return
    rows = wide.iloc[np.unique(picks % len(wide))]
    got = churn.with_signals(rows, scored_lazy, db)
    expected = churn.with_signals(rows, scored_wide, db)
    pd.testing.assert_frame_equal(got, expected)  # columns in the same order, exactly equal
    pd.testing.assert_series_equal(risk_reasons(got, "en"), risk_reasons(expected, "en"))


@pytest.fixture(scope="module")
def random_dbs(tmp_path_factory):
    dbs = []
    for seed in (3, 8, 21):
        db = _random_db(tmp_path_factory.mktemp(f"lazy{seed}") / "d.duckdb", seed)
        signals, values, tiers = _parts(db)
        dbs.append((db, churn.list_base(signals, values, tiers, value_columns=churn.NARROW_VALUE_COLUMNS)))
    yield dbs
    for db, _ in dbs:
        db.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.integers(0, 2),
    choice=weights_and_levels(),
    picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=30),
)
def test_scored_without_contributions_draws_the_same_rows(random_dbs, which, choice, picks):
    db, base = random_dbs[which]
    weights, levels = choice
    if sum(weights.as_dict()[s] for s in base.attrs["available"]) <= 0:
        return  # an input error on both paths
    _check(
        churn.score_risk(base, weights, levels),
        churn.score_risk(base, weights, levels, contributions=False),
        db,
        np.array(picks),
    )


def test_a_missing_signal_contributes_nothing_on_both(random_dbs):
    db, base = random_dbs[0]
    fewer = base.copy(deep=False)
    fewer.attrs = dict(base.attrs, available=("spend_drop", "frequency_drop"))
    _check(
        churn.score_risk(fewer),
        churn.score_risk(fewer, contributions=False),
        db,
        np.arange(40),
    )


def test_the_kept_base_scored_without_contributions_draws_the_same_rows(derived_db):  # noqa: F811
    """The kept base (its facts read for the rows drawn) scored both ways."""
    db, end = derived_db
    base = churn.kept_base(db, end, None, clv.CLVParams(), "predictive")
    if base is None:
        pytest.skip("no fit on this database: no kept base")
    assert base.attrs["kept_facts"]  # the reasons' facts are read for the rows drawn
    for weights in (churn.RiskWeights(), churn.RiskWeights(0.1, 0.1, 0.4, 0.2, 0.2)):
        _check(
            churn.score_risk(base, weights),
            churn.score_risk(base, weights, contributions=False),
            db,
            np.arange(0, 400, 7),
        )


def test_the_narrow_ranking_is_the_wide_one_cut(random_dbs):
    """The narrow list (its ranking inputs reordered from their cut, the rest taken from the
    base) holds the wide list's columns, dtypes and values, row for row."""
    for _, base in random_dbs:
        scored = churn.score_risk(base, contributions=False)
        for method in ("score", "model"):
            if method == "model" and "p_alive" not in scored.columns:
                continue
            narrow = churn.call_list(scored, None, method, None, narrow=True)
            wide = churn.call_list(scored, None, method, None)
            columns = [c for c in narrow.columns if c != "row"]
            pd.testing.assert_frame_equal(narrow[columns], wide[columns])
            assert wide["customer_id"].tolist() == scored["customer_id"].take(narrow["row"]).tolist()
