"""The churn signals and the backtest kept with the derived tables (clv_engine.derived.churn,
issue 14) against the computation with the stored tables out of the way (the SQL and the
Python as before them), on a random database with complaints, sightings and appointments."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import churn
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import store
from clv_engine.errors import InputError
from clv_engine.scope import ScopedDatabase
from tests.test_churn_narrow import _random_db
from tests.test_derived import SqlLog, on_the_fly


def _with_side_tables(path, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(path))
    ids = [r[0] for r in con.execute("SELECT customer_id FROM customers ORDER BY 1").fetchall()]
    end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    day = lambda: end - timedelta(days=int(rng.integers(0, 900)))  # noqa: E731
    con.executemany(
        "INSERT INTO complaints (complaint_id, customer_id, store_id, opened, resolved) VALUES (?, ?, ?, ?, ?)",
        [
            (f"Q{i}", str(rng.choice(ids)), "S1", (o := day()), o + timedelta(days=30) if i % 2 else None)
            for i in range(60)
        ],
    )
    con.executemany(
        "INSERT INTO competitor_sightings (customer_id, seen_date, source) VALUES (?, ?, ?)",
        [(str(rng.choice(ids)), day(), "survey") for _ in range(60)],
    )
    con.executemany(
        "INSERT INTO appointments (appointment_id, customer_id, store_id, appointment_date, status) "
        "VALUES (?, ?, ?, ?, ?)",
        [(f"P{i}", str(rng.choice(ids)), "S1", day(), "cancelled" if i % 3 else "kept") for i in range(150)],
    )
    con.close()


def derived(path) -> tuple[Database, object]:
    """The file at ``path`` with its derived tables built (``cli.derive``), opened afresh: the
    database and the data's last day."""
    assert cli.main([str(path)]) == 0
    store.forget()
    derived_churn.forget()
    db = Database(path)
    return db, db.query_value("SELECT max(order_date) FROM orders")


@pytest.fixture()
def derived_db(tmp_path):
    path = tmp_path / "c.duckdb"
    _random_db(path, 21).close()
    _with_side_tables(path)
    db, end = derived(path)
    yield db, end
    db.close()


