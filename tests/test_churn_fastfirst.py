"""The churn and results pages' first render without the slow parts, same figures: the list's
tiers read as two columns (churn.rfml_tiers) equal segmentation's whole scores' tiers, the
normal quantile and the ranking AUC without scipy.stats equal scipy's (brute force here)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import churn, results
from clv_engine import segmentation as seg
from clv_engine.db import Database
from clv_engine.scope import ScopedDatabase


@pytest.fixture(scope="module")
def derived_path(tmp_path_factory, pristine_db_bytes):
    """A copy of the sample with the RFM+L facts built (the stored path) for three dates."""
    import duckdb

    from clv_engine.derived import segments

    path = tmp_path_factory.mktemp("tiers") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    con = duckdb.connect(str(path))
    days = segments.build(con)
    con.close()
    return path, days


def _tiers_of_scores(db, day, stores=None) -> pd.DataFrame:
    """What the list used before: the whole scores, two columns kept."""
    return seg.score_customers(db, day, stores)[["customer_id", "tier"]]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == ["customer_id", "tier"]
    pd.testing.assert_frame_equal(
        a.sort_values("customer_id").reset_index(drop=True),
        b.sort_values("customer_id").reset_index(drop=True),
    )


def test_tiers_read_alone_equal_the_whole_scores(derived_path):
    path, days = derived_path
    db = Database(path)
    for day in [*days, days[-1] - timedelta(days=3)]:  # stored facts, and computed ones
        _same(churn.rfml_tiers(db, day), _tiers_of_scores(db, day))
        _same(churn.rfml_tiers(db, day, ("S01",)), _tiers_of_scores(db, day, ("S01",)))
    scoped = ScopedDatabase(db, ("S02",))
    _same(churn.rfml_tiers(scoped, days[-1]), _tiers_of_scores(scoped, days[-1]))
    assert len(churn.rfml_tiers(db, days[-1])) > 0
    # the list's tier lookup gives every customer the tier of the scores
    signals = churn.churn_signals(db, days[-1], None)
    base = churn.list_base(
        signals, churn.churn_signals(db, days[-1], None)[["customer_id"]], churn.rfml_tiers(db, days[-1])
    )
    old = signals[["customer_id"]].merge(_tiers_of_scores(db, days[-1]), on="customer_id", how="left")
    assert base["tier"].tolist() == old["tier"].tolist()


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1 - 1e-6))
def test_z_value_is_scipys_normal_quantile(confidence):
    from scipy.stats import norm

    expected = float(norm.ppf(0.5 + confidence / 2))
    assert results.z_value(confidence) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def _auc_by_pairs(scores, churned) -> float:
    """Brute force: over every (churner, stayer) pair, 1 when the churner scores above, 1/2 a tie."""
    s, y = np.asarray(scores, dtype=float), np.asarray(churned, dtype=bool)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (len(pos) * len(neg)))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=6), st.booleans()), min_size=0, max_size=60))
def test_ranking_auc_equals_every_pair_counted(rows):
    scores = [s / 6 for s, _ in rows]  # few values: many ties
    churned = [c for _, c in rows]
    got, expected = churn.ranking_auc(scores, churned), _auc_by_pairs(scores, churned)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_ranking_auc_with_a_missing_score_is_nan_as_scipys():
    from scipy.stats import rankdata

    scores, churned = [0.1, np.nan, 0.5, 0.2], [True, False, False, True]
    ranks = rankdata(scores)
    assert np.isnan(ranks).all() and np.isnan(churn.ranking_auc(scores, churned))


# -- the results table from counts per level and group (results.results) ---------------------


def _same_table(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    """Equal column by column (sums added in another order: equal to rounding)."""
    assert list(fast.columns) == list(slow.columns) and len(fast) == len(slow)
    for column in slow.columns:
        a, b = fast[column].tolist(), slow[column].tolist()
        if slow[column].dtype.kind == "f":
            assert np.allclose(
                np.asarray(a, float), np.asarray(b, float), rtol=1e-9, atol=1e-9, equal_nan=True
            ), column
        else:
            assert a == b, column
    assert fast.attrs == slow.attrs


@pytest.mark.parametrize(
    "seed, n, p_control, p_treated", [(1, 400, 0.2, 0.4), (5, 900, 0.3, 0.3), (9, 150, 0.1, 0.6)]
)
def test_results_from_counts_equal_the_members_table(tmp_path, seed, n, p_control, p_treated):
    from tests.test_results import simulated_database

    db, list_id, _ = simulated_database(
        tmp_path / "sim.duckdb", n=n, p_control=p_control, p_treated=p_treated, seed=seed
    )
    rng = np.random.default_rng(seed)
    with db.write_transaction() as con:  # values of their own, some NaN, a level of none
        members = con.execute("SELECT customer_id FROM call_list_members").df()["customer_id"]
        for column in ("clv", "p_churn", "expected_value", "success"):
            values = rng.uniform(0, 5_000, len(members))
            values[rng.random(len(members)) < 0.1] = -1.0  # NaN in the table (a frame's NaN is NULL)
            con.register("v", pd.DataFrame({"customer_id": members, "x": values}))
            con.execute(
                f"UPDATE call_list_members m SET {column} = CASE WHEN v.x < 0 THEN 'NaN'::DOUBLE ELSE v.x END "
                "FROM v WHERE v.customer_id = m.customer_id"
            )
            con.unregister("v")
        chosen = [str(c) for c in members[rng.random(len(members)) < 0.05]]
        con.execute(
            "UPDATE call_list_members SET level = 'none' WHERE customer_id IN (SELECT unnest(?))", [chosen]
        )
    assert db.query_df("SELECT count(*) AS n FROM call_list_members WHERE isnan(clv)")["n"].iloc[0] > 0
    for ids in (None, [list_id], ["no-such-list"]):
        for confidence, min_group in ((0.95, 30), (0.8, 5)):
            slow = results.results_table(results.member_outcomes(db, ids), confidence, min_group)
            _same_table(results.results(db, ids, confidence, min_group), slow)
    typed = {"high": 0.3, "mid": 0.2, "low": 0.1}
    assert results.success_evidence(db, typed) == results.measured_success(
        results.results_table(results.member_outcomes(db)), typed
    ) or all(
        a.level == b.level and a.verdict == b.verdict and np.isclose(a.measured, b.measured, equal_nan=True)
        for a, b in zip(
            results.success_evidence(db, typed),
            results.measured_success(results.results_table(results.member_outcomes(db)), typed),
        )
    )


def test_results_of_a_database_without_lists(tmp_path):
    from tests.helpers import make_db

    db = Database(make_db(tmp_path / "empty.duckdb"))
    assert results.results(db).empty
