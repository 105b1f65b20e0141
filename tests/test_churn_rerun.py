"""Issue 14: what a weight change re-computes on the churn page, made cheaper, against the way
it was computed before (kept here): the ranking's sort (an unstable sort with ties put back in
row order), the owner and due date as codes, "where acting pays" as a slice, and the last visit
taken from the signals' facts instead of a pass over the orders."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import churn
from clv_engine.db import Database
from tests.test_churn_narrow import AS_OF, _parts, _random_db, _same_details

call_list_module = sys.modules["clv_engine.churn.call_list"]
order_module = sys.modules["clv_engine.churn.order"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from([0.0, -0.0, 1.5, -3.0, float("nan")]), st.floats(-1e6, 1e6)),
        max_size=80,
    )
)
def test_descending_is_the_stable_sort(values):
    value = np.array(values, dtype=float)
    expected = np.argsort(-value, kind="stable")
    np.testing.assert_array_equal(call_list_module.descending(value), expected)


def test_descending_on_a_large_list_with_many_ties():
    rng = np.random.default_rng(3)
    value = np.where(rng.random(200_000) < 0.3, -200.0, np.round(rng.normal(50, 80, 200_000), 1))
    value[rng.random(200_000) < 0.01] = np.nan
    np.testing.assert_array_equal(call_list_module.descending(value), np.argsort(-value, kind="stable"))


def test_descending_on_a_book_of_copies():
    """Every value ten times (a book replicated to ten million): the sample sees the ties and
    one stable sort orders the list; the same order as ever."""
    rng = np.random.default_rng(4)
    value = np.tile(np.round(rng.gamma(1.0, 100.0, 30_000), 2), 10)
    value[rng.random(len(value)) < 0.01] = np.nan
    assert order_module._mostly_tied(-value)
    np.testing.assert_array_equal(call_list_module.descending(value), np.argsort(-value, kind="stable"))
    distinct = rng.permutation(300_000) / 7.0
    assert not order_module._mostly_tied(-distinct)
    np.testing.assert_array_equal(call_list_module.descending(distinct), np.argsort(-distinct, kind="stable"))


def _previous_details(frame: pd.DataFrame, issued: date) -> pd.DataFrame:
    """add_call_details before: the owner role and the due date per row, as text and dates."""
    out = frame.copy()
    out["owner_role"] = [churn.OWNER_ROLE.get(str(x)) for x in frame["level"]]
    out["due_on"] = issued + timedelta(days=churn.DUE_DAYS)
    return out


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 10_000), paying=st.booleans(), spend=st.integers(0, 100))
def test_a_rerun_lists_and_draws_what_it_did(tmp_path_factory, seed, paying, spend):
    db: Database = _random_db(tmp_path_factory.mktemp("r") / "d.duckdb", seed)
    signals, values, tiers = _parts(db)
    weights = churn.RiskWeights(
        spend_drop=spend / 100 * 0.6,
        frequency_drop=(100 - spend) / 100 * 0.6,
        complaints=0.2,
        competitor=0.1,
        cancellations=0.1,
    )
    base = churn.list_base(signals, values, tiers, value_columns=churn.NARROW_VALUE_COLUMNS)
    scored = churn.score_risk(base, weights)
    # The levels are codes now; as names they are what the thresholds give.
    names = np.where(signals["watched"].to_numpy(dtype=bool), churn.risk_level(scored["score"]), churn.LAPSED)
    assert scored["level"].astype(object).tolist() == names.tolist()
    listed = churn.call_list(scored, None, "score", None, narrow=True)
    now = churn.add_call_details(listed, None, AS_OF)
    before = _previous_details(listed, AS_OF)
    assert now["owner_role"].astype(object).tolist() == before["owner_role"].tolist()
    assert now["due_on"].astype(object).tolist() == before["due_on"].tolist()
    shown = churn.filter_list(now, paying_only=paying)
    mask = now["expected_value"].to_numpy() > 0 if paying else np.ones(len(now), dtype=bool)
    ids = churn.with_ids(now, scored)["customer_id"]
    assert churn.with_ids(shown, scored)["customer_id"].tolist() == ids[mask].tolist()
    # What the page draws of the first rows: the last visit from the signals, not the orders.
    rows = churn.with_signals(shown.head(30), scored)
    quick = churn.with_details(rows, churn.call_details(db, AS_OF, rows["customer_id"], last_visit=False))
    full = churn.with_details(rows, churn.call_details(db, AS_OF, rows["customer_id"]))
    _same_details(quick, full)
    assert "last_visit" not in churn.call_details(db, AS_OF, rows["customer_id"], last_visit=False)