def _same(stored: pd.DataFrame, computed: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(stored, computed, check_exact=False, rtol=1e-12, atol=1e-9)
    assert stored.attrs["available"] == computed.attrs["available"]


def test_the_build_writes_the_churn_tables(derived_db):
    db, end = derived_db
    assert set(derived_churn.TABLES) <= db.tables()
    assert db.query_value(f"SELECT count(*) FROM {derived_churn.SIGNALS_TABLE}") > 100
    # the backtest: a group figure's rows, read for an unscoped database only


@pytest.mark.parametrize("stores", [None, ("S1",), ("S2", "S3")])
def test_signals_from_the_stored_table_equal_the_computation(derived_db, monkeypatch, stores):
    db, end = derived_db
    log = SqlLog(monkeypatch)
    stored = churn.churn_signals(db, end, stores)
    assert log.ran(derived_churn.SIGNALS_TABLE) and not log.ran("spend_baseline_visits")
    computed = on_the_fly(monkeypatch, lambda: churn.churn_signals(db, end, stores))
    assert len(stored) > 10 and set(stored.attrs["available"]) == set(churn.SIGNALS)
    _same(stored, computed)


def test_a_scoped_database_reads_its_own_customers_signals(derived_db, monkeypatch):
    db, end = derived_db
    scoped = ScopedDatabase(db, ["S2"])
    log = SqlLog(monkeypatch)
    stored = churn.churn_signals(scoped, end)
    assert log.ran(derived_churn.SIGNALS_TABLE)
    computed = on_the_fly(monkeypatch, lambda: churn.churn_signals(scoped, end))
    assert set(stored["home_store_id"]) == {"S2"}
    _same(stored, computed)
    # the backtest is a group figure: a scoped database computes its own, never the stored one
    assert derived_churn.backtest_frame(scoped, end, churn.SignalRules(), churn.BACKTEST_HORIZON_DAYS) is None


def test_the_stored_backtest_calibrates_as_the_computed_one(derived_db, monkeypatch):
    db, end = derived_db
    log = SqlLog(monkeypatch)
    stored = churn.backtest_signals(db, end)
    assert log.ran(derived_churn.BACKTEST_TABLE)
    computed = churn.backtest_signals(db, end, stored=False)
    keep = ["customer_id", *derived_churn.BACKTEST_SIGNALS, "watched", "churned"]
    _same(stored[keep].reset_index(drop=True), computed[keep].reset_index(drop=True))
    assert stored.attrs["reference_date"] == computed.attrs["reference_date"]
    for weights in (churn.RiskWeights(), churn.RiskWeights(0.1, 0.1, 0.4, 0.2, 0.2)):
        a, b = churn.calibrate(stored, weights), churn.calibrate(computed, weights)
        assert (a is None) == (b is None)
        if a is not None:
            # the same rows in the same order: the same fit to the last bit
            assert (a.intercept, a.slope, a.auc, a.reference_date) == (
                b.intercept,
                b.slope,
                b.auc,
                b.reference_date,
            )
            pd.testing.assert_frame_equal(a.table, b.table)


@pytest.mark.parametrize("seed, chunk", [(4, 29), (9, 64), (21, None)])
def test_the_backtest_built_a_range_at_a_time_is_the_computed_one(tmp_path, monkeypatch, seed, chunk):
    """The backtest is built a range of customers at a time (ten million at once passed 8 GB):
    the same rows, in the same order, as churn.backtest_signals computes them whole."""
    if chunk is not None:
        monkeypatch.setattr(derived_churn, "BACKTEST_CHUNK_ROWS", chunk)
    path = tmp_path / f"r{seed}.duckdb"
    _random_db(path, seed).close()
    _with_side_tables(path, seed)
    db, end = derived(path)
    try:
        kept = db.query_df(f"SELECT * FROM {derived_churn.BACKTEST_TABLE} ORDER BY pos")
        computed = churn.backtest_signals(db, end, stored=False)
        assert len(computed) > 50 and computed["churned"].any() and not computed["churned"].all()
        assert kept["pos"].tolist() == list(range(len(computed)))
        assert kept["customer_id"].tolist() == computed["customer_id"].tolist()
        assert kept["churned"].tolist() == computed["churned"].tolist()
        for signal in derived_churn.BACKTEST_SIGNALS:
            np.testing.assert_array_equal(kept[signal].to_numpy(float), computed[signal].to_numpy(float))
        assert "derived_churn_backtest_facts" not in db.tables()  # the build's work table is gone
    finally:
        db.close()


def test_another_date_or_rules_compute(derived_db, monkeypatch):
    db, end = derived_db
    log = SqlLog(monkeypatch)
    earlier = end - timedelta(days=30)
    churn.churn_signals(db, earlier)
    churn.churn_signals(db, end, rules=churn.SignalRules(spend_window_days=60))
    churn.backtest_signals(db, end, horizon_days=365)
    assert not log.ran(derived_churn.SIGNALS_TABLE) and not log.ran(derived_churn.BACKTEST_TABLE)


def test_a_changed_complaint_is_never_read_from_stale_tables(tmp_path, derived_db, monkeypatch):
    db, end = derived_db
    path = db.path
    db.close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE complaints SET resolved = NULL")  # every complaint open: other signals
    con.close()
    store.forget()
    derived_churn.forget()
    db = Database(path)
    log = SqlLog(monkeypatch)
    now = churn.churn_signals(db, end)
    assert not log.ran(derived_churn.SIGNALS_TABLE)
    _same(now, on_the_fly(monkeypatch, lambda: churn.churn_signals(db, end)))
    assert derived_churn.backtest_frame(db, end, churn.SignalRules(), churn.BACKTEST_HORIZON_DAYS) is None
    db.close()


def test_rows_written_out_of_order_are_read_in_order(derived_db, monkeypatch):
    db, end = derived_db
    expected = churn.churn_signals(db, end)
    path = db.path
    db.close()
    con = duckdb.connect(str(path))
    table = derived_churn.SIGNALS_TABLE
    con.execute(f"CREATE TABLE shuffled AS SELECT * FROM {table} ORDER BY hash(pos)")
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE shuffled RENAME TO {table}")
    con.close()
    store.forget()
    derived_churn.forget()
    db = Database(path)
    log = SqlLog(monkeypatch)
    _same(churn.churn_signals(db, end), expected)
    assert log.ran(table)
    db.close()


def test_the_calibrations_score_is_the_scored_score(derived_db):
    from clv_engine.churn.signals import risk_scores

    db, end = derived_db
    backtest = churn.backtest_signals(db, end, stored=False)
    for weights in (
        churn.RiskWeights(),
        churn.RiskWeights(0.6, 0.1, 0.1, 0.1, 0.1),
        churn.RiskWeights(0, 0, 1, 0, 0),
    ):
        expected = churn.score_risk(backtest, weights)["score"].to_numpy()
        assert np.array_equal(risk_scores(backtest, weights), expected)
    with pytest.raises(InputError):
        churn.calibrate(backtest, churn.RiskWeights(), churn.RiskLevels(0.2, 0.5, 0.1))  # levels out of order


def test_the_kept_dropout_check_is_the_models(derived_db):
    """churn.kept_dropout (the kept P(alive), counted in SQL) equals the fitted model's own
    dropout() (P(alive) of every customer of its summary), for the group and a store scope;
    None where nothing is kept."""
    from clv_engine.predictive import fit_predictive_model
    from clv_engine.status import DropoutRules

    db, as_of = derived_db
    model = fit_predictive_model(db, as_of)
    a, b = model.visits.params.a, model.visits.params.b
    for rules in (DropoutRules(), DropoutRules(near_one=0.5, near_one_share=0.3)):
        assert churn.kept_dropout(db, as_of, a, b, rules) == model.dropout(rules)
    scoped = ScopedDatabase(db, ("S2",))
    mine = set(scoped.query_df("SELECT customer_id FROM customers")["customer_id"])
    cut = model.with_summary(lambda s: s[s["customer_id"].isin(mine)].reset_index(drop=True))
    assert churn.kept_dropout(scoped, as_of, a, b) == cut.dropout()
    assert (
        0
        < derived_churn.kept_alive_share(scoped, as_of, 0.5)[0]
        < derived_churn.kept_alive_share(db, as_of, 0.5)[0]
    )
    assert churn.kept_dropout(db, as_of - timedelta(days=5), a, b) is None  # not a kept date


def test_the_backtest_without_ids_calibrates_the_same(derived_db):
    """What the group calibration reads (the stored backtest without its ten million ids) fits
    the very figures the whole backtest gives."""
    db, end = derived_db
    whole = churn.backtest_signals(db, end)
    narrow = churn.backtest_signals(db, end, ids=False)
    assert "customer_id" in whole.columns and "customer_id" not in narrow.columns
    pd.testing.assert_frame_equal(narrow, whole.drop(columns="customer_id"))
    for weights in (churn.RiskWeights(), churn.RiskWeights(0.1, 0.1, 0.4, 0.2, 0.2)):
        a, b = churn.calibrate(narrow, weights), churn.calibrate(whole, weights)
        assert a is not None and (a.intercept, a.slope, a.auc) == (b.intercept, b.slope, b.auc)
        pd.testing.assert_frame_equal(a.table, b.table)


def test_the_stored_backtest_counted_in_duckdb_calibrates_as_the_computed_one(derived_db, monkeypatch):
    """The group calibration's input, the stored backtest counted per distinct set of signals
    in SQL, fits the very figures the computed per-customer backtest gives (to the last bit);
    without the stored tables (another horizon) it is computed and counted, the same again."""
    db, end = derived_db
    log = SqlLog(monkeypatch)
    groups = churn.backtest_groups(db, end)
    assert log.ran(derived_churn.BACKTEST_TABLE)
    assert len(groups) < len(churn.backtest_signals(db, end))
    computed = churn.backtest_signals(db, end, stored=False)
    assert groups.attrs["reference_date"] == computed.attrs["reference_date"]
    assert groups.attrs["available"] == computed.attrs["available"]
    for weights in (churn.RiskWeights(), churn.RiskWeights(0.1, 0.1, 0.4, 0.2, 0.2)):
        a, b = churn.calibrate_groups(groups, weights), churn.calibrate(computed, weights)
        assert a is not None and b is not None
        assert (a.intercept, a.slope, a.auc, a.reference_date) == (
            b.intercept,
            b.slope,
            b.auc,
            b.reference_date,
        )
        pd.testing.assert_frame_equal(a.table, b.table)
    horizon = churn.BACKTEST_HORIZON_DAYS - 30
    assert derived_churn.backtest_groups(db, end, None, horizon) is None
    other = churn.calibrate_groups(churn.backtest_groups(db, end, horizon_days=horizon))
    again = churn.calibrate(churn.backtest_signals(db, end, horizon_days=horizon))
    assert (other is None) == (again is None)
    if other is not None:
        assert (other.intercept, other.slope, other.auc) == (again.intercept, again.slope, again.auc)
