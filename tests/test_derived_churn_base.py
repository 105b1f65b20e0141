"""The churn page's joined base kept in the file (clv_engine.churn.kept, issue 14) against the
join the page computed before it (signals, the model's values, the tiers: churn.list_base),
with the derived tables in use and with none at all, on random databases with complaints,
sightings and appointments; and every input it is not kept for computes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from clv_engine import churn, clv, predictive
from clv_engine.churn import kept
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import store
from clv_engine.scope import ScopedDatabase
from tests.test_churn_derived import _with_side_tables, derived
from tests.test_churn_narrow import _random_db
from tests.test_derived import on_the_fly

PARAMS = clv.CLVParams()


def _open(tmp_path, seed: int, side: bool = True) -> tuple[Database, object]:
    path = tmp_path / f"b{seed}.duckdb"
    _random_db(path, seed).close()
    if side:
        _with_side_tables(path, seed)
    return derived(path)


def _joined(db, end, params=PARAMS, model="predictive") -> pd.DataFrame:
    """The join as the page made it (ui.queries churn_base before the kept table), from the
    engine's own pieces: the signals, the customer values with the model's predictions (kept
    or fitted), the tiers."""
    values = clv.customer_values(db, end, None, params)
    predicted = None
    if model == "predictive":
        predicted = predictive.stored_predictions(db, end, None, params.horizon_years, params.discount_rate)
        if predicted is None:
            predicted = predictive.customer_predictions(
                predictive.fit_predictive_model(db, end), params.horizon_years, params.discount_rate
            )
    values = predictive.values_for_model(values, model, predicted)
    return churn.list_base(
        churn.churn_signals(db, end),
        values,
        churn.rfml_tiers(db, end),
        value_columns=churn.NARROW_VALUE_COLUMNS,
    )


@pytest.mark.parametrize("seed, chunk", [(3, None), (17, 37), (29, 64)])
def test_the_kept_base_equals_the_join(tmp_path, monkeypatch, seed, chunk):
    if chunk is not None:  # built a few customers at a time, as ten million are
        monkeypatch.setattr(kept, "CHUNK_ROWS", chunk)
    db, end = _open(tmp_path, seed, side=seed != 29)
    try:
        found = churn.kept_base(db, end, None, PARAMS, "predictive")  # None: not kept
        assert found is not None
        joined = _joined(db, end)
        assert len(found) > 50 and found["valued"].any() and "p_alive" in found.columns
        # the same frame (the columns a first render reads): dtypes, rows and order, to the bit
        assert set(found.columns) == set(kept.FIRST_COLUMNS)
        assert list(found.attrs["kept_order"]) == list(joined.columns)
        pd.testing.assert_frame_equal(found, joined[list(found.columns)], check_exact=True)
        for key in ("available", "rules", "as_of", "by_id", "details"):
            assert found.attrs[key] == joined.attrs[key], key
        # ... and the same figures as with no derived table at all (the SQL of the first days)
        computed = on_the_fly(monkeypatch, lambda: _joined(db, end))
        pd.testing.assert_frame_equal(
            found,
            computed[list(found.columns)],
            check_dtype=False,
            check_categorical=False,
            check_exact=False,
            rtol=1e-9,
        )
        # the scores and the ranking on it: the same list; the rows drawn with their facts
        scored_a, scored_b = churn.score_risk(found), churn.score_risk(joined)
        a = churn.call_list(scored_a, None, "score", narrow=True)
        b = churn.call_list(scored_b, None, "score", narrow=True)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        rng = np.random.default_rng(seed)
        for rows in (a.head(25), a.iloc[rng.permutation(len(a))[:40]], a):
            pd.testing.assert_frame_equal(
                churn.with_signals(rows, scored_a, db), churn.with_signals(rows, scored_b), check_exact=True
            )
        monkeypatch.setattr(kept, "_BY_POSITION", 10)  # a download's rows: every row read, then taken
        pd.testing.assert_frame_equal(
            churn.with_signals(a.tail(30), scored_a, db),
            churn.with_signals(a.tail(30), scored_b),
            check_exact=True,
        )
        with pytest.raises(ValueError):
            churn.with_signals(a.head(3), scored_a)  # no database to read the facts from
    finally:
        db.close()


def test_customers_without_a_home_store_keep_none_in_the_codes(tmp_path):
    # The home store is read as codes of the sorted store ids (as list_base's astype("category")
    # makes them); a customer with no home store must be missing there, not a store.
    import duckdb

    path = tmp_path / "nostore.duckdb"
    _random_db(path, 11).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE customers SET home_store_id = NULL WHERE customer_id IN ('C0003', 'C0010', 'C0042')")
    con.close()
    db, end = derived(path)
    try:
        found = churn.kept_base(db, end, None, PARAMS, "predictive")
        joined = _joined(db, end)
        pd.testing.assert_frame_equal(found, joined[list(found.columns)], check_exact=True)
        home = dict(zip(found["customer_id"], found["home_store_id"].astype(object)))
        assert all(pd.isna(home[c]) for c in ("C0003", "C0010", "C0042") if c in home)
        assert list(found["home_store_id"].cat.categories) == sorted(
            db.query_df("SELECT DISTINCT home_store_id AS s FROM customers WHERE s IS NOT NULL")["s"]
        )
    finally:
        db.close()


def test_other_inputs_compute(tmp_path, monkeypatch):
    db, end = _open(tmp_path, 5)
    try:
        other = dataclasses.replace(PARAMS, horizon_years=3)
        assert churn.kept_base(db, end, None, other, "predictive") is None
        assert (
            churn.kept_base(db, end, None, dataclasses.replace(PARAMS, retention=0.8), "predictive") is None
        )
        assert churn.kept_base(db, end, None, PARAMS, "historical") is None
        assert churn.kept_base(db, end, ("S1",), PARAMS, "predictive") is None  # tiers of the stores chosen
        assert churn.kept_base(ScopedDatabase(db, ["S2"]), end, None, PARAMS, "predictive") is None
        assert churn.kept_base(db, end - pd.Timedelta(days=1), None, PARAMS, "predictive") is None
    finally:
        db.close()


def test_a_new_complaint_is_never_read_from_a_stale_base(tmp_path):
    db, end = _open(tmp_path, 7)
    path = db.path
    db.close()
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("UPDATE complaints SET resolved = NULL")
    con.close()
    store.forget()
    derived_churn.forget()
    db = Database(path)
    try:
        assert churn.kept_base(db, end, None, PARAMS, "predictive") is None
    finally:
        db.close()


def test_no_fit_keeps_no_base(tmp_path):
    """A day whose model could not be fitted: no base kept (the page computes, as without it)."""
    import duckdb

    from clv_engine.derived import build

    path = tmp_path / "nofit.duckdb"
    _random_db(path, 9).close()
    con = duckdb.connect(str(path))
    end = build.build(con)
    assert kept.BASE_TABLE in build.ConnectionReader(con).tables()
    con.execute(f"UPDATE {store.MODEL_TABLE} SET kind = 'failure'")
    assert kept.build_base(con, build.ConnectionReader(con), end, churn.SignalRules()) is None
    assert kept.BASE_TABLE not in build.ConnectionReader(con).tables()
    con.close()


def test_the_rows_drawn_again_are_not_read_again(tmp_path, monkeypatch):
    """A rerun drawing the same rows (a filter, a second session) reuses their facts; another
    file version reads them again."""
    db, end = _open(tmp_path, 3)
    try:
        scored = churn.score_risk(churn.kept_base(db, end, None, PARAMS, "predictive"))
        rows = churn.call_list(scored, None, "score", narrow=True).head(20)
        reads = []
        real = kept._facts
        monkeypatch.setattr(kept, "_facts", lambda *a: reads.append(1) or real(*a))
        first = churn.with_signals(rows, scored, db)
        second = churn.with_signals(rows, scored, db)
        pd.testing.assert_frame_equal(first, second, check_exact=True)
        assert len(reads) == 1
        second["spend_recent"] = -1.0  # a caller's change stays its own
        pd.testing.assert_frame_equal(churn.with_signals(rows, scored, db), first, check_exact=True)
        monkeypatch.setattr(db, "version", lambda: ("another", 1))
        churn.with_signals(rows, scored, db)
        assert len(reads) == 2
    finally:
        db.close()
