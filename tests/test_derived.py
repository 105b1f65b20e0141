"""Per-customer tables built once per data version (clv_engine.derived, issue 14).

The second implementation is the on-the-fly path: the same engine functions with the stored
tables out of the way (``store.usable`` patched to None), which run the per-customer SQL and
the fit as before the tables existed. Expected figures are never read from the stored tables.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cli import derive as cli
from clv_engine import clv, predictive
from clv_engine.db import Database, Reader
from clv_engine.derived import store
from clv_engine.derived.build import build
from clv_engine.models import BGNBDFit, FitError, FitNote, GammaGammaFit, fit_bgnbd
from clv_engine.models.store import failure_from_json, failure_to_json, fit_from_json, fit_to_json
from clv_engine.scope import ScopedDatabase
from tests.helpers import Table, make_db

END = date(2026, 6, 30)


def _orders(seed: int = 3, customers: int = 80) -> tuple[pd.DataFrame, list[tuple]]:
    """Random visits of ``customers`` customers of two stores over three years to END."""
    rng = np.random.default_rng(seed)
    rows, people = [], []
    for i in range(customers):
        cid = f"C{i:03d}"
        store_id = "S1" if i % 3 else "S2"
        first = END - timedelta(days=int(rng.integers(30, 1100)))
        people.append((cid, f"name {i}", store_id, "web" if i % 2 else "walk-in", first - timedelta(days=20)))
        day, k = first, 0
        while day <= END:
            revenue = float(rng.gamma(2.0, 400.0))
            rows.append((f"O{i:03d}-{k}", cid, day, store_id, revenue, round(revenue * 0.4, 2)))
            day += timedelta(days=int(rng.exponential(120 + 200 * (i % 4))) + 1)
            k += 1
    frame = pd.DataFrame(
        rows, columns=["order_id", "customer_id", "order_date", "store_id", "revenue", "gross_profit"]
    )
    frame.loc[frame["order_date"] == frame["order_date"].max(), "order_date"] = END  # the data end
    return frame, people


def _make(path) -> Database:
    orders, people = _orders()
    make_db(
        path,
        stores=[("S1", "One", "East", "Shanghai"), ("S2", "Two", "West", "Chengdu")],
        customers=Table(("customer_id", "name", "home_store_id", "channel", "purchase_date"), people),
        orders=orders,
    )
    return Database(path)


@pytest.fixture()
def plain(tmp_path) -> Database:
    """A database without derived tables (an old file)."""
    db = _make(tmp_path / "plain.duckdb")
    yield db
    db.close()


@pytest.fixture()
def derived_db(tmp_path) -> Database:
    """The same data with the tables built by the command line."""
    path = tmp_path / "derived.duckdb"
    _make(path).close()
    assert cli.main([str(path)]) == 0
    store.forget()
    db = Database(path)
    yield db
    db.close()


def on_the_fly(monkeypatch, call):
    """``call()`` with the stored tables out of the way: the computation as before them."""
    with monkeypatch.context() as m:
        m.setattr(store, "usable", lambda db, as_of: None)
        return call()


class SqlLog:
    """Every SQL text a Database runs (to see which path a call took)."""

    def __init__(self, monkeypatch) -> None:
        self.sql: list[str] = []
        original = Reader.query_df

        def query_df(db, sql, params=()):
            self.sql.append(sql)
            return original(db, sql, params)

        monkeypatch.setattr(Reader, "query_df", query_df)
        read_frame = store._read_frame

        def logged_read_frame(db, sql, params=()):
            self.sql.append(sql)
            return read_frame(db, sql, params)

        monkeypatch.setattr(store, "_read_frame", logged_read_frame)

    def ran(self, text: str) -> bool:
        return any(text in sql for sql in self.sql)


def assert_same_frame(stored: pd.DataFrame, computed: pd.DataFrame) -> None:
    # Sums of doubles may differ in the last bit between two DuckDB runs (parallel order).
    pd.testing.assert_frame_equal(stored, computed, check_exact=False, rtol=1e-12, atol=1e-9)


def test_build_writes_every_table_with_integer_keys(derived_db):
    assert set(store.TABLES) <= derived_db.tables()
    meta = store.read_meta(derived_db)
    assert meta["as_of"] == END.isoformat() and int(meta["format"]) == store.FORMAT_VERSION
    ids = derived_db.query_df("SELECT DISTINCT customer_id FROM customers ORDER BY customer_id")[
        "customer_id"
    ]
    for table in (store.VALUES_TABLE, store.RFM_TABLE):
        keys = derived_db.query_df(f"SELECT cust_key, customer_id, typeof(cust_key) AS t FROM {table}")
        assert set(keys["t"]) == {"INTEGER"}
        # the key is the row number in customer_id order, the same in both tables
        expected = {c: i + 1 for i, c in enumerate(ids)}
        assert all(expected[c] == k for c, k in zip(keys["customer_id"], keys["cust_key"]))


def test_values_from_the_stored_table_equal_the_computation(derived_db, monkeypatch):
    log = SqlLog(monkeypatch)
    stored = clv.customer_values(derived_db, END)
    assert log.ran(store.VALUES_TABLE) and not log.ran("count(*) FILTER")
    computed = on_the_fly(monkeypatch, lambda: clv.customer_values(derived_db, END))
    assert len(stored) == 80
    assert_same_frame(stored, computed)
    assert stored.attrs["return_rates"] == computed.attrs["return_rates"]
    assert stored.attrs["retention"] == pytest.approx(computed.attrs["retention"], rel=1e-12)
    assert stored.attrs["retention_source"] == computed.attrs["retention_source"]
    # a store filter and other parameters on the stored rows
    params = clv.CLVParams(discount_rate=0.08, horizon_years=7)
    s1 = clv.customer_values(derived_db, END, ["S1"], params)
    assert_same_frame(
        s1, on_the_fly(monkeypatch, lambda: clv.customer_values(derived_db, END, ["S1"], params))
    )
    assert set(s1["home_store_id"]) == {"S1"}
    nobody = clv.customer_values(derived_db, END, [""])  # no store: no row, the same columns and types
    assert nobody.empty
    assert_same_frame(nobody, on_the_fly(monkeypatch, lambda: clv.customer_values(derived_db, END, [""])))


def test_rfm_and_model_from_the_stored_tables_equal_the_computation(derived_db, monkeypatch):
    log = SqlLog(monkeypatch)
    summary = predictive.rfm_summary(derived_db, END)
    assert log.ran(store.RFM_TABLE) and not log.ran("WITH visits AS")
    assert_same_frame(summary, on_the_fly(monkeypatch, lambda: predictive.rfm_summary(derived_db, END)))

    model = predictive.fit_predictive_model(derived_db, END)
    refit = on_the_fly(monkeypatch, lambda: predictive.fit_predictive_model(derived_db, END))
    # exactly the fit of the stored summary (restored, not refitted) ...
    visits, spend = predictive.fit_on_summary(summary, END)
    assert model.visits.params == visits.params and model.spend.params == spend.params
    assert model.visits.standard_errors == visits.standard_errors
    assert model.warnings == visits.warnings + spend.warnings
    # ... and the fit on the fly up to the last bits of DuckDB's sums
    np.testing.assert_allclose(model.visits.params, refit.visits.params, rtol=1e-7)
    np.testing.assert_allclose(model.spend.params, refit.spend.params, rtol=1e-7)
    ours = predictive.customer_predictions(model, 5, 0.12)
    theirs = predictive.customer_predictions(refit, 5, 0.12)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-6)


def test_a_restart_runs_neither_the_heavy_sql_nor_the_fit(derived_db, monkeypatch):
    path = derived_db.path
    store.forget()
    again = Database(path)  # a new process's reader of the same file
    log = SqlLog(monkeypatch)

    def no_fit(*args, **kwargs):
        raise AssertionError("the model was refitted")

    monkeypatch.setattr(predictive, "fit_bgnbd", no_fit)
    monkeypatch.setattr(predictive, "fit_gamma_gamma", no_fit)
    values = clv.customer_values(again, END)
    model = predictive.fit_predictive_model(again, END)
    assert len(values) == 80 and model.visits.n_customers == len(model.summary)
    heavy = ("count(*) FILTER", "WITH visits AS", "bool_or(order_date", "WITH p AS")
    assert not any(log.ran(text) for text in heavy), log.sql
    again.close()


def test_another_date_or_unit_computes(derived_db, monkeypatch):
    log = SqlLog(monkeypatch)
    earlier = END - timedelta(days=40)
    values = clv.customer_values(derived_db, earlier)
    assert log.ran("count(*) FILTER") and not log.ran(store.VALUES_TABLE)
    assert values["last_order"].max() <= pd.Timestamp(earlier)
    days = predictive.rfm_summary(derived_db, END, time_unit_days=1.0)
    assert not log.ran(store.RFM_TABLE)
    weeks = predictive.rfm_summary(derived_db, END)
    np.testing.assert_allclose(days["T"].to_numpy(), weeks["T"].to_numpy() * 7)


def test_changed_data_is_never_read_from_stale_tables(derived_db, monkeypatch):
    assert store.stored(derived_db) is not None
    before = clv.customer_values(derived_db, END).set_index("customer_id")
    with derived_db.write_transaction() as con:
        con.execute(
            "INSERT INTO orders (order_id, customer_id, order_date, store_id, revenue, gross_profit) "
            "VALUES ('NEW', 'C001', ?, 'S1', 1000.0, 400.0)",
            [END - timedelta(days=3)],
        )
    assert store.stored(derived_db) is None
    log = SqlLog(monkeypatch)
    after = clv.customer_values(derived_db, END).set_index("customer_id")
    assert not log.ran(store.VALUES_TABLE)
    assert after.loc["C001", "orders"] == before.loc["C001", "orders"] + 1
    assert after.loc["C001", "revenue"] == pytest.approx(before.loc["C001", "revenue"] + 1000.0)
    summary = predictive.rfm_summary(derived_db, END)
    assert not log.ran(store.RFM_TABLE)
    assert_same_frame(summary, on_the_fly(monkeypatch, lambda: predictive.rfm_summary(derived_db, END)))


def test_a_changed_customer_also_makes_them_stale(derived_db):
    with derived_db.write_transaction() as con:
        con.execute("UPDATE customers SET home_store_id = 'S2' WHERE customer_id = 'C001'")
    assert store.stored(derived_db) is None


def test_a_scoped_database_reads_only_its_customers(derived_db, monkeypatch):
    scoped = ScopedDatabase(derived_db, ["S2"])
    mine = set(
        derived_db.query_df("SELECT customer_id FROM customers WHERE home_store_id = 'S2'")["customer_id"]
    )
    log = SqlLog(monkeypatch)
    raw = scoped.query_df(f"SELECT customer_id FROM {store.VALUES_TABLE}")
    assert set(raw["customer_id"]) == mine
    assert set(scoped.query_df(f"SELECT customer_id FROM {store.RFM_TABLE}")["customer_id"]) <= mine
    values = clv.customer_values(scoped, END)
    assert log.ran(store.VALUES_TABLE) and set(values["customer_id"]) == mine
    assert_same_frame(values, on_the_fly(monkeypatch, lambda: clv.customer_values(scoped, END)))
    assert (
        values.attrs["return_rates"]
        == on_the_fly(monkeypatch, lambda: clv.customer_values(scoped, END)).attrs["return_rates"]
    )
    summary = predictive.rfm_summary(scoped, END)
    assert set(summary["customer_id"]) <= mine
    assert_same_frame(summary, on_the_fly(monkeypatch, lambda: predictive.rfm_summary(scoped, END)))


def test_an_old_file_without_the_tables_computes(plain, monkeypatch):
    assert store.stored(plain) is None
    log = SqlLog(monkeypatch)
    values = clv.customer_values(plain, END)
    assert log.ran("count(*) FILTER") and len(values) == 80


def test_cli_builds_and_a_file_without_orders_gets_none(tmp_path, capsys):
    empty = make_db(tmp_path / "empty.duckdb", customers=Table(("customer_id",), [("A",)]))
    assert cli.main([str(empty)]) == 0
    assert "nothing to build" in capsys.readouterr().out
    db = Database(empty)
    assert not set(store.TABLES) & db.tables()
    db.close()
    assert cli.main([str(tmp_path / "missing.duckdb")]) == 1


def test_rebuilding_replaces_the_tables(derived_db, monkeypatch):
    with derived_db.write_transaction() as con:
        con.execute("DELETE FROM orders WHERE customer_id = 'C002'")
        assert build(con) == END
    store.forget()
    assert store.stored(derived_db) is not None
    values = clv.customer_values(derived_db, END)
    assert_same_frame(values, on_the_fly(monkeypatch, lambda: clv.customer_values(derived_db, END)))


def test_a_failed_fit_is_kept_as_the_same_failure(tmp_path, monkeypatch):
    path = make_db(
        tmp_path / "few.duckdb",
        customers=Table(("customer_id", "home_store_id"), [("A", "S1"), ("B", "S1")]),
        orders=Table(
            ("order_id", "customer_id", "order_date", "revenue", "gross_profit"),
            [("1", "A", END - timedelta(days=9), 10.0, 4.0), ("2", "B", END, 10.0, 4.0)],
        ),
    )
    assert cli.main([str(path)]) == 0
    db = Database(path)
    with pytest.raises(FitError) as stored_error:
        predictive.fit_predictive_model(db, END)
    with pytest.raises(FitError) as computed:
        on_the_fly(monkeypatch, lambda: predictive.fit_predictive_model(db, END))
    assert (stored_error.value.reason, stored_error.value.details) == (
        computed.value.reason,
        computed.value.details,
    )
    db.close()


def test_model_json_round_trip_is_exact():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 6, 300).astype(float)
    age = rng.uniform(10, 100, 300)
    t_x = np.where(x > 0, age * rng.uniform(0, 1, 300), 0.0)
    visits = fit_bgnbd(x, t_x, age)
    visits = BGNBDFit(**{**visits.__dict__, "warnings": (FitNote.of("visits_edge", names="a, b"),)})
    covariance = np.full((3, 3), np.nan)
    spend = GammaGammaFit(
        params=(1.5, 3.25, 1 / 3), standard_errors=(np.nan, 0.1, 0.2), log_likelihood=-12.5, n_customers=40,
        method="L-BFGS-B", spend_frequency_pearson=0.1, spend_frequency_spearman=np.float64(0.2),
        covariance_log=covariance, warnings=(FitNote.of("left_out", n=np.int64(3)),),
    )  # fmt: skip
    back_visits, back_spend = fit_from_json(fit_to_json(visits, spend))
    assert back_visits.params == visits.params and back_visits.warnings == visits.warnings
    np.testing.assert_array_equal(back_visits.covariance_log, visits.covariance_log)
    assert back_spend.params == tuple(spend.params) and np.isnan(back_spend.standard_errors[0])
    assert back_spend.warnings[0].details == {"n": 3}
    assert json.loads(fit_to_json(visits, spend))["visits"]["method"] == visits.method
    error = failure_from_json(failure_to_json(FitError("too_few_customers", n=np.int64(4), minimum=10)))
    assert (error.reason, error.details) == ("too_few_customers", {"n": 4, "minimum": 10})


def _import_orders(tmp_path) -> list:
    from clv_engine.imports import Source

    rows, people = _orders(seed=5, customers=40)
    text = "order_id,customer_id,order_date,revenue,gross_profit,store_id\n" + "".join(
        f"{r.order_id},{r.customer_id},{r.order_date.isoformat()},{r.revenue!r},{r.gross_profit!r},{r.store_id}\n"
        for r in rows.itertuples()
    )
    path = tmp_path / "orders.csv"
    path.write_text(text, "utf-8")
    return [Source("orders", path)]


def test_an_import_builds_the_tables_in_the_new_file(tmp_path, monkeypatch):
    from clv_engine.imports import ImportOptions, run_import

    steps = []
    target = tmp_path / "imported.duckdb"
    options = ImportOptions(today=date(2026, 12, 1))
    run_import(_import_orders(tmp_path), target, options, progress=lambda f, s: steps.append((f, s)))
    assert "deriving" in [s for _, s in steps]
    assert [f for f, _ in steps] == sorted(f for f, _ in steps)  # the bar never goes back
    store.forget()
    db = Database(target)
    assert store.stored(db) is not None and store.stored(db).as_of == END
    values = clv.customer_values(db, END)
    assert len(values) == 40
    assert_same_frame(values, on_the_fly(monkeypatch, lambda: clv.customer_values(db, END)))
    db.close()


def test_a_failed_build_still_lands_the_import_without_tables(tmp_path, monkeypatch):
    from clv_engine.derived import build as builder
    from clv_engine.imports import ImportOptions, run_import

    def broken(con, step):
        con.execute("CREATE TABLE main.derived_values AS SELECT 1 AS half_built")
        raise RuntimeError("out of memory")

    monkeypatch.setattr(builder, "build", broken)
    target = tmp_path / "imported.duckdb"
    run_import(_import_orders(tmp_path), target, ImportOptions(today=date(2026, 12, 1)))
    db = Database(target)
    assert db.table_rows("orders") > 0
    assert not set(store.TABLES) & db.tables()
    assert store.stored(db) is None and len(clv.customer_values(db, END)) == 40
    db.close()


def test_a_generated_sample_has_them(tmp_path, monkeypatch):
    from sample_data.generate import generate

    db = Database(generate(300, 4, tmp_path / "sample.duckdb"))
    found = store.stored(db)
    assert found is not None
    assert found.as_of == db.query_value("SELECT max(order_date) FROM orders")
    assert_same_frame(
        predictive.rfm_summary(db, found.as_of),
        on_the_fly(monkeypatch, lambda: predictive.rfm_summary(db, found.as_of)),
    )
    assert_same_frame(
        clv.customer_values(db, found.as_of, ["S01"]),
        on_the_fly(monkeypatch, lambda: clv.customer_values(db, found.as_of, ["S01"])),
    )
    db.close()


def _without_sidecar(db: Database) -> None:
    """The data check the command line left beside the file, removed: the readers work it out."""
    db.path.with_name(db.path.name + store.SIDECAR_SUFFIX).unlink()


def test_sessions_starting_together_check_the_data_once(derived_db, monkeypatch):
    import threading

    _without_sidecar(derived_db)
    store.forget()
    calls = []
    original = store.fingerprint

    def counted(reader):
        calls.append(1)
        return original(reader)

    monkeypatch.setattr(store, "fingerprint", counted)
    found = []
    threads = [threading.Thread(target=lambda: found.append(store.stored(derived_db))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(found) == 8
    assert found[0] is not None and all(f == found[0] for f in found)


def test_a_new_process_reads_the_fingerprint_kept_beside_the_file_until_a_write(derived_db, monkeypatch):
    """The pass over the orders runs once per file version, not once per process: a second
    process (the in-process memory forgotten) finds it beside the file; a write, a stale or a
    broken file beside it, or a scoped reader: worked out again (and the same figures)."""
    calls = []
    original = store.fingerprint

    def counted(reader):
        calls.append(1)
        return original(reader)

    monkeypatch.setattr(store, "fingerprint", counted)
    _without_sidecar(derived_db)
    store.forget()
    first = store.stored(derived_db)
    assert first is not None and len(calls) == 1
    sidecar = derived_db.path.with_name(derived_db.path.name + store.SIDECAR_SUFFIX)
    assert sidecar.exists()
    store.forget()  # a new process
    assert store.stored(derived_db) == first and len(calls) == 1
    # the value kept is the one a fresh pass finds
    assert json.loads(sidecar.read_text())["values"]["derived"] == original(derived_db)
    # a scoped reader never reads nor writes it
    scoped = ScopedDatabase(derived_db, ["S1"])
    assert store.remembered(scoped, "derived", store.fingerprint) == original(scoped)
    assert len(calls) == 2
    # a write changes the file's identity: worked out again, and the changed data is seen
    with derived_db.write_transaction() as con:
        con.execute(
            "UPDATE orders SET revenue = revenue + 1 WHERE order_id = (SELECT min(order_id) FROM orders)"
        )
    store.forget()
    assert store.stored(derived_db) is None and len(calls) == 3
    store.forget()
    assert store.stored(derived_db) is None and len(calls) == 3  # the changed one kept now
    # a file beside whose identity is not the file's, or that is not JSON: ignored
    saved = json.loads(sidecar.read_text())
    saved["identity"][1] += 1
    saved["values"]["derived"] = json.loads(store.read_meta(derived_db)["fingerprint"])
    sidecar.write_text(json.dumps(saved))
    store.forget()
    assert store.stored(derived_db) is None and len(calls) == 4
    sidecar.write_text("{not json")
    store.forget()
    assert store.stored(derived_db) is None and len(calls) == 5
    store.forget()
